//! JSON logs through `tracing`, and the request middleware that gives every request an
//! `X-Request-Id` and logs its route template (never the raw path, which can hold a token).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{EnvFilter, layer::SubscriberExt, util::SubscriberInitExt};

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Installs the global JSON subscriber. `RUST_LOG` overrides `default_filter`.
pub fn init<W>(default_filter: &str, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(writer);
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry().with(filter).with(layer).try_init();
}

/// The id of the request being served, for handlers and error logs.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts a client's id when it is short printable ASCII; otherwise makes one.
fn request_id_from(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Wraps every request: request id in, request id out, one log line per request.
pub async fn request_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = request_id_from(&req);
    let route = req.match_pattern().unwrap_or_else(|| "(unmatched)".to_owned());
    let method = req.method().clone();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let span = tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let started = Instant::now();
    let metrics = req.app_data::<actix_web::web::Data<crate::state::AppState>>().map(|s| s.metrics.clone());
    let _in_flight = metrics.as_ref().map(|m| m.request_started());
    // Handlers and our middlewares turn their errors into responses, so every answer passes here.
    let mut res = next.call(req).instrument(span.clone()).await?.map_into_boxed_body();
    let elapsed = started.elapsed();
    let latency_ms = elapsed.as_millis() as u64;
    let status = res.status().as_u16();
    if let Some(m) = &metrics {
        m.observe_request(&method, &route, status, elapsed);
    }
    span.in_scope(|| tracing::info!(status, latency_ms, "request finished"));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(HeaderName::from_static(REQUEST_ID_HEADER), v);
    }
    Ok(res)
}
