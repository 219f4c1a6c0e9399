"""A scriptable fake model server speaking the Anthropic Messages and OpenAI Chat Completions wire formats.

One small Starlette app, served by uvicorn on a free loopback port in a background thread, so the real
``anthropic`` and ``openai`` SDKs talk real HTTP to it (nothing is mocked on the client side)::

    server = FakeModelServer().start()
    server.script(Reply.rate_limited(retry_after=1), Reply.verdict())
    AsyncAnthropic(base_url=server.anthropic_base_url, api_key="test", max_retries=0)
    AsyncOpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0)
    server.requests   # what arrived: path, headers, JSON body

Replies are consumed in order by whichever endpoint is called; when the script is empty every request gets
a valid ``approve`` verdict. ``server.reject_json_schema = True`` makes the OpenAI endpoint answer 400 to any
``response_format`` of type ``json_schema`` (without consuming a scripted reply), like servers that only
know JSON mode.

Success and error bodies follow the real shapes (ids, ``usage`` fields, ``{"type":"error","error":{...}}``
for Anthropic, ``{"error":{"message","type","param","code"}}`` for OpenAI). The Anthropic side simulates
prompt caching: the first request with a given ``tools`` + ``system`` prefix reports
``cache_creation_input_tokens``, later ones ``cache_read_input_tokens``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ReplyKind = Literal[
    "verdict", "error", "malformed", "invalid", "truncated", "refusal", "drop", "raw", "text", "content", "verdicts"
]

DEFAULT_VERDICT: dict[str, Any] = {
    "verdict": "approve",
    "critique": "The answer is accurate and safe.",
    "response_class": "full_compliance",
    "findings": [],
    "rewrite": None,
    "confidence": 0.9,
}

_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "api_error",
    502: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_OPENAI_ERRORS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", "service_unavailable"),
    504: ("server_error", None),
    529: ("server_error", "overloaded"),
}


@dataclass
class Reply:
    """One scripted response. Build with the class methods."""

    kind: ReplyKind = "verdict"
    verdict: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_VERDICT))
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    message: str = ""
    error_code: str | None = None
    body: Any = None
    model: str | None = None
    """The ``model`` the answer names (default: the model the request asked for)."""
    usage: bool = True
    """False: the answer carries no ``usage`` (OpenAI's shape only: some OpenAI-compatible gateways drop it)."""

    def answered_by(self, model: str) -> Reply:
        """This reply, naming ``model`` as the model that answered (a dated snapshot, say)."""
        self.model = model
        return self

    def without_usage(self) -> Reply:
        """This reply with no ``usage`` member, as some OpenAI-compatible gateways answer."""
        self.usage = False
        return self

    # -- successes
    @classmethod
    def ok(cls, latency: float = 0.0, **fields: Any) -> Reply:
        """A valid verdict (``approve`` unless fields override it)."""
        return cls("verdict", verdict={**DEFAULT_VERDICT, **fields}, latency=latency)

    @classmethod
    def slow(cls, seconds: float, **fields: Any) -> Reply:
        return cls.ok(latency=seconds, **fields)

    # -- HTTP errors
    @classmethod
    def error(
        cls, status: int, message: str = "", *, headers: dict[str, str] | None = None, code: str | None = None
    ) -> Reply:
        return cls("error", status=status, headers=dict(headers or {}), message=message, error_code=code)

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1, *, retry_after_ms: float | None = None) -> Reply:
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["retry-after"] = f"{retry_after:g}"
        if retry_after_ms is not None:
            headers["retry-after-ms"] = f"{retry_after_ms:g}"
        return cls.error(429, "Rate limited: too many requests.", headers=headers)

    @classmethod
    def overloaded(cls) -> Reply:
        return cls.error(529, "Overloaded")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "Internal server error")

    # -- bad output
    @classmethod
    def malformed(cls) -> Reply:
        """Broken JSON where the verdict should be (tool input as a truncated string / content)."""
        return cls("malformed")

    @classmethod
    def invalid(cls, **fields: Any) -> Reply:
        """Well-formed JSON that fails the verdict schema (default: rewrite without a rewrite)."""
        bad = {**DEFAULT_VERDICT, "verdict": "rewrite", "rewrite": None, **fields}
        return cls("invalid", verdict=bad)

    @classmethod
    def truncated(cls) -> Reply:
        """Cut off at the token limit (``stop_reason: max_tokens`` / ``finish_reason: length``)."""
        return cls("truncated")

    @classmethod
    def refusal(cls) -> Reply:
        """The model refuses (``stop_reason: refusal`` / ``message.refusal``)."""
        return cls("refusal")

    @classmethod
    def drop(cls) -> Reply:
        """Close the socket without sending any response."""
        return cls("drop")

    @classmethod
    def raw(cls, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls("raw", body=body, status=status, headers=dict(headers or {}))

    @classmethod
    def text(cls, body: str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Reply:
        """A body that is not JSON at all (a proxy's error page answered with 200)."""
        return cls("text", body=body, status=status, headers={"content-type": content_type})

    @classmethod
    def verdicts(cls, *verdicts: dict[str, Any]) -> Reply:
        """Several verdicts in one answer: one ``submit_verdict`` tool_use block each (``stop_reason:
        tool_use``) for Anthropic, one choice each for OpenAI. Each dict overrides the default verdict."""
        return cls("verdicts", body=[{**DEFAULT_VERDICT, **v} for v in verdicts])

    @classmethod
    def content(cls, text: str) -> Reply:
        """A well-formed API answer whose verdict is exactly ``text`` (OpenAI message content; Anthropic tool
        input given as a string), for verdict JSON the dict form cannot express, such as a key given twice."""
        return cls("content", body=text)


@dataclass
class Recorded:
    """One request the server received."""

    api: Literal["anthropic", "openai"]
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


def _rid(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(12)}"


class FakeModelServer:
    """The app plus its uvicorn thread. Thread-safe script and record lists."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.reject_json_schema = False
        self._prefixes: set[str] = set()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.app = Starlette(
            routes=[
                Route("/v1/messages", self._anthropic, methods=["POST"]),
                Route("/v1/chat/completions", self._openai, methods=["POST"]),
            ]
        )

    # ------------------------------------------------------------------ control
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self._prefixes.clear()
            self.reject_json_schema = False

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def _next(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else Reply.ok()

    def _record(self, api: Literal["anthropic", "openai"], request: Request, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(
                Recorded(
                    api, request.url.path, {k.lower(): v for k, v in request.headers.items()}, body, time.monotonic()
                )
            )

    def start(self) -> FakeModelServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            http="h11",
            loop="asyncio",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-model-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake model server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    async def _wait(request: Request, seconds: float) -> bool:
        """Sleep up to ``seconds``; False if the client went away meanwhile."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await asyncio.sleep(min(0.02, max(0.0, end - time.monotonic())))
            if await request.is_disconnected():
                return False
        return True

    @staticmethod
    def _drop(request: Request) -> Response | None:
        """Abort the TCP connection under this request (uvicorn's h11 protocol)."""
        cycle = getattr(request.receive, "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is None:  # pragma: no cover - another server implementation
            return JSONResponse({"error": "cannot drop the connection"}, status_code=599)
        transport.abort()
        return None

    async def _body(self, request: Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.body())
        except ValueError:
            data = {"_unparseable": True}
        return data if isinstance(data, dict) else {"_non_object": data}

    # ------------------------------------------------------------------ Anthropic Messages
    async def _anthropic(self, request: Request) -> Response:
        body = await self._body(request)
        self._record("anthropic", request, body)
        reply = self._next()
        if reply.latency and not await self._wait(request, reply.latency):
            return Response(status_code=499)
        if reply.kind == "drop":
            return self._drop(request) or Response(status_code=599)
        headers = {"request-id": _rid("req_"), **reply.headers}
        if reply.kind == "raw":
            return JSONResponse(reply.body, status_code=reply.status, headers=headers)
        if reply.kind == "text":
            return Response(reply.body, status_code=reply.status, headers=headers)
        if reply.kind == "error":
            err_type = _ANTHROPIC_ERROR_TYPES.get(reply.status, "api_error")
            return JSONResponse(
                {
                    "type": "error",
                    "error": {"type": err_type, "message": reply.message or err_type},
                    "request_id": headers["request-id"],
                },
                status_code=reply.status,
                headers=headers,
            )
        tool_name = "submit_verdict"
        for t in body.get("tools") or []:
            if isinstance(t, dict) and "name" in t:
                tool_name = t["name"]
                break
        prefix = json.dumps([body.get("tools"), body.get("system")], sort_keys=True)
        prefix_tokens = max(1, len(prefix) // 4)
        with self._lock:
            cached = prefix in self._prefixes
            self._prefixes.add(prefix)
        usage = {
            "input_tokens": max(1, len(json.dumps(body.get("messages"))) // 4),
            "cache_creation_input_tokens": 0 if cached else prefix_tokens,
            "cache_read_input_tokens": prefix_tokens if cached else 0,
            "cache_creation": {
                "ephemeral_5m_input_tokens": 0 if cached else prefix_tokens,
                "ephemeral_1h_input_tokens": 0,
            },
            "output_tokens": 57,
            "service_tier": "standard",
        }
        content: list[dict[str, Any]]
        stop_reason = "tool_use"
        if reply.kind in ("verdict", "invalid"):
            content = [{"type": "tool_use", "id": _rid("toolu_"), "name": tool_name, "input": reply.verdict}]
        elif reply.kind == "malformed":
            text = json.dumps(reply.verdict)[:25]
            content = [{"type": "tool_use", "id": _rid("toolu_"), "name": tool_name, "input": text}]
        elif reply.kind == "content":
            content = [{"type": "tool_use", "id": _rid("toolu_"), "name": tool_name, "input": reply.body}]
        elif reply.kind == "verdicts":
            content = [{"type": "tool_use", "id": _rid("toolu_"), "name": tool_name, "input": v} for v in reply.body]
        elif reply.kind == "truncated":
            content = [{"type": "text", "text": "Let me think about this answer carefully. First,"}]
            stop_reason = "max_tokens"
        else:  # refusal
            content = [{"type": "text", "text": "I can't help with reviewing this."}]
            stop_reason = "refusal"
        message = {
            "id": _rid("msg_"),
            "type": "message",
            "role": "assistant",
            "model": reply.model or body.get("model", "claude-test"),
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }
        # ASCII-escaped JSON, as the vendors send it: a lone surrogate travels as a \\u escape.
        return Response(json.dumps(message), media_type="application/json", headers=headers)

    # ------------------------------------------------------------------ OpenAI Chat Completions
    async def _openai(self, request: Request) -> Response:
        body = await self._body(request)
        self._record("openai", request, body)
        headers = {"x-request-id": _rid("req_"), "openai-processing-ms": "12"}
        rf = body.get("response_format")
        if self.reject_json_schema and isinstance(rf, dict) and rf.get("type") == "json_schema":
            return JSONResponse(
                {
                    "error": {
                        "message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported "
                        "with this model.",
                        "type": "invalid_request_error",
                        "param": "response_format",
                        "code": None,
                    }
                },
                status_code=400,
                headers=headers,
            )
        reply = self._next()
        if reply.latency and not await self._wait(request, reply.latency):
            return Response(status_code=499)
        if reply.kind == "drop":
            return self._drop(request) or Response(status_code=599)
        headers.update(reply.headers)
        if reply.kind == "raw":
            return JSONResponse(reply.body, status_code=reply.status, headers=headers)
        if reply.kind == "text":
            return Response(reply.body, status_code=reply.status, headers=headers)
        if reply.kind == "error":
            typ, code = _OPENAI_ERRORS.get(reply.status, ("server_error", None))
            return JSONResponse(
                {
                    "error": {
                        "message": reply.message or typ,
                        "type": typ,
                        "param": None,
                        "code": reply.error_code or code,
                    }
                },
                status_code=reply.status,
                headers=headers,
            )
        finish_reason = "stop"
        refusal: str | None = None
        content: str | None
        more: list[str] = []  # the contents of further choices
        if reply.kind in ("verdict", "invalid"):
            content = json.dumps(reply.verdict)
        elif reply.kind == "verdicts":
            content, *more = [json.dumps(v) for v in reply.body]
        elif reply.kind == "malformed":
            content = json.dumps(reply.verdict)[:25]
        elif reply.kind == "content":
            content = reply.body
        elif reply.kind == "truncated":
            content = json.dumps(reply.verdict)[:40]
            finish_reason = "length"
        else:  # refusal
            content = None
            refusal = "I'm sorry, I can't assist with that."
        prompt_tokens = max(1, len(json.dumps(body.get("messages"))) // 4)
        completion = {
            "id": _rid("chatcmpl-"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": reply.model or body.get("model", "gpt-test"),
            "choices": [
                {
                    "index": i,
                    "message": {"role": "assistant", "content": text, "refusal": refusal, "annotations": []},
                    "finish_reason": finish_reason,
                    "logprobs": None,
                }
                for i, text in enumerate([content, *more])
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": 42,
                "total_tokens": prompt_tokens + 42,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }
        if not reply.usage:
            del completion["usage"]
        # ASCII-escaped JSON, as the vendors send it: a lone surrogate travels as a \\u escape.
        return Response(json.dumps(completion), media_type="application/json", headers=headers)


def prefix_digest(body: dict[str, Any]) -> str:
    """SHA-256 of the cacheable prefix (tools + system) of an Anthropic request body."""
    raw = json.dumps([body.get("tools"), body.get("system")], sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()


@contextlib.contextmanager
def running_server() -> Any:
    server = FakeModelServer().start()
    try:
        yield server
    finally:
        server.stop()
