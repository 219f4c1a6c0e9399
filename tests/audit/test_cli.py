"""`oversight audit`, `--resume` after SIGKILL, and `oversight gate`, run as real subprocesses."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.audit._helpers import (
    SUITES,
    cli_env,
    mixed_sessions,
    read_jsonl,
    run_cli,
    spawn_cli,
    sqlite_done,
    write_jsonl,
)

pytestmark = pytest.mark.slow


def test_audit_of_two_versions_writes_the_report_with_intervals_and_comparison(tmp_path: Path) -> None:
    sessions = write_jsonl(tmp_path / "sessions.jsonl", mixed_sessions(30))
    out = tmp_path / "report"
    done = run_cli(["audit", str(sessions), "--out", str(out)], cli_env(tmp_path / "data"), tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.html", "turns.csv", "turns.jsonl", "job.json"}
    report = json.loads((out / "report.json").read_text())
    turns = read_jsonl(out / "turns.jsonl")
    assert report["totals"]["turns"] == len(turns) == 90 and report["complete"]
    by_version = {s["by"]["fast_model"]: s for s in report["segments"] if list(s["by"]) == ["fast_model"]}
    assert set(by_version) == {"brisk@2026.03", "brisk@2026.05"}
    for seg in by_version.values():
        assert set(seg["rates"]) >= {"refusal", "safe_completion", "over_caveated", "policy_incident", "escalation",
                                     "disagreement"}
        for rate in seg["rates"].values():
            low, high = rate["ci"]
            assert 0 <= low <= rate["rate"] <= high <= 1 and isinstance(rate["count"], int)
    assert by_version["brisk@2026.03"]["rates"]["refusal"]["count"] == 0
    assert by_version["brisk@2026.05"]["rates"]["refusal"]["count"] == 15
    comparison = next(c for c in report["comparisons"] if not c["by"])
    assert comparison["candidate"] == "brisk@2026.05" and comparison["metrics"]["refusal"]["significant"]
    assert "refusal" in done.stderr and "significant" not in done.stdout  # the summary goes to stderr
    csv_lines = (out / "turns.csv").read_text().splitlines()
    assert len(csv_lines) == 91 and csv_lines[0].startswith("seq,turn_id,session_id")


def test_killed_mid_job_and_resumed_every_turn_is_reported_exactly_once(tmp_path: Path) -> None:
    sessions = write_jsonl(tmp_path / "sessions.jsonl", mixed_sessions(60))  # 180 turns
    out, data = tmp_path / "report", tmp_path / "data"
    env = cli_env(data)
    # --rpm paces the run (about 10 turns a second) so there is a middle to kill it in.
    proc = spawn_cli(["audit", str(sessions), "--out", str(out), "--rpm", "600", "--concurrency", "8"], env, tmp_path)
    db = data / "oversight.sqlite"
    deadline = time.monotonic() + 120
    while len(sqlite_done(db)) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the audit finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = sqlite_done(db)
    assert 30 <= len(before) < 180
    assert not (out / "report.json").exists()

    resumed = run_cli(["audit", "--resume", "--out", str(out)], env, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)}/180 turns already done" in resumed.stderr
    turns = read_jsonl(out / "turns.jsonl")
    ids = [t["turn_id"] for t in turns]
    assert len(ids) == 180 and len(set(ids)) == 180
    # What was finished before the kill was kept, not reviewed again.
    after = {t["turn_id"]: t["review_id"] for t in turns}
    assert all(after[t] == rid for t, rid in before.items())
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["turns"] == 180 and report["segments"][0]["n"] == 180
    assert Counter(t["fast_model"] for t in turns) == {"brisk@2026.03": 90, "brisk@2026.05": 90}


def test_resume_without_a_job_says_so(tmp_path: Path) -> None:
    done = run_cli(["audit", "--resume", "--out", str(tmp_path / "nothing")], cli_env(tmp_path / "data"), tmp_path)
    assert done.returncode == 2 and "nothing to resume" in done.stderr


def _suites_report(tmp_path: Path, name: str, files: list[Path], version_filter: str | None = None) -> Path:
    rows = []
    for f in files:
        for line in f.read_text().splitlines():
            row = json.loads(line)
            if version_filter is None or row["model"]["version"] == version_filter:
                rows.append(row)
    sessions = write_jsonl(tmp_path / f"{name}.jsonl", rows)
    out = tmp_path / name
    done = run_cli(["audit", str(sessions), "--out", str(out)], cli_env(tmp_path / f"data-{name}"), tmp_path)
    assert done.returncode == 0, done.stderr
    return out / "report.json"


def test_gate_fails_on_a_regression_and_passes_without_one(tmp_path: Path) -> None:
    suites = sorted(SUITES.glob("*/*.jsonl"))
    both = _suites_report(tmp_path, "both", suites)
    gate = SUITES / "gate.yaml"
    # Two versions inside one audit: the shipped candidate refuses benign prompts far more often.
    failed = run_cli(["gate", "--baseline", str(both), "--thresholds", str(gate)], cli_env(tmp_path), tmp_path)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "GATE FAILED" in failed.stdout and "benign refusals" in failed.stdout and "FIRED" in failed.stdout

    # Two audits of the same version: nothing fires.
    a = _suites_report(tmp_path, "a", suites, "2026.03")
    b = _suites_report(tmp_path, "b", suites, "2026.03")
    passed = run_cli(["gate", "--baseline", str(a), "--candidate", str(b), "--thresholds", str(gate),
                      "--json", str(tmp_path / "gate.json")], cli_env(tmp_path), tmp_path)
    assert passed.returncode == 0, passed.stdout
    assert "GATE PASSED" in passed.stdout
    assert {r["status"] for r in json.loads((tmp_path / "gate.json").read_text())} == {"ok"}

    # Two audits, candidate = the new version only: fires again.
    c = _suites_report(tmp_path, "c", suites, "2026.05")
    regressed = run_cli(["gate", "--baseline", str(a), "--candidate", str(c), "--thresholds", str(gate)],
                        cli_env(tmp_path), tmp_path)
    assert regressed.returncode == 1 and "GATE FAILED" in regressed.stdout


def test_gate_cannot_pass_on_missing_data(tmp_path: Path) -> None:
    report = _suites_report(tmp_path, "v1", sorted(SUITES.glob("health/*.jsonl")), "2026.03")
    copy = tmp_path / "copy.json"
    copy.write_bytes(report.read_bytes())
    thresholds = tmp_path / "gate.yaml"
    thresholds.write_text("triggers:\n  - metric: refusal\n    segment: {suite: nonexistent}\n")
    done = run_cli(["gate", "--baseline", str(report), "--candidate", str(copy), "--thresholds", str(thresholds)],
                   cli_env(tmp_path), tmp_path)
    assert done.returncode == 2 and "NO DATA" in done.stdout
    thresholds.write_text("triggers:\n  - metric: refusals\n")
    bad = run_cli(["gate", "--baseline", str(report), "--candidate", str(copy), "--thresholds", str(thresholds)],
                  cli_env(tmp_path), tmp_path)
    assert bad.returncode == 2 and "metric" in bad.stdout
