//! API tests: each spawns the real server on a random port over a fresh PostgreSQL database.

mod acquirer;
mod admin;
mod api_keys;
mod auth;
mod bank;
mod cards;
mod cli;
mod clients;
mod docs;
mod health;
mod helpers;
mod idempotency;
mod lists;
mod organizations;
mod payer;
mod payments;
mod pentest;
mod recovery;
mod refunds;
mod reports;
mod sandbox_bank;
mod schema;
pub mod security;
mod seed;
mod spa;
mod transactions;
pub mod webhooks;
