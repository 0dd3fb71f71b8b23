//! The admin API: organizations, terminals, API keys and users.
//!
//! Documentation stubs: the handlers live in `cabinet_api`; this file holds what the
//! OpenAPI document says of them, in both languages, so a handler stays readable.

// The stubs are read by the OpenAPI derive only.
#![allow(dead_code)]

use shared::ErrorBody;
use shared::dto::admin::{
    ApiKeyView, CreateOrganizationRequest, CreateUserRequest, IssueApiKeyRequest, IssuedApiKey, ResetPasswordResponse,
    UpdateOrganizationRequest, UpdateTerminalRequest,
};
use shared::dto::auth::UserView;
use shared::dto::organizations::OrganizationDetail;

use super::params::OBJECT_ID;
use super::responses::*;
use super::text::{Example, Op, Tr};

const KEY_ISSUED: Tr =
    Tr { en: "The key, shown this once", ru: "Ключ; он показывается только один раз" };
const KEY_NAME: Tr =
    Tr { en: "Optional: a name for the key", ru: "Необязательно: название ключа" };

const ISSUE_KEY: Op = Op {
    id: "api_keys_issue",
    summary: Tr { en: "Issue an API key", ru: "Выпустить ключ API" },
    description: Tr {
        en: "Issues an API key for the organization: `{\"id\", \"key\": \"sk_…\", \"prefix\"}`. The key is shown once and stored only as a hash; hand it to the merchant over a safe channel.",
        ru: "Выпускает ключ API организации: `{\"id\", \"key\": \"sk_…\", \"prefix\"}`. Ключ показывается один раз и хранится только в виде хеша; передайте его партнёру по защищённому каналу.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/organizations/0193a001-2b3c-7d4e-8f50-617283940a1b/api-keys",
        key: None,
        body: Some(r#"{"name": "Shop backend"}"#),
    },
};

// `cabinet_api::admin::api_keys::issue`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/organizations/{id}/api-keys",
    operation_id = ISSUE_KEY.id,
    tag = "Admin",
    request_body(content = Option<IssueApiKeyRequest>, description = KEY_NAME.en),
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 201, description = KEY_ISSUED.en, body = IssuedApiKey),
        SessionRequired,
        NotStaff,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn api_keys_issue() {}

const KEY_REVOKED: Tr = Tr {
    en: "The key's record, revoked: requests with it are `401 invalid_api_key` at once",
    ru: "Запись ключа, отозванного: запросы с ним сразу получают `401 invalid_api_key`",
};

const REVOKE_KEY: Op = Op {
    id: "api_keys_revoke",
    summary: Tr { en: "Revoke an API key", ru: "Отозвать ключ API" },
    description: Tr {
        en: "Revokes an API key at once, e.g. when it may have leaked. Issue a new one first so the merchant's integration keeps working.",
        ru: "Сразу отзывает ключ API — например, если он мог попасть в чужие руки. Чтобы интеграция партнёра не останавливалась, сначала выпустите новый ключ.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/api-keys/0193a0f4-9c2e-7b15-a6d3-0e4f8b2c7d19",
        key: None,
        body: None,
    },
};

// `cabinet_api::admin::api_keys::revoke`
#[utoipa::path(
    delete,
    path = "/cabinet/api/v1/admin/api-keys/{id}",
    operation_id = REVOKE_KEY.id,
    tag = "Admin",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = KEY_REVOKED.en, body = ApiKeyView),
        SessionRequired,
        NotStaff,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn api_keys_revoke() {}

const ORG_CREATED: Tr = Tr {
    en: "The organization, with its webhook secret and terminals",
    ru: "Организация с секретом подписи уведомлений и терминалами",
};
const INN_TAKEN: Tr = Tr {
    en: "An organization with this INN exists (`conflict`)",
    ru: "Организация с таким ИНН уже есть (`conflict`)",
};

