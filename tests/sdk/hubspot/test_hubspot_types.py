"""Tickets, calls, emails, products, line items and owners through HubSpot's official Python SDK."""

from __future__ import annotations

import uuid

import pytest
from hubspot.crm.associations.v4 import AssociationSpec as V4Spec
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.line_items import SimplePublicObjectInputForCreate as LineItemCreate
from hubspot.crm.line_items import SimplePublicObjectInput as LineItemUpdate
from hubspot.crm.objects.calls import AssociationSpec as CallSpec
from hubspot.crm.objects.calls import PublicAssociationsForObject as CallLinks
from hubspot.crm.objects.calls import PublicObjectId as CallTarget
from hubspot.crm.objects.calls import SimplePublicObjectInputForCreate as CallCreate
from hubspot.crm.objects.emails import SimplePublicObjectInputForCreate as EmailCreate
from hubspot.crm.objects.emails import Filter as EmailFilter
from hubspot.crm.objects.emails import FilterGroup as EmailFilterGroup
from hubspot.crm.objects.emails import PublicObjectSearchRequest as EmailSearch
from hubspot.crm.objects.tasks import ApiException as TaskApiException
from hubspot.crm.objects.tasks import SimplePublicObjectInputForCreate as TaskCreate
from hubspot.crm.owners.exceptions import NotFoundException as OwnerNotFound
from hubspot.crm.products import PublicObjectSearchRequest as ProductSearch
from hubspot.crm.products import SimplePublicObjectInputForCreate as ProductCreate
from hubspot.crm.tickets import AssociationSpec as TicketSpec
from hubspot.crm.tickets import Filter as TicketFilter
from hubspot.crm.tickets import FilterGroup as TicketFilterGroup
from hubspot.crm.tickets import PublicAssociationsForObject as TicketLinks
from hubspot.crm.tickets import PublicObjectId as TicketTarget
from hubspot.crm.tickets import PublicObjectSearchRequest as TicketSearch
from hubspot.crm.tickets import SimplePublicObjectInput as TicketUpdate
from hubspot.crm.tickets import SimplePublicObjectInputForCreate as TicketCreate

# The owner member seeded into every new workspace is its first record.
OWNER_ID = "1"


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_contact(hs) -> str:
    return hs.crm.contacts.basic_api.create(ContactCreate(properties={"email": f"{unique('c')}@example.com"})).id


def type_ids(hs, from_type: str, from_id: str, to_type: str) -> "list[tuple[str, int]]":
    page = hs.crm.associations.v4.basic_api.get_page(from_type, from_id, to_type)
    return [(str(item.to_object_id), kind.type_id) for item in page.results for kind in item.association_types]


def test_a_ticket_in_the_support_pipeline(hs, server):
    contact = new_contact(hs)
    company = hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": unique("co")})).id
    subject = unique("Printer ")
    ticket = hs.crm.tickets.basic_api.create(
        TicketCreate(
            properties={
                "subject": subject,
                "content": "Paper everywhere",
                "hs_pipeline": "0",
                "hs_pipeline_stage": "1",
                "hs_ticket_priority": "HIGH",
                "hubspot_owner_id": OWNER_ID,
            },
            associations=[
                TicketLinks(
                    to=TicketTarget(id=contact),
                    types=[TicketSpec(association_category="HUBSPOT_DEFINED", association_type_id=16)],
                ),
                TicketLinks(
                    to=TicketTarget(id=company),
                    types=[TicketSpec(association_category="HUBSPOT_DEFINED", association_type_id=339)],
                ),
            ],
        )
    )
    assert ticket.properties["hs_pipeline"] == "0"
    assert ticket.properties["hubspot_owner_id"] == OWNER_ID

    fetched = hs.crm.tickets.basic_api.get_by_id(ticket.id, associations=["contacts", "companies"])
    assert set(fetched.properties) == {
        "content",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_priority",
        "subject",
    }
    assert [item.id for item in fetched.associations["contacts"].results] == [contact]
    assert [item.type for item in fetched.associations["companies"].results] == ["ticket_to_company_unlabeled"]
    assert type_ids(hs, "contacts", contact, "tickets") == [(ticket.id, 15)]

    closed = hs.crm.tickets.basic_api.update(ticket.id, TicketUpdate(properties={"hs_pipeline_stage": "4"}))
    assert closed.properties["hs_pipeline_stage"] == "4"

    found = hs.crm.tickets.search_api.do_search(
        TicketSearch(
            query=subject.split()[1],
            filter_groups=[
                TicketFilterGroup(
                    filters=[
                        TicketFilter(property_name="hs_pipeline", operator="EQ", value="0"),
                        TicketFilter(property_name="hubspot_owner_id", operator="EQ", value=OWNER_ID),
                    ]
                )
            ],
            properties=["subject", "hs_pipeline_stage"],
        )
    )
    assert [(item.id, item.properties["hs_pipeline_stage"]) for item in found.results] == [(ticket.id, "4")]

    everything = hs.crm.tickets.get_all()
    assert ticket.id in [item.id for item in everything]

    # The ticket written through HubSpot reads through Lightfield.
    lf = server.client()
    record = lf.object.retrieve(ticket.id, entity_slug="ticket")
    assert record.fields["$subject"].value == subject
    assert record.fields["$stage"].value == "4"
    assert record.relationships["$contact"].values == [contact]
    assert record.relationships["$owner"].values == [OWNER_ID]


