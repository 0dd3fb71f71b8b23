//! The documents cannot drift from the stubs: every operation has its words and its curl in
//! both languages, every text names a real operation, and both documents are valid OpenAPI 3.1.

use std::collections::HashSet;

use serde_json::Value;
use shared::{ErrorCode, OperationStatus};

use super::text::{Lang, operations_mut};
use super::{CATALOG, document};

fn cyrillic(s: &str) -> bool {
    s.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

/// Every operation of a document: (method, path, operation).
fn operations(doc: &mut utoipa::openapi::OpenApi) -> Vec<(String, String, utoipa::openapi::path::Operation)> {
    let mut all = Vec::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations_mut(item) {
            all.push((method.to_owned(), path.clone(), op.clone()));
        }
    }
    all
}

#[test]
fn every_operation_has_a_summary_a_description_and_a_curl_in_both_languages() {
    for lang in [Lang::En, Lang::Ru] {
        let mut doc = document(lang);
        let ops = operations(&mut doc);
        assert!(ops.len() >= 26, "{lang:?}: only {} operations", ops.len());
        for (method, path, op) in ops {
            let at = format!("{lang:?} {method} {path}");
            let id = op.operation_id.as_deref().unwrap_or_else(|| panic!("{at}: no operation_id"));
            let text = CATALOG.op(id).unwrap_or_else(|| panic!("{at}: no text for {id}"));
            let summary = op.summary.as_deref().unwrap_or_default();
            let description = op.description.as_deref().unwrap_or_default();
            assert_eq!(summary, text.summary.get(lang), "{at}");
            assert!(description.starts_with(text.description.get(lang).trim_end()), "{at}");
            assert!(description.contains("```bash\ncurl"), "{at}: no curl example");
            assert_eq!(lang == Lang::Ru, cyrillic(summary), "{at}: summary {summary:?}");
            assert_eq!(lang == Lang::Ru, cyrillic(text.description.get(lang)), "{at}: description");
            let curl = &description[description.find("```bash").unwrap_or(0)..];
            if path.starts_with("/api/v1/") {
                assert!(curl.contains("-H \"Authorization: Bearer sk_test_"), "{at}: {curl}");
                if method == "post" || method == "delete" {
                    assert!(curl.contains("-H \"Idempotency-Key: "), "{at}: {curl}");
                }
            }
            if method != "get" {
                assert!(curl.contains(&format!("curl -X {}", method.to_uppercase())), "{at}: {curl}");
            }
        }
    }
}

#[test]
fn every_text_names_an_operation_of_the_document_once() {
    let mut doc = document(Lang::En);
    let ids: HashSet<String> = operations(&mut doc).into_iter().filter_map(|(_, _, op)| op.operation_id).collect();
    let mut seen = HashSet::new();
    for op in CATALOG.ops.iter().flat_map(|ops| ops.iter()) {
        assert!(ids.contains(op.id), "the text of {} names no operation of the document", op.id);
        assert!(seen.insert(op.id), "two texts for {}", op.id);
    }
}

/// Whether a concrete example path (before any `?`) fits a path template.
fn fits(template: &str, example: &str) -> bool {
    let example = example.split('?').next().unwrap_or_default();
    let (t, e): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), example.split('/').collect());
    t.len() == e.len() && t.iter().zip(&e).all(|(t, e)| (t.starts_with('{') && !e.is_empty()) || t == e)
}

#[test]
fn every_curl_example_requests_its_own_path() {
    let mut doc = document(Lang::En);
    for (method, path, op) in operations(&mut doc) {
        let text = op.operation_id.as_deref().and_then(|id| CATALOG.op(id)).expect("text");
        assert!(fits(&path, text.example.path), "{method} {path}: the example requests {}", text.example.path);
        let needs_key = path.starts_with("/api/v1/") && (method == "post" || method == "delete");
        assert_eq!(needs_key, text.example.key.is_some(), "{method} {path}: Idempotency-Key");
        if let Some(body) = text.example.body {
            serde_json::from_str::<Value>(body).unwrap_or_else(|e| panic!("{method} {path}: the example body: {e}"));
        }
    }
}

/// Every description the stubs write besides the operations' own: parameters, bodies, responses.
fn descriptions(doc: &mut utoipa::openapi::OpenApi) -> Vec<(String, String)> {
    let mut all = Vec::new();
    for (method, path, op) in operations(doc) {
        let at = format!("{method} {path}");
        for p in op.parameters.iter().flatten() {
            all.extend(p.description.clone().map(|d| (format!("{at} {}", p.name), d)));
        }
        if let Some(d) = op.request_body.as_ref().and_then(|b| b.description.clone()) {
            all.push((format!("{at} body"), d));
        }
        for (status, r) in &op.responses.responses {
            if let utoipa::openapi::RefOr::T(r) = r {
                all.push((format!("{at} {status}"), r.description.clone()));
            }
        }
    }
    all
}

