"""The standard model seeded into every workspace (spec §6): definitions, and writing each
system field of accounts, contacts and opportunities."""

from __future__ import annotations

from support import (
    OWNER_MEMBER_ID,
    check_matches_definitions,
    option_id,
    plain,
    related,
    unique,
    value_of,
)


def field_types(definitions):
    return {key: definition.value_type for key, definition in definitions.field_definitions.items()}


def test_account_definitions(lf):
    definitions = lf.account.definitions()
    assert definitions.object_type == "account"
    types = field_types(definitions)
    expected = {
        "$name": "TEXT",
        "$website": "URL",
        "$industry": "MULTI_SELECT",
        "$headcount": "SINGLE_SELECT",
        "$linkedIn": "SOCIAL_HANDLE",
        "$primaryAddress": "ADDRESS",
        "$howTheyMakeMoney": "MARKDOWN",
    }
    assert {key: types.get(key) for key in expected} == expected
    assert "$accountStatus" in types
    fields = definitions.field_definitions
    assert fields["$website"].type_configuration.multiple_values is True
    assert fields["$linkedIn"].type_configuration.handle_service == "LINKEDIN"
    assert "51-200" in [option.label for option in fields["$headcount"].type_configuration.options]
    assert fields["$industry"].type_configuration.options
    for option in fields["$headcount"].type_configuration.options + fields["$industry"].type_configuration.options:
        assert option.id and option.label
    assert fields["$howTheyMakeMoney"].read_only is True
    assert fields["$accountStatus"].read_only is True
    assert not fields["$name"].read_only

    relationships = definitions.relationship_definitions
    assert (relationships["$owner"].object_type, relationships["$owner"].cardinality) == ("member", "HAS_ONE")
    assert (relationships["$contact"].object_type, relationships["$contact"].cardinality) == ("contact", "HAS_MANY")
    for key, object_type in (("$opportunity", "opportunity"), ("$task", "task"), ("$note", "note"), ("$meeting", "meeting")):
        assert relationships[key].object_type == object_type, key
        assert relationships[key].cardinality == "HAS_MANY", key
    # The custom relationship from `schema.toml` shows up on its target too.
    assert (relationships["vehicles"].object_type, relationships["vehicles"].cardinality) == ("vehicles", "HAS_MANY")


def test_contact_definitions(lf):
    definitions = lf.contact.definitions()
    assert definitions.object_type == "contact"
    expected = {
        "$name": "FULL_NAME",
        "$email": "EMAIL",
        "$phone": "TELEPHONE",
        "$title": "TEXT",
        "$doNotContact": "CHECKBOX",
        "$linkedIn": "SOCIAL_HANDLE",
        "$twitter": "SOCIAL_HANDLE",
        "$instagram": "SOCIAL_HANDLE",
    }
    types = field_types(definitions)
    assert {key: types.get(key) for key in expected} == expected
    fields = definitions.field_definitions
    assert fields["$email"].type_configuration.multiple_values is True
    assert fields["$email"].type_configuration.unique is True
    assert fields["$phone"].type_configuration.multiple_values is True
    assert fields["$twitter"].type_configuration.handle_service == "TWITTER"
    assert fields["$instagram"].type_configuration.handle_service == "INSTAGRAM"
    relationships = definitions.relationship_definitions
    assert (relationships["$account"].object_type, relationships["$account"].cardinality) == ("account", "HAS_MANY")
    assert (relationships["$owner"].object_type, relationships["$owner"].cardinality) == ("member", "HAS_ONE")


def test_opportunity_definitions(lf):
    definitions = lf.opportunity.definitions()
    assert definitions.object_type == "opportunity"
    expected = {"$name": "TEXT", "$stage": "SINGLE_SELECT", "$amount": "CURRENCY", "$closeDate": "DATETIME"}
    types = field_types(definitions)
    assert {key: types.get(key) for key in expected} == expected
    fields = definitions.field_definitions
    assert fields["$amount"].type_configuration.currency == "USD"
    assert [option.label for option in fields["$stage"].type_configuration.options] == [
        "Discovery",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed Won",
        "Closed Lost",
    ]
    assert fields["$opportunityStatus"].read_only is True
    assert fields["$lastInteractionAt"].read_only is True
    relationships = definitions.relationship_definitions
    assert (relationships["$account"].object_type, relationships["$account"].cardinality) == ("account", "HAS_ONE")
    assert (relationships["$owner"].object_type, relationships["$owner"].cardinality) == ("member", "HAS_ONE")
    assert (relationships["$champion"].object_type, relationships["$champion"].cardinality) == ("contact", "HAS_ONE")
    assert (relationships["$contact"].object_type, relationships["$contact"].cardinality) == ("contact", "HAS_MANY")


