"""Keys and scopes (spec §5.8): validate, 401, 403, revocation."""

from __future__ import annotations

from lightfield import AuthenticationError, PermissionDeniedError

from support import api_error, unique


def test_validate_describes_the_full_access_key(lf):
    who = lf.auth.validate()
    assert who.active is True
    assert who.token_type == "api_key"
    assert who.subject_type in ("user", "workspace")
    # An empty scope list means full access (spec §5.8).
    assert who.scopes == []


def test_default_key_file_holds_the_printed_key(server):
    key = server.default_key
    assert key and key == key.strip() and " " not in key
    assert key in server.stdout_text() or key in server.stderr_text(), "first start prints the key"


def test_bad_key_is_401(make_client):
    client = make_client("sk_lf_not_a_real_key")
    with api_error(AuthenticationError, 401):
        client.auth.validate()
    with api_error(AuthenticationError, 401):
        client.account.list()
    with api_error(AuthenticationError, 401):
        client.account.create(fields={"$name": unique("unauthorised")})


def test_scoped_key_reports_its_scopes(crmd, server, make_client):
    key = crmd.keys_create(server.data_dir, scopes=["accounts:read", "contacts:read"], label="scoped")
    who = make_client(key).auth.validate()
    assert who.active is True
    assert sorted(who.scopes) == ["accounts:read", "contacts:read"]


def test_missing_scope_is_403(crmd, server, lf, make_client):
    name = unique("readable")
    account = lf.account.create(fields={"$name": name})
    reader = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:read"]))

    # What the scope allows works.
    assert reader.account.retrieve(account.id).id == account.id
    assert reader.account.list(extra_query={"$name[equal]": name}).total_count == 1
    assert "$name" in reader.account.definitions().field_definitions

    # Everything else is 403, not 401, and changes nothing.
    with api_error(PermissionDeniedError, 403):
        reader.account.create(fields={"$name": unique("forbidden")})
    with api_error(PermissionDeniedError, 403):
        reader.account.update(account.id, fields={"$name": "changed"})
    with api_error(PermissionDeniedError, 403):
        reader.account.delete(account.id)
    with api_error(PermissionDeniedError, 403):
        reader.account.restore(account.id)
    with api_error(PermissionDeniedError, 403):
        reader.contact.list()
    with api_error(PermissionDeniedError, 403):
        reader.opportunity.create(fields={"$name": "x"}, relationships={"$account": account.id})
    with api_error(PermissionDeniedError, 403):
        reader.object.list("vehicles")
    # Listing the trash also needs `accounts:restore` (spec §5.4).
    with api_error(PermissionDeniedError, 403):
        reader.account.list(status="trashed")
    assert lf.account.retrieve(account.id).fields["$name"].value == name


def test_revoked_key_stops_working_at_once(crmd, server, make_client):
    key = crmd.keys_create(server.data_dir, label="short-lived")
    client = make_client(key)
    assert client.auth.validate().active is True
    client.account.list(limit=1)

    crmd.keys_revoke(server.data_dir, key)

    with api_error(AuthenticationError, 401):
        client.auth.validate()
    with api_error(AuthenticationError, 401):
        client.account.list(limit=1)


def test_trash_listing_with_the_restore_scope(crmd, server, lf, make_client):
    name = unique("trash-scope")
    account = lf.account.create(fields={"$name": name})
    lf.account.delete(account.id)
    restorer = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:read", "accounts:restore"]))
    trashed = restorer.account.list(status="trashed", extra_query={"$name[equal]": name})
    assert [record.id for record in trashed.data] == [account.id]
    assert restorer.account.restore(account.id).id == account.id
    with api_error(PermissionDeniedError, 403):
        restorer.account.delete(account.id)


def test_custom_object_scopes(crmd, server, lf, make_client):
    vehicle = lf.object.create("vehicles", fields={"name": unique("scoped-car")})
    reader = make_client(crmd.keys_create(server.data_dir, scopes=["custom_objects:read"]))
    assert "vehicles" in {entry.object_type for entry in reader.object.list_definitions().data}
    assert reader.object.definitions("vehicles").object_type == "vehicles"
    assert reader.object.retrieve(vehicle.id, entity_slug="vehicles").id == vehicle.id
    assert reader.object.list("vehicles", limit=1).total_count >= 1
    with api_error(PermissionDeniedError, 403):
        reader.object.create("vehicles", fields={"name": unique("nope")})
    with api_error(PermissionDeniedError, 403):
        reader.object.update(vehicle.id, entity_slug="vehicles", fields={"name": "nope"})
    with api_error(PermissionDeniedError, 403):
        reader.object.delete(vehicle.id, entity_slug="vehicles")
    with api_error(PermissionDeniedError, 403):
        reader.account.list()
