//! Who is calling: cabinet users (passwords, sessions) and merchants (API keys).

pub mod api_keys;
pub mod password;
