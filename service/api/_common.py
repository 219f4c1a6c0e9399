"""Helpers shared by the routers: limits, back-pressure, documented error responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from service.deps import Principal
from service.errors import RequestInvalid, TooManyRequests
from service.schemas import ActionReviewRequest, ErrorResponse, ReviewRequest
from service.settings import Settings

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or unknown API key."},
    403: {"model": ErrorResponse, "description": "The key's role does not allow this."},
    404: {"model": ErrorResponse, "description": "Not found (or another tenant's)."},
    413: {"model": ErrorResponse, "description": "Body over OVERSIGHT_MAX_BODY_BYTES."},
    422: {"model": ErrorResponse, "description": "The body fails the schema; `field` names the field."},
    429: {"model": ErrorResponse, "description": "Too many reviews in flight; retry after `retry-after`."},
}


def check_limits(body: ReviewRequest | ActionReviewRequest, settings: Settings) -> None:
    """Configurable size limits the schema cannot express."""
    messages = body.messages if isinstance(body, ReviewRequest) else body.transcript
    name = "messages" if isinstance(body, ReviewRequest) else "transcript"
    if len(messages) > settings.max_messages:
        raise RequestInvalid(
            f"{len(messages)} messages is over the limit of {settings.max_messages}", field=name
        )
    for i, m in enumerate(messages):
        if len(m.text()) > settings.max_chars:
            raise RequestInvalid(f"message over {settings.max_chars} characters", field=f"{name}.{i}.content")
    if isinstance(body, ReviewRequest) and len(body.output) > settings.max_chars:
        raise RequestInvalid(f"output over {settings.max_chars} characters", field="output")


@asynccontextmanager
async def in_flight(app: FastAPI, principal: Principal) -> AsyncIterator[None]:
    """Count reviews in flight; beyond the cap answer 429 at once instead of queueing without bound."""
    state = app.state
    limit: int = state.settings.max_in_flight
    if state.in_flight >= limit:
        raise TooManyRequests(f"{limit} reviews in flight; retry shortly", headers={"retry-after": "1"})
    state.in_flight += 1
    try:
        yield
    finally:
        state.in_flight -= 1
