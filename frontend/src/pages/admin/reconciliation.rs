//! «Администрирование → Сверка»: a Moscow day's reconciliation with the bank — its result (the
//! latest run's counts and status, the grace window), the open discrepancies with both sides'
//! figures and «Отметить решённым» with a comment, the closed ones, the day's runs, «Запустить
//! сверку» and «Скачать xlsx». The day lives in the URL. [`ReconciliationGlance`] is the card
//! on the admin's home: yesterday's run and the open discrepancies.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::dto::reconciliation::{
    BankSide, DayResult, DiscrepancyStatus, DiscrepancyView, GatewaySide, MAX_COMMENT, RunStatus, RunView,
    bank_status_ru,
};

use super::{FieldError, FormError, at_fault};
use crate::api::{self, ApiError};
use crate::components::state::{Empty, ErrorState, Loading};
use crate::format;
use crate::i18n::{common, reconciliation as t, transactions as tx};
use crate::load::Load;

fn run_badge(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Completed => "badge badge-delivered",
        RunStatus::Running => "badge badge-pending",
        RunStatus::Failed => "badge badge-failed",
    }
}

fn discrepancy_badge(s: DiscrepancyStatus) -> &'static str {
    match s {
        DiscrepancyStatus::Open => "badge badge-failed",
        DiscrepancyStatus::Resolved | DiscrepancyStatus::Settled => "badge badge-delivered",
        DiscrepancyStatus::Cleared => "badge badge-pending",
    }
}

/// Who started a run: the schedule, or a member of staff by login.
fn started_by(run: &RunView) -> String {
    match &run.started_by {
        Some(login) => format!("{} ({login})", t::trigger(run.trigger)),
        None => format!("{} ({})", t::trigger(run.trigger), t::SCHEDULE_ACTOR),
    }
}

