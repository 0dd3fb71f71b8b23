//! «Список транзакций»: filters kept in the URL, the manual's columns, numbered pages.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::dto::transactions::TransactionRow;
use shared::{OperationStatus, OperationType, Role};

use crate::api;
use crate::components::export::ExportButton;
use crate::components::pagination::Pagination;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::components::status::InfoTip;
use crate::components::status::StatusBadge;
use crate::format;
use crate::i18n::transactions as t;
use crate::load::Load;
use crate::pages::admin::reconciliation::ReconciliationGlance;
use crate::session::use_session;

/// The filters the URL carries, in a fixed order.
const KEYS: [&str; 8] = ["from", "to", "date_field", "status", "type", "organization_id", "q", "page"];

/// Today's date in the browser, `YYYY-MM-DD`.
fn query_string(params: &ParamsMap, overrides: &[(&str, Option<String>)]) -> String {
    crate::format::query_string(&KEYS, params, overrides)
}

#[component]
pub fn TransactionsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let session = use_session();
    let param = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    // «Today» as the server reads it: the user's day in the user's zone, not the browser's.
    let today = move || crate::format::today_in(&session.user.get().map(|u| u.time_zone).unwrap_or_default());

    // Changing any filter returns to the first page; the URL is the single source of truth.
    let go = Callback::new(move |changes: Vec<(&'static str, Option<String>)>| {
        let mut changes = changes;
        if !changes.iter().any(|(k, _)| *k == "page") {
            changes.push(("page", None));
        }
        let qs = query.with_untracked(|q| query_string(q, &changes));
        navigate(&format!("/transactions?{qs}"), Default::default());
    });
    let list = Load::new(move || {
        let qs = query.with(|q| query_string(q, &[]));
        async move { api::transactions(&qs).await }
    });
    let orgs = Load::new(api::organizations);
    let show_orgs = move || {
        let admin = session.user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin));
        admin || orgs.get().and_then(|r| r.ok()).is_some_and(|o| o.len() > 1)
    };
    let search = RwSignal::new(param("q"));
    // Staff land here: yesterday's reconciliation with the bank comes first.
    let staff = move || session.user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin));

    let on_select =
        move |key: &'static str| move |ev: leptos::ev::Event| go.run(vec![(key, Some(event_target_value(&ev)))]);

    view! {
        <section class="page">
            <Show when=staff><ReconciliationGlance /></Show>
            <header class="page-header wrap">
                <h1>{t::TITLE}" "<InfoTip text=t::TITLE_HINT /></h1>
                <div class="date-range">
                    <label class="inline"><span>{t::FROM}</span>
                        <input type="date" name="from" prop:value=move || { let v = param("from"); if v.is_empty() && param("q").is_empty() { today() } else { v } }
                            on:change=on_select("from") />
                    </label>
                    <label class="inline"><span>{t::TO}</span>
                        <input type="date" name="to" prop:value=move || { let v = param("to"); if v.is_empty() && param("q").is_empty() { today() } else { v } }
                            on:change=on_select("to") />
                    </label>
                    <select name="date_field" aria-label=t::DATE_CREATED on:change=on_select("date_field")
                        prop:value=move || { let v = param("date_field"); if v.is_empty() { "created".to_owned() } else { v } }>
                        <option value="created">{t::DATE_CREATED}</option>
                        <option value="executed">{t::DATE_EXECUTED}</option>
                    </select>
                </div>
            </header>
            <div class="filters">
                <select name="status" aria-label=t::STATUS on:change=on_select("status") prop:value=move || param("status")>
                    <option value="">{t::ANY_STATUS}</option>
                    {OperationStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{t::status(*s)}</option> }).collect_view()}
                </select>
                <select name="type" aria-label=t::TYPE on:change=on_select("type") prop:value=move || param("type")>
                    <option value="">{t::ANY_TYPE}</option>
                    {OperationType::ALL.iter().map(|k| view! { <option value=k.as_str()>{t::kind(*k)}</option> }).collect_view()}
                </select>
                <Show when=show_orgs>
                    <select name="organization_id" aria-label=t::ORGANIZATION on:change=on_select("organization_id")
                        prop:value=move || param("organization_id")>
                        <option value="">{t::ANY_ORGANIZATION}</option>
                        {move || orgs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                            .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                    </select>
                </Show>
                <form class="search" on:submit=move |ev| { ev.prevent_default(); go.run(vec![("q", Some(search.get_untracked()))]); }>
                    <input type="search" name="q" placeholder=t::SEARCH aria-label=t::SEARCH bind:value=search />
                    <button type="submit" class="button">{t::FIND}</button>
                </form>
                <button type="button" class="button ghost" on:click=move |_| {
                    search.set(String::new());
                    go.run(KEYS.iter().map(|k| (*k, None)).collect());
                }>{t::RESET}</button>
                <ExportButton query=Signal::derive(move || query.with(|q| query_string(q, &[("page", None)]))) />
            </div>
            <div class="card flush">
                <Suspense fallback=Loading>
                    {move || list.get().map(|res| match res {
                        Err(e) => view! { <ErrorState error=e retry=list.reloader() /> }.into_any(),
                        Ok(page) if page.data.is_empty() => view! {
                            {page.all_dates.then(|| view! { <p class="notice" role="status" data-testid="all-dates">{t::ALL_DATES}</p> })}
                            <Empty message=t::EMPTY />
                        }.into_any(),
                        Ok(page) => {
                            let last = (page.total as u32).div_ceil(page.per_page).max(1);
                            let total = if page.total_capped { format!("{}+", format::count(page.total)) } else { format::count(page.total) };
                            view! {
                                {page.all_dates.then(|| view! { <p class="notice" role="status" data-testid="all-dates">{t::ALL_DATES}</p> })}
                                <table class="table transactions">
                                    <thead><tr>
                                        <th>{t::COL_CREATED}</th><th>{t::COL_TYPE}</th><th class="num">{t::COL_AMOUNT}</th>
                                        <th>{t::COL_ORGANIZATION}</th><th>{t::COL_STATUS}</th>
                                    </tr></thead>
                                    <tbody>{page.data.into_iter().map(row).collect_view()}</tbody>
                                </table>
                                <footer class="table-footer">
                                    <span class="muted" data-testid="total">{t::TOTAL}": "{total}</span>
                                    <Pagination current=page.page last=last on_page=Callback::new(move |p: u32| go.run(vec![("page", Some(p.to_string()))])) />
                                </footer>
                            }
                            .into_any()
                        }
                    })}
                </Suspense>
            </div>
        </section>
    }
}

fn row(r: TransactionRow) -> impl IntoView {
    let href = format!("/transactions/{}", r.id);
    let navigate = use_navigate();
    let go = href.clone();
    view! {
        <tr class="row-link" on:click=move |_| navigate(&go, Default::default())>
            <td data-label=t::COL_CREATED><a href=href>{r.created.local}</a></td>
            <td data-label=t::COL_TYPE>{t::kind(r.kind)}</td>
            <td data-label=t::COL_AMOUNT class="num">{format::money(&r.amount)}</td>
            <td data-label=t::COL_ORGANIZATION>{r.organization_name}</td>
            <td data-label=t::COL_STATUS><StatusBadge status=r.status error=r.error_code /></td>
        </tr>
    }
}
