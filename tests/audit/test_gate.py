"""`oversight gate` on reports built in-process: incomplete and malformed reports, Holm over the triggers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.audit.gate import GateConfig, ReportError, evaluate
from service.audit.report import RATE_NAMES, build_report
from service.cli import app

WIDE = {"COLUMNS": "400"}  # rich wraps to the terminal: wide enough that file names stay on one line


def _rows(version: str, n: int, **counts: int) -> list[dict[str, Any]]:
    """``n`` turns of ``version``; ``counts`` says how many of them carry each label."""
    rows = []
    for i in range(n):
        labels = {name: i < counts.get(name, 0) for name in RATE_NAMES}
        rows.append({"seq": i, "turn_id": f"{version}-{i}#1", "session_id": f"{version}-{i}", "domain": "health",
                     "suite": "benign", "fast_model": version, "reviewer_outcome": "verdict", **labels})
    return rows


def _write(path: Path, report: Any) -> Path:
    path.write_text(json.dumps(report))
    return path


def _gate(*args: str) -> Any:
    return CliRunner().invoke(app, ["gate", *args], env=WIDE)


@pytest.fixture
def thresholds(tmp_path: Path) -> Path:
    path = tmp_path / "gate.yaml"
    path.write_text("triggers:\n  - name: benign refusals\n    metric: refusal\n    segment: {suite: benign}\n"
                    "    max_increase: 0.02\n")
    return path


# -- 1. an unfinished job's report is missing data ---------------------------------------------------------------
def test_gate_exits_2_on_an_incomplete_report_and_names_the_file(tmp_path: Path, thresholds: Path) -> None:
    rows = _rows("brisk@1", 100) + _rows("brisk@2", 100)  # no regression at all
    # Saved mid-job: 200 of 300 turns done.
    partial = _write(tmp_path / "partial.json", build_report(rows, job={"id": "aud_x", "turns": 300, "done": 200}))
    complete = _write(tmp_path / "complete.json", build_report(rows, job={"id": "aud_y", "turns": 200, "done": 200}))
    assert json.loads(partial.read_text())["complete"] is False

    alone = _gate("--baseline", str(partial), "--thresholds", str(thresholds))
    assert alone.exit_code == 2, alone.output
    assert "GATE PASSED" not in alone.output
    assert "--baseline" in alone.output and "partial.json is incomplete" in alone.output
    assert "200 of 300 turns done" in alone.output

    as_candidate = _gate("--baseline", str(complete), "--candidate", str(partial), "--thresholds", str(thresholds),
                         "--baseline-model", "brisk@1", "--candidate-model", "brisk@2")
    assert as_candidate.exit_code == 2 and "--candidate" in as_candidate.output
    assert "partial.json is incomplete" in as_candidate.output

    # --allow-partial: the gate runs on the turns done so far (and says so).
    allowed = _gate("--baseline", str(partial), "--thresholds", str(thresholds), "--allow-partial")
    assert allowed.exit_code == 0, allowed.output
    assert "GATE PASSED" in allowed.output and "incomplete" in allowed.output

    fine = _gate("--baseline", str(complete), "--thresholds", str(thresholds))
    assert fine.exit_code == 0 and "GATE PASSED" in fine.output

    # The library call refuses it too.
    config = GateConfig.model_validate({"triggers": [{"metric": "refusal"}]})
    with pytest.raises(ReportError, match="candidate report is incomplete"):
        evaluate(json.loads(complete.read_text()), json.loads(partial.read_text()), config)


# -- 3. a malformed report is a usage error, not a traceback -------------------------------------------------------
def test_gate_names_the_missing_field_of_a_malformed_report(tmp_path: Path, thresholds: Path) -> None:
    good = build_report(_rows("brisk@1", 20) + _rows("brisk@2", 20))
    cases = {
        "list.json": ([1, 2], "not an audit report"),
        "no-schema.json": ({"segments": [{"by": {}, "n": 10}]}, "schema"),
        "no-rates.json": ({**good, "segments": [{"by": {}, "n": 10}]}, "segments.0.rates"),
        "no-refusal.json": ({**good, "segments": [{"by": {}, "n": 10, "rates": {"escalation": {"rate": 0.0,
                                                                                            "count": 0}}}]},
                            "segments.0.rates.refusal"),
        "bad-n.json": ({**good, "segments": [{"by": {}, "n": "ten", "rates": {}}]}, "segments.0.n"),
        "bad-comparison.json": ({**good, "comparisons": [{"by": {}}]}, "comparisons.0.baseline"),
    }
    for name, (content, field) in cases.items():
        path = _write(tmp_path / name, content)
        done = _gate("--baseline", str(path), "--thresholds", str(thresholds))
        assert done.exit_code == 2, (name, done.output)
        assert done.exception is None or isinstance(done.exception, SystemExit), (name, done.exception)
        assert "Traceback" not in done.output
        assert "'--baseline'" in done.output and name in done.output and field in done.output, (name, done.output)
    # The candidate is checked as well, and named.
    ok = _write(tmp_path / "ok.json", good)
    bad = _gate("--baseline", str(ok), "--candidate", str(tmp_path / "no-rates.json"), "--thresholds",
                str(thresholds))
    assert bad.exit_code == 2 and "'--candidate'" in bad.output and "segments.0.rates" in bad.output


# -- 4. Holm over every trigger that asks for significance --------------------------------------------------------
def test_holm_family_is_every_significance_trigger_not_only_those_past_their_limit() -> None:
    # refusal: 10/200 -> 22/200, +6 pp, raw p = 0.027; escalation: unchanged (p = 1).
    baseline = build_report(_rows("brisk@1", 200, refusal=10, escalation=5))
    candidate = build_report(_rows("brisk@1", 200, refusal=22, escalation=5))
    config = GateConfig.model_validate({"alpha": 0.05, "triggers": [
        {"name": "refusals", "metric": "refusal", "max_increase": 0.02},
        {"name": "escalations", "metric": "escalation", "max_increase": 0.02},
    ]})
    refusals, escalations = evaluate(baseline, candidate, config)
    assert refusals.p_value == pytest.approx(0.02699, abs=1e-4)
    # Two triggers ask for significance: Holm doubles the smaller p-value, 0.054 > alpha, so nothing fires.
    assert refusals.p_adjusted == pytest.approx(2 * refusals.p_value)
    assert escalations.p_adjusted == pytest.approx(1.0)
    assert refusals.status == "ok" and "not significant" in refusals.reason
    assert escalations.status == "ok"
    # With the escalation trigger gone the refusal rise is significant on its own.
    alone = evaluate(baseline, candidate, GateConfig(triggers=config.triggers[:1]))
    assert alone[0].status == "fired" and alone[0].p_adjusted == pytest.approx(alone[0].p_value)


# -- 4. three versions in one report: every candidate is gated --------------------------------------------------
def test_gate_on_one_report_of_three_versions_gates_every_candidate(tmp_path: Path, thresholds: Path) -> None:
    # Agent logs label versions model@cli-version, so one audit easily holds three. Before, only the first
    # comparison (brisk@2 vs brisk@1) was gated and brisk@3's regression passed.
    rows = _rows("brisk@1", 200, refusal=4) + _rows("brisk@2", 200, refusal=4) + _rows("brisk@3", 200, refusal=60)
    report = _write(tmp_path / "r.json", build_report(rows, job={"id": "aud_x", "turns": 600, "done": 600}))
    out = tmp_path / "gate.json"
    result = _gate("--baseline", str(report), "--thresholds", str(thresholds), "--json", str(out))
    assert result.exit_code == 1, result.output
    assert "GATE FAILED" in result.output and "brisk@3" in result.output.split("GATE FAILED")[1]
    gated = {(r["baseline_model"], r["candidate_model"], r["status"]) for r in json.loads(out.read_text())}
    assert gated == {("brisk@1", "brisk@2", "ok"), ("brisk@1", "brisk@3", "fired")}
    # one candidate picked by name: only that one is gated
    picked = _gate("--baseline", str(report), "--thresholds", str(thresholds), "--candidate-model", "brisk@2")
    assert picked.exit_code == 0 and "GATE PASSED" in picked.output, picked.output
    unknown = _gate("--baseline", str(report), "--thresholds", str(thresholds), "--candidate-model", "brisk@9")
    assert unknown.exit_code == 2 and "brisk@1, brisk@2, brisk@3" in unknown.output, unknown.output


# -- 5. agent tool calls reviewed as actions ------------------------------------------------------------------------
ACTION_GATE = (
    "triggers:\n  - name: benign refusals\n    metric: refusal\n    segment: {suite: benign}\n    max_increase: 0.02\n"
    "action_triggers:\n  - name: blocked tool calls\n    metric: blocked\n    max_increase: 0.01\n"
)


def _actions(n: int, blocked: int = 0, escalated: int = 0) -> list[dict[str, Any]]:
    """``n`` tool calls reviewed as actions: the first ``blocked`` blocked, the next ``escalated`` escalated."""
    out = []
    for i in range(n):
        verdict = "block" if i < blocked else "escalate" if i < blocked + escalated else "approve"
        findings = [{"rule": "tool_use.destructive_fs.root_or_home", "severity": "critical"}] if verdict == "block" \
            else []
        out.append({"kind": "action", "seq": i - n, "session_id": f"s{i}", "tool": "Bash", "input": "ls",
                    "verdict": verdict, "findings": findings, "line": i + 1})
    return out


def _agent_report(path: Path, version: str, actions: list[dict[str, Any]] | None) -> Path:
    """One agent version's audit: 100 harmless answer turns, and ``actions`` (None: a report with no actions
    section, as written before tool calls were reviewed)."""
    report = build_report(_rows(version, 100), job={"id": "aud_x", "turns": 100, "done": 100}, actions=actions)
    if actions is None:
        del report["actions"]
    return _write(path, report)


def test_gate_fails_a_candidate_whose_tool_calls_are_blocked_ten_times_as_often(tmp_path: Path,
                                                                                 thresholds: Path) -> None:
    base = _agent_report(tmp_path / "base.json", "claude@2.0.1", _actions(400, blocked=4))  # 1%
    cand = _agent_report(tmp_path / "cand.json", "claude@2.0.9", _actions(400, blocked=40))  # 10%
    # the answer turns alone: nothing changed, the gate passes (as before, for a file with no action trigger)
    turns_only = _gate("--baseline", str(base), "--candidate", str(cand), "--thresholds", str(thresholds))
    assert turns_only.exit_code == 0 and "GATE PASSED" in turns_only.output, turns_only.output

    gate = tmp_path / "actions-gate.yaml"
    gate.write_text(ACTION_GATE)
    out = tmp_path / "gate.json"
    failed = _gate("--baseline", str(base), "--candidate", str(cand), "--thresholds", str(gate), "--json", str(out))
    assert failed.exit_code == 1, failed.output
    assert "GATE FAILED" in failed.output and "blocked tool calls" in failed.output
    row = next(line for line in failed.output.splitlines() if "blocked tool calls" in line and "tool calls │" in line)
    assert "1.0% (4/400)" in row and "10.0% (40/400)" in row and "+9.0 pp" in row and "FIRED" in row
    records = {r["name"]: r for r in json.loads(out.read_text())}
    blocked = records["blocked tool calls"]
    assert (blocked["status"], blocked["scope"], blocked["metric"]) == ("fired", "actions", "blocked")
    assert (blocked["n_baseline"], blocked["n_candidate"]) == (400, 400)
    assert records["benign refusals"]["status"] == "ok"

    # the same share, no change: passes; swapped (fewer blocks): passes
    copy = _write(tmp_path / "copy.json", json.loads(base.read_text()))
    same = _gate("--baseline", str(base), "--candidate", str(copy), "--thresholds", str(gate))
    assert same.exit_code == 0, same.output
    better = _gate("--baseline", str(cand), "--candidate", str(base), "--thresholds", str(gate))
    assert better.exit_code == 0, better.output

    # a ceiling on the count, whatever the baseline; and escalations / any verdict but approve
    gate.write_text("action_triggers:\n  - name: at most 10 blocked\n    max_count: 10\n    max_increase: 1.0\n"
                    "  - metric: disagreement\n    max_increase: 0.05\n    require_significance: false\n")
    counted = _gate("--baseline", str(base), "--candidate", str(cand), "--thresholds", str(gate))
    assert counted.exit_code == 1, counted.output
    assert "40 tool calls blocked, more than max_count 10" in counted.output
    assert "tool calls disagreement" in counted.output and "rose 9.0 pp" in counted.output


def test_a_trigger_with_only_a_count_limit_does_not_weaken_the_share_trigger(tmp_path: Path) -> None:
    # QA: baseline 0 of 33 calls blocked, candidate 5 of 39. The share trigger fired on its own (p_adj 0.033); adding
    # `max_count: 0` beside it joined Holm's family with the defaults (max_increase 0, significance) and the share
    # trigger went to OK (p_adj 0.066). A trigger with only an absolute limit tests nothing and joins no family.
    base = json.loads(_agent_report(tmp_path / "base.json", "codex@0.1", _actions(33)).read_text())
    cand = json.loads(_agent_report(tmp_path / "cand.json", "codex@0.2", _actions(39, blocked=5)).read_text())
    share = {"name": "blocked share", "metric": "blocked", "max_increase": 0.01}
    alone = evaluate(base, cand, GateConfig.model_validate({"action_triggers": [share]}))
    both = evaluate(base, cand, GateConfig.model_validate(
        {"action_triggers": [share, {"name": "no blocked call", "max_count": 0}]}
    ))
    assert alone[0].status == "fired", alone[0].reason
    assert both[0].status == "fired" and both[0].p_adjusted == pytest.approx(alone[0].p_adjusted), both[0].reason
    assert (both[1].status, both[1].p_value) == ("fired", None), both[1].reason
    assert "5 tool calls blocked, more than max_count 0" in both[1].reason
    # within its limit: ok, saying which
    loose = evaluate(base, cand, GateConfig.model_validate({"action_triggers": [{"max_rate": 0.5}]}))
    assert (loose[0].status, loose[0].reason) == ("ok", "within max_rate 0.5")


def test_a_report_whose_tool_calls_are_still_pending_says_so() -> None:
    # QA: "not finished (46 of 46 turns done)" when only the tool calls were left: the message named nothing left
    from service.audit.gate import incomplete

    report = build_report(_rows("codex@0.2", 46), job={"id": "aud_x", "turns": 46, "done": 46})
    report["complete"], report["actions"]["pending"] = False, 10
    assert incomplete(report) == "its job was not finished (46 of 46 turns done; 10 tool calls not reviewed yet)"


def test_action_triggers_over_reports_without_action_data_cannot_be_evaluated(tmp_path: Path,
                                                                               thresholds: Path) -> None:
    cand = _agent_report(tmp_path / "cand.json", "claude@2.0.9", _actions(400, blocked=40))
    old = _agent_report(tmp_path / "old.json", "claude@2.0.1", None)  # no actions section
    chat = _agent_report(tmp_path / "chat.json", "claude@2.0.1", [])  # a chat-only audit: no tool call
    gate = tmp_path / "actions-gate.yaml"
    gate.write_text(ACTION_GATE)
    for baseline, why in ((old, "the baseline report has no actions section"),
                          (chat, "fewer than 1 tool calls reviewed as actions (baseline 0, candidate 400)")):
        # a gate without action triggers is unchanged: passes
        plain = _gate("--baseline", str(baseline), "--candidate", str(cand), "--thresholds", str(thresholds))
        assert plain.exit_code == 0 and "GATE PASSED" in plain.output, plain.output
        # with them: could not be evaluated, never a pass
        done = _gate("--baseline", str(baseline), "--candidate", str(cand), "--thresholds", str(gate))
        assert done.exit_code == 2, done.output
        assert "GATE PASSED" not in done.output and "GATE INCOMPLETE" in done.output
        assert why in " ".join(done.output.split()), done.output

    # capped: the calls past --max-actions were not reviewed, so the share is not the audit's
    capped = build_report(_rows("claude@2.0.9", 100), job={"id": "aud_c", "turns": 100, "done": 100,
                          "options": {"actions": {"tool_calls": 500, "requests": 500, "over_cap": 100,
                                                  "max_actions": 400}}}, actions=_actions(400, blocked=4))
    base = _agent_report(tmp_path / "base.json", "claude@2.0.1", _actions(400, blocked=4))
    done = _gate("--baseline", str(base), "--candidate", str(_write(tmp_path / "capped.json", capped)),
                 "--thresholds", str(gate))
    assert done.exit_code == 2 and "over the cap of 400" in " ".join(done.output.split()), done.output

    # two versions in one report: its actions are not split by version, so they cannot be compared
    both = build_report(_rows("claude@2.0.1", 100) + _rows("claude@2.0.9", 100),
                        job={"id": "aud_b", "turns": 200, "done": 200}, actions=_actions(400, blocked=40))
    done = _gate("--baseline", str(_write(tmp_path / "both.json", both)), "--thresholds", str(gate))
    assert done.exit_code == 2, done.output
    assert "not split by fast-model version" in " ".join(done.output.split()), done.output


def test_an_actions_section_counting_action_reviews_cannot_be_gated(tmp_path: Path) -> None:
    """A report written before tool calls were counted once (a call read two ways was two of ``reviewed``) is not
    compared with one that counts calls: missing data, never a pass."""
    gate = tmp_path / "actions-gate.yaml"
    gate.write_text(ACTION_GATE)
    base = json.loads(_agent_report(tmp_path / "base.json", "claude@2.0.1", _actions(400, blocked=4)).read_text())
    del base["actions"]["counted"]
    old = _write(tmp_path / "old.json", base)
    cand = _agent_report(tmp_path / "cand.json", "claude@2.0.9", _actions(400, blocked=4))
    done = _gate("--baseline", str(old), "--candidate", str(cand), "--thresholds", str(gate))
    assert done.exit_code == 2 and "GATE INCOMPLETE" in done.output, done.output
    assert "the baseline report counts action reviews, not tool calls" in " ".join(done.output.split()), done.output


def test_a_malformed_actions_section_is_a_usage_error_naming_the_field(tmp_path: Path) -> None:
    gate = tmp_path / "actions-gate.yaml"
    gate.write_text(ACTION_GATE)
    base = _agent_report(tmp_path / "base.json", "claude@2.0.1", _actions(10, blocked=1))
    report = json.loads(base.read_text())
    report["actions"]["by_verdict"] = {"block": "one"}
    bad = _write(tmp_path / "bad.json", report)
    done = _gate("--baseline", str(base), "--candidate", str(bad), "--thresholds", str(gate))
    assert done.exit_code == 2 and "'--candidate'" in done.output and "actions.by_verdict" in done.output, done.output
    # a thresholds file needs a trigger of either kind; a misspelt action metric names the field
    gate.write_text("alpha: 0.05\n")
    empty = _gate("--baseline", str(base), "--thresholds", str(gate))
    assert empty.exit_code == 2 and "at least one trigger" in empty.output, empty.output
    gate.write_text("action_triggers:\n  - metric: blocks\n")
    typo = _gate("--baseline", str(base), "--candidate", str(base), "--thresholds", str(gate))
    assert typo.exit_code == 2 and "action_triggers.0.metric" in typo.output, typo.output


def test_a_thresholds_file_names_every_problem_and_takes_no_true_for_a_number(tmp_path: Path) -> None:
    """QA: ``max_count: true`` was read as 1 (a limit of one blocked call), and only the first problem of a file was
    named, so fixing a file took a run per field; a list at the top named pydantic's class ``GateConfig``."""
    base = _agent_report(tmp_path / "base.json", "claude@2.0.1", _actions(10, blocked=1))
    gate = tmp_path / "gate.yaml"
    gate.write_text("action_triggers:\n  - metric: blocked\n    max_count: true\n    min_n: yes\n"
                    "    require_significance: 'no'\n    max_rate: 2\n")
    done = _gate("--baseline", str(base), "--candidate", str(base), "--thresholds", str(gate))
    out = " ".join(done.output.split())
    assert done.exit_code == 2 and "GATE PASSED" not in done.output, done.output
    for field in ("action_triggers.0.max_count", "action_triggers.0.min_n", "action_triggers.0.require_significance",
                  "action_triggers.0.max_rate"):
        assert field in out, out
    assert "(got true)" in out and "(got 'no')" in out, out
    gate.write_text("- metric: refusal\n")
    listed = _gate("--baseline", str(base), "--candidate", str(base), "--thresholds", str(gate))
    assert listed.exit_code == 2 and "GateConfig" not in listed.output, listed.output
    assert "a mapping of alpha, triggers and action_triggers is expected, not a list" in " ".join(listed.output.split())
