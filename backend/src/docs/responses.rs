//! The answers that many operations share, written once, in both languages.

#![allow(dead_code)]

use shared::ErrorBody;
use utoipa::IntoResponses;

use super::text::Tr;

const INVALID_REQUEST: Tr = Tr {
    en: "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`); not saved under the idempotency key, so fix it and retry with the same key",
    ru: "Некорректный запрос (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`). Такой ответ не сохраняется за ключом идемпотентности: исправьте запрос и повторите его с тем же ключом",
};
const INVALID_QUERY: Tr = Tr {
    en: "Invalid parameters (`invalid_request`; `param` names the one at fault)",
    ru: "Некорректные параметры (`invalid_request`; в `param` указан ошибочный параметр)",
};
const API_KEY_REQUIRED: Tr = Tr {
    en: "Missing, unknown or revoked API key (`invalid_api_key`)",
    ru: "Ключ API не передан, неизвестен или отозван (`invalid_api_key`)",
};
const NOT_PERMITTED: Tr = Tr {
    en: "The organization is blocked (`organization_blocked`) or has no enabled terminal of the type (`terminal_disabled`)",
    ru: "Организация заблокирована (`organization_blocked`) или у неё нет включённого терминала нужного типа (`terminal_disabled`)",
};
const NOT_FOUND: Tr = Tr {
    en: "No such object in this organization (`not_found`)",
    ru: "В организации нет такого объекта (`not_found`)",
};
const IDEMPOTENCY_CONFLICT: Tr = Tr {
    en: "The key was used with another method, path or body (`idempotency_key_reused`), or the first request with it is still running (`request_in_progress`)",
    ru: "Ключ уже использован с другим методом, путём или телом запроса (`idempotency_key_reused`) либо первый запрос с этим ключом ещё выполняется (`request_in_progress`)",
};
const PAYLOAD_TOO_LARGE: Tr = Tr {
    en: "Body over 64 KiB (`payload_too_large`)",
    ru: "Тело запроса больше 64 КиБ (`payload_too_large`)",
};
const RATE_LIMITED: Tr = Tr {
    en: "Too many requests (`rate_limited`); retry after `Retry-After` seconds",
    ru: "Слишком много запросов (`rate_limited`); повторите через `Retry-After` секунд",
};
const SESSION_REQUIRED: Tr = Tr {
    en: "No valid cabinet session (`invalid_credentials`, `session_expired`)",
    ru: "Нет действующей сессии кабинета (`invalid_credentials`, `session_expired`)",
};
const NOT_STAFF: Tr = Tr {
    en: "Not staff (`forbidden`)", ru: "Доступно только сотрудникам ClickPay (`forbidden`)"
};
const CABINET_NOT_FOUND: Tr = Tr {
    en: "No such object, or not one of the caller's (`not_found`)",
    ru: "Объект не существует или недоступен пользователю (`not_found`)",
};
const CABINET_INVALID: Tr = Tr {
    en: "Invalid request (`invalid_request`; `param` names the field at fault)",
    ru: "Некорректный запрос (`invalid_request`; в `param` указано ошибочное поле)",
};

/// Every description above, for the Russian document.
pub const TERMS: &[Tr] = &[
    INVALID_REQUEST,
    INVALID_QUERY,
    API_KEY_REQUIRED,
    NOT_PERMITTED,
    NOT_FOUND,
    IDEMPOTENCY_CONFLICT,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    SESSION_REQUIRED,
    NOT_STAFF,
    CABINET_NOT_FOUND,
    CABINET_INVALID,
];

/// `400`: a request body or header the payment API refuses before any work.
#[derive(IntoResponses)]
#[response(status = 400, description = INVALID_REQUEST.en)]
pub struct InvalidRequest(ErrorBody);

/// `400`: a list's query parameters.
#[derive(IntoResponses)]
#[response(status = 400, description = INVALID_QUERY.en)]
pub struct InvalidQuery(ErrorBody);

/// `401`: the payment API without a valid key.
#[derive(IntoResponses)]
#[response(status = 401, description = API_KEY_REQUIRED.en)]
pub struct ApiKeyRequired(ErrorBody);

/// `403`: the organization may not make operations of this type.
#[derive(IntoResponses)]
#[response(status = 403, description = NOT_PERMITTED.en)]
pub struct NotPermitted(ErrorBody);

/// `404`: another organization's object does not exist for the caller.
#[derive(IntoResponses)]
#[response(status = 404, description = NOT_FOUND.en)]
pub struct NotFound(ErrorBody);

/// `409`: the idempotency key's conflicts.
#[derive(IntoResponses)]
#[response(status = 409, description = IDEMPOTENCY_CONFLICT.en)]
pub struct IdempotencyConflict(ErrorBody);

/// `413`: a body over the limit.
#[derive(IntoResponses)]
#[response(status = 413, description = PAYLOAD_TOO_LARGE.en)]
pub struct PayloadTooLarge(ErrorBody);

/// `429`: over a rate limit.
#[derive(IntoResponses)]
#[response(status = 429, description = RATE_LIMITED.en)]
pub struct RateLimited(ErrorBody);

/// `401`: a cabinet endpoint without a session.
#[derive(IntoResponses)]
#[response(status = 401, description = SESSION_REQUIRED.en)]
pub struct SessionRequired(ErrorBody);

/// `403`: an admin endpoint for a partner.
#[derive(IntoResponses)]
#[response(status = 403, description = NOT_STAFF.en)]
pub struct NotStaff(ErrorBody);

/// `404` in the cabinet.
#[derive(IntoResponses)]
#[response(status = 404, description = CABINET_NOT_FOUND.en)]
pub struct CabinetNotFound(ErrorBody);

/// `400` in the cabinet.
#[derive(IntoResponses)]
#[response(status = 400, description = CABINET_INVALID.en)]
pub struct CabinetInvalid(ErrorBody);
