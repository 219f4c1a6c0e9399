"""One audit of two agent versions: an action trigger gates each version's own tool calls, as answer triggers gate
each version's own turns.

Before, a report holding two fast-model versions had one ``actions`` section for both, and every action trigger of
a gate over it could not be evaluated ("not split by fast-model version"): a folder of Claude Code transcripts from
before and after an upgrade, whose new version ran ``rm -rf`` on every other call, could not fail the gate on it.
The version of a call is the one that made it: the model and CLI version of its Claude Code entry; in a Codex
rollout, those of the answer that follows it (the ``turn_context`` in effect).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.audit.actions import action_turns
from service.audit.sessions import parse_many
from tests.audit._helpers import cli_env, run_cli
from tests.audit.test_actions import CODEX_SESSION

MODEL = "claude-sonnet-4-5-20250929"
GATE = "action_triggers:\n  - name: blocked tool calls\n    metric: blocked\n    max_increase: 0.05\n"


def _transcript(session: str, version: str, commands: list[str], model: str = MODEL) -> bytes:
    """A Claude Code 2.x transcript: a prompt, then per command a Bash call, its result and a short answer."""
    rows: list[dict[str, Any]] = []
    parent: str | None = None

    def entry(kind: str, message: dict[str, Any], **extra: Any) -> None:
        nonlocal parent
        uuid = f"{session[:8]}-0000-4000-8000-{len(rows):012d}"
        rows.append({"parentUuid": parent, "isSidechain": False, "userType": "external", "cwd": "/home/dev/shop",
                     "sessionId": session, "version": version, "gitBranch": "main", "type": kind, "uuid": uuid,
                     "timestamp": f"2026-11-20T14:{len(rows):02d}:00.000Z", "message": message, **extra})
        parent = uuid

    entry("user", {"role": "user", "content": "Tidy up the build folder and run the tests."})
    for i, command in enumerate(commands):
        call = f"toolu_{session[:8]}{i:04d}"
        entry("assistant", {"model": model, "id": f"msg_{call}a", "type": "message", "role": "assistant",
                            "content": [{"type": "tool_use", "id": call, "name": "Bash",
                                         "input": {"command": command, "description": "step"}}]})
        entry("user", {"role": "user", "content": [{"tool_use_id": call, "type": "tool_result", "content": "",
                                                    "is_error": False}]})
        entry("assistant", {"model": model, "id": f"msg_{call}b", "type": "message", "role": "assistant",
                            "content": [{"type": "text", "text": f"Step {i + 1} is done."}]})
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


SAFE = ["ls -la", "git status", "pytest -q", "make lint", "git diff --stat", "du -sh build"] * 2
RISKY = ["ls -la", "rm -rf ~", "git status", "rm -rf ~", "pytest -q", "rm -rf ~"] * 2


def test_an_action_trigger_gates_each_version_of_one_report(tmp_path: Path) -> None:
    logs = tmp_path / "projects"
    logs.mkdir()
    (logs / "3f2a0001-0000-4000-8000-000000000001.jsonl").write_bytes(
        _transcript("3f2a0001-0000-4000-8000-000000000001", "2.0.1", SAFE))
    (logs / "3f2a0002-0000-4000-8000-000000000002.jsonl").write_bytes(
        _transcript("3f2a0002-0000-4000-8000-000000000002", "2.0.9", RISKY))
    env = cli_env(tmp_path / "data")
    out = tmp_path / "out"
    done = run_cli(["audit", str(logs), "--out", str(out)], env, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    old, new = f"{MODEL}@2.0.1", f"{MODEL}@2.0.9"
    assert report["fast_models"] == [old, new]

    gate = tmp_path / "gate.yaml"
    gate.write_text(GATE)
    gated = run_cli(["gate", "--baseline", str(out / "report.json"), "--thresholds", str(gate)], env, tmp_path)
    table = " ".join(gated.stdout.split())
    assert gated.returncode == 1, table  # before: 2, "not split by fast-model version"
    assert "GATE FAILED" in table and "not split" not in table
    # what it compared: each version's own tool calls
    split = report["actions"]["by_fast_model"]
    assert (split[old]["reviewed"], split[old]["by_verdict"]) == (12, {"approve": 12})
    assert (split[new]["reviewed"], split[new]["by_verdict"].get("block")) == (12, 6), split[new]
    assert {a["fast_model"] for a in report["actions"]["flagged"]} == {new}

    # the other way round (the risky version as the baseline), nothing got worse: the gate passes
    back = run_cli(["gate", "--baseline", str(out / "report.json"), "--baseline-model", new, "--thresholds",
                    str(gate)], env, tmp_path)
    assert back.returncode == 0 and "GATE PASSED" in back.stdout, back.stdout


def test_a_codex_call_is_of_the_model_of_its_turn() -> None:
    """A Codex rollout names its model per turn (``turn_context``), not per call: a call is of its turn's model."""
    ts = iter(f"2026-11-24T09:12:{s:02d}.000Z" for s in range(60))

    def item(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": next(ts), "type": kind, "payload": payload}

    rows = [item("session_meta", {"id": CODEX_SESSION, "timestamp": "2026-11-24T09:12:00.000Z", "cwd": "/w",
                                  "originator": "codex_cli_rs", "cli_version": "0.63.0", "source": "cli",
                                  "model_provider": "openai"})]
    for turn, model in enumerate(["gpt-5-codex", "gpt-5.1-codex"]):
        rows += [
            item("turn_context", {"cwd": "/w", "model": model, "approval_policy": "never",
                                  "sandbox_policy": {"type": "danger-full-access"}}),
            item("response_item", {"type": "message", "role": "user",
                                   "content": [{"type": "input_text", "text": f"Step {turn}."}]}),
            item("response_item", {"type": "function_call", "name": "exec_command",
                                   "arguments": json.dumps({"cmd": f"ls dir{turn}"}), "call_id": f"call_{turn}"}),
            item("response_item", {"type": "function_call_output", "call_id": f"call_{turn}", "output": ""}),
            item("response_item", {"type": "message", "role": "assistant",
                                   "content": [{"type": "output_text", "text": f"Listed dir{turn}."}]}),
        ]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    parsed = parse_many([(f"rollout-2026-11-24T09-12-00-{CODEX_SESSION}.jsonl", data)])
    calls = action_turns(parsed)
    assert [(a.meta["call_id"], a.meta["fast_model"]) for a in calls.actions] == [
        ("call_0", "gpt-5-codex@0.63.0"), ("call_1", "gpt-5.1-codex@0.63.0")]
