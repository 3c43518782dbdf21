"""Small helpers shared by the test modules: reading SDK models back as plain data, and
checking error bodies."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional, Type, Union

import pytest
from lightfield import APIStatusError

# The owner member seeded into every new workspace is its first record.
OWNER_MEMBER_ID = "1"

# What every 2xx timestamp looks like (spec §1, §3.4): UTC with milliseconds.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

# Error `type` per status (spec §5.9).
ERROR_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    415: "unsupported_media_type",
    422: "unprocessable_content",
}

# Codes the spec allows for a value the field cannot take: `invalid_value` for a bad value of
# the right JSON type, `invalid_type` for the wrong JSON type (spec §5.9).
BAD_VALUE_CODES = {"invalid_value", "invalid_type"}


def unique(prefix: str = "t") -> str:
    """A name no other test uses, so tests sharing the session server never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def plain(value: Any) -> Any:
    """An SDK value (model, list, scalar) as plain JSON-like data, without null members."""
    if hasattr(value, "to_dict"):
        return {key: item for key, item in value.to_dict().items() if item is not None}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def values(record: Any) -> "dict[str, Any]":
    """Every field of a record as `{key: plain value}`."""
    return {key: plain(field.value) for key, field in record.fields.items()}


def value_of(record: Any, key: str) -> Any:
    assert key in record.fields, f"field {key!r} missing from record {record.id}: {sorted(record.fields)}"
    return plain(record.fields[key].value)


def related(record: Any, key: str) -> "list[str]":
    assert key in record.relationships, (
        f"relationship {key!r} missing from record {record.id}: {sorted(record.relationships)}"
    )
    return list(record.relationships[key].values)


def option_id(definitions: Any, field_key: str, label: str) -> str:
    options = definitions.field_definitions[field_key].type_configuration.options or []
    for option in options:
        if option.label == label:
            return option.id
    raise AssertionError(f"no option {label!r} on {field_key}: {[o.label for o in options]}")


def ids(page: Any) -> "list[str]":
    return [record.id for record in page.data]


def check_record(record: Any) -> None:
    """Envelope rules every record must follow (spec §3.1, brief: decimal ids)."""
    assert isinstance(record.id, str) and record.id.isdigit(), f"record ids are decimal strings, got {record.id!r}"
    assert TIMESTAMP.match(record.created_at), record.created_at
    if record.updated_at is not None:
        assert TIMESTAMP.match(record.updated_at), record.updated_at
    for key, relationship in record.relationships.items():
        assert relationship.cardinality in ("HAS_ONE", "HAS_MANY"), (key, relationship.cardinality)


def check_matches_definitions(record: Any, definitions: Any) -> None:
    """Every defined field and relationship is present, with the defined type (spec §3.1)."""
    assert set(record.fields) == set(definitions.field_definitions), (
        sorted(set(record.fields) ^ set(definitions.field_definitions))
    )
    for key, field in record.fields.items():
        assert field.value_type == definitions.field_definitions[key].value_type, key
    assert set(record.relationships) == set(definitions.relationship_definitions), (
        sorted(set(record.relationships) ^ set(definitions.relationship_definitions))
    )
    for key, relationship in record.relationships.items():
        definition = definitions.relationship_definitions[key]
        assert relationship.object_type == definition.object_type, key
        assert relationship.cardinality == definition.cardinality, key


@contextmanager
def api_error(
    exc_type: Type[APIStatusError],
    status: int,
    code: Optional[Union[str, Iterable[str]]] = None,
    param: Optional[str] = None,
) -> Iterator[Any]:
    """Expects the block to fail with `exc_type` and a spec-shaped error body (spec §5.9)."""
    with pytest.raises(exc_type) as info:
        yield info
    err = info.value
    assert err.status_code == status, f"expected {status}, got {err.status_code}: {err.body}"
    body = err.body
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), f"error body not wrapped: {body!r}"
    error = body["error"]
    assert isinstance(error.get("message"), str) and error["message"], error
    if status in ERROR_TYPES:
        assert error.get("type") == ERROR_TYPES[status], error
    if code is not None:
        allowed = {code} if isinstance(code, str) else set(code)
        assert error.get("code") in allowed, f"expected code in {sorted(allowed)}: {error}"
    if param is not None:
        assert error.get("param") == param, f"expected param {param!r}: {error}"
