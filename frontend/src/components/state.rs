//! Loading, empty and error states, the same on every page.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n;

#[component]
pub fn Loading() -> impl IntoView {
    view! { <div class="state state-loading" role="status"><span class="spinner"></span>{i18n::common::LOADING}</div> }
}

#[component]
pub fn Empty(message: &'static str) -> impl IntoView {
    view! { <div class="state state-empty">{message}</div> }
}

/// A failed load: the reason, and «Повторить» when trying again may help (no answer, or a 5xx).
#[component]
pub fn ErrorState(error: ApiError, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let retry = retry.filter(|_| error.is_transient());
    view! {
        <div class="state state-error" role="alert">
            <span>{error.user_message()}</span>
            {retry.map(|r| view! {
                <button type="button" class="button small" on:click=move |_| r.run(())>{i18n::common::RETRY}</button>
            })}
        </div>
    }
}
