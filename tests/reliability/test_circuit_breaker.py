"""A circuit breaker per reviewer: a vendor that keeps failing is not called again until a cool-down has passed.

Through the real app, the official Anthropic SDK and the fake vendor (``tests/fakes/model_server.py``). What a
user notices: after N reviews failed on an outage, the next reviews escalate at once with
``reviewer_circuit_open`` and the vendor receives no request; after the cool-down one probe goes through, and a
vendor that has recovered is used again. Answers that are not an outage (a 400, an invalid verdict, a refusal, a
429) never open it. The cool-down runs on a clock the test moves (``Bulkheads.clock``): nothing sleeps, nothing
is timed.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
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
HEALTH = {
    "domain": "health",
    "messages": [{"role": "user", "content": "How much ibuprofen can I take for a headache?"}],
    "output": "Take 200-400 mg every 4-6 hours, at most 1200 mg a day.",
}
FINANCE = {
    "domain": "finance",
    "messages": [{"role": "user", "content": "What is an index fund?"}],
    "output": "A fund that tracks a market index, such as the S&P 500, at low cost.",
}
VENDOR = ("anthropic", "claude-test")


class Clock:
    """The breakers' clock: moved by the test, never by waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


App = Callable[..., TestClient]


@pytest.fixture
def app(tmp_path: Path, model_server: FakeModelServer) -> Iterator[App]:  # noqa: F811
    """``app(failures=..., fallback=...)``: the service with every domain reviewed by the fake Anthropic vendor, one
    HTTP call per review (no retries, so the vendor's request count is the review count)."""
    clients: list[TestClient] = []

    def make(
        *, failures: int = 3, open_s: float = 30.0, fallback: str | None = None, timeout_ms: int | None = None
    ) -> TestClient:
        folder = tmp_path / "policies"
        shutil.copytree(POLICIES, folder, dirs_exist_ok=True)
        path = folder / "health.yaml"
        policy = yaml.safe_load(path.read_text())
        policy["fallback_reviewer"] = fallback
        if timeout_ms is not None:  # the domain's own deadline for a review
            policy["timeout_ms"] = timeout_ms
        path.write_text(yaml.safe_dump(policy, sort_keys=False))
        settings = Settings(
            data_dir=tmp_path / "data",
            policy_dir=folder,
            reviewer="anthropic:claude-test",
            anthropic_api_key="test-key",
            anthropic_base_url=model_server.anthropic_base_url,
            reviewer_max_attempts=1,
            reviewer_circuit_failures=failures,
            reviewer_circuit_open_s=open_s,
        )
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _clock(client: TestClient) -> Clock:
    clock = Clock()
    client.app.state.runtime.reviewers.bulkheads.clock = clock  # type: ignore[attr-defined]
    return clock


def _review(client: TestClient, body: dict[str, Any] = HEALTH, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/reviews", json={**body, **extra})
    assert response.status_code == 200, response.text
    decision: dict[str, Any] = response.json()
    return decision


def _circuit_gauge(client: TestClient) -> float | None:
    provider, model = VENDOR
    for line in client.get("/metrics").text.splitlines():
        name, _, labels = line.partition("{")
        if (
            name == "oversight_reviewer_circuit_open"
            and f'provider="{provider}"' in labels
            and f'model="{model}"' in labels
        ):
            return float(line.rsplit(" ", 1)[1])
    return None


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "oversight.reviewers" and text in r.getMessage()]


def test_a_vendor_returning_500s_is_not_called_once_the_circuit_opens(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="oversight.reviewers")
    model_server.script(*[Reply.server_error(500) for _ in range(20)])  # the vendor is down for good
    client = app(failures=3)
    _clock(client)
    for _ in range(3):
        decision = _review(client)
        assert decision["verdict"] == "escalate" and decision["output"] is None
        assert decision["reviewer_outcome"]["error"] == "reviewer_unavailable"
    assert len(model_server.requests) == 3
    assert _circuit_gauge(client) == 1.0

    # The circuit is open: each review escalates at once (the domain's on_reviewer_error), no HTTP call is made.
    for body in (HEALTH, FINANCE, HEALTH):
        decision = _review(client, body)
        assert decision["verdict"] == "escalate" and decision["output"] is None
        outcome = decision["reviewer_outcome"]
        assert outcome["kind"] == "error" and outcome["error"] == "reviewer_circuit_open", outcome
        assert outcome["attempts"] == 0
    assert len(model_server.requests) == 3  # no further request reached the vendor

    opened = _lines(caplog, "circuit open after 3 consecutive outage failures")
    assert len(opened) == 1 and opened[0].levelno == logging.WARNING
    assert "anthropic:claude-test" in opened[0].getMessage() and "HTTP 500" in opened[0].getMessage()


