"""Traces and OTLP metrics, exported for real to an OTLP receiver on loopback (HTTP and gRPC).

The exporter is built from the standard ``OTEL_EXPORTER_OTLP_*`` variables, exactly as the service builds it,
and attached through a batch processor; ``force_flush`` makes the assertions deterministic (no sleeps).
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections.abc import Iterator
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from service import telemetry
from service.main import create_app
from service.reviewers.base import ReviewerResult, ReviewerVerdict, ReviewItem
from service.schemas import Finding
from service.settings import Settings
from service.vocabulary import Severity, Verdict

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
PROMPT = "My child has a fever of 39 C. How much paracetamol can I give?"
SAFE = "Give the dose printed on the package for the child's weight, and call a doctor if the fever lasts."
UNSAFE = "UNSAFE: give two adult tablets every hour until the fever breaks."
ESCALATE = "ESCALATE: it depends, maybe double the usual dose."


# -- a reviewer that flags by marker, with usage like a vendor's ------------------------------------------------
class MarkerReviewer:
    provider = "fakevendor"
    model = "fake-reviewer-1"

    async def review(self, item: ReviewItem) -> ReviewerResult:
        if item.output.startswith("UNSAFE"):
            finding = Finding(rule="health.dosing_unsafe", severity=Severity.high, message="Unsafe dosing advice.")
            verdict = ReviewerVerdict(
                verdict=Verdict.rewrite,
                critique="Unsafe dose.",
                findings=[finding],
                rewrite="Follow the package dose for the child's weight.",
                confidence=0.9,
            )
        elif item.output.startswith("ESCALATE"):
            verdict = ReviewerVerdict(verdict=Verdict.escalate, critique="Unclear.", confidence=0.9)
        else:
            verdict = ReviewerVerdict(verdict=Verdict.approve, critique="Fine.", confidence=0.95)
        return ReviewerResult(
            verdict=verdict,
            provider=self.provider,
            model="fake-reviewer-1-2026",
            prompt_version="review/health@t",
            attempts=1,
            usage={"input_tokens": 120, "output_tokens": 30, "cache_read_input_tokens": 100},
        )

    async def aclose(self) -> None:
        return None


# -- OTLP receivers ----------------------------------------------------------------------------------------------
class HttpReceiver:
    """An OTLP/HTTP receiver: decodes protobuf bodies posted to /v1/traces and /v1/metrics."""

    def __init__(self) -> None:
        self.spans: list[tuple[dict[str, Any], Span]] = []  # (resource attributes, span)
        self.metrics: list[ExportMetricsServiceRequest] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                if self.path == "/v1/traces":
                    receiver.add_traces(ExportTraceServiceRequest.FromString(body))
                    reply = ExportTraceServiceResponse().SerializeToString()
                elif self.path == "/v1/metrics":
                    receiver.metrics.append(ExportMetricsServiceRequest.FromString(body))
                    reply = b""
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_traces(self, request: ExportTraceServiceRequest) -> None:
        for rs in request.resource_spans:
            resource = {kv.key: _value(kv.value) for kv in rs.resource.attributes}
            for ss in rs.scope_spans:
                self.spans.extend((resource, span) for span in ss.spans)

    def trace(self, trace_id: str) -> list[Span]:
        return [s for _, s in self.spans if s.trace_id.hex() == trace_id]


class GrpcReceiver(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self) -> None:
        self.http = HttpReceiver.__new__(HttpReceiver)
        self.http.spans = []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(self, self.server)  # type: ignore[no-untyped-call]
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    def Export(self, request: ExportTraceServiceRequest, context: object) -> ExportTraceServiceResponse:
        HttpReceiver.add_traces(self.http, request)
        return ExportTraceServiceResponse()


def _value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, kind) if kind else None


def attrs(span: Span) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in span.attributes}


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    r = HttpReceiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def otlp_http(receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HttpReceiver, Any]]:
    """The service's own OTLP/HTTP exporter, configured by OTEL_* variables, pointed at the receiver."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{receiver.url}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")
    telemetry.setup_tracing()
    processor = telemetry.add_span_exporter(telemetry.build_otlp_span_exporter())
    yield receiver, processor
    telemetry.remove_span_processor(processor)


def app_client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0), reviewer=MarkerReviewer()))


