//! The HubSpot dialect: HubSpot's CRM v3 objects API (`/crm/v3/objects/...`) over crmd's
//! engine, so that HubSpot's official SDKs work against crmd by changing only their base
//! URL.
//!
//! Covered: the objects API (get, list with `limit` and `after`, create, update, archive,
//! with `properties`, `propertiesWithHistory`, `archived` and `idProperty`) and the batch
//! API (read, create, update, upsert, archive), and the search API (`filterGroups` with
//! every operator, `query`, one sort, offset paging with `total`) for contacts, companies, deals, notes,
//! tasks, meetings, tickets, calls, emails, products, line items and custom objects (by name,
//! `2-<n>` objectTypeId or fully qualified name); merges (a merged-away id reads as its
//! survivor) and GDPR delete (a purge of the contact with its history). Keys are crmd keys
//! sent as `Authorization: Bearer`; a 403 names HubSpot's scopes. Property values are
//! strings, encoded as HubSpot encodes them; compound crmd values are split into HubSpot's
//! properties (`firstname` + `lastname`, `address` … `country`). Every response carries
//! HubSpot's rate-limit headers, and the `vendor` limits profile enforces HubSpot's limits
//! (`rate_limit.rs`).
//!
//! Associations: `associations` on creates and reads, the v4 record, batch and labels
//! endpoints, and the v3 batch, types and per-object endpoints, over crmd's relationships
//! (`associations.rs` maps HubSpot's typeIds and v3 names). The writes of one request
//! commit in one transaction.
//!
//! Owners: the owners API (`/crm/v3/owners`) over crmd's members, and `hubspot_owner_id`
//! over each type's owner relationship (owner id = member record id).
//!
//! Left out, answering 501: the properties, schemas and pipelines APIs and changes to
//! association labels. HubSpot types crmd has no model for (quotes, invoices, leads…)
//! answer 501 naming the type.
//! `docs/dialects/hubspot.md` lists every endpoint and every choice made where HubSpot
//! documents no behaviour.

mod associations;
mod convert;
mod error;
mod filter;
mod handlers;
mod object_types;
mod properties;
mod rate_limit;
mod resources;
mod routes;
mod scopes;
mod wire;

pub use routes::route_table;
pub use scopes::crmd_permissions;

use crmd_http::AppState;
use std::sync::Arc;

/// Every HubSpot route of the dialect, to merge into crmd's router, behind the dialect's
/// rate limits (of `state`'s limits profile).
pub fn router(state: &Arc<AppState>) -> axum::Router<Arc<AppState>> {
    let limits = (state.clone(), rate_limit::limits(state));
    routes::router().layer(axum::middleware::from_fn_with_state(limits, rate_limit::limit))
}
