//! One transaction: the manual's two cards, the status timeline, the refunds (or the payment of
//! a refund) and the notification attempts, with «Отправить повторно».

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::dto::events::EventView;
use shared::dto::transactions::{CabinetRefundRequest, LocalTime, RelatedOperation, TransactionDetail};
use shared::ids::OperationId;
use shared::{OperationStatus, OperationType};

use crate::api;
use crate::components::icons::Icon;
use crate::components::state::{Empty, ErrorState, Loading};
use crate::components::status::StatusBadge;
use crate::format;
use crate::i18n::{common, transaction as t, transactions as list};
use crate::load::Load;

/// `25.11.2024 17:33 (+03:00)`, as the manual shows dates.
fn when(time: &LocalTime) -> String {
    format!("{} ({})", time.local, time.offset)
}

fn dash(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or_else(|| t::DASH.to_owned())
}

#[component]
pub fn TransactionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<OperationId>().ok()));
    let detail = Load::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::transaction(id).await,
                None => Err(api::ApiError::Status(404)),
            }
        }
    });
    let events = Load::new(move || {
        let id = id();
        async move {
            match id {
                Some(id) => api::operation_events(id).await,
                None => Ok(Vec::new()),
            }
        }
    });

    view! {
        <section class="page">
            <header class="page-header">
                <A href="/transactions" attr:class="back" attr:aria-label=common::BACK><Icon name="chevron-left" /></A>
                <h1>{t::TITLE}</h1>
            </header>
            <Suspense fallback=Loading>
                {move || detail.get().map(|res| match res {
                    Err(e) => view! { <div class="card"><ErrorState error=e retry=detail.reloader() /></div> }.into_any(),
                    Ok(d) => view! { <Detail d=d events=events reload=Callback::new(move |()| { detail.refetch(); events.refetch(); }) /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Detail(d: TransactionDetail, events: Load<Vec<EventView>>, reload: Callback<()>) -> impl IntoView {
    let r = &d.row;
    // Capturing, canceling and refunding take the same right: staff, or «Возвраты».
    let session = crate::session::use_session();
    let may_refund = session.user.get_untracked().is_some_and(|u| u.role == shared::Role::Admin || u.can_refund);
    let holding = (r.status == OperationStatus::Authorized && may_refund)
        .then(|| view! { <HoldActions d=d.clone() reload=reload /> });
    let refunding =
        d.refundable.filter(|_| may_refund).map(|rest| view! { <RefundAction d=d.clone() rest=rest reload=reload /> });
    let card_label = if r.kind == OperationType::Oct { t::CARD_CREDIT } else { t::CARD };
    let failed_reason = r.error_code.as_deref().map(list::error);
    view! {
        <div class="grid-2">
            <div class="card">
                <h2>{t::DATA}</h2>
                <dl class="details">
                    <dt>{t::CREATED}</dt><dd data-testid="created">{when(&r.created)}</dd>
                    <dt>{t::TYPE}</dt><dd>{list::kind(r.kind)}{d.recurring.then(|| format!(" · {}", t::RECURRING))}</dd>
                    <dt>{t::AMOUNT}</dt><dd>{format::money(&r.amount)}</dd>
                    {d.captured_amount.filter(|c| *c != r.amount).map(|c| view! { <dt>{t::CAPTURED}</dt><dd data-testid="captured">{format::money(&c)}</dd> })}
                    <dt>{t::FEE}</dt><dd data-testid="fee">{format::money(&r.fee)}</dd>
                    {(!d.refunded_amount.is_zero()).then(|| view! { <dt>{t::REFUNDED}</dt><dd>{format::money(&d.refunded_amount)}</dd> })}
                    <dt>{t::ORGANIZATION}</dt><dd>{r.organization_name.clone()}</dd>
                    <dt>{t::BANK}</dt><dd>{dash(d.bank_name.clone())}</dd>
                    <dt>{t::BANK_ID}</dt><dd class="mono">{dash(d.bank_transaction_id.clone())}</dd>
                    <dt>{t::STATUS}</dt><dd><StatusBadge status=r.status error=r.error_code.clone() /></dd>
                    {failed_reason.map(|reason| view! { <dt>{t::ERROR}</dt><dd class="danger">{reason}</dd> })}
                    <dt>{t::EXECUTED}</dt><dd>{r.executed.as_ref().map(when).unwrap_or_else(|| t::DASH.to_owned())}</dd>
                    <dt>{t::ORDER}</dt><dd class="mono">{dash(r.order_id.clone())}</dd>
                    {d.description.clone().map(|v| view! { <dt>{t::DESCRIPTION}</dt><dd>{v}</dd> })}
                    {d.reason.clone().map(|v| view! { <dt>{t::REASON}</dt><dd>{v}</dd> })}
                </dl>
            </div>
            <div class="card">
                <h2>{t::CLIENT}</h2>
                <dl class="details">
                    <dt>{t::HOLDER}</dt><dd data-testid="holder">{dash(d.card_holder.clone())}</dd>
                    <dt>{card_label}</dt><dd class="mono" data-testid="card">{dash(r.card_mask.clone())}</dd>
                </dl>
            </div>
        </div>
        {holding}
        {refunding}
        {d.parent.clone().map(|p| view! { <div class="card"><h2>{t::PARENT}</h2>{related_table(vec![p])}</div> })}
        {(!d.refunds.is_empty()).then(|| view! { <div class="card"><h2>{t::REFUNDS}</h2>{related_table(d.refunds.clone())}</div> })}
        <div class="card">
            <h2>{t::TIMELINE}</h2>
            <ol class="timeline">
                {d.timeline.iter().map(|e| view! {
                    <li><span class="muted">{when(&e.at)}</span><span>{list::status(e.to)}</span>
                        {e.error_code.as_deref().map(|c| view! { <span class="danger">{list::error(c)}</span> })}</li>
                }).collect_view()}
            </ol>
        </div>
        <div class="card">
            <h2>{t::NOTIFICATIONS}</h2>
            <Suspense fallback=Loading>
                {move || events.get().map(|res| match res {
                    Err(e) => view! { <ErrorState error=e retry=events.reloader() /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty message=t::NO_NOTIFICATIONS /> }.into_any(),
                    Ok(list) => list.into_iter().map(|e| view! { <EventBlock e=e events=events /> }).collect_view().into_any(),
                })}
            </Suspense>
        </div>
    }
}

/// «Списать» (all or part, once) and «Отменить» on an authorized payment.
#[component]
fn HoldActions(d: TransactionDetail, reload: Callback<()>) -> impl IntoView {
    let id = d.row.id;
    let full = d.row.amount;
    let amount = RwSignal::new(format::amount_input(&full));
    let pending = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    let finish = move |res: Result<TransactionDetail, api::ApiError>| {
        pending.set(None);
        match res {
            Ok(_) => reload.run(()),
            Err(e) => error.set(Some(t::hold_error(e.code()).map(str::to_owned).unwrap_or_else(|| e.user_message()))),
        }
    };
    let capture = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(value) = format::parse_amount(&amount.get()) else {
            error.set(Some(t::BAD_AMOUNT.to_owned()));
            return;
        };
        error.set(None);
        pending.set(Some(t::CAPTURING));
        let part = (value != full).then_some(value);
        spawn_local(async move { finish(api::capture(id, part).await) });
    };
    let cancel = move |_| {
        let confirmed = window().confirm_with_message(t::CANCEL_CONFIRM).unwrap_or(false);
        if !confirmed {
            return;
        }
        error.set(None);
        pending.set(Some(t::CANCELING));
        spawn_local(async move { finish(api::cancel(id).await) });
    };
    view! {
        <div class="card hold" data-testid="hold">
            <h2>{t::HOLD}</h2>
            <p class="muted">{t::HOLD_NOTE}</p>
            {d.hold_expires.map(|at| view! { <p class="muted">{t::HOLD_EXPIRES}": "{when(&at)}</p> })}
            <form class="hold-form" on:submit=capture novalidate>
                <label>
                    <span>{t::CAPTURE_AMOUNT}</span>
                    <input type="text" inputmode="decimal" name="amount" bind:value=amount
                        aria-invalid=move || error.get().is_some().to_string() />
                </label>
                <button type="submit" class="button primary" disabled=move || pending.get().is_some()>
                    {move || if pending.get() == Some(t::CAPTURING) { t::CAPTURING } else { t::CAPTURE }}
                </button>
                <button type="button" class="button" disabled=move || pending.get().is_some() on:click=cancel>
                    {move || if pending.get() == Some(t::CANCELING) { t::CANCELING } else { t::CANCEL }}
                </button>
            </form>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}

/// «Вернуть»: part or the rest of a charged payment, with a reason, after a confirmation.
#[component]
fn RefundAction(d: TransactionDetail, rest: shared::Amount, reload: Callback<()>) -> impl IntoView {
    let id = d.row.id;
    let seen = d.refunded_amount;
    let open = RwSignal::new(false);
    let amount = RwSignal::new(format::amount_input(&rest));
    let reason = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(value) = format::parse_amount(&amount.get_untracked()) else {
            error.set(Some(t::BAD_AMOUNT.to_owned()));
            return;
        };
        let question = format!("{} {}?", t::REFUND_CONFIRM, format::money(&value));
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let req = CabinetRefundRequest {
            amount: (value != rest).then_some(value),
            reason: Some(reason.get_untracked()).filter(|r| !r.trim().is_empty()),
            seen_refunded: seen,
        };
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            match api::refund(id, &req).await {
                Ok(_) => reload.run(()),
                Err(e) => {
                    pending.set(false);
                    error.set(Some(t::refund_error(e.code()).map(str::to_owned).unwrap_or_else(|| e.user_message())));
                }
            }
        });
    };
    view! {
        <div class="card refund" data-testid="refund">
            <div class="card-head">
                <h2>{t::REFUND_TITLE}</h2>
                <Show when=move || !open.get()>
                    <button type="button" class="button" on:click=move |_| open.set(true)>{t::REFUND}</button>
                </Show>
            </div>
            <p class="muted">{t::REFUNDABLE}": "{format::money(&rest)}</p>
            <Show when=move || open.get()>
                <form class="hold-form" on:submit=submit novalidate>
                    <label>
                        <span>{t::REFUND_AMOUNT}</span>
                        <input type="text" inputmode="decimal" name="refund-amount" bind:value=amount />
                    </label>
                    <label class="grow">
                        <span>{t::REFUND_REASON}</span>
                        <input type="text" name="reason" maxlength="1000" bind:value=reason />
                    </label>
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { t::REFUNDING } else { t::REFUND }}
                    </button>
                    <button type="button" class="button ghost" on:click=move |_| { open.set(false); error.set(None); }>{t::CLOSE}</button>
                </form>
            </Show>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </div>
    }
}

fn related_table(ops: Vec<RelatedOperation>) -> impl IntoView {
    view! {
        <table class="table">
            <tbody>
                {ops.into_iter().map(|o| view! {
                    <tr>
                        <td><A href=format!("/transactions/{}", o.id)>{when(&o.created)}</A></td>
                        <td>{list::kind(o.kind)}</td>
                        <td class="num">{format::money(&o.amount)}</td>
                        <td><StatusBadge status=o.status /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn EventBlock(e: EventView, events: Load<Vec<EventView>>) -> impl IntoView {
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = e.id.clone();
    let resend = move |_| {
        let id = id.clone();
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(err) = api::resend_event(&id).await {
                error.set(Some(err.user_message()));
            }
            pending.set(false);
            events.refetch();
        });
    };
    let state = match e.delivery_status.as_str() {
        "delivered" => t::DELIVERED,
        "failed" => t::FAILED,
        _ => t::PENDING,
    };
    view! {
        <div class="event" data-testid="event">
            <div class="event-head">
                <span class="mono">{e.event_type.clone()}</span>
                <span class=format!("badge badge-{}", e.delivery_status)>{state}</span>
                <span class="muted">{t::ATTEMPTS}": "{e.deliveries.len()}</span>
                {e.next_attempt_at.filter(|_| e.delivery_status == "pending").map(|at| view! {
                    <span class="muted">{t::NEXT_ATTEMPT}": "{format::browser_time(&at)}</span>
                })}
                <button type="button" class="button small" disabled=move || pending.get() on:click=resend>
                    {move || if pending.get() { t::RESENDING } else { t::RESEND }}
                </button>
            </div>
            {move || error.get().map(|m| view! { <p class="form-error">{m}</p> })}
            <table class="table attempts">
                <tbody>
                    {e.deliveries.iter().rev().map(|a| view! {
                        <tr>
                            <td class="muted">{format::browser_time(&a.attempted_at)}</td>
                            <td>{a.http_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| t::NO_ANSWER.to_owned())}</td>
                            <td class="muted">{format!("{} мс", a.latency_ms)}</td>
                            <td class="muted">{a.error.clone().unwrap_or_default()}{a.manual.then(|| format!(" ({})", t::MANUAL))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
