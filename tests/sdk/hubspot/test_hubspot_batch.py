"""The batch API through HubSpot's official Python SDK: read, create, update, upsert, archive."""

from __future__ import annotations

import uuid

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInputUpsert,
    SimplePublicObjectId,

)
from hubspot.crm.contacts.exceptions import NotFoundException


def emails(count: int) -> "list[str]":
    marker = uuid.uuid4().hex[:10]
    return [f"{marker}.{n}@example.com" for n in range(count)]


def test_batch_create_read_update_archive(hs):
    addresses = emails(3)
    created = hs.crm.contacts.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[SimplePublicObjectBatchInputForCreate(properties={"email": email}, associations=[]) for email in addresses]
        )
    )
    assert created.status == "COMPLETE"
    ids = [result.id for result in created.results]
    assert [result.properties["email"] for result in created.results] == addresses

    read = hs.crm.contacts.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=id) for id in ids] + [SimplePublicObjectId(id="987654321")],
            properties=["email"],
            properties_with_history=[],
        )
    )
    assert sorted(result.id for result in read.results) == sorted(ids)
    assert read.num_errors == 1
    assert read.errors[0].category == "OBJECT_NOT_FOUND"
    assert read.errors[0].context == {"ids": ["987654321"]}

    updated = hs.crm.contacts.batch_api.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(id=addresses[0], id_property="email", properties={"firstname": "Ada"}),
                SimplePublicObjectBatchInput(id=ids[1], properties={"firstname": "Grace"}),
            ]
        )
    )
    assert sorted(result.properties["firstname"] for result in updated.results) == ["Ada", "Grace"]
    assert type(updated).__name__ == "BatchResponseSimplePublicObject", "200, not 207"

    assert hs.crm.contacts.batch_api.archive(
        BatchInputSimplePublicObjectId(inputs=[SimplePublicObjectId(id=id) for id in ids])
    ) is None
    for id in ids:
        with pytest.raises(NotFoundException):
            hs.crm.contacts.basic_api.get_by_id(id)


def test_batch_upsert_by_email(hs):
    existing_email, new_email = emails(2)
    existing = hs.crm.contacts.basic_api.create({"properties": {"email": existing_email}})
    upserted = hs.crm.contacts.batch_api.upsert(
        BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                SimplePublicObjectBatchInputUpsert(id=existing_email, id_property="email", properties={"lastname": "Old"}),
                SimplePublicObjectBatchInputUpsert(id=new_email, id_property="email", properties={"lastname": "New"}),
            ]
        )
    )
    by_email = {result.properties["email"]: result for result in upserted.results}
    assert by_email[existing_email].id == existing.id
    assert by_email[existing_email].new is False
    assert by_email[new_email].new is True
    assert by_email[new_email].properties["lastname"] == "New"


def test_batch_create_with_trace_ids_reports_each_failure(hs):
    taken, fresh = emails(2)
    hs.crm.contacts.basic_api.create({"properties": {"email": taken}})
    response = hs.crm.contacts.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectBatchInputForCreate(properties={"email": fresh}, object_write_trace_id="fresh", associations=[]),
                SimplePublicObjectBatchInputForCreate(properties={"email": taken}, object_write_trace_id="taken", associations=[]),
            ]
        )
    )
    assert [result.properties["email"] for result in response.results] == [fresh]
    assert response.errors[0].category == "CONFLICT"
    assert response.errors[0].context["objectWriteTraceId"] == ["taken"]
    assert "Existing ID: " in response.errors[0].message


def test_batch_create_without_trace_ids_is_all_or_nothing(hs):
    taken, fresh = emails(2)
    existing = hs.crm.contacts.basic_api.create({"properties": {"email": taken}})
    with pytest.raises(ApiException) as caught:
        hs.crm.contacts.batch_api.create(
            BatchInputSimplePublicObjectBatchInputForCreate(
                inputs=[
                    SimplePublicObjectBatchInputForCreate(properties={"email": fresh}, associations=[]),
                    SimplePublicObjectBatchInputForCreate(properties={"email": taken}, associations=[]),
                ]
            )
        )
    assert caught.value.status == 409
    assert f"Existing ID: {existing.id}" in caught.value.body
    with pytest.raises(ApiException) as missing:
        hs.crm.contacts.basic_api.get_by_id(fresh, id_property="email")
    assert missing.value.status == 404, "the valid input was not written either"


def test_more_than_100_inputs_is_a_400(hs):
    with pytest.raises(ApiException) as caught:
        hs.crm.contacts.batch_api.read(
            BatchReadInputSimplePublicObjectId(
                inputs=[SimplePublicObjectId(id=str(n)) for n in range(1, 102)],
                properties=[],
                properties_with_history=[],
            )
        )
    assert caught.value.status == 400
