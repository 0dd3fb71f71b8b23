//! The cabinet's API, `/cabinet/api/v1`, authenticated by the session (cookie or bearer).

pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod events;
pub(crate) mod exports;
pub(crate) mod organizations;
mod params;
pub(crate) mod reports;
pub(crate) mod settlements;
pub(crate) mod transactions;
pub(crate) mod two_factor;

use actix_web::web;

/// Registers the cabinet API's routes inside its scope.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/login", web::post().to(auth::login))
        .route("/auth/login/totp", web::post().to(auth::login_totp))
        .route("/auth/logout", web::post().to(auth::logout))
        .route("/auth/me", web::get().to(auth::me))
        .route("/auth/password", web::post().to(auth::change_password))
        .route("/auth/two-factor", web::get().to(two_factor::status))
        .route("/auth/two-factor/setup", web::post().to(two_factor::setup))
        .route("/auth/two-factor/confirm", web::post().to(two_factor::confirm))
        .route("/auth/two-factor/disable", web::post().to(two_factor::disable))
        .route("/auth/two-factor/recovery-codes", web::post().to(two_factor::regenerate_recovery_codes))
        .route("/organizations", web::get().to(organizations::list))
        .route("/organizations/{id}", web::get().to(organizations::get))
        .route("/organizations/{id}/webhook-test", web::post().to(organizations::webhook_test))
        .route("/organizations/{id}/events", web::get().to(organizations::events))
        .route("/organizations/{id}/api-keys", web::get().to(organizations::api_keys))
        .route("/organizations/{id}/balance", web::get().to(settlements::balance))
        .route("/organizations/{id}/statements", web::get().to(settlements::list))
        .route("/organizations/{id}/statements/{day}.xlsx", web::get().to(settlements::xlsx))
        .route("/reports/analytics", web::get().to(reports::analytics))
        .route("/reports/transactions.xlsx", web::get().to(reports::transactions_xlsx))
        .route("/transactions", web::get().to(transactions::list))
        .route("/exports", web::post().to(exports::create))
        .route("/exports/{id}", web::get().to(exports::get))
        .route("/exports/{id}/file", web::get().to(exports::file))
        .route("/transactions/{id}", web::get().to(transactions::get))
        .route("/transactions/{id}/capture", web::post().to(transactions::capture))
        .route("/transactions/{id}/cancel", web::post().to(transactions::cancel))
        .route("/transactions/{id}/refunds", web::post().to(transactions::refund))
        .route("/operations/{id}/events", web::get().to(events::of_operation))
        .route("/events/{id}/resend", web::post().to(events::resend))
        .configure(admin::config);
}
