"""The ``Stop`` hook as a user wires it: a real ``oversight serve`` on loopback and the real ``oversight hook
claude-code`` console script (and the HTTP route). When the turn ends, an escalation the hook put to the user's
prompt that is still pending was not approved there: it closes as blocked. A Stop hook never answers anything
and always exits 0 (its output or exit 2 would keep Claude going), also with the service down or hung."""

from __future__ import annotations

import subprocess
import urllib.request
import uuid
from typing import Any

import orjson

from tests.integration.serve import _free_port, at_cwd, find_escalation, hung_service, run_hook


def _call(session: str, cwd: str, **extra: Any) -> dict[str, Any]:
    """A ``PreToolUse`` of a credential read (which escalates)."""
    return {
        "session_id": session,
        "transcript_path": "/home/dev/.claude/projects/-home-dev-shop/missing.jsonl",
        "cwd": cwd,
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Read",
        "tool_input": {"file_path": "/home/dev/.aws/credentials"},
        "tool_use_id": f"toolu_{uuid.uuid4().hex[:24]}",
        **extra,
    }


def _stop(session: str, event: str = "Stop", **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "session_id": session,
        "transcript_path": "/home/dev/.claude/projects/-home-dev-shop/missing.jsonl",
        "cwd": "/home/dev/shop",
        "permission_mode": "default",
        "hook_event_name": event,
        "stop_hook_active": False,
        "last_assistant_message": "I did not read the credentials.",
    }


def _hook(payload: dict[str, Any], *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return run_hook("claude-code", payload, *args, **env)


_at = at_cwd


def _asked(service: str, payload: dict[str, Any]) -> None:
    result = _hook(payload, OVERSIGHT_URL=service)
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "ask"


def test_command_hook_stop_closes_the_escalation_the_user_did_not_approve(service: str) -> None:
    session, other = f"sess-{uuid.uuid4().hex}", f"sess-{uuid.uuid4().hex}"
    _asked(service, _call(session, "/home/dev/cc_stop_1"))
    _asked(service, _call(other, "/home/dev/cc_stop_other"))
    assert find_escalation(service, _at("/home/dev/cc_stop_1")) is not None
    # a subagent ending is not the turn's end: nothing closes, nothing is answered
    sub = _hook(_stop(session, "SubagentStop"), OVERSIGHT_URL=service)
    assert sub.returncode == 0 and sub.stdout == b"" and sub.stderr == b""
    assert find_escalation(service, _at("/home/dev/cc_stop_1"), tries=1) is not None

    result = _hook(_stop(session), OVERSIGHT_URL=service)
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert find_escalation(service, _at("/home/dev/cc_stop_1"), tries=1) is None
    closed = find_escalation(service, _at("/home/dev/cc_stop_1"), status="expired", tries=1)
    assert closed is not None and closed["decision"]["verdict"] == "block"
    assert closed["decision"]["escalation"]["resolved_by"] == "agent-user:claude-code"
    # the other session's call is still at its user's prompt
    assert find_escalation(service, _at("/home/dev/cc_stop_other"), tries=1) is not None


def test_command_hook_subagent_stop_closes_only_that_subagents_calls(service: str) -> None:
    # A background subagent's call (its hooks carry the parent's session_id and its own agent_id) is at the prompt
    # when the main turn ends: the main agent's Stop leaves it; the subagent's own SubagentStop closes it.
    session = f"sess-{uuid.uuid4().hex}"
    sub = {"agent_id": "a9f3e1", "agent_type": "general-purpose"}
    _asked(service, _call(session, "/home/dev/cc_stop_main"))
    _asked(service, _call(session, "/home/dev/cc_stop_sub", **sub))
    assert find_escalation(service, _at("/home/dev/cc_stop_sub")) is not None
    assert _hook(_stop(session), OVERSIGHT_URL=service).returncode == 0
    assert find_escalation(service, _at("/home/dev/cc_stop_main"), status="expired") is not None
    assert find_escalation(service, _at("/home/dev/cc_stop_sub"), tries=1) is not None  # still at its prompt

    result = _hook(_stop(session, "SubagentStop", **sub), OVERSIGHT_URL=service)
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert find_escalation(service, _at("/home/dev/cc_stop_sub"), tries=1) is None
    assert find_escalation(service, _at("/home/dev/cc_stop_sub"), status="expired", tries=1) is not None


def test_command_hook_stop_reads_only_the_session_and_the_event(service: str) -> None:
    # The model's last message may hold anything (a NUL): the report is about the session, which is sound.
    session = f"sess-{uuid.uuid4().hex}"
    _asked(service, _call(session, "/home/dev/cc_stop_nul"))
    assert find_escalation(service, _at("/home/dev/cc_stop_nul")) is not None
    result = _hook({**_stop(session), "last_assistant_message": "done \u0000"}, OVERSIGHT_URL=service)
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert find_escalation(service, _at("/home/dev/cc_stop_nul"), status="expired", tries=1) is not None


def test_command_hook_stop_answers_nothing_with_the_service_down() -> None:
    result = _hook(_stop("sess-down"), "--url", f"http://127.0.0.1:{_free_port()}", "--timeout", "1")
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""


def test_command_hook_stop_answers_nothing_when_the_service_hangs() -> None:
    # The service accepts the connection and never answers: the hook's own deadline ends it, still silently.
    with hung_service() as (url, accepted):
        result = _hook(_stop("sess-hung"), "--url", url, OVERSIGHT_HOOK_TIMEOUT="1")
        assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
        # it did try to report the turn's end (and gave up silently at its deadline)
        assert accepted, "the hook never tried to report the turn's end"
        accepted[0].settimeout(5)
        assert accepted[0].recv(4096).startswith(b"POST /v1/actions/turn-ended ")


def test_http_stop_route_answers_an_empty_object_and_closes_the_escalation(service: str) -> None:
    session = f"sess-{uuid.uuid4().hex}"
    request = urllib.request.Request(
        service + "/v1/hooks/claude-code/pre-tool-use",
        data=orjson.dumps(_call(session, "/home/dev/cc_stop_http")),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        assert orjson.loads(r.read())["hookSpecificOutput"]["permissionDecision"] == "ask"
    assert find_escalation(service, _at("/home/dev/cc_stop_http")) is not None
    request = urllib.request.Request(
        service + "/v1/hooks/claude-code/stop",
        data=orjson.dumps(_stop(session)),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 200 and orjson.loads(r.read()) == {}
    assert find_escalation(service, _at("/home/dev/cc_stop_http"), tries=1) is None
    closed = find_escalation(service, _at("/home/dev/cc_stop_http"), status="expired", tries=1)
    assert closed is not None and closed["decision"]["escalation"]["resolved_by"] == "agent-user:claude-code"