#[component]
pub fn ReconciliationPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let day = Memo::new(move |_| {
        query.with(|q| q.get("day")).filter(|d| !d.is_empty()).unwrap_or_else(format::moscow_yesterday)
    });
    let result = Load::new(move || {
        let d = day.get();
        async move { api::reconciliation_day(&d).await }
    });
    let reload = result.reloader();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let run = move |_| {
        pending.set(true);
        error.set(None);
        let d = day.get_untracked();
        spawn_local(async move {
            match api::reconciliation_run(&d).await {
                Ok(_) => result.refetch(),
                Err(e) => error.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if !v.is_empty() {
            error.set(None);
            navigate(&format!("/admin/reconciliation?day={v}"), Default::default());
        }
    };
    view! {
        <section class="page">
            <header class="page-header wrap">
                <h1>{t::TITLE}</h1>
                <div class="date-range">
                    <label class="inline"><span>{t::DAY}</span>
                        <input type="date" name="day" max=format::today_in("Europe/Moscow") prop:value=move || day.get() on:change=pick />
                    </label>
                    <button type="button" class="button primary" disabled=move || pending.get() on:click=run>
                        {move || if pending.get() {
                            view! { <span class="spinner light"></span>{t::RUNNING} }.into_any()
                        } else {
                            t::RUN.into_any()
                        }}
                    </button>
                    <a class="button" href=move || api::reconciliation_xlsx_url(&day.get())
                        download=move || format!("clickpay-reconciliation-{}.xlsx", day.get())>{t::DOWNLOAD}</a>
                </div>
            </header>
            <FormError error=error />
            <Suspense fallback=Loading>
                {move || result.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=reload /> }.into_any(),
                    Ok(r) => view! { <DayView result=r reload=reload /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DayView(result: DayResult, reload: Callback<()>) -> impl IntoView {
    let latest = result.runs.first().cloned();
    let (open, closed): (Vec<_>, Vec<_>) =
        result.discrepancies.into_iter().partition(|d| d.status == DiscrepancyStatus::Open);
    let open_count = open.len();
    let runs = result.runs;
    view! {
        <p class="muted" data-testid="grace">{t::GRACE_BEFORE}{result.grace_minutes}{t::GRACE_AFTER}</p>
        <div class="card" data-testid="day-result">
            <div class="card-head"><h2>{t::RESULT}" "{format::date(&result.day)}</h2></div>
            {match latest {
                None => view! { <p class="muted">{t::NEVER_RAN}</p> }.into_any(),
                Some(run) => view! { <RunSummary run=run open=result.open /> }.into_any(),
            }}
        </div>
        {if open.is_empty() {
            view! {
                <div class="card" data-testid="open-discrepancies">
                    <h2>{t::OPEN_TITLE}</h2>
                    <Empty message=t::NO_OPEN />
                </div>
            }.into_any()
        } else {
            view! {
                <TableCard title=format!("{} ({open_count})", t::OPEN_TITLE) region=t::OPEN_TITLE testid="open-discrepancies">
                    <thead><tr>
                        <th>{t::KIND}</th><th>{t::REFERENCE}</th><th>{t::TYPE}</th><th>{t::BANK}</th><th>{t::GATEWAY}</th><th></th>
                    </tr></thead>
                    <tbody>{open.into_iter().map(|d| view! { <OpenRow d=d reload=reload /> }).collect_view()}</tbody>
                </TableCard>
            }.into_any()
        }}
        {(!closed.is_empty()).then(|| view! {
            <TableCard title=t::CLOSED_TITLE.to_owned() region=t::CLOSED_TITLE testid="closed-discrepancies">
                <thead><tr>
                    <th>{t::STATUS}</th><th>{t::KIND}</th><th>{t::REFERENCE}</th><th>{t::TYPE}</th><th>{t::CLOSED_BY}</th><th>{t::COMMENT}</th>
                </tr></thead>
                <tbody>{closed.into_iter().map(closed_row).collect_view()}</tbody>
            </TableCard>
        })}
        {(!runs.is_empty()).then(|| view! {
            <TableCard title=t::RUNS_TITLE.to_owned() region=t::RUNS_TITLE testid="runs">
                <thead><tr>
                    <th>{t::STARTED}</th><th>{t::WHO}</th><th>{t::STATUS}</th><th class="num">{t::BANK_LINES}</th>
                    <th class="num">{t::MATCHED}</th><th class="num">{t::SETTLED}</th><th class="num">{t::MISMATCHED}</th>
                </tr></thead>
                <tbody>{runs.into_iter().map(run_row).collect_view()}</tbody>
            </TableCard>
        })}
    }
}

/// A card with a heading over a table that scrolls on its own when it is wider than a phone.
#[component]
fn TableCard(title: String, region: &'static str, testid: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="card flush" data-testid=testid>
            <div class="card-head table-caption"><h2>{title}</h2></div>
            <div class="scroll-x" role="region" aria-label=region tabindex="0">
                <table class="table">{children()}</table>
            </div>
        </div>
    }
}

#[component]
fn RunSummary(run: RunView, open: u64) -> impl IntoView {
    let stat = |label: &'static str, value: u64, id: &'static str| {
        view! {
            <div class="card stat" data-testid=id>
                <span class="stat-label">{label}</span>
                <span class="stat-value">{format::count(value)}</span>
            </div>
        }
    };
    view! {
        <p>
            <span class=run_badge(run.status) data-testid="run-status">{t::run_status(run.status)}</span>
            " "<span class="muted">{t::STARTED}" "{format::moscow_time(&run.started_at)}" МСК, "{started_by(&run)}</span>
        </p>
        {run.provisional.then(|| view! { <p class="notice" role="status">{t::PROVISIONAL}</p> })}
        {run.error.clone().map(|e| view! { <p class="form-error">{e}</p> })}
        <div class="cards">
            {stat(t::BANK_LINES, run.bank_lines, "bank-lines")}
            {stat(t::MATCHED, run.matched, "matched")}
            {stat(t::SETTLED, run.settled, "settled")}
            {stat(t::MISMATCHED, run.mismatched, "mismatched")}
            {stat(t::OPEN, open, "open")}
        </div>
    }
}

fn bank_cell(b: Option<BankSide>) -> AnyView {
    match b {
        None => view! { <span class="muted">{t::NOTHING}</span> }.into_any(),
        Some(b) => view! {
            <span class="num">{format::money(&b.amount)}</span>" · "{bank_status_ru(&b.status)}
            <br /><span class="muted mono">{b.bank_transaction_id}" · "{format::moscow_time(&b.booked_at)}</span>
        }
        .into_any(),
    }
}

fn gateway_cell(g: Option<GatewaySide>) -> AnyView {
    match g {
        None => view! { <span class="muted">{t::NOTHING}</span> }.into_any(),
        Some(g) => view! {
            <span class="num">{g.amount.map_or_else(|| "—".to_owned(), |a| format::money(&a))}</span>" · "{tx::status(g.status)}
            <br /><span class="muted">{g.organization_name}{g.recorded_at.map(|t| format!(" · {}", format::moscow_time(&t)))}</span>
        }
        .into_any(),
    }
}

/// The reference, linked to its operation when the gateway has one.
fn reference_cell(d: &DiscrepancyView) -> AnyView {
    let reference = d.reference.clone();
    match &d.gateway {
        Some(g) => view! { <A href=format!("/transactions/{}", g.operation_id)>{reference}</A> }.into_any(),
        None => view! { <span>{reference}</span> }.into_any(),
    }
}

#[component]
fn OpenRow(d: DiscrepancyView, reload: Callback<()>) -> impl IntoView {
    let id = d.id;
    let open = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            match api::resolve_discrepancy(id, &comment.get_untracked()).await {
                Ok(_) => {
                    open.set(false);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let field_id = format!("comment-{id}");
    let label = format!("{} {}", t::RESOLVE, d.reference);
    view! {
        <tr data-testid=format!("discrepancy-{}", d.reference)>
            <td class="nowrap"><span class="badge badge-failed">{t::kind(d.kind)}</span></td>
            <td class="mono">{reference_cell(&d)}</td>
            <td>{d.booking.label_ru()}</td>
            <td>{bank_cell(d.bank.clone())}</td>
            <td>{gateway_cell(d.gateway.clone())}</td>
            <td>
                <button type="button" class="button small nowrap" aria-expanded=move || open.get().to_string() aria-label=label
                    on:click=move |_| open.update(|o| *o = !*o)>{t::RESOLVE}</button>
            </td>
        </tr>
        {move || open.get().then(|| {
            let field_id = field_id.clone();
            view! {
                <tr class="details-row"><td colspan="6">
                    <form class="form-row" on:submit=submit novalidate data-testid="resolve-form">
                        <div class="field comment-field">
                            <label class="field-label" for=field_id.clone()>{t::COMMENT}</label>
                            <textarea id=field_id name="comment" rows="2" maxlength=MAX_COMMENT.to_string()
                                placeholder=t::COMMENT_HINT aria-invalid=at_fault(error, "comment")
                                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                            <FieldError error=error param="comment" />
                        </div>
                        <button type="submit" class="button primary" disabled=move || pending.get()>{t::SAVE}</button>
                        <button type="button" class="button ghost" on:click=move |_| open.set(false)>{common::CANCEL}</button>
                    </form>
                    <FormError error=error fields=&["comment"] />
                </td></tr>
            }
        })}
    }
}

fn closed_row(d: DiscrepancyView) -> impl IntoView {
    let closed = match (&d.closed_by, d.closed_at) {
        (Some(login), Some(at)) => format!("{login}, {}", format::moscow_time(&at)),
        (None, Some(at)) => format::moscow_time(&at),
        _ => String::new(),
    };
    view! {
        <tr data-testid=format!("closed-{}", d.reference)>
            <td><span class=discrepancy_badge(d.status)>{t::status(d.status)}</span></td>
            <td>{t::kind(d.kind)}</td>
            <td class="mono">{reference_cell(&d)}</td>
            <td>{d.booking.label_ru()}</td>
            <td class="muted">{closed}</td>
            <td>{d.comment.clone().unwrap_or_default()}</td>
        </tr>
    }
}

fn run_row(r: RunView) -> impl IntoView {
    view! {
        <tr>
            <td>{format::moscow_time(&r.started_at)}</td>
            <td>{started_by(&r)}</td>
            <td><span class=run_badge(r.status)>{t::run_status(r.status)}</span></td>
            <td class="num">{format::count(r.bank_lines)}</td>
            <td class="num">{format::count(r.matched)}</td>
            <td class="num">{format::count(r.settled)}</td>
            <td class="num">{format::count(r.mismatched)}</td>
        </tr>
    }
}

/// The admin's home card: yesterday's reconciliation and the open discrepancies of every day.
#[component]
pub fn ReconciliationGlance() -> impl IntoView {
    let overview = Load::new(api::reconciliation_overview);
    view! {
        <Suspense fallback=Loading>
            {move || overview.get().map(|res| match res {
                Err(e) => view! { <ErrorState error=e retry=overview.reloader() /> }.into_any(),
                Ok(o) => {
                    let status = match &o.latest {
                        None => view! { <span class="muted">{t::GLANCE_NONE}</span> }.into_any(),
                        Some(run) => view! {
                            <span class=run_badge(run.status) data-testid="glance-status">{t::run_status(run.status)}</span>
                            " "<span class="muted">{t::MATCHED}": "{format::count(run.matched)}", "{t::MISMATCHED}": "{format::count(run.mismatched)}</span>
                        }.into_any(),
                    };
                    view! {
                        <section class="card glance" aria-labelledby="glance-title" data-testid="reconciliation-glance">
                            <h2 id="glance-title">{t::GLANCE_TITLE}" "{format::date(&o.day)}</h2>
                            <p>{status}</p>
                            <p>{t::GLANCE_OPEN}": "<strong data-testid="glance-open">{format::count(o.open_discrepancies)}</strong></p>
                            <A href=format!("/admin/reconciliation?day={}", o.day)>{t::GLANCE_LINK}</A>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
