//! Inline SVG icons (no icon font, nothing loaded from elsewhere).

use leptos::prelude::*;

#[component]
pub fn Icon(name: &'static str) -> impl IntoView {
    let d = match name {
        "transactions" => "M4 7h13l-3-3M20 17H7l3 3",
        "organizations" => {
            "M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M8 8h3M8 12h3M8 16h3M3 21h18"
        }
        "reports" => "M4 20V10M10 20V4M16 20v-7M22 20H2",
        "settlements" => "M4 8h16M4 8l4-4M20 16H4M20 16l-4 4",
        "logout" => "M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l5-5-5-5M15 12H3",
        "eye" => "M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        "eye-off" => {
            "M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10 7 10 7a17 17 0 0 1-3.2 4.1M6.6 6.6A17 17 0 0 0 2 12s3.5 7 10 7a9.7 9.7 0 0 0 5.4-1.6M9.9 9.9a3 3 0 0 0 4.2 4.2"
        }
        "chevron-right" => "M9 6l6 6-6 6",
        "chevron-left" => "M15 6l-6 6 6 6",
        "users" => {
            "M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM21 19v-1a4 4 0 0 0-3-3.9M15.5 4.1a3 3 0 0 1 0 5.8"
        }
        "audit" => "M9 4h6v3H9zM7 5H5v16h14V5h-2M9 12h6M9 16h4",
        "lock" => "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4",
        "docs" => "M6 3h9l4 4v14H6zM15 3v4h4M9 12h7M9 16h7",
        "reconciliation" => "M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h11",
        _ => "M12 12h.01",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none"
            stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d=d />
        </svg>
    }
}
