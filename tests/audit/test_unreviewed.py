"""Turns no reviewer read (the low-risk `general` domain, not drawn for the audit sample): counted and explained in
report.json, report.html and the CLI's summary, so a platform team sees the share of the audit that only the
policy's rules looked at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from service.audit.html import render_html
from service.audit.report import RATE_NAMES, build_report
from service.cli import app
from tests.audit._helpers import cli_env, session, write_jsonl


def _row(i: int, domain: str, outcome: str, reason: str = "approved") -> dict[str, Any]:
    return {name: False for name in RATE_NAMES} | {
        "seq": i, "turn_id": f"s{i}#1", "session_id": f"s{i}", "domain": domain, "fast_model": "brisk@1",
        "verdict": "approve", "reason": reason, "risk": "low" if domain == "general" else "high",
        "reviewer_outcome": outcome, "task_success": True, "findings": []}


def test_the_report_counts_the_turns_no_reviewer_read_and_says_why() -> None:
    rows = [_row(i, "general", "skipped", "low_risk_unreviewed") for i in range(6)]
    rows += [_row(6, "general", "verdict"), _row(7, "health", "verdict"), _row(8, "cyber", "verdict")]
    rows += [_row(9, "general", "skipped", "blocking_finding")]
    report = build_report(rows)
    assert report["totals"]["reviewer_skipped"] == 7
    unreviewed = report["unreviewed"]
    assert unreviewed["turns"] == 7 and unreviewed["share"] == 0.7
    assert unreviewed["by_domain"] == {"general": 7}
    assert unreviewed["by_reason"] == {"low_risk_unreviewed": 6, "blocking_finding": 1}
    assert "audit_sample_rate" in unreviewed["why"]
    page = render_html(report)
    assert "not read by a reviewer" in page and "70.0%" in page and "audit_sample_rate" in page


def test_a_report_where_every_turn_was_reviewed_says_none_was_skipped() -> None:
    report = build_report([_row(0, "health", "verdict")])
    assert report["totals"]["reviewer_skipped"] == 0 and report["unreviewed"]["turns"] == 0


def test_the_cli_summary_says_how_many_general_turns_went_unreviewed(tmp_path: Path) -> None:
    chat = {"session_id": "chat", "model": {"name": "brisk", "version": "1"}, "messages": [
        {"role": "user", "content": "Can you suggest a name for my new bakery?"},
        {"role": "assistant", "content": "How about 'Rise and Shine Bakery' or 'The Golden Crust'?"}]}
    path = write_jsonl(tmp_path / "in.jsonl", [chat, session("dose", "1")])
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["audit", str(path), "--out", str(out)],
                              env=cli_env(tmp_path / "data") | {"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    report = json.loads((out / "report.json").read_text())
    turns = {json.loads(line)["session_id"]: json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()}
    assert turns["chat"]["domain"] == "general" and turns["chat"]["reviewer_outcome"] == "skipped"
    assert turns["dose"]["reviewer_outcome"] == "verdict"
    assert report["totals"]["reviewer_skipped"] == 1 and report["unreviewed"]["by_domain"] == {"general": 1}
    assert "1 of 2 turns (50.0%) were not read by a reviewer" in done.output
