"""Notes, tasks and meetings through the SDK: every method, the rules each resource adds
(note relationships take add/remove only, a task's creator, a meeting's past dates and
its narrow update), the meeting envelope, and their trash (spec §2.1, §3.2, §5.4, §6)."""

from __future__ import annotations

import pytest
from lightfield import BadRequestError, NotFoundError, PermissionDeniedError, UnprocessableEntityError

from kinds import new_account
from support import (
    OWNER_MEMBER_ID,
    api_error,
    check_matches_definitions,
    check_record,
    ids,
    related,
    unique,
    value_of,
)

PAST_START = "2026-01-05T09:00:00.000Z"
PAST_END = "2026-01-05T10:00:00.000Z"


def new_contact(lf, name=None):
    return lf.contact.create(fields={"$name": {"firstName": name or unique("c"), "lastName": "Doe"}}).id


def new_note(lf, **relationships):
    return lf.note.create(fields={"$title": unique("note"), "$content": "# Call\n\nwent *well*"}, relationships=relationships)


def new_task(lf, **relationships):
    relationships.setdefault("$assignedTo", OWNER_MEMBER_ID)
    return lf.task.create(fields={"$title": unique("task"), "$status": "TODO"}, relationships=relationships)


def new_meeting(lf, **fields):
    body = {"$title": unique("meeting"), "$startDate": PAST_START, "$endDate": PAST_END}
    body.update(fields)
    return lf.meeting.create(fields=body)


# --- notes ---


def test_note_lifecycle_matches_its_definitions(lf):
    account = new_account(lf)
    contact = new_contact(lf)
    note = new_note(lf, **{"$account": account, "$contact": [contact]})
    check_record(note)
    check_matches_definitions(note, lf.note.definitions())
    assert value_of(note, "$content") == "# Call\n\nwent *well*"
    assert related(note, "$account") == [account]
    assert related(note, "$contact") == [contact]
    # The author is the member the key acts for: the workspace's owner.
    assert related(note, "$author") == [OWNER_MEMBER_ID]
    assert note.id in related(lf.account.retrieve(account), "$note")

    assert lf.note.retrieve(note.id).to_dict() == note.to_dict()
    updated = lf.note.update(
        note.id,
        fields={"$title": "Renamed"},
        relationships={"$account": {"remove": account}, "$contact": {"add": new_contact(lf)}},
    )
    assert value_of(updated, "$title") == "Renamed"
    assert related(updated, "$account") == []
    assert len(related(updated, "$contact")) == 2
    assert note.id in ids(lf.note.list(limit=25))


def test_note_relationships_refuse_replace(lf):
    note = new_note(lf)
    with api_error(BadRequestError, 400, "invalid_relationship_operation", "relationships.$account"):
        lf.note.update(note.id, relationships={"$account": {"replace": new_account(lf)}})


def test_note_needs_a_title_and_refuses_the_author(lf):
    with api_error(UnprocessableEntityError, 422, "parameter_missing", "fields.$title"):
        lf.note.create(fields={"$content": "no title"})
    with api_error(BadRequestError, 400, "read_only", "relationships.$author"):
        lf.note.create(fields={"$title": unique("n")}, relationships={"$author": OWNER_MEMBER_ID})
    with api_error(BadRequestError, 400, "unknown_parameter", "skipEnrichment"):
        lf.note.create(fields={"$title": unique("n")}, extra_body={"skipEnrichment": True})


def test_notes_trash_and_restore(lf):
    note = new_note(lf)
    assert lf.note.delete(note.id).id == note.id
    assert lf.note.delete(note.id).id == note.id  # a second delete is a no-op
    with api_error(NotFoundError, 404):
        lf.note.retrieve(note.id)
    assert note.id in ids(lf.note.list(status="trashed"))
    assert note.id not in ids(lf.note.list())
    assert lf.note.restore(note.id).id == note.id
    assert lf.note.retrieve(note.id).id == note.id


