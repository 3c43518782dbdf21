"""Wire rules the SDK cannot break on purpose (spec §1, §7).

These tests use raw httpx, because the SDK always sends a valid version header, a JSON body
and its own key; every such place says so.
"""

from __future__ import annotations

import httpx

from support import unique

VERSION = "2026-03-01"


def headers(server, **extra):
    base = {
        "Authorization": f"Bearer {server.default_key}",
        "Lightfield-Version": VERSION,
        "Accept": "application/json",
    }
    base.update(extra)
    return base


def error_of(response: httpx.Response) -> dict:
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body.get("error"), dict), body
    return body["error"]


def test_missing_version_header_is_400(server):
    # Raw httpx: the SDK always sends `Lightfield-Version`.
    response = httpx.get(
        f"{server.base_url}/v1/accounts",
        headers={"Authorization": f"Bearer {server.default_key}"},
        timeout=10,
    )
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["type"] == "bad_request"
    assert error["code"] == "version_header"


def test_unknown_version_header_is_400(server):
    # Raw httpx: the SDK always sends the version it was generated for.
    response = httpx.get(
        f"{server.base_url}/v1/accounts",
        headers=headers(server, **{"Lightfield-Version": "1999-01-01"}),
        timeout=10,
    )
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "version_header"


def test_missing_key_is_401(server):
    # Raw httpx: the SDK cannot be built without a key.
    response = httpx.get(f"{server.base_url}/v1/accounts", headers={"Lightfield-Version": VERSION}, timeout=10)
    assert response.status_code == 401, response.text
    assert error_of(response)["type"] == "unauthorized"


def test_non_json_body_is_415(server):
    # Raw httpx: the SDK only ever sends JSON bodies.
    response = httpx.post(
        f"{server.base_url}/v1/accounts",
        headers=headers(server, **{"Content-Type": "text/plain"}),
        content=b"$name=Acme",
        timeout=10,
    )
    assert response.status_code == 415, response.text
    assert error_of(response)["type"] == "unsupported_media_type"


def test_success_responses_are_json(server, lf):
    account = lf.account.with_raw_response.create(fields={"$name": unique("json")})
    assert account.status_code == 200
    assert account.headers["content-type"].startswith("application/json")
    assert account.parse().fields["$name"].value.startswith("json-")
    page = lf.account.with_raw_response.list(limit=1)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("application/json")
    assert page.parse().object == "list"


def test_bodiless_delete_and_empty_restore_are_accepted(server, lf):
    # Raw httpx, to pin the exact shape the SDK sends (spec §7.4): DELETE with a JSON
    # content type and no body at all, restore with `Content-Length: 0`.
    account = lf.account.create(fields={"$name": unique("bodiless")})
    url = f"{server.base_url}/v1/accounts/{account.id}"
    deleted = httpx.request("DELETE", url, headers=headers(server, **{"Content-Type": "application/json"}), timeout=10)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["id"] == account.id
    restored = httpx.post(
        f"{url}/restore",
        headers=headers(server, **{"Content-Type": "application/json"}),
        content=b"",
        timeout=10,
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["id"] == account.id


def test_malformed_json_is_400(server):
    # Raw httpx: the SDK only ever sends well-formed JSON.
    response = httpx.post(
        f"{server.base_url}/v1/accounts",
        headers=headers(server, **{"Content-Type": "application/json"}),
        content=b'{"fields": ',
        timeout=10,
    )
    assert response.status_code == 400, response.text
    assert error_of(response)["type"] == "bad_request"


def test_unknown_path_is_404_in_the_error_shape(server):
    # Raw httpx: the SDK has no method for a path that does not exist.
    response = httpx.get(f"{server.base_url}/v1/no-such-resource", headers=headers(server), timeout=10)
    assert response.status_code == 404, response.text
    assert error_of(response)["type"] == "not_found"


def test_unserved_resources_answer_501_without_retry(lf):
    # crmd's own choice for Lightfield resources it does not serve yet: 501, and
    # `x-should-retry: false` so the SDK does not retry a request that cannot succeed.
    from lightfield import InternalServerError

    try:
        lf.member.list()
    except InternalServerError as err:
        assert err.status_code == 501
        assert err.response.headers.get("x-should-retry") == "false"
        assert isinstance(err.body, dict) and isinstance(err.body.get("error"), dict), err.body
    else:
        # Serving members is fine too; then the page must validate, which it just did.
        pass


def test_percent_encoded_path_segments_are_decoded(server, lf):
    # Raw httpx: the SDK leaves `$` unescaped in paths, but other clients encode it (spec §7.7).
    account = lf.account.create(fields={"$name": unique("encoded")})
    response = httpx.get(
        f"{server.base_url}/v1/accounts/{account.id}/fields/%24name/history", headers=headers(server), timeout=10
    )
    assert response.status_code == 200, response.text
    assert [entry["value"] for entry in response.json()["data"]] == [account.fields["$name"].value]


def test_json_content_type_with_charset_is_accepted(server):
    # Raw httpx: the SDK always sends a bare `application/json`.
    name = unique("charset")
    response = httpx.post(
        f"{server.base_url}/v1/accounts",
        headers=headers(server, **{"Content-Type": "application/json; charset=utf-8"}),
        content=('{"fields": {"$name": "%s"}}' % name).encode(),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["fields"]["$name"]["value"] == name
