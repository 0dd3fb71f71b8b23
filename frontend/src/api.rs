//! The typed client of the cabinet API: one function per endpoint, over the shared DTOs.

use std::future::Future;
use std::pin::Pin;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use shared::dto::admin::{
    ApiKeyView, AuditPage, CreateOrganizationRequest, CreateUserRequest, IssueApiKeyRequest, IssuedApiKey,
    ResetPasswordResponse, UpdateOrganizationRequest, UpdateTerminalRequest, UpdateUserRequest, VelocityLimits,
};
use shared::dto::analytics::Analytics;
use shared::dto::auth::{
    ChangePasswordRequest, LoginOutcome, LoginRequest, LoginResponse, LoginTotpRequest, RecoveryCodes,
    TwoFactorConfirmRequest, TwoFactorDisableRequest, TwoFactorPasswordRequest, TwoFactorSetup, TwoFactorStatus,
    UserView,
};
use shared::dto::balance::{BalanceView, StatementView};
use shared::dto::events::{DeliveryAttemptView, EventView};
use shared::dto::organizations::{OrganizationDetail, OrganizationSummary};
use shared::dto::reconciliation::{DayResult, DiscrepancyView, Overview, ResolveRequest};
use shared::dto::transactions::{CabinetRefundRequest, CaptureRequest, ExportView, TransactionDetail, TransactionPage};
use shared::ids::{ApiKeyId, DiscrepancyId, OperationId, OrganizationId, UserId};
use shared::{Amount, ErrorBody, ErrorCode, TerminalType};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

use crate::i18n;

const BASE: &str = "/cabinet/api/v1";

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with an error in the contract's shape.
    Api { status: u16, code: ErrorCode, message: String, param: Option<String> },
    /// The server answered something unexpected.
    Status(u16),
    /// No answer.
    Network,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Api { status, .. } | ApiError::Status(status) => Some(*status),
            ApiError::Network => None,
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The request field the server found at fault, if it named one.
    pub fn param(&self) -> Option<&str> {
        match self {
            ApiError::Api { param, .. } => param.as_deref(),
            _ => None,
        }
    }

    /// A failure that may pass if tried again: no answer, or the server's own (5xx) failure.
    pub fn is_transient(&self) -> bool {
        self.status().is_none_or(|s| s >= 500)
    }

    /// A message for people: the server's own for a request it refused (4xx), else the
    /// «temporarily unavailable» of a network failure or a 5xx.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Network => i18n::common::NETWORK.to_owned(),
            ApiError::Api { status: 404, .. } | ApiError::Status(404) => i18n::common::NOT_FOUND_HINT.to_owned(),
            ApiError::Api { status: 400..=499, message, .. } => message.clone(),
            ApiError::Status(400..=499) => i18n::common::REFUSED.to_owned(),
            _ => i18n::common::SERVER.to_owned(),
        }
    }
}

/// Where the login page sends the user back to: a path of this site, never another origin.
pub fn safe_return(next: &str) -> Option<String> {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.starts_with("/login");
    ok.then(|| next.to_owned())
}

/// The session ended (expired, revoked, signed out elsewhere): to the login page, which says
/// so and brings the user back here after signing in.
fn session_expired() {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let here = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if here.starts_with("/login") {
        return;
    }
    let next = String::from(js_sys::encode_uri_component(&here));
    let _ = location.assign(&format!("/login?expired=1&next={next}"));
}

/// A 2xx answer's status and parsed body, on its way.
type Answer = Pin<Box<dyn Future<Output = Result<(u16, JsValue), ApiError>>>>;

/// What every endpoint's future awaits: the request sent, a 2xx answer's status and its body as
/// the browser parsed it (JSON), or why the call failed. Boxed and not generic, so the sending,
/// the status check and the error body's parsing are compiled once rather than into each
/// endpoint's future (the generic `send` only reads the body into its type).
fn fetch(req: Result<Request, ApiError>) -> Answer {
    Box::pin(async move {
        let res = respond(req?).await?;
        let status = res.status();
        json(&res).await.map(|body| (status, body)).map_err(|_| ApiError::Status(status))
    })
}

