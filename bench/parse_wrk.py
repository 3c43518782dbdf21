#!/usr/bin/env python3
"""Turn `wrk --latency` output into one JSON line: rps, p50/p75/p90/p99 (ms), requests,
non-2xx responses and socket errors, merged with the JSON object given as the third argument.
A run that answered anything but 2xx, or had a socket error, is marked "errors": true.

usage: parse_wrk.py <wrk output file> <extra JSON object>"""
import json
import re
import sys


def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    n, u = float(m.group(1)), m.group(2)
    return round({"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[u], 3)


txt = open(sys.argv[1]).read()
out = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
m = re.search(r"Requests/sec:\s+([\d.]+)", txt)
out["rps"] = float(m.group(1)) if m else None
for p in ("50", "75", "90", "99"):
    m = re.search(rf"^\s+{p}(?:\.000)?%\s+(\S+)", txt, re.M)
    out[f"p{p}_ms"] = ms(m.group(1)) if m else None
m = re.search(r"(\d+) requests in ([\d.]+\w+)", txt)
out["requests"] = int(m.group(1)) if m else None
m = re.search(r"Non-2xx or 3xx responses: (\d+)", txt)
out["non2xx"] = int(m.group(1)) if m else 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", txt)
out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
out["errors"] = bool(out["non2xx"] or any(out["socket_errors"].values()) or not out["requests"])
if out["rps"] is None:
    out["wrk_output_tail"] = txt[-400:]
print(json.dumps(out))
