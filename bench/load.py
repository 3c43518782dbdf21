#!/usr/bin/env python3
"""Load the benchmark's generated records into one server, and write the ids it got back.

Both servers get the same records: record i comes from one seeded generator (seed 7), the
same one for both; only the spelling of the date differs (PocketBase "2021-05-17 00:00:00.000Z",
crmd RFC 3339 "2021-05-17T00:00:00.000Z").

  pb    PocketBase's batch API, POST /api/batch with --batch records per call (1 client thread).
  crmd  single creates, POST /v1/objects/<slug>/values, from --concurrency asyncio tasks over as
        many connections, spread over --processes Python processes (crmd's Lightfield dialect has
        no batch endpoint; one Python process cannot send more than about 400 creates/s).

Every body is generated and JSON-encoded before the clock starts. The load is bounded by
--total records and by --max-seconds. Prints one JSON line: records/s, call latency p50/p99,
errors and the first error.
"""
import argparse
import asyncio
import json
import multiprocessing
import random
import sys
import threading
import time

import httpx

BRANDS = ["audi", "bmw", "fiat", "ford", "tesla"]
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa".split()


def record(i, rnd, datestyle):
    y, m, d = rnd.randrange(26), rnd.randrange(1, 13), rnd.randrange(1, 29)
    sep = "T" if datestyle == "crmd" else " "
    return {
        "name": f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}",
        "speed": round(rnd.uniform(0, 300), 2),
        "brand": rnd.choice(BRANDS),
        "bought": f"20{y:02d}-{m:02d}-{d:02d}{sep}00:00:00.000Z",
        "active": rnd.random() < 0.5,
        "owner_email": f"user{i}@example.com",
    }


def records(total, seed, datestyle):
    # the generator draws in the same order whatever the date style, so both servers get the same values
    rnd = random.Random(seed)
    return [record(i, rnd, datestyle) for i in range(total)]


def summary(args, done, calls, errors, first_error, lat, seconds):
    lat.sort()
    return {
        "kind": "load", "target": args.target, "collection": args.collection, "records_ok": done,
        "calls": calls, "errors": errors, "first_error": first_error, "seconds": round(seconds, 3),
        "records_per_s": round(done / seconds, 1) if seconds else None,
        "concurrency": args.concurrency, "batch": args.batch if args.target == "pb" else 1,
        "call_p50_ms": round(lat[len(lat) // 2] * 1000, 2) if lat else None,
        "call_p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, 2) if lat else None,
        "complete": done == args.total,
    }


def load_pb(args):
    recs = records(args.total, args.seed, "pb")
    path = f"/api/collections/{args.collection}/records"
    bodies = []
    for b0 in range(0, len(recs), args.batch):
        chunk = recs[b0:b0 + args.batch]
        payload = {"requests": [{"method": "POST", "url": path, "body": r} for r in chunk]}
        bodies.append(json.dumps(payload).encode())
    headers = {"Content-Type": "application/json", "Authorization": args.auth}
    lock = threading.Lock()
    state = {"next": 0, "done": 0, "calls": 0, "errors": 0, "first_error": None}
    lat, ids = [], []
    deadline = time.monotonic() + args.max_seconds

    def worker():
        with httpx.Client(base_url=args.url, headers=headers, timeout=120) as c:
            while time.monotonic() < deadline:
                with lock:
                    if state["next"] >= len(bodies):
                        return
                    body = bodies[state["next"]]
                    state["next"] += 1
                t = time.perf_counter()
                try:
                    r = c.post("/api/batch", content=body)
                    status, text = r.status_code, r.text
                except httpx.HTTPError as e:
                    status, text = None, repr(e)
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)
                    state["calls"] += 1
                    if status == 200:
                        results = json.loads(text)
                        for res in results:
                            if res.get("status") == 200:
                                ids.append(res["body"]["id"])
                                state["done"] += 1
                            else:
                                state["errors"] += 1
                                state["first_error"] = state["first_error"] or json.dumps(res)[:300]
                    else:
                        state["errors"] += 1
                        state["first_error"] = state["first_error"] or f"{status} {text[:300]}"

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return ids, summary(args, state["done"], state["calls"], state["errors"], state["first_error"], lat, seconds)


async def crmd_worker_async(args, bodies, concurrency, deadline):
    """One process's share: `concurrency` asyncio tasks over as many connections."""
    path = f"/v1/objects/{args.collection}/values"
    headers = {"Content-Type": "application/json", "Authorization": args.auth, "Lightfield-Version": args.version}
    state = {"next": 0, "done": 0, "calls": 0, "errors": 0, "first_error": None}
    lat, ids = [], []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=args.url, headers=headers, timeout=60, limits=limits) as c:
        async def worker():
            while time.monotonic() < deadline and state["next"] < len(bodies):
                body = bodies[state["next"]]
                state["next"] += 1
                t = time.perf_counter()
                try:
                    r = await c.post(path, content=body)
                    status, text = r.status_code, r.text
                except httpx.HTTPError as e:
                    status, text = None, repr(e)
                lat.append(time.perf_counter() - t)
                state["calls"] += 1
                if status == 200:
                    ids.append(json.loads(text)["id"])
                    state["done"] += 1
                else:
                    state["errors"] += 1
                    state["first_error"] = state["first_error"] or f"{status} {text[:300]}"

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ids, lat, state


