"""Rate limits (spec §5.10): the headers on every response, and in the `vendor` limits profile
25 requests per second per category, answered with 429 and `Retry-After`, which the SDK's
own retries wait out."""

from __future__ import annotations

import time

import httpx
import pytest
from lightfield import AuthenticationError, Lightfield, RateLimitError

from crmd_harness import REQUEST_TIMEOUT_SECS


def drain(lf: Lightfield) -> RateLimitError:
    """Reads until the Read bucket is empty; the 429 that says so."""
    for _ in range(200):
        try:
            lf.auth.validate()
        except RateLimitError as error:
            return error
    raise AssertionError("200 reads in a row were never limited")


def test_headers_on_every_response(lf):
    raw = lf.account.with_raw_response.list(limit=1)
    assert int(raw.headers["x-ratelimit-limit"]) >= 25
    assert 0 <= int(raw.headers["x-ratelimit-remaining"]) < int(raw.headers["x-ratelimit-limit"])
    assert int(raw.headers["x-ratelimit-reset"]) >= int(time.time())
    stranger = Lightfield(api_key="crmd_nobody_nothing", base_url=str(lf.base_url), max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        stranger.auth.validate()
    assert "x-ratelimit-limit" in info.value.response.headers


def test_the_vendor_profile_answers_429_and_the_sdk_retries_after_it(start_server):
    server = start_server("vendor-limits", extra_args=["--limits", "vendor"])
    no_retries = server.client()
    raw = no_retries.auth.with_raw_response.validate()
    assert raw.headers["x-ratelimit-limit"] == "25"

    error = drain(no_retries)
    assert error.status_code == 429
    assert error.body["error"]["type"] == "too_many_requests"
    assert int(error.response.headers["retry-after"]) >= 1
    assert error.response.headers["x-ratelimit-remaining"] == "0"
    no_retries.account.list(limit=1)  # searches have their own bucket

    # The retried call is watched on the wire: its first answer must be a 429, and the retry
    # must come after the Retry-After the 429 carried. A token can come back between the drain
    # and the call (the bucket refills 25 a second), so the call is repeated until one is
    # limited.
    statuses: list[int] = []
    with_retries = Lightfield(
        api_key=server.default_key,
        base_url=server.base_url,
        _strict_response_validation=True,
        max_retries=2,
        timeout=REQUEST_TIMEOUT_SECS,
        http_client=httpx.Client(event_hooks={"response": [lambda response: statuses.append(response.status_code)]}),
    )
    with_retries.account.list(limit=1)  # opens the connection before the bucket is drained
    for _ in range(20):
        statuses.clear()
        drain(no_retries)
        started = time.monotonic()
        who = with_retries.auth.validate()
        waited = time.monotonic() - started
        assert who.active is True
        if statuses[0] == 429:
            break
    assert statuses[0] == 429 and statuses[-1] == 200, statuses
    assert waited >= 0.9, "the SDK waited for Retry-After before its retry"
