"""`Idempotency-Key` on POST writes (spec §5.7), passed the way callers pass it to the SDK:
`extra_headers={"Idempotency-Key": key}`."""

from __future__ import annotations

import uuid

from lightfield import BadRequestError, UnprocessableEntityError

from kinds import ACCOUNT, CONTACT, VEHICLE, new_account
from support import api_error, unique, value_of


def key_header(key: str) -> "dict[str, str]":
    return {"Idempotency-Key": key}


def fresh_key() -> str:
    return f"idem-{uuid.uuid4().hex}"


def count_named(lf, name: str) -> int:
    return lf.account.list(extra_query={"$name[equal]": name}).total_count


def test_a_repeated_create_returns_the_first_record_and_creates_no_second(lf):
    name, key = unique("idem"), fresh_key()
    first = lf.account.create(fields={"$name": name}, extra_headers=key_header(key))
    again = lf.account.create(fields={"$name": name}, extra_headers=key_header(key))
    assert again.id == first.id
    assert again.to_dict() == first.to_dict()
    assert count_named(lf, name) == 1


def test_a_repeat_with_another_body_replays_the_first_response(lf):
    name, key = unique("idem"), fresh_key()
    first = lf.account.create(fields={"$name": name}, extra_headers=key_header(key))
    other = lf.account.create(fields={"$name": unique("other")}, extra_headers=key_header(key))
    assert other.id == first.id
    assert value_of(other, "$name") == name


def test_the_raw_replay_is_the_same_bytes(lf):
    key = fresh_key()
    fields = {"$name": unique("idem")}
    first = lf.account.with_raw_response.create(fields=fields, extra_headers=key_header(key))
    again = lf.account.with_raw_response.create(fields=fields, extra_headers=key_header(key))
    assert again.http_response.content == first.http_response.content
    assert again.headers.get("idempotent-replayed") == "true"
    assert first.headers.get("idempotent-replayed") is None


def test_the_same_key_on_another_type_or_operation_does_not_clash(lf):
    key = fresh_key()
    account = lf.account.create(fields={"$name": unique("idem")}, extra_headers=key_header(key))
    contact = CONTACT.resource(lf).create(
        fields={"$name": {"firstName": "Ada", "lastName": unique("idem")}}, extra_headers=key_header(key)
    )
    vehicle = lf.object.create(VEHICLE.slug, fields={"name": unique("idem")}, extra_headers=key_header(key))
    assert len({account.id, contact.id, vehicle.id}) == 3

    new_name = unique("renamed")
    updated = lf.account.update(account.id, fields={"$name": new_name}, extra_headers=key_header(key))
    assert value_of(updated, "$name") == new_name
    replayed = lf.account.update(account.id, fields={"$name": unique("ignored")}, extra_headers=key_header(key))
    assert replayed.to_dict() == updated.to_dict()
    assert value_of(ACCOUNT.retrieve(lf, account.id), "$name") == new_name


def test_a_restore_replays_too(lf):
    key = fresh_key()
    account = new_account(lf)
    lf.account.delete(account)
    restored = lf.account.restore(account, extra_headers=key_header(key))
    lf.account.delete(account)
    replayed = lf.account.restore(account, extra_headers=key_header(key))
    assert replayed.to_dict() == restored.to_dict()
    assert lf.account.list(extra_query={"$name[equal]": value_of(restored, "$name")}).total_count == 0


def test_a_key_over_255_characters_is_400(lf):
    name = unique("idem")
    with api_error(BadRequestError, 400, "idempotency_key_too_long", "Idempotency-Key"):
        lf.account.create(fields={"$name": name}, extra_headers=key_header("k" * 256))
    assert count_named(lf, name) == 0
    created = lf.account.create(fields={"$name": name}, extra_headers=key_header(fresh_key().rjust(255, "k")))
    assert value_of(created, "$name") == name


def test_a_failed_create_is_not_cached(lf):
    key = fresh_key()
    with api_error(UnprocessableEntityError, 422, "parameter_missing", "fields.$name"):
        lf.account.create(fields={}, extra_headers=key_header(key))
    name = unique("idem")
    created = lf.account.create(fields={"$name": name}, extra_headers=key_header(key))
    assert value_of(created, "$name") == name
    assert count_named(lf, name) == 1


def test_a_repeated_merge_replays_the_first_merge(lf):
    key = fresh_key()
    primary, duplicate = new_account(lf), new_account(lf)
    first = lf.merge.merge_accounts(primary_id=primary, duplicate_id=duplicate, extra_headers=key_header(key))
    # The duplicate is in the trash now, so running the merge again would fail: the replay
    # answers the first merge instead.
    again = lf.merge.merge_accounts(primary_id=primary, duplicate_id=duplicate, extra_headers=key_header(key))
    assert again.merge.id == first.merge.id
    assert again.to_dict() == first.to_dict()
    # A merge and a create with the same key do not clash.
    created = lf.account.create(fields={"$name": unique("after-merge")}, extra_headers=key_header(key))
    assert created.id not in (primary, duplicate)
