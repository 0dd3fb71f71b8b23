//! Any address the cabinet does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::common as t;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <div class="login-page">
            <div class="card login-card">
                <h1>{t::NOT_FOUND}</h1>
                <p class="hint">{t::NOT_FOUND_HINT}</p>
                <A href="/transactions" attr:class="button primary">{t::TO_START}</A>
            </div>
        </div>
    }
}
