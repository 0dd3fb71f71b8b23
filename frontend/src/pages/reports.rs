//! «Отчетность». Charts and the xlsx report arrive with the analytics API.

use leptos::prelude::*;

use crate::components::state::Empty;
use crate::i18n::reports as t;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <section class="page">
            <header class="page-header"><h1>{t::TITLE}</h1></header>
            <div class="card"><Empty message=t::EMPTY /></div>
        </section>
    }
}