def test_notes_filter_like_other_lists(lf):
    title = unique("filtered")
    note = lf.note.create(fields={"$title": title})
    new_note(lf)
    page = lf.note.list(extra_query={"$title[equal]": title})
    assert ids(page) == [note.id] and page.total_count == 1


# --- tasks ---


def test_task_lifecycle_with_status_and_creator(lf):
    account = new_account(lf)
    due = "2026-12-01T17:00:00.000Z"
    task = lf.task.create(
        fields={"$title": unique("task"), "$status": "TODO", "$description": "call *back*", "$dueAt": due},
        relationships={"$assignedTo": OWNER_MEMBER_ID, "$account": account},
    )
    check_record(task)
    definitions = lf.task.definitions()
    check_matches_definitions(task, definitions)
    assert value_of(task, "$status") == "TODO"
    assert value_of(task, "$dueAt") == due
    assert related(task, "$createdBy") == [OWNER_MEMBER_ID]
    assert related(task, "$account") == [account]
    assert lf.task.retrieve(task.id).to_dict() == task.to_dict()
    assert task.id in related(lf.account.retrieve(account), "$task")
    options = [option.id for option in definitions.field_definitions["$status"].type_configuration.options]
    assert options == ["TODO", "IN_PROGRESS", "COMPLETE", "CANCELLED"]

    done = lf.task.update(task.id, fields={"$status": "COMPLETE"})
    assert value_of(done, "$status") == "COMPLETE"
    page = lf.task.list(extra_query={"$status": "COMPLETE"})
    assert task.id in ids(page)
    assert all(value_of(item, "$status") == "COMPLETE" for item in page.data)


def test_task_needs_title_status_and_assignee(lf):
    with api_error(UnprocessableEntityError, 422, "parameter_missing", "relationships.$assignedTo"):
        lf.task.create(fields={"$title": unique("t"), "$status": "TODO"}, relationships={})
    with api_error(UnprocessableEntityError, 422, "parameter_missing", "fields.$status"):
        lf.task.create(fields={"$title": unique("t")}, relationships={"$assignedTo": OWNER_MEMBER_ID})
    with api_error(BadRequestError, 400, "invalid_value", "fields.$status"):
        lf.task.create(fields={"$title": unique("t"), "$status": "LATER"}, relationships={"$assignedTo": OWNER_MEMBER_ID})


def test_task_creator_given_explicitly_is_kept(lf, server):
    task = new_task(lf, **{"$createdBy": OWNER_MEMBER_ID})
    assert related(task, "$createdBy") == [OWNER_MEMBER_ID]
    assert lf.task.delete(task.id).id == task.id
    assert task.id in ids(lf.task.list(status="trashed"))
    assert lf.task.restore(task.id).id == task.id


# --- meetings ---


def test_meeting_envelope_and_lifecycle(lf):
    meeting = new_meeting(
        lf,
        **{
            "$organizerEmail": "Host@Example.com",
            "$attendeeEmails": ["a@example.com", "b@example.com"],
            "$privacySetting": "FULL",
            "$meetingUrl": "https://meet.example.com/abc",
        },
    )
    check_record(meeting)
    assert meeting.object_type == "meeting"
    assert meeting.access_level == "FULL"
    check_matches_definitions(meeting, lf.meeting.definitions())
    assert value_of(meeting, "$startDate") == PAST_START
    assert value_of(meeting, "$attendeeEmails") == ["a@example.com", "b@example.com"]
    assert lf.meeting.retrieve(meeting.id).to_dict() == meeting.to_dict()

    updated = lf.meeting.update(
        meeting.id,
        fields={"$privacySetting": "METADATA", "$postMeetingSummary": "Agreed on *scope*", "$attendeeEmails": ["c@example.com"]},
    )
    assert value_of(updated, "$privacySetting") == "METADATA"
    assert value_of(updated, "$postMeetingSummary") == "Agreed on *scope*"
    assert value_of(updated, "$attendeeEmails") == ["c@example.com"]
    cleared = lf.meeting.update(meeting.id, fields={"$postMeetingSummary": None})
    assert value_of(cleared, "$postMeetingSummary") is None
    listed = lf.meeting.list(limit=25)
    assert meeting.id in ids(listed)
    assert all(item.object_type == "meeting" for item in listed.data)


