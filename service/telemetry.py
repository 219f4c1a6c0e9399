"""OpenTelemetry set-up. Minimal here: an SDK tracer provider so every decision carries a real W3C
trace id, and OTLP export when the standard ``OTEL_*`` variables ask for it. Exporting never slows or
fails a request: spans go through a batch processor whose errors are logged and dropped."""

from __future__ import annotations

import logging
import os

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

log = logging.getLogger("oversight.telemetry")
_configured = False


def setup_tracing(service_name: str = "oversight") -> TracerProvider:
    """Install a global SDK tracer provider once; add an OTLP exporter if configured."""
    global _configured
    current = trace.get_tracer_provider()
    if _configured and isinstance(current, TracerProvider):
        return current
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    exporter_name = os.environ.get("OTEL_TRACES_EXPORTER", "otlp" if _otlp_configured() else "none")
    if exporter_name == "otlp":
        try:
            provider.add_span_processor(BatchSpanProcessor(_otlp_exporter()))
        except Exception:  # a broken exporter must not stop the service
            log.exception("could not set up the OTLP span exporter; traces are not exported")
    elif exporter_name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True
    return provider


def _otlp_configured() -> bool:
    return any(k in os.environ for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _otlp_exporter():  # type: ignore[no-untyped-def]
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        return GrpcExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def format_trace_id(trace_id: int) -> str:
    """A W3C trace id as 32 lowercase hex digits."""
    return f"{trace_id:032x}"
