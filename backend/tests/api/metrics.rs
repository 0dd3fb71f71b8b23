//! `GET /metrics`: who may read it and what it shows.

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn loopback_reads_latency_by_route_template_and_the_backlogs() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let merchant = app.merchant(&app.api_key(org).await);
    let paid = merchant.pay("4111111111111111", "100.00").await;
    let id = paid["id"].as_str().expect("id");
    assert_eq!(merchant.get(&format!("/payments/{id}")).await.status(), 200);
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain; version=0.0.4"));
    let text = res.text().await.expect("body");
    for line in [
        r#"clickpay_http_request_duration_seconds_count{method="POST",route="/api/v1/payments",status="201"} 1"#,
        r#"clickpay_http_request_duration_seconds_count{method="GET",route="/api/v1/payments/{id}",status="200"} 1"#,
        r#"clickpay_bank_call_duration_seconds_count{operation="authorize",outcome="approved"} 1"#,
        r#"clickpay_db_pool_connections{pool="primary",state="max"} 10"#,
        r#"clickpay_metrics_scrape_error{source="database"} 0"#,
        "clickpay_db_pool_acquire_timeouts_total ",
        // The payment's event waits for a URL (the organization has none).
        r#"clickpay_outbox_events{state="pending"} 1"#,
        "clickpay_settlement_backlog{state=\"processing\"} 0",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    assert!(!text.contains(id), "raw paths never become labels");
    // A proxy on this host that is not a trusted one relays an outside client: not loopback.
    let relayed = app.client.get(app.url("/metrics")).header("X-Forwarded-For", "203.0.113.9").send().await;
    assert_eq!(relayed.expect("request").status(), 404);
}

#[tokio::test]
async fn other_clients_need_the_token() {
    let app = spawn_app_with(|s| {
        // The test client is a proxy that forwards a client from outside.
        s.server.trusted_proxies = vec!["127.0.0.1/32".to_owned()];
        s.metrics.token = Some("scrape-token-0123456789".to_owned().into());
    })
    .await;
    let outside = |auth: Option<&str>| {
        let mut r = app.client.get(app.url("/metrics")).header("X-Forwarded-For", "203.0.113.7");
        if let Some(a) = auth {
            r = r.header("Authorization", a);
        }
        r.send()
    };
    assert_eq!(outside(None).await.expect("request").status(), 404);
    assert_eq!(outside(Some("Bearer wrong")).await.expect("request").status(), 404);
    assert_eq!(outside(Some("Bearer scrape-token-0123456789")).await.expect("request").status(), 200);
    // A line the resolver cannot read does not fall back to the proxy's own (loopback) address.
    let unreadable = app
        .client
        .get(app.url("/metrics"))
        .header("X-Forwarded-For", reqwest::header::HeaderValue::from_bytes(b"203.0.113.7, \xff").expect("bytes"))
        .send()
        .await;
    assert_eq!(unreadable.expect("request").status(), 404);
    // A local client relayed by the proxy is loopback.
    let local = app.client.get(app.url("/metrics")).header("X-Forwarded-For", "127.0.0.1").send().await;
    assert_eq!(local.expect("request").status(), 200);
}