/// The answer to a request when it is a 2xx, else the call's error.
async fn respond(req: Request) -> Result<Response, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let answer = JsFuture::from(window.fetch_with_request(&req)).await.map_err(|_| ApiError::Network)?;
    let res: Response = answer.dyn_into().map_err(|_| ApiError::Network)?;
    if (200..300).contains(&res.status()) { Ok(res) } else { Err(refusal(res).await) }
}

/// An answer's body, parsed as JSON by the browser.
async fn json(res: &Response) -> Result<JsValue, JsValue> {
    JsFuture::from(res.json()?).await
}

/// The error of a non-2xx answer.
async fn refusal(res: Response) -> ApiError {
    let status = res.status();
    // A 401 of the sign-in itself is wrong credentials, and of the first `/auth/me` no session
    // yet; anywhere else the session is gone.
    let url = res.url();
    if status == 401 && !url.contains("/auth/login") && !url.contains("/auth/me") {
        session_expired();
    }
    let body = json(&res).await.ok();
    match body.and_then(|b| serde_wasm_bindgen::from_value::<ErrorBody>(b).ok()) {
        Some(body) => {
            ApiError::Api { status, code: body.error.code, message: body.error.message, param: body.error.param }
        }
        None => ApiError::Status(status),
    }
}

/// The answer read into its type. From the browser's parse of the JSON rather than from the text:
/// serde_json's reader is inlined into every type's derived reader (with a second, never used
/// reader of each struct as an array): about 30 KB more of gzipped wasm.
async fn send<T: DeserializeOwned>(req: Result<Request, ApiError>) -> Result<T, ApiError> {
    let (status, body) = fetch(req).await?;
    serde_wasm_bindgen::from_value(body).map_err(|_| ApiError::Status(status))
}

/// The items of a `{"data": [...]}` list (`DataList`, `StatementList`), read straight from its
/// `data`: one reader of the envelope less per item type.
async fn list<T: DeserializeOwned>(req: Result<Request, ApiError>) -> Result<Vec<T>, ApiError> {
    let (status, body) = fetch(req).await?;
    let data = js_sys::Reflect::get(&body, &JsValue::from_str("data")).map_err(|_| ApiError::Status(status))?;
    serde_wasm_bindgen::from_value(data).map_err(|_| ApiError::Status(status))
}

fn get(path: &str) -> Result<Request, ApiError> {
    request("GET", path, None)
}

fn delete(path: &str) -> Result<Request, ApiError> {
    request("DELETE", path, None)
}

fn post<B: Serialize>(path: &str, body: &B) -> Result<Request, ApiError> {
    with_json("POST", path, serde_json::to_string(body))
}

fn patch<B: Serialize>(path: &str, body: &B) -> Result<Request, ApiError> {
    with_json("PATCH", path, serde_json::to_string(body))
}

/// Kept out of the generic `post` and `patch` so it is compiled once rather than once per body type.
fn with_json(method: &str, path: &str, json: serde_json::Result<String>) -> Result<Request, ApiError> {
    request(method, path, Some(&json.map_err(|_| ApiError::Network)?))
}

/// A request of the API that takes JSON back, with its JSON body if it has one.
fn request(method: &str, path: &str, json: Option<&str>) -> Result<Request, ApiError> {
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    headers.set("Accept", "application/json").map_err(|_| ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        headers.set("Content-Type", "application/json").map_err(|_| ApiError::Network)?;
        init.set_body(&JsValue::from_str(json));
    }
    init.set_headers(&headers);
    Request::new_with_str_and_init(&format!("{BASE}{path}"), &init).map_err(|_| ApiError::Network)
}

/// The empty object (`{}`) the action endpoints take as their body.
#[derive(Serialize)]
struct Empty {}

