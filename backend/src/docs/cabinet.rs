//! The cabinet endpoints that operators script: sign-in, organizations, the xlsx report.
//!
//! Documentation stubs: the handlers live in `cabinet_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `cabinet_api::auth::login`
#[utoipa::path(
    post,
    path = "/cabinet/api/v1/auth/login",
    tag = "Cabinet",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "The session token (also set as an HttpOnly, SameSite=Strict cookie) and the user", body = LoginResponse),
        (status = 401, description = "The same answer for an unknown user, a wrong password and a locked account", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    )
)]
pub fn auth_login() {}

// `cabinet_api::organizations::list`
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/organizations",
    tag = "Cabinet",
    params(("status" = Option<String>, Query, description = "active or blocked")),
    responses(
        (status = 200, description = "The caller's organizations (all for staff)", body = DataList<OrganizationSummary>),
        (status = 401, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_list() {}

// `cabinet_api::organizations::get`
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/organizations/{id}",
    tag = "Cabinet",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "With the webhook secret and the terminals' fees", body = OrganizationDetail),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn organizations_get() {}

// `cabinet_api::reports::transactions_xlsx`
/// `GET /reports/transactions.xlsx`: every matching operation, oldest first.
#[utoipa::path(
    get,
    path = "/cabinet/api/v1/reports/transactions.xlsx",
    tag = "Cabinet",
    params(
        ("organization_id" = Option<String>, Query, description = "One of the caller's organizations; all of them when absent"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive, in the user's time zone; today by default"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive"),
        ("status" = Option<String>, Query),
        ("type" = Option<String>, Query, description = "ecom, aft, oct or refund"),
    ),
    responses(
        (status = 200, description = "The xlsx report: the operations sheet and a summary with a chart",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = shared::ErrorBody),
        (status = 401, body = shared::ErrorBody),
        (status = 404, body = shared::ErrorBody),
    ),
    security(("cabinet_session" = []))
)]
pub fn reports_transactions_xlsx() {}
