"""The search API through HubSpot's official Python SDK: filters, `query`, sorts, paging, `total`."""

from __future__ import annotations

import uuid

import pytest
from hubspot.crm.contacts import ApiException
from hubspot.crm.contacts import Filter, FilterGroup, PublicObjectSearchRequest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate


@pytest.fixture()
def family(hs):
    """Five contacts sharing a last name no other test uses; returns (last name, ids by first name)."""
    last_name = "Zed" + uuid.uuid4().hex[:10]
    ids = {}
    for first_name in ["Ada", "Bea", "Cy", "Dot", "Eve"]:
        created = hs.crm.contacts.basic_api.create(
            ContactCreate(
                properties={
                    "firstname": first_name,
                    "lastname": last_name,
                    "email": f"{first_name.lower()}.{last_name}@search.example",
                },
                associations=[],
            )
        )
        ids[first_name] = created.id
    return last_name, ids


def by_last_name(last_name: str) -> FilterGroup:
    return FilterGroup(filters=[Filter(property_name="lastname", operator="EQ", value=last_name.upper())])


def test_filters_sorts_and_pages_with_after_and_total(hs, family):
    last_name, ids = family
    seen = []
    after = None
    while True:
        page = hs.crm.contacts.search_api.do_search(
            public_object_search_request=PublicObjectSearchRequest(
                filter_groups=[by_last_name(last_name)],
                sorts=[{"propertyName": "firstname", "direction": "DESCENDING"}],
                properties=["firstname"],
                limit=2,
                after=after,
            )
        )
        assert page.total == 5
        seen.extend(result.properties["firstname"] for result in page.results)
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == ["Eve", "Dot", "Cy", "Bea", "Ada"]


def test_operators_and_groups(hs, family):
    last_name, ids = family
    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(
                filters=[
                    Filter(property_name="lastname", operator="EQ", value=last_name),
                    Filter(property_name="firstname", operator="IN", values=["ada", "bea"]),
                ]
            ),
            FilterGroup(
                filters=[
                    Filter(property_name="lastname", operator="EQ", value=last_name),
                    Filter(property_name="email", operator="CONTAINS_TOKEN", value="eve*"),
                ]
            ),
        ],
        properties=["firstname"],
    )
    found = hs.crm.contacts.search_api.do_search(public_object_search_request=request)
    assert found.total == 3
    assert sorted(result.id for result in found.results) == sorted([ids["Ada"], ids["Bea"], ids["Eve"]])
    assert {result.properties["firstname"] for result in found.results} == {"Ada", "Bea", "Eve"}

    not_dot = hs.crm.contacts.search_api.do_search(
        public_object_search_request=PublicObjectSearchRequest(
            filter_groups=[
                FilterGroup(
                    filters=[
                        Filter(property_name="lastname", operator="EQ", value=last_name),
                        Filter(property_name="firstname", operator="NEQ", value="Dot"),
                        Filter(property_name="hs_object_id", operator="GTE", value=ids["Bea"]),
                    ]
                )
            ]
        )
    )
    assert sorted(result.id for result in not_dot.results) == sorted([ids["Bea"], ids["Cy"], ids["Eve"]])


def test_query_matches_searchable_properties_by_prefix(hs, family):
    last_name, ids = family
    found = hs.crm.contacts.search_api.do_search(
        public_object_search_request=PublicObjectSearchRequest(query=f"{last_name[:8]} cy", limit=10)
    )
    assert [result.id for result in found.results] == [ids["Cy"]]
    assert found.total == 1
    assert found.paging is None
    assert set(found.results[0].properties) == {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"}


def test_archived_contacts_leave_the_results(hs, family):
    last_name, ids = family
    hs.crm.contacts.basic_api.archive(ids["Dot"])
    found = hs.crm.contacts.search_api.do_search(
        public_object_search_request=PublicObjectSearchRequest(filter_groups=[by_last_name(last_name)], limit=10)
    )
    assert found.total == 4
    assert ids["Dot"] not in {result.id for result in found.results}


def test_a_bad_filter_is_a_400_naming_the_property(hs):
    with pytest.raises(ApiException) as caught:
        hs.crm.contacts.search_api.do_search(
            public_object_search_request=PublicObjectSearchRequest(
                filter_groups=[FilterGroup(filters=[Filter(property_name="shoe_size", operator="EQ", value="9")])]
            )
        )
    assert caught.value.status == 400
    assert "shoe_size" in caught.value.body
