"""Relationships (spec §3.6): set on create; add, remove and replace on update; both sides
of a link always agree; bad ids, trashed ids and the 25-id write limit."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError, UnprocessableEntityError

from kinds import new_account
from support import OWNER_MEMBER_ID, api_error, related, unique


def new_contact(lf, prefix="contact"):
    label = unique(prefix)
    return lf.contact.create(fields={"$name": {"firstName": "Test", "lastName": label}, "$title": label}).id


def accounts_of(lf, contact_id):
    return sorted(related(lf.contact.retrieve(contact_id), "$account"))


def contacts_of(lf, account_id):
    return sorted(related(lf.account.retrieve(account_id), "$contact"))


def test_create_links_both_sides(lf):
    first, second = new_contact(lf), new_contact(lf)
    account = lf.account.create(fields={"$name": unique("linked")}, relationships={"$contact": [first, second]})
    assert sorted(related(account, "$contact")) == sorted([first, second])
    assert accounts_of(lf, first) == [account.id]
    assert accounts_of(lf, second) == [account.id]

    # A single id is accepted where a list would be.
    solo = new_contact(lf)
    other = lf.account.create(fields={"$name": unique("solo")}, relationships={"$contact": solo})
    assert related(other, "$contact") == [solo]
    assert accounts_of(lf, solo) == [other.id]


def test_add_and_remove_from_either_side(lf):
    first, second, third = new_contact(lf), new_contact(lf), new_contact(lf)
    account = lf.account.create(fields={"$name": unique("ops")}, relationships={"$contact": [first, second]})

    removed = lf.account.update(account.id, relationships={"$contact": {"remove": first}})
    assert related(removed, "$contact") == [second]
    assert accounts_of(lf, first) == []

    added = lf.account.update(account.id, relationships={"$contact": {"add": [third]}})
    assert sorted(related(added, "$contact")) == sorted([second, third])
    assert accounts_of(lf, third) == [account.id]

    # Both operations in one op object.
    both = lf.account.update(account.id, relationships={"$contact": {"add": first, "remove": [second, third]}})
    assert related(both, "$contact") == [first]
    assert accounts_of(lf, second) == [] and accounts_of(lf, third) == []

    # The contact side writes the same link.
    lf.contact.update(second, relationships={"$account": {"add": account.id}})
    assert contacts_of(lf, account.id) == sorted([first, second])
    lf.contact.update(first, relationships={"$account": {"remove": [account.id]}})
    assert contacts_of(lf, account.id) == [second]

    # Adding a link that exists, or removing one that does not, changes nothing.
    again = lf.account.update(account.id, relationships={"$contact": {"add": second, "remove": third}})
    assert related(again, "$contact") == [second]
    assert accounts_of(lf, second) == [account.id]


def test_a_contact_can_belong_to_several_accounts(lf):
    contact = new_contact(lf)
    first = lf.account.create(fields={"$name": unique("a1")}, relationships={"$contact": contact}).id
    second = lf.account.create(fields={"$name": unique("a2")}, relationships={"$contact": contact}).id
    assert accounts_of(lf, contact) == sorted([first, second])


def test_replace_on_has_one(lf):
    account = lf.account.create(fields={"$name": unique("owned")}, relationships={"$owner": OWNER_MEMBER_ID})
    assert related(account, "$owner") == [OWNER_MEMBER_ID]
    cleared = lf.account.update(account.id, relationships={"$owner": {"replace": None}})
    assert related(cleared, "$owner") == []
    restored = lf.account.update(account.id, relationships={"$owner": {"replace": OWNER_MEMBER_ID}})
    assert related(restored, "$owner") == [OWNER_MEMBER_ID]

    first, second = new_contact(lf), new_contact(lf)
    opportunity = lf.opportunity.create(
        fields={"$name": unique("champion")},
        relationships={"$account": account.id, "$champion": first},
    )
    assert related(opportunity, "$champion") == [first]
    swapped = lf.opportunity.update(opportunity.id, relationships={"$champion": {"replace": second}})
    assert related(swapped, "$champion") == [second]
    assert related(lf.opportunity.retrieve(opportunity.id), "$champion") == [second]


def test_opportunity_account_shows_on_the_account(lf):
    first, second = new_account(lf), new_account(lf)
    opportunity = lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": first})
    assert related(opportunity, "$account") == [first]
    assert related(lf.account.retrieve(first), "$opportunity") == [opportunity.id]

    moved = lf.opportunity.update(opportunity.id, relationships={"$account": {"replace": second}})
    assert related(moved, "$account") == [second]
    assert related(lf.account.retrieve(first), "$opportunity") == []
    assert related(lf.account.retrieve(second), "$opportunity") == [opportunity.id]

    contact = new_contact(lf)
    lf.opportunity.update(opportunity.id, relationships={"$contact": {"add": contact}})
    assert related(lf.opportunity.retrieve(opportunity.id), "$contact") == [contact]


def test_custom_relationship_both_directions(lf):
    first, second = new_account(lf), new_account(lf)
    vehicle = lf.object.create("vehicles", fields={"name": unique("car")}, relationships={"owner_account": first})
    assert related(vehicle, "owner_account") == [first]
    assert related(lf.account.retrieve(first), "vehicles") == [vehicle.id]

    moved = lf.object.update(vehicle.id, entity_slug="vehicles", relationships={"owner_account": {"replace": second}})
    assert related(moved, "owner_account") == [second]
    assert related(lf.account.retrieve(first), "vehicles") == []
    assert related(lf.account.retrieve(second), "vehicles") == [vehicle.id]

    # The inverse side is HAS_MANY and writable from the account.
    other = lf.object.create("vehicles", fields={"name": unique("car")})
    lf.account.update(second, relationships={"vehicles": {"add": other.id}})
    assert sorted(related(lf.account.retrieve(second), "vehicles")) == sorted([vehicle.id, other.id])
    assert related(lf.object.retrieve(other.id, entity_slug="vehicles"), "owner_account") == [second]

    lf.object.update(vehicle.id, entity_slug="vehicles", relationships={"owner_account": {"replace": None}})
    assert related(lf.account.retrieve(second), "vehicles") == [other.id]


def test_trash_does_not_cascade(lf):
    contact = new_contact(lf)
    account = lf.account.create(fields={"$name": unique("trash")}, relationships={"$contact": contact})
    # Deletes do not cascade (spec §5.4).
    lf.account.delete(account.id)
    assert lf.contact.retrieve(contact).id == contact
    lf.account.restore(account.id)
    assert related(lf.account.retrieve(account.id), "$contact") == [contact]
    assert accounts_of(lf, contact) == [account.id]


def test_missing_related_id_is_400(lf):
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        lf.account.create(fields={"$name": unique("dangling")}, relationships={"$contact": ["999999999"]})
    account = lf.account.create(fields={"$name": unique("dangling")})
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        lf.account.update(account.id, relationships={"$contact": {"add": "999999999"}})
    # An id of the wrong type counts as missing (spec §3.6).
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        lf.account.update(account.id, relationships={"$contact": {"add": new_account(lf)}})
    with api_error(BadRequestError, 400, code="relationship_entity_missing"):
        lf.opportunity.create(fields={"$name": unique("deal")}, relationships={"$account": new_contact(lf)})
    assert related(lf.account.retrieve(account.id), "$contact") == []


def test_trashed_related_id_is_400_inactive(lf):
    contact = new_contact(lf)
    lf.contact.delete(contact)
    with api_error(BadRequestError, 400, code="relationship_entity_inactive"):
        lf.account.create(fields={"$name": unique("inactive")}, relationships={"$contact": contact})
    account = lf.account.create(fields={"$name": unique("inactive")})
    with api_error(BadRequestError, 400, code="relationship_entity_inactive"):
        lf.account.update(account.id, relationships={"$contact": {"add": contact}})
    lf.contact.restore(contact)
    assert related(lf.account.update(account.id, relationships={"$contact": {"add": contact}}), "$contact") == [contact]


def test_more_than_25_ids_is_422(lf):
    contacts = [new_contact(lf, "bulk") for _ in range(26)]
    with api_error(UnprocessableEntityError, 422, code="relationship_write_limit_exceeded"):
        lf.account.create(fields={"$name": unique("bulk")}, relationships={"$contact": contacts})
    account = lf.account.create(fields={"$name": unique("bulk")}, relationships={"$contact": contacts[:25]})
    assert len(related(account, "$contact")) == 25
    with api_error(UnprocessableEntityError, 422, code="relationship_write_limit_exceeded"):
        lf.account.update(account.id, relationships={"$contact": {"remove": contacts[:25], "add": contacts[25]}})
    assert len(related(lf.account.retrieve(account.id), "$contact")) == 25


def test_write_limit_counts_across_relationships(lf):
    # 13 contacts plus 13 vehicles in one body: 26 ids in all (spec §3.6).
    contacts = [new_contact(lf, "limit") for _ in range(13)]
    vehicles = [lf.object.create("vehicles", fields={"name": unique("limit")}).id for _ in range(13)]
    name = unique("limit")
    with api_error(UnprocessableEntityError, 422, code="relationship_write_limit_exceeded"):
        lf.account.create(fields={"$name": name}, relationships={"$contact": contacts, "vehicles": vehicles})
    assert lf.account.list(extra_query={"$name[equal]": name}).total_count == 0
    account = lf.account.create(fields={"$name": name}, relationships={"$contact": contacts, "vehicles": vehicles[:12]})
    assert len(related(account, "$contact")) == 13 and len(related(account, "vehicles")) == 12


def test_has_one_moves_when_written_from_the_many_side(lf):
    first, second = new_account(lf), new_account(lf)
    vehicle = lf.object.create("vehicles", fields={"name": unique("car")}, relationships={"owner_account": first})
    # Adding the vehicle to another account's HAS_MANY side takes it from the first: the
    # vehicle has one owner.
    lf.account.update(second, relationships={"vehicles": {"add": vehicle.id}})
    assert related(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "owner_account") == [second]
    assert related(lf.account.retrieve(first), "vehicles") == []
    assert related(lf.account.retrieve(second), "vehicles") == [vehicle.id]
    lf.account.update(second, relationships={"vehicles": {"remove": vehicle.id}})
    assert related(lf.object.retrieve(vehicle.id, entity_slug="vehicles"), "owner_account") == []


def test_has_one_takes_one_id(lf):
    first, second = new_account(lf), new_account(lf)
    name = unique("car")
    with pytest.raises((BadRequestError, UnprocessableEntityError)):
        lf.object.create("vehicles", fields={"name": name}, relationships={"owner_account": [first, second]})
    assert lf.object.list("vehicles", extra_query={"name[equal]": name}).total_count == 0


def test_relationship_filters(lf):
    account = new_account(lf)
    linked = new_contact(lf, "rel-filter")
    unlinked = new_contact(lf, "rel-filter")
    lf.account.update(account, relationships={"$contact": {"add": linked}})
    assert [c.id for c in lf.contact.list(extra_query={"$account": account}).data] == [linked]
    assert unlinked not in [c.id for c in lf.contact.list(extra_query={"$account[contains]": account}).data]
    vehicle = lf.object.create("vehicles", fields={"name": unique("car")}, relationships={"owner_account": account})
    assert [v.id for v in lf.object.list("vehicles", extra_query={"owner_account[equal]": account}).data] == [vehicle.id]
    assert [a.id for a in lf.account.list(extra_query={"vehicles": vehicle.id}).data] == [account]
