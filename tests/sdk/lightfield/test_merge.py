"""Merges (spec §5.6): `lf.merge.merge_accounts`, `merge_contacts`, `merge_opportunities`,
`merge_object_values` and `get_merge`, with strict response validation.

The primary keeps its id and absorbs the duplicate's values and links; the duplicate goes to
the trash. Field resolutions pick `"primary"`, `"duplicate"` or `{"value": …}` per field; other
fields keep the primary's value when set and take the duplicate's otherwise; multi-selects
take the union with `options.multiSelectUnion`.
"""

from __future__ import annotations

from typing import Any

from lightfield import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)

from support import TIMESTAMP, api_error, check_record, ids, related, unique, value_of, values


def check_merge_response(response: Any, primary_id: str) -> None:
    assert response.merge.id.startswith("mrg_") and response.merge.id[4:].isdigit(), response.merge.id
    assert response.merge.status == "done"
    assert response.primary.id == primary_id
    check_record(response.primary)
    assert isinstance(response.summary.field_write_count, int)
    assert isinstance(response.summary.sync_repointed_count, int)
    assert isinstance(response.summary.warnings, list)


def check_merge_status(lf: Any, response: Any, primary_id: str, duplicate_id: str, entity_type: str) -> None:
    status = lf.merge.get_merge(response.merge.id)
    assert status.id == response.merge.id
    assert (status.primary_id, status.duplicate_id) == (primary_id, duplicate_id)
    assert status.entity_type == entity_type
    assert status.status == "done"
    assert TIMESTAMP.match(status.created_at) and TIMESTAMP.match(status.updated_at), status


def check_trashed(lf: Any, resource: Any, record_id: str, name: str) -> None:
    """The duplicate is gone from reads and lists, and listed in the trash."""
    with api_error(NotFoundError, 404):
        resource.retrieve(record_id)
    assert resource.list(extra_query={"$name[equal]": name}).total_count == 0
    trashed = resource.list(extra_query={"status": "trashed", "$name[equal]": name})
    assert ids(trashed) == [record_id]


def test_account_merge_resolves_fields_and_moves_links(lf):
    industry = lf.account.definitions().field_definitions["$industry"].type_configuration.options
    agriculture, construction = industry[0].id, industry[1].id
    primary_name, duplicate_name = unique("keep"), unique("drop")
    primary = lf.account.create(
        fields={
            "$name": primary_name,
            "$website": ["https://keep.example.com"],
            "$industry": [agriculture],
        }
    )
    duplicate = lf.account.create(
        fields={
            "$name": duplicate_name,
            "$website": ["https://drop.example.com"],
            "$industry": [construction],
            "$linkedIn": "https://www.linkedin.com/company/drop-co",
        }
    )
    only_duplicate = lf.contact.create(
        fields={"$name": {"firstName": "Only", "lastName": "Duplicate"}},
        relationships={"$account": duplicate.id},
    )
    both = lf.contact.create(
        fields={"$name": {"firstName": "Both", "lastName": "Accounts"}},
        relationships={"$account": [primary.id, duplicate.id]},
    )
    deal = lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": duplicate.id})
    car = lf.object.create("vehicles", fields={"name": unique("car")}, relationships={"owner_account": duplicate.id})

    response = lf.merge.merge_accounts(
        primary_id=primary.id,
        duplicate_id=duplicate.id,
        field_resolutions={
            "$website": "duplicate",
            # Keys work with or without the `$`.
            "name": {"value": "  Merged Co  "},
            "industry": "primary",
        },
    )
    check_merge_response(response, primary.id)
    merged = values(response.primary)
    assert merged["$name"] == "Merged Co", "a value resolution is validated and normalized like a write"
    assert merged["$website"] == ["https://drop.example.com"]
    assert merged["$industry"] == [agriculture], "multi-selects keep the primary's options by default"
    assert merged["$linkedIn"] == "https://www.linkedin.com/company/drop-co", "the duplicate fills gaps"
    assert response.summary.field_write_count == 3, response.summary
    assert sorted(related(response.primary, "$contact")) == sorted([only_duplicate.id, both.id])
    assert sorted(related(response.primary, "$opportunity")) == [deal.id]
    assert response.summary.sync_repointed_count == 3, "one contact, the deal and the vehicle moved"
    assert response.summary.warnings == []
    assert lf.account.retrieve(primary.id).model_dump() == response.primary.model_dump()

    assert related(lf.contact.retrieve(only_duplicate.id), "$account") == [primary.id]
    assert related(lf.contact.retrieve(both.id), "$account") == [primary.id], "no link twice"
    assert related(lf.opportunity.retrieve(deal.id), "$account") == [primary.id]
    assert related(lf.object.retrieve(car.id, entity_slug="vehicles"), "owner_account") == [primary.id]
    check_trashed(lf, lf.account, duplicate.id, duplicate_name)
    check_merge_status(lf, response, primary.id, duplicate.id, "account")


