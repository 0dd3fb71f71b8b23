//! The cabinet's frame: the left menu, the user's name and «Выход».

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::{use_location, use_navigate};
use shared::Role;

use crate::api;
use crate::components::icons::Icon;
use crate::components::state::Loading;
use crate::i18n::{self, menu};
use crate::session::use_session;

#[component]
pub fn Shell() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();

    // Signed out (or never signed in): to the login page. A forced password change comes first.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if !session.checked.get() {
                return;
            }
            match session.user.get() {
                // Signing out (or already on the way to the login page): no way back to offer.
                None if location.pathname.get_untracked().starts_with("/login") => {}
                None => {
                    // Back here after signing in.
                    let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                    let next = String::from(js_sys::encode_uri_component(&here));
                    navigate(&format!("/login?next={next}"), Default::default())
                }
                Some(u) if u.must_change_password && location.pathname.get() != "/password" => {
                    navigate("/password", Default::default())
                }
                Some(u) if u.two_factor_setup_required && location.pathname.get() != "/security" => {
                    navigate("/security", Default::default())
                }
                _ => {}
            }
        }
    });

    // «‹» folds the menu to its icons.
    let collapsed = RwSignal::new(false);
    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Whatever the server says, this browser is signed out.
            let _ = api::logout().await;
            session.user.set(None);
            navigate("/login", Default::default());
        });
    };

    view! {
        <Show when=move || session.user.get().is_some() fallback=|| view! { <div class="boot"><Loading /></div> }>
            <div class="layout" class:collapsed=move || collapsed.get()>
                <aside class="sidebar">
                    <div class="brand-row">
                        <div class="brand">{i18n::BRAND}</div>
                        <button type="button" class="collapse" aria-expanded=move || (!collapsed.get()).to_string()
                            aria-label=move || if collapsed.get() { menu::EXPAND } else { menu::COLLAPSE }
                            on:click=move |_| collapsed.update(|c| *c = !*c)>
                            {move || if collapsed.get() { "›" } else { "‹" }}
                        </button>
                    </div>
                    <nav class="menu">
                        <A href="/transactions"><Icon name="transactions" /><span>{menu::TRANSACTIONS}</span></A>
                        <A href="/organizations"><Icon name="organizations" /><span>{menu::ORGANIZATIONS}</span></A>
                        <A href="/reports"><Icon name="reports" /><span>{menu::REPORTS}</span></A>
                        <A href="/settlements"><Icon name="settlements" /><span>{menu::SETTLEMENTS}</span></A>
                        {move || (session.user.get().map(|u| u.role) == Some(Role::Admin)).then(|| view! {
                            <div class="menu-section" role="presentation">{i18n::admin::SECTION}</div>
                            <A href="/admin/organizations"><Icon name="organizations" /><span>{i18n::admin::ORGANIZATIONS}</span></A>
                            <A href="/admin/users"><Icon name="users" /><span>{i18n::admin::USERS}</span></A>
                            <A href="/admin/audit"><Icon name="audit" /><span>{i18n::admin::AUDIT}</span></A>
                            <A href="/admin/reconciliation"><Icon name="reconciliation" /><span>{i18n::reconciliation::MENU}</span></A>
                        })}
                        <A href="/security"><Icon name="lock" /><span>{i18n::security::MENU}</span></A>
                        // The docs are served by the server itself, outside the SPA.
                        <a href="/partners/docs/" rel="noopener"><Icon name="docs" /><span>{menu::DOCS}</span></a>
                    </nav>
                    <div class="sidebar-bottom">
                        <div class="user" data-testid="user-name">
                            <span class="avatar" title=move || session.user.get().map(|u| u.full_name).unwrap_or_default()>
                                {move || session.user.get().and_then(|u| u.full_name.chars().next()).unwrap_or(' ')}
                            </span>
                            <span class="user-text">
                                <span class="user-name">{move || session.user.get().map(|u| u.full_name).unwrap_or_default()}</span>
                                {move || {
                                    (session.user.get().map(|u| u.role) == Some(Role::Admin))
                                        .then(|| view! { <span class="user-role">{menu::ADMIN_BADGE}</span> })
                                }}
                            </span>
                        </div>
                        <button type="button" class="logout" aria-label=menu::LOGOUT title=menu::LOGOUT on:click=logout.clone()>
                            <Icon name="logout" />
                            <span>{menu::LOGOUT}</span>
                        </button>
                    </div>
                </aside>
                <main class="content">
                    <Outlet />
                </main>
            </div>
        </Show>
    }
}
