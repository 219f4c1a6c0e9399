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
