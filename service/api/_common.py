"""Helpers shared by the routers: limits, back-pressure, documented error responses."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from service.deps import Principal
from service.errors import TooManyRequests
from service.limits import check_limits as check_limits  # the routes' import; lives where the CLI can reach it
from service.schemas import ErrorResponse
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


DUPLICATE_REQUEST: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "`duplicate_request`: the request `id` was already used for a different request (field `id`).",
    }
}
"""Documented on the routes that take an idempotency key."""

PARSED_JSON = "oversight.json_body"
"""Scope key under which ``JsonGuard`` leaves the request body it has parsed and checked."""

DOCUMENTED_BODIES: dict[str, type[BaseModel]] = {}
"""Request models of routes that validate their own body, added to the OpenAPI components by ``service.main``."""

_M = TypeVar("_M", bound=BaseModel)


class RequestRoute(APIRoute):
    """A route whose endpoint takes only the ``Request`` and returns a ``Response``, served without FastAPI's
    per-request machinery (parameter and dependency solving, body reading, response serialisation).

    FastAPI's documented extension point (a custom ``APIRoute`` overriding ``get_route_handler``). OpenAPI is
    generated from the route as for any other (``openapi_extra=json_body_doc(...)`` documents the body); the
    endpoint reads its body with ``json_body`` and its caller with ``service.deps.get_principal`` itself. Used for
    ``POST /v1/reviews``, where that machinery was ~5 % of a local review's CPU.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        dependant = self.dependant
        if dependant.dependencies or dependant.query_params or dependant.header_params or dependant.body_params:
            raise TypeError(f"{self.path}: a RequestRoute endpoint takes the Request only")
        endpoint: Callable[[Request], Coroutine[Any, Any, Response]] = self.endpoint
        return endpoint


def json_body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting a required JSON body of ``model`` for a route that reads it with ``json_body``."""
    DOCUMENTED_BODIES[model.__name__] = model
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"content": {"application/json": {"schema": schema}}, "required": True}}


async def json_body(request: Request, model: type[_M]) -> _M:
    """The request's JSON body validated as ``model``, failing exactly as a FastAPI body parameter would.

    The hot routes (``POST /v1/reviews``) take their body this way instead of as a parameter: ``JsonGuard`` has
    already parsed the JSON to check it, and FastAPI would parse it again and run its body machinery (content-type
    parsing with ``email.message``, a nested dependency solve): ~4 % of a local review's CPU, measured with
    callgrind. Validation errors keep FastAPI's shape (``loc`` starts with ``"body"``), so the 422 is the same.
    """
    value = request.scope.get(PARSED_JSON, request)
    if value is request:  # not under JsonGuard (a route mounted elsewhere): parse here
        raw = await request.body()
        if not raw:
            raise RequestValidationError(
                [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
            )
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        try:
            # As FastAPI: JSON is parsed only under a JSON media type; other bodies are validated as bytes.
            value = json.loads(raw) if media == "application/json" or media.endswith("+json") else raw
        except UnicodeDecodeError:
            raise HTTPException(status_code=400, detail="There was an error parsing the body") from None
        except json.JSONDecodeError as exc:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", exc.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": exc.msg},
                    }
                ]
            ) from None
    try:
        return model.model_validate(value, from_attributes=True)  # as FastAPI validates a body parameter
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _in_flight_key(principal: Principal) -> str:
    """Whose share of the cap a review counts against: the API key, else (open mode) the tenant."""
    return f"key:{principal.key_id}" if principal.key_id is not None else f"tenant:{principal.tenant}"


class in_flight:  # lower case: used as ``async with in_flight(app, principal)``, like a function
    """Count reviews in flight per process and per key; beyond either cap answer 429 at once.

    Nothing queues: a caller over the cap gets ``429 too_many_requests`` with ``retry-after`` while the
    reviews already admitted keep running. (A class rather than ``@asynccontextmanager``: it runs on every
    review, and the generator machinery cost ~3 us of it.)
    """

    __slots__ = ("key", "per_key", "state")

    def __init__(self, app: FastAPI, principal: Principal) -> None:
        self.state = app.state
        self.key = _in_flight_key(principal)
        per_key: dict[str, int] | None = getattr(self.state, "in_flight_by_key", None)
        if per_key is None:
            per_key = self.state.in_flight_by_key = {}
        self.per_key = per_key

    async def __aenter__(self) -> None:
        state, per_key, key = self.state, self.per_key, self.key
        settings: Settings = state.settings
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

    async def __aexit__(self, *exc: object) -> None:
        self.state.in_flight -= 1
        left = self.per_key[self.key] - 1
        if left:
            self.per_key[self.key] = left
        else:
            del self.per_key[self.key]  # bounded by the number of keys with reviews in flight right now
