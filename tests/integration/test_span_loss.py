"""Spans lost on the way to the collector are counted on /metrics (``oversight_spans_dropped_total``).

With the collector slow or down, the batch processor's queue fills and the SDK drops spans silently; on-call must be
able to tell a quiet trace view from a lossy one. The service's own OTLP/HTTP exporter (built from the ``OTEL_*``
variables, as in production) sends to a receiver on loopback that holds its first request until the test lets it
go: while it holds, the processor cannot empty its queue (``OTEL_BSP_MAX_QUEUE_SIZE`` 2), so of the next five spans
exactly three are dropped. A receiver that answers 400 makes the exporter give up on a batch (``export_failed``).
Nothing sleeps: the test waits on events the receiver sets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from service import telemetry
from service.main import create_app
from service.settings import Settings


class HoldingReceiver:
    """An OTLP/HTTP endpoint that answers ``status``; with ``hold`` set, the first request waits for ``release``."""

    def __init__(self, status: int = 200, hold: bool = False) -> None:
        self.arrived, self.release = threading.Event(), threading.Event()
        self.requests = 0
        if not hold:
            self.release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.requests += 1
                receiver.arrived.set()
                receiver.release.wait(60)
                self.send_response(status)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as c:
        yield c


def dropped(client: TestClient) -> dict[str, float]:
    counts = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("oversight_spans_dropped_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels.split('reason="', 1)[1].split('"', 1)[0]] = float(value)
    return counts


def attach(monkeypatch: pytest.MonkeyPatch, url: str, queue: int, batch: int) -> BatchSpanProcessor:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "60")
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", str(queue))
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", str(batch))
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "600000")  # exports start when a batch is full, or on flush
    telemetry.setup_tracing()
    return telemetry.add_span_exporter(telemetry.build_otlp_span_exporter())


def end_spans(n: int) -> None:
    tracer = trace.get_tracer("tests.span_loss")
    for i in range(n):
        tracer.start_span(f"span {i}").end()


def test_spans_a_full_export_queue_drops_are_counted_on_metrics(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = HoldingReceiver(hold=True)
    processor = attach(monkeypatch, receiver.url, queue=2, batch=1)
    try:
        assert dropped(client) == {}  # nothing lost yet: the family is there, without samples
        end_spans(1)  # the processor takes it and is stuck exporting it to the slow collector
        assert receiver.arrived.wait(60)
        end_spans(5)  # two fit in the queue; three are dropped
        assert dropped(client) == {"queue_full": 3.0}
        receiver.release.set()
        assert processor.force_flush()
        assert receiver.requests == 3  # the one in flight and the two queued reached the collector; no more
        assert dropped(client) == {"queue_full": 3.0}
    finally:
        telemetry.remove_span_processor(processor)
        receiver.close()


def test_spans_the_collector_refuses_are_counted_as_export_failed(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = HoldingReceiver(status=400)  # not retried: the exporter gives up on the batch
    processor = attach(monkeypatch, receiver.url, queue=64, batch=64)
    try:
        end_spans(4)
        assert processor.force_flush()
        assert receiver.requests == 1
        assert dropped(client) == {"export_failed": 4.0}
    finally:
        telemetry.remove_span_processor(processor)
        receiver.close()