def test_calls_and_emails_are_logged_on_records(hs):
    contact = new_contact(hs)
    ticket = hs.crm.tickets.basic_api.create(
        TicketCreate(properties={"subject": unique("t"), "hs_pipeline_stage": "2"})
    ).id
    call = hs.crm.objects.calls.basic_api.create(
        CallCreate(
            properties={
                "hs_timestamp": "2026-01-05T09:00:00Z",
                "hs_call_title": "Renewal",
                "hs_call_direction": "OUTBOUND",
                "hs_call_duration": "90000",
                "hubspot_owner_id": OWNER_ID,
            },
            associations=[
                CallLinks(
                    to=CallTarget(id=contact),
                    types=[CallSpec(association_category="HUBSPOT_DEFINED", association_type_id=194)],
                )
            ],
        )
    )
    assert call.properties["hs_call_duration"] == "90000"
    assert call.properties["hs_timestamp"] == "2026-01-05T09:00:00.000Z"
    assert "hs_createdate" in call.properties
    assert type_ids(hs, "contacts", contact, "calls") == [(call.id, 193)]

    created = hs.crm.associations.v4.basic_api.create(
        "calls",
        call.id,
        "tickets",
        ticket,
        [V4Spec(association_category="HUBSPOT_DEFINED", association_type_id=220)],
    )
    assert created is not None
    assert type_ids(hs, "tickets", ticket, "calls") == [(call.id, 219)]

    subject = unique("Quote ")
    email = hs.crm.objects.emails.basic_api.create(
        EmailCreate(
            properties={
                "hs_timestamp": "1767603600000",
                "hs_email_subject": subject,
                "hs_email_direction": "EMAIL",
                "hs_email_status": "SENT",
                "hs_email_text": "Please find the quote attached.",
            }
        )
    )
    hs.crm.associations.v4.basic_api.create_default("emails", email.id, "tickets", ticket)
    assert type_ids(hs, "emails", email.id, "tickets") == [(ticket, 224)]
    found = hs.crm.objects.emails.search_api.do_search(
        EmailSearch(
            query=subject.split()[1],
            filter_groups=[
                EmailFilterGroup(
                    filters=[EmailFilter(property_name="associations.ticket", operator="EQ", value=ticket)]
                )
            ],
            properties=["hs_email_subject"],
        )
    )
    assert [item.properties["hs_email_subject"] for item in found.results] == [subject]
    fetched = hs.crm.objects.emails.basic_api.get_by_id(email.id, properties=["hs_timestamp"])
    assert fetched.properties["hs_timestamp"] == "2026-01-05T09:00:00.000Z"


