//! The admin API: organizations, terminals, API keys and users.
//!
//! Documentation stubs: the handlers live in `cabinet_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `cabinet_api::admin::api_keys::issue`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/organizations/{id}/api-keys",
    tag = "Admin",
    request_body(content = Option<IssueApiKeyRequest>, description = "Optional"),
    params(("id" = String, Path)),
    responses(
        (status = 201, description = "The key is shown this once", body = IssuedApiKey),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn api_keys_issue() {}

// `cabinet_api::admin::api_keys::revoke`
#[utoipa::path(
    delete,
    path = "/cabinet/api/v1/admin/api-keys/{id}",
    tag = "Admin",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = ApiKeyView),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn api_keys_revoke() {}

// `cabinet_api::admin::organizations::create`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/organizations",
    tag = "Admin",
    request_body = CreateOrganizationRequest,
    responses(
        (status = 201, body = OrganizationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 409, description = "INN taken", body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_create() {}

// `cabinet_api::admin::organizations::update`
#[utoipa::path(
    patch,
    path = "/cabinet/api/v1/admin/organizations/{id}",
    tag = "Admin",
    request_body = UpdateOrganizationRequest,
    params(("id" = String, Path)),
    responses(
        (status = 200, body = OrganizationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_update() {}

// `cabinet_api::admin::organizations::update_terminal`
/// Enables or disables a terminal, sets its limit, or gives it a new tariff that applies to
/// operations created from now on. A terminal type the organization lacks is created when the
/// whole tariff is given.
#[utoipa::path(
    patch,
    path = "/cabinet/api/v1/admin/organizations/{id}/terminals/{type}",
    tag = "Admin",
    request_body = UpdateTerminalRequest,
    params(("id" = String, Path), ("type" = String, Path, description = "ecom, aft or oct")),
    responses(
        (status = 200, description = "A new tariff applies to new operations only", body = OrganizationDetail),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_update_terminal() {}

// `cabinet_api::admin::users::create`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/users",
    tag = "Admin",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserView),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn users_create() {}

// `cabinet_api::admin::users::reset_password`
/// Sets a one-time password that must be changed at the next login, and ends every session.
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/admin/users/{id}/reset-password",
    tag = "Admin",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "A one-time password that must be changed at the next login", body = ResetPasswordResponse),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn users_reset_password() {}
