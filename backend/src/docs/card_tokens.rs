//! Saved cards: `GET` and `DELETE /api/v1/card-tokens/{token}`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::dto::payments::CardToken;

use super::params::IdempotencyKey;
use super::responses::*;
use super::text::{Example, Op, Tr};

const TOKEN: Tr = Tr { en: "The card token, `ct_…`", ru: "Токен карты, `ct_…`" };
const THE_TOKEN: Tr = Tr {
    en: "The saved card: masked, never the card number",
    ru: "Сохранённая карта: только маска, полный номер не возвращается",
};
const REVOKED: Tr = Tr {
    en: "The saved card, with `revoked_at`", ru: "Сохранённая карта с заполненным `revoked_at`"
};

const GET: Op = Op {
    id: "card_tokens_get",
    summary: Tr { en: "Get a saved card", ru: "Получить сохранённую карту" },
    description: Tr {
        en: "Returns a saved card: its mask, brand, holder and expiry, and `revoked_at` once revoked. A token exists only for a card whose payment succeeded (or was `authorized`), so it passed its CVC and, where asked, 3-D Secure.",
        ru: "Возвращает сохранённую карту: маску, платёжную систему, держателя, срок действия и `revoked_at`, если токен отозван. Токен создаётся только для карты, платёж по которой прошёл успешно (или перешёл в `authorized`), то есть карта прошла проверку CVC и, если требовалось, 3-D Secure.",
    },
    example: Example { path: "/api/v1/card-tokens/ct_4f9d2b7a1c8e", key: None, body: None },
};

// `payment_api::card_tokens::get`
#[utoipa::path(
    get,
    path = "/api/v1/card-tokens/{token}",
    operation_id = GET.id,
    tag = "Saved cards",
    params(("token" = String, Path, description = TOKEN.en)),
    responses(
        (status = 200, description = THE_TOKEN.en, body = CardToken),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn card_tokens_get() {}

const REVOKE: Op = Op {
    id: "card_tokens_revoke",
    summary: Tr { en: "Revoke a saved card", ru: "Отозвать сохранённую карту" },
    description: Tr {
        en: "Revokes a saved card at once, for example when the customer unlinks it; charging it afterwards is `422 card_token_revoked`.",
        ru: "Сразу отзывает сохранённую карту — например, когда покупатель отвязал её в магазине; списание по отозванному токену — `422 card_token_revoked`.",
    },
    example: Example { path: "/api/v1/card-tokens/ct_4f9d2b7a1c8e", key: Some("unlink-ct_4f9d2b7a1c8e"), body: None },
};

// `payment_api::card_tokens::revoke`
#[utoipa::path(
    delete,
    path = "/api/v1/card-tokens/{token}",
    operation_id = REVOKE.id,
    tag = "Saved cards",
    params(("token" = String, Path, description = TOKEN.en), IdempotencyKey),
    responses(
        (status = 200, description = REVOKED.en, body = CardToken),
        InvalidRequest,
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn card_tokens_revoke() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[GET, REVOKE];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[TOKEN, THE_TOKEN, REVOKED];
