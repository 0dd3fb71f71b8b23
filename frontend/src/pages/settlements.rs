//! «Взаиморасчёты»: an organization's daily settlement statements (реестр и акт сверки), with
//! each day's xlsx, and the «Баланс» card the organization's page shows.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::SignedAmount;
use shared::dto::balance::StatementView;
use shared::ids::OrganizationId;

use crate::api;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::components::status::InfoTip;
use crate::format;
use crate::i18n::settlements as t;
use crate::load::Load;

const KEYS: [&str; 3] = ["organization", "from", "to"];
const MOSCOW: &str = "Europe/Moscow";

/// 30 days before a `YYYY-MM-DD` day.
fn month_before(day: &str) -> String {
    shared::timefmt::parse_date(day).map_or_else(|| day.to_owned(), |d| (d - time::Duration::days(30)).to_string())
}

#[component]
pub fn SettlementsPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let orgs = Load::new(api::organizations);
    let param = move |k: &str| query.with(|q| q.get(k).filter(|v| !v.is_empty()));
    // Statements are of Moscow days: by default the last 31 of them.
    let today = move || format::today_in(MOSCOW);
    let to = move || param("to").unwrap_or_else(today);
    let from = move || param("from").unwrap_or_else(|| month_before(&to()));
    // The organization of the URL, else the first of the user's.
    let org = move || -> Option<OrganizationId> {
        param("organization")
            .and_then(|v| v.parse().ok())
            .or_else(|| orgs.get().and_then(|r| r.ok()).and_then(|l| l.first().map(|o| o.id)))
    };
    let set = move |key: &'static str| {
        let navigate = navigate.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let qs = query.with_untracked(|q| format::query_string(&KEYS, q, &[(key, Some(value.clone()))]));
            navigate(&format!("/settlements?{qs}"), Default::default());
        }
    };
    let statements = Load::new(move || {
        let (org, from, to) = (org(), from(), to());
        async move {
            match org {
                Some(id) => api::statements(id, &from, &to).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{t::TITLE}</h1>
            </header>
            <p class="muted">{t::NOTE}</p>
            <div class="card">
                <form class="form-row filters" on:submit=|ev| ev.prevent_default()>
                    <label class="field"><span class="field-label">{t::ORGANIZATION}</span>
                        <select name="organization" prop:value=move || org().map(|o| o.to_string()).unwrap_or_default()
                            on:change=set("organization")>
                            {move || orgs.get().and_then(|r| r.ok()).unwrap_or_default().into_iter()
                                .map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="field"><span class="field-label">{t::FROM}</span>
                        <input type="date" name="from" prop:value=from on:change=set("from") /></label>
                    <label class="field"><span class="field-label">{t::TO}</span>
                        <input type="date" name="to" prop:value=to on:change=set("to") /></label>
                </form>
                <Suspense fallback=Loading>
                    {move || statements.get().map(|res| match res {
                        Ok(Some(list)) if list.is_empty() => view! { <Empty message=t::EMPTY /> }.into_any(),
                        Ok(Some(list)) => {
                            let id = org();
                            view! { <StatementTable list=list org=id /> }.into_any()
                        }
                        Ok(None) => view! { <Empty message=t::NO_ORGANIZATIONS /> }.into_any(),
                        Err(e) => view! { <ErrorState error=e retry=statements.reloader() /> }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn StatementTable(list: Vec<StatementView>, org: Option<OrganizationId>) -> impl IntoView {
    let sum = |f: fn(&StatementView) -> shared::Amount| {
        list.iter().map(|s| SignedAmount::from(f(s))).sum::<SignedAmount>().abs()
    };
    let (payments, refunds, fees, payouts) =
        (sum(|s| s.payments), sum(|s| s.refunds), sum(|s| s.fees), sum(|s| s.payouts));
    let operations: i64 = list.iter().map(|s| s.operations_count).sum();
    let opening = list.first().map(|s| s.opening_balance).unwrap_or_default();
    let closing = list.last().map(|s| s.closing_balance).unwrap_or_default();
    view! {
        <div class="table-scroll">
            <table class="table statements" data-testid="statements">
                <thead>
                    <tr>
                        <th scope="col">{t::DAY}</th>
                        <th scope="col" class="num">{t::OPENING}</th>
                        <th scope="col" class="num">{t::PAYMENTS}</th>
                        <th scope="col" class="num">{t::REFUNDS}</th>
                        <th scope="col" class="num">{t::FEES}</th>
                        <th scope="col" class="num">{t::PAYOUTS}</th>
                        <th scope="col" class="num">{t::CLOSING}</th>
                        <th scope="col" class="num">{t::OPERATIONS}</th>
                        <th scope="col">{t::FILE}</th>
                    </tr>
                </thead>
                <tbody>
                    {list.iter().map(|s| {
                        let href = org.map(|o| api::statement_url(o, &s.day)).unwrap_or_default();
                        let label = format!("{} {}", t::DOWNLOAD_LABEL, format::date(&s.day));
                        view! {
                            <tr>
                                <th scope="row">{format::date(&s.day)}</th>
                                <td class="num">{format::signed_money(&s.opening_balance)}</td>
                                <td class="num">{format::money(&s.payments)}" · "{s.payments_count}</td>
                                <td class="num">{format::money(&s.refunds)}" · "{s.refunds_count}</td>
                                <td class="num">{format::money(&s.fees)}</td>
                                <td class="num">{format::money(&s.payouts)}" · "{s.payouts_count}</td>
                                <td class="num">{format::signed_money(&s.closing_balance)}</td>
                                <td class="num">{s.operations_count}</td>
                                <td><a href=href download aria-label=label>{t::DOWNLOAD}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t::TOTAL}</th>
                        <td class="num">{format::signed_money(&opening)}</td>
                        <td class="num">{format::money(&payments)}</td>
                        <td class="num">{format::money(&refunds)}</td>
                        <td class="num">{format::money(&fees)}</td>
                        <td class="num">{format::money(&payouts)}</td>
                        <td class="num">{format::signed_money(&closing)}</td>
                        <td class="num">{operations}</td>
                        <td></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// «Баланс» on an organization's page: available now, pending until the next Moscow day, and
/// the last statement.
#[component]
pub fn BalanceCard(org: OrganizationId) -> impl IntoView {
    let balance = Load::new(move || api::balance(org));
    view! {
        <div class="card" data-testid="balance">
            <div class="card-head">
                <h2>{t::BALANCE}</h2>
                <A href=format!("/settlements?organization={org}")>{t::ALL_STATEMENTS}</A>
            </div>
            <Suspense fallback=Loading>
                {move || balance.get().map(|res| match res {
                    Ok(b) => view! {
                        <dl class="details">
                            <dt>{t::AVAILABLE}</dt><dd class="num">{format::signed_money(&b.available)}</dd>
                            <dt>{t::PENDING}" "<InfoTip text=t::PENDING_HINT /></dt>
                            <dd class="num">{format::signed_money(&b.pending)}</dd>
                            <dt>{t::LAST_STATEMENT}</dt>
                            <dd>{b.last_statement.map(|d| format::date(&d)).unwrap_or_else(|| t::NO_STATEMENT.to_owned())}</dd>
                        </dl>
                    }.into_any(),
                    Err(e) => view! { <ErrorState error=e retry=balance.reloader() /> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}