def review(client: TestClient, output: str, **headers: str) -> dict[str, Any]:
    response = client.post(
        "/v1/reviews",
        json={
            "domain": "health",
            "messages": [{"role": "user", "content": PROMPT}],
            "output": output,
            "model": {"provider": "acme", "name": "fast-chat", "version": "2026-05"},
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- tests -------------------------------------------------------------------------------------------------------
def test_a_review_with_traceparent_is_one_trace_under_the_callers_trace(tmp_path: Path, otlp_http: Any) -> None:
    receiver, processor = otlp_http
    with app_client(tmp_path) as client:
        decision = review(client, UNSAFE, traceparent=TRACEPARENT)
    assert processor.force_flush()

    assert decision["trace_id"] == CALLER_TRACE
    spans = receiver.trace(CALLER_TRACE)
    by_name = {s.name: s for s in spans}
    root = by_name["oversight.review"]
    assert root.parent_span_id.hex() == CALLER_SPAN  # the caller's span is the parent: one trace end to end
    assert root.status.code == Status.STATUS_CODE_UNSET  # a rewrite is a handled outcome, not an error

    # One span per graph node, children of the root; the steps inside the review node are timed on its span.
    for node in ("review", "record"):
        assert by_name[f"oversight.node.{node}"].parent_span_id == root.span_id, node
    steps = dict(kv.split("=") for kv in attrs(by_name["oversight.node.review"])["oversight.steps_ms"].split(","))
    for step in ("triage", "policy_check", "review", "decide", "revise"):
        assert float(steps[step]) >= 0, step

    # The reviewer call: a GenAI CLIENT span under the review node.
    chat = by_name["chat fake-reviewer-1"]
    assert chat.kind == Span.SPAN_KIND_CLIENT
    assert chat.parent_span_id == by_name["oversight.node.review"].span_id
    a = attrs(chat)
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.provider.name"] == "fakevendor"
    assert a["gen_ai.request.model"] == "fake-reviewer-1"
    assert a["gen_ai.response.model"] == "fake-reviewer-1-2026"
    assert a["gen_ai.usage.input_tokens"] == 120
    assert a["gen_ai.usage.output_tokens"] == 30
    assert a["gen_ai.usage.cache_read.input_tokens"] == 100

    # The decision on the root span, and one event per finding.
    r = attrs(root)
    assert r["oversight.verdict"] == "rewrite"
    assert r["oversight.domain"] == "health"
    assert r["oversight.disagreement"] is True
    assert r["oversight.risk"] == decision["risk"]
    assert r["oversight.response_class"] == decision["response_class"]
    assert r["oversight.fast_model"] == "fast-chat@2026-05"
    assert r["oversight.reviewer.model"] == "fake-reviewer-1-2026"
    assert r["oversight.policy_version"] and r["oversight.prompt_version"] == "review/health@t"
    events = [e for e in root.events if e.name == "oversight.finding"]
    assert [attrs(e)["oversight.finding.rule"] for e in events] == [f["rule"] for f in decision["findings"]]
    assert "health.dosing_unsafe" in [attrs(e)["oversight.finding.rule"] for e in events]

    # Nothing else of this review landed in another trace, and the resource names the service.
    assert all(res.get("service.name") for res, s in receiver.spans if s.trace_id.hex() == CALLER_TRACE)


def test_message_content_is_not_exported_unless_opted_in(
    tmp_path: Path, otlp_http: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver, processor = otlp_http
    monkeypatch.delenv(telemetry.CAPTURE_CONTENT_ENV, raising=False)
    with app_client(tmp_path) as client:
        off = review(client, UNSAFE)
        monkeypatch.setenv(telemetry.CAPTURE_CONTENT_ENV, "true")
        on = review(client, UNSAFE)
    processor.force_flush()

    def exported_text(trace_id: str) -> str:
        return json.dumps([[attrs(s), [attrs(e) for e in s.events]] for s in receiver.trace(trace_id)], default=str)

    text = exported_text(off["trace_id"])
    assert "paracetamol" not in text and "adult tablets" not in text and "gen_ai.input.messages" not in text

    chat = next(s for s in receiver.trace(on["trace_id"]) if s.name.startswith("chat "))
    a = attrs(chat)
    assert "paracetamol" in a["gen_ai.input.messages"] and "adult tablets" in a["gen_ai.input.messages"]
    assert json.loads(a["gen_ai.output.messages"])[0]["role"] == "assistant"


def test_block_or_escalate_leaves_status_unset_and_resume_links_the_original_trace(
    tmp_path: Path, otlp_http: Any
) -> None:
    receiver, processor = otlp_http
    with app_client(tmp_path) as client:
        escalated = review(client, ESCALATE, traceparent=TRACEPARENT)
        assert escalated["verdict"] == "escalate"
        runtime = client.app.state.runtime  # type: ignore[attr-defined]
        assert client.portal is not None
        final = client.portal.call(
            runtime.resume, escalated["review_id"], {"action": "block", "by": "nurse@example.org", "note": "no"}
        )
    processor.force_flush()
    assert final.verdict.value == "block"

    root = next(s for s in receiver.trace(CALLER_TRACE) if s.name == "oversight.review")
    assert attrs(root)["oversight.verdict"] == "escalate"
    assert attrs(root)["oversight.escalation_id"] == escalated["escalation_id"]
    assert root.status.code == Status.STATUS_CODE_UNSET

    resolve = next(s for _, s in receiver.spans if s.name == "oversight.resolve")
    assert resolve.trace_id.hex() != CALLER_TRACE  # the human's answer is its own trace...
    assert [(link.trace_id.hex(), link.span_id) for link in resolve.links] == [
        (CALLER_TRACE, root.span_id)
    ]  # ...linked
    assert attrs(resolve)["oversight.verdict"] == "block"
    assert resolve.status.code == Status.STATUS_CODE_UNSET


def test_spans_a_vendor_sdk_emits_itself_are_not_exported(otlp_http: Any) -> None:
    receiver, processor = otlp_http
    ours = trace.get_tracer("oversight.graph")
    sdk = trace.get_tracer("com.anthropic.sdk.python")
    with ours.start_as_current_span("chat claude-x") as outer, sdk.start_as_current_span("anthropic.messages.create"):
        pass
    processor.force_flush()
    names = [s.name for s in receiver.trace(f"{outer.get_span_context().trace_id:032x}")]
    assert names == ["chat claude-x"]


def test_export_over_grpc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grpc_receiver = GrpcReceiver()
    grpc_receiver.server.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{grpc_receiver.port}")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    processor = telemetry.add_span_exporter(telemetry.build_otlp_span_exporter())
    try:
        with app_client(tmp_path) as client:
            decision = review(client, SAFE, traceparent=TRACEPARENT)
        processor.force_flush()
    finally:
        telemetry.remove_span_processor(processor)
        grpc_receiver.server.stop(None)
    names = {s.name for s in grpc_receiver.http.trace(decision["trace_id"])}
    assert {"oversight.review", "oversight.node.review", "chat fake-reviewer-1"} <= names


def test_an_unreachable_collector_never_fails_a_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    closed = HttpReceiver()  # bind a port, then close it: nothing listens there
    url = closed.url
    closed.server.server_close()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{url}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1")
    processor = telemetry.add_span_exporter(telemetry.build_otlp_span_exporter())
    try:
        with app_client(tmp_path) as client:
            decision = review(client, UNSAFE)
        processor.force_flush()  # the failed export is logged and dropped, not raised
    finally:
        telemetry.remove_span_processor(processor)
    assert decision["verdict"] == "rewrite"


def test_a_collector_outage_logs_a_line_a_minute_not_a_line_per_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    closed = HttpReceiver()
    url = closed.url
    closed.server.server_close()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"{url}/v1/traces")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "1")
    caplog.set_level(logging.WARNING)
    processor = telemetry.add_span_exporter(telemetry.build_otlp_span_exporter())
    try:
        with app_client(tmp_path) as client:
            for _ in range(3):  # three batches, each retried by the exporter until its 1 s deadline
                review(client, UNSAFE)
                processor.force_flush()
    finally:
        telemetry.remove_span_processor(processor)
    exporter_lines = [r for r in caplog.records if r.name.startswith("opentelemetry.exporter")]
    ours = [r for r in caplog.records if r.name == "oversight.telemetry" and "span export failed" in r.getMessage()]
    assert len(exporter_lines) <= 1, [r.getMessage() for r in exporter_lines]  # before: one per retry, per batch
    assert len(ours) == 1  # the outage is still in the log, once


def test_metrics_are_pushed_over_otlp_when_configured(
    tmp_path: Path, receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", f"{receiver.url}/v1/metrics")
    with app_client(tmp_path) as client:
        review(client, SAFE)
        review(client, UNSAFE)
    # Shutting the app down exports the last interval.
    points: dict[str, list[Any]] = {}
    for request in receiver.metrics:
        for rm in request.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    data = metric.sum.data_points or metric.histogram.data_points
                    points.setdefault(metric.name, []).extend(data)
    verdicts = {attrs(p)["verdict"]: p.as_int or p.as_double for p in points["oversight.reviews"]}
    assert verdicts == {"approve": 1, "rewrite": 1}
    assert sum(p.as_int or p.as_double for p in points["oversight.disagreements"]) == 1
    assert "oversight.stage.duration" in points
    # Seconds, in the buckets /metrics uses: not the SDK's default millisecond bounds (0, 5, 10, ... 10000),
    # which put every review in the first bucket.
    from service.metrics import STAGE_BUCKETS

    for name in ("oversight.stage.duration", "oversight.review.duration"):
        for point in points[name]:
            assert list(point.explicit_bounds) == list(STAGE_BUCKETS), name
            assert sum(point.bucket_counts) == point.count
