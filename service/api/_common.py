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
    415: {"model": ErrorResponse, "description": "The body is not `application/json` (UTF-8)."},
    422: {
        "model": ErrorResponse,
        "description": "The body is not acceptable JSON or fails the schema or a limit; `code` says which "
        "(docs/limits.md), `field` names the field.",
    },
    429: {
        "model": ErrorResponse,
        "description": "Too many reviews in flight (process or key); retry after `retry-after`.",
    },
}


def check_limits(body: ReviewRequest | ActionReviewRequest, settings: Settings) -> None:
    """Configurable size limits the schema cannot express."""
    messages = body.messages if isinstance(body, ReviewRequest) else body.transcript
    name = "messages" if isinstance(body, ReviewRequest) else "transcript"
    if len(messages) > settings.max_messages:
        raise RequestInvalid(f"{len(messages)} messages is over the limit of {settings.max_messages}", field=name)
    for i, m in enumerate(messages):
        if len(m.text()) > settings.max_chars:
            raise RequestInvalid(f"message over {settings.max_chars} characters", field=f"{name}.{i}.content")
    if isinstance(body, ReviewRequest) and len(body.output) > settings.max_chars:
        raise RequestInvalid(f"output over {settings.max_chars} characters", field="output")


def _in_flight_key(principal: Principal) -> str:
    """Whose share of the cap a review counts against: the API key, else (open mode) the tenant."""
    return f"key:{principal.key_id}" if principal.key_id is not None else f"tenant:{principal.tenant}"


@asynccontextmanager
async def in_flight(app: FastAPI, principal: Principal) -> AsyncIterator[None]:
    """Count reviews in flight per process and per key; beyond either cap answer 429 at once.

    Nothing queues: a caller over the cap gets ``429 too_many_requests`` with ``retry-after`` while the
    reviews already admitted keep running.
    """
    state = app.state
    settings: Settings = state.settings
    per_key: dict[str, int] | None = getattr(state, "in_flight_by_key", None)
    if per_key is None:
        per_key = state.in_flight_by_key = {}
    key = _in_flight_key(principal)
    if state.in_flight >= settings.max_in_flight:
        raise TooManyRequests(
            f"{settings.max_in_flight} reviews in flight; retry shortly", headers={"retry-after": "1"}
        )
    if per_key.get(key, 0) >= settings.max_in_flight_per_key:
        raise TooManyRequests(
            f"{settings.max_in_flight_per_key} reviews in flight for this key; retry shortly",
            headers={"retry-after": "1"},
        )
    state.in_flight += 1
    per_key[key] = per_key.get(key, 0) + 1
    try:
        yield
    finally:
        state.in_flight -= 1
        left = per_key[key] - 1
        if left:
            per_key[key] = left
        else:
            del per_key[key]  # bounded by the number of keys with reviews in flight right now
