//! Serves the built cabinet (Trunk's `dist/`) with a history fallback, and the security headers
//! of security.md. Trunk's page boots the WASM from an inline module script, so the CSP allows
//! exactly that script by its SHA-256, computed from `index.html` at start-up.
//!
//! The files of `dist/` are listed at start-up (as the page is read then): a request's path is
//! only ever a key of that list, never joined onto a folder, so nothing outside `dist/` is served.
//! Trunk's file names carry a hash of their content, so those files are cached for a year as
//! immutable; the page and any unhashed file are revalidated each time. The build writes a gzip
//! and a brotli copy next to each asset (Trunk.toml's post_build hook); the copy the client
//! accepts is sent as it is, with its `Content-Encoding`, so the `Compress` middleware (which
//! leaves an encoded response alone) does not compress it again per request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// How long browsers keep a file whose name changes with its content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The loaded SPA: its index page, the policy that lets it run, and the files it is built of.
#[derive(Clone)]
pub struct Spa {
    pub dir: PathBuf,
    index: Option<Arc<str>>,
    pub csp: String,
    assets: Arc<HashMap<String, Asset>>,
}

impl Spa {
    /// Reads `index.html` from `dir` and lists its files. A missing build still starts the server
    /// (the API works); the cabinet's pages then answer 503 with a hint.
    pub fn load(dir: &Path) -> Spa {
        let index = std::fs::read_to_string(dir.join("index.html")).ok();
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "the cabinet is not built: no index.html");
        }
        let csp = content_security_policy(index.as_deref().unwrap_or(""));
        let assets = if index.is_some() { list_assets(dir) } else { HashMap::new() };
        Spa { dir: dir.to_owned(), index: index.map(Arc::from), csp, assets: Arc::new(assets) }
    }
}

/// A file of the build as served: its precompressed copies, its type, and whether its name
/// carries Trunk's content hash.
#[derive(Debug)]
struct Asset {
    path: PathBuf,
    gzip: Option<PathBuf>,
    brotli: Option<PathBuf>,
    content_type: mime_guess::Mime,
    hashed: bool,
}

