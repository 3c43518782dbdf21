#!/usr/bin/env python3
"""PocketBase setup through its REST API: superuser login, the batch API switched on (it is off
by default; the loader uses it), and the benchmark's collections: `vehicles` (the reads) and
`vehicles_w` (the writes), each with text name, number speed, select brand (5 options), date
bought, bool active, email owner_email, and autodate created/updated. API rules stay
superuser-only. Writes the superuser token to --token-file."""
import argparse
import json
import sys

import httpx

ap = argparse.ArgumentParser()
ap.add_argument("--url", required=True)
ap.add_argument("--email", default="admin@example.com")
ap.add_argument("--password", default="Sup3rSecret!pass")
ap.add_argument("--token-file", required=True)
a = ap.parse_args()

c = httpx.Client(base_url=a.url, timeout=30)
r = c.post("/api/collections/_superusers/auth-with-password", json={"identity": a.email, "password": a.password})
r.raise_for_status()
tok = r.json()["token"]
with open(a.token_file, "w") as f:
    f.write(tok)
c.headers["Authorization"] = tok

r = c.patch("/api/settings", json={"batch": {"enabled": True, "maxRequests": 100, "timeout": 60, "maxBodySize": 0}})
r.raise_for_status()
print("pocketbase batch settings:", json.dumps(r.json()["batch"]), file=sys.stderr)

fields = [
    {"name": "name", "type": "text"},
    {"name": "speed", "type": "number"},
    {"name": "brand", "type": "select", "maxSelect": 1, "values": ["audi", "bmw", "fiat", "ford", "tesla"]},
    {"name": "bought", "type": "date"},
    {"name": "active", "type": "bool"},
    {"name": "owner_email", "type": "email"},
    # PocketBase's dashboard adds these two to every new collection; its bare API does not
    {"name": "created", "type": "autodate", "onCreate": True, "onUpdate": False},
    {"name": "updated", "type": "autodate", "onCreate": True, "onUpdate": True},
]
for name in ["vehicles", "vehicles_w"]:
    r = c.post("/api/collections", json={"name": name, "type": "base", "fields": fields})
    if r.status_code != 200:
        print(name, r.status_code, r.text, file=sys.stderr)
        sys.exit(1)
    print("pocketbase collection", name, [f["name"] + ":" + f["type"] for f in r.json()["fields"]], file=sys.stderr)