def crmd_process(args, bodies, concurrency, deadline, conn):
    conn.send(asyncio.run(crmd_worker_async(args, bodies, concurrency, deadline)))
    conn.close()


def load_crmd(args):
    """Single creates from --processes processes (one Python process saturates near 400 creates/s),
    sharing --concurrency connections; every body is encoded before the clock starts."""
    recs = records(args.total, args.seed, "crmd")
    bodies = [json.dumps({"fields": r}).encode() for r in recs]
    procs = max(1, min(args.processes, args.concurrency))
    shares = [bodies[k::procs] for k in range(procs)]
    conc = [args.concurrency // procs + (1 if k < args.concurrency % procs else 0) for k in range(procs)]
    ctx = multiprocessing.get_context("fork")
    t0 = time.perf_counter()
    deadline = time.monotonic() + args.max_seconds
    running = []
    for k in range(procs):
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=crmd_process, args=(args, shares[k], conc[k], deadline, child))
        p.start()
        running.append((p, parent))
    ids, lat = [], []
    done = calls = errors = 0
    first_error = None
    for p, parent in running:
        try:
            part_ids, part_lat, state = parent.recv()
        except EOFError:
            part_ids, part_lat, state = [], [], {"done": 0, "calls": 0, "errors": 1, "first_error": "loader process died"}
        p.join()
        ids += part_ids
        lat += part_lat
        done += state["done"]
        calls += state["calls"]
        errors += state["errors"]
        first_error = first_error or state["first_error"]
    seconds = time.perf_counter() - t0
    out = summary(args, done, calls, errors, first_error, lat, seconds)
    out["processes"] = procs
    return ids, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", choices=["pb", "crmd"], required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--collection", default="vehicles")
    ap.add_argument("--auth", required=True, help="the whole Authorization header value")
    ap.add_argument("--version", default="2026-03-01", help="crmd: the Lightfield-Version header")
    ap.add_argument("--total", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=100, help="pb: records per batch call")
    ap.add_argument("--concurrency", type=int, default=1, help="connections in all")
    ap.add_argument("--processes", type=int, default=4, help="crmd: loader processes sharing the connections")
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ids-out", required=True, help="file for the created ids, one a line")
    args = ap.parse_args()
    if args.target == "pb":
        ids, out = load_pb(args)
    else:
        ids, out = load_crmd(args)
    with open(args.ids_out, "w") as f:
        f.write("\n".join(ids) + "\n")
    print(json.dumps(out))
    return 0 if out["complete"] and not out["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
