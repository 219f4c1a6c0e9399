"""Claude Code 1.x transcripts hold their sub-agents' runs inline (``isSidechain: true`` entries after a Task call):
each run is audited as a session of its own, and none of its answers is taken for the main agent's."""

from __future__ import annotations

import json

from service.audit.sessions import parse_many
from tests.conftest import SHARED

SAMPLE = (SHARED / "reference" / "samples" / "d-kimuson__claude-code-viewer" / "mock-global-claude-dir" / "projects"
          / "sample-project" / "5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl")
MAIN = "5c0375b4-57a5-4f26-b12d-d022ee4e51b7"


def test_each_inline_sub_agent_run_is_a_session_of_its_own() -> None:
    parsed = parse_many([("project/x.jsonl", SAMPLE.read_bytes())])
    assert not parsed.errors and parsed.sessions == 3
    by_session: dict[str, list[int]] = {}
    for turn in parsed.turns:
        by_session.setdefault(turn.meta["session_id"], []).append(turn.meta["line"])
    assert by_session == {
        MAIN: [3, 44, 53],  # the main agent's answers only, as before
        f"{MAIN}/sidechain-6340ddef-f656-4b72-a065-82390f637678": [17, 22],  # Task "Check package configuration"
        f"{MAIN}/sidechain-83e2917c-8940-4df6-a5a5-f2514f0d08c5": [27, 40],
    }
    last = next(t for t in parsed.turns if t.meta["line"] == 40)
    assert last.request["output"].startswith("Based on my analysis of the current project structure")
    task = last.request["messages"][0]
    assert task["role"] == "user" and task["content"].startswith("Analyze the current project structure")
    # the main agent's conversation shows the Task call, not the sub-agent's messages or its final answer as its own
    main_last = next(t for t in parsed.turns if t.meta["line"] == 53)
    assert not any("Based on my analysis" in str(m["content"]) for m in main_last.request["messages"])
    assert any(m["role"] == "tool" and m["content"].startswith("[tool Task]") for m in main_last.request["messages"])


def _entry(uuid: str, parent: str | None, kind: str, content: object, *, sidechain: bool = True) -> bytes:
    message = {"role": kind, "content": content} | ({"model": "claude-sonnet-4"} if kind == "assistant" else {})
    return json.dumps({"type": kind, "uuid": uuid, "parentUuid": parent, "isSidechain": sidechain, "sessionId": "m",
                       "version": "1.0.90", "message": message}).encode() + b"\n"


def test_runs_made_in_parallel_are_told_apart_by_their_parent_chain() -> None:
    lines = [
        _entry("u1", None, "user", "Find the tests", sidechain=False),
        _entry("a1", "u1", "assistant", [{"type": "text", "text": "I'll ask two helpers."}], sidechain=False),
        _entry("r1", None, "user", "List the unit tests"),
        _entry("r2", None, "user", "List the browser tests"),
        _entry("r1a", "r1", "assistant", [{"type": "tool_use", "id": "t1", "name": "Glob", "input": {"p": "unit"}}]),
        _entry("r2a", "r2", "assistant", [{"type": "text", "text": "Browser tests: 3 files."}]),
        _entry("r1r", "r1a", "user", [{"type": "tool_result", "tool_use_id": "t1", "content": "a.py b.py"}]),
        _entry("r1b", "r1r", "assistant", [{"type": "text", "text": "Unit tests: a.py and b.py."}]),
        _entry("a2", "a1", "assistant", [{"type": "text", "text": "There are unit and browser tests."}],
               sidechain=False),
    ]
    parsed = parse_many([("m.jsonl", b"".join(lines))])
    answers = {t.meta["session_id"]: (t.request["messages"][0]["content"], t.request["output"]) for t in parsed.turns
               if t.meta["session_id"] != "m"}
    assert answers == {"m/sidechain-r1": ("List the unit tests", "Unit tests: a.py and b.py."),
                       "m/sidechain-r2": ("List the browser tests", "Browser tests: 3 files.")}
    assert [t.request["output"] for t in parsed.turns if t.meta["session_id"] == "m"] == [
        "I'll ask two helpers.", "There are unit and browser tests."]