/// The first step: a session, or (two-factor sign-in) a challenge for the second step.
///
/// Read as serde's `untagged` reads [`LoginOutcome`] (the first variant that fits, in order) but
/// from the parsed answer: its derived reader buffers the object and carries a second parser of
/// every nested type, the cabinet's only use of that buffering.
pub async fn login(req: &LoginRequest) -> Result<LoginOutcome, ApiError> {
    let (status, body) = fetch(post("/auth/login", req)).await?;
    serde_wasm_bindgen::from_value(body.clone())
        .map(LoginOutcome::SignedIn)
        .or_else(|_| serde_wasm_bindgen::from_value(body).map(LoginOutcome::TwoFactorRequired))
        .map_err(|_| ApiError::Status(status))
}

/// The second step: a code of the authenticator app, or a recovery code.
pub async fn login_totp(challenge: &str, code: &str) -> Result<LoginResponse, ApiError> {
    let req = LoginTotpRequest { challenge: challenge.to_owned(), code: code.to_owned() };
    send(post("/auth/login/totp", &req)).await
}

pub async fn two_factor_status() -> Result<TwoFactorStatus, ApiError> {
    send(get("/auth/two-factor")).await
}

pub async fn two_factor_setup(password: &str) -> Result<TwoFactorSetup, ApiError> {
    send(post("/auth/two-factor/setup", &TwoFactorPasswordRequest { password: password.to_owned() })).await
}

pub async fn two_factor_confirm(code: &str) -> Result<RecoveryCodes, ApiError> {
    send(post("/auth/two-factor/confirm", &TwoFactorConfirmRequest { code: code.to_owned() })).await
}

/// New recovery codes: the password and a current code (a session alone cannot mint them).
pub async fn two_factor_recovery_codes(password: &str, code: &str) -> Result<RecoveryCodes, ApiError> {
    let req = TwoFactorDisableRequest { password: password.to_owned(), code: code.to_owned() };
    send(post("/auth/two-factor/recovery-codes", &req)).await
}

pub async fn two_factor_disable(password: &str, code: &str) -> Result<(), ApiError> {
    let req = TwoFactorDisableRequest { password: password.to_owned(), code: code.to_owned() };
    send::<IgnoredAny>(post("/auth/two-factor/disable", &req)).await.map(|_| ())
}

/// Staff: removes a user's two-factor enrollment (a lost phone).
pub async fn admin_reset_two_factor(id: UserId) -> Result<(), ApiError> {
    send::<IgnoredAny>(post(&format!("/admin/users/{id}/two-factor/reset"), &Empty {})).await.map(|_| ())
}

pub async fn me() -> Result<UserView, ApiError> {
    send(get("/auth/me")).await
}

pub async fn logout() -> Result<(), ApiError> {
    send::<IgnoredAny>(post("/auth/logout", &Empty {})).await.map(|_| ())
}

/// Changes the password; the server ends every session and starts a new one for this browser.
pub async fn change_password(req: &ChangePasswordRequest) -> Result<UserView, ApiError> {
    send::<LoginResponse>(post("/auth/password", req)).await.map(|r| r.user)
}

pub async fn organizations() -> Result<Vec<OrganizationSummary>, ApiError> {
    list(get("/organizations")).await
}

pub async fn organization(id: OrganizationId) -> Result<OrganizationDetail, ApiError> {
    send(get(&format!("/organizations/{id}"))).await
}

/// The «Баланс» card: available, pending and the last statement's day.
pub async fn balance(id: OrganizationId) -> Result<BalanceView, ApiError> {
    send(get(&format!("/organizations/{id}/balance"))).await
}

/// The organization's daily statements of `from`..=`to` (`YYYY-MM-DD`), oldest first.
pub async fn statements(id: OrganizationId, from: &str, to: &str) -> Result<Vec<StatementView>, ApiError> {
    list(get(&format!("/organizations/{id}/statements?from={from}&to={to}"))).await
}

