//! «Смена пароля»: forced after a reset, and available to any signed-in user.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::ErrorCode;
use shared::dto::auth::ChangePasswordRequest;

use crate::api;
use crate::i18n::password as t;
use crate::session::use_session;

#[component]
pub fn PasswordPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let forced = move || session.user.get().map(|u| u.must_change_password).unwrap_or(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if new.get_untracked() != repeat.get_untracked() {
            error.set(Some(t::MISMATCH.to_owned()));
            return;
        }
        let req =
            ChangePasswordRequest { current_password: current.get_untracked(), new_password: new.get_untracked() };
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::change_password(&req).await {
                Ok(user) => {
                    session.user.set(Some(user));
                    navigate("/transactions", Default::default());
                }
                Err(e) => error.set(Some(match (e.code(), e.status()) {
                    (Some(ErrorCode::InvalidCredentials), _) => t::WRONG_CURRENT.to_owned(),
                    (Some(ErrorCode::InvalidRequest), _) => t::RULES.to_owned(),
                    _ => e.user_message(),
                })),
            }
            pending.set(false);
        });
    };

    view! {
        <section class="page narrow-page">
            <header class="page-header"><h1>{t::TITLE}</h1></header>
            <form class="card form" on:submit=on_submit>
                {move || forced().then(|| view! { <p class="notice">{t::FORCED}</p> })}
                <label class="field">
                    <span class="field-label">{t::CURRENT}</span>
                    <input type="password" name="current" autocomplete="current-password" bind:value=current required />
                </label>
                <label class="field">
                    <span class="field-label">{t::NEW}</span>
                    <input type="password" name="new" autocomplete="new-password" bind:value=new required minlength="12" />
                </label>
                <label class="field">
                    <span class="field-label">{t::REPEAT}</span>
                    <input type="password" name="repeat" autocomplete="new-password" bind:value=repeat required />
                </label>
                <p class="hint">{t::RULES}</p>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary" disabled=move || pending.get()>{t::SUBMIT}</button>
            </form>
        </section>
    }
}
