"""OpenTelemetry set-up: traces (SDK tracer provider, OTLP export) and the optional OTLP metrics pipeline.

Configuration is the standard ``OTEL_*`` variables only (``docs/telemetry.md`` lists the ones read here):

- traces go through a :class:`BatchSpanProcessor` wrapping a :class:`SafeSpanExporter`, so exporting never
  slows or fails a request: the queue is bounded (spans are dropped when it is full), the export runs on the
  processor's thread, and exporter errors are logged (at most once a minute) and dropped;
- spans lost on the way (the queue was full, or the export failed) are told to the listeners of
  :func:`watch_span_loss` (``/metrics`` counts them in ``oversight_spans_dropped_total``), so a quiet trace view
  can be told from a lossy one;
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
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.metrics import Counter as OtelCounter
from opentelemetry.metrics import Meter as OtelMeter
from opentelemetry.metrics import NoOpCounter, NoOpMeter, NoOpMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    MetricExporter,
    MetricExportResult,
    MetricsData,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler, SamplingResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from opentelemetry.trace.status import Status, StatusCode
from opentelemetry.util.types import Attributes, AttributeValue

log = logging.getLogger("oversight.telemetry")

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
#: Instrumentation scopes of vendor SDKs that emit their own inference spans (dropped on export).
SDK_SCOPES: frozenset[str] = frozenset({"com.anthropic.sdk.python", "opentelemetry.instrumentation.openai_v2"})
_SPAN_CAPTURE_VALUES = frozenset({"true", "1", "yes", "span_only", "span_and_event"})

_lock = threading.Lock()
_provider: TracerProvider | None = None
_fanout: _FanoutSpanProcessor | None = None
_own_provider = False  # True when Oversight created the provider (its sampler is _ExportingSampler)

SpanLossListener = Callable[[str, int], None]
"""``listener(reason, count)``: ``count`` spans were lost; ``reason`` is ``queue_full`` (the batch processor's queue
was full: the collector is slow or down), ``already_shutdown`` (ended after the processor stopped) or
``export_failed`` (the exporter gave up on the batch)."""
_loss_listeners: tuple[SpanLossListener, ...] = ()
_INTERNAL_METRICS_ENV = "OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED"
#: The SDK's own count of the spans its batch processor handled, with ``error.type`` on the dropped ones.
_SDK_PROCESSED = "otel.sdk.processor.span.processed"


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


class OncePerMinute(logging.Filter):
    """Lets one record through per minute; the next one says how many were held back meanwhile.

    The OTLP exporters log every retry of every batch ("Transient error … retrying in 0.88s"): with the collector
    down that is several lines a second, for traces and metrics each, for as long as the outage lasts.
    """

    def __init__(self, every_s: float = 60.0) -> None:
        super().__init__()
        self.every_s = every_s
        self._last = -1e18
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self._last < self.every_s:
            self._held += 1
            return False
        self._last = now
        if self._held:
            record.msg = f"{record.getMessage()} ({self._held} more exporter messages held back in the last minute)"
            record.args = ()
            self._held = 0
        return True


#: The loggers OpenTelemetry's OTLP exporters (HTTP and gRPC, traces and metrics) write their retries to.
OTLP_EXPORTER_LOGGERS = (
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    "opentelemetry.exporter.otlp.proto.http.metric_exporter",
    "opentelemetry.exporter.otlp.proto.http._common",
    "opentelemetry.exporter.otlp.proto.grpc.exporter",
    "opentelemetry.exporter.otlp.common.http",
)


def quiet_otlp_exporter_logs() -> None:
    """At most one line a minute from each OTLP exporter logger (see ``OncePerMinute``); idempotent."""
    known = [n for n in logging.root.manager.loggerDict if n.startswith("opentelemetry.exporter.otlp")]
    for name in {*OTLP_EXPORTER_LOGGERS, *known}:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerMinute) for f in logger.filters):
            logger.addFilter(OncePerMinute())


def watch_span_loss(listener: SpanLossListener) -> Callable[[], None]:
    """Tell ``listener(reason, count)`` of every span lost from now on (see ``SpanLossListener``); returns the
    call that stops it. The listener runs on whichever thread lost the spans (the one ending a span, or the
    processor's export thread): it must be quick and thread-safe; an error in it is logged and swallowed."""
    global _loss_listeners
    with _lock:
        _loss_listeners = (*_loss_listeners, listener)

    def stop() -> None:
        global _loss_listeners
        with _lock:
            _loss_listeners = tuple(x for x in _loss_listeners if x is not listener)

    return stop


def _spans_lost(reason: str, count: int) -> None:
    for listener in _loss_listeners:
        try:
            listener(reason, count)
        except Exception:  # a hook must never hurt the span's thread
            log.warning("span loss listener failed", exc_info=True)


class _DropCounter(NoOpCounter):
    """The SDK's ``otel.sdk.processor.span.processed`` counter as the batch processor sees it: additions with an
    ``error.type`` are spans it dropped (``queue_full``, ``already_shutdown``); the others, spans it handed to the
    exporter, are not kept."""

    def add(self, amount: int | float, attributes: Attributes = None, context: Context | None = None) -> None:
        reason = (attributes or {}).get("error.type")
        if reason is not None and amount > 0:
            _spans_lost(str(reason), int(amount))


class _DropMeter(NoOpMeter):
    def create_counter(self, name: str, unit: str = "", description: str = "") -> OtelCounter:
        if name == _SDK_PROCESSED:
            return _DropCounter(name, unit=unit, description=description)
        return super().create_counter(name, unit=unit, description=description)


class _DropMeterProvider(NoOpMeterProvider):
    """The meter provider handed to each batch processor: only its dropped-span count is listened to."""

    def get_meter(
        self,
        name: str,
        version: str | None = None,
        schema_url: str | None = None,
        attributes: Attributes | None = None,
    ) -> OtelMeter:
        return _DropMeter(name, version=version, schema_url=schema_url)


_bsp_lock = threading.Lock()
_warned_no_drop_count = False


def batch_processor(exporter: SpanExporter) -> BatchSpanProcessor:
    """A :class:`BatchSpanProcessor` (sized by ``OTEL_BSP_*``) whose dropped spans reach :func:`watch_span_loss`.

    The SDK counts what its queue drops itself (``BatchProcessor.emit``: ``drop_items`` on a full queue) through
    its self-observability metrics, given a ``meter_provider`` and switched on by
    ``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED`` when the processor is built. The switch is turned on for the
    construction only (the OTLP exporters read it too, and would add metrics nobody asked for), and the meter
    provider listens to that one counter. An SDK whose processor takes no ``meter_provider`` still gets a working one;
    its drops are then not counted, which is logged once.
    """
    global _warned_no_drop_count
    with _bsp_lock:
        before = os.environ.get(_INTERNAL_METRICS_ENV)
        os.environ[_INTERNAL_METRICS_ENV] = "true"
        try:
            return BatchSpanProcessor(exporter, meter_provider=_DropMeterProvider())
        except TypeError:
            if not _warned_no_drop_count:
                _warned_no_drop_count = True
                log.warning("this opentelemetry-sdk cannot report dropped spans; oversight_spans_dropped_total stays 0")
            return BatchSpanProcessor(exporter)
        finally:
            if before is None:
                del os.environ[_INTERNAL_METRICS_ENV]
            else:
                os.environ[_INTERNAL_METRICS_ENV] = before


class SafeSpanExporter(SpanExporter):
    """Wraps an exporter: drops vendor-SDK spans, and logs and drops export errors instead of raising."""

    def __init__(self, inner: SpanExporter, *, drop_scopes: frozenset[str] = SDK_SCOPES) -> None:
        self.inner = inner
        self._drop = drop_scopes
        self._warn = _RateLimitedLog()
        quiet_otlp_exporter_logs()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        keep = [s for s in spans if s.instrumentation_scope is None or s.instrumentation_scope.name not in self._drop]
        if not keep:
            return SpanExportResult.SUCCESS
        try:
            result = self.inner.export(keep)
        except Exception as exc:
            self._warn("span export failed (%s: %s); %d spans dropped", type(exc).__name__, exc, len(keep))
            _spans_lost("export_failed", len(keep))
            return SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            self._warn("span export failed; %d spans dropped", len(keep))
            _spans_lost("export_failed", len(keep))
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
    global _provider, _fanout, _own_provider
    with _lock:
        if _provider is None:
            _fanout = _FanoutSpanProcessor()
            current = trace.get_tracer_provider()
            if isinstance(current, TracerProvider):
                provider = current
            else:
                # A sampler set in OTEL_TRACES_SAMPLER is the SDK's to apply (it reads the variable itself when
                # no sampler is passed); otherwise spans are sampled only while an exporter is attached.
                configured = bool(os.environ.get("OTEL_TRACES_SAMPLER", "").strip())
                sampler = None if configured else _ExportingSampler(_fanout)
                provider = TracerProvider(resource=_resource(service_name), sampler=sampler)
                trace.set_tracer_provider(provider)
                if trace.get_tracer_provider() is not provider:  # someone set a non-SDK provider first
                    log.warning("a non-SDK global tracer provider is installed; Oversight's spans are not exported")
                else:
                    # review_span's own sampling is the default one; a configured sampler or a disabled SDK
                    # goes through the SDK's spans instead.
                    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
                    _own_provider = not configured and not disabled
            provider.add_span_processor(_fanout)
            _provider = provider
            for name in _env_list("OTEL_TRACES_EXPORTER", "otlp" if _otlp_configured("TRACES") else "none"):
                built = _build_span_exporter(name)
                if built is not None:
                    _fanout.attach(batch_processor(SafeSpanExporter(built)))
        provider = _provider
    if exporter is not None:
        add_span_exporter(exporter)
    return provider


def add_span_exporter(exporter: SpanExporter) -> BatchSpanProcessor:
    """Attach ``exporter`` (safe-wrapped, batched) to the process's spans; returns its processor."""
    setup_tracing()
    processor = batch_processor(SafeSpanExporter(exporter))
    assert _fanout is not None
    _fanout.attach(processor)
    return processor


def attach_span_processor(processor: SpanProcessor) -> None:
    """Attach a processor as is (no wrapping); :func:`detach_span_processor` takes it off without shutting it."""
    setup_tracing()
    assert _fanout is not None
    _fanout.attach(processor)


def detach_span_processor(processor: SpanProcessor) -> None:
    if _fanout is not None:
        _fanout.detach(processor)


def remove_span_processor(processor: SpanProcessor) -> None:
    """Detach a processor added by :func:`add_span_exporter`, flushing and shutting it down."""
    if _fanout is not None:
        _fanout.detach(processor)
    processor.force_flush()
    processor.shutdown()


# -- the review's own spans ------------------------------------------------------------------------------------
_ids = RandomIdGenerator()


class LightSpan(trace.Span):
    """A recording span that goes to the span processors as a ``ReadableSpan`` when it ends.

    Used for the three spans of every review (request, ``review`` node, ``record`` node) when Oversight owns the
    tracer provider. The SDK's ``Span`` costs ~23 µs per span on a 2-core machine (sampler, locks, attribute
    validation, context manager, ``on_start`` fan-out): three of them were 15 % of a local review. This one
    keeps a plain dict and builds the SDK's ``ReadableSpan`` once at the end, so processors, exporters and
    OTLP see exactly what an SDK span would give them. Attribute values must be OpenTelemetry primitives or
    sequences of them (``None`` values are dropped, as the SDK drops them).
    """

    __slots__ = (
        "_attributes",
        "_context",
        "_end",
        "_events",
        "_kind",
        "_links",
        "_name",
        "_parent",
        "_resource",
        "_scope",
        "_sink",
        "_start",
        "_status",
    )

    def __init__(
        self,
        name: str,
        context: SpanContext,
        parent: SpanContext | None,
        kind: SpanKind,
        attributes: Attributes,
        scope: InstrumentationScope,
        resource: Resource,
        sink: SpanProcessor,
    ) -> None:
        self._name, self._context, self._parent, self._kind = name, context, parent, kind
        self._attributes: dict[str, AttributeValue] = {k: v for k, v in (attributes or {}).items() if v is not None}
        self._events: list[Event] = []
        self._links: list[Link] = []
        self._status = Status(StatusCode.UNSET)
        self._scope, self._resource, self._sink = scope, resource, sink
        self._start = time.time_ns()
        self._end: int | None = None

    def get_span_context(self) -> SpanContext:
        return self._context

    def is_recording(self) -> bool:
        return self._end is None

    def set_attribute(self, key: str, value: AttributeValue) -> None:
        if self._end is None and value is not None:
            self._attributes[key] = value

    def set_attributes(self, attributes: Mapping[str, AttributeValue]) -> None:
        for key, value in attributes.items():
            self.set_attribute(key, value)

    def add_event(self, name: str, attributes: Attributes = None, timestamp: int | None = None) -> None:
        if self._end is None:
            self._events.append(Event(name, dict(attributes or {}), timestamp or time.time_ns()))

    def add_link(self, context: SpanContext, attributes: Attributes = None) -> None:
        if self._end is None and context.is_valid:
            self._links.append(Link(context, dict(attributes or {})))

    def update_name(self, name: str) -> None:
        self._name = name

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        if self._end is not None or self._status.status_code is StatusCode.OK:
            return  # as in the SDK: OK is final
        self._status = status if isinstance(status, Status) else Status(status, description)

    def record_exception(
        self,
        exception: BaseException,
        attributes: Attributes = None,
        timestamp: int | None = None,
        escaped: bool = False,
    ) -> None:
        attrs: dict[str, AttributeValue] = {
            "exception.type": type(exception).__qualname__,
            "exception.message": str(exception),
            "exception.stacktrace": "".join(traceback.format_exception(exception)),
            "exception.escaped": str(escaped),
        }
        attrs.update(attributes or {})
        self.add_event("exception", attrs, timestamp)

    def end(self, end_time: int | None = None) -> None:
        if self._end is not None:
            return
        self._end = end_time or time.time_ns()
        self._sink.on_end(
            ReadableSpan(
                name=self._name,
                context=self._context,
                parent=self._parent,
                resource=self._resource,
                attributes=self._attributes,
                events=tuple(self._events),
                links=tuple(self._links),
                kind=self._kind,
                status=self._status,
                start_time=self._start,
                end_time=self._end,
                instrumentation_scope=self._scope,
            )
        )


@contextmanager
def review_span(
    tracer: trace.Tracer,
    scope: InstrumentationScope,
    name: str,
    *,
    context: Context | None = None,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes = None,
) -> Iterator[trace.Span]:
    """``tracer.start_as_current_span`` for the review's hot path, with the same ids, sampling and errors.

    When Oversight owns the provider: parent-based sampling as ``_ExportingSampler`` does it (nothing records
    without an exporter attached; a caller's unsampled ``traceparent`` is respected), a :class:`LightSpan`
    when recording, else a ``NonRecordingSpan`` with real W3C ids (so the decision's ``trace_id`` joins the
    caller's trace). With a provider someone else installed, the SDK's own span via ``tracer``.
    """
    fanout = _fanout
    if not _own_provider or fanout is None or _provider is None:
        with tracer.start_as_current_span(name, context=context, kind=kind, attributes=attributes) as sdk_span:
            yield sdk_span
        return
    parent = trace.get_current_span(context).get_span_context()
    if parent.is_valid:
        trace_id, record = parent.trace_id, fanout.active and parent.trace_flags.sampled
    else:
        trace_id, record = _ids.generate_trace_id(), fanout.active
    span_context = SpanContext(
        trace_id,
        _ids.generate_span_id(),
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if record else TraceFlags.DEFAULT),
    )
    span: trace.Span
    if record:
        span = LightSpan(
            name, span_context, parent if parent.is_valid else None, kind, attributes, scope, _provider.resource, fanout
        )
    else:
        span = NonRecordingSpan(span_context)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        yield span
    except BaseException as exc:
        if record and not isinstance(exc, GeneratorExit):
            span.record_exception(exc, escaped=True)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        otel_context.detach(token)
        span.end()


