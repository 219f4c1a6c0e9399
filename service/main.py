"""``create_app()``: the FastAPI application. Resources are built once in ``lifespan``."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import __version__
from service.api import ops, reviews
from service.errors import OversightError
from service.runtime import Runtime
from service.settings import Settings, get_settings
from service.telemetry import setup_tracing

log = logging.getLogger("oversight")


def _error(status: int, code: str, message: str, field: str | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status)


class BodyLimit:
    """Reject bodies over the limit with 413 before they are read into memory (pure ASGI, cheap)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _error(413, "payload_too_large", f"body over {self.max_bytes} bytes")(scope, receive, send)
                return
        seen = 0
        answered = False

        async def limited() -> Message:
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answer 413 now; the app sees a disconnect and whatever it sends is dropped.
                    answered = True
                    await _error(413, "payload_too_large", f"body over {self.max_bytes} bytes")(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not answered:
                await send(message)

        await self.app(scope, limited, guarded_send)




def _field(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ("body" if loc and loc[0] == "body" else None)


def create_app(settings: Settings | None = None, *, reviewer: Any = None) -> FastAPI:
    """Build the app. ``reviewer`` overrides the default reviewer (tests and benchmarks)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        setup_tracing()
        async with Runtime.open(settings, reviewer=reviewer) as runtime:
            app.state.runtime = runtime
            app.state.settings = settings
            app.state.in_flight = 0
            for hook in list(app.state.startup_hooks):
                await hook(app)
            # Long-lived start-up objects never need collecting; freezing them removes 20-40 ms GC stalls.
            gc.collect()
            gc.freeze()
            try:
                yield
            finally:
                for hook in list(app.state.shutdown_hooks):
                    await hook(app)

    app = FastAPI(
        title="Oversight",
        version=__version__,
        summary="A conservative cross-model reviewer between a fast model and its users.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(OversightError)
    async def oversight_error(_: Request, exc: OversightError) -> JSONResponse:
        response = _error(exc.status, exc.code, exc.message, exc.field, details=exc.details)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": ("body",), "msg": "invalid request", "type": "value_error"}
        code = "json_invalid" if first.get("type") == "json_invalid" else "request_invalid"
        details = [
            {"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in errors[:20]
        ]
        field = _field(first.get("loc", ()))
        return _error(422, code, f"{field or 'body'}: {first.get('msg', 'invalid')}", field, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}
        return _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", type(exc).__name__, exc_info=exc)
        return _error(500, "internal_error", "internal error")

    app.include_router(reviews.router)
    app.include_router(ops.router)
    # Feature modules: each has a ``router`` and may have ``install(app)`` to add start-up/shut-down hooks.
    for module in _feature_modules():
        app.include_router(module.router)
        install = getattr(module, "install", None)
        if install is not None:
            install(app)
    return app


def _feature_modules() -> list[Any]:
    import importlib

    names = ("actions", "hooks", "escalations", "console", "audits", "observability")
    return [importlib.import_module(f"service.api.{name}") for name in names]
