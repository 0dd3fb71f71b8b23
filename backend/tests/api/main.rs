//! API tests: each spawns the real server on a random port over a fresh PostgreSQL database.

mod cli;
mod health;
mod helpers;
mod schema;
mod seed;
mod spa;
