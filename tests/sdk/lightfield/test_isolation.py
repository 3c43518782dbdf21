"""Workspaces see only their own records, even though ids are per-workspace sequences.

This runs on its own server so the id sequences of both workspaces are known.
"""

from __future__ import annotations

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
