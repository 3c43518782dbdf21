//! The bare HTTP limit: axum on tokio's multi-threaded runtime, serializing a 12-field
//! record of about 520 bytes of JSON per request, with no authentication and no storage.

use axum::{Json, Router, routing::get};
use serde::Serialize;
use std::time::Duration;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Address and port to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:18182")]
    listen: String,
    /// The server stops by itself after this many seconds.
    #[arg(long, default_value_t = 3600)]
    max_seconds: u64,
}

#[derive(Serialize)]
struct Record {
    id: &'static str,
    collection: &'static str,
    name: &'static str,
    speed: f64,
    brand: &'static str,
    bought: &'static str,
    active: bool,
    owner_email: &'static str,
    created: &'static str,
    updated: &'static str,
    notes: &'static str,
    tags: [&'static str; 4],
}

async fn record() -> Json<Record> {
    Json(Record {
        id: "k3m9x2p7q1w8e5r4",
        collection: "vehicles",
        name: "alpha bravo 123456",
        speed: 187.25,
        brand: "tesla",
        bought: "2021-05-17 00:00:00.000Z",
        active: true,
        owner_email: "user123456@example.com",
        created: "2026-01-01 00:00:00.000Z",
        updated: "2026-01-01 00:00:00.000Z",
        notes: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor \
                incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud \
                exercitation ullamco laboris.",
        tags: ["fleet", "electric", "leased", "priority"],
    })
}

pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let app = Router::new().route("/rec", get(record));
        let listener = tokio::net::TcpListener::bind(&args.listen).await?;
        eprintln!("crmd-limits axum: listening on {}", listener.local_addr()?);
        tokio::select! {
            served = axum::serve(listener, app) => served?,
            () = tokio::time::sleep(Duration::from_secs(args.max_seconds)) => {
                eprintln!("crmd-limits axum: stopping after {} s", args.max_seconds);
            }
        }
        Ok(())
    })
}
