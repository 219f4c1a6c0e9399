"""The report: rates with Wilson intervals per segment, versions compared, CSV and HTML."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from service.audit.html import render_html
from service.audit.report import RATE_NAMES, build_report, find_segment, results_csv
from service.stats import wilson_interval


def _row(i: int, version: str, **labels: Any) -> dict[str, Any]:
    base = {name: False for name in RATE_NAMES} | {"task_success": True}
    return base | {"seq": i, "turn_id": f"s{i}#1", "session_id": f"s{i}", "domain": "health", "intent": "dosing",
                   "locale": "en-US", "tenant": "acme", "suite": "benign", "fast_model": version,
                   "verdict": "approve", "response_class": "full_compliance", "reviewer_outcome": "verdict",
                   "findings": []} | labels


def _rows() -> list[dict[str, Any]]:
    rows = [_row(i, "brisk@1", refusal=i < 5) for i in range(100)]
    rows += [_row(100 + i, "brisk@2", refusal=i < 30, disagreement=i < 3, locale="de-DE") for i in range(100)]
    return rows


def test_segments_carry_counts_rates_and_wilson_intervals() -> None:
    report = build_report(_rows())
    overall = find_segment(report, {})
    assert overall is not None and overall["n"] == 200
    assert set(overall["rates"]) >= {"refusal", "safe_completion", "over_caveated", "policy_incident", "escalation",
                                     "disagreement", "task_success"}
    refusal = overall["rates"]["refusal"]
    assert refusal["count"] == 35 and refusal["rate"] == pytest.approx(0.175)
    assert refusal["ci"] == pytest.approx(list(wilson_interval(35, 200)))
    v1, v2 = find_segment(report, {"fast_model": "brisk@1"}), find_segment(report, {"fast_model": "brisk@2"})
    assert v1 is not None and v2 is not None
    assert (v1["rates"]["refusal"]["count"], v2["rates"]["refusal"]["count"]) == (5, 30)
    assert find_segment(report, {"locale": "de-DE"})["n"] == 100  # type: ignore[index]
    assert find_segment(report, {"fast_model": "brisk@2", "suite": "benign"})["n"] == 100  # type: ignore[index]


def test_two_versions_are_compared_with_difference_and_significance() -> None:
    report = build_report(_rows())
    overall = next(c for c in report["comparisons"] if not c["by"])
    assert (overall["baseline"], overall["candidate"]) == ("brisk@1", "brisk@2")
    refusal = overall["metrics"]["refusal"]
    assert refusal["diff"] == pytest.approx(0.25)
    assert refusal["ci"][0] > 0 and refusal["significant"] and refusal["p_value"] < 0.001
    assert not overall["metrics"]["disagreement"]["significant"]  # 0/100 vs 3/100: not enough evidence
    assert overall["metrics"]["refusal"]["p_adjusted"] >= refusal["p_value"]


def test_a_baseline_can_be_chosen() -> None:
    report = build_report(_rows(), baseline_model="brisk@2")
    overall = next(c for c in report["comparisons"] if not c["by"])
    assert overall["baseline"] == "brisk@2" and overall["metrics"]["refusal"]["diff"] == pytest.approx(-0.25)


def test_failed_turns_are_counted_but_not_rated() -> None:
    rows = [*_rows()[:10], {"seq": 99, "turn_id": "x#1", "session_id": "x", "failed": True, "error": "boom"}]
    report = build_report(rows)
    assert report["totals"]["failed"] == 1 and report["totals"]["turns"] == 11
    assert find_segment(report, {})["n"] == 10  # type: ignore[index]


def test_csv_has_one_row_per_turn_with_labels() -> None:
    rows = list(csv.DictReader(io.StringIO(results_csv(_rows()))))
    assert len(rows) == 200
    assert rows[0]["turn_id"] == "s0#1" and rows[0]["refusal"] == "1" and rows[0]["fast_model"] == "brisk@1"


def test_csv_cells_from_the_logs_cannot_run_as_spreadsheet_formulas() -> None:
    # Session ids and intents come from the logs under audit: untrusted. Opened in a spreadsheet,
    # "=HYPERLINK(...)" would be a live formula.
    hostile = [_row(0, "brisk@1", session_id='=HYPERLINK("http://evil.example","x")', intent="@SUM(A1:A9)"),
               _row(1, "brisk@1", session_id="+cmd|' /C calc'!A0", intent="-2+3"), _row(2, "brisk@1", turn=-1)]
    rows = list(csv.DictReader(io.StringIO(results_csv(hostile))))
    assert rows[0]["session_id"] == """'=HYPERLINK("http://evil.example","x")""" and rows[0]["intent"] == "'@SUM(A1:A9)"
    assert rows[1]["session_id"].startswith("'+cmd") and rows[1]["intent"] == "'-2+3"
    assert rows[2]["turn"] == "-1" and rows[2]["session_id"] == "s2"  # numbers and plain text as they were


def test_html_is_self_contained_with_charts() -> None:
    page = render_html(build_report(_rows(), job={"id": "aud_x", "name": "nightly", "turns": 200}))
    assert page.count("<svg") >= 3
    assert "Fast-model versions side by side" in page and "brisk@1" in page and "brisk@2" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page
    assert "<script" not in page
