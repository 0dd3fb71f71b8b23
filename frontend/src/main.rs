//! The ClickPay cabinet: a client-side rendered Leptos app.

mod api;
mod app;
mod components;
mod format;
mod i18n;
mod load;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
