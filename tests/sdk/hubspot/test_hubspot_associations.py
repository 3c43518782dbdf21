"""Associations through HubSpot's official Python SDK: inline on create, on reads, the v4 API and the v3 API."""

from __future__ import annotations

import uuid

from hubspot.crm.associations import (
    BatchInputPublicAssociation,
    BatchInputPublicObjectId,
    PublicAssociation,
)
from hubspot.crm.associations import PublicObjectId as V3ObjectId
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


def test_batch_labels_archive_removes_the_listed_types(hs):
    company = new_company(hs, "Hooli")
    contact = new_contact(hs)
    batch = hs.crm.associations.v4.batch_api
    pair = PublicAssociationMultiPost(
        _from=PublicObjectId(id=contact),
        to=PublicObjectId(id=company),
        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)],
    )
    batch.create("contacts", "companies", BatchInputPublicAssociationMultiPost(inputs=[pair]))
    assert batch.archive_labels("contacts", "companies", BatchInputPublicAssociationMultiPost(inputs=[pair])) is None
    assert hs.crm.associations.v4.basic_api.get_page("contacts", contact, "companies").results == []


def test_v3_batch_api_creates_reads_and_archives(hs):
    company = new_company(hs, "Umbrella")
    first, second = new_contact(hs), new_contact(hs)
    v3 = hs.crm.associations.batch_api

    created = v3.create(
        "contacts",
        "companies",
        BatchInputPublicAssociation(
            inputs=[
                PublicAssociation(_from=V3ObjectId(id=first), to=V3ObjectId(id=company), type="contact_to_company"),
                PublicAssociation(
                    _from=V3ObjectId(id=second), to=V3ObjectId(id=company), type="contact_to_company_unlabeled"
                ),
            ]
        ),
    )
    assert created is not None, "a batch create answers 201, which the SDK maps to its model"
    assert created.status == "COMPLETE"
    assert [(item._from.id, item.to.id, item.type) for item in created.results] == [
        (first, company, "contact_to_company_unlabeled"),
        (second, company, "contact_to_company_unlabeled"),
    ]

    read = v3.read("companies", "contacts", BatchInputPublicObjectId(inputs=[V3ObjectId(id=company)]))
    assert read.results[0]._from.id == company
    assert sorted((item.id, item.type) for item in read.results[0].to) == sorted(
        [(first, "company_to_contact_unlabeled"), (second, "company_to_contact_unlabeled")]
    )
    v4_page = hs.crm.associations.v4.basic_api.get_page("companies", company, "contacts")
    assert sorted(str(item.to_object_id) for item in v4_page.results) == sorted([first, second])

    missing = v3.read("companies", "contacts", BatchInputPublicObjectId(inputs=[V3ObjectId(id="999999")]))
    assert missing.results == []
    assert missing.errors[0].category == "OBJECT_NOT_FOUND"
    assert missing.errors[0].context["fromObjectId"] == ["999999"]

    archived = v3.archive(
        "contacts",
        "companies",
        BatchInputPublicAssociation(
            inputs=[PublicAssociation(_from=V3ObjectId(id=first), to=V3ObjectId(id=company), type="contact_to_company")]
        ),
    )
    assert archived is None, "a batch archive answers 204"
    left = v3.read("companies", "contacts", BatchInputPublicObjectId(inputs=[V3ObjectId(id=company)]))
    assert [item.id for item in left.results[0].to] == [second]


def test_v3_batch_create_answers_207_for_the_inputs_that_failed(hs):
    company = new_company(hs, "Soylent")
    contact = new_contact(hs)
    partial = hs.crm.associations.batch_api.create(
        "contacts",
        "companies",
        BatchInputPublicAssociation(
            inputs=[
                PublicAssociation(_from=V3ObjectId(id=contact), to=V3ObjectId(id=company), type="279"),
                PublicAssociation(_from=V3ObjectId(id=contact), to=V3ObjectId(id="999999"), type="279"),
            ]
        ),
    )
    assert [item.to.id for item in partial.results] == [company]
    assert partial.num_errors == 1
    assert partial.errors[0].message == "One or more associations are invalid"
    assert partial.errors[0].context["fromObjectId"] == [contact]
