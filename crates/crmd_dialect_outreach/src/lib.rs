//! The Outreach dialect: Outreach's API v2 (`/api/v2/...`, JSON:API 1.0) over crmd's
//! engine, so that JSON:API clients written for Outreach work against crmd by changing only
//! their base URL.
//!
//! Covered: `prospects` (crmd contacts), `accounts`, `opportunities` (list, get, create,
//! update, delete) and `users` (crmd members, read-only): JSON:API documents with integer
//! ids, `attributes` named as Outreach names them, to-one relationships with linkage and
//! to-many relationships as `related` links to a filtered collection, `links.self`; the
//! classic filter syntax (equality, comma lists, `..` ranges with open ends, `__null__` and
//! `__notnull__`, relationship ids), multi-key `sort`, cursor paging (`page[size]`,
//! `page[after]`, `page[before]`), `count=true`, sparse fieldsets and a one-level
//! `include`. Every response is `application/vnd.api+json`; requests follow JSON:API's 415
//! and 406 rules. Keys are crmd keys sent as `Authorization: Bearer`; a 403 names
//! Outreach's scope (`prospects.read`).
//!
//! Left out: custom objects, `/api/v2/schema`, the `newFilterSyntax` and offset paging,
//! `filter[q]`, relationship filters on attributes other than `id`, and Outreach's other
//! resources (sequences, mailings, tasks…), which answer 404.
//! `docs/dialects/outreach.md` lists every endpoint and every choice made where Outreach
//! documents no behaviour.

mod attributes;
mod convert;
mod error;
mod filter;
mod handlers;
mod negotiation;
mod resources;
mod routes;
mod scopes;
mod wire;

pub use routes::route_table;
pub use scopes::crmd_permissions;

use crmd_http::AppState;
use std::sync::Arc;

/// Every Outreach route of the dialect, to merge into crmd's router.
pub fn router() -> axum::Router<Arc<AppState>> {
    routes::router()
}
