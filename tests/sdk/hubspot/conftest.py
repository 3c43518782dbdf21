"""Fixtures: a real `crmd serve` on a loopback port and HubSpot's official Python SDK against it.

The server harness is shared with the Lightfield suite (`../lightfield/crmd_harness.py`).
One server, on a fresh data folder with `schema.toml` applied, serves the whole session.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterator

import hubspot
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lightfield"))

from crmd_harness import Crmd, CrmdServer, crmd_binary  # noqa: E402

SCHEMA_FILE = Path(__file__).with_name("schema.toml")


@pytest.fixture(scope="session")
def crmd() -> Crmd:
    return Crmd(crmd_binary())


@pytest.fixture(scope="session")
def server(crmd: Crmd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrmdServer]:
    data_dir = tmp_path_factory.mktemp("hubspot-session") / "data"
    crmd.schema_apply(data_dir, SCHEMA_FILE)
    running = CrmdServer(crmd, data_dir, tmp_path_factory.mktemp("hubspot-logs"), name="hubspot").start()
    try:
        yield running
        process = running.process
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the session server died during the run (exit {process.returncode}); stderr:\n"
                + running.stderr_text()[-4000:]
            )
    finally:
        running.stop()


def hubspot_client(base_url: str, key: str) -> hubspot.Client:
    """HubSpot's client pointed at crmd by its base URL only, without retries."""
    return hubspot.Client.create(access_token=key, host=base_url, base_url=base_url)


@pytest.fixture(scope="session")
def hs(server: CrmdServer) -> hubspot.Client:
    """A full-access HubSpot client for the session server's default workspace."""
    return hubspot_client(server.base_url, server.default_key)


@pytest.fixture(scope="session")
def make_hs(server: CrmdServer) -> Callable[[str], hubspot.Client]:
    """Builds a HubSpot client for the session server with another key."""
    return lambda key: hubspot_client(server.base_url, key)
