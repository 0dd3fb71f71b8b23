//! Refunds: `POST /api/v1/payments/{id}/refunds`, `GET /api/v1/refunds/{id}`, the lists.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::ErrorBody;
use shared::dto::payments::{CreateRefundRequest, List, Refund};

use super::params::{Filters, IdempotencyKey, OBJECT_ID, PAYMENT_ID, Page};
use super::responses::*;
use super::text::{Example, Op, Tr};

const REFUND_CREATED: Tr = Tr {
    en: "The refund: `succeeded`, `failed` (the bank refused; the amount is released) or `processing`",
    ru: "Возврат: `succeeded`, `failed` (банк отказал, сумма снова доступна для возврата) или `processing`",
};
pub const REFUND_REFUSED: Tr = Tr {
    en: "A business rule: the payment is not `succeeded` or `partially_refunded` (`invalid_state`: an `authorized` two-stage payment is refunded only once captured, so cancel it instead; `canceled`, `failed` and `refunded` ones have nothing to refund), or the amount is over what remains of `captured_amount` (`refund_exceeds_payment`)",
    ru: "Нарушено бизнес-правило: платёж не в статусе `succeeded` или `partially_refunded` (`invalid_state`: двухстадийный платёж в статусе `authorized` можно вернуть только после списания — до него платёж отменяют; по платежам `canceled`, `failed` и `refunded` возвращать нечего) или сумма больше остатка `captured_amount` (`refund_exceeds_payment`)",
};
const REFUND_BODY: Tr = Tr {
    en: "`amount` (omitted, the rest of the captured amount) and `reason`",
    ru: "`amount` (если не указана — весь остаток списанной суммы) и `reason`",
};

const CREATE: Op = Op {
    id: "refunds_create",
    summary: Tr { en: "Refund a payment", ru: "Создать возврат" },
    description: Tr {
        en: "Refunds a payment in status `succeeded` or `partially_refunded`, in full or in part: `amount` (omitted, the rest). Refunds may be made several times while their sum stays within the captured amount (`captured_amount`); more is `422 refund_exceeds_payment`. Any other status is `422 invalid_state` — `refunded` included; a two-stage payment in `authorized` is not captured yet, so cancel it (`POST /api/v1/payments/{id}/cancel`) instead. Payouts cannot be refunded.

A refund is an operation of its own: `processing`, then `succeeded` or `failed`. The payment's `refunded_amount` counts succeeded and still-processing refunds; a failed refund releases its amount. Refunds carry no fee and return none. Notifications: `refund.succeeded` or `refund.failed`, and `payment.refunded` after every successful refund, partial ones included.",
        ru: "Возвращает платёж в статусе `succeeded` или `partially_refunded` полностью или частично: `amount` (если не указана — весь остаток). Возвратов может быть несколько, пока их сумма не превышает списанную сумму (`captured_amount`); больше — `422 refund_exceeds_payment`. В любом другом статусе, включая `refunded`, — `422 invalid_state`; двухстадийный платёж в статусе `authorized` ещё не списан, поэтому его не возвращают, а отменяют (`POST /api/v1/payments/{id}/cancel`). Выплаты вернуть нельзя.

Возврат — отдельная операция: `processing`, затем `succeeded` или `failed`. В `refunded_amount` платежа учитываются успешные возвраты и возвраты в обработке; неуспешный возврат освобождает свою сумму. Комиссия за возврат не взимается, комиссия платежа не возвращается. Уведомления: `refund.succeeded` или `refund.failed`, а после каждого успешного возврата, в том числе частичного, — `payment.refunded`.",
    },
    example: Example {
        path: "/api/v1/payments/0193b6f2-5c1e-7a4b-9f3d-2e8c1a7b4d60/refunds",
        key: Some("refund-1842-1"),
        body: Some(r#"{"amount": "40.00", "reason": "Returned item"}"#),
    },
};

// `payment_api::refunds::create`
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/refunds",
    operation_id = CREATE.id,
    tag = "Refunds",
    request_body(content = CreateRefundRequest, description = REFUND_BODY.en),
    params(("id" = String, Path, description = PAYMENT_ID.en), IdempotencyKey),
    responses(
        (status = 201, description = REFUND_CREATED.en, body = Refund),
        InvalidRequest,
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
        (status = 422, description = REFUND_REFUSED.en, body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn refunds_create() {}

const THE_REFUND: Tr = Tr { en: "The refund", ru: "Возврат" };

const GET: Op = Op {
    id: "refunds_get",
    summary: Tr { en: "Get a refund", ru: "Получить возврат" },
    description: Tr {
        en: "Returns a refund as it stands, with its `payment_id`.",
        ru: "Возвращает возврат в текущем состоянии, с идентификатором платежа в `payment_id`.",
    },
    example: Example { path: "/api/v1/refunds/0193b6f9-0a2d-7e61-b4c8-3f5a9d2e7c11", key: None, body: None },
};

// `payment_api::refunds::get`
#[utoipa::path(
    get,
    path = "/api/v1/refunds/{id}",
    operation_id = GET.id,
    tag = "Refunds",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = THE_REFUND.en, body = Refund),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn refunds_get() {}

const PAGE_OF_REFUNDS: Tr = Tr {
    en: "A page of refunds, newest first", ru: "Страница возвратов, от новых к старым"
};

const LIST: Op = Op {
    id: "refunds_list",
    summary: Tr { en: "List a payment's refunds", ru: "Возвраты платежа" },
    description: Tr {
        en: "Lists the refunds of one payment, newest first, with the list conventions (`limit`, `starting_after`, `has_more`).",
        ru: "Возвращает возвраты одного платежа, от новых к старым, по общим правилам списков (`limit`, `starting_after`, `has_more`).",
    },
    example: Example { path: "/api/v1/payments/0193b6f2-5c1e-7a4b-9f3d-2e8c1a7b4d60/refunds", key: None, body: None },
};

// `payment_api::refunds::list`
#[utoipa::path(
    get,
    path = "/api/v1/payments/{id}/refunds",
    operation_id = LIST.id,
    tag = "Refunds",
    params(("id" = String, Path, description = PAYMENT_ID.en), Page, Filters),
    responses(
        (status = 200, description = PAGE_OF_REFUNDS.en, body = List<Refund>),
        InvalidQuery,
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn refunds_list() {}

const LIST_ALL: Op = Op {
    id: "refunds_list_all",
    summary: Tr { en: "List all refunds", ru: "Список всех возвратов" },
    description: Tr {
        en: "Lists every refund of the organization, across its payments, newest first.",
        ru: "Возвращает все возвраты организации по всем платежам, от новых к старым.",
    },
    example: Example { path: "/api/v1/refunds?created_gte=2024-11-01T00:00:00Z", key: None, body: None },
};

// `payment_api::refunds::list_all`
#[utoipa::path(
    get,
    path = "/api/v1/refunds",
    operation_id = LIST_ALL.id,
    tag = "Refunds",
    params(Page, Filters),
    responses(
        (status = 200, description = PAGE_OF_REFUNDS.en, body = List<Refund>),
        InvalidQuery,
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn refunds_list_all() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[CREATE, GET, LIST, LIST_ALL];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[REFUND_CREATED, REFUND_REFUSED, REFUND_BODY, THE_REFUND, PAGE_OF_REFUNDS];
