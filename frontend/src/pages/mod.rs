//! One module per page.

pub mod admin;
pub mod integration;
pub mod login;
pub mod not_found;
pub mod organizations;
pub mod password;
pub mod reports;
pub mod security;
pub mod settlements;
pub mod shell;
pub mod transaction;
pub mod transactions;
