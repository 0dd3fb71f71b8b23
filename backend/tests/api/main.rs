//! API tests: each spawns the real server on a random port over a fresh PostgreSQL database.

mod admin;
mod api_keys;
mod auth;
mod cli;
mod health;
mod helpers;
mod organizations;
mod schema;
mod seed;
mod spa;
