//! The raw SQLite limit, on the layout crmd gives the benchmark's `vehicles` type: an integer
//! primary key, created/updated/trashed timestamps and an external id, one typed column per
//! field, and an index on every indexed column (nine in all), each one partial as crmd makes
//! them (records not in the trash; the external id where there is one), in WAL mode.
//!
//! Steps, in order, each bounded by a count and by `--seconds`:
//! 1. insert `--rows` rows in one transaction with one prepared statement;
//! 2. primary-key lookups reading every column;
//! 3. the benchmark's list query (W3: `speed` in [100,130), newest first, 25 per page, with the
//!    total), walking the `created_at` index, on the first page and at `--deep-offset`;
//! 4. the list query (sorted by name, 50 per page, with the total), walking the name index;
//! 5. a what-if figure for W3 with an index crmd does not have, on (created_at, id, speed) of
//!    live records, so that the pages need no table lookup for rows that do not match or that
//!    the offset skips; dropped afterwards;
//! 6. single-row commits (autocommit inserts), durable as `--synchronous` says;
//! 7. commits of 32 rows each, to show what grouping commits buys.
//!
//! Reads run before the commits, so that they see exactly `--rows` rows.

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::types::Value;
use rusqlite::{Connection, Statement, params};
use serde_json::{Map, json};
use std::io::Write;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Rows loaded before the reads.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// The database file; it and its -wal and -shm files are removed first.
    #[arg(long)]
    db: std::path::PathBuf,
    /// `full` (crmd's default durability) or `normal`.
    #[arg(long, default_value = "full")]
    synchronous: String,
    /// The time bound of each step, in seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// At most this many single-row commits (and as many rows in 32-row commits).
    #[arg(long, default_value_t = 20_000)]
    commits: usize,
    /// At most this many primary-key lookups.
    #[arg(long, default_value_t = 200_000)]
    lookups: usize,
    /// At most this many runs of each list query.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// The offset of the deep page (the benchmark uses 2475, page 100 of 25).
    #[arg(long, default_value_t = 2475)]
    deep_offset: u32,
}

const BRANDS: [&str; 5] = ["audi", "bmw", "fiat", "ford", "tesla"];
const WORDS: [&str; 16] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
    "lima", "mike", "november", "oscar", "papa",
];
/// 2026-01-01T00:00:00Z in milliseconds: the first row's creation time.
const BASE_MS: i64 = 1_767_225_600_000;

const DDL: &str = "
CREATE TABLE vehicles (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  trashed_at INTEGER, external_id TEXT, name TEXT COLLATE NOCASE, speed REAL, brand TEXT,
  bought INTEGER, active INTEGER, owner_email TEXT COLLATE NOCASE);
