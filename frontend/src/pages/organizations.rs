//! «Список организаций» and one organization with its terminals and fees.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::dto::organizations::{OrganizationDetail, TerminalView};
use shared::ids::OrganizationId;
use shared::{OrganizationStatus, TerminalType};

use crate::api;
use crate::components::icons::Icon;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::components::status::InfoTip;
use crate::format;
use crate::i18n::{common, organizations as t};
use crate::load::Load;

pub(crate) fn status_label(s: OrganizationStatus) -> &'static str {
    match s {
        OrganizationStatus::Active => t::STATUS_ACTIVE,
        OrganizationStatus::Blocked => t::STATUS_BLOCKED,
    }
}

pub(crate) fn terminal_label(tt: TerminalType) -> &'static str {
    match tt {
        TerminalType::Aft => t::TERMINAL_AFT,
        TerminalType::Oct => t::TERMINAL_OCT,
        TerminalType::Ecom => t::TERMINAL_ECOM,
    }
}

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let active_only = RwSignal::new(true);
    let list = Load::new(api::organizations);

    view! {
        <section class="page">
            <header class="page-header"><h1>{t::TITLE}</h1></header>
            <div class="filters">
                <button
                    type="button"
                    class="chip"
                    class:on=move || active_only.get()
                    aria-pressed=move || active_only.get().to_string()
                    on:click=move |_| active_only.update(|v| *v = !*v)
                >
                    {t::ACTIVE_ONLY}
                    {move || active_only.get().then_some(" ×")}
                </button>
            </div>
            <div class="card">
                <Suspense fallback=Loading>
                    {move || {
                        list.get()
                            .map(|res| match res {
                                Err(e) => view! { <ErrorState error=e retry=list.reloader() /> }.into_any(),
                                Ok(orgs) => {
                                    let shown: Vec<_> = orgs
                                        .into_iter()
                                        .filter(|o| !active_only.get() || o.status == OrganizationStatus::Active)
                                        .collect();
                                    if shown.is_empty() {
                                        view! { <Empty message=t::EMPTY /> }.into_any()
                                    } else {
                                        view! {
                                            <table class="table">
                                                <thead><tr><th>{t::NAME}</th><th class="narrow"></th></tr></thead>
                                                <tbody>
                                                    {shown
                                                        .into_iter()
                                                        .map(|o| {
                                                            let href = format!("/organizations/{}", o.id);
                                                            view! {
                                                                <tr class="row-link">
                                                                    <td><A href=href.clone()>{o.name}</A></td>
                                                                    <td class="narrow"><A href=href attr:aria-hidden="true" attr:tabindex="-1"><Icon name="chevron-right" /></A></td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        }
                                            .into_any()
                                    }
                                }
                            })
                    }}
                </Suspense>
            </div>
        </section>
    }
}

/// The organization the page's `:id` names (a malformed id is a 404).
pub(crate) fn organization_of_url() -> Load<OrganizationDetail> {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<OrganizationId>().ok()));
    Load::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::organization(id).await,
                None => Err(api::ApiError::Status(404)),
            }
        }
    })
}

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let detail = organization_of_url();

    view! {
        <section class="page">
            <Suspense fallback=Loading>
                {move || {
                    detail.get()
                        .map(|res| match res {
                            Ok(org) => view! { <OrganizationView org=org /> }.into_any(),
                            Err(e) => view! {
                                <header class="page-header">
                                    <A href="/organizations" attr:class="back"><Icon name="chevron-left" />{common::BACK}</A>
                                </header>
                                <div class="card"><ErrorState error=e retry=detail.reloader() /></div>
                            }
                            .into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn OrganizationView(org: OrganizationDetail) -> impl IntoView {
    let reveal = RwSignal::new(false);
    let secret = org.webhook_secret.clone();
    view! {
        <header class="page-header">
            <A href="/organizations" attr:class="back" attr:aria-label=common::BACK><Icon name="chevron-left" /></A>
            <h1>{org.name.clone()}</h1>
            <A href=format!("/organizations/{}/integration", org.id) attr:class="button">{t::INTEGRATION}</A>
        </header>
        <div class="card">
            <h2>{t::DETAILS}</h2>
            <dl class="details">
                <dt>{t::NAME}</dt><dd>{org.name.clone()}</dd>
                <dt>{t::INN}</dt><dd>{org.inn.clone()}</dd>
                <dt>{t::STATUS}</dt>
                <dd><span class=format!("badge badge-{}", org.status)>{status_label(org.status)}</span></dd>
                <dt>{t::REGISTERED}</dt><dd>{format::date(&org.registered_on)}</dd>
                <dt>{t::NOTIFICATION_URL}</dt>
                <dd class="mono">{org.notification_url.clone().unwrap_or_else(|| t::NOT_SET.to_owned())}</dd>
                <dt>{t::WEBHOOK_SECRET}</dt>
                <dd class="secret">
                    <span class="mono">{move || if reveal.get() { secret.clone() } else { "whsec_••••••••••••••••".to_owned() }}</span>
                    <button type="button" class="link" on:click=move |_| reveal.update(|r| *r = !*r)>
                        {move || if reveal.get() { t::HIDE } else { t::REVEAL }}
                    </button>
                </dd>
            </dl>
        </div>
        <crate::pages::settlements::BalanceCard org=org.id />
        <div class="card">
            <h2>{org.bank_name.clone()}</h2>
            <table class="table terminals">
                <thead>
                    <tr><th>{t::TERMINAL}</th><th>{t::SERVICE_FEE}</th><th>{t::BANK_FEE}" "<InfoTip text=t::BANK_FEE_HINT /></th><th>{t::TOTAL_FEE}</th></tr>
                </thead>
                <tbody>{org.terminals.into_iter().map(terminal_row).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn terminal_row(term: TerminalView) -> impl IntoView {
    view! {
        <tr class:disabled=!term.enabled>
            <td>
                {terminal_label(term.terminal_type)}
                {(!term.enabled).then(|| view! { <span class="badge badge-blocked">{t::DISABLED}</span> })}
            </td>
            <td>{format::percent(&term.service_fee_percent)}</td>
            <td>{format::percent(&term.bank_fee_percent)}</td>
            <td>{format!("{} (мин. {})", format::percent(&term.total_fee_percent), format::money_short(&term.min_fee))}</td>
        </tr>
    }
}
