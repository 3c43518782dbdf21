"""Durability: everything written before a graceful stop is there after a restart."""

from __future__ import annotations

import signal
import threading
import time

from lightfield import APIConnectionError, InternalServerError, NotFoundError

from support import OWNER_MEMBER_ID, api_error, ids, related


def snapshot(lf, kind_calls):
    return {name: retrieve().to_dict() for name, retrieve in kind_calls.items()}


def test_records_and_relationships_survive_a_restart(start_server, crmd):
    server = start_server("restart")
    key = server.default_key
    lf = server.client()

    account = lf.account.create(
        fields={
            "$name": "Durable Inc",
            "$website": ["https://durable.example"],
            "$headcount": "51-200",
            "$primaryAddress": {"city": "Portland", "country": "US"},
        },
        relationships={"$owner": OWNER_MEMBER_ID},
    )
    contacts = [
        lf.contact.create(
            fields={"$name": {"firstName": "Dura", "lastName": f"Ble{index}"}, "$email": [f"d{index}@durable.example"]},
            relationships={"$account": account.id},
        )
        for index in range(3)
    ]
    opportunity = lf.opportunity.create(
        fields={"$name": "Durable deal", "$stage": "Proposal", "$amount": 42000, "$closeDate": "2026-09-30T12:00:00Z"},
        relationships={"$account": account.id, "$champion": contacts[0].id, "$contact": [c.id for c in contacts[1:]]},
    )
    vehicle = lf.object.create(
        "vehicles",
        fields={
            "name": "Durable car",
            "vin": "VIN-DURABLE",
            "phones": ["+1 503 555 0100 x12"],
            "driver": {"firstName": "Ada", "lastName": "Lovelace"},
            "features": ["Sunroof", "Tow hitch"],
        },
        relationships={"owner_account": account.id},
    )
    lf.account.update(account.id, fields={"$name": "Durable Incorporated"})
    trashed = lf.contact.create(fields={"$name": {"firstName": "Gone", "lastName": "Soon"}})
    lf.contact.delete(trashed.id)
    scoped_key = crmd.keys_create(server.data_dir, scopes=["accounts:read"])

    reads = {
        "account": lambda: lf.account.retrieve(account.id),
        "opportunity": lambda: lf.opportunity.retrieve(opportunity.id),
        "vehicle": lambda: lf.object.retrieve(vehicle.id, entity_slug="vehicles"),
        **{f"contact{index}": (lambda c=c: lf.contact.retrieve(c.id)) for index, c in enumerate(contacts)},
    }
    before = snapshot(lf, reads)
    lists_before = {
        "accounts": ids(lf.account.list()),
        "contacts": ids(lf.contact.list()),
        "trashed": ids(lf.contact.list(status="trashed")),
        "opportunities": ids(lf.opportunity.list()),
        "vehicles": ids(lf.object.list("vehicles")),
    }
    history_before = lf.account.field_history("$name", id=account.id).to_dict()
    assert sorted(related(lf.account.retrieve(account.id), "$contact")) == sorted(c.id for c in contacts)

    assert server.signal_stop(signal.SIGTERM) == 0, "SIGTERM should stop the server cleanly:\n" + server.stderr_text()[-4000:]
    server.start()
    assert server.default_key == key, "a restart keeps the default key"
    lf = server.client()

    reads = {
        "account": lambda: lf.account.retrieve(account.id),
        "opportunity": lambda: lf.opportunity.retrieve(opportunity.id),
        "vehicle": lambda: lf.object.retrieve(vehicle.id, entity_slug="vehicles"),
        **{f"contact{index}": (lambda c=c: lf.contact.retrieve(c.id)) for index, c in enumerate(contacts)},
    }
    assert snapshot(lf, reads) == before
    assert {
        "accounts": ids(lf.account.list()),
        "contacts": ids(lf.contact.list()),
        "trashed": ids(lf.contact.list(status="trashed")),
        "opportunities": ids(lf.opportunity.list()),
        "vehicles": ids(lf.object.list("vehicles")),
    } == lists_before
    assert lf.account.field_history("$name", id=account.id).to_dict() == history_before
    with api_error(NotFoundError, 404):
        lf.contact.retrieve(trashed.id)
    assert related(lf.contact.retrieve(contacts[0].id), "$account") == [account.id]
    assert related(lf.account.retrieve(account.id), "$opportunity") == [opportunity.id]
    assert related(lf.account.retrieve(account.id), "vehicles") == [vehicle.id]

    # Keys made before the restart still work with their scopes, and new ids do not reuse old ones.
    assert server.client(scoped_key).auth.validate().scopes == ["accounts:read"]
    fresh = lf.account.create(fields={"$name": "After restart"})
    every_id = {account.id, opportunity.id, vehicle.id, trashed.id, *(c.id for c in contacts)}
    assert fresh.id not in every_id
    assert int(fresh.id) > max(int(i) for i in every_id)

    # A second restart after SIGINT works as well.
    assert server.signal_stop(signal.SIGINT) == 0, server.stderr_text()[-4000:]
    server.start()
    assert server.client().account.retrieve(fresh.id).fields["$name"].value == "After restart"


def test_acknowledged_writes_survive_a_crash(start_server):
    # `durability = full` is the default: a 2xx means the write is on disk, so even SIGKILL
    # loses nothing that was acknowledged.
    server = start_server("crash", apply_schema=False)
    lf = server.client()
    account = lf.account.create(fields={"$name": "Crash test"})
    acknowledged = [
        lf.contact.create(fields={"$title": f"c{index}"}, relationships={"$account": account.id}).id
        for index in range(20)
    ]
    lf.account.update(account.id, fields={"$name": "Crash test, renamed"})

    server.signal_stop(signal.SIGKILL)
    server.start()
    lf = server.client()

    assert lf.account.retrieve(account.id).fields["$name"].value == "Crash test, renamed"
    assert sorted(related(lf.account.retrieve(account.id), "$contact"), key=int) == acknowledged
    assert sorted(ids(lf.contact.list()), key=int) == acknowledged


def test_sigterm_finishes_in_flight_writes(start_server):
    # Writers keep going while the server is told to stop; every write that got a 2xx must
    # be there after the restart, and the server must exit cleanly.
    server = start_server("drain", apply_schema=False)
    clients = [server.client() for _ in range(4)]
    acknowledged: "list[str]" = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 20

    def write(client, worker):
        for index in range(10_000):
            if time.monotonic() > stop_at:
                return
            try:
                record_id = client.account.create(fields={"$name": f"w{worker}-{index}"}).id
            except (APIConnectionError, InternalServerError):
                return
            with lock:
                acknowledged.append(record_id)

    threads = [threading.Thread(target=write, args=(client, worker)) for worker, client in enumerate(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.signal_stop(signal.SIGTERM) == 0, server.stderr_text()[-4000:]
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert len(acknowledged) >= 40

    server.start()
    lf = server.client()
    seen = []
    for page_offset in range(0, 100_000, 25):
        page = lf.account.list(offset=page_offset)
        seen += ids(page)
        if len(page.data) < 25:
            break
    assert set(acknowledged) <= set(seen)