def test_account_system_fields_round_trip(lf):
    definitions = lf.account.definitions()
    name = unique("Globex Holdings")
    account = lf.account.create(
        fields={
            "$name": name,
            "$website": ["https://globex.example"],
            "$industry": ["Manufacturing", "software"],
            "$headcount": "51-200",
            "$primaryAddress": {
                "street": "9 Harbor Rd",
                "city": "Portland",
                "state": "OR",
                "postalCode": "97201",
                "country": "US",
            },
            "$linkedIn": "https://www.linkedin.com/company/globex-example",
        },
        relationships={"$owner": OWNER_MEMBER_ID},
        skip_enrichment=True,
    )
    check_matches_definitions(account, definitions)
    assert value_of(account, "$name") == name
    assert value_of(account, "$website") == ["https://globex.example"]
    # Labels resolve to option ids; labels match case-insensitively (spec §3.4).
    assert sorted(value_of(account, "$industry")) == sorted(
        [option_id(definitions, "$industry", "Manufacturing"), option_id(definitions, "$industry", "Software")]
    )
    assert value_of(account, "$headcount") == option_id(definitions, "$headcount", "51-200")
    assert value_of(account, "$primaryAddress") == {
        "street": "9 Harbor Rd",
        "city": "Portland",
        "state": "OR",
        "postalCode": "97201",
        "country": "US",
    }
    assert value_of(account, "$linkedIn") == "https://www.linkedin.com/company/globex-example"
    assert value_of(account, "$howTheyMakeMoney") is None
    assert related(account, "$owner") == [OWNER_MEMBER_ID]
    assert lf.account.retrieve(account.id).to_dict() == account.to_dict()


def test_contact_system_fields_round_trip(lf):
    definitions = lf.contact.definitions()
    handle = unique("jane")
    email = f"{handle}@example.com"
    contact = lf.contact.create(
        fields={
            "$name": {"firstName": "Jane", "lastName": "Doe"},
            "$email": [email, f"{handle}@work.example.org"],
            "$phone": ["+1 503 555 0100 x12"],
            "$title": "Chief Widget Officer",
            "$doNotContact": True,
            "$linkedIn": f"https://www.linkedin.com/in/{handle}",
            "$twitter": f"https://x.com/{handle.replace('-', '_')}",
            "$instagram": f"https://www.instagram.com/{handle.replace('-', '_')}",
        },
        relationships={"$owner": OWNER_MEMBER_ID},
        skip_enrichment=True,
    )
    check_matches_definitions(contact, definitions)
    assert value_of(contact, "$name") == {"firstName": "Jane", "lastName": "Doe"}
    assert value_of(contact, "$email") == [email, f"{handle}@work.example.org"]
    assert value_of(contact, "$phone") == ["+15035550100;ext=12"]
    assert value_of(contact, "$title") == "Chief Widget Officer"
    assert value_of(contact, "$doNotContact") is True
    assert value_of(contact, "$linkedIn") == f"https://www.linkedin.com/in/{handle}"
    assert value_of(contact, "$twitter") == f"https://x.com/{handle.replace('-', '_')}"
    assert value_of(contact, "$instagram") == f"https://www.instagram.com/{handle.replace('-', '_')}"
    assert related(contact, "$owner") == [OWNER_MEMBER_ID]

    # A single email string is accepted for a multi-value field and reads back as a list.
    changed = lf.contact.update(contact.id, fields={"$email": f"{handle}@other.example", "$doNotContact": False})
    assert value_of(changed, "$email") == [f"{handle}@other.example"]
    assert value_of(changed, "$doNotContact") is False


def test_opportunity_system_fields_round_trip(lf):
    definitions = lf.opportunity.definitions()
    account = lf.account.create(fields={"$name": unique("buyer")}, skip_enrichment=True)
    champion = lf.contact.create(fields={"$name": {"firstName": "Cham", "lastName": "Pion"}})
    name = unique("Big deal")
    opportunity = lf.opportunity.create(
        fields={
            "$name": name,
            "$stage": "closed  won",
            "$amount": 125000.5,
            "$closeDate": "2027-01-15T09:30:00-08:00",
        },
        relationships={"$account": account.id, "$champion": champion.id, "$owner": OWNER_MEMBER_ID},
    )
    check_matches_definitions(opportunity, definitions)
    assert value_of(opportunity, "$name") == name
    # Stage labels match case-insensitively with whitespace collapsed (spec §3.4).
    assert value_of(opportunity, "$stage") == option_id(definitions, "$stage", "Closed Won")
    assert value_of(opportunity, "$amount") == 125000.5
    assert value_of(opportunity, "$closeDate") == "2027-01-15T17:30:00.000Z"
    assert related(opportunity, "$account") == [account.id]
    assert related(opportunity, "$champion") == [champion.id]
    assert related(opportunity, "$owner") == [OWNER_MEMBER_ID]

    # An option id is accepted as well as a label.
    proposal = option_id(definitions, "$stage", "Proposal")
    assert value_of(lf.opportunity.update(opportunity.id, fields={"$stage": proposal}), "$stage") == proposal
    assert plain(lf.opportunity.retrieve(opportunity.id).fields["$amount"].value) == 125000.5
