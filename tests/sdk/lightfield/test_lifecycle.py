"""Every record endpoint of accounts, contacts, opportunities and custom objects: create,
retrieve, update, list, definitions, delete, restore and field history (spec §2.1, §3, §5)."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError, NotFoundError

from kinds import ALL_KINDS, ACCOUNT, CONTACT, OPPORTUNITY, VEHICLE, minimal_record, new_account
from support import (
    api_error,
    check_matches_definitions,
    check_record,
    ids,
    option_id,
    related,
    unique,
    value_of,
)

kinds = pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda kind: kind.name)


def make(kind, lf, label=None):
    return minimal_record(kind, lf, label or unique(kind.name), lambda: new_account(lf))


@kinds
def test_create_then_retrieve_returns_the_same_envelope(kind, lf):
    label = unique(kind.name)
    created = make(kind, lf, label)
    check_record(created)
    definitions = kind.definitions(lf)
    check_matches_definitions(created, definitions)
    assert value_of(created, kind.label_key) == label

    fetched = kind.retrieve(lf, created.id)
    check_matches_definitions(fetched, definitions)
    assert fetched.to_dict() == created.to_dict()


@kinds
def test_unset_fields_are_null_and_relationships_empty(kind, lf):
    record = make(kind, lf)
    definitions = kind.definitions(lf)
    for key, field in record.fields.items():
        if key in (kind.label_key, "$name"):
            continue
        if definitions.field_definitions[key].read_only:
            continue
        assert field.value is None, f"{key} was never written but reads {field.value!r}"
    for key, relationship in record.relationships.items():
        if kind is OPPORTUNITY and key == "$account":
            continue
        assert relationship.values == [], f"{key} was never written but holds {relationship.values}"


@kinds
def test_update_changes_only_what_is_sent(kind, lf):
    record = make(kind, lf)
    before = kind.retrieve(lf, record.id)
    new_label = unique("renamed")

    updated = kind.update(lf, record.id, fields={kind.label_key: new_label})
    check_record(updated)
    assert updated.id == record.id
    assert value_of(updated, kind.label_key) == new_label
    assert updated.created_at == before.created_at
    assert updated.updated_at is not None and updated.updated_at >= before.created_at
    for key in before.fields:
        if key != kind.label_key:
            assert value_of(updated, key) == value_of(before, key), key
    for key in before.relationships:
        assert sorted(related(updated, key)) == sorted(related(before, key)), key

    fetched = kind.retrieve(lf, record.id)
    assert fetched.to_dict() == updated.to_dict()

    # An update with nothing in it changes nothing.
    unchanged = kind.update(lf, record.id)
    assert value_of(unchanged, kind.label_key) == new_label


@kinds
def test_list_is_newest_first_with_total_count(kind, lf):
    prefix = unique(kind.name)
    created = [make(kind, lf, f"{prefix}-{index}").id for index in range(3)]
    page = kind.list(lf, extra_query={f"{kind.label_key}[startsWith]": prefix})
    assert page.object == "list"
    assert page.total_count == 3
    assert ids(page) == list(reversed(created))
    for record in page.data:
        check_record(record)

    # Unfiltered, the newest record comes first and totalCount counts all of them.
    everything = kind.list(lf, limit=1)
    assert len(everything.data) == 1
    assert everything.total_count >= 3


@kinds
def test_definitions_describe_the_type(kind, lf):
    definitions = kind.definitions(lf)
    assert definitions.object_type == kind.object_type
    assert kind.label_key in definitions.field_definitions
    for key, definition in definitions.field_definitions.items():
        assert definition.label, key
        assert definition.type_configuration is not None, key
    for key, definition in definitions.relationship_definitions.items():
        assert definition.label, key
        assert definition.object_type, key


@kinds
def test_delete_moves_to_trash_and_restore_brings_back(kind, lf):
    label = unique(kind.name)
    record = make(kind, lf, label)
    by_label = {f"{kind.label_key}[equal]": label}

    deleted = kind.delete(lf, record.id)
    assert deleted.id == record.id
    assert value_of(deleted, kind.label_key) == label

    with api_error(NotFoundError, 404):
        kind.retrieve(lf, record.id)
    with api_error(NotFoundError, 404):
        kind.update(lf, record.id, fields={kind.label_key: "ghost"})
    assert kind.list(lf, extra_query=by_label).total_count == 0
    if kind.has_trash_listing:
        trashed = kind.list(lf, status="trashed", extra_query=by_label)
        assert ids(trashed) == [record.id]

    # Deleting again is a no-op that returns the record.
    assert kind.delete(lf, record.id).id == record.id

    restored = kind.restore(lf, record.id)
    assert restored.id == record.id
    assert value_of(restored, kind.label_key) == label
    assert kind.retrieve(lf, record.id).id == record.id
    assert ids(kind.list(lf, extra_query=by_label)) == [record.id]
    if kind.has_trash_listing:
        assert kind.list(lf, status="trashed", extra_query=by_label).total_count == 0
        assert ids(kind.list(lf, status="active", extra_query=by_label)) == [record.id]

    # Restoring a live record is a no-op that returns it.
    assert kind.restore(lf, record.id).id == record.id


@kinds
def test_unknown_ids_are_404(kind, lf):
    for missing in ("999999999", "acc_does_not_exist"):
        with api_error(NotFoundError, 404):
            kind.retrieve(lf, missing)
        with api_error(NotFoundError, 404):
            kind.update(lf, missing, fields={kind.label_key: "x"})
        with api_error(NotFoundError, 404):
            kind.delete(lf, missing)
        with api_error(NotFoundError, 404):
            kind.restore(lf, missing)


@kinds
def test_record_of_another_type_is_404(kind, lf):
    other = CONTACT if kind is not CONTACT else ACCOUNT
    foreign = make(other, lf)
    with api_error(NotFoundError, 404):
        kind.retrieve(lf, foreign.id)
    with api_error(NotFoundError, 404):
        kind.update(lf, foreign.id, fields={kind.label_key: "x"})
    with api_error(NotFoundError, 404):
        kind.delete(lf, foreign.id)
    with api_error(NotFoundError, 404):
        kind.restore(lf, foreign.id)
    assert other.retrieve(lf, foreign.id).id == foreign.id


def test_custom_object_paths_check_the_slug(lf):
    vehicle = make(VEHICLE, lf)
    with api_error(NotFoundError, 404):
        lf.object.retrieve(vehicle.id, entity_slug="widgets")
    with api_error(NotFoundError, 404):
        lf.object.delete(vehicle.id, entity_slug="widgets")
    lf.object.delete(vehicle.id, entity_slug="vehicles")
    # A restore under the wrong slug is not found (spec §5.4).
    with api_error(NotFoundError, 404):
        lf.object.restore(vehicle.id, entity_slug="widgets")
    assert lf.object.restore(vehicle.id, entity_slug="vehicles").id == vehicle.id
    with api_error(NotFoundError, 404):
        lf.object.list("no_such_type")
    with api_error(NotFoundError, 404):
        lf.object.definitions("no_such_type")
    with api_error(NotFoundError, 404):
        lf.object.create("no_such_type", fields={"name": "x"})


@kinds
def test_field_history_is_newest_first_and_pages(kind, lf):
    first = unique("v1")
    record = make(kind, lf, first)
    second, third = unique("v2"), unique("v3")
    kind.update(lf, record.id, fields={kind.label_key: second})
    # Writing the same value again adds no entry: identical neighbours collapse.
    kind.update(lf, record.id, fields={kind.label_key: second})
    kind.update(lf, record.id, fields={kind.label_key: third})

    history = kind.field_history(lf, record.id, kind.label_key)
    assert [entry.value for entry in history.data] == [third, second, first]
    assert [entry.is_create for entry in history.data] == [False, False, True]
    assert history.has_more is False
    assert history.next_cursor is None
    recorded = [entry.recorded_at for entry in history.data]
    assert recorded == sorted(recorded, reverse=True)
    for entry in history.data:
        assert entry.value_type == "TEXT"
        assert entry.display_value == entry.value

    # Two at a time: the first page is truncated, so nothing on it is marked as the creation.
    page = kind.field_history(lf, record.id, kind.label_key, limit=2)
    assert [entry.value for entry in page.data] == [third, second]
    assert page.has_more is True and page.next_cursor
    assert not any(entry.is_create for entry in page.data)
    rest = kind.field_history(lf, record.id, kind.label_key, limit=2, after=page.next_cursor)
    assert [entry.value for entry in rest.data] == [first]
    assert rest.has_more is False
    assert not any(entry.is_create for entry in rest.data)


@kinds
def test_field_history_of_unknown_field_is_400(kind, lf):
    record = make(kind, lf)
    with api_error(BadRequestError, 400, code="unknown_field"):
        kind.field_history(lf, record.id, "no_such_field")


def test_field_history_of_select_shows_labels(lf):
    definitions = lf.opportunity.definitions()
    opportunity = lf.opportunity.create(
        fields={"$name": unique("stages"), "$stage": "Discovery"},
        relationships={"$account": new_account(lf)},
    )
    lf.opportunity.update(opportunity.id, fields={"$stage": "Closed Won"})
    history = lf.opportunity.field_history("$stage", id=opportunity.id)
    assert [entry.value for entry in history.data] == [
        option_id(definitions, "$stage", "Closed Won"),
        option_id(definitions, "$stage", "Discovery"),
    ]
    assert [entry.display_value for entry in history.data] == ["Closed Won", "Discovery"]
    assert [entry.value_type for entry in history.data] == ["SINGLE_SELECT", "SINGLE_SELECT"]
    assert [entry.is_create for entry in history.data] == [False, True]


def test_field_history_defaults_to_20_and_caps_limit_at_100(lf):
    vehicle = lf.object.create("vehicles", fields={"name": unique("hist"), "mileage": 0})
    for mileage in range(1, 25):
        lf.object.update(vehicle.id, entity_slug="vehicles", fields={"mileage": mileage})
    page = lf.object.field_history("mileage", entity_slug="vehicles", id=vehicle.id)
    assert [entry.value for entry in page.data] == list(range(24, 4, -1))
    assert page.has_more is True and page.next_cursor
    rest = lf.object.field_history("mileage", entity_slug="vehicles", id=vehicle.id, after=page.next_cursor)
    assert [entry.value for entry in rest.data] == [4, 3, 2, 1, 0]
    assert rest.has_more is False
    whole = lf.object.field_history("mileage", entity_slug="vehicles", id=vehicle.id, limit=100)
    assert len(whole.data) == 25 and whole.data[-1].is_create is True
    for limit in (0, 101):
        with api_error(BadRequestError, 400, param="limit"):
            lf.object.field_history("mileage", entity_slug="vehicles", id=vehicle.id, limit=limit)


def test_field_history_of_a_relationship_is_400(lf):
    account = lf.account.create(fields={"$name": unique("hist-rel")})
    with api_error(BadRequestError, 400):
        lf.account.field_history("$contact", id=account.id)
