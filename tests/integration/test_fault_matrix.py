"""Every reviewer fault × every high-risk domain ends in the domain's documented decision — never approve.

The real service (create_app) talks to the fake model server through the official SDKs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.policy.loader import load_policies
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

HIGH_RISK = ["health", "finance", "cyber", "tool_use"]
UNSTORABLE_REWRITE = json.dumps(  # a lone surrogate (sent as a \\u escape) cannot be stored or released
    {"verdict": "rewrite", "critique": "c", "response_class": None, "findings": [], "rewrite": "Take \ud800 two.",
     "confidence": 0.8}
)
FAULTS: dict[str, tuple[list[Reply], str, str]] = {
    # name: (scripted replies, reviewer outcome kind, error code)
    "http_500": ([Reply.server_error(500), Reply.server_error(500)], "error", "reviewer_unavailable"),
    "overloaded_529": ([Reply.overloaded(), Reply.overloaded()], "error", "reviewer_unavailable"),
    "rate_limited_past_deadline": ([Reply.rate_limited(retry_after=60)], "error", "reviewer_unavailable"),
    "slow_past_deadline": ([Reply.slow(3.0)], "error", "reviewer_timeout"),
    "garbage_twice": ([Reply.malformed(), Reply.malformed()], "error", "reviewer_invalid_output"),
    "truncated": ([Reply.truncated()], "abstain", "reviewer_abstained"),
    "refusal": ([Reply.refusal()], "abstain", "reviewer_abstained"),
    "connection_dropped": ([Reply.drop(), Reply.drop()], "error", "reviewer_unavailable"),
    "unauthorized_401": ([Reply.error(401, "invalid x-api-key")], "error", "reviewer_rejected"),
    "html_page_200": ([Reply.text("<html><body>502 Bad Gateway</body></html>")], "error", "reviewer_unavailable"),  # no JSON at all: a gateway, an outage
    "unstorable_rewrite_twice": ([Reply.content(UNSTORABLE_REWRITE)] * 2, "error", "reviewer_invalid_output"),
    # approve and block in one answer ("call exactly once"): never the first one silently
    "two_verdicts_twice": ([Reply.verdicts({"verdict": "approve"}, {"verdict": "block", "critique": "Unsafe."})] * 2,
                           "error", "reviewer_invalid_output"),
    "garbage_then_overloaded": ([Reply.malformed(), Reply.overloaded(), Reply.overloaded()], "error",
                                "reviewer_unavailable"),
    "garbage_then_401": ([Reply.malformed(), Reply.error(401, "invalid x-api-key")], "error", "reviewer_rejected"),
}
BENIGN = "Drink water, rest, and see a professional if it does not improve within a few days."


@pytest.fixture(params=["anthropic", "openai"])
def provider_client(request: pytest.FixtureRequest, tmp_path: Path,
                    model_server: FakeModelServer) -> Iterator[tuple[TestClient, FakeModelServer]]:  # noqa: F811
    common: dict[str, Any] = {"data_dir": tmp_path / "data", "reviewer_max_attempts": 2}
    if request.param == "anthropic":
        settings = Settings(reviewer="anthropic:claude-test", anthropic_api_key="test-key",
                            anthropic_base_url=model_server.anthropic_base_url, **common)
    else:
        settings = Settings(reviewer="openai:gpt-test", openai_api_key="test-key",
                            openai_base_url=model_server.openai_base_url, **common)
    with TestClient(create_app(settings)) as client:
        yield client, model_server


@pytest.mark.parametrize("domain", HIGH_RISK)
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_never_approves(provider_client: tuple[TestClient, FakeModelServer], domain: str, fault: str) -> None:
    client, server = provider_client
    replies, kind, code = FAULTS[fault]
    server.script(*replies)
    body = {"domain": domain, "messages": [{"role": "user", "content": "I feel unwell, what can I do?"}],
            "output": BENIGN, "timeout_ms": 1500}
    decision = client.post("/v1/reviews", json=body).json()
    expected = load_policies()[decision["domain"]].on_reviewer_error.value  # the shipped policies: escalate
    assert decision["verdict"] == expected == "escalate", decision
    assert decision["output"] is None  # fail closed: the unreviewed answer is not released
    assert decision["reviewer_outcome"]["kind"] == kind
    assert decision["reviewer_outcome"]["error"] == code
    assert decision["escalation"]["status"] == "pending"
    # every HTTP call is counted, the repair turn's included, and no more
    assert decision["reviewer_outcome"]["attempts"] == len(server.requests), decision["reviewer_outcome"]


def test_the_same_reviewer_verdict_passes_through(provider_client: tuple[TestClient, FakeModelServer]) -> None:
    client, server = provider_client
    server.script(Reply.ok(verdict="block", critique="Unsafe dosing advice.", confidence=0.95))
    decision = client.post("/v1/reviews", json={"domain": "health", "output": BENIGN}).json()
    assert decision["verdict"] == "block" and decision["critique"] == "Unsafe dosing advice."
    assert decision["reviewer"]["provider"] in ("anthropic", "openai")
    assert decision["prompt_version"]


@pytest.mark.parametrize("mode", ["warn", "refuse"])
def test_a_model_reviewing_itself_is_flagged(tmp_path: Path, model_server: FakeModelServer, mode: str) -> None:  # noqa: F811
    settings = Settings(data_dir=tmp_path / "d", reviewer="anthropic:claude-test", anthropic_api_key="k",
                        anthropic_base_url=model_server.anthropic_base_url, cross_model=mode)
    body = {"domain": "health", "output": BENIGN, "model": {"provider": "anthropic", "name": "claude-test"}}
    with TestClient(create_app(settings)) as client:
        decision = client.post("/v1/reviews", json=body).json()
        other = client.post("/v1/reviews", json={**body, "model": {"provider": "acme", "name": "fast"}}).json()
    assert "same_model_reviewer" in decision["warnings"] and "same_model_reviewer" not in other["warnings"]
    if mode == "warn":
        assert decision["verdict"] == "approve" and decision["reviewer_outcome"]["kind"] == "verdict"
    else:
        assert decision["verdict"] == "escalate" and decision["reviewer_outcome"]["error"] == "same_model_reviewer"


@pytest.mark.parametrize(
    ("fast", "warning"),
    [
        ({"provider": "anthropic", "name": "claude-opus-4-6-20261101"}, "same_model_reviewer"),  # a dated snapshot
        ({"provider": "bedrock", "name": "us.anthropic.claude-opus-4-6-v1:0"}, "same_model_reviewer"),  # a cloud's
        ({"provider": "vertex", "name": "claude-opus-4-6@20261101"}, "same_model_reviewer"),
        ({"name": "claude-opus-4-6"}, "same_model_reviewer"),  # no provider named
        ({"provider": "anthropic", "name": "claude-haiku-4-5"}, "same_vendor_reviewer"),  # a sibling: noted only
        ({"provider": "openai", "name": "gpt-5"}, None),
        ({"provider": "acme", "name": "fast-chat"}, None),
    ],
)
def test_the_reviewer_is_recognised_under_the_fast_models_other_names(
    tmp_path: Path, model_server: FakeModelServer, fast: dict[str, str], warning: str | None  # noqa: F811
) -> None:
    # With OVERSIGHT_CROSS_MODEL=refuse, a model reviewed itself when the caller named it by a dated snapshot or a
    # cloud's name (only an exact provider and name matched), and a sibling of the same vendor went unremarked.
    settings = Settings(data_dir=tmp_path / "d", reviewer="anthropic:claude-opus-4-6", anthropic_api_key="k",
                        anthropic_base_url=model_server.anthropic_base_url, cross_model="refuse")
    with TestClient(create_app(settings)) as client:
        decision = client.post("/v1/reviews", json={"domain": "health", "output": BENIGN, "model": fast}).json()
    flagged = {"same_model_reviewer", "same_vendor_reviewer"} & set(decision["warnings"])
    assert flagged == ({warning} if warning else set()), decision["warnings"]
    if warning == "same_model_reviewer":  # refused: no call to the vendor, a failed review (escalated)
        assert decision["reviewer_outcome"]["error"] == "same_model_reviewer" and model_server.requests == []
        assert decision["verdict"] == "escalate"
    else:  # reviewed as usual
        assert len(model_server.requests) == 1 and decision["reviewer_outcome"]["kind"] == "verdict"
