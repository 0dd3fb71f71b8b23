//! The root: routes, and the session check that guards them.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::pages::{
    admin, integration, login, not_found, organizations, password, reports, security, settlements, shell, transaction,
    transactions,
};
use crate::session::Session;

/// The start page: one function for both routes that lead to it, so the view is compiled once.
fn to_transactions() -> impl IntoView {
    view! { <Redirect path="/transactions" /> }
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    // Restore a session from the HttpOnly cookie, if there is one.
    spawn_local(async move {
        if let Ok(user) = api::me().await {
            session.user.set(Some(user));
        }
        session.checked.set(true);
    });

    view! {
        <Router>
            <Routes fallback=not_found::NotFound>
                <Route path=path!("/login") view=login::LoginPage />
                // The manual's «/pay» is the cabinet's address.
                <Route path=path!("/pay") view=to_transactions />
                <ParentRoute path=path!("") view=shell::Shell>
                    <Route path=path!("") view=to_transactions />
                    <Route path=path!("transactions") view=transactions::TransactionsPage />
                    <Route path=path!("transactions/:id") view=transaction::TransactionPage />
                    <Route path=path!("organizations") view=organizations::OrganizationsPage />
                    <Route path=path!("organizations/:id") view=organizations::OrganizationPage />
                    <Route path=path!("organizations/:id/integration") view=integration::IntegrationPage />
                    <Route path=path!("reports") view=reports::ReportsPage />
                    <Route path=path!("settlements") view=settlements::SettlementsPage />
                    <Route path=path!("password") view=password::PasswordPage />
                    <Route path=path!("security") view=security::SecurityPage />
                    <Route path=path!("admin/organizations") view=admin::organizations::AdminOrganizationsPage />
                    <Route path=path!("admin/organizations/:id") view=admin::organizations::AdminOrganizationPage />
                    <Route path=path!("admin/users") view=admin::users::AdminUsersPage />
                    <Route path=path!("admin/audit") view=admin::audit::AuditPage />
                    <Route path=path!("admin/reconciliation") view=admin::reconciliation::ReconciliationPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
