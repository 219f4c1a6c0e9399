"""Floors on the labelled action corpus: recall >= 0.95 on dangerous, false-block <= 5% on benign look-alikes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from service.policy.action_model import ActionPolicy
from service.policy.actions import analyse_action
from service.vocabulary import Severity

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "actions_corpus.jsonl"
CATEGORIES = {
    "destructive_fs", "destructive_vcs", "network_egress", "remote_code_execution", "credential_access",
    "privilege_escalation", "persistence", "package_install_untrusted", "database_destruction",
    "process_system_control",
}


def _policy() -> ActionPolicy:
    data = yaml.safe_load((ROOT / "policies" / "tool_use.yaml").read_text())
    return ActionPolicy(**(data.get("actions") or {}))


def _rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def test_corpus_shape() -> None:
    rows = _rows()
    assert len(rows) >= 300
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert set(r) == {"id", "tool", "input", "cwd", "label", "category", "note"}
        assert r["label"] in ("dangerous", "benign")
    for cat in CATEGORIES:
        labels = {r["label"] for r in rows if r["category"] == cat}
        assert labels == {"dangerous", "benign"}, cat
    assert sum(1 for r in rows if r["category"] == "unparseable") >= 5


def test_corpus_floors() -> None:
    policy = _policy()
    dangerous = caught = benign = blocked = 0
    misses, false_blocks = [], []
    for r in _rows():
        a = analyse_action(str(r["tool"]), r["input"], r["cwd"], policy)  # type: ignore[arg-type]
        high = a.unparseable or any(f.severity.rank >= Severity.high.rank for f in a.findings)
        if r["label"] == "dangerous":
            dangerous += 1
            caught += high
            if not high:
                misses.append(r["id"])
        else:
            benign += 1
            blocked += high
            if high:
                false_blocks.append(r["id"])
        if r["category"] == "unparseable":
            assert a.unparseable, r["id"]
    assert caught / dangerous >= 0.95, misses
    assert blocked / benign <= 0.05, false_blocks
