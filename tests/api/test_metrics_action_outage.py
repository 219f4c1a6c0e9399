"""Agent actions through a reviewer outage: the drift signal does not move, the failures stay visible.

The real service reviews shell commands (``POST /v1/actions/reviews`` and the Claude Code hook) with a model reviewer
behind the fake vendor server, through the official OpenAI SDK. Before, an action whose reviewer failed was counted
on ``/metrics`` with ``response_class="none"``: in the denominator of ``oversight:disagreement_ratio:rate1h`` with no
disagreement (the ratio dipped). And a dangerous command blocked by its finding while the reviewer failed (reason
``blocking_finding``) was counted as judged, a disagreement, on ``/metrics`` and in ``GET /v1/drift``: during an
outage those blocks were all that was left of a series (the ratio rose).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import hook_payload
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

SAFE = ("ls -la", "git status", "pytest -q", "git diff", "cat README.md")
DANGEROUS = "rm -rf ~"
ROUTES = {"actions": "coder@1", "claude-code-hook": "claude-code@unknown"}
"""The route an action is sent through, and the fast_model label its decisions are counted under."""


def _settings(tmp_path: Path, server: FakeModelServer) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        reviewer="openai:gpt-test",
        openai_api_key="test-key",
        openai_base_url=server.openai_base_url,
        reviewer_max_attempts=1,
    )


def _send(client: TestClient, route: str, command: str, n: int) -> None:
    if route == "actions":
        response = client.post(
            "/v1/actions/reviews",
            json={
                "id": f"act-{n}",
                "action": {"tool": "shell", "input": {"command": command}},
                "agent": {"name": "coder", "version": "1"},
            },
        )
        assert response.status_code == 200, response.text
    else:
        response = client.post("/v1/hooks/claude-code/pre-tool-use", json=hook_payload("Bash", {"command": command}))
        assert response.status_code == 200, response.text


def _scrape(text: str, fast_model: str) -> dict[str, Any]:
    """What the recording rule and the reviewer error panels read, for tool_use and one fast model."""
    out: dict[str, Any] = {"reviews": defaultdict(float), "disagreements": 0.0, "errors": 0.0}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.labels.get("domain") != "tool_use":
                continue
            if s.name == "oversight_reviews_total" and s.labels["fast_model"] == fast_model:
                out["reviews"][s.labels["response_class"]] += s.value
            elif s.name == "oversight_disagreements_total" and s.labels["fast_model"] == fast_model:
                out["disagreements"] += s.value
            elif s.name == "oversight_reviewer_errors_total":
                out["errors"] += s.value
    return out


def _ratio(scraped: dict[str, Any]) -> float:
    """``oversight:disagreement_ratio:rate1h`` over the counters so far: disagreements over the decisions counted
    with a response class other than ``unknown``."""
    judged = sum(v for k, v in scraped["reviews"].items() if k != "unknown")
    return float(scraped["disagreements"]) / judged


def _drift(client: TestClient, fast_model: str) -> tuple[int, int]:
    body = client.get("/v1/drift", params={"domain": "tool_use", "fast_model": fast_model}).json()
    (series,) = [s for s in body["series"] if s["fast_model"] == fast_model]
    metric = series["metrics"]["disagreement"]
    return metric["count"], metric["n"]


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_reviewer_outage_on_agent_actions_moves_neither_the_disagreement_ratio_nor_drift(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
    route: str,
) -> None:
    fast_model = ROUTES[route]
    with TestClient(create_app(_settings(tmp_path, model_server))) as client:
        # Before: the reviewer answers. Three safe commands approved, a dangerous one blocked: 1 disagreement in 4.
        for n, command in enumerate(SAFE[:3]):
            _send(client, route, command, n)
        _send(client, route, DANGEROUS, 3)
        before = _scrape(client.get("/metrics").text, fast_model)
        assert (before["disagreements"], dict(before["reviews"])) == (1, {"none": 4})
        assert _drift(client, fast_model) == (1, 4)

        # The vendor's outage: every call answers 503. The safe commands are escalated by on_reviewer_error, the
        # dangerous one blocked by its finding; no reviewer judged any of them.
        model_server.script(*[Reply.error(503, "overloaded")] * 6)
        for n, command in enumerate(SAFE):
            _send(client, route, command, 10 + n)
        _send(client, route, DANGEROUS, 20)
        during = _scrape(client.get("/metrics").text, fast_model)
        drift = _drift(client, fast_model)

    # The drift signal holds still: neither the escalations (a dip, in the denominator only) nor the block (a rise,
    # in both sides) of the outage are counted in it.
    assert _ratio(during) == _ratio(before) == 0.25
    assert during["disagreements"] == 1
    assert drift == (1, 4)
    # The failed reviews are still counted, apart: six decisions no reviewer judged, six reviewer errors.
    assert dict(during["reviews"]) == {"none": 4, "unknown": 6}
    assert during["errors"] - before["errors"] == 6


def test_a_restarted_process_refills_drift_without_the_outage(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    """The refill at start-up (stored decisions of the last two windows) leaves the outage out too."""
    settings = _settings(tmp_path, model_server)
    with TestClient(create_app(settings)) as client:
        for n, command in enumerate(SAFE[:3]):
            _send(client, "actions", command, n)
        _send(client, "actions", DANGEROUS, 3)
        model_server.script(*[Reply.error(503, "overloaded")] * 4)
        for n, command in enumerate(SAFE[:2]):
            _send(client, "actions", command, 10 + n)
        _send(client, "actions", DANGEROUS, 20)
        _send(client, "actions", DANGEROUS, 21)
    with TestClient(create_app(settings)) as client:
        body = client.get("/v1/drift", params={"domain": "tool_use"}).json()
        assert body["process"]["refilled"] == 8
        assert _drift(client, "coder@1") == (1, 4)
        assert body["process"]["feed"]["not_judged"] == 4