/// Where a day's statement downloads from (the session cookie authenticates it).
pub fn statement_url(id: OrganizationId, day: &time::Date) -> String {
    format!("{BASE}/organizations/{id}/statements/{day}.xlsx")
}

/// The answer of `webhook-test`, of which the cabinet reads the event's id.
#[derive(Deserialize)]
struct TestQueued {
    event_id: Option<String>,
}

/// «Отправить тестовое уведомление»: the id of the `test.webhook` event on its way.
pub async fn webhook_test(id: OrganizationId) -> Result<String, ApiError> {
    let answer: TestQueued = send(post(&format!("/organizations/{id}/webhook-test"), &Empty {})).await?;
    Ok(answer.event_id.unwrap_or_default())
}

/// The organization's latest events with their delivery attempts.
pub async fn organization_events(id: OrganizationId) -> Result<Vec<EventView>, ApiError> {
    list(get(&format!("/organizations/{id}/events?limit=20"))).await
}

/// The organization's API keys, by prefix.
pub async fn organization_api_keys(id: OrganizationId) -> Result<Vec<ApiKeyView>, ApiError> {
    list(get(&format!("/organizations/{id}/api-keys"))).await
}

pub async fn admin_create_organization(req: &CreateOrganizationRequest) -> Result<OrganizationDetail, ApiError> {
    send(post("/admin/organizations", req)).await
}

pub async fn admin_update_organization(
    id: OrganizationId,
    req: &UpdateOrganizationRequest,
) -> Result<OrganizationDetail, ApiError> {
    send(patch(&format!("/admin/organizations/{id}"), req)).await
}

pub async fn admin_update_terminal(
    id: OrganizationId,
    kind: TerminalType,
    req: &UpdateTerminalRequest,
) -> Result<OrganizationDetail, ApiError> {
    send(patch(&format!("/admin/organizations/{id}/terminals/{kind}"), req)).await
}

pub async fn admin_rotate_secret(id: OrganizationId) -> Result<OrganizationDetail, ApiError> {
    send(post(&format!("/admin/organizations/{id}/webhook-secret"), &Empty {})).await
}

pub async fn admin_limits(id: OrganizationId) -> Result<VelocityLimits, ApiError> {
    send(get(&format!("/admin/organizations/{id}/limits"))).await
}

pub async fn admin_update_limits(id: OrganizationId, req: &VelocityLimits) -> Result<VelocityLimits, ApiError> {
    send(patch(&format!("/admin/organizations/{id}/limits"), req)).await
}

pub async fn admin_issue_key(id: OrganizationId, req: &IssueApiKeyRequest) -> Result<IssuedApiKey, ApiError> {
    send(post(&format!("/admin/organizations/{id}/api-keys"), req)).await
}

pub async fn admin_revoke_key(id: ApiKeyId) -> Result<ApiKeyView, ApiError> {
    send(delete(&format!("/admin/api-keys/{id}"))).await
}

pub async fn admin_users() -> Result<Vec<UserView>, ApiError> {
    list(get("/admin/users")).await
}

pub async fn admin_create_user(req: &CreateUserRequest) -> Result<UserView, ApiError> {
    send(post("/admin/users", req)).await
}

pub async fn admin_update_user(id: UserId, req: &UpdateUserRequest) -> Result<UserView, ApiError> {
    send(patch(&format!("/admin/users/{id}"), req)).await
}

pub async fn admin_reset_password(id: UserId) -> Result<ResetPasswordResponse, ApiError> {
    send(post(&format!("/admin/users/{id}/reset-password"), &Empty {})).await
}

/// `actor=…&action=…&organization_id=…&from=…&to=…&page=…`
pub async fn admin_audit(query: &str) -> Result<AuditPage, ApiError> {
    send(get(&format!("/admin/audit?{query}"))).await
}

/// Staff: yesterday's reconciliation and the open discrepancies of every day.
pub async fn reconciliation_overview() -> Result<Overview, ApiError> {
    send(get("/admin/reconciliation/overview")).await
}

