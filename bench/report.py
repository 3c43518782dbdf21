#!/usr/bin/env python3
"""Summarize a bench/run results.jsonl: medians of the runs, crmd/PocketBase ratios, crmd as a
fraction of the machine's limits, memory, bytes on disk, and the targets of issue 3.

usage: report.py results.jsonl --md report.md --json report.json [--check]

--check exits non-zero unless every workload ran against both servers and produced numbers,
both servers hold the same records, and no run answered anything but 2xx. It asserts nothing
about speed. Socket errors are flagged in the report but do not fail the check.
"""
import argparse
import json
import statistics
import sys

# (workload id, what, conns) in report order
WORKLOADS = [
    ("W1_c1", "W1 single create", 1),
    ("W1_c32", "W1 single create", 32),
    ("W2_c1", "W2 get by id", 1),
    ("W2_c32", "W2 get by id", 32),
    ("W3_first_c1", "W3 list with total, first page", 1),
    ("W3_first_c8", "W3 list with total, first page", 8),
    ("W3_deep_c1", "W3 list with total, deep page", 1),
    ("W3_deep_c8", "W3 list with total, deep page", 8),
    ("W4_c32", "W4 update one field", 32),
    ("W5_c8", "W5 batch create, 100 per call", 8),
]
CONTEXT = [
    ("W3name_first_c1", "issue's W3 (sort=name, 50 per page, total), first page", 1),
    ("W3name_first_c8", "issue's W3 (sort=name, 50 per page, total), first page", 8),
    ("W3name_deep_c1", "issue's W3 (sort=name, 50 per page, total), deep page", 1),
]
NOT_OFFERED = [
    ("W6", "W6 full-text search"),
]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_rps(v):
    return "—" if v is None else f"{v:,.0f}"


def fmt_ms(v):
    if v is None:
        return "—"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def fmt_x(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f}×"


def fmt_pct(v):
    return "—" if v is None else f"{100 * v:.0f}%" if v >= 0.1 else f"{100 * v:.1f}%"


def plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


