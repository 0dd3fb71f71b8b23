//! Who is signed in, shared through context.

use leptos::prelude::*;
use shared::dto::auth::UserView;

/// The signed-in user, once the server has been asked.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<UserView>>,
    /// Whether the first `/auth/me` has answered (until then nothing redirects).
    pub checked: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session { user: RwSignal::new(None), checked: RwSignal::new(false) }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
