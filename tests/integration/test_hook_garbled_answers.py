"""The command hook reads only a whole decision as the service's answer: anything else is a failed review.

A wrong ``--url``, or a proxy that rewrites answers, gave ``allow`` for ``rm -rf ~`` with a bare
``{"verdict": "approve"}``, findings that are not findings, a key given twice, or a 202.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import orjson
import pytest

from tests.integration.serve import OVERSIGHT, _env, serving

WHOLE = {
    "review_id": "rev_gw",
    "verdict": "approve",
    "findings": [],
}
PRE = {
    "session_id": "5d0c9a3e-7f21-4c55-9e0b-2b1f3a9d8c10",
    "cwd": "/home/dev/shop",
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "rm -rf ~"},
    "tool_use_id": "toolu_garbled",
}


@contextmanager
def answering(status: int, body: bytes) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as url:
        yield url


def _hook(url: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(OVERSIGHT), "hook", "claude-code", "--url", url, "--approve", "allow"],  # the hook at its most permissive
        input=orjson.dumps(PRE), capture_output=True, env=_env(), timeout=60,
    )


@pytest.mark.parametrize(
    ("status", "body", "why"),
    [
        (200, b'{"verdict": "approve"}', b"without a review_id"),
        (200, b'{"verdict": "approve", "review_id": "r", "findings": "none"}', b"findings are not a list"),
        (200, b'{"verdict": "approve", "review_id": "r", "findings": [{"rule": "x", "severity": null}]}',
         b"findings are not a list"),
        (200, b'{"verdict": "block", "verdict": "approve", "review_id": "r", "findings": []}', b"a key given twice"),
        (202, orjson.dumps(WHOLE), b"HTTP 202"),
    ],
)
def test_an_answer_that_is_not_a_whole_decision_is_a_failed_review(status: int, body: bytes, why: bytes) -> None:
    with answering(status, body) as url:
        result = _hook(url)
    assert result.returncode == 2 and b"could not review" in result.stderr and why in result.stderr, result


def test_a_whole_approval_still_passes() -> None:
    with answering(200, orjson.dumps(WHOLE)) as url:
        result = _hook(url)
    assert result.returncode == 0
    assert orjson.loads(result.stdout)["hookSpecificOutput"]["permissionDecision"] == "allow"


def test_an_unknown_verdict_is_a_failed_review_that_says_so() -> None:
    # Before: a proxy answering "APPROVE" was denied with the reason "Oversight APPROVE: …", which reads as an
    # approval that was denied anyway; the Codex hook already said what happened.
    with answering(200, orjson.dumps({**WHOLE, "verdict": "APPROVE"})) as url:
        result = _hook(url)
    assert result.returncode == 2
    assert b'could not review this action (the service answered an unknown verdict "APPROVE")' in result.stderr


def test_a_body_over_the_services_limit_is_named_as_such() -> None:
    # A big Write (a lockfile, a fixture) through the command hook said only "HTTP 413 payload_too_large".
    too_big = orjson.dumps({"error": {"code": "payload_too_large", "message": "over the limit"}})
    with answering(413, too_big) as url:
        result = _hook(url)
    assert result.returncode == 2
    assert b"413 payload_too_large: the hook input is over the service's OVERSIGHT_MAX_BODY_BYTES" in result.stderr


def test_a_key_read_from_a_secret_file_with_its_line_break_is_sent_without_it() -> None:
    # Before: "hook error ValueError" (a header may not hold a line break), for every call of a team that mounts
    # its key as a file.
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(self.headers.get("Authorization", ""))
            body = orjson.dumps({**WHOLE, "verdict": "block", "critique": "no"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with serving(Handler) as url:
        result = subprocess.run(
            [str(OVERSIGHT), "hook", "claude-code", "--url", url],
            input=orjson.dumps(PRE), capture_output=True, env=_env(OVERSIGHT_API_KEY="ovs_k_secret\n"), timeout=60,
        )
    assert seen == ["Bearer ovs_k_secret"]
    assert result.returncode == 2 and b"Oversight block: no" in result.stderr
