"""A full disk: crmd runs on a small tmpfs that fills up. Writes that cannot be stored
answer 507 in Lightfield's shape, reads go on, nothing acknowledged is lost, and writes
work again, without a restart, once space returns.

Mounting a tmpfs needs root, as CI's machines and the development containers have.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from crmd_harness import CrmdServer

HEADERS = {"Lightfield-Version": "2026-03-01"}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    assert mounted.returncode == 0, f"mounting a tmpfs needs root: {mounted.stderr.strip()}"
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Writes a file until the filesystem is full, down to its last bytes; returns it."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC, error
    return filler


def test_a_full_disk_answers_507_keeps_reads_and_recovers(crmd, small_disk: Path, tmp_path: Path):
    server = CrmdServer(crmd, small_disk / "data", tmp_path / "logs", name="full-disk").start()
    client = httpx.Client(
        base_url=server.base_url, headers={**HEADERS, "Authorization": f"Bearer {server.default_key}"}, timeout=20
    )
    acknowledged = {}
    for index in range(20):
        response = client.post("/v1/accounts", json={"fields": {"$name": f"before-{index}"}})
        assert response.status_code == 200, response.text
        acknowledged[response.json()["id"]] = f"before-{index}"

    fill(small_disk)
    statuses = []
    for index in range(60):
        name = f"full-{index}-" + "x" * 2000
        response = client.post("/v1/accounts", json={"fields": {"$name": name}})
        statuses.append(response.status_code)
        if response.status_code == 200:
            acknowledged[response.json()["id"]] = name
        else:
            assert response.status_code == 507, response.text
            error = response.json()["error"]
            assert error["type"] == "insufficient_storage", error
            assert error["message"], error
        # Reads go on while writes fail.
        some_id = next(iter(acknowledged))
        read = client.get(f"/v1/accounts/{some_id}")
        assert read.status_code == 200, read.text
    assert 507 in statuses, f"the disk never filled up: {statuses}"

    # Space returns: writes work again without a restart.
    (small_disk / "filler").unlink()
    response = client.post("/v1/accounts", json={"fields": {"$name": "after"}})
    assert response.status_code == 200, response.text
    acknowledged[response.json()["id"]] = "after"

    # Nothing acknowledged was lost, across a crash too.
    server.signal_stop(signal.SIGKILL)
    server.start()
    client = httpx.Client(
        base_url=server.base_url, headers={**HEADERS, "Authorization": f"Bearer {server.default_key}"}, timeout=20
    )
    for record_id, name in acknowledged.items():
        response = client.get(f"/v1/accounts/{record_id}")
        assert response.status_code == 200, (record_id, response.text)
        assert response.json()["fields"]["$name"]["value"] == name
    listed = client.get("/v1/accounts", params={"limit": 1}).json()
    assert listed["totalCount"] == len(acknowledged), "only acknowledged writes are stored"
    server.stop()
    assert os.path.ismount(small_disk)
