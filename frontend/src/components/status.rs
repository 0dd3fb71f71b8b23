//! A coloured status, with the reason of a failure behind an info icon.

use leptos::prelude::*;
use shared::OperationStatus;

use crate::i18n::transactions as t;

#[component]
pub fn StatusBadge(status: OperationStatus, #[prop(optional_no_strip)] error: Option<String>) -> impl IntoView {
    let reason = error.filter(|_| status == OperationStatus::Failed).map(|code| t::error(&code));
    view! {
        <span class="status-cell">
            <span class=format!("status status-{status}")>{t::status(status)}</span>
            {reason.map(|r| view! { <InfoTip text=r /> })}
        </span>
    }
}

/// The manual's «i»: a hint on hover or focus, read out by screen readers.
#[component]
pub fn InfoTip(text: &'static str) -> impl IntoView {
    view! { <span class="info" tabindex="0" role="img" aria-label=text data-tip=text title=text>"i"</span> }
}
