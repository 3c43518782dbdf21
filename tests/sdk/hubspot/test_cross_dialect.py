"""One engine, two dialects: records and associations written through HubSpot's official Python SDK
read back through Lightfield's official SDK with the same values and relationships, and the reverse.
Both clients talk to the same live `crmd serve` and workspace."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.associations.v4.models import (
    BatchInputPublicAssociationMultiPost,
    PublicAssociationMultiPost,
    PublicObjectId,
)
from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyCreate
from hubspot.crm.contacts import AssociationSpec as ContactAssociationSpec
from hubspot.crm.contacts import PublicAssociationsForObject as ContactAssociation
from hubspot.crm.contacts import PublicGdprDeleteInput, PublicMergeInput
from hubspot.crm.contacts import PublicObjectId as ContactTarget
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from hubspot.crm.deals import AssociationSpec as DealAssociationSpec
from hubspot.crm.deals import PublicAssociationsForObject as DealAssociation
from hubspot.crm.deals import PublicObjectId as DealTarget
from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealCreate
from lightfield import Lightfield, NotFoundError


@pytest.fixture(scope="module")
def lf(server) -> Lightfield:
    """Lightfield's SDK, with strict response validation, on the HubSpot suite's server."""
    return server.client()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def value(record: Any, key: str) -> Any:
    field = record.fields[key].value
    return field.to_dict() if hasattr(field, "to_dict") else field


def related(record: Any, key: str) -> "list[str]":
    return sorted(record.relationships[key].values)


def associated(page) -> "list[str]":
    return sorted(str(item.to_object_id) for item in page.results)


def test_what_hubspot_writes_lightfield_reads(hs, lf):
    email = f"{unique('grace')}@example.com"
    company = hs.crm.companies.basic_api.create(
        CompanyCreate(properties={"name": "Initech", "city": "Austin", "country": "US"})
    )
    contact = hs.crm.contacts.basic_api.create(
        ContactCreate(
            properties={"email": email, "firstname": "Grace", "lastname": "Hopper"},
            associations=[
                ContactAssociation(
                    to=ContactTarget(id=company.id),
                    types=[ContactAssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)],
                )
            ],
        )
    )
    deal = hs.crm.deals.basic_api.create(
        DealCreate(
            properties={"dealname": "Compiler", "dealstage": "opt_stage_discovery", "amount": "12000.5"},
            associations=[
                DealAssociation(
                    to=DealTarget(id=company.id),
                    types=[DealAssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=341)],
                )
            ],
        )
    )
    hs.crm.associations.v4.batch_api.create(
        "deals",
        "contacts",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=deal.id),
                    to=PublicObjectId(id=contact.id),
                    types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=3)],
                )
            ]
        ),
    )

    person = lf.contact.retrieve(contact.id)
    assert value(person, "$name") == {"firstName": "Grace", "lastName": "Hopper"}
    assert value(person, "$email") == [email]
    assert related(person, "$account") == [company.id]
    assert related(person, "$opportunity") == [deal.id]

    account = lf.account.retrieve(company.id)
    assert value(account, "$name") == "Initech"
    assert value(account, "$primaryAddress")["city"] == "Austin"
    assert value(account, "$primaryAddress")["country"] == "US"
    assert related(account, "$contact") == [contact.id]
    assert related(account, "$opportunity") == [deal.id]

    opportunity = lf.opportunity.retrieve(deal.id)
    assert value(opportunity, "$name") == "Compiler"
    assert value(opportunity, "$amount") == 12000.5
    assert value(opportunity, "$stage") == "opt_stage_discovery"
    assert related(opportunity, "$account") == [company.id]
    assert related(opportunity, "$contact") == [contact.id]


def test_what_lightfield_writes_hubspot_reads(hs, lf):
    email = f"{unique('alan')}@example.com"
    account = lf.account.create(
        fields={"$name": unique("Bletchley"), "$primaryAddress": {"city": "Milton Keynes", "country": "GB"}},
        skip_enrichment=True,
    )
    person = lf.contact.create(
        fields={"$name": {"firstName": "Alan", "lastName": "Turing"}, "$email": [email]},
        relationships={"$account": account.id},
    )
    opportunity = lf.opportunity.create(
        fields={"$name": "Bombe", "$stage": "opt_stage_discovery", "$amount": 5000},
        relationships={"$account": account.id, "$contact": [person.id]},
    )

    contact = hs.crm.contacts.basic_api.get_by_id(
        person.id, properties=["email", "firstname", "lastname"], associations=["companies", "deals"]
    )
    assert (contact.properties["email"], contact.properties["firstname"], contact.properties["lastname"]) == (
        email,
        "Alan",
        "Turing",
    )
    assert [(item.id, item.type) for item in contact.associations["companies"].results] == [
        (account.id, "contact_to_company_unlabeled")
    ]
    assert [(item.id, item.type) for item in contact.associations["deals"].results] == [
        (opportunity.id, "contact_to_deal")
    ]

    company = hs.crm.companies.basic_api.get_by_id(account.id, properties=["name", "city", "country"])
    assert (company.properties["city"], company.properties["country"]) == ("Milton Keynes", "GB")

    deal = hs.crm.deals.basic_api.get_by_id(
        opportunity.id, properties=["dealname", "amount", "dealstage"], associations=["companies"]
    )
    assert (deal.properties["dealname"], deal.properties["amount"], deal.properties["dealstage"]) == (
        "Bombe",
        "5000",
        "opt_stage_discovery",
    )
    assert {item.type for item in deal.associations["companies"].results} == {
        "deal_to_company_unlabeled",
        "deal_to_company",
    }
    v4 = hs.crm.associations.v4.basic_api.get_page("companies", account.id, "contacts")
    assert associated(v4) == [person.id]


def test_merges_and_gdpr_deletes_through_hubspot_show_through_lightfield(hs, lf):
    first_email, second_email = f"{unique('m1')}@example.com", f"{unique('m2')}@example.com"
    account = lf.account.create(fields={"$name": unique("Merged Inc")}, skip_enrichment=True)
    primary = lf.contact.create(fields={"$name": {"firstName": "Mary", "lastName": ""}, "$email": [first_email]})
    duplicate = lf.contact.create(
        fields={"$name": {"firstName": "M", "lastName": "Shelley"}, "$email": [second_email]},
        relationships={"$account": account.id},
    )

    survivor = hs.crm.contacts.basic_api.merge(
        PublicMergeInput(primary_object_id=primary.id, object_id_to_merge=duplicate.id)
    )
    assert survivor.id == primary.id
    merged = lf.contact.retrieve(primary.id)
    assert value(merged, "$name") == {"firstName": "Mary", "lastName": "Shelley"}
    assert value(merged, "$email") == [first_email, second_email]
    assert related(merged, "$account") == [account.id]
    assert related(lf.account.retrieve(account.id), "$contact") == [primary.id]

    hs.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=second_email, id_property="email"))
    with pytest.raises(NotFoundError):
        lf.contact.retrieve(primary.id)
    assert related(lf.account.retrieve(account.id), "$contact") == []
