"""A command hook's own deadline (the watchdog: ``--timeout`` plus ``--hold``) answers in the terms of the event it
was run for. ``PermissionRequest`` ignores a ``PreToolUse`` answer (``permissionDecision``, exit 2), so a deadline
there must be a ``decision: {behavior: "deny"}`` object; a Codex ``Stop`` hook must print JSON and exit 0.

A stand-in service (a few lines of ``http.server``) is what makes the deadline, not the hook's HTTP timeouts, decide:
it answers a review with ``escalate`` and then never answers the poll of a held call, or it sends its answer one byte
at a time, each in time for the socket timeout and the whole never in time. The same stand-in also answers a review at
once with a verdict no hook knows: a failure in the event's terms too."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from tests.integration.serve import OVERSIGHT, _env

ESCALATE = {
    "review_id": "rev_0000000000000000000000000000beef",
    "kind": "action",
    "verdict": "escalate",
    "critique": "needs a human",
    "findings": [],
    "escalation_id": "esc_0000000000000000000000000000beef",
    "escalation": {"id": "esc_0000000000000000000000000000beef", "status": "pending"},
}


@contextmanager
def stand_in(mode: str, answer: dict[str, Any] = ESCALATE) -> Iterator[str]:
    """``escalate``: a review is answered ``answer`` (escalate) at once; the poll of a held call (GET) and its
    withdrawal never (as a single-threaded stand-in stuck in the first hanging request). ``drip``: every answer comes a
    byte every 0.3 s. ``answer``: every POST is answered ``answer`` at once. The service's URL."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, body: bytes, drip: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            try:
                for i in range(len(body)) if drip else ():
                    if stop.wait(0.3):
                        return
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                if not drip:
                    self.wfile.write(body)
            except OSError:  # the hook gave up and went away
                return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if mode == "escalate" and self.path != "/v1/actions/reviews":
                stop.wait(60)  # the withdrawal of the held call hangs too
                return
            self._answer(orjson.dumps(answer), drip=mode == "drip")

        def do_GET(self) -> None:
            if mode == "escalate":
                stop.wait(60)  # hangs
                return
            self._answer(orjson.dumps(ESCALATE), drip=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def _hook(agent: str, payload: dict[str, Any], *args: str) -> tuple[subprocess.CompletedProcess[bytes], float]:
    started = time.monotonic()
    result = subprocess.run(
        [str(OVERSIGHT), "hook", agent, *args], input=orjson.dumps(payload), capture_output=True, env=_env(), timeout=60
    )
    return result, time.monotonic() - started


def _claude_permission_request() -> dict[str, Any]:
    return {
        "session_id": "5d0c9a3e-7f21-4c55-9e0b-2b1f3a9d8c10",
        "transcript_path": "/home/dev/.claude/projects/-home-dev-shop/missing.jsonl",
        "cwd": "/home/dev/shop",
        "permission_mode": "default",
        "hook_event_name": "PermissionRequest",
        "tool_name": "Bash",
        "tool_input": {"command": "terraform apply -auto-approve", "description": "Apply infra"},
    }


def _codex(event: str, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": "019a7c2e-5b1d-7e40-a3c2-6f0d8e91b4aa",
        "transcript_path": None,
        "cwd": "/home/dev/shop",
        "hook_event_name": event,
        "model": "gpt-5.5-codex",
        "permission_mode": "default",
        "turn_id": "turn_7",
        **extra,
    }


def _permission_decision(result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    specific = orjson.loads(result.stdout)["hookSpecificOutput"]
    assert specific["hookEventName"] == "PermissionRequest" and "permissionDecision" not in specific
    decision: dict[str, Any] = specific["decision"]
    return decision


def test_claude_code_permission_request_deadline_is_a_deny_decision_object() -> None:
    # The QA repro: the review escalates, the held call's poll hangs, the watchdog answers at --timeout + --hold.
    with stand_in("escalate") as url:
        result, took = _hook("claude-code", _claude_permission_request(), "--url", url, "--hold", "2", "--timeout", "1.5")
    decision = _permission_decision(result)  # before: the PreToolUse shape (exit 2), which PermissionRequest ignores
    assert decision["behavior"] == "deny" and "no decision within 3.5 s" in decision["message"]
    assert took < 10
    with stand_in("escalate") as url:
        asked, _ = _hook(
            "claude-code", _claude_permission_request(), "--url", url, "--hold", "1", "--timeout", "1", "--on-error", "ask"
        )
    assert asked.returncode == 0 and asked.stdout.strip() == b""  # no decision: Claude Code's own dialog


def test_claude_code_pre_tool_use_deadline_is_still_a_pre_tool_use_deny() -> None:
    payload = {**_claude_permission_request(), "hook_event_name": "PreToolUse", "tool_use_id": "toolu_1"}
    with stand_in("escalate") as url:
        result, _ = _hook("claude-code", payload, "--url", url, "--hold", "1", "--timeout", "1")
    assert result.returncode == 2
    assert orjson.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_codex_permission_request_deadline_is_a_deny_decision_object() -> None:
    payload = _codex(
        "PermissionRequest",
        tool_name="Bash",
        tool_input={"command": "ls"},
        approval_context={"sandbox_permissions": "use_default"},
    )
    with stand_in("drip") as url:
        result, took = _hook("codex", payload, "--url", url, "--timeout", "1.5")
    decision = _permission_decision(result)  # before: exit 2 and nothing on stdout
    assert decision["behavior"] == "deny" and "no decision within 1.5 s" in decision["message"]
    assert took < 10
    with stand_in("drip") as url:
        asked, _ = _hook("codex", payload, "--url", url, "--timeout", "1", "--on-error", "ask")
    assert asked.returncode == 0 and asked.stdout.strip() == b""


def test_codex_pre_tool_use_deadline_still_blocks() -> None:
    payload = _codex("PreToolUse", tool_name="Bash", tool_use_id="call_1", tool_input={"command": "ls"})
    with stand_in("drip") as url:
        result, _ = _hook("codex", payload, "--url", url, "--timeout", "1")
    assert result.returncode == 2 and b"no decision within 1 s" in result.stderr


def test_codex_stop_deadline_answers_json_and_exit_0() -> None:
    with stand_in("drip") as url:
        result, took = _hook("codex", _codex("Stop", stop_hook_active=False), "--url", url, "--timeout", "1")
    assert result.returncode == 0 and orjson.loads(result.stdout) == {} and result.stderr == b""
    assert took < 10


def test_an_unknown_verdict_is_a_failure_also_for_a_codex_permission_request() -> None:
    # A service (or a proxy in front of it) answering a verdict no hook knows: Codex's PermissionRequest gave no
    # decision (Codex asked its user), where the Claude Code hook and Codex's PreToolUse deny the same answer.
    permission = _codex(
        "PermissionRequest",
        tool_name="Bash",
        tool_input={"command": "ls"},
        approval_context={"sandbox_permissions": "use_default"},
    )
    pre = _codex("PreToolUse", tool_name="Bash", tool_use_id="call_1", tool_input={"command": "ls"})
    for verdict in ("maybe", ["block"]):
        with stand_in("answer", {"verdict": verdict, "review_id": "rev_gw", "findings": []}) as url:
            denied, _ = _hook("codex", permission, "--url", url)
            asked, _ = _hook("codex", permission, "--url", url, "--on-error", "ask")
            blocked, _ = _hook("codex", pre, "--url", url)
            claude, _ = _hook("claude-code", _claude_permission_request(), "--url", url)
        decision = _permission_decision(denied)
        assert decision["behavior"] == "deny", verdict
        assert "could not review this action (the service answered an unknown verdict" in decision["message"]
        assert asked.returncode == 0 and asked.stdout.strip() == b""  # --on-error ask: Codex asks its user
        assert blocked.returncode == 2 and b"unknown verdict" in blocked.stderr
        assert _permission_decision(claude)["behavior"] == "deny"
