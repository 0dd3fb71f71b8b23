//! «Администрирование»: the staff back office (role `admin`) over the admin API.

pub mod audit;
pub mod organizations;
pub mod reconciliation;
pub mod users;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::admin as t;

/// A secret shown once (an API key, a one-time password, a signing secret): the value, a copy
/// button and the warning that it will not be shown again.
#[component]
pub fn CopyOnce(value: String, warning: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = value.clone();
    let copy = move |_| {
        let text = text.clone();
        spawn_local(async move {
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await;
                copied.set(true);
            }
        });
    };
    view! {
        <div class="once" role="status" data-testid="shown-once">
            <p class="notice">{warning}</p>
            <div class="once-value">
                <code class="mono" data-testid="secret-value">{value}</code>
                <button type="button" class="button small" on:click=copy>
                    {move || if copied.get() { t::COPIED } else { t::COPY }}
                </button>
            </div>
        </div>
    }
}

/// A refused request: the server's own message (a 4xx), or the «temporarily unavailable» one.
/// A 4xx that names one of `fields` in its `param` is shown by that field's [`FieldError`]
/// instead, next to the control at fault.
#[component]
pub fn FormError(
    error: RwSignal<Option<ApiError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.param().is_none_or(|p| !fields.contains(&p)))
            .map(|e| view! { <p class="form-error" role="alert">{e.user_message()}</p> })
    }
}

/// The server's message about one field (`param` of a 4xx), under that field; the control
/// says `aria-invalid` through [`at_fault`].
#[component]
pub fn FieldError(error: RwSignal<Option<ApiError>>, param: &'static str) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().filter(|e| e.param() == Some(param)).map(ApiError::user_message)).map(|m| {
            view! { <span class="field-error" role="alert">{m}</span> }
        })
    }
}

/// `aria-invalid` of a field's control: "true" while the last answer faults that field.
pub fn at_fault(error: RwSignal<Option<ApiError>>, param: &'static str) -> impl Fn() -> &'static str + Copy {
    move || if error.with(|e| e.as_ref().and_then(ApiError::param) == Some(param)) { "true" } else { "false" }
}
