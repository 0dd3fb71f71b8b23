//! Who is calling: cabinet users (passwords, sessions) and merchants (API keys).

pub mod api_keys;
pub mod extract;
pub mod login;
pub mod merchant;
pub mod password;
pub mod session;
pub mod two_factor;
