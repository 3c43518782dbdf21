//! HTTP tests of the HubSpot dialect through crmd's whole router, in process.

mod support;

mod associations;
mod batch;
mod errors;
mod gdpr;
mod merge;
mod objects;
mod owners;
mod rate_limits;
mod routes;
mod search;
mod types;
