//! Serves the built cabinet (Trunk's `dist/`) with a history fallback, and the security headers
//! of security.md. Trunk's page boots the WASM from an inline module script, so the CSP allows
//! exactly that script by its SHA-256, computed from `index.html` at start-up.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The loaded SPA: its index page and the policy that lets it run.
#[derive(Clone)]
pub struct Spa {
    pub dir: PathBuf,
    index: Option<Arc<str>>,
    pub csp: String,
}

impl Spa {
    /// Reads `index.html` from `dir`. A missing build still starts the server (the API works);
    /// the cabinet's pages then answer 503 with a hint.
    pub fn load(dir: &Path) -> Spa {
        let index = std::fs::read_to_string(dir.join("index.html")).ok();
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "the cabinet is not built: no index.html");
        }
        let csp = content_security_policy(index.as_deref().unwrap_or(""));
        Spa { dir: dir.to_owned(), index: index.map(Arc::from), csp }
    }
}

/// The CSP for a page: scripts only from us, plus the page's own inline scripts by hash.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|s| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(s.as_bytes()))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// The bodies of `<script>` elements without a `src`, exactly as the browser hashes them.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("<script")?;
            let open_end = start + rest[start..].find('>')?;
            let open_tag = &rest[start..open_end];
            let body_start = open_end + 1;
            let body_end = body_start + rest[body_start..].find("</script>")?;
            let body = &rest[body_start..body_end];
            rest = &rest[body_end + "</script>".len()..];
            if !open_tag.contains(" src=") {
                return Some(body);
            }
        }
    })
}

/// The cabinet's page for any route the SPA owns (history fallback).
async fn index(req: HttpRequest, spa: web::Data<Spa>) -> HttpResponse {
    // A missing asset is a 404, not the page: only navigations fall back to the SPA.
    let last = req.path().rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("Not found");
    }
    // An API path in another spelling (`/api//v1/…`, `/cabinet/api/v1/./…`) is never the page:
    // it is the API's 404, so no client mistakes one surface for the other.
    let normalized = crate::docs::normalized(req.path());
    if normalized.starts_with("/api/") || normalized.starts_with("/cabinet/api/") {
        return actix_web::ResponseError::error_response(&crate::error::ApiError::not_found());
    }
    match &spa.index {
        Some(html) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .content_type("text/html; charset=utf-8")
            .body(html.to_string()),
        None => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("The cabinet is not built yet: run the README's run command (it runs `trunk build`)."),
    }
}

/// Mounts the SPA last, after the API surfaces.
pub fn config(spa: Spa) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let dir = spa.dir.clone();
        let built = dir.join("index.html").is_file();
        cfg.app_data(web::Data::new(spa)).route("/", web::get().to(index));
        if built {
            cfg.service(actix_files::Files::new("/", dir).prefer_utf8(true).default_handler(web::get().to(index)));
        } else {
            cfg.default_service(web::get().to(index));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<html><head><script src="/a.js"></script><script type="module">import init from '/x.js';init();</script></head></html>"#;
        let found: Vec<_> = inline_scripts(html).collect();
        assert_eq!(found, vec!["import init from '/x.js';init();"]);
        let csp = content_security_policy(html);
        let expected = STANDARD.encode(Sha256::digest(b"import init from '/x.js';init();"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
        assert!(
            csp.contains("object-src 'none'")
                && csp.contains("base-uri 'none'")
                && csp.contains("frame-ancestors 'none'")
        );
    }
}