def summarize(runs):
    """Median over the runs of one workload against one server."""
    if not runs:
        return None
    return {
        "runs": len(runs),
        "rps": med([r["rps"] for r in runs]),
        "rps_runs": [r["rps"] for r in runs],
        "p50_ms": med([r["p50_ms"] for r in runs]),
        "p99_ms": med([r["p99_ms"] for r in runs]),
        "p99_runs": [r["p99_ms"] for r in runs],
        "server_cpu_cores": med([r.get("server_cpu_cores") for r in runs]),
        "wrk_cpu_cores": med([r.get("wrk_cpu_cores") for r in runs]),
        "machine_busy_pct": med([r.get("machine_busy_pct") for r in runs]),
        "busy_before_pct": [r.get("busy_before_pct") for r in runs],
        "requests": sum(r["requests"] or 0 for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": sum(sum(r["socket_errors"].values()) for r in runs),
        "runs_with_errors": sum(1 for r in runs if r["errors"]),
        "bodies_reused": any(r.get("bodies_per_thread") and r["requests"] and
                             r["requests"] > r["bodies_per_thread"] * r["threads"] for r in runs),
    }


def ratio(a, b):
    return a / b if a is not None and b else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    rows = [json.loads(line) for line in open(a.results) if line.strip()]
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r.get("kind"), []).append(r)
    meta = (by_kind.get("meta") or [{}])[0]
    wrk = by_kind.get("wrk", [])

    def runs_of(wl, server):
        return [r for r in wrk if r["workload"] == wl and r["server"] == server]

    sql = {r["synchronous"].lower(): r for r in by_kind.get("limits_sqlite", [])}
    full, normal = sql.get("full", {}), sql.get("normal", {})
    axum = {c: summarize(runs_of(f"axum_c{c}", "axum")) for c in (1, 32)}

    def limit_for(wl, crmd):
        """(fraction, what the limit is) for a crmd median."""
        if crmd is None:
            return None, None
        if wl.startswith("W1") or wl.startswith("W4"):
            lim = full.get("single_row_commits_per_s")
            return ratio(crmd["rps"], lim), (f"raw SQLite single-row durable commits ({fmt_rps(lim)}/s; "
                                             f"{fmt_rps(full.get('group32_commit_rows_per_s'))} rows/s in 32-row commits)")
        if wl.startswith("W5"):
            lim = full.get("insert_1tx_rows_per_s")
            return (ratio(crmd["rps"] * 100, lim) if crmd["rps"] else None,
                    f"raw SQLite rows inserted in one transaction ({fmt_rps(lim)} rows/s; crmd: 100 × req/s)")
        if wl.startswith("W2"):
            c = 1 if wl.endswith("_c1") else 32
            lim = axum[c]["rps"] if axum.get(c) else None
            return ratio(crmd["rps"], lim), f"bare axum handler, {c} conn ({fmt_rps(lim)} req/s)"
        if wl.startswith("W3"):
            page = "first" if "_first_" in wl else "deep"
            lim_ms = full.get(f"w3_{page}_with_total_ms")
            if wl.endswith("_c1"):
                return ratio(lim_ms, crmd["p50_ms"]), f"raw query p50 vs crmd p50 ({fmt_ms(lim_ms)} ms)"
            qps = 1000 / lim_ms if lim_ms else None
            return ratio(crmd["rps"], qps), f"raw query, 1 thread ({fmt_rps(qps)}/s)"
        return None, None

    table = []
    for wl, what, conns in WORKLOADS:
        crmd, pb = summarize(runs_of(wl, "crmd")), summarize(runs_of(wl, "pb"))
        frac, lim = limit_for(wl, crmd)
        table.append({"workload": wl, "what": what, "conns": conns, "crmd": crmd, "pb": pb,
                      "ratio_rps": ratio(crmd and crmd["rps"], pb and pb["rps"]),
                      "ratio_p50_pb_over_crmd": ratio(pb and pb["p50_ms"], crmd and crmd["p50_ms"]),
                      "fraction_of_limit": frac, "limit": lim})
    context = [{"workload": wl, "what": what, "conns": conns, "pb": summarize(runs_of(wl, "pb"))}
               for wl, what, conns in CONTEXT]

    rss = {r["server"]: r for r in by_kind.get("rss", [])}
    bytes_after = {r["server"]: r for r in by_kind.get("bytes", []) if r.get("stage") == "after_load"}
    bytes_end = {r["server"]: r for r in by_kind.get("bytes", []) if r.get("stage") == "end"}
    loads = {r["target"]: r for r in by_kind.get("load", [])}
    check = (by_kind.get("check") or [{}])[0]
    pages = (by_kind.get("list_pages") or [{}])[0]
    prechecks = by_kind.get("precheck", [])
    written = (by_kind.get("written") or [{}])[0]
    logs = (by_kind.get("logs") or [{}])[0]
    idle = (by_kind.get("rss_idle") or [{}])[0]

    def row(wl):
        return next(t for t in table if t["workload"] == wl)

    # ---- the targets of issue 3
    targets = []

    def target(name, met, figure):
        targets.append({"target": name, "status": "met" if met else ("not met" if met is not None else "not measured"),
                        "figure": figure})

    w1 = row("W1_c32")
    target("W1 at 32 connections ≥ 3× PocketBase", w1["ratio_rps"] is not None and w1["ratio_rps"] >= 3,
           f"{fmt_x(w1['ratio_rps'])} ({fmt_rps(w1['crmd'] and w1['crmd']['rps'])} vs {fmt_rps(w1['pb'] and w1['pb']['rps'])} req/s)")
    w2 = row("W2_c32")
    target("W2 at 32 connections ≥ 6× PocketBase", w2["ratio_rps"] is not None and w2["ratio_rps"] >= 6,
           f"{fmt_x(w2['ratio_rps'])} ({fmt_rps(w2['crmd'] and w2['crmd']['rps'])} vs {fmt_rps(w2['pb'] and w2['pb']['rps'])} req/s)")
    target("W2 at 32 connections ≥ 30% of the bare axum handler",
           w2["fraction_of_limit"] is not None and w2["fraction_of_limit"] >= 0.3,
           f"{fmt_pct(w2['fraction_of_limit'])} of {fmt_rps(axum[32] and axum[32]['rps'])} req/s")
    w3 = row("W3_first_c1")
    target("W3 first page: p50 ≥ 10× lower than PocketBase's (newest first, 25 per page, 1 conn)",
           w3["ratio_p50_pb_over_crmd"] is not None and w3["ratio_p50_pb_over_crmd"] >= 10,
           f"{fmt_x(w3['ratio_p50_pb_over_crmd'], 1)} lower ({fmt_ms(w3['crmd'] and w3['crmd']['p50_ms'])} vs {fmt_ms(w3['pb'] and w3['pb']['p50_ms'])} ms)")
    w3d = row("W3_deep_c1")
    deep_vs_first = ratio(w3d["crmd"] and w3d["crmd"]["p50_ms"], w3["crmd"] and w3["crmd"]["p50_ms"])
    target("W3 deep page no slower than the first (crmd p50, 1 conn; within 10%)",
           deep_vs_first is not None and deep_vs_first <= 1.10,
           f"deep {fmt_ms(w3d['crmd'] and w3d['crmd']['p50_ms'])} ms vs first {fmt_ms(w3['crmd'] and w3['crmd']['p50_ms'])} ms ({fmt_x(deep_vs_first)})")
    w4 = row("W4_c32")
    target("W4 ≥ 3× PocketBase", w4["ratio_rps"] is not None and w4["ratio_rps"] >= 3,
           f"{fmt_x(w4['ratio_rps'])} ({fmt_rps(w4['crmd'] and w4['crmd']['rps'])} vs {fmt_rps(w4['pb'] and w4['pb']['rps'])} req/s)")
    w5 = row("W5_c8")
    target("W5 ≥ 8× PocketBase's batch API", w5["ratio_rps"] is not None and w5["ratio_rps"] >= 8,
           f"{fmt_x(w5['ratio_rps'])} ({fmt_rps(w5['crmd'] and w5['crmd']['rps'] * 100)} vs "
           f"{fmt_rps(w5['pb'] and w5['pb']['rps'] * 100)} records/s)")
    c_hwm, p_hwm = rss.get("crmd", {}).get("hwm_kb"), rss.get("pb", {}).get("hwm_kb")
    rss_ratio = ratio(c_hwm, p_hwm)
    target("Peak RSS ≤ 1/5 of PocketBase's", rss_ratio is not None and rss_ratio <= 0.2,
           f"{(c_hwm or 0) / 1024:.0f} MiB vs {(p_hwm or 0) / 1024:.0f} MiB ({fmt_pct(rss_ratio)})")
    cb, pbb = bytes_after.get("crmd", {}), bytes_after.get("pb", {})
    target("Bytes per record (without history) ≤ PocketBase's",
           cb.get("bytes_per_record") is not None and pbb.get("bytes_per_record") is not None
           and cb["bytes_per_record"] <= pbb["bytes_per_record"],
           f"{cb.get('bytes_per_record')} B vs {pbb.get('bytes_per_record')} B "
           f"(crmd's table and indexes alone: {cb.get('table_bytes_per_record')} B)")

    # ---- errors and the check
    flagged = [r for r in wrk if r["errors"]]
    failures = []
    for t in table:
        for s in ("crmd", "pb"):
            m = t[s]
            if not m or not m["rps"] or m["p50_ms"] is None or m["p99_ms"] is None:
                failures.append(f"{t['workload']} {s}: no numbers")
            elif m["non2xx"]:
                failures.append(f"{t['workload']} {s}: {m['non2xx']} non-2xx responses")
    for c in context:
        if not c["pb"] or not c["pb"]["rps"]:
            failures.append(f"{c['workload']} pb: no numbers")
    for c in (1, 32):
        if not axum.get(c) or not axum[c]["rps"]:
            failures.append(f"axum_c{c}: no numbers")
    for s in ("full", "normal"):
        if not sql.get(s, {}).get("single_row_commits_per_s"):
            failures.append(f"raw SQLite ({s}): no numbers")
    for t in ("pb", "crmd"):
        if not loads.get(t, {}).get("complete"):
            failures.append(f"load into {t} incomplete: {loads.get(t)}")
    if not check.get("ok"):
        failures.append(f"the servers do not hold the same records: {check}")
    failures += [f"precheck {p['name']} answered {p['status']}" for p in prechecks if not p["ok"]]
    if not rss.get("crmd", {}).get("hwm_kb") or not rss.get("pb", {}).get("hwm_kb"):
        failures.append("no peak RSS")
    if not cb.get("bytes_per_record") or not pbb.get("bytes_per_record"):
        failures.append("no bytes per record")

    report = {"meta": meta, "workloads": table, "not_offered": [{"workload": w, "what": n} for w, n in NOT_OFFERED],
              "context_pocketbase_only": context, "limits": {"sqlite_full": full, "sqlite_normal": normal, "axum": axum,
                                                             "axum_hwm_kb": rss.get("axum", {}).get("hwm_kb"),
                                                             "axum_body_bytes": rss.get("axum", {}).get("body_bytes")},
              "memory": {"crmd": rss.get("crmd"), "pb": rss.get("pb"), "idle": idle},
              "disk": {"after_load": bytes_after, "end": bytes_end, "logs": logs}, "load": loads, "check": check,
              "list_pages": pages, "written": written, "targets": targets,
              "runs_with_errors": [{k: r[k] for k in ("workload", "server", "rep", "non2xx", "socket_errors")} for r in flagged],
              "check_failures": failures}
    with open(a.json, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")

    # ---- markdown
    L = []
    p = L.append
    smoke = meta.get("mode") == "smoke"
    p(f"# crmd benchmark{' (smoke run: the figures mean nothing)' if smoke else ''}")
    p("")
    p(f"- Taken {meta.get('started_utc')}; crmd at `{meta.get('git_head')}`, built from the {meta.get('built_from', 'working tree')}"
      f"{' (with uncommitted changes)' if meta.get('git_dirty') else ''} with the `{meta.get('profile')}` profile.")
    p(f"- Machine: {meta.get('cpus')} CPUs ({meta.get('cpu_model')}), {round((meta.get('mem_total_kb') or 0) / 1048576, 1)} GiB memory, kernel {meta.get('kernel')}, {meta.get('os')}; "
      f"disk {meta.get('disk', {}).get('device')} ({meta.get('disk', {}).get('fstype')}, {meta.get('disk', {}).get('size')}).")
    p(f"- {meta.get('records'):,} records in each server; median of {meta.get('runs')} run(s) of {meta.get('seconds')} s per workload; wrk (`{meta.get('wrk_version')}`) on the same machine, "
      "`-t1 -c1` for 1 connection and `-t2 -cN` otherwise; every request authenticated.")
    p(f"- crmd: `{meta.get('crmd_version')}`, durability full, Lightfield dialect. PocketBase: `{meta.get('pocketbase_version')}`, defaults (WAL, request log on).")
    p("")
    p("## Workloads")
    p("")
    p("| Workload | Conns | crmd req/s | crmd p50 ms | crmd p99 ms | PocketBase req/s | PB p50 ms | PB p99 ms | crmd/PB (req/s) | crmd vs limit | Limit |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in table:
        c, b = t["crmd"] or {}, t["pb"] or {}
        err = " ⚠" if (c.get("runs_with_errors") or b.get("runs_with_errors")) else ""
        p(f"| {t['what']}{err} | {t['conns']} | {fmt_rps(c.get('rps'))} | {fmt_ms(c.get('p50_ms'))} | {fmt_ms(c.get('p99_ms'))} | "
          f"{fmt_rps(b.get('rps'))} | {fmt_ms(b.get('p50_ms'))} | {fmt_ms(b.get('p99_ms'))} | {fmt_x(t['ratio_rps'])} | "
          f"{fmt_pct(t['fraction_of_limit'])} | {t['limit'] or '—'} |")
    for w, n in NOT_OFFERED:
        p(f"| {n} | — | not offered by crmd's dialects yet | | | | | | | | |")
    p("")
    p(f"W3 is `speed` in [100,130) ({check.get('crmd_matches')} matches in crmd, {check.get('pb_matches')} in PocketBase), newest first "
      f"(PocketBase `sort=-created`), 25 per page, with the total; the deep page is offset {meta.get('deep_offset')} (PocketBase page {meta.get('deep_page')}). "
      f"For W3 at 1 connection, \"crmd vs limit\" is the raw query's p50 over crmd's p50.")
    p("W1 creates into `vehicles_w`; W4 changes `speed` of random records among the sampled ids.")
    p("W5 creates 100 records into `vehicles_w` per request (crmd: HubSpot's `POST /crm/v3/objects/p_vehicles_w/batch/create`; "
      "PocketBase: `POST /api/batch`); its req/s are calls, each of 100 records.")
    p("")
    p("### PocketBase on the issue's exact W3 (context; crmd's dialect has no sort parameter yet)")
    p("")
    p("| Query | Conns | PB req/s | PB p50 ms | PB p99 ms | raw SQLite, name index walk |")
    p("|---|---|---|---|---|---|")
    for c in context:
        b = c["pb"] or {}
        raw = f"{fmt_ms(full.get('by_name_first_with_total_ms'))} ms (first page with total)" if "first" in c["workload"] else "—"
        p(f"| {c['what']} | {c['conns']} | {fmt_rps(b.get('rps'))} | {fmt_ms(b.get('p50_ms'))} | {fmt_ms(b.get('p99_ms'))} | {raw} |")
    p("")
    p("## Memory and disk")
    p("")
    cr, pr = rss.get("crmd", {}), rss.get("pb", {})
    p("| | crmd | PocketBase | crmd/PB |")
    p("|---|---|---|---|")
    p(f"| Peak RSS over the run (VmHWM) | {(cr.get('hwm_kb') or 0) / 1024:.1f} MiB | {(pr.get('hwm_kb') or 0) / 1024:.1f} MiB | {fmt_pct(rss_ratio)} |")
    p(f"| RSS when idle after start | {(idle.get('crmd_kb') or 0) / 1024:.1f} MiB | {(idle.get('pb_kb') or 0) / 1024:.1f} MiB | |")
    p(f"| Bytes per record, without history | {cb.get('bytes_per_record')} | {pbb.get('bytes_per_record')} | {fmt_pct(ratio(cb.get('bytes_per_record'), pbb.get('bytes_per_record')))} |")
    p(f"| of which the record table and its indexes | {cb.get('table_bytes_per_record')} ({plural(len(cb.get('indexes') or []), 'index', 'indexes')}) | {pbb.get('table_bytes_per_record')} ({plural(len(pbb.get('indexes') or []), 'index', 'indexes')}) | |")
    p(f"| Field history per record (after the load) | {cb.get('history_bytes_per_record')} | none | |")
    p(f"| Change log per record (after the load) | {cb.get('changes_bytes_per_record')} | none | |")
    p(f"| Request log | crmd.log, {(logs.get('crmd_log_bytes') or 0) / 1e6:.1f} MB | auxiliary.db, {(logs.get('pb_auxiliary_db_bytes') or 0) / 1e6:.1f} MB | |")
    p("")
    p("Bytes come from SQLite's dbstat right after the load. crmd's figure is its record table with its indexes plus its share of the "
      "registry of all records (`records`); PocketBase's is its collection table with its indexes.")
    p("")
    p("## Loading the records")
    p("")
    p("| Server | How | Records | Records/s | Call p50 ms | Call p99 ms | Errors |")
    p("|---|---|---|---|---|---|---|")
    crmd_procs = loads.get("crmd", {}).get("processes", 1)
    for t, how in (("pb", "batch API, 100 per call, 1 client"),
                   ("crmd", f"single creates, 32 connections (Python httpx, {plural(crmd_procs, 'process', 'processes')})")):
        ld = loads.get(t, {})
        p(f"| {'crmd' if t == 'crmd' else 'PocketBase'} | {how} | {ld.get('records_ok')} | {fmt_rps(ld.get('records_per_s'))} | "
          f"{fmt_ms(ld.get('call_p50_ms'))} | {fmt_ms(ld.get('call_p99_ms'))} | {ld.get('errors')} |")
    p("")
    p("The loader for crmd is a Python client, which spends more CPU per request than crmd does: it, not crmd, "
      "sets crmd's loading rate (W1 is crmd's create rate).")
    p("")
    p("## The machine's limits")
    p("")
    p(f"Raw SQLite {full.get('sqlite_version')} through rusqlite, WAL, on crmd's layout of `vehicles` (integer key, 9 partial indexes), {full.get('rows_loaded')} rows:")
    p("")
    p("| | synchronous=FULL (crmd's durability) | synchronous=NORMAL |")
    p("|---|---|---|")
    for k, n in (("single_row_commits_per_s", "single-row commits/s"), ("group32_commit_rows_per_s", "rows/s in commits of 32 rows"),
                 ("insert_1tx_rows_per_s", "rows/s inserted in one transaction"), ("pk_lookups_per_s", "primary-key lookups/s (1 thread)"),
                 ("w3_first_with_total_ms", "W3 first page + total, ms"), ("w3_deep_with_total_ms", "W3 deep page + total, ms"),
                 ("w3_total_ms", "W3 total alone, ms"), ("by_name_first_with_total_ms", "issue's W3 by name + total, ms"),
                 ("w3_first_with_total_covering_ms", "what-if: W3 first page + total, page index on (created_at, id, speed), ms"),
                 ("w3_deep_with_total_covering_ms", "what-if: W3 deep page + total, page index on (created_at, id, speed), ms"),
                 ("bytes_per_row", "bytes per row (table + indexes)")):
        f_, n_ = full.get(k), normal.get(k)
        if f_ is None and n_ is None:
            continue
        fm = fmt_ms if k.endswith("_ms") else (lambda v: "—" if v is None else f"{v:,.1f}" if k == "bytes_per_row" else fmt_rps(v))
        p(f"| {n} | {fm(f_)} | {fm(n_)} |")
    p("")
    p(f"Plans: page `{full.get('w3_plan')}`; total `{full.get('w3_total_plan')}`.")
    if full.get("covering_page_plan"):
        p(f"What-if plan (an index crmd does not have): page `{full.get('covering_page_plan')}`.")
    p("")
    a1, a32 = axum.get(1) or {}, axum.get(32) or {}
    p(f"Bare axum handler returning {rss.get('axum', {}).get('body_bytes')} bytes of JSON: {fmt_rps(a1.get('rps'))} req/s at 1 connection "
      f"(p50 {fmt_ms(a1.get('p50_ms'))} ms), {fmt_rps(a32.get('rps'))} req/s at 32 (p50 {fmt_ms(a32.get('p50_ms'))} ms, p99 {fmt_ms(a32.get('p99_ms'))} ms); "
      f"peak RSS {(rss.get('axum', {}).get('hwm_kb') or 0) / 1024:.1f} MiB.")
    p("")
    p("## Targets (issue 3)")
    p("")
    p("| Target | Status | Figure |")
    p("|---|---|---|")
    for t in targets:
        p(f"| {t['target']} | {t['status']} | {t['figure']} |")
    p("")
    p("## Where the time goes")
    p("")
    p("CPU used during each run (median), in cores out of the machine's "
      f"{meta.get('cpus')}: the server's own, wrk's, and the whole machine's busy share.")
    p("")
    p("| Workload | Conns | crmd cores | wrk cores (vs crmd) | busy % | PB cores | wrk cores (vs PB) | busy % |")
    p("|---|---|---|---|---|---|---|---|")
    for t in table:
        c, b = t["crmd"] or {}, t["pb"] or {}
        p(f"| {t['what']} | {t['conns']} | {c.get('server_cpu_cores')} | {c.get('wrk_cpu_cores')} | {c.get('machine_busy_pct')} | "
          f"{b.get('server_cpu_cores')} | {b.get('wrk_cpu_cores')} | {b.get('machine_busy_pct')} |")
    p(f"| bare axum | 32 | {a32.get('server_cpu_cores')} | {a32.get('wrk_cpu_cores')} | {a32.get('machine_busy_pct')} | | | |")
    p("")
    p("## Errors")
    p("")
    if flagged:
        p("Runs that answered anything but 2xx, or had socket errors (marked ⚠ above):")
        p("")
        for r in flagged:
            p(f"- {r['workload']} {r['server']} run {r['rep']}: {r['non2xx']} non-2xx, socket errors {r['socket_errors']}")
    else:
        p("Every run answered 2xx only, with no socket errors.")
    reused = [t["workload"] + " " + s for t in table for s in ("crmd", "pb") if (t[s] or {}).get("bodies_reused")]
    if reused:
        p("")
        p(f"Runs that outlasted their prepared bodies and reused them: {', '.join(reused)}.")
    busy = [b for r in wrk for b in [r.get("busy_before_pct")] if b is not None]
    if busy:
        p("")
        p(f"Machine busy before the runs: {min(busy)}–{max(busy)}% (each run waits, boundedly, for it to drop below 15%).")
        noisy = [f"{r['workload']} {r['server']} run {r['rep']} ({r['busy_before_pct']}%)" for r in wrk if (r.get("busy_before_pct") or 0) >= 15]
        if noisy:
            p(f"Runs that started on a machine busy with other work (≥ 15%): {', '.join(noisy)}.")
    p("")
    p("## Every run (req/s)")
    p("")
    p("| Workload | Conns | crmd runs | PocketBase runs |")
    p("|---|---|---|---|")
    for t in table:
        c, b = t["crmd"] or {}, t["pb"] or {}
        p(f"| {t['what']} | {t['conns']} | {' / '.join(fmt_rps(x) for x in c.get('rps_runs', []))} | {' / '.join(fmt_rps(x) for x in b.get('rps_runs', []))} |")
    for c in (1, 32):
        p(f"| bare axum | {c} | {' / '.join(fmt_rps(x) for x in (axum.get(c) or {}).get('rps_runs', []))} | |")
    if failures:
        p("")
        p("Check failures:")
        p("")
        for f in failures:
            p(f"- {f}")
    with open(a.md, "w") as f:
        f.write("\n".join(L) + "\n")
    if a.check and failures:
        print("report.py: the check failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
