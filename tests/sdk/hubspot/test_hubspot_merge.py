"""Merge and GDPR delete through HubSpot's official Python SDK (`basic_api.merge`, `basic_api.purge`)."""

from __future__ import annotations

import uuid

import pytest
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.companies import PublicMergeInput as CompanyMerge
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.contacts import ApiException, PublicGdprDeleteInput, PublicMergeInput
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.contacts.exceptions import NotFoundException
from hubspot.crm.contacts import PublicObjectSearchRequest


def unique_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


def new_contact(hs, **properties) -> str:
    return hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": unique_email(), **properties})).id


def test_merge_answers_the_survivor_and_the_merged_id_reads_as_it(hs):
    primary = new_contact(hs, firstname="Ada")
    merged_email = unique_email()
    merged = hs.crm.contacts.basic_api.create(
        ContactCreate(properties={"email": merged_email, "lastname": "Lovelace", "jobtitle": "Analyst"})
    ).id
    company = hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": "Engines"})).id
    hs.crm.associations.v4.basic_api.create(
        "contacts",
        merged,
        "companies",
        company,
        [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)],
    )

    survivor = hs.crm.contacts.basic_api.merge(PublicMergeInput(primary_object_id=primary, object_id_to_merge=merged))
    assert survivor is not None, "a merge answers 200, which the SDK maps to its model"
    assert survivor.id == primary
    assert survivor.properties["firstname"] == "Ada"
    assert survivor.properties["lastname"] == "Lovelace"
    assert survivor.properties["jobtitle"] == "Analyst"
    assert merged_email in survivor.properties["email"].split(";")

    read = hs.crm.contacts.basic_api.get_by_id(merged, properties=["lastname"])
    assert read.id == primary, "the merged-away id resolves to the survivor"
    by_email = hs.crm.contacts.basic_api.get_by_id(merged_email, id_property="email")
    assert by_email.id == primary
    page = hs.crm.associations.v4.basic_api.get_page("contacts", primary, "companies")
    assert [str(item.to_object_id) for item in page.results] == [company]

    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.merge(PublicMergeInput(primary_object_id=primary, object_id_to_merge=merged))
    with pytest.raises(ApiException) as itself:
        hs.crm.contacts.basic_api.merge(PublicMergeInput(primary_object_id=primary, object_id_to_merge=primary))
    assert itself.value.status == 400


def test_companies_merge_too(hs):
    first = hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": "Globex", "city": "Springfield"})).id
    second = hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": "Globex Inc", "zip": "49007"})).id
    survivor = hs.crm.companies.basic_api.merge(CompanyMerge(primary_object_id=first, object_id_to_merge=second))
    assert survivor.id == first
    assert (survivor.properties["name"], survivor.properties["city"], survivor.properties["zip"]) == (
        "Globex",
        "Springfield",
        "49007",
    )


def test_gdpr_delete_purges_a_contact_by_email_or_id(hs):
    email = unique_email()
    contact = hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": email, "firstname": "Zebulon"})).id
    assert hs.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=email, id_property="email")) is None
    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.get_by_id(contact)
    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.get_by_id(contact, archived=True)
    found = hs.crm.contacts.search_api.do_search(PublicObjectSearchRequest(query="Zebulon"))
    assert found.total == 0

    again = hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": email})).id
    assert again != contact, "the email is free again"
    hs.crm.contacts.basic_api.archive(again)
    assert hs.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=again)) is None
    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.get_by_id(again, archived=True)

    with pytest.raises(NotFoundException):
        hs.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=again))
