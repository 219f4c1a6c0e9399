"""A reviewer answer that cannot be costed is counted and logged, not silently left out of the cost.

The real service talks to the fake vendor server through the official OpenAI SDK; the answers are read back
from ``/metrics`` as Prometheus scrapes them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

BODY = {
    "domain": "health",
    "messages": [{"role": "user", "content": "How much ibuprofen can an adult take in a day?"}],
    "output": "Follow the dose on the package and ask a pharmacist if unsure.",
}


def _value(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and labels.items() <= sample.labels.items():
                return float(sample.value)
    return 0.0


def _client(tmp_path: Path, server: FakeModelServer, prices: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("OVERSIGHT_MODEL_PRICES", prices)
    settings = Settings(
        data_dir=tmp_path / "data",
        reviewer="openai:gpt-test",
        openai_api_key="test-key",
        openai_base_url=server.openai_base_url,
        reviewer_max_attempts=1,
    )
    return TestClient(create_app(settings))


def test_an_answer_without_usage_is_counted_as_uncosted_and_logged_once(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A team moved its reviewer behind a gateway that drops `usage`: the cost panel fell to zero with no word.
    reviewer = {"reviewer": "openai:gpt-test"}
    with _client(tmp_path, model_server, '{"gpt-test": [2.0, 8.0, 0.5, 0.0]}', monkeypatch) as client:
        model_server.script(Reply.ok(), Reply.ok().without_usage(), Reply.ok().without_usage())
        with caplog.at_level(logging.WARNING, logger="oversight.metrics"):
            for n in range(3):
                assert client.post("/v1/reviews", json={**BODY, "id": f"u-{n}"}).json()["verdict"] == "approve"
        text = client.get("/metrics").text
    assert _value(text, "oversight_reviewer_cost_usd_total", **reviewer) > 0  # the first answer, costed
    assert _value(text, "oversight_reviewer_uncosted_calls_total", **reviewer, why="no_usage") == 2
    assert _value(text, "oversight_reviewer_uncosted_calls_total", **reviewer, why="no_price") == 0
    warnings = [r.getMessage() for r in caplog.records if "uncosted" in r.getMessage()]
    assert len(warnings) == 1 and "openai:gpt-test answered without usage counts" in warnings[0]


def test_a_model_with_no_price_is_counted_as_uncosted_but_its_tokens_are_kept(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reviewer = {"reviewer": "openai:gpt-test"}
    with _client(tmp_path, model_server, "{}", monkeypatch) as client:
        model_server.script(Reply.ok(), Reply.error(503, "overloaded"))
        assert client.post("/v1/reviews", json={**BODY, "id": "p-1"}).json()["verdict"] == "approve"
        # a failed call is not an uncosted answer: nothing was answered
        assert client.post("/v1/reviews", json={**BODY, "id": "p-2"}).json()["verdict"] == "escalate"
        text = client.get("/metrics").text
    assert _value(text, "oversight_reviewer_uncosted_calls_total", **reviewer, why="no_price") == 1
    assert _value(text, "oversight_reviewer_uncosted_calls_total", **reviewer, why="no_usage") == 0
    assert _value(text, "oversight_reviewer_tokens_total", **reviewer, type="output") == 42
    assert _value(text, "oversight_reviewer_cost_usd_total", **reviewer) == 0
