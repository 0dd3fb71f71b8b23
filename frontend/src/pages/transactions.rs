//! «Список транзакций». The list, its filters and the detail arrive with the payment API.

use leptos::prelude::*;

use crate::components::state::Empty;
use crate::i18n::transactions as t;

#[component]
pub fn TransactionsPage() -> impl IntoView {
    view! {
        <section class="page">
            <header class="page-header"><h1>{t::TITLE}</h1></header>
            <div class="card"><Empty message=t::EMPTY /></div>
        </section>
    }
}
