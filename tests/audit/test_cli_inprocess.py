"""`oversight audit` / `worker` run in-process (typer's runner): refusals, stored job options, baseline model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import service.audit.worker as audit_worker
import service.cli_audit as cli_audit
from service.cli import app
from tests.audit._helpers import cli_env, mixed_sessions, session, write_jsonl


def invoke(args: list[str], tmp_path: Path) -> Any:
    env = cli_env(tmp_path / "data") | {"COLUMNS": "400"}
    return CliRunner().invoke(app, args, env=env)


def test_openai_refusals_are_reviewed_and_counted_as_refusals(tmp_path: Path) -> None:
    rows = [
        {"session_id": "member", "model": {"name": "brisk", "version": "1"}, "messages": [
            {"role": "user", "content": "How much ibuprofen can an adult take in a day?"},
            {"role": "assistant", "content": None, "refusal": "I'm sorry, but I can't help with that."}]},
        {"session_id": "part", "model": {"name": "brisk", "version": "1"}, "messages": [
            {"role": "user", "content": "How much ibuprofen can an adult take in a day?"},
            {"role": "assistant", "content": [{"type": "refusal", "refusal": "I'm sorry, but I can't help with that."}]}]},
    ]
    sessions = write_jsonl(tmp_path / "refusals.jsonl", rows)
    out = tmp_path / "report"
    done = invoke(["audit", str(sessions), "--out", str(out)], tmp_path)
    assert done.exit_code == 0, done.output
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["turns"] == 2 and report["totals"]["rejected_lines"] == 0
    assert report["segments"][0]["rates"]["refusal"]["count"] == 2
    turns = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    assert {t["session_id"]: t["response_class"] for t in turns} == {"member": "refusal", "part": "refusal"}


STORED = ["--concurrency", "3", "--rpm", "6000", "--tpm", "9000000", "--lease", "30"]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> tuple[list[dict[str, Any]], list[tuple[float | None, float | None]]]:
    """The keyword arguments of every AuditWorker and the (rpm, tpm) of every budget the CLI makes."""
    workers: list[dict[str, Any]] = []
    budgets: list[tuple[float | None, float | None]] = []
    real_worker, real_budget = audit_worker.AuditWorker, cli_audit._budget

    def recording_worker(*args: Any, **kwargs: Any) -> Any:
        workers.append(kwargs)
        return real_worker(*args, **kwargs)

    def recording_budget(rpm: float | None, tpm: float | None) -> Any:
        budgets.append((rpm, tpm))
        return real_budget(rpm, tpm)

    monkeypatch.setattr(audit_worker, "AuditWorker", recording_worker)
    monkeypatch.setattr(cli_audit, "_budget", recording_budget)
    return workers, budgets


def _submit(tmp_path: Path, out: str) -> str:
    sessions = write_jsonl(tmp_path / "s.jsonl", [session("a1", "2026.03"), session("a2", "2026.05")])
    created = invoke(["audit", str(sessions), "--out", str(tmp_path / out), "--submit-only", *STORED], tmp_path)
    assert created.exit_code == 0, created.output
    return str(created.stdout.strip().splitlines()[-1])


def test_resume_uses_the_jobs_stored_options(tmp_path: Path, recorded: Any) -> None:
    workers, budgets = recorded
    _submit(tmp_path, "resumed")
    assert not workers  # --submit-only reviews nothing
    # --resume without flags: the job's own options; a flag given wins over the stored one.
    resumed = invoke(["audit", "--resume", "--out", str(tmp_path / "resumed"), "--concurrency", "5"], tmp_path)
    assert resumed.exit_code == 0, resumed.output
    assert (workers[-1]["concurrency"], workers[-1]["lease_s"]) == (5, 30.0)
    assert budgets[-1] == (6000.0, 9000000.0)
    assert "concurrency 5, rpm 6000, tpm 9000000, lease 30 s" in resumed.output


def test_worker_uses_the_jobs_stored_options(tmp_path: Path, recorded: Any) -> None:
    workers, budgets = recorded
    job_id = _submit(tmp_path, "worked")
    worked = invoke(["worker", "--job", job_id], tmp_path)
    assert worked.exit_code == 0 and f"{job_id}: reviewed 2 turns" in worked.output
    assert (workers[-1]["concurrency"], workers[-1]["lease_s"]) == (3, 30.0)
    assert budgets[-1] == (6000.0, 9000000.0)
    # Flags given to the worker win.
    again = _submit(tmp_path, "worked-again")
    assert invoke(["worker", "--job", again, "--rpm", "0", "--lease", "20"], tmp_path).exit_code == 0
    assert (workers[-1]["concurrency"], workers[-1]["lease_s"]) == (3, 20.0)
    assert budgets[-1] == (0.0, 9000000.0)


def test_a_mistyped_baseline_model_is_a_usage_error(tmp_path: Path) -> None:
    sessions = write_jsonl(tmp_path / "s.jsonl", mixed_sessions(2))
    done = invoke(["audit", str(sessions), "--out", str(tmp_path / "r"), "--baseline-model", "brisk@2026.5"], tmp_path)
    assert done.exit_code == 2, done.output
    assert "'--baseline-model'" in done.output and "'brisk@2026.5'" in done.output
    assert "brisk@2026.03, brisk@2026.05" in done.output
    assert not (tmp_path / "r" / "job.json").exists()
    good = invoke(["audit", str(sessions), "--out", str(tmp_path / "r"), "--baseline-model", "brisk@2026.05"],
                  tmp_path)
    assert good.exit_code == 0, good.output
    comparison = json.loads((tmp_path / "r" / "report.json").read_text())["comparisons"][0]
    assert comparison["baseline"] == "brisk@2026.05"


def test_a_folder_audit_reads_linked_folders_and_gzipped_sessions(tmp_path: Path) -> None:
    # Path.rglob skipped a folder of transcripts linked into the audited one, and .jsonl.gz files, without a word.
    import gzip

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_jsonl(elsewhere / "linked.jsonl", [session("linked", "1")])
    folder = tmp_path / "logs"
    folder.mkdir()
    write_jsonl(folder / "plain.jsonl", [session("plain", "1")])
    (folder / "old.jsonl.gz").write_bytes(gzip.compress((json.dumps(session("zipped", "1")) + "\n").encode()))
    (folder / "team").symlink_to(elsewhere, target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # read once, not forever
    (folder / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    out = tmp_path / "report"
    done = invoke(["audit", str(folder), "--out", str(out)], tmp_path)
    assert done.exit_code == 0, done.output
    turns = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    assert sorted(t["session_id"] for t in turns) == ["linked", "plain", "zipped"]
    assert "gone.jsonl: a link to a file that does not exist" in done.output


def test_the_summary_on_a_log_file_is_wide_enough_to_tell_versions_apart(tmp_path: Path) -> None:
    # On stderr redirected to a file (CI, `2> audit.log`) rich drew 80 columns: every version read `fast_…`.
    rows = [
        {"session_id": f"s{n}", "model": {"name": "fast-chat-assistant", "version": version}, "messages": [
            {"role": "user", "content": "How much ibuprofen can an adult take in a day?"},
            {"role": "assistant", "content": "Up to 1,200 mg a day without a prescription; ask a pharmacist."}]}
        for n, version in enumerate(["2026-11-01", "2026-12-01"])
    ]
    sessions = write_jsonl(tmp_path / "two.jsonl", rows)
    env = {k: v for k, v in cli_env(tmp_path / "data").items() if k != "COLUMNS"}
    done = CliRunner().invoke(app, ["audit", str(sessions), "--out", str(tmp_path / "r")], env=env | {"COLUMNS": ""})
    assert done.exit_code == 0, done.output
    table = done.output.split("audit summary")[1].split("vs")[0]  # the table, not the comparison line after it
    assert "fast-chat-assistant@2026-11-01" in table and "fast-chat-assistant@2026-12-01" in table
    assert "safe_completion" in table and "policy_incident" in table
