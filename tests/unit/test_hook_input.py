"""The command hooks' check of their input (``claude_code.read_json``) against the JSON guard's
(``service.main.json_problem``): both run ``service.jsoncheck.check_json``, and these hold the hooks' own
wrapping (the orjson parse, the BOM, ``only``) to the same answers; and the identity of a live call
(``live_request_id``) on inputs ``orjson`` cannot serialise."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson
import pytest

from service.integrations import claude_code as cc
from service.integrations import safe_id
from service.main import json_problem


def _nested(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


BODIES: dict[str, bytes] = {
    "plain": json.dumps({"tool_name": "Bash", "tool_input": {"command": "ls"}}).encode(),
    "byte_order_mark": b"\xef\xbb\xbf" + json.dumps({"tool_name": "Bash"}).encode(),
    "invalid_utf8": b'{"tool_name": "\xff"}',
    "nul_escaped": json.dumps({"tool_input": {"command": "rm -rf /\u0000"}}).encode(),
    "nul_raw": b'{"tool_input": {"command": "rm -rf /\x00"}}',
    "nul_in_key": json.dumps({"tool_input": {"a\u0000": 1}}).encode(),
    "nul_in_top_level_key": json.dumps({"tool_input\u0000": 1}).encode(),
    "lone_surrogate": b'{"tool_input": {"command": "\\ud800"}}',
    "low_surrogate": b'{"x": ["\\udc00"]}',
    "paired_surrogates": b'{"x": "\\ud83d\\ude00"}',
    "control_characters": json.dumps({"x": "\a\x1b\x7f"}).encode(),
    "duplicate_keys": b'{"tool_input": {"command": "rm -rf ~", "command": "ls"}}',
    "duplicate_top_level": b'{"tool_name": "Bash", "tool_name": "Read"}',
    "duplicate_in_list": b'{"x": [{"a": 1}, {"b": 1, "b": 2, "c": 1, "c": 2}]}',
    "deep_64": json.dumps(_nested(63)).encode(),
    "deep_65": json.dumps(_nested(64)).encode(),
    "deep_lists": b"[" * 70 + b"]" * 70,
    "deep_5000": b"[" * 5000 + b"]" * 5000,
    "deep_100k": b"[" * 100_000 + b"]" * 100_000,
    "brackets_in_strings": json.dumps({"x": "[" * 100}).encode(),
    "truncated": b'{"tool_name": "Bash"',
    "nan": b'{"x": NaN}',
    "infinity": b'{"x": -Infinity}',
    "huge_integer": b'{"x": ' + b"9" * 5001 + b"}",
    "big_integer": b'{"x": 1000000000000000000000000000000}',
    "empty": b"",
    "top_level_array": b"[1, 2, 3]",
    "null": b"null",
}


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("depth", [64, 8])
def test_the_command_hooks_refuse_what_the_json_routes_refuse(name: str, depth: int) -> None:
    expected = json_problem("application/json", BODIES[name], depth)
    _, problem = cc.read_json(BODIES[name], depth)
    if expected is None:
        assert problem is None
    else:
        _, code, message, field = expected
        assert problem == (code, message, field)


def test_accepted_input_is_parsed_as_the_hooks_always_parsed_it() -> None:
    value, problem = cc.read_json(BODIES["big_integer"], 64)
    assert problem is None and value == {"x": 1e30} and isinstance(value["x"], float)  # orjson's reading
    value, problem = cc.read_json(BODIES["byte_order_mark"], 64)
    assert problem is None and value == {"tool_name": "Bash"}
    value, problem = cc.read_json(b'{"x": 1e400}', 64)  # orjson cannot read it: refused, as it always was
    assert value is None and problem is not None and problem[0] == "json_invalid"


def test_a_refused_input_is_still_returned_so_the_event_can_be_told() -> None:
    body = b'{"hook_event_name": "PostToolUse", "tool_input": {"command": "a", "command": "b"}}'
    value, problem = cc.read_json(body, 64)
    assert problem is not None and problem[0] == "json_duplicate_key"
    assert cc.event_name(value, problem) == "PostToolUse"
    # a problem in the event name itself: it cannot be trusted, so the safe reading (a pre-tool-use failure)
    twice = b'{"hook_event_name": "PreToolUse", "hook_event_name": "PostToolUse"}'
    value, problem = cc.read_json(twice, 64)
    assert cc.event_name(value, problem) == "PreToolUse"
    nul = json.dumps({"hook_event_name": "PostToolUse\u0000"}).encode()
    assert cc.event_name(*cc.read_json(nul, 64)) == "PreToolUse"
    assert cc.event_name(*cc.read_json(b"not json", 64)) == "PreToolUse"


def test_only_what_identifies_a_call_is_checked_for_a_post_tool_use_report() -> None:
    output = {"stdout": "a\u0000b", "dup": 1}
    body = json.dumps(
        {"session_id": "s", "tool_use_id": "t", "tool_name": "Bash", "tool_input": {}, "tool_response": output}
    )
    value, problem = cc.read_json(body.encode(), 64, only=cc.CALL_FIELDS)
    assert problem is None and value["tool_response"]["stdout"] == "a\x00b"
    assert cc.read_json(body.replace('"dup": 1', '"dup": 1, "dup": 2').encode(), 64, only=cc.CALL_FIELDS)[1] is None
    assert cc.read_json(b'{"tool_response": "\\ud800", "tool_use_id": "t"}', 64, only=cc.CALL_FIELDS)[1] is None
    for bad in (
        b'{"tool_use_id": "t\\u0000"}',
        b'{"tool_use_id": "t", "tool_use_id": "u"}',
        b'{"tool_input": {"file_path": "a", "file_path": "b"}}',
        b'{"tool_response": 1, "tool_input": {"x": "\\u0000"}}',
    ):
        assert cc.read_json(bad, 64, only=cc.CALL_FIELDS)[1] is not None, bad


def test_the_reason_names_the_code_and_the_field_in_bounded_length() -> None:
    assert cc.refused(("json_duplicate_key", "key 'command' appears twice", "tool_input.command")) == (
        "the hook input is refused, json_duplicate_key at tool_input.command: key 'command' appears twice"
    )
    long = cc.refused(("json_too_deep", "JSON nested deeper than 64 levels", ".".join(["a"] * 900)))
    assert len(long) < 250 and long.endswith("…: JSON nested deeper than 64 levels")


def test_the_depth_follows_oversight_max_json_depth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVERSIGHT_MAX_JSON_DEPTH", raising=False)
    assert cc.max_json_depth() == 64
    monkeypatch.setenv("OVERSIGHT_MAX_JSON_DEPTH", "120")
    assert cc.max_json_depth() == 120
    monkeypatch.setenv("OVERSIGHT_MAX_JSON_DEPTH", "lots")
    assert cc.max_json_depth() == 64
    monkeypatch.setenv("OVERSIGHT_MAX_JSON_DEPTH", "5000")
    assert cc.max_json_depth() == 200  # the service's own ceiling


def _call(tool_input: Any) -> dict[str, Any]:
    return {"session_id": "s", "tool_use_id": "toolu_1", "tool_name": "mcp__x__y", "tool_input": tool_input}


def test_a_live_call_is_identified_whatever_orjson_can_serialise() -> None:
    big = cc.live_request_id(_call({"n": 10**30}))
    assert big is not None and big == cc.live_request_id(_call({"n": 10**30}))
    assert big != cc.live_request_id(_call({"n": 10**30 + 1}))
    deep = cc.live_request_id(_call(_nested(300)))  # orjson stops at 255 levels
    assert deep is not None and deep != cc.live_request_id(_call(_nested(301)))
    # what orjson can serialise keeps the id it always had (a review made before is still found)
    what = orjson.dumps(["s", "toolu_1", "mcp__x__y", {"n": 1}], option=orjson.OPT_SORT_KEYS, default=str)
    digest = hashlib.sha256(what).hexdigest()[:32]
    assert cc.live_request_id(_call({"n": 1})) == safe_id("claude-code", "live", "toolu_1", digest)
    with pytest.raises(ValueError, match="nested too deeply"):
        cc.live_request_id(_call(_nested(5000)))


def test_odd_field_types_are_named_not_crashed_on() -> None:
    for path in (7, ["x"], {"p": 1}, True):
        with pytest.raises(ValueError, match="transcript_path is a JSON"):
            cc.build_request({"tool_name": "Bash", "tool_input": {"command": "ls"}, "transcript_path": path})
    with pytest.raises(ValueError, match="tool_input is a JSON string, not an object"):
        cc.build_request({"tool_name": "mcp__x__y", "tool_input": "rm -rf ~"})
    assert cc.build_request({"tool_name": "Bash", "tool_input": {"command": "ls"}, "transcript_path": None})
