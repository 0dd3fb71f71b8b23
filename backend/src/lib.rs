//! ClickPay: a payment gateway. One binary serves the payment API (`/api/v1`, API keys), the
//! cabinet API (`/cabinet/api/v1`, sessions) and the cabinet SPA.

pub mod acquirer;
pub mod auth;
pub mod cabinet_api;
pub mod caches;
pub mod cli;
pub mod configuration;
pub mod db;
pub mod docs;
pub mod domain;
pub mod error;
pub mod generator;
pub mod keys;
pub mod ledger;
pub mod metrics;
pub mod operations;
pub mod payer;
pub mod payment_api;
pub mod rate_limit;
pub mod reconciliation;
pub mod reports;
pub mod routes;
pub mod sandbox_bank;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod vault;
pub mod webhooks;
pub mod workers;
