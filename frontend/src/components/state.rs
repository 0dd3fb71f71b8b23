//! Loading, empty and error states, the same on every page.

use leptos::prelude::*;

use crate::i18n;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <div class="state state-loading" role="status"><span class="spinner"></span>{i18n::common::LOADING}</div> }
}

#[component]
pub fn Empty(message: &'static str) -> impl IntoView {
    view! { <div class="state state-empty">{message}</div> }
}

#[component]
pub fn ErrorState(message: String) -> impl IntoView {
    view! { <div class="state state-error" role="alert">{message}</div> }
}
