"""Plan JSON readers and process accounting used by the timed runs."""

from __future__ import annotations

import os
from pathlib import Path

from platformctl.bench.planrun import (
    count_requests,
    data_source_count,
    managed_resource_count,
    pending_changes,
    process_cpu_seconds,
)

PLAN = {
    "resource_changes": [
        {"address": "a.x", "mode": "managed", "change": {"actions": ["create"]}},
        {"address": "a.y", "mode": "managed", "change": {"actions": ["no-op"]}},
        {"address": "a.z", "mode": "managed", "change": {"actions": ["delete"]}},
        {"address": "data.aws_x.d", "mode": "data", "change": {"actions": ["read"]}},
    ],
    "prior_state": {
        "values": {
            "root_module": {
                "resources": [{"mode": "data"}],
                "child_modules": [
                    {
                        "resources": [{"mode": "data"}, {"mode": "managed"}],
                        "child_modules": [{"resources": [{"mode": "data"}]}],
                    }
                ],
            }
        }
    },
}


def test_resource_counts() -> None:
    assert managed_resource_count(PLAN) == 2
    assert data_source_count(PLAN) == 3
    assert data_source_count({}) == 0


def test_pending_changes_ignore_no_ops_and_reads() -> None:
    assert pending_changes(PLAN) == [("a.x", ["create"]), ("a.z", ["delete"])]


def test_emulator_requests_are_counted_from_its_log(tmp_path: Path) -> None:
    log = tmp_path / "moto.log"
    log.write_text(
        " * Running on http://127.0.0.1:5000\n"
        '127.0.0.1 - - [27/Nov/2026 13:19:02] "GET /restapis/x/stages/live HTTP/1.1" 200 -\n'
        '127.0.0.1 - - [27/Nov/2026 13:19:02] "POST / HTTP/1.1" 400 -\n'
    )
    assert count_requests(log) == 2
    assert count_requests(tmp_path / "missing.log") == 0


def test_process_cpu_seconds_reads_proc() -> None:
    seconds = process_cpu_seconds(os.getpid())
    assert seconds is not None and seconds > 0
    assert process_cpu_seconds(None) is None
    assert process_cpu_seconds(2**22 + 12345) is None
