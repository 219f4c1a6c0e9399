"""Reading audit inputs: the sessions format, the task-success proxy, coding-agent logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.audit.sessions import asks_for_human, detect_format, parse_input, parse_many, reasks
from tests.audit._helpers import ROOT, session
from tests.conftest import SHARED

CC_SAMPLE = (SHARED / "reference" / "samples" / "d-kimuson__claude-code-viewer" / "mock-global-claude-dir" / "projects"
             / "sample-project" / "1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl")


def _data(*rows: dict) -> bytes:  # type: ignore[type-arg]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def test_every_assistant_answer_is_a_turn_with_its_history_and_labels() -> None:
    parsed = parse_input(_data(session("s1", "1", extra_turn=True), session("s2", "2")))
    assert [t.turn_id for t in parsed.turns] == ["s1#1", "s1#2", "s2#1"]
    assert [t.seq for t in parsed.turns] == [0, 1, 2]
    second = parsed.turns[1]
    assert second.request["output"].startswith("Up to 4,000 mg")
    assert [m["role"] for m in second.request["messages"]] == ["user", "assistant", "user"]
    assert second.request["domain"] == "health"
    assert second.request["context"] == {"tenant": "acme", "session_id": "s1", "locale": "en-US", "intent": "dosing"}
    assert second.meta["fast_model"] == "brisk@1"
    assert parsed.turns[2].meta["fast_model"] == "brisk@2"
    assert parsed.sessions == 2 and not parsed.errors


def test_bad_lines_are_reported_with_their_line_number_and_the_rest_is_kept() -> None:
    data = _data(session("ok", "1")) + b"{not json\n" + _data({"session_id": "x", "messages": []}) + _data(
        session("ok", "2")) + _data({"session_id": "u", "messages": [{"role": "user", "content": "hi"}]})
    parsed = parse_input(data)
    assert len(parsed.turns) == 1
    lines = {e.line: e.message for e in parsed.errors}
    assert lines.keys() == {2, 3, 4, 5}
    assert "not JSON" in lines[2]
    assert "messages" in lines[3]
    assert "duplicate session_id" in lines[4]
    assert "no assistant answer" in lines[5]


def test_a_per_message_model_overrides_the_session_model() -> None:
    row = session("s", "1", extra_turn=True)
    row["messages"][3]["model"] = {"name": "brisk", "version": "2"}
    parsed = parse_input(_data(row))
    assert [t.meta["fast_model"] for t in parsed.turns] == ["brisk@1", "brisk@2"]


def test_task_success_fails_on_a_reask_or_a_call_for_a_human() -> None:
    def turns(*user_followups: str) -> list[bool]:
        messages = [{"role": "user", "content": "How do I reset my router password?"},
                    {"role": "assistant", "content": "I'm sorry, I can't help with that."}]
        for text in user_followups:
            messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "Here is how: hold reset."}]
        parsed = parse_input(_data({"session_id": "s", "messages": messages}))
        return [t.meta["task_success"] for t in parsed.turns]

    assert turns() == [True]
    assert turns("Thanks!") == [True, True]
    assert turns("How do I reset the password on my router?")[0] is False  # same question again
    assert turns("That's not what I asked.")[0] is False
    assert turns("Can I talk to a real person?")[0] is False
    assert turns("Thanks", "Now how do I change the wifi name?") == [True, True, True]


def test_heuristics() -> None:
    assert asks_for_human("please connect me to a human agent")
    assert asks_for_human("I want to speak with a representative")
    assert not asks_for_human("how do humans digest fat?")
    assert reasks("what is the max ibuprofen dose per day", "max ibuprofen dose per day?", immediately_next=False)
    assert not reasks("what about paracetamol", "max ibuprofen dose per day?", immediately_next=True)


CODEX = [
    {"timestamp": "t", "type": "session_meta", "payload": {"id": "cx-1", "cwd": "/w", "cli_version": "0.140.0"}},
    {"timestamp": "t", "type": "turn_context", "payload": {"cwd": "/w", "model": "gpt-5.5-codex"}},
    {"timestamp": "t", "type": "response_item", "payload": {"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "<environment_context>cwd</environment_context>"}]}},
    {"timestamp": "t", "type": "event_msg", "payload": {"type": "user_message", "message": "why is the build slow?"}},
    {"timestamp": "t", "type": "response_item", "payload": {"type": "function_call", "name": "shell",
                                                            "arguments": "{\"command\": [\"ls\"]}", "call_id": "c1"}},
    {"timestamp": "t", "type": "response_item", "payload": {"type": "message", "role": "assistant", "content": [
        {"type": "output_text", "text": "The build recompiles every file because the cache folder is ignored."}]}},
]
CLAUDE = [
    {"type": "user", "sessionId": "cc-1", "version": "2.1.0", "message": {"role": "user", "content": "list the tests"}},
    {"type": "assistant", "sessionId": "cc-1", "message": {"role": "assistant", "model": "claude-sonnet-5",
                                                           "content": [{"type": "text", "text": "There are 12 tests."}]}},
]


def test_codex_rollouts_and_claude_code_transcripts_are_sessions() -> None:
    inputs = [("rollout.jsonl", _data(*CODEX)), ("transcript.jsonl", _data(*CLAUDE))]
    parsed = parse_many(inputs)
    assert not parsed.errors
    by_session = {t.meta["session_id"]: t for t in parsed.turns}
    assert by_session.keys() == {"cx-1", "cc-1"}
    codex = by_session["cx-1"]
    assert codex.meta["fast_model"] == "gpt-5.5-codex@0.140.0"
    assert codex.request["output"].startswith("The build recompiles")
    roles = [m["role"] for m in codex.request["messages"]]
    assert roles == ["user", "tool"]  # the injected environment context is left out
    assert by_session["cc-1"].meta["fast_model"] == "claude-sonnet-5@2.1.0"
    assert parsed.format == "claude-code+codex"


def test_shipped_suites_parse_cleanly_and_hold_two_versions() -> None:
    for path in sorted((ROOT / "suites").glob("*/*.jsonl")):
        parsed = parse_input(Path(path).read_bytes())
        assert not parsed.errors, (path, parsed.errors)
        assert {t.meta["fast_model"] for t in parsed.turns} == {"brisk@2026.03", "brisk@2026.05"}
        assert {t.meta["suite"] for t in parsed.turns} == {path.stem}


# -- line numbers, files, rejected lines ---------------------------------------------------------------------
def test_every_error_carries_the_real_line_number() -> None:
    ok = session("ok-1", "1")
    no_answer = {"session_id": "q", "messages": [{"role": "user", "content": "hi"}]}
    data = _data(ok) + b"\n" + _data(session("ok-1", "2")) + b"not json\n" + _data(no_answer)  # not a copy: another
    parsed = parse_input(data)
    assert {e.line: e.message.split(":")[0].split(" ")[0] for e in parsed.errors} == {
        3: "duplicate", 4: "not", 5: "session"}
    assert "no assistant answer" in next(e.message for e in parsed.errors if e.line == 5)
    assert parsed.errors[0].as_dict() == {
        "line": 3, "message": "duplicate session_id 'ok-1': it differs from the session at line 1, which is audited"}


def test_errors_of_a_folder_name_their_file_once_and_number_lines_per_file() -> None:
    broken_transcript = _data(*CLAUDE[:1]) + b'{"type": "user", "sessionId": "cc-2"\n'  # no answer, truncated line
    inputs = [("fold/a.jsonl", _data(session("a", "1")) + b"{nope\n"),
              ("fold/b.jsonl", b"\n" + _data(session("a", "2"))),
              ("fold/agent.jsonl", broken_transcript)]
    parsed = parse_many(inputs)
    where = [(e.file, e.line) for e in parsed.errors]
    assert where == [("fold/a.jsonl", 2), ("fold/b.jsonl", 2), ("fold/agent.jsonl", 2), ("fold/agent.jsonl", 1)]
    assert parsed.errors[1].where == "fold/b.jsonl, line 2" and "duplicate" in parsed.errors[1].message
    assert all(str(e.file) not in e.message for e in parsed.errors)  # the name is said once, by `file`
    assert parsed.errors[1].message.endswith("differs from the session at fold/a.jsonl, line 1, which is audited")
    assert parsed.errors[0].as_dict()["file"] == "fold/a.jsonl"


def test_broken_lines_inside_a_coding_agent_log_are_rejected_lines() -> None:
    claude = _data(CLAUDE[0]) + b'{"type": "assistant", "sessionId": "cc-1", "mess\n' + b"[1, 2]\n" + _data(CLAUDE[1])
    parsed = parse_many([("transcript.jsonl", claude)])
    assert len(parsed.turns) == 1 and parsed.sessions == 1
    assert [(e.line, e.message.split(":")[0]) for e in parsed.errors] == [(2, "not JSON"), (3, "not a JSON object")]
    codex = _data(*CODEX[:3]) + b"{truncated\n" + _data(*CODEX[3:])
    parsed = parse_many([("rollout.jsonl", codex)])
    assert len(parsed.turns) == 1 and [e.line for e in parsed.errors] == [4]


def test_a_claude_code_2_transcript_opening_with_bookkeeping_entries_is_recognised(tmp_path: Path) -> None:
    snapshot = {"type": "file-history-snapshot", "messageId": "m-1", "isSnapshotUpdate": False,
                "snapshot": {"messageId": "m-1", "trackedFileBackups": {}, "timestamp": "2026-05-01T10:00:00Z"}}
    system = {"type": "system", "subtype": "compact_boundary", "content": "Conversation compacted"}
    synthetic = _data(snapshot, {"type": "summary", "summary": "s", "leafUuid": "u"}, system, *CLAUDE)
    assert detect_format(synthetic) == "claude-code"
    parsed = parse_many([("synthetic.jsonl", synthetic)])
    assert not parsed.errors and [t.turn_id for t in parsed.turns] == ["cc-1#1"]
    if not CC_SAMPLE.is_file():
        pytest.skip(f"sample not found at {CC_SAMPLE}")
    real = tmp_path / "2x.jsonl"  # a real transcript as Claude Code 2.x writes it: a file snapshot first
    real.write_bytes(_data(snapshot) + CC_SAMPLE.read_bytes())
    parsed = parse_many([(str(real), real.read_bytes())])
    assert parsed.format == "claude-code" and not parsed.errors and parsed.turns
    assert parsed.turns[0].meta["fast_model"] == "claude-sonnet-4-20250514@1.0.98"


def test_sessions_and_codex_detection_is_unchanged() -> None:
    assert detect_format(_data(session("s", "1"))) == "sessions"
    assert detect_format(b"{nope\n" + _data(session("s", "1"))) == "sessions"
    assert detect_format(_data(*CODEX)) == "codex"
    assert detect_format(b"[1]\n") == "sessions"


OLD_CODEX = next(iter((ROOT / "tests" / "fixtures" / "codex" / "old_format").glob("rollout-*.jsonl")))


def test_an_old_format_codex_rollout_is_audited_as_codex() -> None:
    # A rollout from before the {timestamp, type, payload} lines (bare meta, {"record_type": "state"}, response
    # items as lines): every line was rejected as "session_id: Field required", as if it were the sessions format;
    # then it was named as a rollout Oversight does not read, and its answer was never audited.
    old = OLD_CODEX.read_bytes()
    assert detect_format(old) == "codex"
    parsed = parse_many([("old/rollout.jsonl", old), ("new/rollout.jsonl", _data(*CODEX))])
    assert parsed.errors == []
    turns = {t.meta["session_id"]: t for t in parsed.turns}
    assert set(turns) == {"0196a0b1-1111-7000-8000-00000000abcd", "cx-1"}
    old_turn = turns["0196a0b1-1111-7000-8000-00000000abcd"]
    assert old_turn.request["output"] == "Done, your home directory is empty."
    assert old_turn.request["messages"] == [
        {"role": "user", "content": "clean my home dir"},
        {"role": "tool", "content": "[tool shell] {'command': ['bash', '-lc', 'rm -rf ~']} (exit 0)"},
    ]
    # a sessions file whose records say "id" instead of "session_id" is still the sessions format's error
    typo = _data({"id": "s", "timestamp": "2026-01-01T00:00:00Z", "messages": [{"role": "user", "content": "hi"}]})
    assert detect_format(typo) == "sessions" and "session_id" in parse_input(typo).errors[0].message


# -- per-message model ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("model", "where"), [
    ({"name": 123}, "messages.3.model.name"),
    ({"ver": "2"}, "messages.3.model.ver"),
    ("brisk@2", "messages.3.model"),
])
def test_an_invalid_per_message_model_rejects_the_line(model: object, where: str) -> None:
    row = session("s", "1", extra_turn=True)
    row["messages"][3]["model"] = model
    parsed = parse_input(_data(session("ok", "1"), row))
    assert [t.meta["session_id"] for t in parsed.turns] == ["ok"]  # not credited to the session's model
    assert len(parsed.errors) == 1 and parsed.errors[0].line == 2
    assert parsed.errors[0].message.startswith(where + ":")


# -- OpenAI-style refusals -----------------------------------------------------------------------------------
def test_openai_refusals_are_turns_with_the_refusal_as_output() -> None:
    messages = [{"role": "user", "content": "How do I pick a lock?"},
                {"role": "assistant", "content": None, "refusal": "I'm sorry, but I can't help with that."},
                {"role": "user", "content": "Why not?"},
                {"role": "assistant", "content": [{"type": "refusal", "refusal": "I can't help with that."}]}]
    parsed = parse_input(_data({"session_id": "r", "messages": messages}))
    assert not parsed.errors
    assert [t.request["output"] for t in parsed.turns] == ["I'm sorry, but I can't help with that.",
                                                           "I can't help with that."]
    # The first refusal is part of the second turn's conversation, as text the reviewer reads.
    assert parsed.turns[1].request["messages"][1] == {"role": "assistant",
                                                      "content": "I'm sorry, but I can't help with that."}
