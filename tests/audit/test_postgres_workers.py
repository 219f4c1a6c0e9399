"""Several `oversight worker` processes on PostgreSQL share one job; one is killed mid-job."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import psycopg
import pytest

from tests.audit._helpers import cli_env, mixed_sessions, read_jsonl, run_cli, spawn_cli, write_jsonl

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _done_by_owner(url: str, job_id: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT turn_id, result->>'review_id' FROM audit_turns WHERE job_id = %s AND status = 'done'", (job_id,)
        ).fetchall()
    return {t: r for t, r in rows}


def _claimed(url: str, job_id: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM audit_turns WHERE job_id = %s AND status = 'claimed'",
                           (job_id,)).fetchone()
    return int(row[0]) if row else 0


def test_two_workers_one_killed_every_turn_exactly_once(tmp_path: Path, pg_url: str) -> None:
    sessions = write_jsonl(tmp_path / "sessions.jsonl", mixed_sessions(40))  # 120 turns
    out = tmp_path / "report"
    env = cli_env(tmp_path / "data", pg_url)
    submitted = run_cli(["audit", str(sessions), "--out", str(out), "--submit-only"], env, tmp_path)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip()
    assert job_id.startswith("aud_")

    worker_args = ["worker", "--job", job_id, "--rpm", "600", "--concurrency", "4", "--lease", "5"]
    doomed = spawn_cli(worker_args, env, tmp_path)
    survivor = spawn_cli(worker_args, env, tmp_path)
    deadline = time.monotonic() + 120
    while (len(_done_by_owner(pg_url, job_id)) < 30 or _claimed(pg_url, job_id) == 0) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert doomed.poll() is None and survivor.poll() is None
    doomed.send_signal(signal.SIGKILL)  # dies holding claimed turns
    doomed.wait()
    before = _done_by_owner(pg_url, job_id)
    assert len(before) < 120

    _, err = survivor.communicate(timeout=180)
    assert survivor.returncode == 0, err
    final = run_cli(["audit", "--resume", "--out", str(out)], env, tmp_path)  # nothing left: writes the report
    assert final.returncode == 0, final.stderr
    turns = read_jsonl(out / "turns.jsonl")
    ids = [t["turn_id"] for t in turns]
    assert len(ids) == 120 and len(set(ids)) == 120
    after = {t["turn_id"]: t["review_id"] for t in turns}
    assert all(after[t] == rid for t, rid in before.items())
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] and report["totals"]["turns"] == 120