def test_after_the_cool_down_one_probe_goes_through_and_a_recovered_vendor_is_used_again(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="oversight.reviewers")
    model_server.script(*[Reply.server_error(503) for _ in range(3)])  # then the vendor recovers
    client = app(failures=2, open_s=30)
    clock = _clock(client)
    for _ in range(2):
        assert _review(client)["reviewer_outcome"]["error"] == "reviewer_unavailable"
    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    clock.now += 29  # still cooling down
    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert len(model_server.requests) == 2

    # Cool-down over: one probe reaches the vendor, which is still down; the circuit opens again.
    clock.now += 1
    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_unavailable"
    assert len(model_server.requests) == 3
    assert _review(client, FINANCE)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert len(model_server.requests) == 3
    assert _circuit_gauge(client) == 1.0

    # Next cool-down: the probe is answered, the circuit closes, reviews get the vendor's verdict again.
    clock.now += 30
    for body in (HEALTH, FINANCE, HEALTH):
        decision = _review(client, body)
        assert decision["reviewer_outcome"]["kind"] == "verdict", decision
        assert decision["verdict"] == "approve"
    assert len(model_server.requests) == 6
    assert _circuit_gauge(client) == 0.0

    # Logged once each: the opening (WARNING; the reopening 30 s later is within the rate limit) and the closing.
    opened = _lines(caplog, "circuit open")
    closed = _lines(caplog, "circuit closed")
    assert len(opened) == 1 and opened[0].levelno == logging.WARNING
    assert len(closed) == 1 and closed[0].levelno == logging.INFO
    assert "3 call(s) failed at once" in closed[0].getMessage()


def test_dropped_connections_overloads_and_timeouts_are_outages(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(Reply.drop(), Reply.overloaded(), Reply.slow(30))
    client = app(failures=3, timeout_ms=300)  # the vendor had the domain's whole deadline and did not answer
    _clock(client)
    errors = [_review(client)["reviewer_outcome"]["error"] for _ in range(3)]
    assert errors == ["reviewer_unavailable", "reviewer_unavailable", "reviewer_timeout"]
    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert len(model_server.requests) == 3


def test_a_callers_short_deadline_does_not_open_the_circuit_for_everyone(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    # A product team asks for 300 ms from a vendor that takes longer: its reviews time out, but the vendor is up,
    # and the finance team's reviews (the domain's own 10 s deadline) must still reach it.
    model_server.script(*[Reply.slow(30)] * 4)
    client = app(failures=3)
    _clock(client)
    errors = [_review(client, timeout_ms=300)["reviewer_outcome"]["error"] for _ in range(4)]
    assert errors == ["reviewer_timeout"] * 4
    decision = _review(client, FINANCE)
    assert decision["verdict"] == "approve", decision
    assert len(model_server.requests) == 5  # every review reached the vendor


ANSWERS: dict[str, tuple[Callable[[], list[Reply]], str]] = {
    "http_400": (lambda: [Reply.error(400, "max_tokens: field required")], "reviewer_rejected"),
    "invalid_verdict": (lambda: [Reply.invalid(), Reply.invalid()], "reviewer_invalid_output"),  # answer + repair
    "refusal": (lambda: [Reply.refusal()], "reviewer_abstained"),
    "rate_limited": (lambda: [Reply.rate_limited(retry_after=None)], "reviewer_unavailable"),
}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_an_answer_that_is_not_an_outage_never_opens_it(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
    kind: str,
) -> None:
    replies, code = ANSWERS[kind]
    # The vendor answered between the outages: never two outages in a row, so the circuit stays closed; and the
    # same answer over and over does not open it either.
    outage = Reply.server_error(502)
    model_server.script(outage, *replies(), outage, *replies(), outage, *replies(), *replies())
    client = app(failures=2)
    _clock(client)
    expected = ["reviewer_unavailable", code, "reviewer_unavailable", code, "reviewer_unavailable", code, code]
    assert [_review(client)["reviewer_outcome"]["error"] for _ in expected] == expected
    sent = len(model_server.requests)
    decision = _review(client)
    assert decision["reviewer_outcome"]["kind"] == "verdict" and decision["verdict"] == "approve"
    assert len(model_server.requests) == sent + 1
    assert _circuit_gauge(client) == 0.0


def test_two_domains_sharing_one_vendor_share_the_breaker(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(*[Reply.server_error(500) for _ in range(20)])
    client = app(failures=4)
    _clock(client)
    for body in (HEALTH, FINANCE, HEALTH, FINANCE):  # two failures each: four in a row for the one vendor
        assert _review(client, body)["reviewer_outcome"]["error"] == "reviewer_unavailable"
    for body in (FINANCE, HEALTH):
        assert _review(client, body)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert len(model_server.requests) == 4
    circuits = client.app.state.runtime.reviewers.bulkheads.circuits()  # type: ignore[attr-defined]
    assert circuits == {"anthropic:claude-test": "open"}


def test_with_a_fallback_reviewer_an_open_circuit_goes_to_the_fallback_at_once(
    app: App,
    model_server: FakeModelServer,  # noqa: F811
) -> None:
    model_server.script(*[Reply.server_error(500) for _ in range(20)])
    client = app(failures=2, fallback="local")
    _clock(client)
    for _ in range(2):
        decision = _review(client)
        assert decision["reviewer"]["provider"] == "local"
        assert decision["reviewer_outcome"]["fallback_from"]["error"] == "reviewer_unavailable"
    decision = _review(client)
    outcome = decision["reviewer_outcome"]
    assert decision["reviewer"]["provider"] == "local" and outcome["kind"] == "verdict", decision
    assert outcome["fallback_from"]["provider"] == "anthropic"
    assert outcome["fallback_from"]["error"] == "reviewer_circuit_open"
    assert outcome["fallback_from"]["attempts"] == 0
    assert "reviewer_fallback_used" in decision["warnings"]
    assert len(model_server.requests) == 2
    # finance has no fallback: the same open circuit, and its on_reviewer_error decides
    finance = _review(client, FINANCE)
    assert finance["verdict"] == "escalate" and finance["reviewer_outcome"]["error"] == "reviewer_circuit_open"
    assert len(model_server.requests) == 2
