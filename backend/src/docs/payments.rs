//! Payments: create, read, list, and the two-stage payment's capture and cancel.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::ErrorBody;
use shared::dto::payments::{CancelPaymentRequest, CapturePaymentRequest, CreatePaymentRequest, List, Payment};

use super::params::{Filters, IdempotencyKey, PAYMENT_ID, Page};
use super::responses::*;
use super::text::{Example, Op, Tr};

const CREATED: Tr = Tr {
    en: "The payment as it stands; a card decline is a `201` too, with `status: failed` and `error`",
    ru: "Платёж в текущем состоянии; при отказе банка тоже `201` — со статусом `failed` и причиной в `error`",
};
const CREATE_REFUSED: Tr = Tr {
    en: "A business rule: `card_token_revoked`, `amount_limit_exceeded` (over the terminal's limit), `velocity_limit_exceeded`",
    ru: "Нарушено бизнес-правило: `card_token_revoked`, `amount_limit_exceeded` (сумма больше лимита терминала), `velocity_limit_exceeded`",
};

const CREATE: Op = Op {
    id: "payments_create",
    summary: Tr { en: "Create a payment", ru: "Создать платёж" },
    description: Tr {
        en: "Creates an `ecom` or `aft` payment: with a card (`card`), with a saved card (`card_token`: a recurring charge, no CVC, no 3-D Secure) or, with neither (`ecom` only), on ClickPay's hosted payment page.

- `capture` (boolean, default `true`): `false` makes a **two-stage payment**. Once the bank approves it, the payment stops at `authorized` with the amount held on the card, until you capture it (`POST /api/v1/payments/{id}/capture`) or cancel it (`POST /api/v1/payments/{id}/cancel`). A hold not captured within 7 days is released and the payment becomes `canceled`.
- `save_card: true` saves the card: `card_token` is filled in once the payment succeeds (or, for a two-stage payment, is `authorized`); if the payment fails, no token exists.
- `return_url` is required when the payer may have to act (the hosted page, or a card that asks for 3-D Secure): send the payer to `confirmation.url`; afterwards the browser comes back to `return_url` with `?payment_id=…`.

A card decline is not an HTTP error: the payment is created (`201`) with `status: failed` and `error`. The answer is the payment as it stands: `succeeded`, `authorized`, `failed`, `created` or `authentication` (the payer must act at `confirmation.url`), or `processing` (the bank has not answered yet; the notification follows).",
        ru: "Создаёт платёж `ecom` или `aft`: по данным карты (`card`), по сохранённой карте (`card_token` — рекуррентное списание без CVC и 3-D Secure) или, если не передано ни то ни другое (только `ecom`), через платёжную страницу ClickPay.

- `capture` (логическое, по умолчанию `true`): `false` создаёт **двухстадийный платёж**. После одобрения банком платёж останавливается в статусе `authorized`, а сумма блокируется на карте — до списания (`POST /api/v1/payments/{id}/capture`) или отмены (`POST /api/v1/payments/{id}/cancel`). Если за 7 дней сумма не списана, блокировка снимается, а платёж переходит в статус `canceled`.
- `save_card: true` сохраняет карту: `card_token` появится, когда платёж пройдёт успешно (для двухстадийного — когда перейдёт в `authorized`); если платёж не прошёл, токен не создаётся.
- `return_url` обязателен, если покупателю, возможно, придётся действовать самому (платёжная страница или карта с 3-D Secure): направьте его по ссылке из `confirmation.url`, а после оплаты браузер вернётся на `return_url` с параметром `?payment_id=…`.

Отказ банка — не HTTP-ошибка: платёж создаётся (`201`) в статусе `failed`, причина — в `error`. В ответе — платёж в текущем состоянии: `succeeded`, `authorized`, `failed`, `created` или `authentication` (покупателю нужно перейти по ссылке `confirmation.url`) либо `processing` (банк ещё не ответил — придёт уведомление).",
    },
    example: Example {
        path: "/api/v1/payments",
        key: Some("order-1842"),
        body: Some(
            r#"{"type": "ecom", "amount": "100.00", "currency": "RUB", "order_id": "order-1842", "description": "Order 1842",
       "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123", "holder": "IVAN IVANOV"},
       "save_card": true, "capture": true, "return_url": "https://shop.example/return"}"#,
        ),
    },
};

