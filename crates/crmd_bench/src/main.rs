//! `crmd-limits`: what this machine can do without crmd, so that `bench/run` can show each
//! crmd figure as a fraction of it.
//!
//! - `crmd-limits sqlite` measures raw SQLite through rusqlite on the table layout crmd uses
//!   for the benchmark's `vehicles` type, and prints one JSON line.
//! - `crmd-limits axum` serves a bare axum handler that returns a record-sized JSON, for wrk.
//!
//! Every loop is bounded by a count and by a time.

mod http;
mod sqlite;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "crmd-limits",
    about = "The machine's limits: raw SQLite and a bare axum handler"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Raw SQLite (WAL) on crmd's layout of the `vehicles` type; prints one JSON line.
    Sqlite(sqlite::Args),
    /// A bare axum handler returning a record-sized JSON at `GET /rec`.
    Axum(http::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Sqlite(args) => sqlite::run(&args),
        Command::Axum(args) => http::run(&args),
    }
}
