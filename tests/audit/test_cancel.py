"""`oversight audit` into a folder whose job is unfinished is refused; `--cancel` stops a job, `--resume` takes it
up again.

Before, a second `oversight audit FILE --out DIR` overwrote DIR/job.json and left the first job `running` in the
store, where `oversight serve` and `oversight worker` went on reviewing it (paid reviewer calls nobody asked
for), and nothing could cancel a job.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit._helpers import cli_env, mixed_sessions, run_cli, sqlite_done, write_jsonl


def test_a_second_audit_into_an_unfinished_jobs_folder_is_refused(tmp_path: Path) -> None:
    sessions = write_jsonl(tmp_path / "s.jsonl", mixed_sessions(3))
    env, out = cli_env(tmp_path / "data"), tmp_path / "out"
    first = run_cli(["audit", str(sessions), "--out", str(out), "--submit-only"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    recorded = (out / "job.json").read_text()
    again = run_cli(["audit", str(sessions), "--out", str(out)], env, tmp_path)
    assert again.returncode == 2, again.stderr
    said = " ".join(again.stderr.split())
    assert first.stdout.strip() in said and "--resume" in said and "--cancel" in said
    assert (out / "job.json").read_text() == recorded  # still the first job's record


def test_cancel_stops_a_job_for_every_worker_and_resume_finishes_it(tmp_path: Path) -> None:
    sessions = write_jsonl(tmp_path / "s.jsonl", mixed_sessions(3))
    env, out = cli_env(tmp_path / "data"), tmp_path / "out"
    job_id = run_cli(["audit", str(sessions), "--out", str(out), "--submit-only"], env, tmp_path).stdout.strip()
    cancelled = run_cli(["audit", "--cancel", "--out", str(out)], env, tmp_path)
    assert cancelled.returncode == 0 and f"cancelled {job_id}" in cancelled.stderr, cancelled.stderr
    worked = run_cli(["worker", "--exit-when-idle"], env, tmp_path)
    assert worked.returncode == 0, worked.stderr
    db = tmp_path / "data" / "oversight.sqlite"
    assert db.exists() and sqlite_done(db, job_id) == {}  # no turn reviewed
    # a new audit may use the folder now that its job is cancelled; --resume takes the job up again instead
    resumed = run_cli(["audit", "--resume", "--out", str(out)], env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "taken up again" in resumed.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] is True and report["totals"]["turns"] == report["job"]["turns"]
