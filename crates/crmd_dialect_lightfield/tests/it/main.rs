//! HTTP tests of the Lightfield dialect through crmd's whole router, in process.

mod support;

mod activities;
mod auth;
mod custom_objects;
mod errors;
mod filters;
mod history;
mod idempotency;
mod merge;
mod paging;
mod pipelines;
mod properties;
mod rate_limits;
mod records;
mod routes;
mod wire;
