//! The audit-log viewer: staff read who did what, filtered by actor, action, organization and
//! dates (in the viewer's zone), in numbered pages, each entry with its details.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::dto::admin::{AuditEntryView, AuditPage};
use shared::ids::OrganizationId;
use sqlx::{Postgres, QueryBuilder};

use crate::auth::extract::AdminUser;
use crate::cabinet_api::params::{self, invalid};
use crate::db::transactions::{COUNT_CAP, in_zone};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// A user's login.
    actor: Option<String>,
    /// An action, or a family of them ending with a dot (`payment.`).
    action: Option<String>,
    organization_id: Option<OrganizationId>,
    /// `YYYY-MM-DD`, inclusive, in the viewer's zone; from 30 days ago to now by default.
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    created_at: time::OffsetDateTime,
    at_local: String,
    action: String,
    actor_login: Option<String>,
    actor_name: Option<String>,
    api_key_prefix: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    organization_id: Option<OrganizationId>,
    organization_name: Option<String>,
    ip: Option<String>,
    details: serde_json::Value,
}

fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    qb.push(" WHERE a.created_at >= ").push_bind(f.from).push("::date::timestamptz");
    if let Some(to) = f.to {
        qb.push(" AND a.created_at < (").push_bind(to).push("::date + 1)::timestamptz");
    }
    if let Some(login) = &f.actor {
        qb.push(" AND a.actor_user_id = (SELECT id FROM users WHERE lower(login) = lower(")
            .push_bind(login.clone())
            .push("))");
    }
    match f.action.as_deref() {
        Some(family) if family.ends_with('.') => {
            let like = format!("{}%", family.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            qb.push(" AND a.action LIKE ").push_bind(like);
        }
        Some(action) => {
            qb.push(" AND a.action = ").push_bind(action.to_owned());
        }
        None => {}
    }
    if let Some(org) = f.organization {
        qb.push(" AND a.organization_id = ").push_bind(org);
    }
}

struct Filter {
    actor: Option<String>,
    action: Option<String>,
    organization: Option<OrganizationId>,
    from: time::Date,
    /// No end: up to now.
    to: Option<time::Date>,
}

fn text(value: Option<&str>, field: &str) -> Result<Option<String>, ApiError> {
    let v = value.map(str::trim).filter(|v| !v.is_empty());
    if v.is_some_and(|v| v.chars().count() > 100) {
        return Err(invalid(field, &format!("{field} is at most 100 characters")));
    }
    Ok(v.map(str::to_owned))
}

pub async fn list(
    state: web::Data<AppState>,
    AdminUser(s): AdminUser,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let tz = s.user.time_zone.clone();
    let today = params::today(&state, &tz).await?;
    let from =
        q.from.as_deref().map(|v| params::date(v, "from")).transpose()?.unwrap_or(today - time::Duration::days(30));
    let to = q.to.as_deref().map(|v| params::date(v, "to")).transpose()?;
    if to.is_some_and(|to| to < from) {
        return Err(invalid("to", "to must not be before from"));
    }
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(invalid("per_page", "per_page is 1-200"));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 || page > (COUNT_CAP as u32).div_ceil(per_page) {
        return Err(invalid("page", "page is out of range"));
    }
    let f = Filter {
        actor: text(q.actor.as_deref(), "actor")?,
        action: text(q.action.as_deref(), "action")?,
        organization: q.organization_id,
        from,
        to,
    };
    let mut tx = in_zone(&state.db, &tz).await?;
    let mut count = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM audit_log a");
    push_filters(&mut count, &f);
    count.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") c");
    let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
    let mut qb = QueryBuilder::new(
        "SELECT a.id, a.created_at, to_char(a.created_at, 'DD.MM.YYYY HH24:MI:SS') AS at_local, a.action,
                u.login AS actor_login, u.full_name AS actor_name, k.prefix AS api_key_prefix, a.target_type, a.target_id,
                a.organization_id, o.name AS organization_name, host(a.ip) AS ip, a.details
           FROM audit_log a
           LEFT JOIN users u ON u.id = a.actor_user_id
           LEFT JOIN api_keys k ON k.id = a.actor_api_key_id
           LEFT JOIN organizations o ON o.id = a.organization_id",
    );
    push_filters(&mut qb, &f);
    qb.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ")
        .push_bind(i64::from(per_page))
        .push(" OFFSET ")
        .push_bind(i64::from(page - 1) * i64::from(per_page));
    let rows: Vec<Row> = qb.build_query_as().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let data = rows
        .into_iter()
        .map(|r| AuditEntryView {
            id: r.id,
            created_at: r.created_at,
            at_local: r.at_local,
            action: r.action,
            actor: match (r.actor_login, r.api_key_prefix) {
                (Some(login), _) => Some(format!("{login} ({})", r.actor_name.unwrap_or_default())),
                (None, Some(prefix)) => Some(format!("{prefix}…")),
                (None, None) => None,
            },
            target_type: r.target_type,
            target_id: r.target_id,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
            ip: r.ip,
            details: r.details,
        })
        .collect();
    Ok(HttpResponse::Ok().json(AuditPage {
        data,
        page,
        per_page,
        total: total.min(COUNT_CAP) as u64,
        total_capped: total > COUNT_CAP,
    }))
}
