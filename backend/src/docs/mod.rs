//! The API docs at `/partners/docs`: an OpenAPI document generated from the handlers
//! (`/partners/docs/openapi.json`) and Swagger UI served from the binary. Both are behind the
//! cabinet session or HTTP Basic with a cabinet user's credentials (the lockout applies).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use shared::dto::auth::LoginMethod;
use shared::ids::UserId;
use time::{Duration, OffsetDateTime};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi, Url};

use crate::auth::extract::{client_ip, session_user};
use crate::auth::login;
use crate::error::ApiError;
use crate::state::AppState;

mod admin;
mod balance;
mod cabinet;
mod card_tokens;
#[cfg(test)]
mod document_tests;
mod events;
mod params;
mod payments;
mod payouts;
mod refunds;
mod responses;
mod text;

pub use text::Lang;
use text::{Catalog, Section, Tr, localize};

pub const PREFIX: &str = "/partners/docs";
/// The English docs, beside the Russian ones at [`PREFIX`].
const EN: &str = "/partners/docs/en";
/// How long a verified Basic credential is trusted without another Argon2 hash.
const CACHE_FOR: Duration = Duration::minutes(5);

#[derive(OpenApi)]
#[openapi(
    info(version = "1.0"),
    paths(
        payments::payments_create,
        payments::payments_get,
        payments::payments_list,
        payments::payments_capture,
        payments::payments_cancel,
        refunds::refunds_create,
        refunds::refunds_get,
        refunds::refunds_list,
        refunds::refunds_list_all,
        payouts::payouts_create,
        payouts::payouts_get,
        payouts::payouts_list,
        card_tokens::card_tokens_get,
        card_tokens::card_tokens_revoke,
        events::events_list,
        balance::balance_get,
        balance::balance_transactions_list,
        balance::balance_transactions_get,
        cabinet::auth_login,
        cabinet::auth_login_totp,
        cabinet::organizations_list,
        cabinet::organizations_get,
        cabinet::reports_transactions_xlsx,
        cabinet::organizations_webhook_test,
        admin::api_keys_issue,
        admin::api_keys_revoke,
        admin::organizations_create,
        admin::organizations_update,
        admin::organizations_update_terminal,
        admin::users_create,
        admin::users_reset_password,
    ),
    modifiers(&English)
)]
pub struct ApiDoc;

/// The sections of the document, in the order Swagger UI lists them.
const SECTIONS: &[Section] = &[
    Section {
        name: Tr { en: "Payments", ru: "Платежи" },
        description: Tr {
            en: "Ecom and AFT payments: with a card, a saved card or the hosted page; one-stage or two-stage",
            ru: "Платежи ecom и AFT: по карте, по сохранённой карте или через платёжную страницу; одностадийные и двухстадийные",
        },
    },
    Section {
        name: Tr { en: "Refunds", ru: "Возвраты" },
        description: Tr {
            en: "Partial and full refunds of payments", ru: "Частичные и полные возвраты платежей"
        },
    },
    Section {
        name: Tr { en: "Payouts", ru: "Выплаты" },
        description: Tr { en: "OCT: credit a card", ru: "OCT: выплаты на карту" },
    },
    Section {
        name: Tr { en: "Saved cards", ru: "Сохранённые карты" },
        description: Tr {
            en: "Card tokens for recurring charges", ru: "Токены карт для рекуррентных списаний"
        },
    },
    Section {
        name: Tr { en: "Events", ru: "События" },
        description: Tr {
            en: "The notification log of the last 30 days",
            ru: "Журнал уведомлений за последние 30 дней",
        },
    },
    Section {
        name: Tr { en: "Balance", ru: "Баланс" },
        description: Tr {
            en: "What ClickPay owes the organization, and every money effect on it",
            ru: "Сколько ClickPay должен организации, и все движения по балансу",
        },
    },
    Section {
        name: Tr { en: "Cabinet", ru: "Кабинет" },
        description: Tr {
            en: "Cabinet endpoints that operators script",
            ru: "Методы личного кабинета для скриптов и автоматизации",
        },
    },
    Section {
        name: Tr { en: "Admin", ru: "Администрирование" },
        description: Tr {
            en: "Provisioning, for ClickPay staff (role admin)",
            ru: "Подключение организаций, для сотрудников ClickPay (роль admin)",
        },
    },
];

