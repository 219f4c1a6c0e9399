"""The last OTLP metrics push at shutdown is bounded: to a collector that is down, the real exporter's retries
held the process 6-8 s past SIGTERM, on top of the shutdown grace (Kubernetes kills the pod at 30 s)."""

from __future__ import annotations

import logging
import socket
import threading

import pytest
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

from service.api.observability import final_metrics_push
from service.telemetry import setup_metrics


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_push_to_a_collector_that_is_down_is_abandoned(caplog: pytest.LogCaptureFixture) -> None:
    exporter = OTLPMetricExporter(endpoint=f"http://127.0.0.1:{closed_port()}/v1/metrics")
    provider = setup_metrics(exporter=exporter)
    assert provider is not None
    provider.get_meter("test").create_counter("oversight.test").add(1)
    caplog.set_level(logging.WARNING, logger="oversight.telemetry")
    finished = await final_metrics_push(provider, limit_s=0.5)
    assert not finished  # still retrying: not waited for
    assert "did not finish within" in caplog.text
    pushing = [t for t in threading.enumerate() if t.name == "otlp-metrics-final-push"]
    assert pushing and all(t.daemon for t in pushing)  # it cannot hold the process at exit


async def test_a_push_that_finishes_is_waited_for() -> None:
    class Quick:
        def __init__(self) -> None:
            self.done = False

        def shutdown(self) -> None:
            self.done = True

    provider = Quick()
    assert await final_metrics_push(provider, limit_s=5.0) and provider.done
