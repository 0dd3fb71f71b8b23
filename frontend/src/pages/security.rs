//! «Безопасность»: two-factor sign-in (TOTP). Enrollment shows a QR code drawn by our own server
//! (no outside service) and the secret as text, asks for a current code, then shows ten
//! one-time recovery codes once. An enrolled user can get new recovery codes or, unless it is
//! required of them, turn it off.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::dto::auth::{TwoFactorSetup, TwoFactorStatus};

use crate::api::{self, ApiError};
use crate::components::state::{ErrorState, Loading};
use crate::i18n::security as t;
use crate::load::Load;
use crate::pages::admin::{CopyOnce, FieldError, FormError, at_fault};
use crate::session::use_session;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let status = Load::new(api::two_factor_status);
    let reload = status.reloader();
    let session = use_session();
    view! {
        <section class="page">
            <header class="page-header"><h1>{t::TITLE}</h1></header>
            {move || session.user.get().filter(|u| u.two_factor_setup_required).map(|_| view! {
                <p class="notice" role="status">{t::REQUIRED_NOTICE}</p>
            })}
            <div class="card" data-testid="two-factor">
                <h2>{t::TWO_FACTOR}</h2>
                <p class="muted">{t::EXPLAIN}</p>
                <Suspense fallback=Loading>
                    {move || status.get().map(|res| match res {
                        Err(e) => view! { <ErrorState error=e retry=reload /> }.into_any(),
                        Ok(s) if s.enabled => view! { <Enabled status=s reload=reload /> }.into_any(),
                        Ok(_) => view! { <Enroll reload=reload /> }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn Enroll(reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let error = RwSignal::new(None::<ApiError>);
    let pending = RwSignal::new(false);
    let start = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            match api::two_factor_setup(&password.get_untracked()).await {
                Ok(s) => {
                    password.set(String::new());
                    setup.set(Some(s));
                }
                Err(e) => error.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let confirm = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            match api::two_factor_confirm(code.get_untracked().trim()).await {
                Ok(r) => {
                    codes.set(Some(r.recovery_codes));
                    setup.set(None);
                    if let Ok(user) = api::me().await {
                        session.user.set(Some(user));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            pending.set(false);
        });
    };
    view! {
        {move || match (codes.get(), setup.get()) {
            (Some(list), _) => view! {
                <p class="notice ok" role="status">{t::ENABLED_NOW}</p>
                <RecoveryList codes=list />
                <button type="button" class="button" on:click=move |_| reload.run(())>{t::DONE}</button>
            }.into_any(),
            (None, Some(s)) => view! {
                <ol class="steps">
                    <li>{t::SCAN}</li>
                    <li>{t::ENTER_CODE}</li>
                </ol>
                // The server drew this SVG from the otpauth URL: nothing comes from elsewhere.
                <div class="qr" data-testid="qr" inner_html=s.qr_svg.clone()></div>
                <p class="muted">{t::OR_SECRET}" "<code class="mono" data-testid="totp-secret">{s.secret.clone()}</code></p>
                <form class="form-row" on:submit=confirm novalidate>
                    <label class="field"><span class="field-label">{t::CODE}</span>
                        <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" bind:value=code aria-invalid=at_fault(error, "code") />
                        <FieldError error=error param="code" /></label>
                    <button type="submit" class="button primary" disabled=move || pending.get()>{t::CONFIRM}</button>
                </form>
            }.into_any(),
            (None, None) => view! {
                <form class="form-row" on:submit=start novalidate>
                    <label class="field"><span class="field-label">{t::PASSWORD}</span>
                        <input name="password" type="password" autocomplete="current-password" bind:value=password aria-invalid=at_fault(error, "password") />
                <FieldError error=error param="password" /></label>
                    <button type="submit" class="button primary" disabled=move || pending.get()>{t::ENABLE}</button>
                </form>
            }.into_any(),
        }}
        <FormError error=error fields=&["code", "password"] />
    }
}

#[component]
fn Enabled(status: TwoFactorStatus, reload: Callback<()>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let codes = RwSignal::new(None::<Vec<String>>);
    let error = RwSignal::new(None::<ApiError>);
    let regenerate = move |_| {
        error.set(None);
        spawn_local(async move {
            match api::two_factor_recovery_codes(&password.get_untracked(), code.get_untracked().trim()).await {
                Ok(r) => codes.set(Some(r.recovery_codes)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let disable = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !window().confirm_with_message(t::DISABLE_CONFIRM).unwrap_or(false) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            match api::two_factor_disable(&password.get_untracked(), code.get_untracked().trim()).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <p class="notice ok" role="status">{t::IS_ON}" "{t::CODES_LEFT}": "{status.recovery_codes_left}</p>
        <form class="form-row" on:submit=disable novalidate>
            <label class="field"><span class="field-label">{t::PASSWORD}</span>
                <input name="password" type="password" autocomplete="current-password" bind:value=password aria-invalid=at_fault(error, "password") />
                <FieldError error=error param="password" /></label>
            <label class="field"><span class="field-label">{t::CODE_OR_RECOVERY}</span>
                <input name="code" autocomplete="one-time-code" bind:value=code aria-invalid=at_fault(error, "code") />
                <FieldError error=error param="code" /></label>
            <button type="button" class="button" on:click=regenerate>{t::NEW_CODES}</button>
            {(!status.required).then(|| view! { <button type="submit" class="button">{t::DISABLE}</button> })}
        </form>
        {status.required.then(|| view! { <p class="muted">{t::REQUIRED_CANNOT_DISABLE}</p> })}
        {move || codes.get().map(|list| view! { <RecoveryList codes=list /> })}
        <FormError error=error fields=&["code", "password"] />
    }
}

#[component]
fn RecoveryList(codes: Vec<String>) -> impl IntoView {
    let joined = codes.join("\n");
    view! {
        <div data-testid="recovery-codes">
            <ul class="recovery">{codes.into_iter().map(|c| view! { <li class="mono">{c}</li> }).collect_view()}</ul>
            <CopyOnce value=joined warning=t::CODES_WARNING />
        </div>
    }
}
