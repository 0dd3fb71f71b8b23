//! «Интеграция»: what a partner's developers need from the cabinet — the notification URL and
//! its secret, a signed test notification, the delivery log of the latest events, the API keys
//! by prefix, and the API docs.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::dto::admin::ApiKeyView;
use shared::dto::events::EventView;
use shared::ids::OrganizationId;

use crate::api;
use crate::components::icons::Icon;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::format;
use crate::i18n::{common, integration as t, transaction as tx};
use crate::load::Load;

#[component]
pub fn IntegrationPage() -> impl IntoView {
    let org = crate::pages::organizations::organization_of_url();
    view! {
        <section class="page">
            <Suspense fallback=Loading>
                {move || org.get().map(|res| match res {
                    Err(e) => view! { <div class="card"><ErrorState error=e retry=org.reloader() /></div> }.into_any(),
                    Ok(o) => view! { <Integration id=o.id name=o.name url=o.notification_url secret=o.webhook_secret /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Integration(id: OrganizationId, name: String, url: Option<String>, secret: String) -> impl IntoView {
    let reveal = RwSignal::new(false);
    let events = Load::new(move || api::organization_events(id));
    let keys = Load::new(move || api::organization_api_keys(id));
    let sending = RwSignal::new(false);
    let sent = RwSignal::new(None::<Result<String, String>>);
    let has_url = url.is_some();
    let send_test = move |_| {
        sending.set(true);
        sent.set(None);
        spawn_local(async move {
            let res = api::webhook_test(id).await;
            sending.set(false);
            sent.set(Some(res.map_err(|e| e.user_message())));
            // The worker sends it within a moment; show its attempt.
            gloo_timers::future::TimeoutFuture::new(1_500).await;
            events.refetch();
        });
    };
    view! {
        <header class="page-header">
            <A href=format!("/organizations/{id}") attr:class="back" attr:aria-label=common::BACK><Icon name="chevron-left" /></A>
            <h1>{t::TITLE}" · "{name}</h1>
        </header>
        <div class="card">
            <h2>{t::NOTIFICATIONS}</h2>
            <dl class="details">
                <dt>{t::URL}</dt>
                <dd class="mono" data-testid="notification-url">{url.unwrap_or_else(|| t::NOT_SET.to_owned())}</dd>
                <dt>{t::SECRET}</dt>
                <dd class="secret">
                    <span class="mono">{move || if reveal.get() { secret.clone() } else { "whsec_••••••••••••••••".to_owned() }}</span>
                    <button type="button" class="link" aria-pressed=move || reveal.get().to_string() on:click=move |_| reveal.update(|r| *r = !*r)>
                        {move || if reveal.get() { t::HIDE } else { t::REVEAL }}
                    </button>
                </dd>
            </dl>
            <p class="muted">{t::VERIFY_HINT}</p>
            <div class="actions">
                <button type="button" class="button primary" disabled=move || sending.get() || !has_url on:click=send_test>
                    {move || if sending.get() { t::SENDING } else { t::SEND_TEST }}
                </button>
                <a class="button" href="/partners/docs/" rel="noopener">{t::DOCS}</a>
            </div>
            {(!has_url).then(|| view! { <p class="muted">{t::NO_URL}</p> })}
            {move || sent.get().map(|r| match r {
                Ok(event) => view! { <p class="notice ok" role="status" data-testid="test-sent">{t::SENT}" "<span class="mono">{event}</span></p> }.into_any(),
                Err(m) => view! { <p class="form-error" role="alert">{m}</p> }.into_any(),
            })}
        </div>
        <div class="card">
            <div class="card-head">
                <h2>{t::LOG}</h2>
                <button type="button" class="button small" on:click=move |_| events.refetch()>{t::REFRESH}</button>
            </div>
            <Suspense fallback=Loading>
                {move || events.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=events.reloader() /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty message=t::NO_EVENTS /> }.into_any(),
                    Ok(list) => view! { {log_table(list)} }.into_any(),
                })}
            </Suspense>
        </div>
        <div class="card">
            <h2>{t::KEYS}</h2>
            <Suspense fallback=Loading>
                {move || keys.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=keys.reloader() /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty message=t::NO_KEYS /> }.into_any(),
                    Ok(list) => view! { {keys_table(list)} }.into_any(),
                })}
            </Suspense>
            <p class="muted">{t::KEYS_HINT}</p>
        </div>
    }
}

fn log_table(list: Vec<EventView>) -> impl IntoView {
    view! {
        <table class="table" data-testid="delivery-log">
            <thead><tr><th>{t::EVENT}</th><th>{t::CREATED}</th><th>{t::STATE}</th><th>{t::LAST_ATTEMPT}</th></tr></thead>
            <tbody>
                {list.into_iter().map(|e| {
                    let state = match e.delivery_status.as_str() {
                        "delivered" => tx::DELIVERED,
                        "failed" => tx::FAILED,
                        _ => tx::PENDING,
                    };
                    let last = e.deliveries.last().map(|a| {
                        a.http_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| a.error.clone().unwrap_or_else(|| tx::NO_ANSWER.to_owned()))
                    });
                    view! {
                        <tr>
                            <td class="mono">{e.event_type.clone()}</td>
                            <td class="muted">{format::browser_time(&e.created_at)}</td>
                            <td><span class=format!("badge badge-{}", e.delivery_status)>{state}</span></td>
                            <td>{last.unwrap_or_else(|| tx::DASH.to_owned())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn keys_table(list: Vec<ApiKeyView>) -> impl IntoView {
    view! {
        <table class="table" data-testid="api-keys">
            <thead><tr><th>{t::PREFIX}</th><th>{t::KEY_NAME}</th><th>{t::CREATED}</th><th>{t::LAST_USED}</th><th>{t::STATE}</th></tr></thead>
            <tbody>
                {list.into_iter().map(|k| view! {
                    <tr class:disabled=k.revoked_at.is_some()>
                        <td class="mono">{format!("{}…", k.prefix)}</td>
                        <td>{k.name.clone().unwrap_or_else(|| tx::DASH.to_owned())}</td>
                        <td class="muted">{format::browser_time(&k.created_at)}</td>
                        <td class="muted">{k.last_used_at.as_ref().map(format::browser_time).unwrap_or_else(|| t::NEVER.to_owned())}</td>
                        <td>{if k.revoked_at.is_some() { t::REVOKED } else { t::ACTIVE }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
