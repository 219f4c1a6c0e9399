"""OpenTelemetry set-up: traces (SDK tracer provider, OTLP export) and the optional OTLP metrics pipeline.

Configuration is the standard ``OTEL_*`` variables only (``docs/telemetry.md`` lists the ones read here):

- traces go through a :class:`BatchSpanProcessor` wrapping a :class:`SafeSpanExporter`, so exporting never
  slows or fails a request: the queue is bounded (spans are dropped when it is full), the export runs on the
  processor's thread, and exporter errors are logged (at most once a minute) and dropped;
- spans that a vendor SDK emits on its own (the Anthropic SDK's ``anthropic.messages.create``) are dropped
  on export: the graph's ``chat {model}`` span already carries the GenAI attributes, and a second span per
  call would double-count tokens in any backend that sums them;
- message content is never recorded unless ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` opts in.

The global tracer provider can be set only once per process, and the module-level tracers of
``service.runtime`` and ``graphs`` bind to it on first use. So exporters are attached to (and detached from)
one process-wide processor list instead of replacing the provider: see :func:`add_span_exporter`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    MetricExporter,
    MetricExportResult,
    MetricsData,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler, SamplingResult

log = logging.getLogger("oversight.telemetry")

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
#: Instrumentation scopes of vendor SDKs that emit their own inference spans (dropped on export).
SDK_SCOPES: frozenset[str] = frozenset({"com.anthropic.sdk.python", "opentelemetry.instrumentation.openai_v2"})
_SPAN_CAPTURE_VALUES = frozenset({"true", "1", "yes", "span_only", "span_and_event"})

_lock = threading.Lock()
_provider: TracerProvider | None = None
_fanout: _FanoutSpanProcessor | None = None


# -- traces ------------------------------------------------------------------------------------------------
class _FanoutSpanProcessor(SpanProcessor):
    """The one processor registered on the provider; exporters attach to and detach from it at run time."""

    def __init__(self) -> None:
        self._children: tuple[SpanProcessor, ...] = ()
        self._lock = threading.Lock()

    def attach(self, processor: SpanProcessor) -> None:
        with self._lock:
            self._children = (*self._children, processor)

    def detach(self, processor: SpanProcessor) -> None:
        with self._lock:
            self._children = tuple(p for p in self._children if p is not processor)

    @property
    def active(self) -> bool:
        """At least one exporter is attached."""
        return bool(self._children)

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        for p in self._children:
            p.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for p in self._children:
            p.on_end(span)

    def shutdown(self) -> None:
        for p in self._children:
            p.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(p.force_flush(timeout_millis) for p in self._children)


class _RateLimitedLog:
    def __init__(self, every_s: float = 60.0) -> None:
        self._every, self._last = every_s, -1e18

    def __call__(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            log.warning(message, *args)


class SafeSpanExporter(SpanExporter):
    """Wraps an exporter: drops vendor-SDK spans, and logs and drops export errors instead of raising."""

    def __init__(self, inner: SpanExporter, *, drop_scopes: frozenset[str] = SDK_SCOPES) -> None:
        self.inner = inner
        self._drop = drop_scopes
        self._warn = _RateLimitedLog()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        keep = [s for s in spans if s.instrumentation_scope is None or s.instrumentation_scope.name not in self._drop]
        if not keep:
            return SpanExportResult.SUCCESS
        try:
            result = self.inner.export(keep)
        except Exception as exc:
            self._warn("span export failed (%s: %s); %d spans dropped", type(exc).__name__, exc, len(keep))
            return SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            self._warn("span export failed; %d spans dropped", len(keep))
        return result

    def shutdown(self) -> None:
        try:
            self.inner.shutdown()
        except Exception:
            log.warning("span exporter shutdown failed", exc_info=True)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        try:
            return bool(self.inner.force_flush(timeout_millis))
        except Exception:
            return False


def _resource(service_name: str) -> Resource:
    # Resource.create also reads OTEL_RESOURCE_ATTRIBUTES; OTEL_SERVICE_NAME wins over the default name.
    return Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or service_name})


class _ExportingSampler(Sampler):
    """Record spans only while an exporter is attached; otherwise sample nothing.

    Unsampled spans still carry real W3C ids (the SDK creates them before sampling), so every decision keeps a
    valid ``trace_id`` that joins the caller's trace — without paying ~13 µs per span for spans nobody exports.
    """

    def __init__(self, fanout: _FanoutSpanProcessor) -> None:
        self._fanout = fanout
        self._on = ParentBased(ALWAYS_ON)

    def should_sample(self, *args: Any, **kwargs: Any) -> SamplingResult:
        return (self._on if self._fanout.active else ALWAYS_OFF).should_sample(*args, **kwargs)

    def get_description(self) -> str:
        return "OversightExportingSampler"


def setup_tracing(service_name: str = "oversight", *, exporter: SpanExporter | None = None) -> TracerProvider:
    """Install the process's SDK tracer provider once (exporters from ``OTEL_*``); idempotent.

    ``exporter`` (tests, benchmarks) is attached through a batch processor in addition to the configured
    ones, for the life of the process; use :func:`add_span_exporter` / :func:`remove_span_processor` to
    attach one for a while. If another SDK provider is already the global one, Oversight's processors are
    added to it instead of replacing it.
    """
    global _provider, _fanout
    with _lock:
        if _provider is None:
            _fanout = _FanoutSpanProcessor()
            current = trace.get_tracer_provider()
            if isinstance(current, TracerProvider):
                provider = current
            else:
                provider = TracerProvider(resource=_resource(service_name), sampler=_ExportingSampler(_fanout))
                trace.set_tracer_provider(provider)
                if trace.get_tracer_provider() is not provider:  # someone set a non-SDK provider first
                    log.warning("a non-SDK global tracer provider is installed; Oversight's spans are not exported")
            provider.add_span_processor(_fanout)
            _provider = provider
            for name in _env_list("OTEL_TRACES_EXPORTER", "otlp" if _otlp_configured("TRACES") else "none"):
                built = _build_span_exporter(name)
                if built is not None:
                    _fanout.attach(BatchSpanProcessor(SafeSpanExporter(built)))
        provider = _provider
    if exporter is not None:
        add_span_exporter(exporter)
    return provider


def add_span_exporter(exporter: SpanExporter) -> BatchSpanProcessor:
    """Attach ``exporter`` (safe-wrapped, batched) to the process's spans; returns its processor."""
    setup_tracing()
    processor = BatchSpanProcessor(SafeSpanExporter(exporter))
    assert _fanout is not None
    _fanout.attach(processor)
    return processor


