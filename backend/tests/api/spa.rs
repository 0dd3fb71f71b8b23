use base64::Engine;
use sha2::{Digest, Sha256};

use crate::helpers::spawn_app;

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
    let res = app.get("/..%2f..%2f..%2fetc%2fpasswd").await;
    let status = res.status();
    let body = res.text().await.expect("body");
    assert!(!body.contains("root:"), "{status}");
}