CREATE INDEX v_created_at ON vehicles (created_at) WHERE trashed_at IS NULL;
CREATE INDEX v_updated_at ON vehicles (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX v_external_id ON vehicles (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX v_name ON vehicles (name) WHERE trashed_at IS NULL;
CREATE INDEX v_speed ON vehicles (speed) WHERE trashed_at IS NULL;
CREATE INDEX v_brand ON vehicles (brand) WHERE trashed_at IS NULL;
CREATE INDEX v_bought ON vehicles (bought) WHERE trashed_at IS NULL;
CREATE INDEX v_active ON vehicles (active) WHERE trashed_at IS NULL;
CREATE INDEX v_owner_email ON vehicles (owner_email) WHERE trashed_at IS NULL;
";

const INSERT: &str = "INSERT INTO vehicles (id, created_at, updated_at, name, speed, brand, bought, active, owner_email) \
                      VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
const COLUMNS: &str =
    "id, created_at, updated_at, trashed_at, external_id, name, speed, brand, bought, active, owner_email";
const FILTER: &str = "speed >= 100 AND speed < 130 AND trashed_at IS NULL";

fn insert_row(statement: &mut Statement<'_>, rng: &mut StdRng, i: usize) -> rusqlite::Result<usize> {
    let id = i64::try_from(i + 1).unwrap_or(i64::MAX);
    let name = format!(
        "{} {} {i}",
        WORDS[rng.random_range(0..WORDS.len())],
        WORDS[rng.random_range(0..WORDS.len())]
    );
    let speed = (rng.random_range(0.0..300.0_f64) * 100.0).round() / 100.0;
    let brand = BRANDS[rng.random_range(0..BRANDS.len())];
    // a date between 2000 and 2025, at midnight UTC
    let bought = 946_684_800_000_i64 + rng.random_range(0..9_490_i64) * 86_400_000;
    let active = rng.random_bool(0.5);
    statement.execute(params![
        id,
        BASE_MS + id,
        name,
        speed,
        brand,
        bought,
        active,
        format!("user{i}@example.com")
    ])
}

/// Reads every column of every row a query returns, as crmd must to answer it.
fn read_all(statement: &mut Statement<'_>, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    let columns = statement.column_count();
    let mut rows = statement.query(params)?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        for column in 0..columns {
            let _: Value = row.get(column)?;
        }
        count += 1;
    }
    Ok(count)
}

fn count(statement: &mut Statement<'_>) -> rusqlite::Result<i64> {
    statement.query_row([], |row| row.get(0))
}

/// Runs `step` up to `max` times or until `limit` has passed; returns the per-run times in
/// milliseconds, sorted.
fn timed(
    max: usize,
    limit: Duration,
    mut step: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Vec<f64>> {
    let start = Instant::now();
    let mut times = Vec::new();
    while times.len() < max && start.elapsed() < limit {
        let t = Instant::now();
        step()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

fn median(sorted: &[f64]) -> f64 {
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn plan(connection: &Connection, sql: &str) -> anyhow::Result<String> {
    let mut statement = connection.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    let details = statement
        .query_map([], |row| row.get::<_, String>(3))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(details.join(" | "))
}

fn bytes_on_disk(connection: &Connection) -> anyhow::Result<(i64, &'static str)> {
    let dbstat = connection.query_row(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN \
         (SELECT name FROM sqlite_master WHERE tbl_name = 'vehicles')",
        [],
        |row| row.get(0),
    );
    match dbstat {
        Ok(bytes) => Ok((bytes, "dbstat")),
        Err(_) => {
            let pages: i64 = connection.query_row("PRAGMA page_count", [], |row| row.get(0))?;
            let size: i64 = connection.query_row("PRAGMA page_size", [], |row| row.get(0))?;
            Ok((pages * size, "page_count"))
        }
    }
}

pub(crate) fn run(args: &Args) -> anyhow::Result<()> {
    let synchronous = match args.synchronous.to_ascii_lowercase().as_str() {
        "full" => "FULL",
        "normal" => "NORMAL",
        other => anyhow::bail!("--synchronous must be full or normal, not {other:?}"),
    };
    let limit = Duration::from_secs_f64(args.seconds);
    for suffix in ["", "-wal", "-shm"] {
        let mut path = args.db.clone().into_os_string();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("removing {path:?}")),
        }
    }
    let connection = Connection::open(&args.db).with_context(|| format!("opening {:?}", args.db))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", synchronous)?;
    connection.execute_batch(DDL)?;
    let mut rng = StdRng::seed_from_u64(7);
    let mut out = Map::new();
    out.insert(
        "label".into(),
        json!(format!("sqlite_{}", synchronous.to_ascii_lowercase())),
    );
    out.insert("sqlite_version".into(), json!(rusqlite::version()));
    out.insert("synchronous".into(), json!(synchronous));
    out.insert("rows".into(), json!(args.rows));

    // 1. one transaction, one prepared statement
    let start = Instant::now();
    let mut loaded = 0;
    {
        let transaction = connection.unchecked_transaction()?;
        {
            let mut statement = transaction.prepare(INSERT)?;
            while loaded < args.rows && start.elapsed() < limit * 6 {
                insert_row(&mut statement, &mut rng, loaded)?;
                loaded += 1;
            }
        }
        transaction.commit()?;
    }
    let seconds = start.elapsed().as_secs_f64();
    out.insert("rows_loaded".into(), json!(loaded));
    out.insert(
        "insert_1tx_rows_per_s".into(),
        json!((loaded as f64 / seconds).round()),
    );
    connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    let (bytes, method) = bytes_on_disk(&connection)?;
    out.insert("table_and_index_bytes".into(), json!(bytes));
    out.insert("bytes_method".into(), json!(method));
    out.insert(
        "bytes_per_row".into(),
        json!(round3(bytes as f64 / loaded.max(1) as f64)),
    );

    // 2. primary-key lookups
    {
        let mut statement = connection.prepare(&format!("SELECT {COLUMNS} FROM vehicles WHERE id = ?1"))?;
        let max_id = i64::try_from(loaded.max(1)).unwrap_or(i64::MAX);
        let start = Instant::now();
        let mut done = 0;
        let mut found = 0;
        while done < args.lookups && start.elapsed() < limit {
            found += read_all(&mut statement, [rng.random_range(1..=max_id)])?;
            done += 1;
        }
        out.insert(
            "pk_lookups_per_s".into(),
            json!((done as f64 / start.elapsed().as_secs_f64()).round()),
        );
        out.insert("pk_found".into(), json!(found));
    }

    // 3. the benchmark's W3: newest first, 25 per page, with the total, walking created_at
    let total_sql = format!("SELECT count(*) FROM vehicles WHERE {FILTER}");
    let newest_sql = format!(
        "SELECT {COLUMNS} FROM vehicles INDEXED BY v_created_at WHERE {FILTER} \
         ORDER BY created_at DESC, id DESC LIMIT 25 OFFSET ?1"
    );
    out.insert(
        "w3_plan".into(),
        json!(plan(&connection, &newest_sql.replace("?1", "0"))?),
    );
    out.insert("w3_total_plan".into(), json!(plan(&connection, &total_sql)?));
    let matches = count(&mut connection.prepare(&total_sql)?)?;
    out.insert("w3_matches".into(), json!(matches));
    for (label, offset) in [("first", 0), ("deep", i64::from(args.deep_offset))] {
        let mut page = connection.prepare(&newest_sql)?;
        let mut total = connection.prepare(&total_sql)?;
        let mut rows = 0;
        let page_only = timed(args.queries, limit / 4, || {
            rows = read_all(&mut page, [offset])?;
            Ok(())
        })?;
        let with_total = timed(args.queries, limit / 4, || {
            read_all(&mut page, [offset])?;
            count(&mut total)?;
            Ok(())
        })?;
        out.insert(format!("w3_{label}_page_ms"), json!(round3(median(&page_only))));
        out.insert(
            format!("w3_{label}_with_total_ms"),
            json!(round3(median(&with_total))),
        );
        out.insert(format!("w3_{label}_rows"), json!(rows));
    }
    let total_times = {
        let mut total = connection.prepare(&total_sql)?;
        timed(args.queries, limit / 4, || {
            count(&mut total)?;
            Ok(())
        })?
    };
    out.insert("w3_total_ms".into(), json!(round3(median(&total_times))));

    // 4. the W3: sorted by name, 50 per page, with the total, walking the name index
    let by_name_sql =
        format!("SELECT {COLUMNS} FROM vehicles INDEXED BY v_name WHERE {FILTER} ORDER BY name LIMIT 50");
    out.insert("by_name_plan".into(), json!(plan(&connection, &by_name_sql)?));
    {
        let mut page = connection.prepare(&by_name_sql)?;
        let mut total = connection.prepare(&total_sql)?;
        let times = timed(args.queries, limit / 4, || {
            read_all(&mut page, [])?;
            count(&mut total)?;
            Ok(())
        })?;
        out.insert(
            "by_name_first_with_total_ms".into(),
            json!(round3(median(&times))),
        );
    }

    // 5. what the layout could do: the pages through an index on (created_at, id, speed) of live
    // records, so that rows that do not match, and rows the offset skips, need no table lookup.
    // Dropped before the commits.
    connection.execute_batch(
        "CREATE INDEX v_created_speed ON vehicles (created_at, id, speed) WHERE trashed_at IS NULL",
    )?;
    let covering_sql = format!(
        "SELECT {COLUMNS} FROM vehicles INDEXED BY v_created_speed WHERE {FILTER} \
         ORDER BY created_at DESC, id DESC LIMIT 25 OFFSET ?1"
    );
    out.insert(
        "covering_page_plan".into(),
        json!(plan(&connection, &covering_sql.replace("?1", "0"))?),
    );
    for (label, offset) in [("first", 0), ("deep", i64::from(args.deep_offset))] {
        let mut page = connection.prepare(&covering_sql)?;
        let mut total = connection.prepare(&total_sql)?;
        let times = timed(args.queries, limit / 4, || {
            read_all(&mut page, [offset])?;
            count(&mut total)?;
            Ok(())
        })?;
        out.insert(
            format!("w3_{label}_with_total_covering_ms"),
            json!(round3(median(&times))),
        );
    }
    connection.execute_batch("DROP INDEX v_created_speed")?;

    // 6. single-row commits
    let mut next = loaded;
    {
        let mut statement = connection.prepare(INSERT)?;
        let start = Instant::now();
        let first = next;
        while next - first < args.commits && start.elapsed() < limit {
            insert_row(&mut statement, &mut rng, next)?;
            next += 1;
        }
        let seconds = start.elapsed().as_secs_f64();
        out.insert(
            "single_row_commits_per_s".into(),
            json!(((next - first) as f64 / seconds).round()),
        );
        out.insert("single_row_commits".into(), json!(next - first));
    }

    // 7. 32 rows per commit
    {
        let start = Instant::now();
        let first = next;
        while next - first < args.commits && start.elapsed() < limit {
            let transaction = connection.unchecked_transaction()?;
            {
                let mut statement = transaction.prepare_cached(INSERT)?;
                for _ in 0..32 {
                    insert_row(&mut statement, &mut rng, next)?;
                    next += 1;
                }
            }
            transaction.commit()?;
        }
        let seconds = start.elapsed().as_secs_f64();
        out.insert(
            "group32_commit_rows_per_s".into(),
            json!(((next - first) as f64 / seconds).round()),
        );
    }

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", serde_json::Value::Object(out))?;
    Ok(())
}
