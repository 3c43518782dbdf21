"""The crash harness: concurrent writes, SIGKILL at a random moment, restart, check.

Each cycle starts `crmd serve` on the same data folder, runs writers in two workspaces
(creates, updates, link changes, deletes and restores of accounts and contacts) for a
random moment, kills the server with SIGKILL, and checks:

- the databases, before the restart: SQLite's own check, a change log without gaps,
  counters ahead of what they count, and nothing half-applied (a record without its
  create change or its row, an edge to a missing record, history without its change);
- the API, after the restart: every write acknowledged with a 2xx is there with the
  acknowledged values, links and trash state, or with the one write still in flight on
  that record when the server died.

Each writer owns its records and waits for each answer before its next write, so at
most one write per writer is in flight at the kill.

Run it longer than the test suite does with
`tests/sdk/.venv/bin/python tests/sdk/lightfield/crash_harness.py --cycles 5000`
(after `cargo build -p crmd_cli`).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import httpx

from crmd_harness import Crmd, CrmdServer, crmd_binary

VERSION_HEADER = {"Lightfield-Version": "2026-03-01"}
WORKSPACES = ("default", "second")
WRITERS_PER_WORKSPACE = 4


@dataclasses.dataclass(frozen=True)
class State:
    """What the API shows of a record: its name, its accounts (contacts only), trashed."""

    name: str
    accounts: frozenset = frozenset()
    trashed: bool = False


@dataclasses.dataclass
class Tracked:
    kind: str  # "accounts" or "contacts"
    id: str
    acknowledged: State
    # The write in flight on this record when the server died, if any.
    pending: Optional[State] = None

    def allowed(self) -> "list[State]":
        return [self.acknowledged] + ([self.pending] if self.pending else [])


@dataclasses.dataclass
class Outcome:
    cycles: int = 0
    acknowledged_writes: int = 0
    lost: "list[str]" = dataclasses.field(default_factory=list)
    broken: "list[str]" = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.broken


class Writer:
    """One client that writes only its own records, one write at a time."""

    def __init__(self, name: str, rng: random.Random):
        self.name = name
        self.rng = rng
        self.records: "dict[str, Tracked]" = {}
        self.serial = 0
        self.acknowledged = 0
        # Answers other than a 2xx: each writer owns its records, so every write is valid.
        self.refused: "list[str]" = []

    def _next_name(self) -> str:
        self.serial += 1
        return f"{self.name}-{self.serial}"

    def _active(self, kind: str) -> "list[Tracked]":
        return [r for r in self.records.values() if r.kind == kind and not r.acknowledged.trashed]

    async def run(self, client: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            try:
                await self.step(client)
            except httpx.TransportError:
                return
            except httpx.HTTPStatusError as error:
                self.refused.append(f"{error.request.method} {error.request.url.path}: "
                                    f"{error.response.status_code} {error.response.text[:300]}")
                return

    async def step(self, client: httpx.AsyncClient) -> None:
        accounts, contacts = self._active("accounts"), self._active("contacts")
        trashed = [r for r in self.records.values() if r.acknowledged.trashed]
        choice = self.rng.random()
        if choice < 0.25 or not accounts:
            await self.create(client, "accounts", self._next_name(), None)
        elif choice < 0.45:
            await self.create(client, "contacts", self._next_name(), self.rng.choice(accounts).id)
        elif choice < 0.65:
            await self.rename(client, self.rng.choice(accounts + contacts))
        elif choice < 0.8 and contacts:
            await self.relink(client, self.rng.choice(contacts), self.rng.choice(accounts).id)
        elif choice < 0.9:
            await self.move(client, self.rng.choice(accounts + contacts), to_trash=True)
        elif trashed:
            await self.move(client, self.rng.choice(trashed), to_trash=False)

    async def create(self, client, kind: str, name: str, account: Optional[str]) -> None:
        body: dict = {"fields": {"$name": name if kind == "accounts" else {"firstName": name, "lastName": "X"}}}
        if account:
            body["relationships"] = {"$account": [account]}
        response = await client.post(f"/v1/{kind}", json=body)
        response.raise_for_status()
        record_id = response.json()["id"]
        state = State(name=name, accounts=frozenset([account] if account else []))
        self.records[record_id] = Tracked(kind, record_id, state)
        self.acknowledged += 1

    async def rename(self, client, record: Tracked) -> None:
        name = self._next_name()
        value = name if record.kind == "accounts" else {"firstName": name, "lastName": "X"}
        await self._write(client, record, dataclasses.replace(record.acknowledged, name=name),
                          "POST", f"/v1/{record.kind}/{record.id}", {"fields": {"$name": value}})

    async def relink(self, client, contact: Tracked, account: str) -> None:
        current = contact.acknowledged.accounts
        if account in current:
            operation, after = {"remove": [account]}, current - {account}
        else:
            operation, after = {"add": [account]}, current | {account}
        await self._write(client, contact, dataclasses.replace(contact.acknowledged, accounts=after),
                          "POST", f"/v1/contacts/{contact.id}", {"relationships": {"$account": operation}})

    async def move(self, client, record: Tracked, to_trash: bool) -> None:
        path = f"/v1/{record.kind}/{record.id}" + ("" if to_trash else "/restore")
        await self._write(client, record, dataclasses.replace(record.acknowledged, trashed=to_trash),
                          "DELETE" if to_trash else "POST", path, None)

    async def _write(self, client, record: Tracked, after: State, method: str, path: str, body) -> None:
        record.pending = after
        response = await client.request(method, path, json=body)
        response.raise_for_status()
        record.acknowledged = after
        record.pending = None
        self.acknowledged += 1


def check_databases(data_dir: Path) -> "list[str]":
    """Structural checks on every workspace database, with the server down."""
    problems = []
    for path in sorted((data_dir / "workspaces").glob("*.db")):
        db = sqlite3.connect(path)
        try:
            def one(sql: str):
                return db.execute(sql).fetchone()

            if one("PRAGMA quick_check")[0] != "ok":
                problems.append(f"{path.name}: quick_check failed")
            count, low, high = one("SELECT COUNT(*), MIN(seq), MAX(seq) FROM changes")
            if count and (low != 1 or high != count):
                problems.append(f"{path.name}: change log has gaps: {count} entries from {low} to {high}")
            next_record, next_seq = one("SELECT next_record_id, next_seq FROM counters")
            if next_seq != (high or 0) + 1:
                problems.append(f"{path.name}: next_seq {next_seq} after last change {high}")
            max_record = one("SELECT MAX(id) FROM records")[0] or 0
            if next_record <= max_record:
                problems.append(f"{path.name}: next_record_id {next_record} not above record {max_record}")
            checks = {
                "records without a create change": "SELECT COUNT(*) FROM records r WHERE NOT EXISTS "
                "(SELECT 1 FROM changes c WHERE c.record_id = r.id AND c.op = 'create')",
                "edges to missing records": "SELECT COUNT(*) FROM edges e WHERE NOT EXISTS "
                "(SELECT 1 FROM records r WHERE r.id = e.src) OR NOT EXISTS (SELECT 1 FROM records r WHERE r.id = e.dst)",
                "edges without their change": "SELECT COUNT(*) FROM edges e WHERE NOT EXISTS "
                "(SELECT 1 FROM changes c WHERE c.seq = e.created_seq)",
                "history without its change": "SELECT COUNT(*) FROM field_history h WHERE NOT EXISTS "
                "(SELECT 1 FROM changes c WHERE c.seq = h.seq AND c.record_id = h.record_id)",
            }
            for what, sql in checks.items():
                if (n := one(sql)[0]) != 0:
                    problems.append(f"{path.name}: {n} {what}")
            for (type_id,) in db.execute("SELECT DISTINCT object_type_id FROM records").fetchall():
                (missing,) = db.execute(
                    f'SELECT COUNT(*) FROM records r WHERE r.object_type_id = ? AND NOT EXISTS '
                    f'(SELECT 1 FROM "r_{type_id}" t WHERE t.id = r.id '
                    f"AND (t.trashed_at IS NULL) = (r.trashed_at IS NULL))",
                    (type_id,),
                ).fetchone()
                if missing:
                    problems.append(f"{path.name}: {missing} registered records of {type_id} without a matching row")
        finally:
            db.close()
    return problems


def api_name(body: dict) -> str:
    name = body["fields"]["$name"]["value"]
    return name.get("firstName") if isinstance(name, dict) else name


async def verify(client: httpx.AsyncClient, records: "list[Tracked]", db_path: Path) -> "list[str]":
    """Every tracked record is in an allowed state: its trash state and links as the
    database holds them, its name and visible links as the API answers them."""
    lost = []
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def is_trashed(record_id) -> bool:
        row = db.execute("SELECT trashed_at FROM records WHERE id = ?", (int(record_id),)).fetchone()
        return row is None or row[0] is not None

    try:
        for record in records:
            allowed = record.allowed()
            row = db.execute("SELECT trashed_at FROM records WHERE id = ?", (int(record.id),)).fetchone()
            if row is None:
                lost.append(f"{record.kind} {record.id}: acknowledged but missing")
                continue
            trashed = row[0] is not None
            accounts = frozenset()
            if record.kind == "contacts":
                accounts = frozenset(str(src) for (src,) in db.execute(
                    "SELECT src FROM edges WHERE dst = ?", (int(record.id),)))
            name = None
            if not trashed:
                response = await client.get(f"/v1/{record.kind}/{record.id}")
                if response.status_code != 200:
                    lost.append(f"{record.kind} {record.id}: GET answered {response.status_code}")
                    continue
                body = response.json()
                name = api_name(body)
                if record.kind == "contacts":
                    visible = frozenset(body["relationships"]["$account"]["values"])
                    expected = frozenset(a for a in accounts if not is_trashed(a))
                    if visible != expected:
                        lost.append(f"{record.kind} {record.id}: API links {sorted(visible)}, stored {sorted(expected)}")
            matches = [
                state for state in allowed
                if state.trashed == trashed and state.accounts == accounts and (trashed or state.name == name)
            ]
            if not matches:
                lost.append(f"{record.kind} {record.id}: holds name={name} accounts={sorted(accounts)} "
                            f"trashed={trashed}; acknowledged {allowed}")
                continue
            record.acknowledged = dataclasses.replace(matches[-1], name=name or matches[-1].name)
            record.pending = None
    finally:
        db.close()
    return lost


def workspace_db(data_dir: Path, name: str) -> Path:
    catalog = sqlite3.connect(f"file:{data_dir / 'catalog.db'}?mode=ro", uri=True)
    try:
        (workspace_id,) = catalog.execute("SELECT id FROM workspaces WHERE name = ?", (name,)).fetchone()
    finally:
        catalog.close()
    return data_dir / "workspaces" / f"{workspace_id}.db"


def run(cycles: int, binary: Path, work_dir: Path, seed: int, max_load_secs: float = 0.4,
        log=lambda message: None) -> Outcome:
    rng = random.Random(seed)
    crmd = Crmd(binary)
    data_dir = work_dir / "data"
    server = CrmdServer(crmd, data_dir, work_dir / "logs", name="crash")
    server.start()
    keys = {"default": server.default_key, "second": crmd.keys_create(data_dir, workspace="second")}
    writers = {
        workspace: [Writer(f"{workspace}{index}", random.Random(rng.random())) for index in range(WRITERS_PER_WORKSPACE)]
        for workspace in WORKSPACES
    }
    outcome = Outcome()
    for cycle in range(cycles):
        if server.process is None:
            server.start()

        async def load() -> None:
            until = time.monotonic() + rng.uniform(0.02, max_load_secs)
            clients = {
                workspace: httpx.AsyncClient(
                    base_url=server.base_url, timeout=10,
                    headers={**VERSION_HEADER, "Authorization": f"Bearer {keys[workspace]}"},
                    limits=httpx.Limits(max_connections=WRITERS_PER_WORKSPACE),
                )
                for workspace in WORKSPACES
            }
            tasks = [
                asyncio.create_task(writer.run(clients[workspace], until + 5))
                for workspace in WORKSPACES for writer in writers[workspace]
            ]
            await asyncio.sleep(max(0.0, until - time.monotonic()))
            server.signal_stop(signal.SIGKILL)
            await asyncio.gather(*tasks, return_exceptions=True)
            for client in clients.values():
                await client.aclose()

        asyncio.run(load())
        outcome.cycles += 1
        for workspace_writers in writers.values():
            for writer in workspace_writers:
                outcome.broken += [f"cycle {cycle}: {refusal}" for refusal in writer.refused]
                writer.refused.clear()
        outcome.broken += [f"cycle {cycle}: {problem}" for problem in check_databases(data_dir)]
        server.start()

        async def check() -> None:
            for workspace in WORKSPACES:
                db_path = workspace_db(data_dir, workspace)
                async with httpx.AsyncClient(
                    base_url=server.base_url, timeout=10,
                    headers={**VERSION_HEADER, "Authorization": f"Bearer {keys[workspace]}"},
                ) as client:
                    for writer in writers[workspace]:
                        records = list(writer.records.values())
                        # Records with a write in flight, and a sample of the others.
                        chosen = [r for r in records if r.pending] + rng.sample(records, min(len(records), 6))
                        lost = await verify(client, chosen, db_path)
                        outcome.lost += [f"cycle {cycle}: {problem}" for problem in lost]

        asyncio.run(check())
        log(f"cycle {cycle + 1}/{cycles}: lost {len(outcome.lost)}, broken {len(outcome.broken)}")
        if not outcome.ok:
            break

    async def final_check() -> None:
        for workspace in WORKSPACES:
            db_path = workspace_db(data_dir, workspace)
            async with httpx.AsyncClient(
                base_url=server.base_url, timeout=10,
                headers={**VERSION_HEADER, "Authorization": f"Bearer {keys[workspace]}"},
            ) as client:
                for writer in writers[workspace]:
                    outcome.lost += await verify(client, list(writer.records.values()), db_path)

    if outcome.ok:
        asyncio.run(final_check())
    server.stop()
    outcome.acknowledged_writes = sum(w.acknowledged for ws in writers.values() for w in ws)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--binary", type=Path, default=None, help="the crmd binary (default: target/debug/crmd)")
    args = parser.parse_args()
    binary = args.binary or crmd_binary()
    with tempfile.TemporaryDirectory(prefix="crmd-crash-") as work:
        started = time.monotonic()
        outcome = run(args.cycles, binary, Path(work), args.seed, log=lambda m: print(m, flush=True))
        print(
            f"seed {args.seed}: {outcome.cycles} cycles, {outcome.acknowledged_writes} writes acknowledged, "
            f"{len(outcome.lost)} lost, {len(outcome.broken)} structural problems, "
            f"{time.monotonic() - started:.0f} s"
        )
        for problem in (outcome.lost + outcome.broken)[:20]:
            print("  " + problem)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())
