"""Write rules (spec §3.6, §5.9): unknown keys, read-only keys, required fields and unique
values, each refused with its status, code and param, and each leaving no trace."""

from __future__ import annotations

from lightfield import BadRequestError, ConflictError, UnprocessableEntityError

from kinds import new_account
from support import api_error, unique, value_of


def count_named(lf, name):
    return lf.account.list(extra_query={"$name[equal]": name}).total_count


def test_unknown_field_is_400(lf):
    name = unique("unknown")
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.bogus"):
        lf.account.create(fields={"$name": name, "bogus": 1})
    assert count_named(lf, name) == 0
    account = lf.account.create(fields={"$name": name})
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.$bogus"):
        lf.account.update(account.id, fields={"$bogus": "x"})
    # Keys are case-sensitive.
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.$Name"):
        lf.account.update(account.id, fields={"$Name": "x"})
    # A field of another standard type is unknown here.
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.$title"):
        lf.account.update(account.id, fields={"$title": "x"})
    # A field of another custom type is unknown here.
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.rank"):
        lf.object.create("vehicles", fields={"name": unique("car"), "rank": 3})
    # A `$pipeline` hint where no pipeline is defined is unknown (spec §5.3).
    with api_error(BadRequestError, 400, code="unknown_field", param="fields.$pipeline"):
        lf.account.update(account.id, fields={"$pipeline": "pd_main"})


def test_unknown_relationship_is_400(lf):
    name = unique("unknown-rel")
    with api_error(BadRequestError, 400, code="unknown_relationship", param="relationships.$bogus"):
        lf.account.create(fields={"$name": name}, relationships={"$bogus": "1"})
    assert count_named(lf, name) == 0
    account = lf.account.create(fields={"$name": name})
    with api_error(BadRequestError, 400, code="unknown_relationship", param="relationships.$champion"):
        lf.account.update(account.id, relationships={"$champion": {"add": "1"}})


def test_read_only_fields_are_refused(lf):
    name = unique("read-only")
    with api_error(BadRequestError, 400, code="read_only", param="fields.$howTheyMakeMoney"):
        lf.account.create(fields={"$name": name, "$howTheyMakeMoney": "selling widgets"})
    assert count_named(lf, name) == 0
    account = lf.account.create(fields={"$name": name})
    with api_error(BadRequestError, 400, code="read_only", param="fields.$accountStatus"):
        lf.account.update(account.id, fields={"$accountStatus": "Customer"})
    opportunity = lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": account.id})
    with api_error(BadRequestError, 400, code="read_only", param="fields.$opportunityStatus"):
        lf.opportunity.update(opportunity.id, fields={"$opportunityStatus": "Open"})
    with api_error(BadRequestError, 400, code="read_only", param="fields.$lastInteractionAt"):
        lf.opportunity.update(opportunity.id, fields={"$lastInteractionAt": "2026-03-01T00:00:00.000Z"})
    assert value_of(lf.account.retrieve(account.id), "$accountStatus") != "Customer"


def test_read_only_relationships_are_refused(lf):
    account = lf.account.create(fields={"$name": unique("read-only-rel")})
    opportunity = lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": new_account(lf)})
    with api_error(BadRequestError, 400, code="read_only", param="relationships.$opportunity"):
        lf.account.update(account.id, relationships={"$opportunity": {"add": opportunity.id}})
    with api_error(BadRequestError, 400, code="read_only", param="relationships.$opportunity"):
        lf.account.create(fields={"$name": unique("read-only-rel")}, relationships={"$opportunity": opportunity.id})


def test_missing_required_field_is_422(lf):
    with api_error(UnprocessableEntityError, 422, code="parameter_missing", param="fields.$name"):
        lf.account.create(fields={"$website": ["https://nameless.example"]})
    with api_error(UnprocessableEntityError, 422, code="parameter_missing", param="fields.name"):
        lf.object.create("vehicles", fields={"vin": unique("VIN")})
    with api_error(UnprocessableEntityError, 422, code="parameter_missing", param="fields.$name"):
        lf.opportunity.create(fields={"$amount": 5}, relationships={"$account": new_account(lf)})


def test_missing_required_relationship_is_422(lf):
    name = unique("orphan")
    with api_error(UnprocessableEntityError, 422, code="parameter_missing", param="relationships.$account"):
        lf.opportunity.create(fields={"$name": name}, relationships={})
    assert lf.opportunity.list(extra_query={"$name[equal]": name}).total_count == 0


def test_unique_value_is_409(lf):
    vin = unique("VIN")
    first = lf.object.create("vehicles", fields={"name": unique("car"), "vin": vin})
    with api_error(ConflictError, 409, code="unique_violation", param="fields.vin") as info:
        lf.object.create("vehicles", fields={"name": unique("car"), "vin": vin})
    # The SDK retries 409s unless told not to; a duplicate never succeeds on retry (spec §7.8).
    assert info.value.response.headers.get("x-should-retry") == "false"
    assert lf.object.list("vehicles", extra_query={"vin[equal]": vin}).total_count == 1

    second = lf.object.create("vehicles", fields={"name": unique("car"), "vin": unique("VIN")})
    with api_error(ConflictError, 409, code="unique_violation"):
        lf.object.update(second.id, entity_slug="vehicles", fields={"vin": vin})
    # Writing a record's own value again is no conflict.
    assert value_of(lf.object.update(first.id, entity_slug="vehicles", fields={"vin": vin}), "vin") == vin

    # Clearing the holder's value frees it for another record.
    lf.object.update(first.id, entity_slug="vehicles", fields={"vin": None})
    assert value_of(lf.object.update(second.id, entity_slug="vehicles", fields={"vin": vin}), "vin") == vin


def test_unique_email_is_409(lf):
    email = f"{unique('dup')}@example.com"
    lf.contact.create(fields={"$email": [email]})
    with api_error(ConflictError, 409, code="unique_violation", param="fields.$email"):
        lf.contact.create(fields={"$email": [f"other-{email}", email]})
    assert lf.contact.list(extra_query={"$email[contains]": email}).total_count == 1

