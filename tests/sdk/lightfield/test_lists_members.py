"""Lists and members through the SDK: the list envelope (no relationships), membership
written on create and with add/remove, the membership pages and their scopes, `$kind`,
and read-only members (spec §2.1, §3.3, §6)."""

from __future__ import annotations

import httpx
import pytest
from lightfield import BadRequestError, ConflictError, NotFoundError, PermissionDeniedError

from kinds import new_account
from support import OWNER_MEMBER_ID, api_error, ids, related, unique, value_of


def new_contact(lf):
    return lf.contact.create(fields={"$name": {"firstName": unique("c"), "lastName": "Doe"}}).id


def new_opportunity(lf):
    return lf.opportunity.create(fields={"$name": unique("o")}, relationships={"$account": new_account(lf)}).id


def test_account_list_lifecycle(lf):
    first, second, third = new_account(lf), new_account(lf), new_account(lf)
    created = lf.list.create(
        fields={"$name": unique("list"), "$objectType": "$account", "$description": "Q3 targets"},
        relationships={"$accounts": [first, second]},
    )
    raw = lf.list.with_raw_response.retrieve(created.id).http_response.json()
    assert "relationships" not in raw, "a list envelope has no relationships"
    assert value_of(created, "$objectType") == "$account"
    assert value_of(created, "$description") == "Q3 targets"
    assert lf.list.retrieve(created.id).to_dict() == created.to_dict()

    page = lf.list.list_accounts(created.id)
    assert ids(page) == [second, first], "members are newest first by record creation"
    assert page.total_count == 2
    # The account knows which lists hold it.
    assert created.id in related(lf.account.retrieve(first), "$lists")

    updated = lf.list.update(
        created.id,
        fields={"$name": "Renamed"},
        relationships={"$accounts": {"add": third, "remove": first}},
    )
    assert value_of(updated, "$name") == "Renamed"
    assert ids(lf.list.list_accounts(created.id)) == [third, second]
    assert ids(lf.list.list_accounts(created.id, limit=1, offset=1)) == [second]
    assert created.id in ids(lf.list.list())


def test_membership_pages_filter_and_skip_trashed_members(lf):
    kept, trashed = new_account(lf), new_account(lf)
    name = lf.account.retrieve(kept).fields["$name"].value
    target = lf.list.create(fields={"$name": unique("l"), "$objectType": "account"}, relationships={"$accounts": [kept, trashed]})
    assert value_of(target, "$objectType") == "$account", "the bare form is accepted"
    lf.account.delete(trashed)
    assert ids(lf.list.list_accounts(target.id)) == [kept]
    assert ids(lf.list.list_accounts(target.id, extra_query={"$name[equal]": name})) == [kept]
    assert ids(lf.list.list_accounts(target.id, extra_query={"$name[equal]": "nobody"})) == []
    lf.account.restore(trashed)
    assert set(ids(lf.list.list_accounts(target.id))) == {kept, trashed}


def test_contact_and_opportunity_lists(lf):
    contact = new_contact(lf)
    contacts = lf.list.create(fields={"$name": unique("l"), "$objectType": "$contact"}, relationships={"$contacts": contact})
    assert ids(lf.list.list_contacts(contacts.id)) == [contact]
    opportunity = new_opportunity(lf)
    opportunities = lf.list.create(fields={"$name": unique("l"), "$objectType": "$opportunity"})
    lf.list.update(opportunities.id, relationships={"$opportunities": {"add": [opportunity]}})
    assert ids(lf.list.list_opportunities(opportunities.id)) == [opportunity]
    with api_error(BadRequestError, 400, param="listId"):
        lf.list.list_accounts(contacts.id)


