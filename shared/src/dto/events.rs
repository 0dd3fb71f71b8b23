//! Notifications as the cabinet shows them: each event of an operation with every attempt.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One attempt to deliver an event.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryAttemptView {
    #[serde(with = "crate::timefmt")]
    pub attempted_at: OffsetDateTime,
    pub url: String,
    pub http_status: Option<u16>,
    pub error: Option<String>,
    pub latency_ms: i32,
    pub response_snippet: Option<String>,
    /// A resend from the cabinet rather than the automatic schedule.
    pub manual: bool,
}

/// An event with its delivery state.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    /// `pending`, `delivered` or `failed`.
    pub delivery_status: String,
    pub attempts: i32,
    #[serde(with = "crate::timefmt::option")]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "crate::timefmt::option")]
    pub delivered_at: Option<OffsetDateTime>,
    pub deliveries: Vec<DeliveryAttemptView>,
}
