"""The objects API through HubSpot's official Python SDK: create, get, list, update, archive."""

from __future__ import annotations

import json
import uuid

import pytest
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.contacts import ApiException
from hubspot.crm.contacts.exceptions import NotFoundException, UnauthorizedException
from hubspot.crm.contacts import SimplePublicObjectInput as ContactUpdate
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.objects import ApiException as ObjectsApiException
from hubspot.crm.objects import SimplePublicObjectInput as ObjectUpdate
from hubspot.crm.objects import SimplePublicObjectInputForCreate as ObjectCreate


def unique_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


def test_contact_lifecycle(hs):
    email = unique_email()
    created = hs.crm.contacts.basic_api.create(
        ContactCreate(properties={"email": email, "firstname": "Ada", "lastname": "Lovelace"}, associations=[])
    )
    assert created is not None, "a create answers 201, which the SDK maps to its model"
    assert created.properties["hs_object_id"] == created.id
    assert created.properties["firstname"] == "Ada"
    assert created.archived is False
    assert created.created_at.tzinfo is not None

    fetched = hs.crm.contacts.basic_api.get_by_id(created.id, properties=["email", "jobtitle"])
    assert fetched.properties["email"] == email
    assert fetched.properties["jobtitle"] is None
    assert set(fetched.properties) == {"createdate", "email", "hs_object_id", "jobtitle", "lastmodifieddate"}

    by_email = hs.crm.contacts.basic_api.get_by_id(email, id_property="email")
    assert by_email.id == created.id

    updated = hs.crm.contacts.basic_api.update(created.id, ContactUpdate(properties={"lastname": "King"}))
    assert updated.properties["firstname"] == "Ada"
    assert updated.properties["lastname"] == "King"

    history = hs.crm.contacts.basic_api.get_by_id(created.id, properties_with_history=["lastname"])
    assert [entry.value for entry in history.properties_with_history["lastname"]] == ["King", "Lovelace"]

    assert hs.crm.contacts.basic_api.archive(created.id) is None
    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.get_by_id(created.id)
    archived = hs.crm.contacts.basic_api.get_by_id(created.id, archived=True)
    assert archived.archived is True
    assert archived.archived_at is not None


def test_empty_string_clears_a_property(hs):
    created = hs.crm.contacts.basic_api.create(
        ContactCreate(properties={"email": unique_email(), "jobtitle": "Analyst"})
    )
    hs.crm.contacts.basic_api.update(created.id, ContactUpdate(properties={"jobtitle": ""}))
    fetched = hs.crm.contacts.basic_api.get_by_id(created.id, properties=["jobtitle"])
    assert fetched.properties["jobtitle"] is None


def test_get_all_pages_until_paging_is_absent(hs):
    marker = uuid.uuid4().hex[:8]
    ids = {
        hs.crm.objects.basic_api.create(
            "cars", ObjectCreate(properties={"model": f"{marker}-{n}", "vin": f"{marker}{n}"})
        ).id
        for n in range(7)
    }
    page = hs.crm.objects.basic_api.get_page("cars", limit=3, properties=["model"])
    assert len(page.results) == 3
    assert page.paging.next.after
    everything = hs.crm.objects.get_all("cars", properties=["model"])
    assert ids <= {car.id for car in everything}
    listed = [int(car.id) for car in everything]
    assert listed == sorted(listed), "lists are in ascending id order"


def test_custom_object_values_are_strings_and_type_ids_resolve(hs):
    vin = uuid.uuid4().hex[:10]
    created = hs.crm.objects.basic_api.create(
        "2-1",
        ObjectCreate(
            properties={
                "model": "Model T",
                "vin": vin,
                "year": "1925",
                "electric": "false",
                "first_registered": "1430438400000",
                "extras": "tow;sunroof",
            }
        ),
    )
    assert created.properties["year"] == "1925"
    assert created.properties["electric"] == "false"
    assert created.properties["first_registered"] == "2015-05-01"
    assert created.properties["extras"] == "sunroof;tow"
    for identifier in ["cars", "p_cars", "2-1"]:
        fetched = hs.crm.objects.basic_api.get_by_id(identifier, vin, id_property="vin", properties=["model"])
        assert fetched.id == created.id
    with pytest.raises(ObjectsApiException) as caught:
        hs.crm.objects.basic_api.update(
            "cars", created.id, ObjectUpdate(properties={"first_registered": "1496643178000"})
        )
    assert caught.value.status == 400
    assert json.loads(caught.value.body)["errors"][0]["code"] == "INVALID_DATE"


def test_company_address_is_split_into_properties(hs):
    created = hs.crm.companies.basic_api.create(
        CompanyCreate(properties={"name": "Globex", "address": "9 Harbor Rd", "city": "Portland", "zip": "97201"})
    )
    fetched = hs.crm.companies.basic_api.get_by_id(created.id, properties=["address", "city", "zip", "name"])
    assert fetched.properties["address"] == "9 Harbor Rd"
    assert fetched.properties["city"] == "Portland"
    assert fetched.properties["zip"] == "97201"


def test_duplicate_email_answers_409_with_the_existing_id(hs):
    email = unique_email()
    first = hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": email}))
    with pytest.raises(ApiException) as caught:
        hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": email.upper()}))
    assert caught.value.status == 409
    body = json.loads(caught.value.body)
    assert body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {first.id}"
    assert body["correlationId"]


def test_unknown_property_names_it(hs):
    with pytest.raises(ApiException) as caught:
        hs.crm.contacts.basic_api.create(ContactCreate(properties={"favourite_colour": "blue"}))
    assert caught.value.status == 400
    body = json.loads(caught.value.body)
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    assert body["errors"][0]["context"]["propertyName"] == ["favourite_colour"]


def test_a_bad_token_is_401(make_hs):
    with pytest.raises(UnauthorizedException) as caught:
        make_hs("pat-na1-not-a-crmd-key").crm.contacts.basic_api.get_page()
    assert json.loads(caught.value.body)["category"] == "INVALID_AUTHENTICATION"


def test_a_record_written_through_hubspot_reads_back_through_lightfield(hs, server):
    from crmd_harness import make_client

    email = unique_email()
    created = hs.crm.contacts.basic_api.create(
        ContactCreate(properties={"email": email, "firstname": "Grace", "lastname": "Hopper"})
    )
    lf = make_client(server.base_url, server.default_key)
    contact = lf.contact.retrieve(created.id)
    name = contact.fields["$name"].value
    assert (name.first_name, name.last_name) == ("Grace", "Hopper")
    assert contact.fields["$email"].value == [email]

    lf.contact.update(created.id, fields={"$title": "Rear admiral"})
    fetched = hs.crm.contacts.basic_api.get_by_id(created.id, properties=["jobtitle"])
    assert fetched.properties["jobtitle"] == "Rear admiral"
