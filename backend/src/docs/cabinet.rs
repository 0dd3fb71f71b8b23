//! The cabinet endpoints that operators script: sign-in, organizations, the xlsx report.
//!
//! Documentation stubs: the handlers live in `cabinet_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::ErrorBody;
use shared::dto::auth::{LoginOutcome, LoginRequest, LoginResponse, LoginTotpRequest};
use shared::dto::organizations::{DataList, OrganizationDetail, OrganizationSummary};

use super::params::{OBJECT_ID, STATUS};
use super::responses::*;
use super::text::{Example, Op, Tr};

const SIGNED_IN: Tr = Tr {
    en: "The session token (also set as an HttpOnly, SameSite=Strict cookie) and the user; or `{\"two_factor_required\": true, \"challenge\"}` for a user with two-factor sign-in",
    ru: "Токен сессии (он же выставляется в HttpOnly-cookie с SameSite=Strict) и пользователь; для пользователя с двухфакторным входом — `{\"two_factor_required\": true, \"challenge\"}`",
};
const WRONG_CREDENTIALS: Tr = Tr {
    en: "The same answer for an unknown user, a wrong password and a locked account",
    ru: "Один и тот же ответ для неизвестного пользователя, неверного пароля и заблокированной учётной записи",
};
const TOO_MANY_ATTEMPTS: Tr = Tr { en: "Too many attempts", ru: "Слишком много попыток" };

const LOGIN: Op = Op {
    id: "auth_login",
    summary: Tr { en: "Sign in to the cabinet", ru: "Вход в кабинет" },
    description: Tr {
        en: "Signs a cabinet user in by login, phone or e-mail (`method`) and password. The answer's `token` goes in `Authorization: Bearer …` of the other cabinet endpoints. A user with two-factor sign-in gets `{\"two_factor_required\": true, \"challenge\": \"…\"}` instead and finishes with `POST /cabinet/api/v1/auth/login/totp` `{\"challenge\", \"code\"}` (a TOTP code or a recovery code). Wrong credentials are `401`, the same whether the user exists or not.",
        ru: "Вход пользователя кабинета по логину, телефону или e-mail (`method`) и паролю. `token` из ответа передавайте в `Authorization: Bearer …` при вызове остальных методов кабинета. Пользователь с двухфакторным входом получит вместо этого `{\"two_factor_required\": true, \"challenge\": \"…\"}` и завершит вход запросом `POST /cabinet/api/v1/auth/login/totp` `{\"challenge\", \"code\"}` (код TOTP или резервный код). Неверные данные — `401`, одинаковый ответ независимо от того, существует ли пользователь.",
    },
    example: Example {
        path: "/cabinet/api/v1/auth/login",
        key: None,
        body: Some(r#"{"method": "login", "identifier": "partner", "password": "…"}"#),
    },
};

// `cabinet_api::auth::login`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/auth/login",
    operation_id = LOGIN.id,
    tag = "Cabinet",
    request_body = LoginRequest,
    responses(
        (status = 200, description = SIGNED_IN.en, body = LoginOutcome),
        (status = 401, description = WRONG_CREDENTIALS.en, body = ErrorBody),
        (status = 429, description = TOO_MANY_ATTEMPTS.en, body = ErrorBody),
    )
)]
pub fn auth_login() {}

const SIGNED_IN_TOTP: Tr = Tr {
    en: "The session token (also set as an HttpOnly, SameSite=Strict cookie) and the user, as a password-only sign-in answers",
    ru: "Токен сессии (он же выставляется в HttpOnly-cookie с SameSite=Strict) и пользователь — как при входе только по паролю",
};
const WRONG_CODE: Tr = Tr {
    en: "A wrong or already used code, or a locked account (`invalid_credentials`, the same answer); or a challenge that is unknown, expired, used or out of tries (`two_factor_challenge_expired`): sign in again",
    ru: "Неверный или уже использованный код либо заблокированная учётная запись (`invalid_credentials`, ответ один и тот же); или неизвестный, истёкший, использованный или исчерпавший попытки `challenge` (`two_factor_challenge_expired`): войдите заново",
};

