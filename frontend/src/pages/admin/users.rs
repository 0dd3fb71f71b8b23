//! «Администрирование → Пользователи»: staff create, edit and deactivate users, assign their
//! organizations, time zone and the right «Возвраты», and reset a password (shown once).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::Role;
use shared::dto::admin::{CreateUserRequest, UpdateUserRequest};
use shared::dto::auth::UserView;
use shared::dto::organizations::OrganizationSummary;
use shared::ids::{OrganizationId, UserId};

use super::{CopyOnce, FieldError, FormError, at_fault};
use crate::api::{self, ApiError};
use crate::components::state::{Empty, ErrorState, Loading};
use crate::i18n::{admin as t, common};
use crate::load::Load;

const ZONES: [&str; 11] = [
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Kamchatka",
];

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Admin => t::ROLE_ADMIN,
        Role::Partner => t::ROLE_PARTNER,
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let users = Load::new(api::admin_users);
    let orgs = Load::new(api::organizations);
    let creating = RwSignal::new(false);
    let editing = RwSignal::new(None::<UserId>);
    let reload = users.reloader();
    let org_list = Signal::derive(move || orgs.get().and_then(|r| r.ok()).unwrap_or_default());
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{t::USERS}</h1>
                <Show when=move || !creating.get()>
                    <button type="button" class="button primary" on:click=move |_| creating.set(true)>{t::CREATE_USER}</button>
                </Show>
            </header>
            <Show when=move || creating.get()>
                <UserForm user=None orgs=org_list done=Callback::new(move |()| { creating.set(false); reload.run(()); })
                    cancel=Callback::new(move |()| creating.set(false)) />
            </Show>
            <div class="card flush">
                <Suspense fallback=Loading>
                    {move || users.get().map(|res| match res {
                        Err(e) => view! { <ErrorState error=e retry=reload /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <Empty message=t::NO_USERS /> }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="admin-users">
                                <thead><tr><th>{t::LOGIN}</th><th>{t::FULL_NAME}</th><th>{t::ROLE}</th><th>{t::STATE}</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| view! { <UserRow user=u orgs=org_list editing=editing reload=reload /> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn UserRow(
    user: UserView,
    orgs: Signal<Vec<OrganizationSummary>>,
    editing: RwSignal<Option<UserId>>,
    reload: Callback<()>,
) -> impl IntoView {
    let id = user.id;
    let password = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let reset = move |_| {
        if !window().confirm_with_message(t::RESET_CONFIRM).unwrap_or(false) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            match api::admin_reset_password(id).await {
                Ok(r) => password.set(Some(r.password)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let login = user.login.clone();
    let edit_user = user.clone();
    let two_factor = user.two_factor_enabled;
    let reset_two_factor = move |_| {
        if !window().confirm_with_message(t::RESET_TWO_FACTOR_CONFIRM).unwrap_or(false) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            match api::admin_reset_two_factor(id).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <tr class:disabled=!user.active data-testid=format!("user-{}", user.login)>
            <td class="mono">{user.login.clone()}</td>
            <td>{user.full_name.clone()}{user.can_refund.then(|| view! { <span class="badge badge-active">{t::REFUNDS_RIGHT}</span> })}
                {user.two_factor_enabled.then(|| view! { <span class="badge badge-active">{t::TWO_FACTOR_BADGE}</span> })}</td>
            <td>{role_label(user.role)}</td>
            <td>{if user.active { t::ACTIVE } else { t::INACTIVE }}</td>
            <td class="row-actions">
                <button type="button" class="button small" aria-label=format!("{} {login}", t::EDIT)
                    on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>{t::EDIT}</button>
                <button type="button" class="button small" on:click=reset>{t::RESET_PASSWORD}</button>
                {two_factor.then(|| view! {
                    <button type="button" class="button small" on:click=reset_two_factor>{t::RESET_TWO_FACTOR}</button>
                })}
            </td>
        </tr>
        {move || password.get().map(|p| view! {
            <tr><td colspan="5"><CopyOnce value=p warning=t::PASSWORD_WARNING /></td></tr>
        })}
        {move || error.get().is_some().then(|| view! { <tr><td colspan="5"><FormError error=error /></td></tr> })}
        {move || (editing.get() == Some(id)).then(|| {
            let u = edit_user.clone();
            view! {
                <tr><td colspan="5">
                    <UserForm user=Some(u) orgs=orgs done=Callback::new(move |()| { editing.set(None); reload.run(()); })
                        cancel=Callback::new(move |()| editing.set(None)) />
                </td></tr>
            }
        })}
    }
}

/// Creates a user (`user` is `None`) or edits one.
#[component]
fn UserForm(
    user: Option<UserView>,
    orgs: Signal<Vec<OrganizationSummary>>,
    done: Callback<()>,
    cancel: Callback<()>,
) -> impl IntoView {
    let existing = user.as_ref().map(|u| u.id);
    let login = RwSignal::new(user.as_ref().map(|u| u.login.clone()).unwrap_or_default());
    let full_name = RwSignal::new(user.as_ref().map(|u| u.full_name.clone()).unwrap_or_default());
    let email = RwSignal::new(user.as_ref().and_then(|u| u.email.clone()).unwrap_or_default());
    let phone = RwSignal::new(user.as_ref().and_then(|u| u.phone.clone()).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(user.as_ref().map(|u| u.role).unwrap_or(Role::Partner));
    let zone = RwSignal::new(user.as_ref().map(|u| u.time_zone.clone()).unwrap_or_else(|| "Europe/Moscow".to_owned()));
    let active = RwSignal::new(user.as_ref().is_none_or(|u| u.active));
    let can_refund = RwSignal::new(user.as_ref().is_some_and(|u| u.can_refund));
    let chosen = RwSignal::new(user.as_ref().map(|u| u.organization_ids.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let toggle = move |org: OrganizationId| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|o| *o == org) {
                c.remove(i);
            } else {
                c.push(org);
            }
        })
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let res = match existing {
                None => {
                    let req = CreateUserRequest {
                        login: login.get_untracked(),
                        email: Some(email.get_untracked()).filter(|v| !v.trim().is_empty()),
                        phone: Some(phone.get_untracked()).filter(|v| !v.trim().is_empty()),
                        full_name: full_name.get_untracked(),
                        password: password.get_untracked(),
                        role: role.get_untracked(),
                        organization_ids: chosen.get_untracked(),
                        time_zone: Some(zone.get_untracked()),
                        can_refund: can_refund.get_untracked(),
                    };
                    api::admin_create_user(&req).await
                }
                Some(id) => {
                    let req = UpdateUserRequest {
                        full_name: Some(full_name.get_untracked()),
                        role: Some(role.get_untracked()),
                        time_zone: Some(zone.get_untracked()),
                        active: Some(active.get_untracked()),
                        organization_ids: Some(chosen.get_untracked()),
                        can_refund: Some(can_refund.get_untracked()),
                    };
                    api::admin_update_user(id, &req).await
                }
            };
            pending.set(false);
            match res {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let creating = existing.is_none();
    view! {
        <form class="card form-grid" on:submit=submit novalidate data-testid=if creating { "create-user" } else { "edit-user" }>
            <h2>{if creating { t::NEW_USER } else { t::EDIT_USER }}</h2>
            <label class="field"><span class="field-label">{t::LOGIN}</span>
                <input name="login" bind:value=login disabled=!creating autocomplete="off" aria-invalid=at_fault(error, "login") /><FieldError error=error param="login" /></label>
            <label class="field"><span class="field-label">{t::FULL_NAME}</span><input name="full_name" bind:value=full_name aria-invalid=at_fault(error, "full_name") /><FieldError error=error param="full_name" /></label>
            {creating.then(|| view! {
                <label class="field"><span class="field-label">{t::EMAIL}</span><input name="email" type="email" bind:value=email aria-invalid=at_fault(error, "email") /><FieldError error=error param="email" /></label>
                <label class="field"><span class="field-label">{t::PHONE}</span><input name="phone" type="tel" bind:value=phone aria-invalid=at_fault(error, "phone") /><FieldError error=error param="phone" /></label>
                <label class="field"><span class="field-label">{t::PASSWORD}</span>
                    <input name="password" type="password" autocomplete="new-password" bind:value=password aria-invalid=at_fault(error, "password") /><FieldError error=error param="password" /></label>
            })}
            <label class="field"><span class="field-label">{t::ROLE}</span>
                <select name="role" prop:value=move || role.get().as_str() on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }
                }>
                    <option value="partner">{t::ROLE_PARTNER}</option>
                    <option value="admin">{t::ROLE_ADMIN}</option>
                </select>
            </label>
            <label class="field"><span class="field-label">{t::TIME_ZONE}</span>
                <select name="time_zone" prop:value=move || zone.get() on:change=move |ev| zone.set(event_target_value(&ev))>
                    {ZONES.iter().map(|z| view! { <option value=*z>{*z}</option> }).collect_view()}
                </select>
                <FieldError error=error param="time_zone" />
            </label>
            <fieldset class="field">
                <legend class="field-label">{t::USER_ORGANIZATIONS}</legend>
                {move || orgs.get().into_iter().map(|o| {
                    let id = o.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || chosen.get().contains(&id) on:change=move |_| toggle(id) />
                            {o.name.clone()}
                        </label>
                    }
                }).collect_view()}
                <FieldError error=error param="organization_ids" />
            </fieldset>
            <label class="check"><input type="checkbox" name="can_refund" bind:checked=can_refund />{t::REFUNDS_RIGHT}</label>
            {(!creating).then(|| view! {
                <label class="check"><input type="checkbox" name="active" bind:checked=active />{t::ACTIVE}</label>
            })}
            <FormError error=error fields=&["login", "full_name", "email", "phone", "password", "time_zone", "organization_ids"] />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>{if creating { t::CREATE } else { t::SAVE }}</button>
                <button type="button" class="button ghost" on:click=move |_| cancel.run(())>{common::CANCEL}</button>
            </div>
        </form>
    }
}
