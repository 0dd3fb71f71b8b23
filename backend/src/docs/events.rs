//! The event log: `GET /api/v1/events`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::dto::payments::{Event, List};

use super::params::{CREATED_GTE, Page};
use super::responses::*;
use super::text::{Example, Op, Tr};

const EVENT_TYPE: Tr = Tr {
    en: "Only events of this type, e.g. `payment.authorized`",
    ru: "Только события этого типа, например `payment.authorized`",
};
const PAGE_OF_EVENTS: Tr = Tr {
    en: "The events of the last 30 days, newest first",
    ru: "События за последние 30 дней, от новых к старым",
};

const LIST: Op = Op {
    id: "events_list",
    summary: Tr { en: "List events", ru: "Список событий" },
    description: Tr {
        en: "Lists the organization's events of the last 30 days, newest first: the same `{\"id\", \"type\", \"created_at\", \"data\"}` the notifications deliver, so you can recover what a broken endpoint missed.

Types: `payment.authentication_required` (the payment entered `authentication`), `payment.authorized` (a two-stage payment's amount is held), `payment.canceled` (a hold was released: canceled, or not captured within 7 days), `payment.succeeded` (a capture ends with it too), `payment.failed`, `payment.refunded` (after every successful refund, partial ones included), `refund.succeeded`, `refund.failed`, `payout.succeeded`, `payout.failed`, and `test.webhook`.",
        ru: "Возвращает события организации за последние 30 дней, от новых к старым, — те же `{\"id\", \"type\", \"created_at\", \"data\"}`, что приходят в уведомлениях. Так можно восстановить то, что не дошло до неработающего обработчика.

Типы: `payment.authentication_required` (платёж перешёл в `authentication`), `payment.authorized` (сумма двухстадийного платежа заблокирована), `payment.canceled` (блокировка снята: платёж отменён или не списан за 7 дней), `payment.succeeded` (в том числе по завершении списания), `payment.failed`, `payment.refunded` (после каждого успешного возврата, включая частичные), `refund.succeeded`, `refund.failed`, `payout.succeeded`, `payout.failed` и `test.webhook`.",
    },
    example: Example { path: "/api/v1/events?type=payment.succeeded&created_gte=2024-11-25T00:00:00Z", key: None, body: None },
};

// `payment_api::events::list`
#[utoipa::path(
    get,
    path = "/api/v1/events",
    operation_id = LIST.id,
    tag = "Events",
    params(
        Page,
        ("type" = Option<String>, Query, description = EVENT_TYPE.en),
        ("created_gte" = Option<String>, Query, description = CREATED_GTE.en),
    ),
    responses(
        (status = 200, description = PAGE_OF_EVENTS.en, body = List<Event>),
        InvalidQuery,
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn events_list() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[LIST];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[EVENT_TYPE, PAGE_OF_EVENTS];
