"""A reviewer call refused by the vendor's open circuit makes no GenAI ``chat`` span: no request was sent, and a
``chat`` span with 0 attempts would read as a (very fast) vendor call in Jaeger's latency view. The review's
``oversight.node.review`` span says instead that the reviewer was skipped, and why; the decision is unchanged (a
high-risk domain still escalates, never approves).

The real app, the official Anthropic SDK against the fake vendor, and the service's own OTLP/HTTP exporter to a
receiver on loopback. The circuit's cool-down never passes: the breakers' clock is the test's and does not move.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from service.main import create_app
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply
from tests.integration.test_tracing import _value, attrs, otlp_http, receiver  # noqa: F401

HEALTH = {
    "domain": "health",
    "messages": [{"role": "user", "content": "How much ibuprofen can I take for a headache?"}],
    "output": "Take 200-400 mg every 4-6 hours, at most 1200 mg a day.",
}


def _settings(tmp_path: Path, model_server: FakeModelServer, **extra: Any) -> Settings:  # noqa: F811
    """The app on the Anthropic SDK against the fake vendor, one attempt per call."""
    return Settings(
        data_dir=tmp_path / "data",
        reviewer="anthropic:claude-test",
        anthropic_api_key="test-key",
        anthropic_base_url=model_server.anthropic_base_url,
        reviewer_max_attempts=1,
        **extra,
    )


@pytest.fixture
def client(tmp_path: Path, model_server: FakeModelServer, otlp_http: Any) -> Iterator[TestClient]:  # noqa: F811
    settings = _settings(tmp_path, model_server, reviewer_circuit_failures=2, reviewer_circuit_open_s=30)
    with TestClient(create_app(settings)) as c:
        c.app.state.runtime.reviewers.bulkheads.clock = lambda: 1000.0  # type: ignore[attr-defined]
        yield c


def spans(otlp: Any, trace_id: str) -> list[Span]:
    collector, processor = otlp
    assert processor.force_flush()
    found: list[Span] = collector.trace(trace_id)
    return found


def test_a_circuit_open_refusal_is_an_event_on_the_review_span_not_a_chat_span(
    client: TestClient,
    model_server: FakeModelServer,  # noqa: F811
    otlp_http: Any,  # noqa: F811
) -> None:
    model_server.script(*[Reply.server_error(500) for _ in range(5)])
    for _ in range(2):  # two outage failures open the circuit; each was a real call, with its chat span
        decision = client.post("/v1/reviews", json=HEALTH).json()
        assert decision["reviewer_outcome"]["error"] == "reviewer_unavailable", decision
        chats = [s for s in spans(otlp_http, decision["trace_id"]) if s.name.startswith("chat ")]
        assert len(chats) == 1 and attrs(chats[0])["oversight.reviewer.attempts"] == 1

    decision = client.post("/v1/reviews", json=HEALTH).json()
    # The decision path is as before: no call, the health domain fails closed.
    assert decision["verdict"] == "escalate" and decision["output"] is None
    assert decision["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert decision["reviewer_outcome"]["attempts"] == 0
    assert len(model_server.requests) == 2

    found = spans(otlp_http, decision["trace_id"])
    assert [s.name for s in found if s.name.startswith("chat ") or s.kind == Span.SPAN_KIND_CLIENT] == []
    (node,) = [s for s in found if s.name == "oversight.node.review"]
    skipped = [e for e in node.events if e.name == "oversight.reviewer.skipped"]
    assert len(skipped) == 1
    assert {kv.key: _value(kv.value) for kv in skipped[0].attributes} == {
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-test",
        "error.type": "reviewer_circuit_open",
    }
    (root,) = [s for s in found if s.name == "oversight.review"]
    assert attrs(root)["oversight.reviewer.outcome"] == "error"
    assert attrs(root)["oversight.verdict"] == "escalate"


def test_a_reviewer_busy_refusal_is_an_event_on_the_review_span_not_a_chat_span(
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
    otlp_http: Any,  # noqa: F811
) -> None:
    # Every in-flight slot of the reviewer taken (reviewer_max_in_flight): the call is refused at once with no
    # request, as an open circuit refuses it, and it gets no chat span either.
    with TestClient(create_app(_settings(tmp_path, model_server, reviewer_max_in_flight=1))) as client:
        model_server.script(Reply.ok())
        first = client.post("/v1/reviews", json=HEALTH).json()  # a real call: its chat span
        assert [s.name for s in spans(otlp_http, first["trace_id"]) if s.name.startswith("chat ")] == ["chat claude-test"]
        bulkheads = client.app.state.runtime.reviewers.bulkheads  # type: ignore[attr-defined]
        (slot,) = [g.bulkhead for (domain, role), g in bulkheads._guards.items() if role == "primary"]
        assert slot.try_acquire()  # another review holds the one slot
        decision = client.post("/v1/reviews", json=HEALTH).json()
        slot.release()

    assert decision["verdict"] == "escalate" and decision["reviewer_outcome"]["error"] == "reviewer_busy"
    assert len(model_server.requests) == 1
    found = spans(otlp_http, decision["trace_id"])
    assert [s.name for s in found if s.name.startswith("chat ") or s.kind == Span.SPAN_KIND_CLIENT] == []
    (node,) = [s for s in found if s.name == "oversight.node.review"]
    (skipped,) = [e for e in node.events if e.name == "oversight.reviewer.skipped"]
    assert {kv.key: _value(kv.value) for kv in skipped.attributes}["error.type"] == "reviewer_busy"
