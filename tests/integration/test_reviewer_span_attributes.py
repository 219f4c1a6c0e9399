"""The reviewer's GenAI span carries what the conventions ask of an inference span: where the call went
(``server.address``/``server.port``), what was asked (``gen_ai.request.max_tokens``, ``gen_ai.output.type``),
whose conversation it was (``gen_ai.conversation.id``, only when the caller named one), and what the vendor
answered (``gen_ai.response.id``, ``gen_ai.response.finish_reasons``), also when the reviewer abstained.

The real service talks to the fake vendor server through the official SDKs; spans go through the service's own
OTLP/HTTP exporter to a receiver on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from service.main import create_app
from service.reviewers.anthropic import AnthropicReviewer
from service.reviewers.openai import OpenAIReviewer
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply
from tests.integration.test_tracing import attrs, otlp_http, receiver  # noqa: F401

MAX_TOKENS = 777
RESPONSE_ID = {"anthropic": re.compile(r"^msg_[0-9a-f]{24}$"), "openai": re.compile(r"^chatcmpl-[0-9a-f]{24}$")}
DONE = {"anthropic": ["tool_use"], "openai": ["stop"]}
REFUSED = {"anthropic": ["refusal"], "openai": ["stop"]}  # OpenAI says a refusal in message.refusal
TRUNCATED = {"anthropic": ["max_tokens"], "openai": ["length"]}
BODY = {
    "domain": "health",
    "messages": [{"role": "user", "content": "How much ibuprofen can an adult take in a day?"}],
    "output": "Follow the dose on the package and ask a pharmacist if unsure.",
}


@pytest.fixture(params=["anthropic", "openai"])
def vendor(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    model_server: FakeModelServer,  # noqa: F811
    otlp_http: Any,  # noqa: F811
) -> Iterator[tuple[str, TestClient, FakeModelServer, Any]]:
    common: dict[str, Any] = {"data_dir": tmp_path / "data", "reviewer_max_attempts": 1, "reviewer_max_tokens": 777}
    if request.param == "anthropic":
        settings = Settings(
            reviewer="anthropic:claude-test",
            anthropic_api_key="test-key",
            anthropic_base_url=model_server.anthropic_base_url,
            **common,
        )
    else:
        settings = Settings(
            reviewer="openai:gpt-test", openai_api_key="test-key", openai_base_url=model_server.openai_base_url, **common
        )
    with TestClient(create_app(settings)) as client:
        yield request.param, client, model_server, otlp_http


def chat_span(otlp: Any, trace_id: str) -> dict[str, Any]:
    collector, processor = otlp
    assert processor.force_flush()
    (span,) = [s for s in collector.trace(trace_id) if s.name.startswith("chat ")]
    assert span.kind == Span.SPAN_KIND_CLIENT
    return attrs(span)


def test_a_verdict_span_names_the_server_the_request_and_the_vendors_answer(
    vendor: tuple[str, TestClient, FakeModelServer, Any],
) -> None:
    name, client, server, otlp = vendor
    server.script(Reply.ok(verdict="approve", critique="Fine.", confidence=0.9))
    decision = client.post("/v1/reviews", json={**BODY, "context": {"session_id": "sess-2026-12-04-a"}}).json()
    assert decision["verdict"] == "approve", decision
    a = chat_span(otlp, decision["trace_id"])
    assert a["server.address"] == "127.0.0.1"
    assert a["server.port"] == server.port
    assert a["gen_ai.request.max_tokens"] == MAX_TOKENS
    sent = server.requests[-1].body  # the limit on the span is the one the vendor was sent
    assert sent.get("max_tokens", sent.get("max_completion_tokens")) == MAX_TOKENS
    assert a["gen_ai.output.type"] == "json"
    assert a["gen_ai.conversation.id"] == "sess-2026-12-04-a"
    assert RESPONSE_ID[name].match(a["gen_ai.response.id"]), a["gen_ai.response.id"]
    assert a["gen_ai.response.finish_reasons"] == DONE[name]


def test_no_conversation_id_is_invented_when_the_caller_gave_none(
    vendor: tuple[str, TestClient, FakeModelServer, Any],
) -> None:
    _, client, server, otlp = vendor
    server.script(Reply.ok(verdict="approve", critique="Fine.", confidence=0.9))
    decision = client.post("/v1/reviews", json=BODY).json()
    a = chat_span(otlp, decision["trace_id"])
    assert "gen_ai.conversation.id" not in a
    assert a["server.port"] == server.port  # the rest is there


@pytest.mark.parametrize("reply", ["refusal", "truncated"])
def test_an_abstention_keeps_the_vendors_answer_id_and_why_it_ended(
    vendor: tuple[str, TestClient, FakeModelServer, Any], reply: str
) -> None:
    name, client, server, otlp = vendor
    server.script(Reply.refusal() if reply == "refusal" else Reply.truncated())
    decision = client.post("/v1/reviews", json=BODY).json()
    assert decision["verdict"] == "escalate" and decision["reviewer_outcome"]["kind"] == "abstain", decision
    a = chat_span(otlp, decision["trace_id"])
    assert a["error.type"] == "reviewer_abstained"
    assert RESPONSE_ID[name].match(a["gen_ai.response.id"]), a
    assert a["gen_ai.response.finish_reasons"] == (REFUSED if reply == "refusal" else TRUNCATED)[name]


def test_an_outage_has_no_answer_to_describe(vendor: tuple[str, TestClient, FakeModelServer, Any]) -> None:
    _, client, server, otlp = vendor
    server.script(Reply.server_error(500))
    decision = client.post("/v1/reviews", json=BODY).json()
    assert decision["reviewer_outcome"]["error"] == "reviewer_unavailable", decision
    a = chat_span(otlp, decision["trace_id"])
    assert a["error.type"] == "reviewer_unavailable"
    assert "gen_ai.response.id" not in a and "gen_ai.response.finish_reasons" not in a
    assert a["server.address"] == "127.0.0.1"  # known before the call, so there even when it failed


@pytest.mark.parametrize(
    ("reviewer", "address", "port"),
    [
        (lambda: AnthropicReviewer("claude-test", api_key="k", base_url="https://api.anthropic.com"),
         "api.anthropic.com", 443),
        (lambda: OpenAIReviewer("gpt-test", api_key="k", base_url="https://api.openai.com/v1"), "api.openai.com", 443),
        (lambda: OpenAIReviewer("m", api_key="k", base_url="http://vllm.internal/v1", provider="openai-compatible"),
         "vllm.internal", 80),
    ],
)
def test_the_vendors_default_port_is_named_when_the_url_gives_none(reviewer: Any, address: str, port: int) -> None:
    a = reviewer().request_attributes
    assert (a["server.address"], a["server.port"]) == (address, port)