def remove_span_processor(processor: SpanProcessor) -> None:
    """Detach a processor added by :func:`add_span_exporter`, flushing and shutting it down."""
    if _fanout is not None:
        _fanout.detach(processor)
    processor.force_flush()
    processor.shutdown()


def force_flush(timeout_millis: int = 10_000) -> bool:
    """Flush every attached span processor (tests, shutdown)."""
    return _fanout.force_flush(timeout_millis) if _fanout is not None else True


def _env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name) or default
    return [v.strip().lower() for v in raw.split(",") if v.strip() and v.strip().lower() != "none"]


def _otlp_configured(signal: str) -> bool:
    return any(k in os.environ for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"))


def _protocol(signal: str) -> str:
    protocol = os.environ.get(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if protocol not in ("grpc", "http/protobuf"):
        log.warning("OTLP protocol %r is not supported by the Python exporter; using http/protobuf", protocol)
        protocol = "http/protobuf"
    return protocol


def _build_span_exporter(name: str) -> SpanExporter | None:
    """An exporter for one ``OTEL_TRACES_EXPORTER`` entry; a broken one is logged, never fatal."""
    try:
        if name == "otlp":
            return build_otlp_span_exporter()
        if name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            return ConsoleSpanExporter()
        log.warning("unknown OTEL_TRACES_EXPORTER %r ignored", name)
    except Exception:  # a broken exporter must not stop the service
        log.exception("could not set up the %s span exporter; traces are not exported", name)
    return None


def build_otlp_span_exporter() -> SpanExporter:
    """The OTLP span exporter the ``OTEL_EXPORTER_OTLP_*`` variables describe (HTTP or gRPC)."""
    if _protocol("TRACES") == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpanExporter

        return GrpcSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def format_trace_id(trace_id: int) -> str:
    """A W3C trace id as 32 lowercase hex digits."""
    return f"{trace_id:032x}"


# -- GenAI attributes ----------------------------------------------------------------------------------------
def capture_message_content() -> bool:
    """True when ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` asks for content on spans.

    Accepts the legacy ``true`` and the newer ``SPAN_ONLY`` / ``SPAN_AND_EVENT`` (case-insensitive); anything
    else, including the default ``NO_CONTENT`` and ``EVENT_ONLY`` (we emit no log events), means no content.
    """
    return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() in _SPAN_CAPTURE_VALUES


def genai_usage_attributes(provider: str, usage: Mapping[str, int]) -> dict[str, int]:
    """``gen_ai.usage.*`` span attributes from a reviewer's usage counts.

    The conventions count *all* input tokens in ``gen_ai.usage.input_tokens``, cached ones included, with the
    cache reads and writes as subsets. Anthropic reports ``input_tokens`` without the cached part, so it is
    summed here; OpenAI's ``prompt_tokens`` already includes it.
    """
    attrs: dict[str, int] = {}
    cache_read = usage.get("cache_read_input_tokens")
    cache_write = usage.get("cache_creation_input_tokens")
    if "input_tokens" in usage:
        total = usage["input_tokens"]
        if provider == "anthropic":
            total += (cache_read or 0) + (cache_write or 0)
        attrs["gen_ai.usage.input_tokens"] = total
    if "output_tokens" in usage:
        attrs["gen_ai.usage.output_tokens"] = usage["output_tokens"]
    if cache_read is not None:
        attrs["gen_ai.usage.cache_read.input_tokens"] = cache_read
    if cache_write is not None:
        attrs["gen_ai.usage.cache_creation.input_tokens"] = cache_write
    if "reasoning_output_tokens" in usage:
        attrs["gen_ai.usage.reasoning.output_tokens"] = usage["reasoning_output_tokens"]
    return attrs


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(str(p.get("text") or "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def input_messages_json(messages: Sequence[Mapping[str, Any]], output: str) -> str:
    """``gen_ai.input.messages`` (opt-in): the conversation plus the answer under review, as parts."""
    items = [{"role": m.get("role"), "parts": [{"type": "text", "content": _text(m.get("content"))}]} for m in messages]
    items.append({"role": "assistant", "parts": [{"type": "text", "content": output}]})
    return json.dumps(items, ensure_ascii=False)


def output_messages_json(verdict_json: str) -> str:
    """``gen_ai.output.messages`` (opt-in): the reviewer's structured verdict."""
    return json.dumps(
        [{"role": "assistant", "parts": [{"type": "text", "content": verdict_json}], "finish_reason": "stop"}],
        ensure_ascii=False,
    )


# -- metrics (OTLP) ------------------------------------------------------------------------------------------
class SafeMetricExporter(MetricExporter):
    """Wraps a metric exporter: export errors are logged (once a minute) and dropped."""

    def __init__(self, inner: MetricExporter) -> None:
        super().__init__(
            preferred_temporality=inner._preferred_temporality,
            preferred_aggregation=inner._preferred_aggregation,
        )
        self.inner = inner
        self._warn = _RateLimitedLog()

    def export(self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any) -> MetricExportResult:
        try:
            result = self.inner.export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        except Exception as exc:
            self._warn("metric export failed (%s: %s)", type(exc).__name__, exc)
            return MetricExportResult.FAILURE
        if result is not MetricExportResult.SUCCESS:
            self._warn("metric export failed")
        return result

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        try:
            return bool(self.inner.force_flush(timeout_millis))
        except Exception:
            return False

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        try:
            self.inner.shutdown(timeout_millis=timeout_millis, **kwargs)
        except Exception:
            log.warning("metric exporter shutdown failed", exc_info=True)


def otlp_metrics_enabled() -> bool:
    """OTLP metrics export is on when an OTLP endpoint is configured and ``OTEL_METRICS_EXPORTER`` allows it."""
    return "otlp" in _env_list("OTEL_METRICS_EXPORTER", "otlp" if _otlp_configured("METRICS") else "none")


def build_otlp_metric_exporter() -> MetricExporter:
    """The OTLP metric exporter the ``OTEL_EXPORTER_OTLP_*`` variables describe (HTTP or gRPC)."""
    if _protocol("METRICS") == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcMetricExporter

        return GrpcMetricExporter()
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

    return OTLPMetricExporter()


def setup_metrics(service_name: str = "oversight", *, exporter: MetricExporter | None = None) -> MeterProvider | None:
    """A meter provider exporting over OTLP (``OTEL_METRIC_EXPORT_INTERVAL``), or None when not configured.

    Not installed globally: the app owns it and shuts it down (a final export) when it stops.
    """
    if exporter is None:
        if not otlp_metrics_enabled():
            return None
        try:
            exporter = build_otlp_metric_exporter()
        except Exception:
            log.exception("could not set up the OTLP metric exporter; metrics are only served on /metrics")
            return None
    reader = PeriodicExportingMetricReader(SafeMetricExporter(exporter))
    return MeterProvider(resource=_resource(service_name), metric_readers=[reader], shutdown_on_exit=False)