/// The files under `dir` by their URL path (`frontend-….js`, `snippets/x/inline0.js`), each with
/// its `.gz` and `.br` copies. Hidden names are skipped (as actix-files did), and so is anything
/// whose real path leaves `dir` (a symbolic link out). `index.html` is served by [`index`].
fn list_assets(dir: &Path) -> HashMap<String, Asset> {
    let Ok(root) = dir.canonicalize() else { return HashMap::new() };
    let mut files: HashMap<String, PathBuf> = HashMap::new();
    let mut pending = vec![(root.clone(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else { continue };
            if name.starts_with('.') {
                continue;
            }
            let Ok(real) = entry.path().canonicalize() else { continue };
            if !real.starts_with(&root) {
                tracing::warn!(path = %entry.path().display(), "not served: it leads out of the cabinet's folder");
                continue;
            }
            let key = format!("{prefix}{name}");
            match entry.file_type() {
                // A linked folder could loop; the build makes none.
                Ok(t) if t.is_dir() => pending.push((real, format!("{key}/"))),
                _ if real.is_file() => {
                    files.insert(key, real);
                }
                _ => {}
            }
        }
    }
    let variant = |key: &str, suffix: &str| files.get(&format!("{key}{suffix}")).cloned();
    let is_variant = |key: &str| {
        [".gz", ".br"].iter().any(|suffix| key.strip_suffix(suffix).is_some_and(|base| files.contains_key(base)))
    };
    files
        .iter()
        .filter(|(key, _)| key.as_str() != "index.html" && !is_variant(key))
        .map(|(key, path)| {
            let name = key.rsplit('/').next().unwrap_or(key);
            let asset = Asset {
                path: path.clone(),
                gzip: variant(key, ".gz"),
                brotli: variant(key, ".br"),
                content_type: mime_guess::from_path(name).first_or_octet_stream(),
                hashed: is_hashed(name),
            };
            (key.clone(), asset)
        })
        .collect()
}

/// Does this file name carry Trunk's content hash? Trunk names a copied file
/// `{stem}-{hash}.{ext}` (`main-0123456789abcdef.css`) and the Rust app `{name}-{hash}.js` and
/// `{name}-{hash}_bg.wasm`, the hash being a 64-bit seahash in lowercase hex without leading
/// zeros. 12 to 16 digits are required: a real hash is shorter about once in a million builds,
/// and that file is then only revalidated, never wrongly cached.
pub fn is_hashed(file_name: &str) -> bool {
    let Some((base, _ext)) = file_name.rsplit_once('.') else { return false };
    let base = base.strip_suffix("_bg").or_else(|| base.strip_suffix("_loader")).unwrap_or(base);
    let Some((stem, hash)) = base.rsplit_once('-') else { return false };
    !stem.is_empty() && (12..=16).contains(&hash.len()) && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Which copy of a file to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

/// The copy the client accepts, given the copies there are: the highest q-value wins, brotli
/// before gzip on a tie (actix's negotiation). Without `Accept-Encoding`, the file itself.
pub fn choose_coding(accept: Option<&AcceptEncoding>, brotli: bool, gzip: bool) -> Coding {
    let Some(accept) = accept else { return Coding::Identity };
    let mut offered = vec![Encoding::identity()];
    if brotli {
        offered.push(Encoding::brotli());
    }
    if gzip {
        offered.push(Encoding::gzip());
    }
    match accept.negotiate(offered.iter()) {
        Some(e) if e == Encoding::brotli() => Coding::Brotli,
        Some(e) if e == Encoding::gzip() => Coding::Gzip,
        _ => Coding::Identity,
    }
}

/// A file of the build, in the encoding the client accepts, with its caching headers.
fn serve_asset(req: &HttpRequest, asset: &Asset) -> HttpResponse {
    // A byte range is of the file itself: the compressed copies are for whole responses.
    let coding = if req.headers().contains_key(header::RANGE) {
        Coding::Identity
    } else {
        choose_coding(req.get_header::<AcceptEncoding>().as_ref(), asset.brotli.is_some(), asset.gzip.is_some())
    };
    // `identity` is said outright when no copy fits, so the Compress middleware leaves the file
    // alone: a build's files are never compressed again per request (CPU, and one ETag for two
    // bodies).
    let (path, encoding) = match (coding, &asset.brotli, &asset.gzip) {
        (Coding::Brotli, Some(br), _) => (br, ContentEncoding::Brotli),
        (Coding::Gzip, _, Some(gz)) => (gz, ContentEncoding::Gzip),
        _ => (&asset.path, ContentEncoding::Identity),
    };
    let Ok(file) = NamedFile::open(path) else {
        // Removed since start-up (a rebuild under a running server).
        return not_found();
    };
    let file = file
        .set_content_type(asset.content_type.clone())
        .prefer_utf8(true)
        .disable_content_disposition()
        .set_content_encoding(encoding);
    let mut res = file.into_response(req);
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let cache = if asset.hashed { IMMUTABLE } else { "no-cache" };
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
    }
    if asset.brotli.is_some() || asset.gzip.is_some() {
        res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Accept-Encoding"));
    }
    res
}

/// Not stored anywhere: during a rolling deploy a node may not have a new build's file yet.
fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("text/plain; charset=utf-8")
        .body("Not found")
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

/// A file of the build, or else the cabinet's page.
async fn file_or_index(req: HttpRequest, spa: web::Data<Spa>) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, "GET, HEAD")).finish();
    }
    let path = percent_encoding::percent_decode_str(req.path()).decode_utf8().ok();
    let key = path.as_deref().and_then(|p| p.strip_prefix('/')).unwrap_or("");
    if key == "index.html" {
        return page(&spa);
    }
    match spa.assets.get(key) {
        Some(asset) => serve_asset(&req, asset),
        None => index(req, spa).await,
    }
}

/// The cabinet's page for any route the SPA owns (history fallback).
async fn index(req: HttpRequest, spa: web::Data<Spa>) -> HttpResponse {
    // An API path in another spelling (`/api//v1/…`, `/cabinet/api/v1/./…`, `/api/`) is never
    // the page: it is the API's 404, so no client mistakes one surface for the other.
    let normalized = crate::docs::normalized(req.path());
    let under = |root: &str| normalized == root || normalized.starts_with(&format!("{root}/"));
    if under("/api") || under("/cabinet/api") {
        return actix_web::ResponseError::error_response(&crate::error::ApiError::not_found());
    }
    // A missing asset is a 404, not the page: only navigations fall back to the SPA.
    let decoded = percent_encoding::percent_decode_str(req.path()).decode_utf8_lossy();
    if decoded.rsplit('/').next().unwrap_or("").contains('.') {
        return not_found();
    }
    page(&spa)
}