const LOGIN_TOTP: Op = Op {
    id: "auth_login_totp",
    summary: Tr { en: "Finish a two-factor sign-in", ru: "Завершить двухфакторный вход" },
    description: Tr {
        en: "The second step of a sign-in for a user with two-factor sign-in: the `challenge` from `POST /cabinet/api/v1/auth/login` and a `code`, either the 6-digit code of the authenticator app (TOTP, RFC 6238) or an unused recovery code (`xxxx-xxxx`). The answer is that of a password-only sign-in. A challenge lives 5 minutes, allows 5 codes and is used once; each code is accepted once. Wrong codes count toward the same lockout as wrong passwords.",
        ru: "Второй шаг входа для пользователя с двухфакторным входом: `challenge` из ответа `POST /cabinet/api/v1/auth/login` и `code` — 6-значный код из приложения-аутентификатора (TOTP, RFC 6238) или неиспользованный резервный код (`xxxx-xxxx`). Ответ такой же, как при входе только по паролю. `challenge` действует 5 минут, допускает 5 кодов и используется один раз; каждый код принимается один раз. Неверные коды учитываются в той же блокировке, что и неверные пароли.",
    },
    example: Example {
        path: "/cabinet/api/v1/auth/login/totp",
        key: None,
        body: Some(r#"{"challenge": "…", "code": "123456"}"#),
    },
};

// `cabinet_api::auth::login_totp`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/auth/login/totp",
    operation_id = LOGIN_TOTP.id,
    tag = "Cabinet",
    request_body = LoginTotpRequest,
    responses(
        (status = 200, description = SIGNED_IN_TOTP.en, body = LoginResponse),
        (status = 401, description = WRONG_CODE.en, body = ErrorBody),
        (status = 429, description = TOO_MANY_ATTEMPTS.en, body = ErrorBody),
    )
)]
pub fn auth_login_totp() {}

const ORG_STATUS: Tr = Tr { en: "`active` or `blocked`", ru: "`active` или `blocked`" };
const ORGANIZATIONS: Tr = Tr {
    en: "The caller's organizations (all of them for staff)",
    ru: "Организации пользователя (для сотрудников ClickPay — все)",
};

const LIST: Op = Op {
    id: "organizations_list",
    summary: Tr { en: "List organizations", ru: "Список организаций" },
    description: Tr {
        en: "Lists the caller's organizations: `{\"data\": [{\"id\", \"name\", \"status\", …}]}`; an admin sees all of them.",
        ru: "Возвращает организации пользователя: `{\"data\": [{\"id\", \"name\", \"status\", …}]}`; администратор видит все организации.",
    },
    example: Example { path: "/cabinet/api/v1/organizations?status=active", key: None, body: None },
};

// `cabinet_api::organizations::list`
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/organizations",
    operation_id = LIST.id,
    tag = "Cabinet",
    params(("status" = Option<String>, Query, description = ORG_STATUS.en)),
    responses(
        (status = 200, description = ORGANIZATIONS.en, body = DataList<OrganizationSummary>),
        SessionRequired,
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_list() {}

const ORGANIZATION: Tr = Tr {
    en: "The organization, with the webhook secret and the terminals' fees",
    ru: "Организация с секретом подписи уведомлений и комиссиями терминалов",
};

const GET: Op = Op {
    id: "organizations_get",
    summary: Tr { en: "Get an organization", ru: "Получить организацию" },
    description: Tr {
        en: "Returns one of the caller's organizations with its `webhook_secret` (`whsec_…`, the key the notifications are signed with) and its terminals with their fees.",
        ru: "Возвращает организацию пользователя с `webhook_secret` (`whsec_…` — ключ, которым подписываются уведомления) и терминалами с их комиссиями.",
    },
    example: Example {
        path: "/cabinet/api/v1/organizations/0193a001-2b3c-7d4e-8f50-617283940a1b",
        key: None,
        body: None,
    },
};

// `cabinet_api::organizations::get`
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/organizations/{id}",
    operation_id = GET.id,
    tag = "Cabinet",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = ORGANIZATION.en, body = OrganizationDetail),
        SessionRequired,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_get() {}

const REPORT_ORG: Tr = Tr {
    en: "One of the caller's organizations; all of them when absent",
    ru: "Одна из организаций пользователя; если не указана — все",
};
const REPORT_FROM: Tr = Tr {
    en: "`YYYY-MM-DD`, inclusive, in the user's time zone; today by default",
    ru: "`ГГГГ-ММ-ДД` включительно, в часовом поясе пользователя; по умолчанию — сегодня",
};
const REPORT_TO: Tr = Tr { en: "`YYYY-MM-DD`, inclusive", ru: "`ГГГГ-ММ-ДД` включительно" };
const REPORT_TYPE: Tr = Tr { en: "`ecom`, `aft`, `oct` or `refund`", ru: "`ecom`, `aft`, `oct` или `refund`" };
const REPORT: Tr = Tr {
    en: "The xlsx report: the operations sheet and a summary with a chart",
    ru: "Отчёт xlsx: лист операций и сводка с диаграммой",
};
const TOO_LARGE: Tr = Tr {
    en: "Over 100 000 rows (`export_too_large`): use the cabinet's background export",
    ru: "Больше 100 000 строк (`export_too_large`): воспользуйтесь фоновой выгрузкой в кабинете",
};