def test_multi_select_union(lf):
    options = lf.account.definitions().field_definitions["$industry"].type_configuration.options
    first, second, third = options[0].id, options[1].id, options[2].id
    primary = lf.account.create(fields={"$name": unique("union"), "$industry": [third, first]})
    duplicate = lf.account.create(fields={"$name": unique("union"), "$industry": [second, third]})
    response = lf.merge.merge_accounts(
        primary_id=primary.id, duplicate_id=duplicate.id, options={"multi_select_union": True}
    )
    assert value_of(response.primary, "$industry") == [first, second, third], "the union, in option order"
    assert response.summary.field_write_count == 1

    # Without the option, an explicit duplicate resolution still takes the duplicate's options.
    other = lf.account.create(fields={"$name": unique("union"), "$industry": [second]})
    response = lf.merge.merge_accounts(
        primary_id=primary.id, duplicate_id=other.id, field_resolutions={"$industry": "duplicate"}
    )
    assert value_of(response.primary, "$industry") == [second]


def test_contact_merge_moves_a_unique_value(lf):
    primary = lf.contact.create(
        fields={"$name": {"firstName": "Ada", "lastName": "Keep"}, "$email": [f"{unique('keep')}@example.com"]}
    )
    address = f"{unique('drop')}@example.com"
    duplicate = lf.contact.create(
        fields={"$name": {"firstName": "Ada", "lastName": "Drop"}, "$email": [address], "$title": "CTO"}
    )
    response = lf.merge.merge_contacts(
        primary_id=primary.id,
        duplicate_id=duplicate.id,
        field_resolutions={"email": "duplicate", "$name": "primary"},
    )
    check_merge_response(response, primary.id)
    assert value_of(response.primary, "$email") == [address], "the duplicate's unique email moved over"
    assert value_of(response.primary, "$name") == {"firstName": "Ada", "lastName": "Keep"}
    assert value_of(response.primary, "$title") == "CTO"
    assert response.summary.field_write_count == 2
    check_merge_status(lf, response, primary.id, duplicate.id, "contact")
    history = lf.contact.field_history("$email", id=primary.id)
    assert history.data[0].value == [address]


def test_opportunities_merge_only_on_the_same_account(lf):
    account = lf.account.create(fields={"$name": unique("acct")})
    other_account = lf.account.create(fields={"$name": unique("acct")})
    champion = lf.contact.create(fields={"$name": {"firstName": "Champ", "lastName": "Ion"}})
    primary = lf.opportunity.create(fields={"$name": unique("opp")}, relationships={"$account": account.id})
    duplicate_name = unique("opp")
    duplicate = lf.opportunity.create(
        fields={"$name": duplicate_name, "$amount": 1200},
        relationships={"$account": account.id, "$champion": champion.id},
    )
    elsewhere = lf.opportunity.create(fields={"$name": unique("opp")}, relationships={"$account": other_account.id})

    with api_error(UnprocessableEntityError, 422, code="merge_not_allowed", param="relationships.$account"):
        lf.merge.merge_opportunities(primary_id=primary.id, duplicate_id=elsewhere.id)
    assert lf.opportunity.retrieve(elsewhere.id).id == elsewhere.id, "a refused merge changes nothing"

    response = lf.merge.merge_opportunities(primary_id=primary.id, duplicate_id=duplicate.id)
    check_merge_response(response, primary.id)
    assert value_of(response.primary, "$amount") == 1200
    assert related(response.primary, "$account") == [account.id]
    assert related(response.primary, "$champion") == [champion.id]
    assert sorted(related(lf.account.retrieve(account.id), "$opportunity")) == [primary.id]
    check_trashed(lf, lf.opportunity, duplicate.id, duplicate_name)
    check_merge_status(lf, response, primary.id, duplicate.id, "opportunity")


def test_custom_object_merge(lf):
    features = lf.object.definitions("vehicles").field_definitions["features"].type_configuration.options
    primary = lf.object.create(
        "vehicles", fields={"name": unique("car"), "features": [features[0].id], "mileage": 10}
    )
    duplicate = lf.object.create(
        "vehicles",
        fields={"name": unique("car"), "features": [features[2].id], "vin": unique("VIN"), "mileage": 20},
    )
    response = lf.merge.merge_object_values(
        "vehicles",
        primary_id=primary.id,
        duplicate_id=duplicate.id,
        field_resolutions={
            "driver": {"value": {"firstName": "Grace", "lastName": "Hopper"}},
            "brand": {"value": "BMW"},
            "mileage": "duplicate",
        },
        options={"multi_select_union": True},
    )
    check_merge_response(response, primary.id)
    merged = values(response.primary)
    assert merged["driver"] == {"firstName": "Grace", "lastName": "Hopper"}
    assert merged["mileage"] == 20
    assert merged["features"] == [features[0].id, features[2].id]
    assert merged["vin"] == values(duplicate)["vin"]
    brand_options = lf.object.definitions("vehicles").field_definitions["brand"].type_configuration.options
    assert merged["brand"] == next(option.id for option in brand_options if option.label == "BMW")
    check_merge_status(lf, response, primary.id, duplicate.id, "vehicles")
    with api_error(NotFoundError, 404):
        lf.object.retrieve(duplicate.id, entity_slug="vehicles")

    # A record of another type is not found under this type's path.
    account = lf.account.create(fields={"$name": unique("acct")})
    with api_error(NotFoundError, 404):
        lf.merge.merge_object_values("vehicles", primary_id=primary.id, duplicate_id=account.id)
    with api_error(NotFoundError, 404):
        lf.merge.merge_object_values("no_such_type", primary_id=primary.id, duplicate_id=account.id)


