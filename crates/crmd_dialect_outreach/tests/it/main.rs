//! HTTP tests of the Outreach dialect through crmd's whole router, in process.

mod support;

mod errors;
mod reads;
mod routes;
mod writes;
