"""Paging (spec §5.1) over a custom type that only this module writes, so counts are exact."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError

from support import api_error, ids

SLUG = "widgets"
TOTAL = 31


@pytest.fixture(scope="module")
def widgets(lf):
    """Ids of the widgets this module creates, oldest first."""
    assert lf.object.list(SLUG).total_count == 0, "only this module may write widgets"
    return [lf.object.create(SLUG, fields={"name": f"widget-{rank:02d}", "rank": rank}).id for rank in range(TOTAL)]


def test_default_page_is_25_newest_first(lf, widgets):
    page = lf.object.list(SLUG)
    assert page.object == "list"
    assert page.total_count == TOTAL
    assert ids(page) == list(reversed(widgets))[:25]
    assert [record.fields["rank"].value for record in page.data] == list(range(TOTAL - 1, TOTAL - 26, -1))


@pytest.mark.parametrize("limit", [1, 7, 25])
def test_walking_all_pages_sees_each_record_once(lf, widgets, limit):
    seen = []
    offset = 0
    for _ in range(TOTAL + 1):
        page = lf.object.list(SLUG, limit=limit, offset=offset)
        assert page.total_count == TOTAL
        assert len(page.data) == min(limit, TOTAL - offset)
        seen += ids(page)
        if len(page.data) < limit:
            break
        offset += limit
    assert seen == list(reversed(widgets))
    assert len(set(seen)) == TOTAL


def test_offset_past_the_end_is_an_empty_page(lf, widgets):
    page = lf.object.list(SLUG, limit=10, offset=TOTAL)
    assert page.data == [] and page.total_count == TOTAL
    page = lf.object.list(SLUG, offset=10_000)
    assert page.data == [] and page.total_count == TOTAL


def test_filters_page_too(lf, widgets):
    query = {"rank[greaterThanOrEqual]": 10}
    first = lf.object.list(SLUG, limit=15, extra_query=query)
    assert first.total_count == TOTAL - 10
    second = lf.object.list(SLUG, limit=15, offset=15, extra_query=query)
    assert second.total_count == TOTAL - 10
    assert ids(first) + ids(second) == list(reversed(widgets[10:]))


@pytest.mark.parametrize(
    "query", [{"limit": 0}, {"limit": 26}, {"limit": -1}, {"limit": "abc"}, {"offset": -1}, {"offset": "abc"}]
)
def test_out_of_range_paging_is_400(lf, widgets, query):
    param = next(iter(query))
    with api_error(BadRequestError, 400, param=param):
        lf.object.list(SLUG, **query)


def test_standard_lists_page_the_same_way(lf):
    # Accounts are shared with other tests, so only relative checks hold here.
    whole = lf.account.list(limit=25)
    assert len(whole.data) == min(25, whole.total_count)
    if whole.total_count >= 4:
        first = lf.account.list(limit=2)
        second = lf.account.list(limit=2, offset=2)
        assert ids(first) + ids(second) == ids(whole)[:4]