/// Staff: a day's reconciliation (`YYYY-MM-DD`, Moscow time): its runs and discrepancies.
pub async fn reconciliation_day(day: &str) -> Result<DayResult, ApiError> {
    send(get(&format!("/admin/reconciliation/days/{}", String::from(js_sys::encode_uri_component(day))))).await
}

/// Staff: «Запустить сверку» for the day; answers when the run has ended.
pub async fn reconciliation_run(day: &str) -> Result<DayResult, ApiError> {
    let day = String::from(js_sys::encode_uri_component(day));
    send(post(&format!("/admin/reconciliation/days/{day}/run"), &Empty {})).await
}

/// Where «Скачать xlsx» of a day's reconciliation downloads from.
pub fn reconciliation_xlsx_url(day: &str) -> String {
    format!("{BASE}/admin/reconciliation/days/{}/report.xlsx", String::from(js_sys::encode_uri_component(day)))
}

/// Staff: «Отметить решённым», with why.
pub async fn resolve_discrepancy(id: DiscrepancyId, comment: &str) -> Result<DiscrepancyView, ApiError> {
    let req = ResolveRequest { comment: comment.to_owned() };
    send(post(&format!("/admin/reconciliation/discrepancies/{id}/resolve"), &req)).await
}

/// «Выгрузить в Excel»: queues the export of the list's query (its page aside).
pub async fn start_export(query: &str) -> Result<ExportView, ApiError> {
    send(post(&format!("/exports?{query}"), &Empty {})).await
}

/// An export's progress.
pub async fn export(id: &str) -> Result<ExportView, ApiError> {
    let id = String::from(js_sys::encode_uri_component(id));
    send(get(&format!("/exports/{id}"))).await
}

/// `?from=…&to=…`: the caller builds the query string (see `pages::transactions`).
pub async fn transactions(query: &str) -> Result<TransactionPage, ApiError> {
    send(get(&format!("/transactions?{query}"))).await
}

pub async fn transaction(id: OperationId) -> Result<TransactionDetail, ApiError> {
    send(get(&format!("/transactions/{id}"))).await
}

/// «Списать»: all (no amount) or part of an authorized payment's hold.
pub async fn capture(id: OperationId, amount: Option<Amount>) -> Result<TransactionDetail, ApiError> {
    send(post(&format!("/transactions/{id}/capture"), &CaptureRequest { amount })).await
}

/// «Вернуть»: refunds part or the rest of a charged payment.
pub async fn refund(id: OperationId, req: &CabinetRefundRequest) -> Result<TransactionDetail, ApiError> {
    send(post(&format!("/transactions/{id}/refunds"), req)).await
}

/// «Отменить»: releases an authorized payment's hold.
pub async fn cancel(id: OperationId) -> Result<TransactionDetail, ApiError> {
    send(post(&format!("/transactions/{id}/cancel"), &Empty {})).await
}

pub async fn operation_events(id: OperationId) -> Result<Vec<EventView>, ApiError> {
    list(get(&format!("/operations/{id}/events"))).await
}

pub async fn resend_event(event_id: &str) -> Result<DeliveryAttemptView, ApiError> {
    let id = String::from(js_sys::encode_uri_component(event_id));
    send(post(&format!("/events/{id}/resend"), &Empty {})).await
}

/// `period=month&date=2024-06-01&organization_id=…`
pub async fn analytics(query: &str) -> Result<Analytics, ApiError> {
    send(get(&format!("/reports/analytics?{query}"))).await
}

/// The xlsx report's bytes.
pub async fn report_xlsx(query: &str) -> Result<Vec<u8>, ApiError> {
    let req =
        Request::new_with_str(&format!("{BASE}/reports/transactions.xlsx?{query}")).map_err(|_| ApiError::Network)?;
    let res = respond(req).await?;
    let bytes = async { JsFuture::from(res.array_buffer()?).await };
    bytes.await.map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec()).map_err(|_| ApiError::Network)
}
