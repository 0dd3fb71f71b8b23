use base64::Engine;
use sha2::{Digest, Sha256};

use crate::helpers::{FAKE_INDEX, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_cabinet_is_served_with_a_csp_that_admits_only_its_own_loader() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert!(h["content-type"].to_str().expect("ascii").starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().expect("ascii");
    let loader = "import init from '/frontend.js';init('/frontend_bg.wasm');";
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(loader.as_bytes()));
    assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'")), "{csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.contains_key("referrer-policy"));
    assert!(h.contains_key("x-request-id"));
}

#[tokio::test]
async fn deep_links_fall_back_to_the_cabinet_but_missing_assets_do_not() {
    let app = spawn_app().await;
    for path in ["/transactions", "/organizations/5b0e1f7c-0000-0000-0000-000000000000", "/reports?year=2024"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.text().await.expect("body").contains("<title>ClickPay</title>"));
    }
    let res = app.get("/missing.js").await;
    assert_eq!(res.status(), 404);
    let res = app.get("/app.css").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn path_traversal_does_not_leave_the_static_folder() {
    let app = spawn_app().await;
    // Without a dot at the end it is a navigation: the cabinet's page, nothing else.
    let res = app.get("/..%2f..%2f..%2fetc%2fpasswd").await;
    assert!(res.text().await.expect("body").contains("<title>ClickPay</title>"));
    for path in
        ["/..%2f..%2f..%2fetc%2fhosts.txt", "/../../etc/passwd.txt", "/%2e%2e%5c%2e%2e%5cCargo.toml", "/missing%2Ejs"]
    {
        let res = app.get(path).await;
        let status = res.status();
        assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().expect("ascii")), Some("no-store"), "{path}");
        let body = res.text().await.expect("body");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("root:") && !body.contains("[package]"), "{path}");
    }
    // The API's roots in any spelling are the API's 404, never the cabinet's page.
    for path in ["/api", "/api/", "/api//", "/cabinet/api", "/cabinet/api/", "/api/v2/x.json"] {
        crate::helpers::assert_error(app.get(path).await, 404, "not_found").await;
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_sent_precompressed() {
    let dist = tempfile::tempdir().expect("tempdir");
    let files: [(&str, &[u8]); 7] = [
        ("index.html", FAKE_INDEX.as_bytes()),
        ("frontend-0123456789abcdef_bg.wasm", b"\0asm the module itself"),
        ("frontend-0123456789abcdef_bg.wasm.gz", b"the gzip copy"),
        ("frontend-0123456789abcdef_bg.wasm.br", b"the brotli copy"),
        ("frontend-0123456789abcdef.js", b"export default function init() {}"),
        ("frontend-0123456789abcdef.js.gz", b"the js gzip copy"),
        ("favicon.svg", b"<svg/>"),
    ];
    for (name, body) in files {
        std::fs::write(dist.path().join(name), body).expect("write");
    }
    let app = spawn_app_with(|s| s.server.static_dir = dist.path().to_owned()).await;
    let get = |path: &str, accept_encoding: Option<&str>| {
        let mut req = app.client.get(format!("{}{path}", app.address));
        if let Some(value) = accept_encoding {
            req = req.header("accept-encoding", value);
        }
        req
    };
    let wasm = "/frontend-0123456789abcdef_bg.wasm";
    for (accept, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "the brotli copy"),
        (Some("gzip"), Some("gzip"), "the gzip copy"),
        (Some("identity"), Some("identity"), "\0asm the module itself"),
        (None, Some("identity"), "\0asm the module itself"),
        // No deflate copy: the file as it is, never deflated per request by the middleware.
        (Some("deflate"), Some("identity"), "\0asm the module itself"),
    ] {
        let res = get(wasm, accept).send().await.expect("request");
        assert_eq!(res.status(), 200, "{accept:?}");
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "application/wasm", "{accept:?}");
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable", "{accept:?}");
        assert_eq!(h["vary"].to_str().expect("ascii").to_ascii_lowercase(), "accept-encoding", "{accept:?}");
        assert_eq!(h.get("content-encoding").map(|v| v.to_str().expect("ascii")), encoding, "{accept:?}");
        // The copy exactly as built: not compressed a second time by the middleware.
        assert_eq!(res.bytes().await.expect("body"), body.as_bytes(), "{accept:?}");
    }

    // Only the copies there are: no brotli copy of the script, so gzip.
    let res = get("/frontend-0123456789abcdef.js", Some("br, gzip")).send().await.expect("request");
    assert_eq!(res.headers()["content-type"], "text/javascript");
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.bytes().await.expect("body"), "the js gzip copy".as_bytes());

    // A byte range is of the file itself.
    let res = get(wasm, Some("br")).header("range", "bytes=1-3").send().await.expect("request");
    assert_eq!(res.status(), 206);
    assert_eq!(res.bytes().await.expect("body"), "asm".as_bytes());

    // The page and the unhashed files are revalidated every time.
    for path in ["/", "/index.html", "/transactions", "/favicon.svg"] {
        let res = get(path, Some("gzip, br")).send().await.expect("request");
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
    }
    assert!(get("/index.html", None).send().await.expect("request").text().await.expect("body").contains("<title>"));
    assert_eq!(get("/frontend-fedcba9876543210_bg.wasm", None).send().await.expect("request").status(), 404);
}
