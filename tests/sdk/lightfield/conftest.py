"""Fixtures: a real `crmd serve` on a loopback port and official SDK clients against it.

One server, on a fresh data folder with `schema.toml` applied, serves the whole session.
Tests that need their own server (restart, workspace isolation) use `start_server`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest
from lightfield import Lightfield

from crmd_harness import Crmd, CrmdServer, crmd_binary

SCHEMA_FILE = Path(__file__).with_name("schema.toml")


@pytest.fixture(scope="session")
def crmd() -> Crmd:
    return Crmd(crmd_binary())


@pytest.fixture(scope="session")
def schema_file() -> Path:
    return SCHEMA_FILE


@pytest.fixture(scope="session")
def server(crmd: Crmd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrmdServer]:
    data_dir = tmp_path_factory.mktemp("session") / "data"
    crmd.schema_apply(data_dir, SCHEMA_FILE)
    running = CrmdServer(crmd, data_dir, tmp_path_factory.mktemp("session-logs"), name="session").start()
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


@pytest.fixture(scope="session")
def lf(server: CrmdServer) -> Lightfield:
    """A full-access client for the session server's default workspace."""
    return server.client()


@pytest.fixture(scope="session")
def make_client(server: CrmdServer) -> Callable[[str], Lightfield]:
    """Builds a client for the session server with another key."""
    return server.client


@pytest.fixture
def start_server(crmd: Crmd, tmp_path: Path) -> Iterator[Callable[..., CrmdServer]]:
    """Starts extra servers, each on its own fresh data folder; stops them all afterwards."""
    started: "list[CrmdServer]" = []

    def start(name: str = "extra", *, apply_schema: bool = True, extra_args: "list[str] | None" = None) -> CrmdServer:
        data_dir = tmp_path / name / "data"
        if apply_schema:
            crmd.schema_apply(data_dir, SCHEMA_FILE)
        extra = CrmdServer(crmd, data_dir, tmp_path / name / "logs", name=name, extra_args=extra_args or ())
        started.append(extra)
        return extra.start()

    try:
        yield start
    finally:
        for extra in started:
            extra.stop()
