"""Each value type written and read back through a custom object type (spec §3.4), and a bad
value of each type refused with a 400 that points at the field."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError

from kinds import new_account
from support import (
    BAD_VALUE_CODES,
    api_error,
    check_matches_definitions,
    check_record,
    option_id,
    plain,
    related,
    unique,
    value_of,
    values,
)

SLUG = "vehicles"

EXPECTED_TYPES = {
    "name": "TEXT",
    "vin": "TEXT",
    "notes": "MARKDOWN",
    "mileage": "NUMBER",
    "price": "CURRENCY",
    "electric": "CHECKBOX",
    "soldAt": "DATETIME",
    "emails": "EMAIL",
    "homepage": "URL",
    "phones": "TELEPHONE",
    "profile": "SOCIAL_HANDLE",
    "brand": "SINGLE_SELECT",
    "features": "MULTI_SELECT",
    "garage": "ADDRESS",
    "driver": "FULL_NAME",
}


@pytest.fixture(scope="module")
def definitions(lf):
    return lf.object.definitions(SLUG)


def create(lf, **fields):
    fields.setdefault("name", unique("car"))
    return lf.object.create(SLUG, fields=fields)


def test_definitions_cover_every_type(definitions):
    assert definitions.object_type == SLUG
    assert {key: d.value_type for key, d in definitions.field_definitions.items()} == EXPECTED_TYPES
    assert len(set(EXPECTED_TYPES.values())) == 14
    fields = definitions.field_definitions
    assert fields["price"].type_configuration.currency == "EUR"
    assert fields["profile"].type_configuration.handle_service == "LINKEDIN"
    assert fields["emails"].type_configuration.multiple_values is True
    assert fields["phones"].type_configuration.multiple_values is True
    assert not fields["homepage"].type_configuration.multiple_values
    assert [option.label for option in fields["brand"].type_configuration.options] == ["Audi", "BMW", "Fiat"]
    assert option_id(definitions, "brand", "Fiat") == "opt_fiat"
    assert option_id(definitions, "features", "Tow hitch") == "opt_tow"
    assert [option.label for option in fields["features"].type_configuration.options] == [
        "Sunroof",
        "Heated seats",
        "Tow hitch",
    ]
    option_ids = [option.id for option in fields["brand"].type_configuration.options]
    assert len(set(option_ids)) == 3 and all(option_ids)
    for key, definition in fields.items():
        assert definition.label, key
        assert not definition.read_only, key
    # Only some types carry configuration; the rest have an empty `typeConfiguration` (spec §4.1).
    configured = {"CURRENCY", "EMAIL", "TELEPHONE", "URL", "SOCIAL_HANDLE", "SINGLE_SELECT", "MULTI_SELECT"}
    for key, definition in fields.items():
        if definition.value_type not in configured:
            assert plain(definition.type_configuration) == {}, key
    owner = definitions.relationship_definitions["owner_account"]
    assert (owner.object_type, owner.cardinality, owner.label) == ("account", "HAS_ONE", "Owner")


def test_objects_list_definitions_is_sorted_by_slug(lf):
    listed = lf.object.list_definitions()
    slugs = [entry.object_type for entry in listed.data]
    assert slugs == sorted(slugs)
    assert {"vehicles", "widgets"} <= set(slugs)
    # Only custom object types are listed (spec §4.2).
    assert not {"account", "contact", "opportunity"} & set(slugs)
    labels = {entry.object_type: entry.label for entry in listed.data}
    assert labels["vehicles"] in ("Vehicle", "Vehicles")


def test_every_type_round_trips_normalised(lf, definitions):
    account_id = new_account(lf, "vehicle-owner")
    name = unique("Model T")
    vin = unique("VIN")
    vehicle = lf.object.create(
        SLUG,
        fields={
            "name": name,
            "vin": vin,
            "notes": "# Service log\n\n- *oil* changed\n- tyres `rotated`",
            "mileage": 12345.67,
            "price": 19999.99,
            "electric": True,
            "soldAt": "2027-01-15T09:30:00-08:00",
            "emails": ["sales@dealer.example", "service@dealer.example"],
            "homepage": "https://dealer.example/cars/model-t",
            "phones": ["+1 503 555 0100 x12", "+44 20 7946 0018"],
            "profile": "https://www.linkedin.com/company/dealer-example",
            "brand": "BMW",
            "features": ["Sunroof", "opt_tow"],
            "garage": {
                "street": "9 Harbor Rd",
                "street2": "Unit 4",
                "city": "Portland",
                "state": "OR",
                "postalCode": "97201",
                "country": "US",
                "latitude": 45.52,
                "longitude": -122.68,
            },
            "driver": {"firstName": "Ada", "lastName": "Lovelace"},
        },
        relationships={"owner_account": account_id},
    )
    check_record(vehicle)
    check_matches_definitions(vehicle, definitions)
    expected = {
        "name": name,
        "vin": vin,
        "notes": "# Service log\n\n- *oil* changed\n- tyres `rotated`",
        "mileage": 12345.67,
        "price": 19999.99,
        "electric": True,
        "soldAt": "2027-01-15T17:30:00.000Z",
        "emails": ["sales@dealer.example", "service@dealer.example"],
        "homepage": "https://dealer.example/cars/model-t",
        "phones": ["+15035550100;ext=12", "+442079460018"],
        "profile": "https://www.linkedin.com/company/dealer-example",
        "brand": option_id(definitions, "brand", "BMW"),
        "features": [option_id(definitions, "features", "Sunroof"), "opt_tow"],
        "garage": {
            "street": "9 Harbor Rd",
            "street2": "Unit 4",
            "city": "Portland",
            "state": "OR",
            "postalCode": "97201",
            "country": "US",
            "latitude": 45.52,
            "longitude": -122.68,
        },
        "driver": {"firstName": "Ada", "lastName": "Lovelace"},
    }
    assert values(vehicle) == expected
    assert related(vehicle, "owner_account") == [account_id]

    fetched = lf.object.retrieve(vehicle.id, entity_slug=SLUG)
    assert values(fetched) == expected
    listed = lf.object.list(SLUG, extra_query={"vin[equal]": vin})
    assert [values(record) for record in listed.data] == [expected]


@pytest.mark.parametrize(
    ("key", "written", "read"),
    [
        ("soldAt", "2026-03-16T12:00:00+00:00", "2026-03-16T12:00:00.000Z"),
        ("soldAt", "2026-03-16T23:15:30.5+05:30", "2026-03-16T17:45:30.500Z"),
        ("soldAt", "2026-03-16T12:00:00Z", "2026-03-16T12:00:00.000Z"),
        ("phones", ["(503) 555-0100 ext:7"], ["+15035550100;ext=7"]),
        ("phones", ["503.555.0100 #100"], ["+15035550100;ext=100"]),
        ("phones", "+1 503 555 0100", ["+15035550100"]),
        ("phones", ["(202) 555-0143"], ["+12025550143"]),
        ("emails", "solo@dealer.example", ["solo@dealer.example"]),
        ("brand", "opt_fiat", "opt_fiat"),
        ("brand", "  fiat ", "opt_fiat"),
        ("mileage", 0, 0),
        ("mileage", -3.5, -3.5),
        ("price", 5, 5),
        ("electric", False, False),
        ("driver", {"firstName": "Cher"}, {"firstName": "Cher"}),
        ("garage", {"city": "Lyon", "country": "FR"}, {"city": "Lyon", "country": "FR"}),
    ],
)
def test_value_normalisation(lf, key, written, read):
    vehicle = create(lf, **{key: written})
    assert value_of(vehicle, key) == read
    assert value_of(lf.object.retrieve(vehicle.id, entity_slug=SLUG), key) == read


def test_null_clears_and_omitted_fields_stay(lf, definitions):
    vehicle = create(
        lf,
        mileage=10,
        electric=True,
        brand="Audi",
        features=["Sunroof"],
        garage={"city": "Portland", "country": "US"},
        driver={"firstName": "Ada", "lastName": "Lovelace"},
        emails=["a@dealer.example"],
    )
    cleared = lf.object.update(
        vehicle.id,
        entity_slug=SLUG,
        fields={"mileage": None, "brand": None, "garage": None, "driver": None, "emails": None},
    )
    for key in ("mileage", "brand", "garage", "driver", "emails"):
        assert value_of(cleared, key) is None, key
    # Fields the update did not name keep their values.
    assert value_of(cleared, "electric") is True
    assert value_of(cleared, "features") == [option_id(definitions, "features", "Sunroof")]
    assert value_of(cleared, "name") == value_of(vehicle, "name")


def test_unset_checkbox_reads_null_not_false(lf):
    vehicle = create(lf)
    assert value_of(vehicle, "electric") is None


# One bad value per type: (field, value). Each must be refused with 400 and `param: fields.<key>`.
BAD_VALUES = [
    ("name", 42),
    ("notes", 42),
    ("mileage", "twelve"),
    ("mileage", 1.234),
    ("mileage", 9007199254740993),
    ("price", "EUR 5"),
    ("electric", "yes"),
    ("soldAt", "next tuesday"),
    ("soldAt", "2026-13-45T99:00:00+00:00"),
    ("emails", ["not-an-email"]),
    ("homepage", "not a url"),
    ("phones", ["call me maybe"]),
    ("phones", ["+1 12"]),
    ("profile", "https://x.com/dealer"),
    ("profile", "not a profile"),
    ("brand", "Tesla"),
    ("features", ["Sunroof", "Jetpack"]),
    ("features", "Sunroof,Jetpack"),
    ("features", [1, 2]),
    ("garage", {"city": "Portland", "country": "USA"}),
    ("garage", "9 Harbor Rd, Portland"),
    ("driver", "Ada Lovelace"),
]


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES, ids=[f"{key}-{index}" for index, (key, _) in enumerate(BAD_VALUES)])
def test_bad_value_is_400_with_param(lf, key, bad):
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param=f"fields.{key}"):
        create(lf, **{key: bad})

    vehicle = create(lf)
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param=f"fields.{key}"):
        lf.object.update(vehicle.id, entity_slug=SLUG, fields={key: bad})
    # The refused update changed nothing.
    assert values(lf.object.retrieve(vehicle.id, entity_slug=SLUG)) == values(vehicle)


def test_bad_standard_values_are_400(lf):
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param="fields.$headcount"):
        lf.account.create(fields={"$name": unique("bad"), "$headcount": "a million"})
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param="fields.$name"):
        lf.contact.create(fields={"$name": "Jane Doe"})
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param="fields.$twitter"):
        lf.contact.create(fields={"$twitter": "https://www.instagram.com/jane"})
    with api_error(BadRequestError, 400, code=BAD_VALUE_CODES, param="fields.$stage"):
        lf.opportunity.create(
            fields={"$name": unique("bad"), "$stage": "Won-ish"},
            relationships={"$account": new_account(lf)},
        )


def test_social_handles_tolerate_subdomains_and_query_strings(lf):
    # Regional subdomains and query strings are accepted (spec §3.4).
    vehicle = create(lf, profile="https://uk.linkedin.com/in/jane-doe?trk=public_profile")
    profile = value_of(vehicle, "profile")
    assert isinstance(profile, str) and "linkedin.com/in/jane-doe" in profile