def force_flush(timeout_millis: int = 10_000) -> bool:
    """Flush every attached span processor (tests, shutdown)."""
    return _fanout.force_flush(timeout_millis) if _fanout is not None else True


def _env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name) or default
    return [v.strip().lower() for v in raw.split(",") if v.strip() and v.strip().lower() != "none"]


def _otlp_configured(signal: str) -> bool:
    return any(k in os.environ for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"))


_WARNED_PROTOCOLS: set[str] = set()


def _protocol(signal: str) -> str:
    protocol = os.environ.get(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL") or os.environ.get(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
    )
    if protocol not in ("grpc", "http/protobuf"):
        if protocol not in _WARNED_PROTOCOLS:  # once, not once per signal
            _WARNED_PROTOCOLS.add(protocol)
            log.warning("OTLP protocol %r is not supported by the Python exporter; using http/protobuf", protocol)
        protocol = "http/protobuf"
    return protocol


def otlp_endpoint_problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per ``OTEL_EXPORTER_OTLP_*ENDPOINT`` that is not an http:// or https:// URL with a host: such a value
    (``127.0.0.1:4318``) starts, and every export then fails."""
    env = os.environ if environ is None else environ
    lines = []
    for signal in ("", "TRACES_", "METRICS_"):
        name = f"OTEL_EXPORTER_OTLP_{signal}ENDPOINT"
        value = env.get(name)
        if value is None or not value.strip():
            continue
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            lines.append(
                f"{name}={value[:100]!r} is not an http:// or https:// URL with a host: every export to it fails "
                "(lost spans are counted in oversight_spans_dropped_total; a failed metric export is logged); "
                "write it as a URL, e.g. http://localhost:4318"
            )
    return lines


def _otlp_target(signal: str) -> str:
    """Where one signal's OTLP export goes, as the exporter reads the variables (the signal's own endpoint, or the
    common one plus ``/v1/<signal>`` over HTTP)."""
    own = os.environ.get(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT", "").strip()
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip()
    protocol = _protocol(signal)
    if own:
        return f"{own} ({protocol})"
    if protocol == "grpc":
        return f"{base} (grpc)"
    return f"{base.rstrip('/')}/v1/{signal.lower()} ({protocol})"


def describe_telemetry() -> str:
    """One start-up line saying where traces and metrics go: the OTLP targets, or that they stay here."""
    traces = _env_list("OTEL_TRACES_EXPORTER", "otlp" if _otlp_configured("TRACES") else "none")
    parts = []
    if "otlp" in traces:
        parts.append(f"traces to OTLP {_otlp_target('TRACES')}")
    if "console" in traces:
        parts.append("traces to the console")
    if not parts:
        parts.append("traces not exported (set OTEL_EXPORTER_OTLP_ENDPOINT)")
    metrics = "metrics on /metrics (Prometheus)"
    if otlp_metrics_enabled():
        metrics += f" and to OTLP {_otlp_target('METRICS')}"
    return ", ".join([*parts, metrics])


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


def genai_request_attributes(base_url: Any, *, max_tokens: int, output_type: str = "json") -> dict[str, Any]:
    """A model reviewer's request-side GenAI attributes, set when its span starts (sampling may read them).

    ``server.address`` and ``server.port`` come from the client's base URL (an ``httpx.URL`` or a string; the
    port is the scheme's default when the URL names none); ``gen_ai.output.type`` is ``json`` (the verdict is
    a forced tool call or structured output), and ``gen_ai.request.max_tokens`` the reviewer's token limit.
    """
    attrs: dict[str, Any] = {"gen_ai.output.type": output_type, "gen_ai.request.max_tokens": max_tokens}
    url = httpx.URL(str(base_url)) if base_url else None
    if url is not None and url.host:
        attrs["server.address"] = url.host
        port = url.port or {"https": 443, "http": 80}.get(url.scheme)
        if port:
            attrs["server.port"] = port
    return attrs


def genai_response_attributes(response_id: str, finish_reasons: Sequence[str]) -> dict[str, Any]:
    """``gen_ai.response.id`` and ``gen_ai.response.finish_reasons``, each only when the vendor gave it."""
    attrs: dict[str, Any] = {}
    if response_id:
        attrs["gen_ai.response.id"] = response_id
    if finish_reasons:
        attrs["gen_ai.response.finish_reasons"] = list(finish_reasons)
    return attrs


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
        quiet_otlp_exporter_logs()

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
