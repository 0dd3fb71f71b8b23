//! The admin API: staff provision organizations, terminals, API keys and users, and reconcile
//! the gateway with the bank. Every action is audited; partners get `403 forbidden` on every
//! endpoint.

pub(crate) mod api_keys;
pub(crate) mod audit;
pub(crate) mod limits;
pub(crate) mod organizations;
pub(crate) mod reconciliation;
pub(crate) mod two_factor;
pub(crate) mod users;

use actix_web::web;
use shared::ErrorCode;
use shared::ids::OrganizationId;

use crate::auth::extract::SessionUser;
use crate::db::audit::Entry;
use crate::error::ApiError;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(actix_web::middleware::from_fn(crate::auth::extract::require_admin))
            .route("/organizations", web::post().to(organizations::create))
            .route("/organizations/{id}", web::patch().to(organizations::update))
            .route("/organizations/{id}/terminals/{type}", web::patch().to(organizations::update_terminal))
            .route("/organizations/{id}/webhook-secret", web::post().to(organizations::rotate_secret))
            .route("/organizations/{id}/limits", web::get().to(limits::get))
            .route("/organizations/{id}/limits", web::patch().to(limits::update))
            .route("/organizations/{id}/api-keys", web::post().to(api_keys::issue))
            .route("/organizations/{id}/api-keys", web::get().to(api_keys::list))
            .route("/api-keys/{id}", web::delete().to(api_keys::revoke))
            .route("/users", web::post().to(users::create))
            .route("/users", web::get().to(users::list))
            .route("/users/{id}", web::patch().to(users::update))
            .route("/users/{id}/reset-password", web::post().to(users::reset_password))
            .route("/audit", web::get().to(audit::list))
            .route("/users/{id}/two-factor/reset", web::post().to(two_factor::reset))
            .route("/reconciliation/overview", web::get().to(reconciliation::overview))
            .route("/reconciliation/runs", web::get().to(reconciliation::runs))
            .route("/reconciliation/days/{day}", web::get().to(reconciliation::get_day))
            .route("/reconciliation/days/{day}/run", web::post().to(reconciliation::run))
            .route("/reconciliation/days/{day}/report.xlsx", web::get().to(reconciliation::report))
            .route("/reconciliation/discrepancies", web::get().to(reconciliation::open))
            .route("/reconciliation/discrepancies/{id}/resolve", web::post().to(reconciliation::resolve))
            .default_service(web::to(crate::error::api_not_found)),
    );
}

/// An audit entry for an admin action.
fn audit<'a>(
    admin: &SessionUser,
    action: &'a str,
    target_type: &'a str,
    target_id: impl ToString,
    organization: Option<OrganizationId>,
    details: serde_json::Value,
) -> Entry<'a> {
    Entry {
        actor_user: Some(admin.user.id),
        action,
        target_type: Some(target_type),
        target_id: Some(target_id.to_string()),
        organization,
        ip: admin.ip,
        details,
        ..Default::default()
    }
}

/// A required text field: trimmed, non-empty, at most `max` characters.
fn text(value: &str, field: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(ApiError::with_param(
            ErrorCode::InvalidRequest,
            format!("{field} must be 1-{max} characters"),
            field,
        ));
    }
    Ok(v.to_owned())
}

/// A notification URL: absolute http(s) with a host. Where it points is checked at delivery.
fn notification_url(value: &str) -> Result<String, ApiError> {
    let bad = || {
        ApiError::with_param(
            ErrorCode::InvalidRequest,
            "notification_url must be an absolute http(s) URL",
            "notification_url",
        )
    };
    let v = value.trim();
    if v.len() > 2048 {
        return Err(bad());
    }
    let url = url::Url::parse(v).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() || !url.username().is_empty() {
        return Err(bad());
    }
    Ok(url.to_string())
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, field)
}

fn conflict(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::with_param(ErrorCode::Conflict, message, field)
}
