"""SIGTERM with a review still running past the shutdown grace: the caller is told to retry, in the one error
shape, and the retry after a restart is reviewed once.

A real ``oversight serve`` process, its reviewer the fake Anthropic server answering slowly.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply
from tests.reliability.harness import ServerProcess

pytestmark = [pytest.mark.slow]

BODY = {
    "id": "term-1",
    "domain": "health",
    "messages": [{"role": "user", "content": "Is 1000 mg of acetaminophen at once ok for an adult?"}],
    "output": "Yes, 1000 mg at once is within the label for most adults; do not exceed 3000 mg a day.",
    "timeout_ms": 30000,
}


def test_a_review_cut_off_by_shutdown_gets_a_json_503_and_its_retry_is_reviewed_once(
    tmp_path: Path, model_server: FakeModelServer  # noqa: F811
) -> None:
    env = {
        "OVERSIGHT_REVIEWER": "anthropic:claude-test",
        "ANTHROPIC_API_KEY": "test",
        "ANTHROPIC_BASE_URL": model_server.anthropic_base_url,
        "OVERSIGHT_SHUTDOWN_GRACE_S": "1",
    }
    server = ServerProcess(tmp_path / "data", env)
    server.start()
    model_server.script(Reply.slow(10))
    answer: dict[str, Any] = {}

    def post() -> None:
        try:
            r = httpx.post(f"{server.url}/v1/reviews", json=BODY, timeout=30)
            answer.update(status=r.status_code, headers=dict(r.headers), text=r.text)
        except httpx.HTTPError as exc:
            answer["error"] = repr(exc)

    sender = threading.Thread(target=post)
    sender.start()
    try:
        deadline = time.monotonic() + 15
        while not model_server.requests and time.monotonic() < deadline:  # the review is at the reviewer
            time.sleep(0.05)
        assert model_server.requests, "the review never reached the reviewer"
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        sender.join(timeout=25)
        server.proc.wait(timeout=25)
    finally:
        server.kill()
    # before: uvicorn's text/plain "Internal Server Error" (500, "a bug": clients do not retry it)
    assert answer.get("status") == 503, answer
    assert answer["headers"]["content-type"] == "application/json"
    assert answer["headers"]["retry-after"] == "5"
    assert '"code":"service_unavailable"' in answer["text"].replace(" ", "")

    model_server.reset()
    server.start()
    try:
        retried = httpx.post(f"{server.url}/v1/reviews", json=BODY, timeout=30)
        again = httpx.post(f"{server.url}/v1/reviews", json=BODY, timeout=30)
    finally:
        server.stop()
    assert retried.status_code == 200, retried.text
    assert again.json()["review_id"] == retried.json()["review_id"]
    assert len(model_server.requests) == 1  # nothing was stored before the cut: the retry is the one review