def test_list_rules(lf):
    with api_error(BadRequestError, 400, "invalid_value", "relationships.$contacts"):
        lf.list.create(fields={"$name": unique("l"), "$objectType": "$account"}, relationships={"$contacts": new_contact(lf)})
    with api_error(BadRequestError, 400, "invalid_value", "fields.$objectType"):
        lf.list.create(fields={"$name": unique("l"), "$objectType": "$meeting"})
    accounts = lf.list.create(fields={"$name": unique("l"), "$objectType": "$account"})
    with api_error(BadRequestError, 400, "read_only", "fields.$objectType"):
        lf.list.update(accounts.id, fields={"$objectType": "$contact"})
    with api_error(BadRequestError, 400, "invalid_relationship_operation", "relationships.$accounts"):
        lf.list.update(accounts.id, relationships={"$accounts": {"replace": new_account(lf)}})
    with api_error(BadRequestError, 400, "invalid_value", "relationships.$contacts"):
        lf.list.update(accounts.id, relationships={"$contacts": {"add": new_contact(lf)}})
    with api_error(BadRequestError, 400, "invalid_value", "fields.$kind"):
        lf.list.create(fields={"$name": unique("l"), "$objectType": "$opportunity", "$kind": "target"})


def test_one_target_list_per_workspace(start_server):
    # Its own server: the target list is one per workspace.
    lf = start_server("targets").client()
    first = lf.list.create(fields={"$name": "Targets", "$objectType": "$account", "$kind": "target"})
    assert value_of(first, "$kind") == "target"
    with api_error(ConflictError, 409):
        lf.list.create(fields={"$name": "Other", "$objectType": "$contact", "$kind": "target"})
    other = lf.list.create(fields={"$name": "Other", "$objectType": "$contact"})
    with api_error(ConflictError, 409):
        lf.list.update(other.id, fields={"$kind": "target"})
    assert value_of(lf.list.update(first.id, fields={"$kind": "target", "$name": "Still"}), "$kind") == "target"
    lf.list.update(first.id, fields={"$kind": None})
    assert value_of(lf.list.update(other.id, fields={"$kind": "target"}), "$kind") == "target"


def test_list_delete_keeps_its_members(lf):
    account = new_account(lf)
    target = lf.list.create(fields={"$name": unique("l"), "$objectType": "$account"}, relationships={"$accounts": account})
    assert lf.list.delete(target.id).id == target.id
    assert lf.list.delete(target.id).id == target.id
    with api_error(NotFoundError, 404):
        lf.list.retrieve(target.id)
    with api_error(NotFoundError, 404):
        lf.list.list_accounts(target.id)
    assert target.id not in ids(lf.list.list())
    assert lf.account.retrieve(account).id == account


def test_membership_pages_need_both_scopes(lf, make_client, server, crmd):
    account = new_account(lf)
    target = lf.list.create(fields={"$name": unique("l"), "$objectType": "$account"}, relationships={"$accounts": account})
    lists_only = make_client(crmd.keys_create(server.data_dir, scopes=["lists:read"]))
    assert lists_only.list.retrieve(target.id).id == target.id
    with api_error(PermissionDeniedError, 403):
        lists_only.list.list_accounts(target.id)
    accounts_only = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:read"]))
    with api_error(PermissionDeniedError, 403):
        accounts_only.list.list_accounts(target.id)
    both = make_client(crmd.keys_create(server.data_dir, scopes=["lists:read", "accounts:read"]))
    assert ids(both.list.list_accounts(target.id)) == [account]


def test_members_are_read_only(lf, server):
    page = lf.member.list()
    assert page.total_count >= 1
    owner = lf.member.retrieve(OWNER_MEMBER_ID)
    assert owner.id == OWNER_MEMBER_ID
    assert isinstance(owner.fields.email.value, str) and "@" in owner.fields.email.value
    assert isinstance(owner.fields.role.value, str)
    assert owner.relationships.user.object_type == "user"
    assert owner.id in ids(page)
    with api_error(NotFoundError, 404):
        lf.member.retrieve(new_account(lf))
    for method in ("POST", "DELETE"):
        response = httpx.request(
            method,
            f"{server.base_url}/v1/members/{OWNER_MEMBER_ID}",
            headers={"Authorization": f"Bearer {server.default_key}", "Lightfield-Version": "2026-03-01"},
            timeout=10,
        )
        assert response.status_code == 405, response.text
        assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("scope", ["accounts:read", "lists:read"])
def test_members_need_their_scope(scope, make_client, server, crmd):
    client = make_client(crmd.keys_create(server.data_dir, scopes=[scope]))
    with api_error(PermissionDeniedError, 403):
        client.member.list()
