"""Trace context carried in on HTTP requests (``traceparent`` / ``tracestate``)."""

from __future__ import annotations

from fastapi import Request
from opentelemetry import context as otel_context
from opentelemetry.propagate import extract


def incoming_context(request: Request) -> otel_context.Context | None:
    """The caller's trace context, so the review joins the caller's trace; None without one."""
    if "traceparent" not in request.headers:
        return None
    return extract(dict(request.headers))