// `payment_api::payments::create`
#[utoipa::path(
    post,
    path = "/api/v1/payments",
    operation_id = CREATE.id,
    tag = "Payments",
    request_body = CreatePaymentRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = CREATED.en, body = Payment),
        InvalidRequest,
        ApiKeyRequired,
        NotPermitted,
        IdempotencyConflict,
        PayloadTooLarge,
        (status = 422, description = CREATE_REFUSED.en, body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payments_create() {}

const THE_PAYMENT: Tr = Tr { en: "The payment", ru: "Платёж" };

const GET: Op = Op {
    id: "payments_get",
    summary: Tr { en: "Get a payment", ru: "Получить платёж" },
    description: Tr {
        en: "Returns the payment as it stands. Read the outcome here (or from the notification) after the payer comes back to `return_url`: the redirect itself proves nothing.",
        ru: "Возвращает платёж в текущем состоянии. Когда покупатель вернётся на `return_url`, узнайте результат здесь (или из уведомления): сам факт возврата ничего не подтверждает.",
    },
    example: Example { path: "/api/v1/payments/0193b6f2-5c1e-7a4b-9f3d-2e8c1a7b4d60", key: None, body: None },
};

// `payment_api::payments::get`
#[utoipa::path(
    get,
    path = "/api/v1/payments/{id}",
    operation_id = GET.id,
    tag = "Payments",
    params(("id" = String, Path, description = PAYMENT_ID.en)),
    responses(
        (status = 200, description = THE_PAYMENT.en, body = Payment),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn payments_get() {}

const PAGE_OF_PAYMENTS: Tr = Tr {
    en: "A page of payments, newest first", ru: "Страница платежей, от новых к старым"
};
const TYPE: Tr = Tr { en: "`ecom` or `aft`", ru: "`ecom` или `aft`" };
const CUSTOMER_EMAIL: Tr = Tr {
    en: "The payer's e-mail, as the payment was created with it (any case)",
    ru: "E-mail покупателя, переданный при создании платежа (без учёта регистра)",
};

const LIST: Op = Op {
    id: "payments_list",
    summary: Tr { en: "List payments", ru: "Список платежей" },
    description: Tr {
        en: "Lists the organization's payments, newest first: `{\"object\": \"list\", \"data\": [...], \"has_more\": bool}`. For the next page pass the last id as `starting_after`.",
        ru: "Возвращает платежи организации, от новых к старым: `{\"object\": \"list\", \"data\": [...], \"has_more\": bool}`. Чтобы получить следующую страницу, передайте идентификатор последнего платежа в `starting_after`.",
    },
    example: Example { path: "/api/v1/payments?limit=20&status=succeeded", key: None, body: None },
};

// `payment_api::payments::list`
#[utoipa::path(
    get,
    path = "/api/v1/payments",
    operation_id = LIST.id,
    tag = "Payments",
    params(
        Page,
        ("type" = Option<String>, Query, description = TYPE.en),
        ("customer_email" = Option<String>, Query, description = CUSTOMER_EMAIL.en),
        Filters,
    ),
    responses(
        (status = 200, description = PAGE_OF_PAYMENTS.en, body = List<Payment>),
        InvalidQuery,
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn payments_list() {}

const CAPTURED: Tr = Tr {
    en: "The payment as it stands: `succeeded` with `captured_amount` once the bank has captured; `processing` if the bank did not answer in time (the `payment.succeeded` notification follows)",
    ru: "Платёж в текущем состоянии: `succeeded` с `captured_amount`, если банк списал сумму; `processing`, если банк не ответил вовремя (затем придёт уведомление `payment.succeeded`)",
};
const CAPTURE_REFUSED: Tr = Tr {
    en: "The payment is not `authorized` (`invalid_state`), or the amount is over the held amount (`capture_exceeds_authorization`)",
    ru: "Платёж не в статусе `authorized` (`invalid_state`) или сумма больше заблокированной (`capture_exceeds_authorization`)",
};
const CAPTURE_BODY: Tr = Tr {
    en: "Optional. `amount`: how much to take, at most the held amount; omitted, the whole hold",
    ru: "Необязательно. `amount` — сумма списания, не больше заблокированной; если не указана, списывается вся заблокированная сумма",
};

const CAPTURE: Op = Op {
    id: "payments_capture",
    summary: Tr { en: "Capture a two-stage payment", ru: "Списать заблокированную сумму" },
    description: Tr {
        en: "Captures a two-stage payment in status `authorized`: takes `amount` from the card (at most the held amount; omitted, the whole hold) and releases the rest of the hold. A payment is captured once; a partial capture needs no separate release.

The fee is the tariff fixed when the payment was created, applied to the captured amount, and is charged at capture. Refunds are then possible up to `captured_amount`.

The answer is the payment as it stands: `succeeded` with `captured_amount` once the bank has captured, or `processing` if the bank did not answer in time (then the `payment.succeeded` notification follows). A payment in any other status than `authorized` is `422 invalid_state`; more than the held amount is `422 capture_exceeds_authorization`.",
        ru: "Списывает средства по двухстадийному платежу в статусе `authorized`: с карты списывается `amount` (не больше заблокированной суммы; если не указано — вся сумма), а остаток блокировки снимается. Списать можно один раз; после частичного списания отдельно снимать блокировку не нужно.

Комиссия рассчитывается по тарифу, зафиксированному при создании платежа, от списанной суммы и удерживается в момент списания. После списания доступны возвраты в пределах `captured_amount`.

В ответе — платёж в текущем состоянии: `succeeded` с `captured_amount`, если банк списал сумму, или `processing`, если банк не ответил вовремя (тогда следом придёт уведомление `payment.succeeded`). Платёж в любом статусе, кроме `authorized`, — `422 invalid_state`; сумма больше заблокированной — `422 capture_exceeds_authorization`.",
    },
    example: Example {
        path: "/api/v1/payments/0193b6f2-5c1e-7a4b-9f3d-2e8c1a7b4d60/capture",
        key: Some("capture-order-1842"),
        body: Some(r#"{"amount": "80.00"}"#),
    },
};

// `payment_api::payments::capture`
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/capture",
    operation_id = CAPTURE.id,
    tag = "Payments",
    request_body(content = Option<CapturePaymentRequest>, description = CAPTURE_BODY.en),
    params(("id" = String, Path, description = PAYMENT_ID.en), IdempotencyKey),
    responses(
        (status = 200, description = CAPTURED.en, body = Payment),
        InvalidRequest,
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
        (status = 422, description = CAPTURE_REFUSED.en, body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payments_capture() {}

const CANCELED: Tr = Tr {
    en: "The payment as it stands: `canceled`, or `processing` until the bank answers (the `payment.canceled` notification follows)",
    ru: "Платёж в текущем состоянии: `canceled` или `processing`, пока банк не ответит (затем придёт уведомление `payment.canceled`)",
};
const CANCEL_REFUSED: Tr = Tr {
    en: "The payment is not `authorized` (`invalid_state`)",
    ru: "Платёж не в статусе `authorized` (`invalid_state`)",
};
const CANCEL_BODY: Tr =
    Tr { en: "Optional: an empty body or `{}`", ru: "Необязательно: пустое тело или `{}`" };

const CANCEL: Op = Op {
    id: "payments_cancel",
    summary: Tr { en: "Cancel a two-stage payment", ru: "Отменить двухстадийный платёж" },
    description: Tr {
        en: "Cancels a two-stage payment in status `authorized`: the whole hold is released, nothing is charged and no fee is taken. The payment becomes `canceled` and the `payment.canceled` notification is sent; the answer may still read `processing` until the bank answers.

A payment in any other status is `422 invalid_state`: a captured payment is refunded instead (`POST /api/v1/payments/{id}/refunds`).",
        ru: "Отменяет двухстадийный платёж в статусе `authorized`: блокировка снимается полностью, деньги не списываются, комиссия не удерживается. Платёж переходит в статус `canceled`, отправляется уведомление `payment.canceled`; пока банк не ответил, в ответе может быть статус `processing`.

Платёж в любом другом статусе — `422 invalid_state`: после списания деньги возвращают возвратом (`POST /api/v1/payments/{id}/refunds`).",
    },
    example: Example { path: "/api/v1/payments/0193b6f2-5c1e-7a4b-9f3d-2e8c1a7b4d60/cancel", key: Some("cancel-order-1842"), body: None },
};

// `payment_api::payments::cancel`
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/cancel",
    operation_id = CANCEL.id,
    tag = "Payments",
    request_body(content = Option<CancelPaymentRequest>, description = CANCEL_BODY.en),
    params(("id" = String, Path, description = PAYMENT_ID.en), IdempotencyKey),
    responses(
        (status = 200, description = CANCELED.en, body = Payment),
        InvalidRequest,
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
        (status = 422, description = CANCEL_REFUSED.en, body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payments_cancel() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[CREATE, GET, LIST, CAPTURE, CANCEL];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[
    CREATED,
    CREATE_REFUSED,
    THE_PAYMENT,
    PAGE_OF_PAYMENTS,
    TYPE,
    CUSTOMER_EMAIL,
    CAPTURED,
    CAPTURE_REFUSED,
    CAPTURE_BODY,
    CANCELED,
    CANCEL_REFUSED,
    CANCEL_BODY,
];
