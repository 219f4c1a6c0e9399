"""Crash durability: SIGKILL a real ``oversight serve`` five times under concurrent reviews, on the same data.

Afterwards every review that got a 200 is retrievable with the same decision, every escalation that was
pending is still pending and can be resolved, and an idempotent retry of every unacknowledged request gives
exactly one review. Longer runs: ``python bench/crash.py --kills 50``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.harness import CrashReport, ServerProcess, crash_run, postgres_rows, sqlite_rows

pytestmark = [pytest.mark.slow]

KILLS = 5


def _assert_nothing_lost(report: CrashReport) -> None:
    print(report.line())
    assert report.kills >= KILLS
    assert report.acknowledged > 0 and report.escalations_pending > 0, "the run exercised nothing"
    assert report.lost == 0, report.errors[:10]
    assert report.recovered == report.acknowledged
    assert report.changed == 0, report.errors[:10]
    assert report.escalations_still_pending == report.escalations_pending
    assert report.escalations_resolved == report.escalations_pending, report.errors[:10]
    assert report.retried_ok == report.retried, report.errors[:10]
    # Exactly one stored review per request id, acknowledged or not.
    assert report.duplicates == 0
    assert report.rows == report.sent


async def test_sqlite_loses_no_acknowledged_decision_across_sigkills(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess(data)
    report = await crash_run(
        server, backend="sqlite", kills=KILLS, count_rows=lambda: sqlite_rows(data / "oversight.sqlite")
    )
    _assert_nothing_lost(report)


@pytest.mark.postgres
async def test_postgres_loses_no_acknowledged_decision_across_sigkills(tmp_path: Path, pg_url: str) -> None:
    server = ServerProcess(tmp_path / "data", {"OVERSIGHT_DATABASE_URL": pg_url})
    report = await crash_run(server, backend="postgres", kills=KILLS, count_rows=lambda: postgres_rows(pg_url))
    _assert_nothing_lost(report)
