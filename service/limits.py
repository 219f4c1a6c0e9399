"""The configurable limits a request must meet beyond its schema, in one place for every way a request arrives.

The HTTP routes (through ``service.api._common``) and ``oversight review`` (which does not import the web
framework: this module imports no FastAPI) check a validated request with :func:`check_limits`. A request
over a limit is a :class:`~service.errors.RequestInvalid` (``request_invalid``) naming the field
(docs/limits.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.errors import RequestInvalid
from service.policy.net import parse_ip
from service.schemas import ActionReviewRequest, ReviewRequest

if TYPE_CHECKING:
    from service.settings import Settings


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
    if isinstance(body, ActionReviewRequest) and body.goal is not None and len(body.goal) > settings.max_chars:
        raise RequestInvalid(f"goal over {settings.max_chars} characters", field="goal")
    url = getattr(body, "callback_url", None)
    if url is not None and not settings.callback_allow_private and not _may_be_public(url.host or ""):
        # Names are resolved (and checked again) when the callback is sent; a literal address or a loopback
        # name can be refused now, while the caller is still there to hear it.
        raise RequestInvalid(
            f"callback_url's host {url.host!r} is not a public address (set OVERSIGHT_CALLBACK_ALLOW_PRIVATE=true "
            "to send callbacks inside your own network)",
            field="callback_url",
        )


def _may_be_public(host: str) -> bool:
    """False for loopback names and for addresses (in any spelling a client accepts) that are not global."""
    name = host.strip("[]").lower().removesuffix(".")
    if name == "localhost" or name.endswith(".localhost"):
        return False
    address = parse_ip(name)
    return address is None or (address.is_global and not address.is_multicast)
