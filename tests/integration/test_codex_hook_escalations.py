"""What becomes of the Codex hook's escalations: a real ``oversight serve`` on loopback and the real ``oversight hook
codex`` console script. Codex has no "ask" for ``PreToolUse``, so an escalation nobody holds (no ``--hold``) is
withdrawn at once: recorded as blocked, never left pending for a reviewer to approve a call that did not run. Each
review carries an idempotency id from the call id and a digest of the call, so a retried hook is one review. A
``PermissionRequest`` escalation is left to Codex's user (``asks_user``), and the ``Stop`` hook closes what is still
pending of the session when the turn ends; a ``Stop`` hook always answers ``{}`` and exits 0."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

import orjson
import pytest

from tests.integration.serve import (
    OVERSIGHT,
    _env,
    _free_port,
    at_cwd,
    find_escalation,
    hung_service,
    resolve_escalation,
    run_hook,
    serving,
)

CREDENTIALS = "cat /home/dev/.aws/credentials"  # escalates (a credential read)


def _call(command: str, cwd: str, session: str | None = None, **extra: Any) -> dict[str, Any]:
    """A ``PreToolUse`` of a ``Bash`` call as Codex sends it."""
    return {
        "session_id": session or f"sess-{uuid.uuid4().hex}",
        "transcript_path": None,
        "cwd": cwd,
        "hook_event_name": "PreToolUse",
        "model": "gpt-5.5-codex",
        "permission_mode": "default",
        "turn_id": "turn_7",
        "tool_name": "Bash",
        "tool_use_id": f"call_{uuid.uuid4().hex[:12]}",
        "tool_input": {"command": command},
        **extra,
    }


def _permission(command: str, cwd: str, session: str) -> dict[str, Any]:
    payload = _call(command, cwd, session, hook_event_name="PermissionRequest")
    del payload["tool_use_id"]  # a PermissionRequest carries none
    payload["approval_context"] = {"sandbox_permissions": "use_default"}
    return payload


def _stop(session: str, event: str = "Stop", **extra: Any) -> dict[str, Any]:
    return {
        "session_id": session,
        "transcript_path": None,
        "cwd": "/home/dev/shop",
        "hook_event_name": event,
        "model": "gpt-5.5-codex",
        "permission_mode": "default",
        "turn_id": "turn_7",
        "stop_hook_active": False,
        "last_assistant_message": "I did not read the credentials.",
        **extra,
    }


def _hook(payload: dict[str, Any], *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return run_hook("codex", payload, *args, **env)


_at = at_cwd


def _review_id(result: subprocess.CompletedProcess[bytes]) -> str:
    found = re.search(rb"\[review (rev_[0-9a-f]+)\]", result.stderr + result.stdout)
    assert found is not None, result
    return found.group(1).decode()


def _decision(service: str, review_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{service}/v1/actions/reviews/{review_id}", timeout=10) as r:
        decision: dict[str, Any] = orjson.loads(r.read())
        return decision


# --- PreToolUse without --hold ----------------------------------------------------------------------------------
def test_an_escalated_call_without_hold_is_withdrawn_at_once(service: str) -> None:
    # Before: the hook blocked the call (exit 2) but its escalation stayed pending for its time limit, where a
    # reviewer could "approve" a call that never ran.
    result = _hook(_call(CREDENTIALS, "/home/dev/cx_nohold_1"), OVERSIGHT_URL=service)
    assert result.returncode == 2 and b"A human must approve this action; it was not run." in result.stderr
    assert find_escalation(service, _at("/home/dev/cx_nohold_1"), tries=1) is None
    closed = find_escalation(service, _at("/home/dev/cx_nohold_1"), status="expired", tries=1)
    assert closed is not None and closed["verdict"] == "block"  # kept as a record: blocked, the call did not run
    assert "no --hold" in closed["resolution"]["note"] and "did not run" in closed["resolution"]["note"]


def test_a_retried_hook_is_one_review_and_one_inbox_item(service: str) -> None:
    call = _call(CREDENTIALS, "/home/dev/cx_retry_1")
    first, again = _hook(call, OVERSIGHT_URL=service), _hook(call, OVERSIGHT_URL=service)
    assert first.returncode == 2 and again.returncode == 2
    review = _review_id(first)
    assert _review_id(again) == review  # before: a second review and a second inbox item for the same call
    request_id = _decision(service, review)["request_id"]
    assert request_id.startswith("codex:live:call:" + call["tool_use_id"] + ":0:")
    # another call, or the same call id with another input, is a review of its own (never an earlier decision)
    other = _hook({**call, "tool_use_id": "call_other_1"}, OVERSIGHT_URL=service)
    assert _review_id(other) != review
    changed = _hook({**call, "tool_input": {"command": "cat /home/dev/.netrc"}}, OVERSIGHT_URL=service)
    assert changed.returncode == 2 and _review_id(changed) != review


def test_every_file_of_a_patch_gets_its_own_id(service: str) -> None:
    patch = (
        "*** Begin Patch\n*** Add File: .github/workflows/ci.yml\n+on: push\n"
        "*** Update File: .git/hooks/pre-commit\n@@\n-true\n+echo checked\n*** End Patch"
    )
    call = {**_call("", "/home/dev/cx_patch_1"), "tool_name": "apply_patch", "tool_input": {"command": patch}}
    assert _hook(call, OVERSIGHT_URL=service).returncode == 2
    for suffix, index in (("ci.yml", 0), ("pre-commit", 1)):
        wanted = lambda a, s=suffix: a.get("cwd") == "/home/dev/cx_patch_1" and str(a["input"]["path"]).endswith(s)  # noqa: E731
        assert find_escalation(service, wanted, tries=1) is None  # both withdrawn at once
        closed = find_escalation(service, wanted, status="expired", tries=1)
        assert closed is not None
        assert closed["decision"]["request_id"].startswith(f"codex:live:call:{call['tool_use_id']}:{index}:")


@contextmanager
def _front(service: str, second: bytes | int) -> Iterator[str]:
    """Something in front of the service (a gateway, an older proxy) that passes every request on, except the
    second action review: answered ``second`` (a body sent with 200, or an HTTP status). Its URL."""
    reviews = [0]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _pass(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else None
            if method == "POST" and self.path == "/v1/actions/reviews":
                reviews[0] += 1
                if reviews[0] == 2:
                    status, text = (200, second) if isinstance(second, bytes) else (second, b'{"error": "gateway"}')
                    return self._reply(status, text)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            request = urllib.request.Request(service + self.path, data=body, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    self._reply(r.status, r.read())
            except urllib.error.HTTPError as exc:
                self._reply(exc.code, exc.read())

        def do_GET(self) -> None:
            self._pass("GET")

        def do_POST(self) -> None:
            self._pass("POST")

    with serving(Handler) as url:
        yield url


@pytest.mark.parametrize(
    ("second", "why"),
    [(b'{"verdict": "maybe", "review_id": "rev_gw", "findings": []}', b'unknown verdict "maybe"'), (502, b"HTTP 502")],
)
def test_a_patch_whose_other_file_cannot_be_reviewed_withdraws_the_escalated_one(
    service: str, second: bytes | int, why: bytes
) -> None:
    # The first file escalated (an inbox item), the second's review failed: the hook denied the call, but the
    # first file's escalation stayed pending for its time limit, for a reviewer to approve a patch that never ran.
    cwd = f"/home/dev/cx_part_{uuid.uuid4().hex[:8]}"
    patch = "*** Begin Patch\n*** Add File: .github/workflows/ci.yml\n+on: push\n*** Add File: notes/todo.md\n+- tidy\n*** End Patch"
    call = {**_call("", cwd), "tool_name": "apply_patch", "tool_input": {"command": patch}}
    with _front(service, second) as url:
        result = _hook(call, OVERSIGHT_URL=url)
    assert result.returncode == 2 and b"could not review this action" in result.stderr and why in result.stderr
    ci = lambda a: a.get("cwd") == cwd and str(a["input"]["path"]).endswith("ci.yml")  # noqa: E731
    assert find_escalation(service, ci, tries=1) is None
    closed = find_escalation(service, ci, status="expired", tries=1)
    assert closed is not None and closed["verdict"] == "block"
    note = closed["resolution"]["note"]
    assert note.startswith("Another part of the same agent call could not be reviewed (") and note.endswith(
        "so this part was not run."
    )
    assert why.decode() in note


# --- PermissionRequest and Stop ----------------------------------------------------------------------------------
def test_a_permission_request_escalation_asks_the_user_and_closes_when_the_turn_ends(service: str) -> None:
    session, other = f"sess-{uuid.uuid4().hex}", f"sess-{uuid.uuid4().hex}"
    asked = _hook(_permission(CREDENTIALS, "/home/dev/cx_stop_1", session), OVERSIGHT_URL=service)
    assert asked.returncode == 0 and asked.stdout.strip() == b""  # no decision: Codex asks its user
    _hook(_permission(CREDENTIALS, "/home/dev/cx_stop_other", other), OVERSIGHT_URL=service)
    pending = find_escalation(service, _at("/home/dev/cx_stop_1"))
    assert pending is not None and pending["asks_user"] is True
    assert pending["decision"]["request_id"].startswith("codex:live:turn:turn_7:0:")

    result = _hook(_stop(session), OVERSIGHT_URL=service)
    assert result.returncode == 0 and orjson.loads(result.stdout) == {} and result.stderr == b""
    assert find_escalation(service, _at("/home/dev/cx_stop_1"), tries=1) is None
    closed = find_escalation(service, _at("/home/dev/cx_stop_1"), status="expired", tries=1)
    assert closed is not None and closed["verdict"] == "block"
    assert closed["resolution"]["resolved_by"] == "agent-user:codex"
    assert find_escalation(service, _at("/home/dev/cx_stop_other"), tries=1) is not None  # another session's


def test_a_held_call_is_not_closed_by_the_turns_end(service: str) -> None:
    # A call held for a reviewer (--hold) is the reviewer's to answer, whatever the turn does.
    session = f"sess-{uuid.uuid4().hex}"
    held = subprocess.Popen(
        [str(OVERSIGHT), "hook", "codex", "--hold", "30"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(OVERSIGHT_URL=service),
    )
    assert held.stdin is not None
    held.stdin.write(orjson.dumps(_call(CREDENTIALS, "/home/dev/cx_stop_held", session)))
    held.stdin.close()
    try:
        assert find_escalation(service, _at("/home/dev/cx_stop_held")) is not None
        assert orjson.loads(_hook(_stop(session), OVERSIGHT_URL=service).stdout) == {}
        assert find_escalation(service, _at("/home/dev/cx_stop_held"), tries=1) is not None  # still pending
        resolve_escalation(service, _at("/home/dev/cx_stop_held"), "approve", "fine")
        assert held.wait(timeout=30) == 0  # the reviewer's approval lets the held call run
    finally:
        if held.poll() is None:
            held.kill()
        held.wait()
        for pipe in (held.stdout, held.stderr):
            if pipe is not None:
                pipe.close()


def test_a_stop_hook_always_answers_json_and_exit_0() -> None:
    down = f"http://127.0.0.1:{_free_port()}"
    for payload in (_stop("s1"), _stop("s1", "SubagentStop", agent_id="a1"), _stop("")):
        result = _hook(payload, "--timeout", "1", OVERSIGHT_URL=down)
        assert result.returncode == 0 and orjson.loads(result.stdout) == {} and result.stderr == b""
    with hung_service() as (url, _):
        result = _hook(_stop("s1"), "--timeout", "1", OVERSIGHT_URL=url)
        assert result.returncode == 0 and orjson.loads(result.stdout) == {}
    # the model's last message may hold anything (a NUL): still a Stop, answered {}
    result = _hook(_stop("s1", last_assistant_message="a\u0000b"), "--timeout", "1", OVERSIGHT_URL=down)
    assert result.returncode == 0 and orjson.loads(result.stdout) == {}