const CREATE_ORG: Op = Op {
    id: "organizations_create",
    summary: Tr { en: "Create an organization", ru: "Создать организацию" },
    description: Tr {
        en: "Creates an organization (a merchant) with its notification URL, its bank and its terminals (`ecom`, `aft`, `oct`, each at most once) with their fees: service %, bank % and the minimum total fee.",
        ru: "Создаёт организацию (партнёра) с адресом для уведомлений, банком и терминалами (`ecom`, `aft`, `oct` — не больше одного каждого типа) с комиссиями: процент сервиса, процент банка и минимальная общая комиссия.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/organizations",
        key: None,
        body: Some(
            r#"{"name": "ООО \"Ромашка\"", "inn": "7701234567", "notification_url": "https://shop.example/clickpay/webhook",
       "bank_name": "АО БАНК «СНГБ»",
       "terminals": [{"type": "ecom", "service_fee_percent": "0.7", "bank_fee_percent": "0.45", "min_fee": "45.00"}]}"#,
        ),
    },
};

// `cabinet_api::admin::organizations::create`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/organizations",
    operation_id = CREATE_ORG.id,
    tag = "Admin",
    request_body = CreateOrganizationRequest,
    responses(
        (status = 201, description = ORG_CREATED.en, body = OrganizationDetail),
        CabinetInvalid,
        SessionRequired,
        NotStaff,
        (status = 409, description = INN_TAKEN.en, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_create() {}

const THE_ORG: Tr =
    Tr { en: "The organization as it now stands", ru: "Организация после изменения" };

const UPDATE_ORG: Op = Op {
    id: "organizations_update",
    summary: Tr { en: "Update an organization", ru: "Изменить организацию" },
    description: Tr {
        en: "Renames an organization, blocks or unblocks it (`status`: `active` or `blocked`; a blocked organization's requests are `403 organization_blocked`) or changes its notification URL. Only the fields sent change.",
        ru: "Переименовывает организацию, блокирует или разблокирует её (`status`: `active` или `blocked`; запросы заблокированной организации получают `403 organization_blocked`) или меняет адрес для уведомлений. Меняются только переданные поля.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/organizations/0193a001-2b3c-7d4e-8f50-617283940a1b",
        key: None,
        body: Some(r#"{"status": "blocked"}"#),
    },
};

// `cabinet_api::admin::organizations::update`
#[utoipa::path(
    patch,
    path = "/cabinet/api/v1/admin/organizations/{id}",
    operation_id = UPDATE_ORG.id,
    tag = "Admin",
    request_body = UpdateOrganizationRequest,
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = THE_ORG.en, body = OrganizationDetail),
        CabinetInvalid,
        SessionRequired,
        NotStaff,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_update() {}

const TERMINAL_TYPE: Tr = Tr { en: "`ecom`, `aft` or `oct`", ru: "`ecom`, `aft` или `oct`" };
const TARIFF_CHANGED: Tr = Tr {
    en: "The organization; a new tariff applies to new operations only",
    ru: "Организация; новый тариф действует только для новых операций",
};

const UPDATE_TERMINAL: Op = Op {
    id: "organizations_update_terminal",
    summary: Tr { en: "Update a terminal", ru: "Изменить терминал" },
    description: Tr {
        en: "Enables or disables a terminal, sets its limit, or gives it a new tariff that applies to operations created from now on (a two-stage payment keeps the tariff of its creation). A terminal type the organization lacks is created when the whole tariff is given.",
        ru: "Включает или выключает терминал, задаёт лимит суммы или назначает новый тариф — он применяется к операциям, созданным после изменения (двухстадийный платёж сохраняет тариф, действовавший при его создании). Терминал типа, которого у организации ещё нет, создаётся, если передан полный тариф.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/organizations/0193a001-2b3c-7d4e-8f50-617283940a1b/terminals/ecom",
        key: None,
        body: Some(r#"{"service_fee_percent": "0.6", "bank_fee_percent": "0.45", "min_fee": "40.00"}"#),
    },
};

// `cabinet_api::admin::organizations::update_terminal`
#[utoipa::path(
    patch,
    path = "/cabinet/api/v1/admin/organizations/{id}/terminals/{type}",
    operation_id = UPDATE_TERMINAL.id,
    tag = "Admin",
    request_body = UpdateTerminalRequest,
    params(
        ("id" = String, Path, description = OBJECT_ID.en),
        ("type" = String, Path, description = TERMINAL_TYPE.en),
    ),
    responses(
        (status = 200, description = TARIFF_CHANGED.en, body = OrganizationDetail),
        CabinetInvalid,
        SessionRequired,
        NotStaff,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_update_terminal() {}

const USER_CREATED: Tr = Tr { en: "The user", ru: "Пользователь" };
const USER_TAKEN: Tr = Tr {
    en: "The login, e-mail or phone is taken (`conflict`)",
    ru: "Логин, e-mail или телефон уже заняты (`conflict`)",
};

const CREATE_USER: Op = Op {
    id: "users_create",
    summary: Tr { en: "Create a cabinet user", ru: "Создать пользователя кабинета" },
    description: Tr {
        en: "Creates a cabinet user: a partner with access to the listed organizations, or an admin. `time_zone` (default `Europe/Moscow`) decides how the cabinet shows times and where report days begin and end.",
        ru: "Создаёт пользователя кабинета: партнёра с доступом к перечисленным организациям или администратора. `time_zone` (по умолчанию `Europe/Moscow`) определяет, в каком часовом поясе кабинет показывает время и где начинаются и заканчиваются сутки в отчётах.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/users",
        key: None,
        body: Some(
            r#"{"login": "shop-owner", "email": "owner@shop.example", "phone": "+79990000002", "full_name": "Иван Иванов",
       "password": "…", "role": "partner", "organization_ids": ["0193a001-2b3c-7d4e-8f50-617283940a1b"], "time_zone": "Europe/Moscow"}"#,
        ),
    },
};

// `cabinet_api::admin::users::create`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/users",
    operation_id = CREATE_USER.id,
    tag = "Admin",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = USER_CREATED.en, body = UserView),
        CabinetInvalid,
        SessionRequired,
        NotStaff,
        (status = 409, description = USER_TAKEN.en, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn users_create() {}

const ONE_TIME_PASSWORD: Tr = Tr {
    en: "A one-time password that must be changed at the next login",
    ru: "Одноразовый пароль, который нужно сменить при следующем входе",
};

const RESET_PASSWORD: Op = Op {
    id: "users_reset_password",
    summary: Tr { en: "Reset a user's password", ru: "Сбросить пароль пользователя" },
    description: Tr {
        en: "Sets a one-time password that must be changed at the next login, and ends every session of the user.",
        ru: "Назначает одноразовый пароль, который нужно сменить при следующем входе, и завершает все сессии пользователя.",
    },
    example: Example {
        path: "/cabinet/api/v1/admin/users/0193a0c7-5d8e-7f21-b3a4-9c6d2e1f0a58/reset-password",
        key: None,
        body: None,
    },
};

// `cabinet_api::admin::users::reset_password`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/users/{id}/reset-password",
    operation_id = RESET_PASSWORD.id,
    tag = "Admin",
    params(("id" = String, Path, description = OBJECT_ID.en)),
    responses(
        (status = 200, description = ONE_TIME_PASSWORD.en, body = ResetPasswordResponse),
        SessionRequired,
        NotStaff,
        CabinetNotFound,
    ),
    security(("cabinet_session" = []))
)]
pub fn users_reset_password() {}

/// What the document says of these operations.
pub const OPS: &[Op] = &[ISSUE_KEY, REVOKE_KEY, CREATE_ORG, UPDATE_ORG, UPDATE_TERMINAL, CREATE_USER, RESET_PASSWORD];

/// Every other description of these operations, for the Russian document.
pub const TERMS: &[Tr] = &[
    KEY_ISSUED,
    KEY_NAME,
    KEY_REVOKED,
    ORG_CREATED,
    INN_TAKEN,
    THE_ORG,
    TERMINAL_TYPE,
    TARIFF_CHANGED,
    USER_CREATED,
    USER_TAKEN,
    ONE_TIME_PASSWORD,
];