const REPORT_XLSX: Op = Op {
    id: "reports_transactions_xlsx",
    summary: Tr {
        en: "Download the transactions report (xlsx)", ru: "Скачать реестр операций (xlsx)"
    },
    description: Tr {
        en: "Every matching operation, oldest first, up to 100 000 rows; past that `422 export_too_large`, and the cabinet's background export is the way. Dates are inclusive, in the user's time zone.",
        ru: "Все подходящие операции, от старых к новым, до 100 000 строк; если строк больше — `422 export_too_large`, воспользуйтесь фоновой выгрузкой в кабинете. Даты включительные, в часовом поясе пользователя.",
    },
    example: Example {
        path: "/cabinet/api/v1/reports/transactions.xlsx?organization_id=0193a001-2b3c-7d4e-8f50-617283940a1b&from=2024-06-01&to=2024-06-30",
        key: None,
        body: None,
    },
};

// `cabinet_api::reports::transactions_xlsx`
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/reports/transactions.xlsx",
    operation_id = REPORT_XLSX.id,
    tag = "Cabinet",
    params(
        ("organization_id" = Option<String>, Query, description = REPORT_ORG.en),
        ("from" = Option<String>, Query, description = REPORT_FROM.en),
        ("to" = Option<String>, Query, description = REPORT_TO.en),
        ("status" = Option<String>, Query, description = STATUS.en),
        ("type" = Option<String>, Query, description = REPORT_TYPE.en),
    ),
    responses(
        (status = 200, description = REPORT.en,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        CabinetInvalid,
        SessionRequired,
        CabinetNotFound,
        (status = 422, description = TOO_LARGE.en, body = ErrorBody),
        RateLimited,
    ),
    security(("cabinet_session" = []))
)]
pub fn reports_transactions_xlsx() {}

const TEST_SENT: Tr = Tr {
    en: "Accepted: `{\"event_id\"}` of the `test.webhook` event on its way",
    ru: "Принято: `{\"event_id\"}` — событие `test.webhook` отправляется",
};
const NO_URL: Tr = Tr {
    en: "`invalid_state`: the organization has no notification URL",
    ru: "`invalid_state`: у организации не задан URL для уведомлений",
};

const WEBHOOK_TEST: Op = Op {
    id: "organizations_webhook_test",
    summary: Tr { en: "Send a test notification", ru: "Отправить тестовое уведомление" },
    description: Tr {
        en: "Sends a signed `test.webhook` event (`data`: `{\"organization_id\"}`) to the organization's notification URL, through the same outbox as every event: signed, retried, and shown in the delivery log. Staff, or a member of the organization.",
        ru: "Отправляет подписанное событие `test.webhook` (`data`: `{\"organization_id\"}`) на URL уведомлений организации — так же, как любое другое событие: с подписью, повторами и записью в журнал доставки. Доступно сотрудникам ClickPay и пользователям организации.",
    },
    example: Example {
        path: "/cabinet/api/v1/organizations/0193a001-2b3c-7d4e-8f50-617283940a1b/webhook-test",
        key: None,
        body: Some("{}"),
    },
};

// `cabinet_api::organizations::webhook_test`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/organizations/{id}/webhook-test",
    operation_id = WEBHOOK_TEST.id,
    tag = "Cabinet",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 202, description = TEST_SENT.en, body = serde_json::Value),
        SessionRequired,
        CabinetNotFound,
        (status = 422, description = NO_URL.en, body = ErrorBody),
        RateLimited,
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_webhook_test() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[LOGIN, LOGIN_TOTP, LIST, GET, REPORT_XLSX, WEBHOOK_TEST];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[
    SIGNED_IN,
    SIGNED_IN_TOTP,
    WRONG_CREDENTIALS,
    WRONG_CODE,
    TOO_MANY_ATTEMPTS,
    ORG_STATUS,
    ORGANIZATIONS,
    ORGANIZATION,
    REPORT_ORG,
    REPORT_FROM,
    REPORT_TO,
    REPORT_TYPE,
    REPORT,
    TOO_LARGE,
    TEST_SENT,
    NO_URL,
];
