"""A reviewer that fails during an audit is not a review: the CLI says so and exits 4, and a gate refuses it.

Before, a rate-limited reviewer (every call answered 429, no budget set) gave every turn the policy's
``on_reviewer_error`` verdict: 100 % escalation and disagreement, ``complete: true``, exit 0, and a gate on the
report compared the outage, not the fast model.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit._helpers import cli_env, run_cli, session, write_jsonl
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

GATE = "triggers:\n  - name: benign refusals\n    metric: refusal\n    segment: {suite: benign}\n    max_increase: 0.02\n"


def _audit(tmp_path: Path, server: FakeModelServer) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    sessions = [session(f"a{i}", "2026.03", suite="benign") for i in range(3)]
    sessions += [session(f"b{i}", "2026.05", suite="benign") for i in range(3)]
    path = write_jsonl(tmp_path / "sessions.jsonl", sessions)
    env = cli_env(tmp_path / "data")
    env.update(
        OVERSIGHT_REVIEWER="openai:gpt-test",
        OPENAI_API_KEY="test",
        OPENAI_BASE_URL=server.openai_base_url,
        OVERSIGHT_REVIEWER_MAX_ATTEMPTS="1",
    )
    done = run_cli(["audit", str(path), "--out", str(tmp_path / "out")], env, tmp_path)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    return done.returncode, done.stderr, report


def test_turns_the_reviewer_failed_on_are_counted_warned_about_and_exit_4(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(*[Reply.rate_limited(retry_after=0)] * 4)  # then every call approves
    code, stderr, report = _audit(tmp_path, model_server)
    assert report["totals"]["turns"] == 6
    assert report["totals"]["reviewer_failed"] == 4, report["totals"]
    assert code == 4, stderr
    assert "4 of 6 turns were not reviewed" in " ".join(stderr.split())
    assert "reviewer_unavailable" in stderr

    thresholds = tmp_path / "gate.yaml"
    thresholds.write_text(GATE)
    report_path = str(tmp_path / "out" / "report.json")
    env = cli_env(tmp_path / "data")
    gated = run_cli(["gate", "--baseline", report_path, "--thresholds", str(thresholds)], env, tmp_path)
    assert gated.returncode == 2, gated.stdout
    assert "4 of 6 turns were not reviewed" in " ".join(gated.stdout.split())
    anyway = run_cli(
        ["gate", "--baseline", report_path, "--thresholds", str(thresholds), "--allow-partial"], env, tmp_path
    )
    assert anyway.returncode == 0 and "GATE PASSED" in anyway.stdout, anyway.stdout


def test_an_audit_the_reviewer_answered_throughout_exits_0(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    code, stderr, report = _audit(tmp_path, model_server)
    assert report["totals"]["reviewer_failed"] == 0
    assert code == 0, stderr
    assert "not reviewed" not in stderr
