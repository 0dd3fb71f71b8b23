//! «Администрирование → Организации»: staff create and edit organizations, their terminals and
//! tariffs (with a live fee preview by the server's own rule), the webhook secret, the daily
//! caps on payouts and refunds, and the API keys.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::dto::admin::{
    ApiKeyView, CreateOrganizationRequest, IssueApiKeyRequest, IssuedApiKey, NewTerminal, UpdateOrganizationRequest,
    UpdateTerminalRequest, VelocityLimits,
};
use shared::dto::organizations::{OrganizationDetail, TerminalView};
use shared::fees::Tariff;
use shared::ids::OrganizationId;
use shared::{OrganizationStatus, TerminalType};

use super::{CopyOnce, FieldError, FormError, at_fault};
use crate::api::{self, ApiError};
use crate::components::icons::Icon;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::format;
use crate::i18n::{admin as t, common, organizations as orgs};
use crate::load::Load;
use crate::pages::organizations::{status_label, terminal_label};

const DEFAULT_BANK: &str = "АО БАНК «СНГБ»";

/// The fee of `amount` under a tariff typed in a form, by the server's own rule; `None` while
/// a field does not parse.
fn preview(service: &str, bank: &str, min: &str, amount: &str) -> Option<String> {
    let tariff = Tariff {
        service_fee_percent: format::parse_percent(service)?,
        bank_fee_percent: format::parse_percent(bank)?,
        min_fee: format::parse_fee(min)?,
    };
    let fee = tariff.fee_for(format::parse_amount(amount)?);
    Some(format!(
        "{} ({} {}, {} {})",
        format::money(&fee.total),
        t::BANK_PART,
        format::money(&fee.bank),
        t::SERVICE_PART,
        format::money(&fee.service)
    ))
}

