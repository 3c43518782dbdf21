"""Crash durability: SIGKILL under concurrent write load in two workspaces, restart, and
check that nothing acknowledged is lost and nothing unacknowledged is half-applied
(`crash_harness.py` has the details). A negative control proves the harness can fail."""

from __future__ import annotations

import os
import random
from pathlib import Path

import crash_harness
from crmd_harness import crmd_binary

# Cycles in the suite; `crash_harness.py --cycles 5000` runs the long version.
CYCLES = int(os.environ.get("CRMD_CRASH_CYCLES", "200"))


def test_no_acknowledged_write_is_lost_across_crashes(tmp_path: Path):
    seed = random.randrange(1 << 30)
    outcome = crash_harness.run(CYCLES, crmd_binary(), tmp_path, seed)
    report = "\n".join((outcome.lost + outcome.broken)[:20])
    assert outcome.ok, f"seed {seed}: {len(outcome.lost)} lost, {len(outcome.broken)} broken after {outcome.cycles} cycles:\n{report}"
    assert outcome.cycles == CYCLES
    assert outcome.acknowledged_writes > CYCLES * 10, "the load should acknowledge writes in every cycle"


def test_the_harness_catches_a_build_that_acknowledges_before_committing(tmp_path: Path):
    # `scripts/test` builds this binary with `--features ack-before-commit`: its writer
    # answers before it commits, so a crash loses acknowledged writes.
    binary = os.environ.get("CRMD_ACK_BEFORE_COMMIT_BIN")
    assert binary and Path(binary).is_file(), (
        "CRMD_ACK_BEFORE_COMMIT_BIN must name a crmd built with "
        "`cargo build -p crmd_cli --features ack-before-commit` (scripts/test does this)"
    )
    outcome = crash_harness.run(40, Path(binary), tmp_path, seed=7)
    assert not outcome.ok, f"{outcome.cycles} cycles of a build that acknowledges before committing lost nothing"
    assert outcome.lost, outcome.broken[:5]
