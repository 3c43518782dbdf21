"""Things that break servers in practice: concurrent writers, big and unusual values."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from lightfield import ConflictError

from support import ids, related, unique, value_of


def test_concurrent_creates_get_distinct_ids(lf):
    marker = unique("parallel")
    workers, per_worker = 8, 10

    def create_batch(worker):
        return [
            lf.account.create(fields={"$name": f"{marker}-{worker}-{index}"}).id for index in range(per_worker)
        ]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        created = [record_id for batch in pool.map(create_batch, range(workers)) for record_id in batch]
    assert len(set(created)) == workers * per_worker

    seen = []
    for offset in range(0, workers * per_worker, 25):
        page = lf.account.list(offset=offset, extra_query={"$name[startsWith]": marker})
        assert page.total_count == workers * per_worker
        seen += ids(page)
    assert sorted(seen, key=int) == sorted(created, key=int)
    # Newest first holds across the interleaved writers: ids only grow.
    assert seen == sorted(seen, key=int, reverse=True)


def test_concurrent_updates_to_one_record_all_land_in_history(lf):
    vehicle = lf.object.create("vehicles", fields={"name": unique("busy"), "mileage": 0})

    def bump(mileage):
        return lf.object.update(vehicle.id, entity_slug="vehicles", fields={"mileage": mileage}).id

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(bump, range(1, 31))) == {vehicle.id}
    history = lf.object.field_history("mileage", entity_slug="vehicles", id=vehicle.id, limit=100)
    assert sorted(entry.value for entry in history.data) == list(range(0, 31))
    final = value_of(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "mileage")
    assert final == history.data[0].value


def test_unicode_round_trips_and_filters(lf):
    name = unique("Zoë & Ünïcödé 🚗 日本語 \"quoted\" <tag> 100%")
    account = lf.account.create(fields={"$name": name})
    assert value_of(account, "$name") == name
    assert ids(lf.account.list(extra_query={"$name[equal]": name})) == [account.id]
    contact = lf.contact.create(fields={"$name": {"firstName": "Zoë", "lastName": "Ørsted-Łukasz"}})
    assert value_of(lf.contact.retrieve(contact.id), "$name") == {"firstName": "Zoë", "lastName": "Ørsted-Łukasz"}


def test_long_markdown_round_trips(lf):
    notes = "\n".join(f"- line {index}: **bold** _it_ `code` — ünïcödé" for index in range(4000))
    vehicle = lf.object.create("vehicles", fields={"name": unique("long"), "notes": notes})
    assert value_of(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "notes") == notes


def test_number_edges(lf):
    for number in [9007199254740991, -9007199254740991, 0.01, -0.5, 1234567.89]:
        vehicle = lf.object.create("vehicles", fields={"name": unique("num"), "mileage": number})
        assert value_of(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "mileage") == number
    for amount in [0.01, -0.5, 1234567.89, 900000000000000]:
        vehicle = lf.object.create("vehicles", fields={"name": unique("num"), "price": amount})
        assert value_of(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "price") == amount


def test_starts_with_empty_means_set(server, lf):
    # Raw httpx: the SDK drops query parameters whose value is the empty string, so it cannot
    # send `vin[startsWith]=`.
    marker = unique("set")
    with_vin = lf.object.create("vehicles", fields={"name": f"{marker} a", "vin": unique("VIN")})
    without_vin = lf.object.create("vehicles", fields={"name": f"{marker} b"})

    def found(vin_filter):
        response = httpx.get(
            f"{server.base_url}/v1/objects/vehicles",
            params={"name[startsWith]": marker, vin_filter: ""},
            headers={"Authorization": f"Bearer {server.default_key}", "Lightfield-Version": "2026-03-01"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return [record["id"] for record in response.json()["data"]]

    assert found("vin[startsWith]") == [with_vin.id]
    # Negated, it finds the records where the field is unset.
    assert found("vin[-startsWith]") == [without_vin.id]


def test_concurrent_duplicates_leave_exactly_one(lf):
    vin = unique("RACE")

    def attempt(index):
        try:
            return lf.object.create("vehicles", fields={"name": f"racer {index}", "vin": vin}).id
        except ConflictError:
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(16)))
    winners = [record_id for record_id in results if record_id is not None]
    assert len(winners) == 1, results
    assert ids(lf.object.list("vehicles", extra_query={"vin[equal]": vin})) == winners


def test_concurrent_links_to_one_record_all_land(lf):
    account = lf.account.create(fields={"$name": unique("hub")}).id
    contacts = [lf.contact.create(fields={"$title": unique("spoke")}).id for _ in range(20)]

    def link(contact_id):
        lf.contact.update(contact_id, relationships={"$account": {"add": account}})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(link, contacts))
    assert sorted(related(lf.account.retrieve(account), "$contact"), key=int) == contacts


def test_restore_cannot_duplicate_a_unique_value(lf):
    # Whatever the policy for trashed records, live records never share a unique value.
    vin = unique("VIN")
    first = lf.object.create("vehicles", fields={"name": unique("car"), "vin": vin})
    lf.object.delete(first.id, entity_slug="vehicles")
    try:
        lf.object.create("vehicles", fields={"name": unique("car"), "vin": vin})
    except ConflictError:
        pass  # trashed records keep their values: nothing more to check
    else:
        try:
            lf.object.restore(first.id, entity_slug="vehicles")
        except ConflictError:
            pass
    live = lf.object.list("vehicles", extra_query={"vin[equal]": vin})
    assert live.total_count == 1, ids(live)


def test_trashed_required_link_does_not_block_other_updates(lf):
    account = lf.account.create(fields={"$name": unique("gone")}).id
    opportunity = lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": account})
    lf.account.delete(account)
    # Deletes do not cascade (spec §5.4): the opportunity lives on and can still be edited.
    renamed = lf.opportunity.update(opportunity.id, fields={"$name": "still here"})
    assert value_of(renamed, "$name") == "still here"
    assert lf.opportunity.retrieve(opportunity.id).id == opportunity.id
