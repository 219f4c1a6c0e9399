"""git commands that throw work away, graded as docs/actions.md ("Discarding work with git") says, through
``analyse_action``.

High (a human must see it) when the loss goes beyond what git can restore or beyond the uncommitted edits:
``git clean -f`` over the whole working tree deletes files that were never committed (with ``-x`` the ignored ones,
``.env`` among them: ``rm .env`` is already high), and ``git reset --hard REF`` to another commit drops the commits
after it from the branch as well as every uncommitted change. Before: ``git reset --hard HEAD~20 && git clean -xdf``
was approved with a medium and a low finding (QA hooks-audit, "Dangerous actions that were allowed").

Kept below high, on purpose: a hard reset to HEAD or to the branch's upstream, ``git checkout -- .`` and
``git restore .`` (uncommitted edits only; the labelled corpus marks ``git reset --hard origin/feature-x`` benign,
act-082), a clean limited to a folder, dry runs, ``git stash drop|clear`` (recoverable until the next gc)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from service.main import create_app
from service.policy.action_model import ActionPolicy
from service.policy.actions import analyse_action
from service.settings import Settings
from service.vocabulary import Severity

ROOT = Path(__file__).resolve().parents[2]
POLICY = ActionPolicy(**(yaml.safe_load((ROOT / "policies" / "tool_use.yaml").read_text())["actions"] or {}))
CWD = "/home/dev/shop"


def _found(command: str) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for f in analyse_action("shell", {"command": command}, CWD, POLICY).findings:
        if f.rule not in out or f.severity.rank > out[f.rule].rank:
            out[f.rule] = f.severity
    return out


def _top(command: str) -> Severity | None:
    return max(_found(command).values(), key=lambda s: s.rank, default=None)


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("git clean -fdx", "tool_use.destructive_vcs.clean"),
        ("git clean -xdf", "tool_use.destructive_vcs.clean"),
        ("git clean -ffdx", "tool_use.destructive_vcs.clean"),
        ("git clean -fd", "tool_use.destructive_vcs.clean"),
        ("git clean -f", "tool_use.destructive_vcs.clean"),
        ("git clean -fX", "tool_use.destructive_vcs.clean"),
        ("git clean --force -d -x .", "tool_use.destructive_vcs.clean"),
        ("git clean -fdx -e .env", "tool_use.destructive_vcs.clean"),
        ("git reset --hard HEAD~20", "tool_use.destructive_vcs.reset_hard"),
        ("git reset --hard HEAD~1", "tool_use.destructive_vcs.reset_hard"),
        ("git reset --hard HEAD^", "tool_use.destructive_vcs.reset_hard"),
        ("git reset --hard 3f2a9c1", "tool_use.destructive_vcs.reset_hard"),
        ("git reset --hard v1.4.0", "tool_use.destructive_vcs.reset_hard"),
        ("git checkout feature-x && git reset --hard HEAD~3", "tool_use.destructive_vcs.reset_hard"),  # was low
        ("bash -c 'git reset --hard HEAD~5'", "tool_use.destructive_vcs.reset_hard"),
    ],
)
def test_discarding_what_git_cannot_bring_back_is_high(command: str, rule: str) -> None:
    assert _found(command).get(rule) is Severity.high, _found(command)


def test_the_qa_command_is_high_on_both_counts() -> None:
    found = _found("git reset --hard HEAD~20 && git clean -xdf")
    assert found["tool_use.destructive_vcs.reset_hard"] is Severity.high
    assert found["tool_use.destructive_vcs.clean"] is Severity.high


def test_the_messages_say_what_is_lost() -> None:
    fs = analyse_action("shell", {"command": "git reset --hard HEAD~20 && git clean -xdf"}, CWD, POLICY).findings
    msgs = {f.rule: f.message for f in fs}
    assert "HEAD~20" in msgs["tool_use.destructive_vcs.reset_hard"]
    assert "uncommitted" in msgs["tool_use.destructive_vcs.reset_hard"]
    assert "never committed" in msgs["tool_use.destructive_vcs.clean"]
    assert ".env" in msgs["tool_use.destructive_vcs.clean"]


@pytest.mark.parametrize(
    ("command", "severity"),
    [
        ("git reset --soft HEAD~1", None),
        ("git reset HEAD~1", None),
        ("git reset --hard", Severity.low),
        ("git reset --hard HEAD", Severity.low),
        ("git reset --hard origin/feature-x", Severity.low),  # labelled benign (act-082)
        ("git reset --hard @{u}", Severity.low),
        ("git fetch origin && git reset --hard FETCH_HEAD", Severity.low),
        ("git reset --hard ORIG_HEAD", Severity.low),
        ("git clean -n", None),
        ("git clean -nd", None),
        ("git clean -fdx --dry-run", None),
        ("git clean -fdi", None),
        ("git clean -fdx build/", Severity.low),
        ("git clean -fdx -- dist/ build/", Severity.low),
        ("cd build && git clean -fdx", Severity.low),
        ("git checkout -- .", Severity.low),
        ("git checkout -- src/app.py", None),
        ("git restore .", Severity.low),
        ("git restore --staged .", None),
        ("git restore src/app.py", None),
        ("git stash drop", Severity.low),
        ("git stash clear", Severity.medium),
        ("git stash && git checkout -b hotfix", None),
        ("git push --force origin feature-x", Severity.medium),
        ("git submodule update --init --recursive", None),
    ],
)
def test_routine_resets_and_limited_cleans_stay_below_high(command: str, severity: Severity | None) -> None:
    assert _top(command) is severity, _found(command)


def test_shared_branches_and_other_places_are_graded_as_before() -> None:
    assert _found("git checkout main && git reset --hard HEAD~2")["tool_use.destructive_vcs.reset_hard_protected"] is (
        Severity.high
    )
    assert _top("git push -f origin main") is Severity.critical
    assert _top("git push --force") is Severity.high
    assert _found("cd / && git clean -fdx")["tool_use.destructive_vcs.clean_outside_workspace"] is Severity.high


@pytest.mark.parametrize(
    ("command", "verdict"),
    [
        ("git reset --hard HEAD~20 && git clean -xdf", "escalate"),
        ("git clean -fdx", "escalate"),
        ("git reset --hard origin/feature-x", "approve"),
        ("git clean -n", "approve"),
        ("git reset --soft HEAD~1", "approve"),
    ],
)
def test_verdicts_through_the_api(tmp_path: Path, command: str, verdict: str) -> None:
    body = {"action": {"tool": "shell", "input": {"command": command}, "cwd": CWD}}
    with TestClient(create_app(Settings(data_dir=tmp_path / "d"))) as client:
        r = client.post("/v1/actions/reviews", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == verdict, r.json()["findings"]