#[component]
pub fn AdminOrganizationsPage() -> impl IntoView {
    let list = Load::new(api::organizations);
    let creating = RwSignal::new(false);
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{t::ORGANIZATIONS}</h1>
                <Show when=move || !creating.get()>
                    <button type="button" class="button primary" on:click=move |_| creating.set(true)>{t::CREATE_ORGANIZATION}</button>
                </Show>
            </header>
            <Show when=move || creating.get()>
                <CreateOrganization on_cancel=Callback::new(move |()| creating.set(false)) />
            </Show>
            <div class="card flush">
                <Suspense fallback=Loading>
                    {move || list.get().map(|res| match res {
                        Err(e) => view! { <ErrorState error=e retry=list.reloader() /> }.into_any(),
                        Ok(v) if v.is_empty() => view! { <Empty message=t::NO_ORGANIZATIONS /> }.into_any(),
                        Ok(v) => view! {
                            <table class="table" data-testid="admin-organizations">
                                <thead><tr><th>{orgs::NAME}</th><th>{orgs::INN}</th><th>{orgs::STATUS}</th></tr></thead>
                                <tbody>
                                    {v.into_iter().map(|o| view! {
                                        <tr>
                                            <td><A href=format!("/admin/organizations/{}", o.id)>{o.name.clone()}</A></td>
                                            <td class="mono">{o.inn.clone()}</td>
                                            <td><span class=format!("badge badge-{}", o.status)>{status_label(o.status)}</span></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

/// One terminal row of the creation form.
#[derive(Clone, Copy)]
struct TerminalDraft {
    kind: TerminalType,
    on: RwSignal<bool>,
    service: RwSignal<String>,
    bank: RwSignal<String>,
    min: RwSignal<String>,
}

#[component]
fn CreateOrganization(on_cancel: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let inn = RwSignal::new(String::new());
    let bank_name = RwSignal::new(DEFAULT_BANK.to_owned());
    let url = RwSignal::new(String::new());
    let drafts: Vec<TerminalDraft> =
        [(TerminalType::Aft, "0.5"), (TerminalType::Oct, "0.6"), (TerminalType::Ecom, "0.7")]
            .into_iter()
            .map(|(kind, service)| TerminalDraft {
                kind,
                on: RwSignal::new(true),
                service: RwSignal::new(service.to_owned()),
                bank: RwSignal::new("0.45".to_owned()),
                min: RwSignal::new("45,00".to_owned()),
            })
            .collect();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let local_error = RwSignal::new(None::<&'static str>);
    let submit = {
        let drafts = drafts.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let mut terminals = Vec::new();
            for d in drafts.iter().filter(|d| d.on.get_untracked()) {
                let parsed = (
                    format::parse_percent(&d.service.get_untracked()),
                    format::parse_percent(&d.bank.get_untracked()),
                    format::parse_fee(&d.min.get_untracked()),
                );
                let (Some(service), Some(bank), Some(min)) = parsed else {
                    local_error.set(Some(t::BAD_TARIFF));
                    return;
                };
                terminals.push(NewTerminal {
                    terminal_type: d.kind,
                    service_fee_percent: service,
                    bank_fee_percent: bank,
                    min_fee: min,
                    amount_limit: None,
                    enabled: Some(true),
                });
            }
            local_error.set(None);
            error.set(None);
            pending.set(true);
            let req = CreateOrganizationRequest {
                name: name.get_untracked(),
                inn: inn.get_untracked(),
                notification_url: Some(url.get_untracked()).filter(|u| !u.trim().is_empty()),
                bank_name: bank_name.get_untracked(),
                terminals,
            };
            let navigate = navigate.clone();
            spawn_local(async move {
                match api::admin_create_organization(&req).await {
                    Ok(org) => navigate(&format!("/admin/organizations/{}", org.id), Default::default()),
                    Err(e) => error.set(Some(e)),
                }
                pending.set(false);
            });
        }
    };
    view! {
        <form class="card form-grid" on:submit=submit novalidate data-testid="create-organization">
            <h2>{t::NEW_ORGANIZATION}</h2>
            <label class="field"><span class="field-label">{orgs::NAME}</span><input name="name" bind:value=name required aria-invalid=at_fault(error, "name") /><FieldError error=error param="name" /></label>
            <label class="field"><span class="field-label">{orgs::INN}</span><input name="inn" inputmode="numeric" bind:value=inn required aria-invalid=at_fault(error, "inn") /><FieldError error=error param="inn" /></label>
            <label class="field"><span class="field-label">{t::BANK}</span><input name="bank_name" bind:value=bank_name required aria-invalid=at_fault(error, "bank_name") /><FieldError error=error param="bank_name" /></label>
            <label class="field"><span class="field-label">{orgs::NOTIFICATION_URL}</span><input name="notification_url" type="url" placeholder="https://shop.example/webhooks" bind:value=url aria-invalid=at_fault(error, "notification_url") /><FieldError error=error param="notification_url" /></label>
            <table class="table terminals-form">
                <thead><tr><th>{orgs::TERMINAL}</th><th>{orgs::SERVICE_FEE}", %"</th><th>{orgs::BANK_FEE}", %"</th><th>{t::MIN_FEE}</th></tr></thead>
                <tbody>
                    {drafts.into_iter().map(|d| view! {
                        <tr>
                            <td><label class="check"><input type="checkbox" bind:checked=d.on />{terminal_label(d.kind)}</label></td>
                            <td><input aria-label=format!("{} {}", orgs::SERVICE_FEE, terminal_label(d.kind)) inputmode="decimal" bind:value=d.service /></td>
                            <td><input aria-label=format!("{} {}", orgs::BANK_FEE, terminal_label(d.kind)) inputmode="decimal" bind:value=d.bank /></td>
                            <td><input aria-label=format!("{} {}", t::MIN_FEE, terminal_label(d.kind)) inputmode="decimal" bind:value=d.min /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {move || local_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <FormError error=error fields=&["name", "inn", "bank_name", "notification_url"] />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || pending.get()>{t::CREATE}</button>
                <button type="button" class="button ghost" on:click=move |_| on_cancel.run(())>{common::CANCEL}</button>
            </div>
        </form>
    }
}

#[component]
pub fn AdminOrganizationPage() -> impl IntoView {
    let detail = crate::pages::organizations::organization_of_url();
    let reload = detail.reloader();
    view! {
        <section class="page">
            <header class="page-header">
                <A href="/admin/organizations" attr:class="back" attr:aria-label=common::BACK><Icon name="chevron-left" /></A>
                <h1>{move || detail.get().and_then(|r| r.ok()).map(|o| o.name).unwrap_or_else(|| t::ORGANIZATION.to_owned())}</h1>
            </header>
            <Suspense fallback=Loading>
                {move || detail.get().map(|res| match res {
                    Err(e) => view! { <div class="card"><ErrorState error=e retry=reload /></div> }.into_any(),
                    Ok(org) => view! {
                        <OrganizationForm org=org.clone() />
                        <Terminals org=org.clone() />
                        <SecretCard org=org.clone() />
                        <LimitsCard id=org.id />
                        <KeysCard id=org.id />
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OrganizationForm(org: OrganizationDetail) -> impl IntoView {
    let id = org.id;
    let name = RwSignal::new(org.name.clone());
    let inn = RwSignal::new(org.inn.clone());
    let bank = RwSignal::new(org.bank_name.clone());
    let url = RwSignal::new(org.notification_url.clone().unwrap_or_default());
    let status = RwSignal::new(org.status.to_string());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let url_text = url.get_untracked();
        let req = UpdateOrganizationRequest {
            name: Some(name.get_untracked()),
            inn: Some(inn.get_untracked()),
            bank_name: Some(bank.get_untracked()),
            status: OrganizationStatus::parse(&status.get_untracked()),
            notification_url: Some(Some(url_text.trim().to_owned()).filter(|u| !u.is_empty())),
        };
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match api::admin_update_organization(id, &req).await {
                // Each form shows what was saved; reloading the page would lose the message.
                Ok(_) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card form-grid" on:submit=submit novalidate data-testid="organization-form">
            <h2>{orgs::DETAILS}</h2>
            <label class="field"><span class="field-label">{orgs::NAME}</span><input name="name" bind:value=name aria-invalid=at_fault(error, "name") /><FieldError error=error param="name" /></label>
            <label class="field"><span class="field-label">{orgs::INN}</span><input name="inn" inputmode="numeric" bind:value=inn aria-invalid=at_fault(error, "inn") /><FieldError error=error param="inn" /></label>
            <label class="field"><span class="field-label">{t::BANK}</span><input name="bank_name" bind:value=bank aria-invalid=at_fault(error, "bank_name") /><FieldError error=error param="bank_name" /></label>
            <label class="field"><span class="field-label">{orgs::NOTIFICATION_URL}</span><input name="notification_url" type="url" bind:value=url aria-invalid=at_fault(error, "notification_url") /><FieldError error=error param="notification_url" /></label>
            <label class="field"><span class="field-label">{orgs::STATUS}</span>
                <select name="status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="active">{orgs::STATUS_ACTIVE}</option>
                    <option value="blocked">{orgs::STATUS_BLOCKED}</option>
                </select>
            </label>
            <FormError error=error fields=&["name", "inn", "bank_name", "notification_url"] />
            {move || saved.get().then(|| view! { <p class="notice ok" role="status">{t::SAVED}</p> })}
            <div class="actions"><button type="submit" class="button primary">{t::SAVE}</button></div>
        </form>
    }
}

#[component]
fn Terminals(org: OrganizationDetail) -> impl IntoView {
    let id = org.id;
    view! {
        <div class="card">
            <h2>{t::TERMINALS}</h2>
            <p class="muted">{t::TARIFF_NOTE}</p>
            {org.terminals.into_iter().map(|term| view! { <TerminalForm id=id term=term /> }).collect_view()}
        </div>
    }
}

#[component]
fn TerminalForm(id: OrganizationId, term: TerminalView) -> impl IntoView {
    let kind = term.terminal_type;
    let enabled = RwSignal::new(term.enabled);
    let limit = RwSignal::new(format::amount_input(&term.amount_limit));
    let service = RwSignal::new(term.service_fee_percent.to_string());
    let bank = RwSignal::new(term.bank_fee_percent.to_string());
    let min = RwSignal::new(format::amount_input(&term.min_fee));
    let sample = RwSignal::new("1000,00".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let local_error = RwSignal::new(None::<&'static str>);
    let saved = RwSignal::new(false);
    let fee =
        move || preview(&service.get(), &bank.get(), &min.get(), &sample.get()).unwrap_or_else(|| t::DASH.to_owned());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            format::parse_amount(&limit.get_untracked()),
            format::parse_percent(&service.get_untracked()),
            format::parse_percent(&bank.get_untracked()),
            format::parse_fee(&min.get_untracked()),
        );
        let (Some(amount_limit), Some(s), Some(b), Some(m)) = parsed else {
            local_error.set(Some(t::BAD_TARIFF));
            return;
        };
        let tariff_changed = s != term.service_fee_percent || b != term.bank_fee_percent || m != term.min_fee;
        let req = UpdateTerminalRequest {
            enabled: Some(enabled.get_untracked()),
            amount_limit: Some(amount_limit),
            service_fee_percent: tariff_changed.then_some(s),
            bank_fee_percent: tariff_changed.then_some(b),
            min_fee: tariff_changed.then_some(m),
        };
        local_error.set(None);
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            // The form already shows what was saved; reloading the page would lose the message.
            match api::admin_update_terminal(id, kind, &req).await {
                Ok(_) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="terminal-form" on:submit=submit novalidate data-testid=format!("terminal-{kind}")>
            <h3>{terminal_label(kind)}</h3>
            <label class="check"><input type="checkbox" name="enabled" bind:checked=enabled />{t::ENABLED}</label>
            <div class="form-row">
                <label class="field"><span class="field-label">{t::AMOUNT_LIMIT}</span><input name="amount_limit" inputmode="decimal" bind:value=limit aria-invalid=at_fault(error, "amount_limit") /><FieldError error=error param="amount_limit" /></label>
                <label class="field"><span class="field-label">{orgs::SERVICE_FEE}", %"</span><input name="service_fee_percent" inputmode="decimal" bind:value=service /></label>
                <label class="field"><span class="field-label">{orgs::BANK_FEE}", %"</span><input name="bank_fee_percent" inputmode="decimal" bind:value=bank /></label>
                <label class="field"><span class="field-label">{t::MIN_FEE}</span><input name="min_fee" inputmode="decimal" bind:value=min /></label>
            </div>
            <div class="form-row preview">
                <label class="field"><span class="field-label">{t::SAMPLE_AMOUNT}</span><input name="sample" inputmode="decimal" bind:value=sample /></label>
                <p class="fee-preview" aria-live="polite" data-testid="fee-preview">{t::FEE}": "{fee}</p>
            </div>
            {move || local_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <FormError error=error fields=&["amount_limit"] />
            {move || saved.get().then(|| view! { <p class="notice ok" role="status">{t::SAVED}</p> })}
            <button type="submit" class="button">{t::SAVE}</button>
        </form>
    }
}

#[component]
fn SecretCard(org: OrganizationDetail) -> impl IntoView {
    let id = org.id;
    let fresh = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let rotate = move |_| {
        if !window().confirm_with_message(t::ROTATE_CONFIRM).unwrap_or(false) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            match api::admin_rotate_secret(id).await {
                Ok(o) => fresh.set(Some(o.webhook_secret)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="card">
            <div class="card-head">
                <h2>{orgs::WEBHOOK_SECRET}</h2>
                <button type="button" class="button" on:click=rotate>{t::ROTATE}</button>
            </div>
            <p class="muted">{t::ROTATE_NOTE}</p>
            {move || fresh.get().map(|s| view! { <CopyOnce value=s warning=t::SECRET_WARNING /> })}
            <FormError error=error />
        </div>
    }
}

#[component]
fn LimitsCard(id: OrganizationId) -> impl IntoView {
    let limits = Load::new(move || api::admin_limits(id));
    view! {
        <div class="card">
            <h2>{t::LIMITS}</h2>
            <Suspense fallback=Loading>
                {move || limits.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=limits.reloader() /> }.into_any(),
                    Ok(l) => view! { <LimitsForm id=id limits=l /> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn LimitsForm(id: OrganizationId, limits: VelocityLimits) -> impl IntoView {
    let payouts = RwSignal::new(limits.payouts_per_day.to_string());
    let payout_amount = RwSignal::new(format::amount_input(&limits.payout_amount_per_day));
    let refunds = RwSignal::new(limits.refunds_per_day.to_string());
    let refund_amount = RwSignal::new(format::amount_input(&limits.refund_amount_per_day));
    let error = RwSignal::new(None::<ApiError>);
    let local_error = RwSignal::new(None::<&'static str>);
    let saved = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let parsed = (
            payouts.get_untracked().trim().parse::<i32>().ok(),
            format::parse_amount(&payout_amount.get_untracked()),
            refunds.get_untracked().trim().parse::<i32>().ok(),
            format::parse_amount(&refund_amount.get_untracked()),
        );
        let (Some(a), Some(b), Some(c), Some(d)) = parsed else {
            local_error.set(Some(t::BAD_LIMITS));
            return;
        };
        let req = VelocityLimits {
            payouts_per_day: a,
            payout_amount_per_day: b,
            refunds_per_day: c,
            refund_amount_per_day: d,
        };
        local_error.set(None);
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match api::admin_update_limits(id, &req).await {
                Ok(_) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form-row" on:submit=submit novalidate data-testid="limits-form">
            <label class="field"><span class="field-label">{t::PAYOUTS_PER_DAY}</span><input name="payouts_per_day" inputmode="numeric" bind:value=payouts aria-invalid=at_fault(error, "payouts_per_day") /><FieldError error=error param="payouts_per_day" /></label>
            <label class="field"><span class="field-label">{t::PAYOUT_AMOUNT_PER_DAY}</span><input name="payout_amount_per_day" inputmode="decimal" bind:value=payout_amount aria-invalid=at_fault(error, "payout_amount_per_day") /><FieldError error=error param="payout_amount_per_day" /></label>
            <label class="field"><span class="field-label">{t::REFUNDS_PER_DAY}</span><input name="refunds_per_day" inputmode="numeric" bind:value=refunds aria-invalid=at_fault(error, "refunds_per_day") /><FieldError error=error param="refunds_per_day" /></label>
            <label class="field"><span class="field-label">{t::REFUND_AMOUNT_PER_DAY}</span><input name="refund_amount_per_day" inputmode="decimal" bind:value=refund_amount aria-invalid=at_fault(error, "refund_amount_per_day") /><FieldError error=error param="refund_amount_per_day" /></label>
            <button type="submit" class="button">{t::SAVE}</button>
            {move || local_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <FormError error=error fields=&["payouts_per_day", "payout_amount_per_day", "refunds_per_day", "refund_amount_per_day"] />
            {move || saved.get().then(|| view! { <p class="notice ok" role="status">{t::SAVED}</p> })}
        </form>
    }
}

#[component]
fn KeysCard(id: OrganizationId) -> impl IntoView {
    let keys = Load::new(move || api::organization_api_keys(id));
    let name = RwSignal::new(String::new());
    let issued = RwSignal::new(None::<IssuedApiKey>);
    let error = RwSignal::new(None::<ApiError>);
    let issue = move |ev: SubmitEvent| {
        ev.prevent_default();
        let req = IssueApiKeyRequest { name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()) };
        error.set(None);
        spawn_local(async move {
            match api::admin_issue_key(id, &req).await {
                Ok(k) => {
                    issued.set(Some(k));
                    name.set(String::new());
                    keys.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let revoke = Callback::new(move |key: ApiKeyView| {
        let question = format!("{} {}…?", t::REVOKE_CONFIRM, key.prefix);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            match api::admin_revoke_key(key.id).await {
                Ok(_) => keys.refetch(),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <div class="card" data-testid="keys">
            <h2>{t::KEYS}</h2>
            <form class="form-row" on:submit=issue novalidate>
                <label class="field"><span class="field-label">{t::KEY_NAME}</span><input name="key_name" bind:value=name /></label>
                <button type="submit" class="button primary">{t::ISSUE_KEY}</button>
            </form>
            {move || issued.get().map(|k| view! { <CopyOnce value=k.key warning=t::KEY_WARNING /> })}
            <FormError error=error />
            <Suspense fallback=Loading>
                {move || keys.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=keys.reloader() /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty message=t::NO_KEYS /> }.into_any(),
                    Ok(list) => view! {
                        <table class="table">
                            <thead><tr><th>{t::PREFIX}</th><th>{t::KEY_NAME}</th><th>{t::CREATED}</th><th>{t::LAST_USED}</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|k| {
                                    let revoked = k.revoked_at.is_some();
                                    let key = k.clone();
                                    view! {
                                        <tr class:disabled=revoked>
                                            <td class="mono">{format!("{}…", k.prefix)}</td>
                                            <td>{k.name.clone().unwrap_or_else(|| t::DASH.to_owned())}</td>
                                            <td class="muted">{format::browser_time(&k.created_at)}</td>
                                            <td class="muted">{k.last_used_at.as_ref().map(format::browser_time).unwrap_or_else(|| t::NEVER.to_owned())}</td>
                                            <td>{if revoked {
                                                view! { <span class="muted">{t::REVOKED}</span> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button small" on:click=move |_| revoke.run(key.clone())>{t::REVOKE}</button> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </div>
    }
}