def test_merge_errors_change_nothing(lf):
    primary = lf.contact.create(fields={"$name": {"firstName": "Err", "lastName": "Keep"}})
    duplicate_name = unique("dup")
    duplicate = lf.contact.create(
        fields={"$name": {"firstName": duplicate_name, "lastName": "Drop"}, "$title": "VP"}
    )
    taken = f"{unique('taken')}@example.com"
    lf.contact.create(fields={"$name": {"firstName": "Holder", "lastName": "X"}, "$email": [taken]})

    with api_error(BadRequestError, 400, code="self_merge", param="duplicateId"):
        lf.merge.merge_contacts(primary_id=primary.id, duplicate_id=primary.id)
    with api_error(NotFoundError, 404):
        lf.merge.merge_contacts(primary_id=primary.id, duplicate_id="999999999")
    with api_error(NotFoundError, 404):
        lf.merge.merge_contacts(primary_id="con_nope", duplicate_id=duplicate.id)
    with api_error(BadRequestError, 400, code="unknown_field", param="fieldResolutions.bogus"):
        lf.merge.merge_contacts(
            primary_id=primary.id, duplicate_id=duplicate.id, field_resolutions={"bogus": "primary"}
        )
    with api_error(BadRequestError, 400, code="invalid_value", param="fieldResolutions.$title"):
        lf.merge.merge_contacts(
            primary_id=primary.id, duplicate_id=duplicate.id, field_resolutions={"$title": "newest"}
        )
    with api_error(BadRequestError, 400, code="invalid_type", param="fieldResolutions.$name"):
        lf.merge.merge_contacts(
            primary_id=primary.id, duplicate_id=duplicate.id, field_resolutions={"$name": {"value": "Ada Drop"}}
        )
    with api_error(BadRequestError, 400, code="invalid_value", param="fieldResolutions.email"):
        lf.merge.merge_contacts(
            primary_id=primary.id,
            duplicate_id=duplicate.id,
            field_resolutions={"email": {"value": ["not an email"]}},
        )
    with api_error(ConflictError, 409, code="unique_violation", param="fieldResolutions.$email"):
        lf.merge.merge_contacts(
            primary_id=primary.id, duplicate_id=duplicate.id, field_resolutions={"$email": {"value": [taken]}}
        )
    # None of the failures touched either record.
    assert values(lf.contact.retrieve(duplicate.id))["$title"] == "VP"
    assert values(lf.contact.retrieve(primary.id))["$title"] is None

    # A trashed record cannot take part.
    lf.contact.delete(duplicate.id)
    with api_error(NotFoundError, 404):
        lf.merge.merge_contacts(primary_id=primary.id, duplicate_id=duplicate.id)
    with api_error(NotFoundError, 404):
        lf.merge.merge_contacts(primary_id=duplicate.id, duplicate_id=primary.id)
    assert lf.contact.list(extra_query={"status": "trashed", "$name[startsWith]": duplicate_name}).total_count == 1


def test_merge_scopes_and_lookup(crmd, server, lf, make_client):
    primary = lf.account.create(fields={"$name": unique("scoped")})
    duplicate = lf.account.create(fields={"$name": unique("scoped")})

    update_only = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:update", "accounts:read"]))
    with api_error(PermissionDeniedError, 403):
        update_only.merge.merge_accounts(primary_id=primary.id, duplicate_id=duplicate.id)
    delete_only = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:delete", "accounts:read"]))
    with api_error(PermissionDeniedError, 403):
        delete_only.merge.merge_accounts(primary_id=primary.id, duplicate_id=duplicate.id)
    # The permission is checked before the body.
    with api_error(PermissionDeniedError, 403):
        update_only.merge.merge_accounts(primary_id=primary.id, duplicate_id=primary.id)
    assert lf.account.retrieve(duplicate.id).id == duplicate.id

    merger = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:update", "accounts:delete"]))
    response = merger.merge.merge_accounts(primary_id=primary.id, duplicate_id=duplicate.id)
    check_merge_response(response, primary.id)

    # Reading a merge needs the read permission of the merged type.
    with api_error(PermissionDeniedError, 403):
        merger.merge.get_merge(response.merge.id)
    reader = make_client(crmd.keys_create(server.data_dir, scopes=["accounts:read"]))
    assert reader.merge.get_merge(response.merge.id).primary_id == primary.id

    for missing in ["mrg_999999999", "mrg_0", "mrg_01", primary.id, "nope"]:
        with api_error(NotFoundError, 404):
            lf.merge.get_merge(missing)

    # A merge of another workspace is not found.
    other = make_client(crmd.keys_create(server.data_dir, workspace=unique("merge-ws")))
    with api_error(NotFoundError, 404):
        other.merge.get_merge(response.merge.id)