#[test]
fn every_parameter_and_response_is_described_in_russian_and_no_text_is_stale() {
    let mut doc = document(Lang::Ru);
    for (at, d) in descriptions(&mut doc) {
        assert!(cyrillic(&d), "{at}: {d:?} has no Russian text (add a Tr to the file's TERMS)");
    }
    let mut en = document(Lang::En);
    let used: HashSet<String> = descriptions(&mut en).into_iter().map(|(_, d)| d).collect();
    for t in CATALOG.terms.iter().flat_map(|t| t.iter()) {
        assert!(used.contains(t.en), "{:?} describes nothing in the document", t.en);
        assert!(cyrillic(t.ru), "{:?} is not Russian", t.ru);
    }
    for s in CATALOG.sections {
        assert!(cyrillic(s.name.ru) && cyrillic(s.description.ru), "{:?}", s.name.en);
    }
}

/// Backticked words in error answers are real codes or statuses.
#[test]
fn error_answers_name_real_codes_and_statuses() {
    // Fields and codes the answers name that are neither an `ErrorCode` nor a status:
    // `export_too_large` is the contract's code for an oversized xlsx report.
    const OTHER: &[&str] = &["param", "captured_amount", "revoked_at", "export_too_large"];
    let mut doc = document(Lang::En);
    for (method, path, op) in operations(&mut doc) {
        for (status, r) in &op.responses.responses {
            let utoipa::openapi::RefOr::T(r) = r else { continue };
            if !status.starts_with('4') {
                continue;
            }
            for word in r.description.split('`').skip(1).step_by(2) {
                let known = serde_json::from_value::<ErrorCode>(Value::String(word.to_owned())).is_ok()
                    || OperationStatus::parse(word).is_some()
                    || OTHER.contains(&word)
                    || !word.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                assert!(known, "{method} {path} {status}: `{word}` is no error code or status");
            }
        }
    }
    let refused = |path: &str, method: &str| {
        let mut doc = document(Lang::En);
        let op = operations(&mut doc).into_iter().find(|(m, p, _)| m == method && p == path).expect("op").2;
        match op.responses.responses.get("422") {
            Some(utoipa::openapi::RefOr::T(r)) => r.description.clone(),
            _ => panic!("{method} {path} has no 422"),
        }
    };
    let capture = refused("/api/v1/payments/{id}/capture", "post");
    for code in [ErrorCode::InvalidState, ErrorCode::CaptureExceedsAuthorization] {
        assert!(capture.contains(&format!("`{}`", code.as_str())), "capture: {code:?}");
    }
    let cancel = refused("/api/v1/payments/{id}/cancel", "post");
    assert!(cancel.contains(&format!("`{}`", ErrorCode::InvalidState.as_str())));
    let refund = refused("/api/v1/payments/{id}/refunds", "post");
    for status in [OperationStatus::Authorized, OperationStatus::Canceled] {
        assert!(refund.contains(&format!("`{}`", status.as_str())), "refund: {status:?}");
    }
}

/// Every `$ref` of a JSON document, with where it stands.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r);
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn both_documents_are_openapi_3_1_whose_refs_all_resolve() {
    for lang in [Lang::En, Lang::Ru] {
        let json = serde_json::to_value(document(lang)).expect("serializable");
        assert_eq!(json["openapi"], "3.1.0", "{lang:?}");
        let mut all = Vec::new();
        refs(&json, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{lang:?}: external $ref {r}"));
            assert!(json.pointer(pointer).is_some(), "{lang:?}: {r} resolves to nothing");
        }
        assert!(json["paths"]["/api/v1/payments/{id}/capture"]["post"]["requestBody"].is_object());
        assert!(json["paths"]["/api/v1/payments/{id}/cancel"]["post"]["requestBody"].is_object());
    }
}

#[test]
fn both_introductions_carry_every_guide_and_the_test_cards() {
    const CARDS: &[&str] = &[
        "4242 4242 4242 4242",
        "5555 5555 5555 4444",
        "2200 0000 0000 0004",
        "4000 0000 0000 3220",
        "4000 0000 0000 0002",
        "4000 0000 0000 9995",
        "4000 0000 0000 0069",
        "4000 0000 0000 0119",
        "4000 0000 0000 5126",
    ];
    const BOTH: &[&str] = &[
        "Idempotency-Key",
        "Idempotent-Replayed: true",
        "idempotency_key_reused",
        "request_in_progress",
        "30 s",
        "invalid_api_key",
        "confirmation.url",
        "123456",
        "save_card",
        "card_token",
        "\"capture\": false",
        "POST /api/v1/payments/{id}/capture",
        "POST /api/v1/payments/{id}/cancel",
        "capture_exceeds_authorization",
        "captured_amount",
        "payment.authorized",
        "payment.canceled",
        "POST /api/v1/payouts",
        "Standard Webhooks",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "whsec_",
        "from standardwebhooks",
        "hmac.new",
        "```bash\ncurl",
        "Authorization: Bearer sk_test_",
    ];
    for lang in [Lang::En, Lang::Ru] {
        let intro = CATALOG.intro.get(lang);
        for needle in CARDS.iter().chain(BOTH) {
            // The Russian text says «30 секунд».
            let needle = if lang == Lang::Ru && *needle == "30 s" { "30 секунд" } else { needle };
            assert!(intro.contains(needle), "{lang:?}: {needle} missing from the introduction");
        }
    }
    assert!(CATALOG.intro.ru.contains("Двухстадийн"));
    assert!(CATALOG.intro.en.contains("two-stage"));
}
