"""List filters (spec §5.2), sent the way SDK callers send them: `extra_query`."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError

from support import api_error, ids, option_id, unique


@pytest.fixture(scope="module")
def acme(lf):
    """Three accounts sharing a marker no other test uses; ids oldest first."""
    marker = unique("Acme")
    names = [marker, f"{marker} Labs", f"Globex {marker}"]
    accounts = [
        lf.account.create(fields={"$name": names[0], "$website": ["https://acme.example"], "$headcount": "11-50"}),
        lf.account.create(fields={"$name": names[1], "$website": ["https://labs.acme.example"], "$headcount": "51-200"}),
        lf.account.create(fields={"$name": names[2], "$website": ["https://globex.example"]}),
    ]
    return marker, [account.id for account in accounts]


def account_ids(lf, query):
    page = lf.account.list(extra_query=query)
    assert page.total_count == len(page.data)
    return ids(page)


def test_equal(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    assert account_ids(lf, {"$name[equal]": marker}) == [plain_acme]
    # No operator means `equal` for text.
    assert account_ids(lf, {"$name": marker}) == [plain_acme]


def test_starts_with_and_negation_and_together(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    assert account_ids(lf, {"$name[startsWith]": marker}) == [labs, plain_acme]
    # Several filters AND together; `-` negates an operator.
    assert account_ids(lf, {"$name[startsWith]": marker, "$name[-equal]": marker}) == [labs]


def test_nested_dict_form_is_the_same_filter(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    assert account_ids(lf, {"$name": {"startsWith": marker}}) == [labs, plain_acme]


def test_contains_on_multi_value_url(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    found = account_ids(lf, {"$website[contains]": "acme.example", "$name[startsWith]": marker})
    assert found == [labs, plain_acme]


def test_select_equal_by_option_id(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    definitions = lf.account.definitions()
    small = option_id(definitions, "$headcount", "11-50")
    assert account_ids(lf, {"$headcount[equal]": small, "$name[startsWith]": marker}) == [plain_acme]


def test_number_and_relationship_filters(lf, acme):
    marker, (plain_acme, labs, globex) = acme
    name = unique("deal")
    small = lf.opportunity.create(fields={"$name": f"{name} small", "$amount": 5000}, relationships={"$account": labs})
    big = lf.opportunity.create(fields={"$name": f"{name} big", "$amount": 150000}, relationships={"$account": labs})
    elsewhere = lf.opportunity.create(
        fields={"$name": f"{name} elsewhere", "$amount": 250000}, relationships={"$account": globex}
    )

    def found(query):
        page = lf.opportunity.list(extra_query={"$name[startsWith]": name, **query})
        return ids(page)

    assert found({"$amount[greaterThanOrEqual]": 100000}) == [elsewhere.id, big.id]
    assert found({"$amount[greaterThan]": 150000}) == [elsewhere.id]
    assert found({"$amount[lessThan]": 150000}) == [small.id]
    assert found({"$amount[lessThanOrEqual]": 150000}) == [big.id, small.id]
    assert found({"$account": labs}) == [big.id, small.id]
    assert found({"$account[equal]": labs, "$amount[greaterThan]": 10000}) == [big.id]
    assert found({"$account[-equal]": labs}) == [elsewhere.id]


def test_contact_filters(lf):
    marker = unique("filt")
    first = lf.contact.create(
        fields={"$email": [f"{marker}@customer.example"], "$title": "Chief Filter Officer", "$doNotContact": False}
    )
    second = lf.contact.create(
        fields={"$email": [f"{marker}@other.example"], "$title": "Filter Intern", "$doNotContact": True}
    )

    def found(query):
        return ids(lf.contact.list(extra_query={"$email[contains]": marker, **query}))

    assert found({}) == [second.id, first.id]
    assert found({"$email[contains]": f"{marker}@customer.example"}) == [first.id]
    # No operator means `contains` for types without `equal` (spec §5.2).
    assert ids(lf.contact.list(extra_query={"$email": f"{marker}@other"})) == [second.id]
    assert found({"$doNotContact[equal]": "false"}) == [first.id]
    assert found({"$doNotContact": True}) == [second.id]
    assert found({"$title[startsWith]": "Chief"}) == [first.id]


def test_datetime_filter(lf):
    marker = unique("dt")
    early = lf.object.create("vehicles", fields={"name": f"{marker} early", "soldAt": "2026-03-01T08:00:00+00:00"})
    late = lf.object.create("vehicles", fields={"name": f"{marker} late", "soldAt": "2026-03-02T08:00:00+01:00"})

    def found(query):
        return ids(lf.object.list("vehicles", extra_query={"name[startsWith]": marker, **query}))

    assert found({"soldAt[greaterThanOrEqual]": "2026-03-02T07:00:00.000Z"}) == [late.id]
    assert found({"soldAt[lessThan]": "2026-03-02T07:00:00.000Z"}) == [early.id]
    assert found({"soldAt[equal]": "2026-03-01T08:00:00.000Z"}) == [early.id]


@pytest.mark.parametrize(
    "query",
    [
        {"$name[greaterThan]": "A"},  # operator the type does not allow
        {"$name[like]": "A"},  # no such operator
        {"$industry[equal]": "Software"},  # MULTI_SELECT is not filterable
        {"$howTheyMakeMoney[equal]": "x"},  # nor is MARKDOWN
        {"$bogus[equal]": "x"},  # unknown field
        {"$website[equal]": "https://acme.example"},  # EMAIL/URL only take `contains`
    ],
)
def test_bad_filters_are_400(lf, query):
    with api_error(BadRequestError, 400):
        lf.account.list(extra_query=query)
