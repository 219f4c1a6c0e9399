"""Oversight's errors: a few meaningful roots, a stable code each, one HTTP mapping.

::

    OversightError                       (500, internal_error)
    ├── UserError                        caller misuse: 4xx
    │   ├── RequestInvalid               (422, request_invalid) the body fails the schema; names the field
    │   ├── PayloadTooLarge              (413, payload_too_large)
    │   ├── NotFound                     (404, not_found)
    │   ├── Conflict                     (409, conflict)
    │   │   └── IdempotencyKeyReused     (409, idempotency_key_reused) an Idempotency-Key sent with another upload
    │   ├── Unauthorized                 (401, unauthorized)
    │   ├── Forbidden                    (403, forbidden)
    │   └── TooManyRequests              (429, too_many_requests) back-pressure, with retry-after
    ├── ConfigurationError               start-up refused: bad policy, missing API key (never HTTP)
    └── ServiceUnavailable               (503, service_unavailable) store or graph not ready

Reviewer failures are not here: they live in ``service.reviewers.base`` and become a reviewer *outcome*
that the domain's ``on_reviewer_error`` turns into a verdict. Verdicts are values, never exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any


class OversightError(Exception):
    """Root of Oversight's own errors."""

    code = "internal_error"
    status = 500

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []
        self.headers = headers or {}


class UserError(OversightError):
    code = "bad_request"
    status = 400


class RequestInvalid(UserError):
    code = "request_invalid"
    status = 422


class PayloadTooLarge(UserError):
    code = "payload_too_large"
    status = 413


class NotFound(UserError):
    code = "not_found"
    status = 404


class Conflict(UserError):
    code = "conflict"
    status = 409


class IdempotencyKeyReused(Conflict):
    """The tenant already used this ``Idempotency-Key`` for a different request (``POST /v1/audits``)."""

    code = "idempotency_key_reused"


class Unauthorized(UserError):
    code = "unauthorized"
    status = 401


class Forbidden(UserError):
    code = "forbidden"
    status = 403


class TooManyRequests(UserError):
    code = "too_many_requests"
    status = 429


class UnsupportedMediaType(UserError):
    code = "unsupported_media_type"
    status = 415


class ConfigurationError(OversightError):
    """Start-up refused: the configuration cannot work. Never mapped to HTTP."""

    code = "configuration_error"


class ServiceUnavailable(OversightError):
    code = "service_unavailable"
    status = 503


_UNION_TAG = re.compile(r"(?:str|int|float|bool|bytes|none|list|dict|[A-Za-z_-]+\[.*\])")


def _headline(errors: Sequence[Any]) -> Any:
    """The error the answer names: the first, or, when a value failed every branch of a union (``content``: a string
    or a list of parts), the branch that got furthest into it. ``[{"text": "hi"}]`` for ``content`` is a list of
    parts missing its ``type``, not "Input should be a valid string"."""
    first = errors[0]
    head = tuple(p for p in first.get("loc", ()) if not (isinstance(p, str) and _UNION_TAG.fullmatch(p)))
    deepest = first
    for error in errors[1:]:
        loc = tuple(p for p in error.get("loc", ()) if not (isinstance(p, str) and _UNION_TAG.fullmatch(p)))
        if loc[: len(head)] != head:
            break  # another field's problem
        if len(loc) > len(head) and len(error.get("loc", ())) > len(deepest.get("loc", ())):
            deepest = error
    return deepest


MAX_ECHO = 500
"""An error message echoes what the caller sent (an id, a path): never more than this many characters of it."""
MAX_FIELD_ECHO = 200
"""A field path names what the caller sent too (an unknown key of any length): never more than this."""


def _clipped(text: Any, most: int) -> Any:
    return text[: most - 1] + "…" if isinstance(text, str) and len(text) > most else text


def error_object(code: str, message: str, field: str | None, details: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The one error object (docs/api.md, "Errors"), with what it echoes of the request clipped: ``message`` to
    ``MAX_ECHO`` characters, ``field`` and each detail's ``field`` to ``MAX_FIELD_ECHO``, each detail's ``message``
    to ``MAX_ECHO``. A 10,000-character key sent twice used to come back whole in ``field`` and ``details``."""
    return {
        "code": code,
        "message": _clipped(message, MAX_ECHO),
        "field": _clipped(field, MAX_FIELD_ECHO),
        "details": [
            {
                **d,
                **({"field": _clipped(d["field"], MAX_FIELD_ECHO)} if "field" in d else {}),
                **({"message": _clipped(d["message"], MAX_ECHO)} if "message" in d else {}),
            }
            for d in details
        ],
    }


def field_of(loc: Any) -> str | None:
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header") and not (isinstance(p, str) and _UNION_TAG.fullmatch(p))
    ]
    return ".".join(parts) or ("body" if loc and loc[0] == "body" else None)


def schema_error(errors: Sequence[Any]) -> tuple[str, str, str | None, list[dict[str, Any]]]:
    """A failed schema check as the API answers it (and ``oversight review``'s error records): ``(code, message,
    field, details)``. The message names the field first ("messages.0.role: Input should be …")."""
    first = _headline(errors) if errors else {"loc": ("body",), "msg": "invalid request", "type": "value_error"}
    code = "json_invalid" if first.get("type") == "json_invalid" else "request_invalid"
    details = [
        {"field": field_of(e.get("loc", ())), "message": plain_msg(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors[:20]
    ]
    field = field_of(first.get("loc", ()))
    return code, f"{field or 'body'}: {plain_msg(first.get('msg', 'invalid'))}", field, details


def plain_msg(msg: Any) -> str:
    """A pydantic error message without the ``Value error, `` / ``Assertion failed, `` pydantic puts before a
    validator's own words (first-run QA: "max_age_s: Value error, max_age_s (5) is below …")."""
    return str(msg).removeprefix("Value error, ").removeprefix("Assertion failed, ")
