"""Rate limits through HubSpot's official Python SDK: HubSpot's headers, and in crmd's `vendor`
limits profile HubSpot's limits (190 requests per 10 seconds, 5 searches per second), answered with
429 and HubSpot's body, raised by the SDK as its `ApiException`, and waited out by the SDK's own
retries (`hubspot.Client.create(retry=Retry(...))`, which honour `Retry-After`).

Without `retry=`, urllib3's default retries already wait out a 429 with `Retry-After` on GET, PUT
and DELETE (not on POST or PATCH): the client that must see the 429 is built with `Retry(0)`."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Iterator

import hubspot
import pytest
from hubspot.crm.contacts import ApiException, PublicObjectSearchRequest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactCreate
from urllib3.util.retry import Retry

from crmd_harness import Crmd, CrmdServer

SCHEMA_FILE = Path(__file__).with_name("schema.toml")


def no_retries(server: CrmdServer) -> hubspot.Client:
    """HubSpot's client with every retry off, urllib3's default ones included."""
    return hubspot.Client.create(access_token=server.default_key, host=server.base_url, retry=Retry(0))


def default_client(server: CrmdServer) -> hubspot.Client:
    """HubSpot's client as most integrations build it: no `retry=`."""
    return hubspot.Client.create(access_token=server.default_key, host=server.base_url)


@pytest.fixture(scope="module")
def vendor(crmd: Crmd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrmdServer]:
    """A server of its own in the vendor limits profile, so that draining its buckets
    disturbs no other test."""
    data_dir: Path = tmp_path_factory.mktemp("hubspot-vendor") / "data"
    crmd.schema_apply(data_dir, SCHEMA_FILE)
    server = CrmdServer(
        crmd, data_dir, tmp_path_factory.mktemp("hubspot-vendor-logs"), name="vendor", extra_args=["--limits", "vendor"]
    ).start()
    try:
        yield server
    finally:
        server.stop()


def retrying_client(server: CrmdServer) -> hubspot.Client:
    """HubSpot's client with urllib3 retries on 429 for every method, POST included."""
    retry = Retry(total=3, status_forcelist=[429], allowed_methods=None, backoff_factor=0, respect_retry_after_header=True)
    return hubspot.Client.create(access_token=server.default_key, host=server.base_url, retry=retry)


def drain(call) -> ApiException:
    """Calls until the bucket is empty; the SDK's exception for the 429 that says so."""
    for _ in range(1000):
        try:
            call()
        except ApiException as error:
            return error
    raise AssertionError("1000 calls in a row were never limited")


def retried_after_429(drain_call, call) -> float:
    """Drains a bucket, then makes `call`, which returns urllib3's raw response, and returns the
    seconds it took once its retry history shows the 429 it waited out. A token may come back
    between the drain and the call, so it tries a few times."""
    for _ in range(5):
        drain(drain_call)
        started = time.monotonic()
        response = call()
        elapsed = time.monotonic() - started
        assert response.status in (200, 201), response.data
        if any(entry.status == 429 for entry in response.retries.history):
            return elapsed
    raise AssertionError("the call never met a 429 to retry")


def search(api):
    return api.do_search(PublicObjectSearchRequest(limit=1))


def test_relaxed_responses_carry_hubspots_headers_and_searches_none(hs):
    _, status, headers = hs.crm.contacts.basic_api.get_page_with_http_info(limit=1)
    assert status == 200
    assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "1000"
    assert int(headers["X-HubSpot-RateLimit-Remaining"]) < int(headers["X-HubSpot-RateLimit-Max"])
    assert "X-HubSpot-RateLimit-Daily" not in headers
    _, _, search_headers = hs.crm.contacts.search_api.do_search_with_http_info(PublicObjectSearchRequest(limit=1))
    assert not [name for name in search_headers if name.lower().startswith("x-hubspot-ratelimit")]


def test_a_burst_over_190_is_a_429_and_the_sdk_retries_after_it(vendor):
    plain = no_retries(vendor)
    _, _, headers = plain.crm.contacts.basic_api.get_page_with_http_info(limit=1)
    assert headers["X-HubSpot-RateLimit-Max"] == "190"
    assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert headers["X-HubSpot-RateLimit-Daily"] == "1000000"
    assert int(headers["X-HubSpot-RateLimit-Daily-Remaining"]) < 1_000_000

    # Each `client.crm…` access builds a new API object with its own connection pool: keep
    # one, so that calls reuse its connection.
    plain_api = plain.crm.contacts.basic_api
    patient_contacts = retrying_client(vendor).crm.contacts.basic_api
    patient_contacts.get_page(limit=1)  # opens the connection before the bucket is drained
    error = drain(lambda: plain_api.get_page(limit=1))
    assert error.status == 429
    body = json.loads(error.body)
    assert body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert body["errorType"] == "RATE_LIMIT"
    assert body["category"] == "RATE_LIMITS"
    assert int(error.headers["Retry-After"]) >= 1
    assert error.headers["X-HubSpot-RateLimit-Remaining"] == "0"

    waited = retried_after_429(
        lambda: plain_api.get_page(limit=1),
        lambda: patient_contacts.create(
            ContactCreate(properties={"email": f"{uuid.uuid4().hex[:12]}@example.com"}), _preload_content=False
        ),
    )
    assert waited >= 0.9, "the SDK's retry of the POST waited for Retry-After"

    default_api = default_client(vendor).crm.contacts.basic_api
    default_api.get_page(limit=1)
    waited = retried_after_429(
        lambda: plain_api.get_page(limit=1), lambda: default_api.get_page(limit=1, _preload_content=False)
    )
    assert waited >= 0.9, "urllib3's default retry waited out the GET's 429"


def test_a_sixth_search_in_a_second_is_a_429_and_the_sdk_retries_the_post(vendor):
    plain = no_retries(vendor).crm.contacts.search_api
    patient = retrying_client(vendor).crm.contacts.search_api
    search(patient)  # opens the connection before the bucket is drained
    time.sleep(1.1)  # the search bucket is full again
    error = drain(lambda: search(plain))
    assert error.status == 429
    body = json.loads(error.body)
    assert (body["policyName"], body["message"]) == ("SECONDLY", "You have reached your secondly limit.")
    assert error.headers["Retry-After"] == "1"
    assert not [name for name in error.headers if name.lower().startswith("x-hubspot-ratelimit")]

    waited = retried_after_429(
        lambda: search(plain),
        lambda: patient.do_search(PublicObjectSearchRequest(limit=1), _preload_content=False),
    )
    assert waited >= 0.9, "the SDK's retry of the search POST waited for Retry-After"
