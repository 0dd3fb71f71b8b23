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
    // A panic's message goes to the browser's console; the build aborts on a panic, so this is
    // all there is to see. (console_error_panic_hook also captured a JS stack: 1.2 KB gzipped,
    // and the stack of a wasm built without names says little.)
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&info.to_string().into())));
    leptos::mount::mount_to_body(app::App);
}
