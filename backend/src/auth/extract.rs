//! Extractors for the cabinet: the signed-in user, read fresh from the database on every
//! request, with the CSRF check for cookie-authenticated requests that change state.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use shared::dto::auth::UserView;
use shared::{ErrorCode, Role};
use time::Duration;
use uuid::Uuid;

use crate::auth::session;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A signed-in user, even one who must change their password or set up two-factor sign-in first.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: UserView,
    pub session_id: Uuid,
    pub ip: Option<IpAddr>,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// The organizations this user may see.
    pub fn scope(&self) -> db::organizations::Scope {
        if self.is_admin() { db::organizations::Scope::All } else { db::organizations::Scope::MemberOf(self.user.id) }
    }
}

/// A signed-in user who may use the cabinet (no pending forced password change, no pending
/// two-factor setup that the settings require).
#[derive(Debug, Clone)]
pub struct CabinetUser(pub SessionUser);

/// A signed-in staff member (role `admin`).
#[derive(Debug, Clone)]
pub struct AdminUser(pub SessionUser);

fn unauthenticated() -> ApiError {
    ApiError::new(ErrorCode::SessionExpired, "Sign in to continue.")
}

/// The client's address. `X-Forwarded-For` is believed only from the proxies that
/// `server.trusted_proxies` names: its hops are read from the right, past trusted proxies, and
/// the first other address is the client. Without trusted proxies it is the socket's peer.
pub fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    let Some(state) = req.app_data::<web::Data<AppState>>() else { return Some(peer) };
    let trusted = state.settings.server.trusted_proxy_networks();
    if trusted.is_empty() {
        return Some(peer);
    }
    // A proxy may add its own header line: every line counts, in order.
    let lines: Vec<&str> = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    Some(resolve_client(peer, Some(&lines.join(",")), &trusted))
}

/// [`client_ip`] without the request: the peer, then the forwarded hops from the right.
pub fn resolve_client(
    peer: IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[sqlx::types::ipnetwork::IpNetwork],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(*ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A malformed hop ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

/// A state-changing request carried by a cookie must come from our own pages.
fn same_origin(req: &HttpRequest) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site == "same-origin";
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => {
            origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) == Some(host)
        }
        _ => false,
    }
}

/// The `Authorization: Bearer …` credential, trimmed.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers().get("authorization")?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The signed-in user of a request, for guards outside the cabinet API (the docs).
pub async fn session_user(req: &HttpRequest) -> Result<SessionUser, ApiError> {
    authenticate(req).await
}

async fn authenticate(req: &HttpRequest) -> Result<SessionUser, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| anyhow::anyhow!("no app state"))?;
    let cookie = req.cookie(session::cookie_name(&state.settings));
    let (token, via_cookie) = match (bearer(req), &cookie) {
        (Some(t), _) => (t.to_owned(), false),
        (None, Some(c)) => (c.value().to_owned(), true),
        (None, None) => return Err(unauthenticated()),
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if via_cookie && !safe && !same_origin(req) {
        return Err(ApiError::new(ErrorCode::CsrfFailed, "Cross-site request refused."));
    }
    let now = state.clock.now();
    let claims = session::verify(&state.keys, &token, now).ok_or_else(unauthenticated)?;
    let idle = Duration::minutes(state.settings.session.idle_timeout_minutes);
    let user_id = db::sessions::touch(&state.db, claims.jti, now, idle).await?.ok_or_else(unauthenticated)?;
    if user_id.0 != claims.sub {
        return Err(unauthenticated());
    }
    let mut record = db::users::get(&state.db, user_id).await?.ok_or_else(unauthenticated)?;
    if !record.active {
        return Err(unauthenticated());
    }
    crate::auth::two_factor::apply_policy(&state.settings, &mut record.view);
    Ok(SessionUser { user: record.view, session_id: claims.jti, ip: client_ip(req) })
}

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

impl FromRequest for CabinetUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let s = authenticate(&req).await?;
            if s.user.must_change_password {
                return Err(ApiError::new(ErrorCode::PasswordChangeRequired, "Change your password to continue."));
            }
            if s.user.two_factor_setup_required {
                return Err(ApiError::new(ErrorCode::TwoFactorSetupRequired, "Set up two-factor sign-in to continue."));
            }
            Ok(CabinetUser(s))
        })
    }
}

impl FromRequest for AdminUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Checked already by `require_admin`, before any other extractor read the body.
        if let Some(s) = req.extensions().get::<VerifiedAdmin>() {
            let s = s.0.clone();
            return Box::pin(async move { Ok(AdminUser(s)) });
        }
        let inner = CabinetUser::from_request(req, payload);
        Box::pin(async move {
            let CabinetUser(s) = inner.await?;
            if !s.is_admin() {
                return Err(ApiError::new(ErrorCode::Forbidden, "This action is for ClickPay staff."));
            }
            Ok(AdminUser(s))
        })
    }
}

/// The staff member `require_admin` verified for this request.
#[derive(Clone)]
struct VerifiedAdmin(SessionUser);

/// The middleware of the admin endpoints: authorization comes before anything reads the body,
/// so a partner learns nothing of an endpoint's schema (a malformed body is 403 for them too).
pub async fn require_admin(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody + 'static>>,
    actix_web::Error,
> {
    match AdminUser::extract(req.request()).await {
        Ok(AdminUser(s)) => {
            req.extensions_mut().insert(VerifiedAdmin(s));
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::resolve_client;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let net = |s: &str| s.parse::<sqlx::types::ipnetwork::IpNetwork>().expect("cidr");
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let trusted = [net("10.0.0.0/8")];
        assert_eq!(
            resolve_client(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9"),
            "an untrusted peer is the client"
        );
        assert_eq!(resolve_client(ip("10.0.0.2"), Some("1.2.3.4, 10.0.0.7"), &trusted), ip("1.2.3.4"));
        assert_eq!(
            resolve_client(ip("10.0.0.2"), Some("6.6.6.6, 1.2.3.4"), &trusted),
            ip("1.2.3.4"),
            "a spoofed left hop is not believed"
        );
        assert_eq!(resolve_client(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        assert_eq!(
            resolve_client(ip("10.0.0.2"), Some("1.2.3.4"), &[]),
            ip("10.0.0.2"),
            "no trusted proxies: the socket"
        );
    }
}
