"""The drift webhook retries over minutes, honours Retry-After, logs the HTTP status and counts its failures.

QA (on-call M3): three attempts in ~1.5 s, then the alert (or its close) was dropped with no metric and no status
in the log; a chat webhook with a two-second hiccup lost the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from service.api.observability import DriftWebhook, retry_after_s

ALERT = {"id": "drift-abc-000001", "state": "open", "series": "health/fast-chat@2", "metric": "disagreement",
         "kind": "cusum", "direction": "up", "baseline": "pinned:fast-chat@1", "baseline_rate": 0.1,
         "current_rate": 0.4, "n": 300}


def _webhook(answers: Iterator[httpx.Response]) -> tuple[DriftWebhook, list[float], list[str], list[httpx.Request]]:
    slept: list[float] = []
    failures: list[str] = []
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return next(answers)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    hook = DriftWebhook("http://receiver.test/hook", client=client, on_failure=failures.append, sleep=sleep,
                        clock=lambda: 1000.0)
    return hook, slept, failures, requests


async def test_a_receiver_down_for_a_while_still_gets_the_alert_and_its_retry_after_is_honoured(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = iter([httpx.Response(500), httpx.Response(503), httpx.Response(429, headers={"retry-after": "7"}),
                    httpx.Response(200)])
    hook, slept, failures, requests = _webhook(answers)
    with caplog.at_level(logging.WARNING, logger="oversight.drift"):
        hook(ALERT)
        await hook.drain()
    assert len(requests) == 4  # before: 3 attempts, then dropped
    assert slept == [1.0, 2.0, 7.0]
    assert failures == ["retried"] * 3
    assert "HTTP 500" in caplog.text and "HTTP 503" in caplog.text and "HTTP 429" in caplog.text


async def test_an_alert_is_dropped_only_after_minutes_of_failures_and_that_is_counted_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hook, slept, failures, requests = _webhook(iter([httpx.Response(500)] * 20))
    with caplog.at_level(logging.WARNING, logger="oversight.drift"):
        hook(ALERT)
        await hook.drain()
    assert len(requests) == hook.attempts == 8
    assert sum(slept) >= 120  # about two minutes of back-off (before: 1.5 s)
    assert failures == ["retried"] * 7 + ["dropped"]
    dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert dropped and "HTTP 500" in dropped[-1].getMessage() and ALERT["id"] in dropped[-1].getMessage()


async def test_a_4xx_is_not_retried_but_is_counted_as_refused() -> None:
    hook, slept, failures, requests = _webhook(iter([httpx.Response(404)]))
    hook(ALERT)
    await hook.drain()
    assert (len(requests), slept, failures) == (1, [], ["refused"])


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    assert retry_after_s("30", now=0.0) == 30.0
    assert retry_after_s("Thu, 01 Jan 1970 00:01:00 GMT", now=0.0) == 60.0
    assert retry_after_s("soon", now=0.0) is None
    assert retry_after_s(None, now=0.0) is None