/// Everything the document says, in both languages.
const CATALOG: Catalog<'static> = Catalog {
    title: Tr { en: "ClickPay payment API", ru: "ClickPay: платёжный API" },
    intro: Tr { en: include_str!("intro.md"), ru: include_str!("intro.ru.md") },
    sections: SECTIONS,
    ops: &[
        payments::OPS,
        refunds::OPS,
        payouts::OPS,
        card_tokens::OPS,
        events::OPS,
        balance::OPS,
        cabinet::OPS,
        admin::OPS,
    ],
    terms: &[
        responses::TERMS,
        params::TERMS,
        payments::TERMS,
        refunds::TERMS,
        payouts::TERMS,
        card_tokens::TERMS,
        events::TERMS,
        balance::TERMS,
        cabinet::TERMS,
        admin::TERMS,
    ],
    api_key: Tr {
        en: "The organization's API key: `Authorization: Bearer sk_…`",
        ru: "Ключ API организации: `Authorization: Bearer sk_…`",
    },
    session: Tr {
        en: "The token from `POST /cabinet/api/v1/auth/login` (or its HttpOnly cookie)",
        ru: "Токен из ответа `POST /cabinet/api/v1/auth/login` (или его HttpOnly-cookie)",
    },
};

/// Gives the generated document its English words.
struct English;

impl Modify for English {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        localize(openapi, Lang::En, &CATALOG);
    }
}

/// The document in `lang`.
pub fn document(lang: Lang) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    if lang != Lang::En {
        localize(&mut doc, lang, &CATALOG);
    }
    doc
}

/// A verified Basic credential: until when it is trusted, whose it is, and a fingerprint of the
/// password hash it was checked against (a new password changes it).
#[derive(Clone, Copy)]
struct Verified {
    until: OffsetDateTime,
    user: UserId,
    hash: [u8; 32],
}

/// Verified Basic credentials, by a hash of the pair.
#[derive(Default)]
pub struct BasicCache(Mutex<HashMap<[u8; 32], Verified>>);

