"""The `crmd` commands the suite relies on, as an operator uses them next to a running server."""

from __future__ import annotations

from support import unique


def test_schema_apply_refuses_while_the_server_runs(crmd, server, schema_file, lf):
    result = crmd.run("schema", "apply", "--data", str(server.data_dir), str(schema_file), check=False)
    assert result.returncode != 0, "schema apply must refuse a folder a server holds"
    assert result.stderr.strip(), "the refusal says why on stderr"
    # The server is unharmed.
    assert lf.account.create(fields={"$name": unique("still-up")}).id


def test_keys_are_distinct_and_labelled_keys_work(crmd, server, make_client):
    first = crmd.keys_create(server.data_dir, label="one")
    second = crmd.keys_create(server.data_dir, label="two")
    assert first != second
    assert first != server.default_key
    assert make_client(first).auth.validate().active is True
    assert make_client(second).auth.validate().active is True
