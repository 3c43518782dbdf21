#!/usr/bin/env python3
"""Bytes on disk per record, from SQLite's dbstat virtual table (the pages each table and index
uses), read through Python's sqlite3 module with the database opened read-only.

  crmd --data DIR --slug vehicles
      the type's record table r_<object type id> and its indexes; crmd's registry of all
      records (`records`, one row per record of any type, and its index), counted pro rata;
      and, separately, the field history and the change log (`field_history`, `changes`).
  pb --db pb_data/data.db --table vehicles
      the collection's table and its indexes (PocketBase's only per-record storage).

If this sqlite3 module lacks dbstat, it falls back to `PRAGMA page_count` x `page_size` of the
whole file, and says so in "method". Prints one JSON line.
"""
import argparse
import glob
import json
import os
import sqlite3


def connect(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def has_dbstat(c):
    try:
        c.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False


def table_bytes(c, table):
    """Bytes used by a table and every index on it."""
    return c.execute(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN "
        "(SELECT name FROM sqlite_master WHERE tbl_name = ?)", (table,)).fetchone()[0]


def rows(c, table):
    return c.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def file_sizes(path):
    return {suffix or "db": os.path.getsize(path + suffix) if os.path.exists(path + suffix) else 0
            for suffix in ("", "-wal")}


def crmd(args):
    for path in sorted(glob.glob(os.path.join(args.data, "workspaces", "*.db"))):
        c = connect(path)
        body = json.loads(c.execute("SELECT body FROM _schema").fetchone()[0])
        types = [t for t in body["object_types"] if t["slug"] == args.slug]
        if types:
            break
    else:
        raise SystemExit(f"no workspace in {args.data} has the type {args.slug!r}")
    table = "r_" + types[0]["id"]
    assert c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0] == 1
    n = rows(c, table)
    out = {"kind": "bytes", "server": "crmd", "db": path, "table": table, "rows": n,
           "indexes": [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))],
           "files": file_sizes(path)}
    if has_dbstat(c):
        all_records = rows(c, "records")
        out.update({
            "method": "dbstat",
            "table_bytes": table_bytes(c, table),
            "registry_bytes_share": round(table_bytes(c, "records") * n / all_records) if all_records else 0,
            "history_bytes": table_bytes(c, "field_history"),
            "history_rows": rows(c, "field_history"),
            "changes_bytes": table_bytes(c, "changes"),
            "changes_rows": rows(c, "changes"),
            "all_records": all_records,
        })
    else:
        pages, size = c.execute("PRAGMA page_count").fetchone()[0], c.execute("PRAGMA page_size").fetchone()[0]
        out.update({"method": "page_count (whole file, history included)", "table_bytes": pages * size,
                    "registry_bytes_share": 0, "history_bytes": None, "changes_bytes": None})
    out["bytes_per_record"] = round((out["table_bytes"] + out["registry_bytes_share"]) / n, 1) if n else None
    out["table_bytes_per_record"] = round(out["table_bytes"] / n, 1) if n else None
    if out.get("history_bytes") is not None and n:
        out["history_bytes_per_record"] = round(out["history_bytes"] / n, 1)
        out["changes_bytes_per_record"] = round(out["changes_bytes"] / n, 1)
    return out


def pb(args):
    c = connect(args.db)
    n = rows(c, args.table)
    out = {"kind": "bytes", "server": "pb", "db": args.db, "table": args.table, "rows": n,
           "indexes": [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (args.table,))],
           "files": file_sizes(args.db)}
    aux = os.path.join(os.path.dirname(args.db), "auxiliary.db")
    out["auxiliary_db_bytes"] = os.path.getsize(aux) if os.path.exists(aux) else 0
    if has_dbstat(c):
        out.update({"method": "dbstat", "table_bytes": table_bytes(c, args.table)})
    else:
        pages, size = c.execute("PRAGMA page_count").fetchone()[0], c.execute("PRAGMA page_size").fetchone()[0]
        out.update({"method": "page_count (whole file)", "table_bytes": pages * size})
    out["bytes_per_record"] = round(out["table_bytes"] / n, 1) if n else None
    out["table_bytes_per_record"] = out["bytes_per_record"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="server", required=True)
    a = sub.add_parser("crmd")
    a.add_argument("--data", required=True)
    a.add_argument("--slug", default="vehicles")
    b = sub.add_parser("pb")
    b.add_argument("--db", required=True)
    b.add_argument("--table", default="vehicles")
    ap.add_argument("--stage", default="after_load")
    args = ap.parse_args()
    out = crmd(args) if args.server == "crmd" else pb(args)
    out["stage"] = args.stage
    print(json.dumps(out))


if __name__ == "__main__":
    main()
