//! «Администрирование → Журнал аудита»: who did what, filtered by actor, action, organization
//! and dates (kept in the URL), in numbered pages, each entry opening to its details.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::dto::admin::AuditEntryView;

use crate::api;
use crate::components::pagination::Pagination;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::format;
use crate::i18n::admin as t;
use crate::load::Load;

const KEYS: [&str; 6] = ["actor", "action", "organization_id", "from", "to", "page"];

fn query_string(params: &ParamsMap, overrides: &[(&str, Option<String>)]) -> String {
    crate::format::query_string(&KEYS, params, overrides)
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let go = Callback::new(move |changes: Vec<(&'static str, Option<String>)>| {
        let mut changes = changes;
        if !changes.iter().any(|(k, _)| *k == "page") {
            changes.push(("page", None));
        }
        let qs = query.with_untracked(|q| query_string(q, &changes));
        navigate(&format!("/admin/audit?{qs}"), Default::default());
    });
    let page = Load::new(move || {
        let qs = query.with(|q| query_string(q, &[]));
        async move { api::admin_audit(&qs).await }
    });
    let orgs = Load::new(api::organizations);
    let actor = RwSignal::new(param("actor"));
    let action = RwSignal::new(param("action"));
    let on_change =
        move |key: &'static str| move |ev: leptos::ev::Event| go.run(vec![(key, Some(event_target_value(&ev)))]);
    view! {
        <section class="page">
            <header class="page-header"><h1>{t::AUDIT}</h1></header>
            <form class="filters" on:submit=move |ev| {
                ev.prevent_default();
                go.run(vec![("actor", Some(actor.get_untracked())), ("action", Some(action.get_untracked()))]);
            }>
                <input type="search" name="actor" placeholder=t::ACTOR aria-label=t::ACTOR bind:value=actor />
                <input type="search" name="action" placeholder=t::ACTION_HINT aria-label=t::ACTION bind:value=action />
                <select name="organization_id" aria-label=t::ORGANIZATION on:change=on_change("organization_id") prop:value=move || param("organization_id")>
                    <option value="">{t::ANY_ORGANIZATION}</option>
                    {move || orgs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                        .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                </select>
                <label class="inline"><span>{t::FROM}</span><input type="date" name="from" prop:value=move || param("from") on:change=on_change("from") /></label>
                <label class="inline"><span>{t::TO}</span><input type="date" name="to" prop:value=move || param("to") on:change=on_change("to") /></label>
                <button type="submit" class="button">{t::FIND}</button>
            </form>
            <p class="muted">{t::AUDIT_HINT}</p>
            <div class="card flush">
                <Suspense fallback=Loading>
                    {move || page.get().map(|res| match res {
                        Err(e) => view! { <ErrorState error=e retry=page.reloader() /> }.into_any(),
                        Ok(p) if p.data.is_empty() => view! { <Empty message=t::NO_ENTRIES /> }.into_any(),
                        Ok(p) => {
                            let last = (p.total as u32).div_ceil(p.per_page).max(1);
                            let total = if p.total_capped { format!("{}+", format::count(p.total)) } else { format::count(p.total) };
                            view! {
                                <p class="muted table-caption">{t::ENTRIES}": "{total}</p>
                                <table class="table" data-testid="audit">
                                    <thead><tr><th>{t::WHEN}</th><th>{t::ACTOR}</th><th>{t::ACTION}</th><th>{t::ORGANIZATION}</th><th>{t::TARGET}</th></tr></thead>
                                    <tbody>{p.data.into_iter().map(|e| view! { <Entry e=e /> }).collect_view()}</tbody>
                                </table>
                                <Pagination current=p.page last=last on_page=Callback::new(move |n: u32| go.run(vec![("page", Some(n.to_string()))])) />
                            }.into_any()
                        }
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn Entry(e: AuditEntryView) -> impl IntoView {
    let open = RwSignal::new(false);
    let details = serde_json::to_string_pretty(&e.details).unwrap_or_default();
    let ip = e.ip.clone();
    view! {
        <tr class="clickable" on:click=move |_| open.update(|o| *o = !*o)>
            <td class="muted">
                <button type="button" class="link" aria-expanded=move || open.get().to_string() aria-label=format!("{} {}", t::DETAILS, e.at_local)>
                    {e.at_local.clone()}
                </button>
            </td>
            <td>{e.actor.clone().unwrap_or_else(|| t::SYSTEM.to_owned())}</td>
            <td class="mono">{e.action.clone()}</td>
            <td>{e.organization_name.clone().unwrap_or_else(|| t::DASH.to_owned())}</td>
            <td class="mono">{e.target_type.clone().map(|ty| format!("{ty}: {}", e.target_id.clone().unwrap_or_default())).unwrap_or_default()}</td>
        </tr>
        {move || open.get().then(|| view! {
            <tr class="details-row"><td colspan="5">
                {ip.clone().map(|ip| view! { <p class="muted">"IP: "{ip}</p> })}
                <pre class="mono">{details.clone()}</pre>
            </td></tr>
        })}
    }
}