def test_meeting_dates_are_in_the_past(lf):
    with api_error(BadRequestError, 400, "invalid_value", "fields.$endDate"):
        new_meeting(lf, **{"$endDate": "2999-01-01T00:00:00.000Z"})
    with api_error(BadRequestError, 400, "invalid_value", "fields.$endDate"):
        new_meeting(lf, **{"$startDate": PAST_END, "$endDate": PAST_START})
    with api_error(UnprocessableEntityError, 422, "parameter_missing", "fields.$startDate"):
        lf.meeting.create(fields={"$title": unique("m"), "$endDate": PAST_END})


def test_meeting_update_takes_only_its_four_fields(lf):
    meeting = new_meeting(lf)
    with api_error(BadRequestError, 400, "read_only", "fields.$title"):
        lf.meeting.update(meeting.id, fields={"$title": "New title"})
    with api_error(BadRequestError, 400, "read_only", "relationships.$contact"):
        lf.meeting.update(meeting.id, relationships={"$contact": {"add": new_contact(lf)}})
    with api_error(BadRequestError, 400, "relationship_entity_missing", "relationships.$transcript"):
        lf.meeting.update(meeting.id, relationships={"$transcript": {"replace": "1"}})
    with api_error(BadRequestError, 400, "limit_exceeded", "fields.$attendeeEmails"):
        lf.meeting.update(meeting.id, fields={"$attendeeEmails": [f"p{i}@example.com" for i in range(501)]})
    assert lf.meeting.retrieve(meeting.id).to_dict() == meeting.to_dict()


def test_meeting_create_links_only_a_transcript(lf):
    with api_error(BadRequestError, 400, "relationship_entity_missing", "relationships.$transcript"):
        lf.meeting.create(
            fields={"$title": unique("m"), "$startDate": PAST_START, "$endDate": PAST_END},
            relationships={"$transcript": "7"},
        )
    with api_error(BadRequestError, 400, "read_only", "relationships.$contact"):
        lf.meeting.create(
            fields={"$title": unique("m"), "$startDate": PAST_START, "$endDate": PAST_END},
            relationships={"$contact": new_contact(lf)},
        )
    meeting = lf.meeting.create(
        fields={"$title": unique("m"), "$startDate": PAST_START, "$endDate": PAST_END},
        auto_create_records=True,
    )
    assert meeting.object_type == "meeting"


def test_meeting_second_delete_is_404(lf):
    meeting = new_meeting(lf)
    assert lf.meeting.delete(meeting.id).id == meeting.id
    with api_error(NotFoundError, 404):
        lf.meeting.delete(meeting.id)
    assert meeting.id in ids(lf.meeting.list(status="trashed"))
    restored = lf.meeting.restore(meeting.id)
    assert restored.id == meeting.id and restored.object_type == "meeting"


@pytest.mark.parametrize("resource", ["note", "task", "meeting"])
def test_activity_scopes(resource, lf, make_client, server, crmd):
    key = crmd.keys_create(server.data_dir, scopes=[f"{resource}s:read"])
    reader = make_client(key)
    getattr(reader, resource).list()
    with api_error(PermissionDeniedError, 403):
        getattr(reader, resource).list(status="trashed")
    with api_error(PermissionDeniedError, 403):
        if resource == "note":
            reader.note.create(fields={"$title": "x"})
        elif resource == "task":
            reader.task.create(fields={"$title": "x", "$status": "TODO"}, relationships={"$assignedTo": OWNER_MEMBER_ID})
        else:
            reader.meeting.create(fields={"$title": "x", "$startDate": PAST_START, "$endDate": PAST_END})
