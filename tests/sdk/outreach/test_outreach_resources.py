"""Outreach's API v2 resources through a real JSON:API client, every document validated."""

from __future__ import annotations

import uuid

from jsonapi_client import Modifier, Session

JSON_API = "application/vnd.api+json"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create(session: Session, plural: str, type_name: str, **fields: object):
    resource = session.create(type_name, fields=fields)
    resource.commit(custom_url=f"{session.url_prefix}/{plural}")
    return resource


def test_create_get_update_and_delete_a_prospect(session: Session, http) -> None:
    account = create(session, "accounts", "account", name=unique("Acme"))
    assert isinstance(account.id, int)
    prospect = create(session, "prospects", "prospect", firstName="Ann", lastName="Lee", emails=[f"{unique('ann')}@acme.example"])
    assert isinstance(prospect.id, int)

    linked = http(
        "PATCH",
        f"/prospects/{prospect.id}",
        headers={"Content-Type": JSON_API},
        json={"data": {"type": "prospect", "id": prospect.id, "relationships": {"account": {"data": {"type": "account", "id": account.id}}}}},
    )
    assert linked.status_code == 200

    fetched = session.get("prospects", prospect.id).resource
    assert fetched.firstName == "Ann"
    assert fetched.name == "Ann Lee"
    linkage = http("GET", f"/prospects/{prospect.id}").json()["data"]["relationships"]["account"]
    assert linkage == {"data": {"type": "account", "id": account.id}}
    assert session.get("accounts", linkage["data"]["id"]).resource.name == account.name

    fetched.title = "CTO"
    fetched.commit()
    assert session.get("prospects", prospect.id).resource.title == "CTO"

    assert http("DELETE", f"/prospects/{prospect.id}").status_code == 204
    assert http("GET", f"/prospects/{prospect.id}").json()["errors"][0]["id"] == "resourceNotFound"


def test_iterate_follows_next_links_with_filters(session: Session) -> None:
    tag = unique("Paged")
    created = [create(session, "accounts", "account", name=f"{tag}-{index}").id for index in range(5)]
    names = ",".join(f"{tag}-{index}" for index in range(5))
    seen = [account.id for account in session.iterate("accounts", Modifier(f"filter[name]={names}&page[size]=2&sort=-name"))]
    assert seen == list(reversed(created))
    counted = session.get("accounts", Modifier(f"filter[name]={names}&count=true&page[size]=1"))
    assert counted.meta.count == 5
    ranged = session.get("accounts", Modifier(f"filter[id]={created[1]}..{created[3]}&filter[name]={names}"))
    assert [account.id for account in ranged.resources] == created[1:4]


def test_include_and_sparse_fieldsets(session: Session, http) -> None:
    account = create(session, "accounts", "account", name=unique("Inc"))
    response = http(
        "POST",
        "/prospects",
        headers={"Content-Type": JSON_API},
        json={"data": {"type": "prospect", "attributes": {"firstName": "Cy"}, "relationships": {"account": {"data": {"type": "account", "id": account.id}}}}},
    )
    assert response.status_code == 201
    prospect_id = response.json()["data"]["id"]
    assert response.headers["location"] == response.json()["data"]["links"]["self"]
    document = session.get("prospects", Modifier(f"filter[id]={prospect_id}&include=account&fields[prospect]=firstName,account"))
    (prospect,) = document.resources
    assert prospect.firstName == "Cy"
    assert prospect.relationships.account.resource.id == account.id
    assert [included.id for included in document.included] == [account.id]
    assert [included.name for included in document.included] == [account.name]


def test_errors_are_json_api_documents(http) -> None:
    body = {"data": {"type": "account", "attributes": {"name": "x"}}}
    refused = http("POST", "/accounts", json=body, headers={"Content-Type": "application/json"})
    assert refused.status_code == 415
    assert refused.json()["errors"][0]["id"] == "unsupportedMediaType"

    missing = http("POST", "/accounts", json={"data": {"type": "account", "attributes": {}}}, headers={"Content-Type": JSON_API})
    assert missing.status_code == 422
    error = missing.json()["errors"][0]
    assert error["id"] == "validationError"
    assert error["source"] == {"pointer": "/data/attributes/name"}

    bad_filter = http("GET", "/accounts?filter[bogus]=1")
    assert bad_filter.status_code == 400
    assert bad_filter.json()["errors"][0]["source"] == {"parameter": "filter[bogus]"}

    unauthenticated = http("GET", "/accounts", key="crmd_nope_nope")
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"


def test_a_prospect_reads_back_through_lightfield_as_a_contact(session: Session, lightfield) -> None:
    email = f"{unique('cross')}@example.com"
    prospect = create(session, "prospects", "prospect", firstName="Dana", lastName="Cruz", emails=[email], title="VP")
    contact = lightfield.contact.retrieve(str(prospect.id))
    name = contact.fields["$name"].value
    assert (name.first_name, name.last_name) == ("Dana", "Cruz")
    assert contact.fields["$email"].value == [email]
    assert contact.fields["$title"].value == "VP"
