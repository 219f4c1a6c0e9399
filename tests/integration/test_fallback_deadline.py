"""A domain's fallback reviewer gets time to answer when its primary hangs, and is never blamed for the primary.

Before, a slow primary used the review's whole deadline; the fallback was then "called" with no time left, the
decision named the fallback as the reviewer that timed out (``attempts: 0``), and ``/metrics`` counted a timeout
against a vendor that was never called.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

POLICIES = Path(__file__).resolve().parents[2] / "policies"
BODY = {
    "domain": "health",
    "messages": [{"role": "user", "content": "How much ibuprofen can I take?"}],
    "output": "Take 400 mg every 4 hours, no more than 1,200 mg a day.",
}


@pytest.fixture
def client(tmp_path: Path, model_server: FakeModelServer) -> Iterator[TestClient]:  # noqa: F811
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder)
    path = folder / "health.yaml"
    policy = yaml.safe_load(path.read_text())
    policy.update(reviewer="anthropic:claude-test", fallback_reviewer="openai:gpt-test")
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    settings = Settings(
        data_dir=tmp_path / "data",
        policy_dir=folder,
        anthropic_api_key="test-key",
        anthropic_base_url=model_server.anthropic_base_url,
        openai_api_key="test-key",
        openai_base_url=model_server.openai_base_url,
        reviewer_max_attempts=1,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def _metric(client: TestClient, reviewer: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("oversight_reviewer_errors_total{") and f'reviewer="{reviewer}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_hung_primary_leaves_the_fallback_time_to_answer(
    client: TestClient,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(Reply.slow(30), Reply.ok(verdict="block", critique="Unsafe dose.", confidence=0.95))
    decision: dict[str, Any] = client.post("/v1/reviews", json={**BODY, "timeout_ms": 3000}).json()
    outcome = decision["reviewer_outcome"]
    assert decision["reviewer"] == {"provider": "openai", "model": "gpt-test"}, decision
    assert outcome["kind"] == "verdict" and decision["verdict"] == "block", outcome
    assert outcome["fallback_from"]["provider"] == "anthropic"
    assert outcome["fallback_from"]["error"] == "reviewer_timeout"
    assert [r.api for r in model_server.requests] == ["anthropic", "openai"]
    assert _metric(client, "openai:gpt-test") == 0  # the fallback answered: no error counted against it


def test_when_both_hang_each_failure_is_its_own_and_the_review_escalates(
    client: TestClient,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    # Both hang: the primary gives up at its share of the deadline, the fallback at the deadline; each failure is
    # its own, and the decision escalates (never approve).
    model_server.script(Reply.slow(30), Reply.slow(30))
    decision: dict[str, Any] = client.post("/v1/reviews", json={**BODY, "timeout_ms": 1500}).json()
    assert decision["verdict"] == "escalate" and decision["output"] is None
    outcome = decision["reviewer_outcome"]
    assert outcome["error"] == "reviewer_timeout" and outcome["attempts"] >= 1, outcome
    assert outcome["fallback_from"]["error"] == "reviewer_timeout"
    assert [r.api for r in model_server.requests] == ["anthropic", "openai"]


def test_with_no_time_left_the_fallback_is_not_asked_and_the_primary_is_named(
    client: TestClient,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(Reply.slow(30), Reply.ok())
    decision: dict[str, Any] = client.post("/v1/reviews", json={**BODY, "timeout_ms": 300}).json()
    assert decision["verdict"] == "escalate", decision
    assert decision["reviewer"] == {"provider": "anthropic", "model": "claude-test"}
    assert decision["reviewer_outcome"]["error"] == "reviewer_timeout"
    assert "reviewer_fallback_skipped" in decision["warnings"]
    assert [r.api for r in model_server.requests] == ["anthropic"]
    assert _metric(client, "openai:gpt-test") == 0 and _metric(client, "anthropic:claude-test") == 1
