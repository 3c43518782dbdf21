//! The Lightfield v1 dialect: Lightfield's REST API (`/v1/...`, API version `2026-03-01`)
//! over crmd's engine, so that Lightfield's official SDKs work against crmd by changing
//! only their base URL.
//!
//! Covered: `GET /v1/auth/validate`; accounts, contacts and opportunities (create, list
//! with filters and trash status, definitions, retrieve, update, trash, restore, field
//! history); notes, tasks and meetings (the same without history); lists with their
//! membership pages; members (read-only); custom objects under `/v1/objects` (the same
//! operations as accounts, and the list of custom object types).
//! Record ids are crmd's decimal record ids as strings (`"17"`); crmd's DATE fields read as
//! DATETIME values at midnight UTC.
//!
//! Left out, answering 501 `not_implemented`: emails, files, sequences, senders, channels,
//! messages, enrichment and workflow runs. `Idempotency-Key` is honoured on POST writes
//! (`handlers::idempotency`); every response carries Lightfield's rate-limit headers, and the
//! vendor limits profile enforces Lightfield's rates (`rate_limit`).
//! `docs/dialects/lightfield.md` lists every endpoint and every choice made where
//! Lightfield documents no behaviour.

mod convert;
mod error;
mod filter;
mod handlers;
mod rate_limit;
mod resources;
mod routes;
mod wire;

pub use routes::route_table;

use crmd_http::AppState;
use std::sync::Arc;

/// Every `/v1` route of the dialect, to merge into crmd's router, behind the dialect's rate
/// limits (of `state`'s limits profile).
pub fn router(state: &Arc<AppState>) -> axum::Router<Arc<AppState>> {
    let limits = (state.clone(), rate_limit::limiter(state));
    routes::router().layer(axum::middleware::from_fn_with_state(limits, rate_limit::limit))
}
