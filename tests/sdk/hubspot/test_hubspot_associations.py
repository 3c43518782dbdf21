"""Associations through HubSpot's official Python SDK: inline on create, on reads, and the v4 API."""

from __future__ import annotations

import uuid

from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.associations.v4.models import (
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.deals import AssociationSpec as DealAssociationSpec
from hubspot.crm.deals import PublicAssociationsForObject, PublicObjectId as DealTarget
from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealCreate
from hubspot.crm.objects.notes import SimplePublicObjectInputForCreate as NoteCreate


def new_contact(hs) -> str:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    return hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": email})).id


def new_company(hs, name: str = "Globex") -> str:
    return hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": name})).id


def test_a_deal_is_created_with_an_association_to_its_company(hs):
    company = new_company(hs)
    deal = hs.crm.deals.basic_api.create(
        DealCreate(
            properties={"dealname": "Big one", "dealstage": "opt_stage_discovery"},
            associations=[
                PublicAssociationsForObject(
                    to=DealTarget(id=company),
                    types=[DealAssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=341)],
                )
            ],
        )
    )
    assert deal is not None
    fetched = hs.crm.deals.basic_api.get_by_id(deal.id, associations=["companies"])
    types = {(item.id, item.type) for item in fetched.associations["companies"].results}
    assert types == {(company, "deal_to_company_unlabeled"), (company, "deal_to_company")}

    page = hs.crm.associations.v4.basic_api.get_page("companies", company, "deals")
    assert [str(item.to_object_id) for item in page.results] == [deal.id]
    assert {spec.type_id for spec in page.results[0].association_types} == {342, 6}


def test_create_default_get_page_and_archive(hs):
    contact = new_contact(hs)
    company = new_company(hs)
    basic = hs.crm.associations.v4.basic_api

    created = basic.create_default("contacts", contact, "companies", company)
    assert created.status == "COMPLETE"
    assert [(r.association_spec.association_type_id, r._from.id, r.to.id) for r in created.results] == [
        (279, contact, company),
        (280, company, contact),
    ]

    page = basic.get_page("contacts", contact, "companies", limit=10)
    assert [str(item.to_object_id) for item in page.results] == [company]
    assert page.results[0].association_types[0].category == "HUBSPOT_DEFINED"
    assert page.results[0].association_types[0].label is None
    assert page.paging is None

    note = hs.crm.objects.notes.basic_api.create(NoteCreate(properties={"hs_note_body": "Called"})).id
    labelled = basic.create(
        "notes",
        note,
        "contacts",
        contact,
        [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=202)],
    )
    assert str(labelled.to_object_id) == contact
    assert labelled.labels == []

    basic.archive("contacts", contact, "companies", company)
    assert basic.get_page("contacts", contact, "companies").results == []


def test_batch_associate_read_and_archive(hs):
    company = new_company(hs, "Initech")
    first, second = new_contact(hs), new_contact(hs)
    batch = hs.crm.associations.v4.batch_api

    created = batch.create(
        "contacts",
        "companies",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=first),
                    to=PublicObjectId(id=company),
                    types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)],
                )
            ]
        ),
    )
    assert [str(result.from_object_id) for result in created.results] == [first]

    defaulted = batch.create_default(
        "contacts",
        "companies",
        BatchInputPublicDefaultAssociationMultiPost(
            inputs=[PublicDefaultAssociationMultiPost(_from=PublicObjectId(id=second), to=PublicObjectId(id=company))]
        ),
    )
    assert len(defaulted.results) == 2

    read = batch.get_page(
        "companies",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=company)]),
    )
    assert sorted(str(item.to_object_id) for item in read.results[0].to) == sorted([first, second])

    batch.archive(
        "companies",
        "contacts",
        BatchInputPublicAssociationMultiArchive(
            inputs=[PublicAssociationMultiArchive(_from=PublicObjectId(id=company), to=[PublicObjectId(id=first)])]
        ),
    )
    left = hs.crm.associations.v4.basic_api.get_page("companies", company, "contacts")
    assert [str(item.to_object_id) for item in left.results] == [second]
