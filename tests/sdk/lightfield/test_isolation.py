"""Workspaces see only their own records, even though ids are per-workspace sequences.

This runs on its own server so the id sequences of both workspaces are known.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from lightfield import BadRequestError, NotFoundError

from support import api_error, ids, related, values


def test_other_workspace_sees_nothing_of_default(start_server, crmd):
    server = start_server("isolation")
    default = server.client()
    # Make the default workspace's ids run well past anything the other workspace will use.
    default_accounts = [default.account.create(fields={"$name": f"default-{index}"}).id for index in range(12)]
    vehicle = default.object.create("vehicles", fields={"name": "default-car"})
    newest = default_accounts[-1]

    other_key = crmd.keys_create(server.data_dir, workspace="other", label="other workspace")
    other = server.client(other_key)
    assert other.auth.validate().active is True

    # Nothing of the default workspace is listed.
    assert other.account.list().total_count == 0
    assert other.contact.list().total_count == 0
    assert other.opportunity.list().total_count == 0

    mine = other.account.create(fields={"$name": "other-0"})
    assert ids(other.account.list()) == [mine.id]
    assert mine.id not in default_accounts[-3:]

    # Ids from the default workspace are not found here, for any operation.
    with api_error(NotFoundError, 404):
        other.account.retrieve(newest)
    with api_error(NotFoundError, 404):
        other.account.update(newest, fields={"$name": "hijacked"})
    with api_error(NotFoundError, 404):
        other.account.delete(newest)
    with api_error(NotFoundError, 404):
        other.account.restore(newest)
    with api_error(NotFoundError, 404):
        other.account.field_history("$name", id=newest)
    # They cannot be linked to either: to this workspace the id does not exist.
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        other.account.update(mine.id, relationships={"$contact": {"add": newest}})

    # The other workspace has the standard model but not the default workspace's custom types.
    assert "vehicles" not in {entry.object_type for entry in other.object.list_definitions().data}
    with api_error(NotFoundError, 404):
        other.object.retrieve(vehicle.id, entity_slug="vehicles")

    # And the default workspace is untouched and does not see the other workspace's account.
    assert values(default.account.retrieve(newest))["$name"] == "default-11"
    assert related(default.account.retrieve(newest), "$contact") == []
    assert default.account.list(extra_query={"$name[equal]": "other-0"}).total_count == 0
    assert default.account.list().total_count == len(default_accounts)


def test_every_record_endpoint_answers_another_workspaces_ids_like_missing_ones(start_server, crmd):
    """For every Lightfield endpoint that takes an id, an id of another workspace answers
    exactly what an id that exists nowhere answers: same status, same body."""
    server = start_server("isolation-endpoints")
    owner = server.client()
    # The owner's ids run past the few records the prober writes, so that no id of the
    # owner names a record of the prober.
    for index in range(10):
        owner.note.create(fields={"$title": f"padding {index}"})
    account = owner.account.create(fields={"$name": "theirs"}).id
    contact = owner.contact.create(fields={"$name": {"firstName": "Their", "lastName": "Contact"}}).id
    opportunity = owner.opportunity.create(fields={"$name": "deal"}, relationships={"$account": account}).id
    note = owner.note.create(fields={"$title": "secret"}, relationships={"$account": account}).id
    task = owner.task.create(fields={"$title": "t", "$status": "TODO"}, relationships={"$assignedTo": "1"}).id
    meeting = owner.meeting.create(
        fields={"$title": "m", "$startDate": "2026-01-01T10:00:00Z", "$endDate": "2026-01-01T11:00:00Z"}
    ).id
    listed = owner.list.create(fields={"$name": "l", "$objectType": "$account"}, relationships={"$accounts": account}).id
    vehicle = owner.object.create("vehicles", fields={"name": "their car"}).id
    theirs = {
        "accounts": account, "contacts": contact, "opportunities": opportunity, "notes": note,
        "tasks": task, "meetings": meeting, "lists": listed, "objects/vehicles/values": vehicle,
    }

    # The prober's workspace gets the same custom type, so its paths exist there too.
    other_key = crmd.keys_create(server.data_dir, workspace="prober")
    server.stop()
    crmd.schema_apply(server.data_dir, Path(__file__).with_name("schema.toml"), workspace="prober")
    server.start()
    headers = {"Authorization": f"Bearer {other_key}", "Lightfield-Version": "2026-03-01"}
    missing = "900000"

    def call(method: str, template: str, record_id: str, body=None) -> "tuple[int, dict]":
        response = httpx.request(
            method, server.base_url + template.format(id=record_id), headers=headers, json=body, timeout=10
        )
        return response.status_code, json.loads(response.text.replace(record_id, "<id>"))

    checked = 0
    for base, record_id in theirs.items():
        templates = [("GET", "/v1/%s/{id}" % base, None), ("DELETE", "/v1/%s/{id}" % base, None)]
        update = {"fields": {"$name" if base != "objects/vehicles/values" else "name": "x"}}
        if base == "contacts":
            update = {"fields": {"$name": {"firstName": "x"}}}
        if base in ("notes", "tasks", "meetings"):
            update = {"fields": {"$title" if base != "meetings" else "$meetingPrep": "x"}}
        templates.append(("POST", "/v1/%s/{id}" % base, update))
        if base != "lists":
            templates.append(("POST", "/v1/%s/{id}/restore" % base, None))
        if base in ("accounts", "contacts", "opportunities"):
            templates.append(("GET", "/v1/%s/{id}/fields/$name/history" % base, None))
        if base == "objects/vehicles/values":
            templates.append(("GET", "/v1/%s/{id}/fields/name/history" % base, None))
        if base == "lists":
            templates += [("GET", "/v1/lists/{id}/%s" % kind, None) for kind in ("accounts", "contacts", "opportunities")]
        for method, template, body in templates:
            foreign = call(method, template, record_id, body)
            absent = call(method, template, missing, body)
            assert foreign == absent, f"{method} {template}: another workspace's id answers {foreign}, a missing id {absent}"
            assert foreign[0] == 404, (method, template, foreign)
            checked += 1
    member_status = call("GET", "/v1/members/{id}", account)
    assert member_status == call("GET", "/v1/members/{id}", missing)
    assert checked >= 35

    # Filters and relationship writes with their ids find nothing and link nothing.
    prober = server.client(other_key)
    for kind, key in (("contact", "$account"), ("opportunity", "$account"), ("note", "$account")):
        page = getattr(prober, kind).list(extra_query={key: account})
        assert page.total_count == 0 and page.data == []
    mine = prober.account.create(fields={"$name": "mine"})
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        prober.list.create(fields={"$name": "l", "$objectType": "$account"}, relationships={"$accounts": account})
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        prober.note.create(fields={"$title": "n"}, relationships={"$account": [mine.id, account]})
    # And the owner's data is untouched.
    owner = server.client()
    assert owner.note.retrieve(note).fields["$title"].value == "secret"
    assert [record.id for record in owner.list.list_accounts(listed).data] == [account]
