"""Fixtures: a real `crmd serve` on a loopback port, driven through Outreach's JSON:API with
the `jsonapi-client` library, and every response document validated against the JSON:API
JSON Schema (`jsonapi-schema.json`, adjusted for Outreach's integer ids).

The server harness is shared with the Lightfield suite (`../lightfield/crmd_harness.py`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Iterator, List

import httpx
import jsonschema
import pytest
import requests
from jsonapi_client import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lightfield"))

from crmd_harness import Crmd, CrmdServer, crmd_binary, make_client  # noqa: E402

JSON_API = "application/vnd.api+json"
SCHEMA = json.loads(Path(__file__).with_name("jsonapi-schema.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def check_document(status: int, content_type: str, body: bytes) -> None:
    """Every answer is JSON:API: the media type, and a body that the schema accepts."""
    assert content_type == JSON_API, f"Content-Type {content_type!r} on a {status}"
    if status == 204:
        assert body == b"", "a 204 has no body"
        return
    document = json.loads(body)
    errors = sorted(VALIDATOR.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, f"not a JSON:API document ({status}): {errors[0].message}\n{document}"


class Checked:
    """Collects the responses a test saw, each validated as it arrives."""

    def __init__(self) -> None:
        self.seen: List[int] = []

    def hook(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        check_document(response.status_code, response.headers.get("content-type", ""), response.content)
        self.seen.append(response.status_code)


@pytest.fixture(scope="session")
def crmd() -> Crmd:
    return Crmd(crmd_binary())


@pytest.fixture(scope="session")
def server(crmd: Crmd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrmdServer]:
    data_dir = tmp_path_factory.mktemp("outreach-session") / "data"
    running = CrmdServer(crmd, data_dir, tmp_path_factory.mktemp("outreach-logs"), name="outreach").start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture()
def checked() -> Checked:
    return Checked()


# The models the client creates, in jsonapi-client's schema format: attributes it may send.
MODELS = {
    "account": {"properties": {"name": {"type": ["string", "null"]}, "websiteUrl": {"type": ["array", "null"]}}},
    "prospect": {
        "properties": {
            "firstName": {"type": ["string", "null"]},
            "lastName": {"type": ["string", "null"]},
            "emails": {"type": ["array", "null"]},
            "title": {"type": ["string", "null"]},
            "account": {"relation": "to-one", "resource": ["account"]},
        }
    },
}


@pytest.fixture()
def session(server: CrmdServer, checked: Checked) -> Iterator[Session]:
    """A JSON:API session on `/api/v2` with the default key. Its GETs send no Content-Type
    unless told, so the headers name it, as Outreach asks of every request."""
    headers = {"Authorization": f"Bearer {server.default_key}", "Content-Type": JSON_API, "Accept": JSON_API}
    with Session(
        f"{server.base_url}/api/v2",
        schema=MODELS,
        request_kwargs={"headers": headers, "hooks": {"response": [checked.hook]}},
    ) as opened:
        yield opened


@pytest.fixture()
def http(server: CrmdServer) -> Iterator[Callable[..., httpx.Response]]:
    """Raw requests for what the client cannot send (DELETE, malformed documents); every
    answer is validated like the client's."""
    with httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=30) as client:

        def send(method: str, path: str, *, key: str | None = None, **kwargs: object) -> httpx.Response:
            headers = {"Authorization": f"Bearer {key or server.default_key}", **kwargs.pop("headers", {})}
            response = client.request(method, path, headers=headers, **kwargs)
            check_document(response.status_code, response.headers.get("content-type", ""), response.content)
            return response

        yield send


@pytest.fixture()
def lightfield(server: CrmdServer):
    return make_client(server.base_url, server.default_key)