def test_products_and_line_items_on_a_deal(hs):
    sku = unique("SKU-")
    product = hs.crm.products.basic_api.create(
        ProductCreate(properties={"name": "Widget", "price": "10.5", "hs_sku": sku, "description": "Blue"})
    )
    assert product.properties["price"] == "10.5"
    found = hs.crm.products.search_api.do_search(ProductSearch(query=sku, properties=["hs_sku"]))
    assert [item.id for item in found.results] == [product.id]

    company = hs.crm.companies.basic_api.create(CompanyCreate(properties={"name": unique("co")})).id
    deal = hs.crm.objects.basic_api.create(
        "deals",
        {
            "properties": {"dealname": unique("deal")},
            "associations": [
                {"to": {"id": company}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]}
            ],
        },
    ).id
    line_item = hs.crm.line_items.basic_api.create(
        LineItemCreate(
            properties={
                "name": "Widgets",
                "hs_product_id": product.id,
                "quantity": "3",
                "price": "10.5",
                "discount": "0.5",
            }
        )
    )
    assert line_item.properties["amount"] == "30"
    assert line_item.properties["hs_product_id"] == product.id
    hs.crm.associations.v4.basic_api.create_default("line_items", line_item.id, "deals", deal)
    assert type_ids(hs, "deals", deal, "line_items") == [(line_item.id, 19)]
    assert type_ids(hs, "line_items", line_item.id, "deals") == [(deal, 20)]

    discounted = hs.crm.line_items.basic_api.update(
        line_item.id, LineItemUpdate(properties={"hs_discount_percentage": "20"})
    )
    assert discounted.properties["amount"] == "25.2"
    fetched = hs.crm.line_items.basic_api.get_by_id(line_item.id)
    assert set(fetched.properties) == {
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_product_id",
        "name",
        "price",
        "quantity",
    }
    assert [item.id for item in hs.crm.line_items.get_all()].count(line_item.id) == 1


def test_owners_are_members(hs):
    page = hs.crm.owners.owners_api.get_page(limit=10)
    owner = next(item for item in page.results if item.id == OWNER_ID)
    assert owner.email == "owner@default.crmd.local"
    assert (owner.first_name, owner.last_name) == ("Workspace", "Owner")
    assert owner.user_id == int(OWNER_ID)
    assert owner.type == "PERSON"
    assert owner.archived is False
    assert owner.teams == []

    by_email = hs.crm.owners.owners_api.get_page(email="OWNER@default.crmd.local")
    assert [item.id for item in by_email.results] == [OWNER_ID]
    assert hs.crm.owners.owners_api.get_page(email="nobody@example.com").results == []
    assert hs.crm.owners.owners_api.get_by_id(int(OWNER_ID)).email == owner.email
    assert hs.crm.owners.owners_api.get_by_id(int(OWNER_ID), id_property="userId").id == OWNER_ID
    assert OWNER_ID in [item.id for item in hs.crm.owners.get_all()]
    with pytest.raises(OwnerNotFound):
        hs.crm.owners.owners_api.get_by_id(999999)


def test_a_task_is_created_with_its_owner(hs, server):
    contact = new_contact(hs)
    task = hs.crm.objects.tasks.basic_api.create(
        TaskCreate(
            properties={
                "hs_task_subject": "Call back",
                "hs_task_status": "TODO",
                "hs_timestamp": "2026-02-01T09:00:00Z",
                "hubspot_owner_id": OWNER_ID,
            },
            associations=[
                {
                    "to": {"id": contact},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
                }
            ],
        )
    )
    assert task.properties["hubspot_owner_id"] == OWNER_ID
    lf = server.client()
    assert lf.task.retrieve(task.id).relationships["$assignedTo"].values == [OWNER_ID]

    with pytest.raises(TaskApiException) as missing:
        hs.crm.objects.tasks.basic_api.create(
            TaskCreate(properties={"hs_task_subject": "Nobody's", "hs_task_status": "TODO"})
        )
    assert missing.value.status == 400
    assert '"in":"hubspot_owner_id"' in missing.value.body.replace(" ", "")
    with pytest.raises(TaskApiException) as unknown:
        hs.crm.objects.tasks.basic_api.create(
            TaskCreate(properties={"hs_task_subject": "Ghost's", "hs_task_status": "TODO", "hubspot_owner_id": "999999"})
        )
    assert "INVALID_OWNER_ID" in unknown.value.body