impl BasicCache {
    fn key(user: &str, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(user.as_bytes());
        h.update([0]);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    fn fresh(&self, key: &[u8; 32], now: OffsetDateTime) -> Option<Verified> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, v| v.until > now);
        map.get(key).copied()
    }

    fn remember(&self, key: [u8; 32], v: Verified) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(key, v);
    }

    fn forget(&self, key: &[u8; 32]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    /// Forgets every credential (an account changed on some node, or the change feed was cut).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

fn fingerprint(password_hash: &str) -> [u8; 32] {
    Sha256::digest(password_hash.as_bytes()).into()
}

/// Whether a user may read the docs with Basic credentials right now: active, not locked, not
/// due to change the password, without two-factor sign-in (enabled or required: a password
/// alone is not enough for them, they use the cabinet session), and (for a cached credential)
/// with the same password as then.
async fn still_good(state: &AppState, user: UserId, hash: Option<[u8; 32]>) -> Result<Option<[u8; 32]>, ApiError> {
    let Some(row) = crate::db::users::login_state(&state.db, user).await? else { return Ok(None) };
    let now = state.clock.now();
    let current = fingerprint(&row.password_hash);
    let ok = row.active
        && !row.must_change_password
        && !row.two_factor
        && !crate::auth::two_factor::required(&state.settings, row.role)
        && row.locked_until.is_none_or(|t| t <= now)
        && hash.is_none_or(|h| h == current);
    Ok(ok.then_some(current))
}

fn basic_credentials(req: &ServiceRequest) -> Option<(String, String)> {
    let header = req.headers().get("authorization")?.to_str().ok()?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

async fn allowed(req: &ServiceRequest) -> Result<bool, ApiError> {
    if session_user(req.request())
        .await
        .is_ok_and(|s| !s.user.must_change_password && !s.user.two_factor_setup_required)
    {
        return Ok(true);
    }
    let Some((user, password)) = basic_credentials(req) else { return Ok(false) };
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| anyhow::anyhow!("no app state"))?;
    let cache = &state.caches.docs;
    let key = BasicCache::key(&user, &password);
    let now = state.clock.now();
    if let Some(v) = cache.fresh(&key, now) {
        // The cache saves the Argon2 hash, not the account's checks: a new password, a lock or a
        // disabled account ends it at once.
        if still_good(state, v.user, Some(v.hash)).await?.is_some() {
            return Ok(true);
        }
        cache.forget(&key);
        return Ok(false);
    }
    match login::verify(state, LoginMethod::Login, &user, &password, client_ip(req.request()), "docs_basic").await {
        Ok(verified) => match still_good(state, verified.id, None).await? {
            Some(hash) => {
                cache.remember(key, Verified { until: now + CACHE_FOR, user: verified.id, hash });
                Ok(true)
            }
            // A user who must change the password first signs in to the cabinet to do it; one
            // with two-factor sign-in uses the cabinet session.
            None => Ok(false),
        },
        Err(ApiError::Client { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The path as a router could read it: percent-decoded (again and again, so no spelling
/// hides), with empty and `.` segments dropped and `..` resolved, in lower case.
pub fn normalized(raw: &str) -> String {
    let mut path = raw.to_owned();
    for _ in 0..4 {
        let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy().into_owned();
        if decoded == path {
            break;
        }
        path = decoded;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    format!("/{}", segments.join("/")).to_lowercase()
}

/// Is this request for the docs, however its path is spelled?
fn is_docs(raw: &str) -> bool {
    let path = normalized(raw);
    path == PREFIX || path.starts_with("/partners/docs/")
}

/// Guards everything under `/partners/docs`, in any spelling of the path the router would
/// accept; other paths pass untouched.
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    if !is_docs(req.path()) && !is_docs(req.uri().path()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    match allowed(&req).await {
        Ok(true) => Ok(next.call(req).await?.map_into_left_body()),
        Ok(false) => {
            let res = HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Basic realm=\"ClickPay API docs\", charset=\"UTF-8\""))
                .insert_header(("Cache-Control", "no-store"))
                .json(shared::ErrorBody::new(
                    shared::ErrorCode::InvalidCredentials,
                    "Sign in to the cabinet, or use your cabinet login and password.",
                    None,
                ));
            Ok(req.into_response(res).map_into_right_body())
        }
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}

/// A permanent redirect to the docs' index, so relative asset paths resolve.
fn to_slash(target: &'static str) -> actix_web::Route {
    web::get().to(move || async move { HttpResponse::PermanentRedirect().insert_header(("Location", target)).finish() })
}

/// Russian at `/partners/docs/`, English at `/partners/docs/en/`; each Swagger UI offers the
/// other document in its selector. English is mounted first: the Russian UI's wildcard would
/// take its paths.
pub fn config(cfg: &mut web::ServiceConfig) {
    static DOCS: LazyLock<(utoipa::openapi::OpenApi, utoipa::openapi::OpenApi)> =
        LazyLock::new(|| (document(Lang::Ru), document(Lang::En)));
    let (ru, en) = DOCS.clone();
    let ru_json = "/partners/docs/openapi.json";
    let en_json = "/partners/docs/en/openapi.json";
    let urls = |first: Lang| {
        let ru_url = Url::with_primary("Русский", ru_json, first == Lang::Ru);
        let en_url = Url::with_primary("English", en_json, first == Lang::En);
        Config::new(if first == Lang::Ru { [ru_url, en_url] } else { [en_url, ru_url] })
    };
    cfg.route(PREFIX, to_slash("/partners/docs/"))
        .route(EN, to_slash("/partners/docs/en/"))
        .service(SwaggerUi::new("/partners/docs/en/{_:.*}").url(en_json, en).config(urls(Lang::En)))
        .service(SwaggerUi::new("/partners/docs/{_:.*}").url(ru_json, ru).config(urls(Lang::Ru)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_the_docs_path_is_the_docs() {
        for p in [
            "/partners/docs",
            "/partners/docs/",
            "/partners/%64ocs/openapi.json",
            "/partners/%2564ocs/openapi.json",
            "/%70artners/docs/index.html",
            "//partners//docs//openapi.json",
            "/partners/./docs/openapi.json",
            "/x/../partners/docs/openapi.json",
            "/partners/docs%2Fopenapi.json",
            "/PARTNERS/Docs/openapi.json",
            "/partners\\docs/openapi.json",
            "/partners/docs/en",
            "/partners/docs/en/",
            "/partners/docs/en/openapi.json",
            "/partners/docs/%65n/openapi.json",
            "/PARTNERS/DOCS/EN/index.html",
            "/partners/docs/en/../en/swagger-ui.css",
        ] {
            assert!(is_docs(p), "{p}");
        }
        for p in ["/partners", "/partners/docsx", "/partners/docsen", "/api/v1/payments", "/partners/docs/../../api"] {
            assert!(!is_docs(p), "{p}");
        }
    }
}
