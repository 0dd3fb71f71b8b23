//! The login page of the manual: three tabs, a password with show/hide, «Войти».

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::ErrorCode;
use shared::dto::auth::{LoginMethod, LoginOutcome, LoginRequest, LoginResponse};

use crate::api;
use crate::components::icons::Icon;
use crate::i18n::{self, login as t};
use crate::session::use_session;

const TABS: [(LoginMethod, &str); 3] =
    [(LoginMethod::Login, t::TAB_LOGIN), (LoginMethod::Phone, t::TAB_PHONE), (LoginMethod::Email, t::TAB_EMAIL)];

/// The field label, input type, autocomplete hint and placeholder of each tab.
fn field_of(method: LoginMethod) -> (&'static str, &'static str, &'static str, &'static str) {
    match method {
        LoginMethod::Login => (t::LABEL_LOGIN, "text", "username", ""),
        LoginMethod::Phone => (t::LABEL_PHONE, "tel", "tel", t::PLACEHOLDER_PHONE),
        LoginMethod::Email => (t::LABEL_EMAIL, "email", "email", t::PLACEHOLDER_EMAIL),
    }
}

/// Moves the keyboard focus to the `i`-th tab.
fn focus_tab(i: usize) {
    use wasm_bindgen::JsCast;
    let tab = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("[role=tab]").ok())
        .and_then(|tabs| tabs.item(i as u32))
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    // Sent here by an expired session: say so, and go back where the user was.
    let expired = query.with_untracked(|q| q.get("expired").is_some());
    let next = query.with_untracked(|q| q.get("next")).and_then(|n| api::safe_return(&n));
    let method = RwSignal::new(LoginMethod::Login);
    let identifier = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show_password = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    // The second step of a two-factor sign-in: the challenge the password step answered.
    let challenge = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    // Signed in: to the forced password change, the two-factor setup, or where the user was.
    let finish = {
        let navigate = navigate.clone();
        let next = next.clone();
        Callback::new(move |res: LoginResponse| {
            let to = if res.user.must_change_password {
                "/password".to_owned()
            } else if res.user.two_factor_setup_required {
                "/security".to_owned()
            } else {
                next.clone().unwrap_or_else(|| "/transactions".to_owned())
            };
            session.user.set(Some(res.user));
            password.set(String::new());
            navigate(&to, Default::default());
        })
    };
    let on_code = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(c) = challenge.get_untracked() else { return };
        if pending.get_untracked() {
            return;
        }
        let typed = code.get_untracked().trim().to_owned();
        if typed.is_empty() {
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login_totp(&c, &typed).await {
                Ok(res) => finish.run(res),
                Err(e) => {
                    code.set(String::new());
                    if e.code() == Some(ErrorCode::TwoFactorChallengeExpired) {
                        challenge.set(None);
                        error.set(Some(t::CHALLENGE_EXPIRED.to_owned()));
                    } else {
                        error.set(Some(if e.status() == Some(401) {
                            t::BAD_CODE.to_owned()
                        } else {
                            e.user_message()
                        }));
                    }
                }
            }
            pending.set(false);
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let req = LoginRequest {
            method: method.get_untracked(),
            identifier: identifier.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        if req.identifier.is_empty() || req.password.is_empty() {
            error.set(Some(t::EMPTY.to_owned()));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(&req).await {
                Ok(LoginOutcome::SignedIn(res)) => finish.run(res),
                Ok(LoginOutcome::TwoFactorRequired(c)) => {
                    password.set(String::new());
                    challenge.set(Some(c.challenge));
                }
                Err(e) => {
                    let msg = match (e.status(), e.code()) {
                        (Some(401), _) => t::BAD_CREDENTIALS.to_owned(),
                        (Some(429), _) | (_, Some(ErrorCode::RateLimited)) => t::RATE_LIMITED.to_owned(),
                        _ => e.user_message(),
                    };
                    error.set(Some(msg));
                }
            }
            pending.set(false);
        });
    };

    view! {
        <div class="login-page">
            <form class="card login-card" on:submit=on_submit novalidate hidden=move || challenge.get().is_some()>
                <div class="login-brand">{i18n::BRAND}</div>
                <h1>{t::TITLE}</h1>
                {expired.then(|| view! { <p class="notice" role="status" data-testid="expired">{t::EXPIRED}</p> })}
                <div class="tabs" role="tablist">
                    {TABS
                        .into_iter()
                        .map(|(m, label)| {
                            view! {
                                <button
                                    type="button"
                                    role="tab"
                                    class="tab"
                                    class:active=move || method.get() == m
                                    aria-selected=move || (method.get() == m).to_string()
                                    tabindex=move || if method.get() == m { "0" } else { "-1" }
                                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                        // The arrow keys move between the tabs (WAI-ARIA tabs pattern).
                                        let i = TABS.iter().position(|(t, _)| *t == method.get_untracked()).unwrap_or(0);
                                        let next = match ev.key().as_str() {
                                            "ArrowRight" => (i + 1) % TABS.len(),
                                            "ArrowLeft" => (i + TABS.len() - 1) % TABS.len(),
                                            "Home" => 0,
                                            "End" => TABS.len() - 1,
                                            _ => return,
                                        };
                                        ev.prevent_default();
                                        method.set(TABS[next].0);
                                        identifier.set(String::new());
                                        error.set(None);
                                        focus_tab(next);
                                    }
                                    on:click=move |_| {
                                        if method.get_untracked() != m {
                                            method.set(m);
                                            identifier.set(String::new());
                                            error.set(None);
                                        }
                                    }
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <label class="field">
                    <span class="field-label">{move || field_of(method.get()).0}</span>
                    <input
                        name="identifier"
                        type=move || field_of(method.get()).1
                        autocomplete=move || field_of(method.get()).2
                        placeholder=move || field_of(method.get()).3
                        bind:value=identifier
                        required
                    />
                </label>
                <label class="field">
                    <span class="field-label">{t::PASSWORD}</span>
                    <span class="password-field">
                        <input
                            name="password"
                            type=move || if show_password.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            bind:value=password
                            required
                        />
                        <button
                            type="button"
                            class="eye"
                            aria-label=move || if show_password.get() { t::HIDE_PASSWORD } else { t::SHOW_PASSWORD }
                            on:click=move |_| show_password.update(|s| *s = !*s)
                        >
                            {move || if show_password.get() { view! { <Icon name="eye-off" /> } } else { view! { <Icon name="eye" /> } }}
                        </button>
                    </span>
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button primary wide" disabled=move || pending.get()>
                    {move || if pending.get() { t::SUBMITTING } else { t::SUBMIT }}
                </button>
                <p class="hint">{t::HINT}</p>
            </form>
            {move || challenge.get().is_some().then(|| view! {
                <form class="card login-card" on:submit=on_code novalidate data-testid="second-step">
                    <div class="login-brand">{i18n::BRAND}</div>
                    <h1>{t::TITLE}</h1>
                    <p class="hint">{t::SECOND_STEP}</p>
                    <label class="field">
                        <span class="field-label">{t::CODE}</span>
                        <input name="code" autocomplete="one-time-code" autofocus bind:value=code />
                    </label>
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary wide" disabled=move || pending.get()>{t::CODE_SUBMIT}</button>
                    <button type="button" class="button ghost wide" on:click=move |_| { challenge.set(None); error.set(None); }>
                        {t::BACK_TO_PASSWORD}
                    </button>
                </form>
            })}
        </div>
    }
}
