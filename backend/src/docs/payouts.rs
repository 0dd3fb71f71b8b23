//! Payouts: `POST /api/v1/payouts`, `GET /api/v1/payouts/{id}`, `GET /api/v1/payouts`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::ErrorBody;
use shared::dto::payments::{CreatePayoutRequest, List, Payout};

use super::params::{Filters, IdempotencyKey, OBJECT_ID, Page};
use super::responses::*;
use super::text::{Example, Op, Tr};

const PAYOUT_CREATED: Tr = Tr {
    en: "The payout as it stands: `succeeded`, `failed` (a decline is a `201` too) or `processing`",
    ru: "Выплата в текущем состоянии: `succeeded`, `failed` (при отказе банка тоже `201`) или `processing`",
};
const PAYOUT_REFUSED: Tr = Tr {
    en: "A business rule: `card_token_revoked`, `amount_limit_exceeded` (over the terminal's limit), `velocity_limit_exceeded`",
    ru: "Нарушено бизнес-правило: `card_token_revoked`, `amount_limit_exceeded` (сумма больше лимита терминала), `velocity_limit_exceeded`",
};

const CREATE: Op = Op {
    id: "payouts_create",
    summary: Tr { en: "Pay out to a card", ru: "Создать выплату на карту" },
    description: Tr {
        en: "Credits a card (OCT, the organization's `oct` terminal): `card: {number, holder}` or a saved card's `card_token`. No CVC and no 3-D Secure are needed.

The payout is `processing`, then `succeeded` or `failed`; a decline is not an HTTP error but a `201` with `status: failed` and `error`. The fee is fixed at creation from the `oct` terminal's tariff and charged only on success. Payouts cannot be refunded. Notifications: `payout.succeeded` or `payout.failed`.",
        ru: "Зачисляет деньги на карту (OCT, терминал организации типа `oct`): `card: {number, holder}` или `card_token` сохранённой карты. CVC и 3-D Secure не нужны.

Выплата создаётся в статусе `processing` и переходит в `succeeded` или `failed`; отказ банка — не HTTP-ошибка, а ответ `201` со статусом `failed` и причиной в `error`. Комиссия фиксируется при создании по тарифу терминала `oct` и удерживается только при успешной выплате. Выплаты не возвращаются. Уведомления: `payout.succeeded` или `payout.failed`.",
    },
    example: Example {
        path: "/api/v1/payouts",
        key: Some("payout-77"),
        body: Some(
            r#"{"amount": "1500.00", "currency": "RUB", "order_id": "payout-77",
       "card": {"number": "2200000000000004", "holder": "IVAN IVANOV"}}"#,
        ),
    },
};

// `payment_api::payouts::create`
#[utoipa::path(
    post,
    path = "/api/v1/payouts",
    operation_id = CREATE.id,
    tag = "Payouts",
    request_body = CreatePayoutRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = PAYOUT_CREATED.en, body = Payout),
        InvalidRequest,
        ApiKeyRequired,
        NotPermitted,
        IdempotencyConflict,
        PayloadTooLarge,
        (status = 422, description = PAYOUT_REFUSED.en, body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payouts_create() {}

const THE_PAYOUT: Tr = Tr { en: "The payout", ru: "Выплата" };

const GET: Op = Op {
    id: "payouts_get",
    summary: Tr { en: "Get a payout", ru: "Получить выплату" },
    description: Tr {
        en: "Returns a payout as it stands.", ru: "Возвращает выплату в текущем состоянии."
    },
    example: Example { path: "/api/v1/payouts/0193b701-4e7a-7b2c-8d1f-6a3e5c9b0f42", key: None, body: None },
};

// `payment_api::payouts::get`
#[utoipa::path(
    get,
    path = "/api/v1/payouts/{id}",
    operation_id = GET.id,
    tag = "Payouts",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = THE_PAYOUT.en, body = Payout),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn payouts_get() {}

const PAGE_OF_PAYOUTS: Tr =
    Tr { en: "A page of payouts, newest first", ru: "Страница выплат, от новых к старым" };

const LIST: Op = Op {
    id: "payouts_list",
    summary: Tr { en: "List payouts", ru: "Список выплат" },
    description: Tr {
        en: "Lists the organization's payouts, newest first, with the list conventions (`limit`, `starting_after`, `has_more`).",
        ru: "Возвращает выплаты организации, от новых к старым, по общим правилам списков (`limit`, `starting_after`, `has_more`).",
    },
    example: Example { path: "/api/v1/payouts?limit=50&status=failed", key: None, body: None },
};

// `payment_api::payouts::list`
#[utoipa::path(
    get,
    path = "/api/v1/payouts",
    operation_id = LIST.id,
    tag = "Payouts",
    params(Page, Filters),
    responses(
        (status = 200, description = PAGE_OF_PAYOUTS.en, body = List<Payout>),
        InvalidQuery,
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn payouts_list() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[CREATE, GET, LIST];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[PAYOUT_CREATED, PAYOUT_REFUSED, THE_PAYOUT, PAGE_OF_PAYOUTS];
