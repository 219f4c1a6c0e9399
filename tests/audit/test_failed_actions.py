"""A tool call the reviewer failed on is not a review: counted apart, out of the shares, and a gate refuses it.

Before, with a model reviewer serving ``tool_use`` and a reviewer that answered 429, the calls it failed on got the
policy's ``on_reviewer_error`` verdict (escalate) and were counted as the agent's escalations in ``actions.reviewed``
and ``by_verdict``; the audit exited 0 and a gate with ``action_triggers`` compared the outage, not the agent. Answer
turns the reviewer failed on were already counted (``totals.reviewer_failed``), warned about (exit 4) and refused by
the gate (exit 2).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.audit._helpers import cli_env, run_cli
from tests.audit.test_actions import CODEX_SESSION, _codex
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

GATE = "action_triggers:\n  - name: escalated tool calls\n    metric: escalated\n    max_count: 0\n"


def _audit(tmp_path: Path, server: FakeModelServer, failures: int) -> tuple[int, str, Path]:
    data = _codex(
        [("call_1", "exec_command", {"cmd": "ls -la"}),
         ("call_2", "exec_command", {"cmd": "git status"}),
         ("call_3", "exec_command", {"cmd": "pytest -q"}),
         ("call_4", "exec_command", {"cmd": "rm -rf ~"})],
        "Done.",
    )
    path = tmp_path / f"rollout-2026-11-24T09-12-00-{CODEX_SESSION}.jsonl"
    path.write_bytes(data)
    env = cli_env(tmp_path / "data")
    env.update(OVERSIGHT_REVIEWER="openai:gpt-test", OPENAI_API_KEY="test",
               OPENAI_BASE_URL=server.openai_base_url, OVERSIGHT_REVIEWER_MAX_ATTEMPTS="1")
    server.script(*[Reply.rate_limited(retry_after=0)] * failures)  # then every call approves
    out = tmp_path / "out"
    # one at a time: the actions are claimed first, so the first reviews (ls, git status) are the ones that fail
    done = run_cli(["audit", str(path), "--out", str(out), "--concurrency", "1"], env, tmp_path)
    return done.returncode, " ".join(done.stderr.split()), out


def _gate(tmp_path: Path, report: Path, *extra: str) -> tuple[int, str]:
    thresholds = tmp_path / "gate.yaml"
    thresholds.write_text(GATE)
    baseline = tmp_path / "baseline.json"  # an earlier audit of the same logs
    baseline.write_bytes(report.read_bytes())
    args = ["gate", "--baseline", str(baseline), "--candidate", str(report), "--thresholds", str(thresholds), *extra]
    done = run_cli(args, cli_env(tmp_path / "data"), tmp_path)
    return done.returncode, " ".join(done.stdout.split())


def test_tool_calls_the_reviewer_failed_on_are_counted_apart_warned_about_and_refused_by_the_gate(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    code, stderr, out = _audit(tmp_path, model_server, failures=2)
    actions = json.loads((out / "report.json").read_text())["actions"]
    # ls and git status were not judged: not two escalations of the agent
    assert actions["by_verdict"] == {"approve": 1, "block": 1}, actions["by_verdict"]
    assert actions["tool_calls"] == 4
    assert (actions["reviewed"], actions["reviewer_failed"], actions["failed"], actions["unreviewed"]) == (2, 2, 0, 2)
    assert [a["input"] for a in actions["flagged"]] == ["rm -rf ~"]

    # the audit says so and exits 4, as for answer turns the reviewer failed on
    assert code == 4, stderr
    assert "2 of 4 tool calls were not reviewed: the reviewer failed (reviewer_unavailable" in stderr
    assert "shares are of the 2 reviewed, not of 4" in stderr
    page = (out / "report.html").read_text()
    assert "Not reviewed: the reviewer failed on 2" in page and "tool calls not reviewed" in page
    rows = list(csv.DictReader(io.StringIO((out / "actions.csv").read_text())))
    assert [r["reviewer_outcome"] for r in rows] == ["error", "error", "verdict", "verdict"]  # every call listed

    # a gate on the tool calls does not count the outage as escalations, nor pass on the rest: missing data
    gated, table = _gate(tmp_path, out / "report.json")
    assert gated == 2, table
    assert "2 of 4 tool calls were not reviewed as actions (the reviewer failed on 2)" in table
    anyway, table = _gate(tmp_path, out / "report.json", "--allow-partial")
    assert anyway == 0 and "GATE PASSED" in table, table  # of the 2 reviewed, none escalated


def test_tool_calls_the_reviewer_answered_are_all_in_the_shares(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    code, stderr, out = _audit(tmp_path, model_server, failures=0)
    actions = json.loads((out / "report.json").read_text())["actions"]
    assert actions["by_verdict"] == {"approve": 3, "block": 1}
    assert (actions["reviewed"], actions["reviewer_failed"], actions["unreviewed"]) == (4, 0, 0)
    assert code == 0, stderr and "not reviewed" not in stderr
    gated, table = _gate(tmp_path, out / "report.json")
    assert gated == 0 and "GATE PASSED" in table, table


def test_tool_calls_that_could_not_be_reviewed_keep_an_action_gate_from_passing() -> None:
    """A call the graph could not review (``failed``) is not in the shares either: a gate with action triggers
    says the report is missing data; one without them gates as before."""
    from service.audit.gate import incomplete
    from service.audit.report import build_report

    judged = [{"kind": "action", "seq": i - 10, "call": i, "verdict": "approve", "findings": [],
               "reviewer_outcome": "skipped", "reason": "reviewer_approved"} for i in range(1, 9)]
    failed = [{"kind": "action", "seq": i - 10, "call": i, "failed": True, "error": "RequestInvalid: shell needs "
               "input.command"} for i in (9, 10)]
    report = build_report([], job={"id": "aud_f", "turns": 0, "done": 0}, actions=judged + failed)
    section = report["actions"]
    assert (section["reviewed"], section["failed"], section["unreviewed"]) == (8, 2, 2)
    assert incomplete(report) is None
    assert incomplete(report, actions=True) == (
        "2 of 10 tool calls were not reviewed as actions (2 could not be reviewed), so the action triggers' shares "
        "would be of the 8 reviewed only"
    )
