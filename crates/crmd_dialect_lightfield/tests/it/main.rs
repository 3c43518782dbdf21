//! HTTP tests of the Lightfield dialect through crmd's whole router, in process.

mod support;

mod auth;
mod custom_objects;
mod errors;
mod filters;
mod history;
mod idempotency;
mod paging;
mod rate_limits;
mod records;
mod routes;
mod wire;
