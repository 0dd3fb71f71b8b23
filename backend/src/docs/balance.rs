//! The balance: `GET /api/v1/balance`, `GET /api/v1/balance-transactions` and one of them.
//!
//! Documentation stubs: the handlers live in `payment_api::balance`; this file holds what the
//! OpenAPI document says of them, in both languages.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::dto::balance::{Balance, BalanceTransaction};
use shared::dto::payments::List;

use super::params::{CREATED_GTE, CREATED_LT, OBJECT_ID, Page};
use super::responses::*;
use super::text::{Example, Op, Tr};

const THE_BALANCE: Tr = Tr { en: "The organization's balance", ru: "Баланс организации" };
const BT_TYPE: Tr = Tr {
    en: "Only balance transactions of this type: `payment`, `refund` or `payout`",
    ru: "Только операции баланса этого типа: `payment`, `refund` или `payout`",
};
const PAGE_OF_BTS: Tr = Tr {
    en: "A page of balance transactions, newest first",
    ru: "Страница операций баланса, от новых к старым",
};
const THE_BT: Tr = Tr { en: "The balance transaction", ru: "Операция баланса" };

const GET: Op = Op {
    id: "balance_get",
    summary: Tr { en: "Get the balance", ru: "Получить баланс" },
    description: Tr {
        en: "Returns what ClickPay owes the organization. A succeeded payment (a capture, for a two-stage one) adds its amount less its fee to `pending`; it becomes `available` the next day, Moscow time. Refunds and payouts (with their fee) are taken from `available` at once, so it may be negative. At every moment `available + pending` equals the sum of `net` over all the organization's balance transactions.",
        ru: "Возвращает, сколько ClickPay должен организации. Успешный платёж (для двухстадийного — списание) добавляет сумму за вычетом комиссии в `pending`; на следующий день по московскому времени она переходит в `available`. Возвраты и выплаты (с комиссией) списываются из `available` сразу, поэтому он может быть отрицательным. В любой момент `available + pending` равно сумме `net` по всем операциям баланса организации.",
    },
    example: Example { path: "/api/v1/balance", key: None, body: None },
};

// `payment_api::balance::get`
#[utoipa::path(
    get,
    path = "/api/v1/balance",
    operation_id = GET.id,
    tag = "Balance",
    responses((status = 200, description = THE_BALANCE.en, body = Balance), ApiKeyRequired),
    security(("api_key" = []))
)]
pub fn balance_get() {}

const LIST: Op = Op {
    id: "balance_transactions_list",
    summary: Tr { en: "List balance transactions", ru: "Список операций баланса" },
    description: Tr {
        en: "Lists every money effect on the balance, newest first, with the list conventions. A payment of 100.00 with a 45.00 fee is `amount` 100.00, `fee` 45.00, `net` 55.00; a refund of 40.00 is −40.00, 0.00, −40.00; a payout of 1500.00 with a 45.00 fee is −1500.00, 45.00, −1545.00. `source` is the operation's id; `available_on` is the day (Moscow time) its `net` becomes available.",
        ru: "Возвращает все движения по балансу, от новых к старым, по общим правилам списков. Платёж 100.00 с комиссией 45.00 — это `amount` 100.00, `fee` 45.00, `net` 55.00; возврат 40.00 — −40.00, 0.00, −40.00; выплата 1500.00 с комиссией 45.00 — −1500.00, 45.00, −1545.00. В `source` — идентификатор операции; `available_on` — день (по московскому времени), когда `net` станет доступен.",
    },
    example: Example { path: "/api/v1/balance-transactions?type=payment&limit=50", key: None, body: None },
};

// `payment_api::balance::list`
#[utoipa::path(
    get,
    path = "/api/v1/balance-transactions",
    operation_id = LIST.id,
    tag = "Balance",
    params(
        Page,
        ("type" = Option<String>, Query, description = BT_TYPE.en),
        ("created_gte" = Option<String>, Query, description = CREATED_GTE.en),
        ("created_lt" = Option<String>, Query, description = CREATED_LT.en),
    ),
    responses(
        (status = 200, description = PAGE_OF_BTS.en, body = List<BalanceTransaction>),
        InvalidQuery,
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn balance_transactions_list() {}

const GET_ONE: Op = Op {
    id: "balance_transactions_get",
    summary: Tr { en: "Get a balance transaction", ru: "Получить операцию баланса" },
    description: Tr {
        en: "Returns one balance transaction of the organization.",
        ru: "Возвращает одну операцию баланса организации.",
    },
    example: Example {
        path: "/api/v1/balance-transactions/0193b6f9-0a2d-7e61-b4c8-3f5a9d2e7c11",
        key: None,
        body: None,
    },
};

// `payment_api::balance::get_transaction`
#[utoipa::path(
    get,
    path = "/api/v1/balance-transactions/{id}",
    operation_id = GET_ONE.id,
    tag = "Balance",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses((status = 200, description = THE_BT.en, body = BalanceTransaction), ApiKeyRequired, NotFound),
    security(("api_key" = []))
)]
pub fn balance_transactions_get() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[GET, LIST, GET_ONE];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[THE_BALANCE, BT_TYPE, PAGE_OF_BTS, THE_BT];
