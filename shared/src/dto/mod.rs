//! Request and response bodies of the cabinet API. The payment API's objects live beside them.

pub mod admin;
pub mod analytics;
pub mod auth;
pub mod balance;
pub mod events;
pub mod organizations;
pub mod payments;
pub mod reconciliation;
pub mod transactions;