/// `index.html`, never cached without asking: it names the current build's files.
fn page(spa: &Spa) -> HttpResponse {
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
        let built = spa.index.is_some();
        cfg.app_data(web::Data::new(spa)).route("/", web::get().to(index));
        if built {
            cfg.default_service(web::to(file_or_index));
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

    #[test]
    fn only_trunks_content_hashed_names_count_as_hashed() {
        for name in [
            "frontend-1a2b3c4d5e6f7a8b_bg.wasm",
            "frontend-1a2b3c4d5e6f7a8b.js",
            "main-0123456789abcdef.css",
            "favicon-a1b2c3d4e5f6.svg",
            "frontend-123456789abcdef_loader.js",
            "leptos-chartistry-0123456789abcdef.css",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "favicon.svg",
            "app.css",
            "frontend.js",
            "frontend_bg.wasm",
            "leptos-chartistry.js",
            "main-0123456789ABCDEF.css",
            "main-0123456789abcdef0.css",
            "main-deadbeef.css",
            "main-0123456789abcdeg.css",
            "-0123456789abcdef.css",
            "frontend-0123456789abcdef",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    fn accept(value: Option<&str>) -> Option<AcceptEncoding> {
        let mut req = actix_web::test::TestRequest::default();
        if let Some(value) = value {
            req = req.insert_header((header::ACCEPT_ENCODING, value));
        }
        req.to_http_request().get_header::<AcceptEncoding>()
    }

    #[test]
    fn the_copy_sent_is_the_best_one_the_client_accepts() {
        let cases = [
            (None, true, true, Coding::Identity),
            (Some("gzip, deflate, br, zstd"), true, true, Coding::Brotli),
            (Some("br, gzip"), false, true, Coding::Gzip),
            (Some("gzip, deflate"), true, true, Coding::Gzip),
            (Some("br"), false, true, Coding::Identity),
            (Some("gzip;q=1.0, br;q=0.5"), true, true, Coding::Gzip),
            (Some("br;q=0, gzip"), true, true, Coding::Gzip),
            (Some("identity"), true, true, Coding::Identity),
            (Some("*"), true, true, Coding::Identity),
            (Some("gzip, br"), false, false, Coding::Identity),
        ];
        for (header, brotli, gzip, expected) in cases {
            assert_eq!(
                choose_coding(accept(header).as_ref(), brotli, gzip),
                expected,
                "{header:?} br={brotli} gz={gzip}"
            );
        }
    }

    #[test]
    fn the_build_is_listed_with_its_compressed_copies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, name).expect("write");
        };
        for name in [
            "index.html",
            "frontend-0123456789abcdef_bg.wasm",
            "frontend-0123456789abcdef_bg.wasm.gz",
            "frontend-0123456789abcdef_bg.wasm.br",
            "main-0123456789abcdef.css",
            "main-0123456789abcdef.css.gz",
            "favicon.svg",
            "notes.txt.gz",
            "snippets/lib-1/inline0.js",
            ".stage/stale.js",
        ] {
            write(name);
        }
        // A link out of the folder is not served.
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.txt")).expect("symlink");
        let assets = list_assets(dir.path());
        let mut keys: Vec<_> = assets.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "favicon.svg",
                "frontend-0123456789abcdef_bg.wasm",
                "main-0123456789abcdef.css",
                "notes.txt.gz",
                "snippets/lib-1/inline0.js"
            ]
        );
        let wasm = &assets["frontend-0123456789abcdef_bg.wasm"];
        assert!(wasm.hashed && wasm.gzip.is_some() && wasm.brotli.is_some());
        assert_eq!(wasm.content_type.essence_str(), "application/wasm");
        let css = &assets["main-0123456789abcdef.css"];
        assert!(css.hashed && css.gzip.is_some() && css.brotli.is_none());
        assert!(!assets["favicon.svg"].hashed && assets["favicon.svg"].gzip.is_none());
    }
}
