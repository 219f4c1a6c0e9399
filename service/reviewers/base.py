"""The reviewer seam: one small protocol, several providers.

A reviewer reads one item (an answer or an agent action, with its conversation) and proposes a verdict.
It never decides: ``service.policy.decide`` does. Failures are raised as ``ReviewerError`` subclasses and
turned into a ``ReviewerOutcome`` by the graph, never into an approval::

    ReviewerError                 (code: reviewer_error)
    ├── ReviewerTimeout           the deadline passed           (reviewer_timeout)
    ├── ReviewerUnavailable       network / 5xx / 429 exhausted  (reviewer_unavailable)
    ├── ReviewerRejected          4xx the retry layer cannot fix (reviewer_rejected)
    ├── ReviewerInvalidOutput     garbage after one repair       (reviewer_invalid_output)
    └── ReviewerAbstained         the model refused or was cut off (reviewer_abstained)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from service.jsoncheck import BAD_TEXT
from service.policy.model import DomainPolicy
from service.schemas import Finding
from service.vocabulary import Domain, ResponseClass, Verdict

MAX_REWRITE_CHARS = 200_000
"""A rewrite is released to the user as the answer: no longer than an answer the API accepts by default."""


def _bad_text_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding NUL or an unpaired surrogate, else None."""
    if isinstance(value, str):
        return path or "(verdict)" if BAD_TEXT.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and BAD_TEXT.search(key):
                return sub
            if (found := _bad_text_path(item, sub)) is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if (found := _bad_text_path(item, f"{path}.{i}")) is not None:
                return found
    return None


class ReviewerVerdict(BaseModel):
    """The structured verdict every reviewer returns, whatever its vendor.

    Its text is held to the same rules as a request's: no NUL, no unpaired surrogate (neither UTF-8 nor
    PostgreSQL can store them), and a rewrite no longer than ``MAX_REWRITE_CHARS``. A verdict that breaks them
    is invalid output, repaired once and then a reviewer error, never a stored or released text.
    """

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    critique: str = Field(max_length=8000)
    response_class: ResponseClass | None = None
    findings: list[Finding] = Field(default_factory=list)
    rewrite: str | None = Field(
        default=None, max_length=MAX_REWRITE_CHARS, description="Replacement text; only with verdict rewrite."
    )
    confidence: float = Field(ge=0.0, le=1.0, strict=True)
    """A JSON number (an integer such as ``1`` is one); ``true`` or ``"0.9"`` is invalid output, not 1.0 or 0.9."""

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        if (where := _bad_text_path(data)) is not None:
            raise ValueError(f"`{where}` holds NUL (\\u0000) or an unpaired surrogate")
        return data

    def unfenced(self) -> ReviewerVerdict:
        """This verdict with the fence's escapes taken out of its text: a model reviewer read the answer with a word
        joiner inside every ``[[`` (:mod:`service.reviewers._fence`) and copies it into its rewrite, which would
        then reach the user as broken text (``if [\u2060[ -f x ]]``)."""
        from service.reviewers._fence import ESCAPE, restore

        if ESCAPE not in self.critique and not (self.rewrite and ESCAPE in self.rewrite):
            return self
        return self.model_copy(
            update={
                "critique": restore(self.critique),
                "rewrite": restore(self.rewrite) if self.rewrite else self.rewrite,
            }
        )

    @model_validator(mode="after")
    def _rewrite_only_with_rewrite(self) -> ReviewerVerdict:
        if self.verdict is Verdict.rewrite and not (self.rewrite and self.rewrite.strip()):
            raise ValueError("verdict rewrite needs a non-empty `rewrite`")
        if self.verdict is not Verdict.rewrite and self.rewrite:
            raise ValueError("`rewrite` is only allowed with verdict rewrite")
        return self


@dataclass(slots=True)
class Analysis:
    """What the deterministic policy check learned, shared with the reviewer so it is not computed twice."""

    response_class: ResponseClass | None = None
    response_class_confidence: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    placed: Domain | None = None
    """A higher-risk domain whose rules the answer met at their acting severity (``PolicyService._placed``): a
    request triage placed by keywords alone is moved there."""


@dataclass(slots=True)
class ReviewItem:
    """One thing to review. Every text field here is untrusted data."""

    kind: Literal["answer", "action"]
    domain: Domain
    policy: DomainPolicy
    output: str
    prompt: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    analysis: Analysis = field(default_factory=Analysis)
    action: dict[str, Any] | None = None
    goal: str | None = None
    deadline: float = field(default_factory=lambda: time.monotonic() + 10.0)
    revision: int = 0
    whole_answer_rules: frozenset[str] = frozenset()
    conversation_id: str = ""
    """The caller's conversation or agent session (``context.session_id``); empty when it gave none."""
    """Rules of every domain marked ``fixed_by_removal: false`` (a finding from another domain's rule that triage
    also ran is about the whole answer too): deleting their evidence does not fix the answer."""

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())


@dataclass(slots=True)
class ReviewerResult:
    """A reviewer's successful answer, with what it cost."""

    verdict: ReviewerVerdict
    provider: str
    model: str
    prompt_version: str = ""
    attempts: int = 1
    latency_ms: float = 0.0
    usage: dict[str, int] = field(default_factory=dict)
    response_model: str = ""
    """The ``model`` the vendor's answer names (e.g. a dated snapshot of ``model``); empty when unknown."""
    response_id: str = ""
    """The vendor's id of the answer the verdict came from (``msg_…``, ``chatcmpl-…``); empty when unknown."""
    finish_reasons: tuple[str, ...] = ()
    """Why the vendor's answer ended (``tool_use``, ``stop`` …), one per choice; empty when unknown."""


class ReviewerError(Exception):
    """A reviewer call failed; the domain's ``on_reviewer_error`` decides what happens.

    ``attempts`` counts the HTTP calls made (0 when none was, e.g. a full bulkhead or an expired deadline);
    ``status`` is the HTTP status of the last failed call, when there was one.
    """

    code = "reviewer_error"
    response_id: str = ""
    """The vendor's id of the last answer, when the call failed on an answer (an abstention, an invalid verdict)."""
    finish_reasons: tuple[str, ...] = ()
    """Why that answer ended (``refusal``, ``max_tokens``, ``length`` …), when known."""

    def __init__(
        self, message: str, *, attempts: int = 0, usage: dict[str, int] | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or {}
        self.status = status


class ReviewerTimeout(ReviewerError):
    code = "reviewer_timeout"


class ReviewerUnavailable(ReviewerError):
    code = "reviewer_unavailable"


class ReviewerRejected(ReviewerError):
    code = "reviewer_rejected"


class ReviewerInvalidOutput(ReviewerError):
    code = "reviewer_invalid_output"


class ReviewerAbstained(ReviewerError):
    """The reviewer model refused to review, or stopped at its token limit.

    ``declined``: the model refused the content (a safety refusal, a content filter), which says something about
    the content; a fallback reviewer is not asked then (see ``graphs/nodes.py``). A cut-off answer is not declined.
    """

    code = "reviewer_abstained"

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        usage: dict[str, int] | None = None,
        status: int | None = None,
        declined: bool = False,
    ) -> None:
        super().__init__(message, attempts=attempts, usage=usage, status=status)
        self.declined = declined


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"key {key[:100]!r} appears twice (parsers disagree on which one wins)")
            seen.add(key)
    return obj


def verdict_problems(exc: ValidationError) -> str:
    """What is wrong with a verdict, one line per field joined by "; " (``confidence: Input should be less than or
    equal to 1``): no documentation link, no line breaks and no quote of the model's own value, for the repair
    message, the decision's ``reviewer_outcome.detail`` and the logs."""
    return "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or 'verdict'}: {' '.join(str(e['msg']).split())}"
        for e in exc.errors(include_url=False, include_input=False)
    )


def loads_verdict(text: str) -> Any:
    """Parse a reviewer's JSON verdict; a key given twice is an error (``ValueError``), as in requests."""
    return json.loads(text, object_pairs_hook=_unique_keys)


def api_answer(body: object, label: str, attempts: int) -> None:
    """A 200 whose body is not JSON at all (the SDK hands it over as text: a proxy's or gateway's HTML error page)
    is no answer of the vendor's: ``ReviewerUnavailable``, an outage for the circuit breaker, as the 502 behind it
    would be. Before, it was invalid output ("the vendor answered"), which closed an open circuit, so the circuit
    read healthy while every call failed."""
    if isinstance(body, str | bytes):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        raise ReviewerUnavailable(
            f"{label} answered 200 with a body that is not JSON (a proxy's or gateway's error page?): "
            f"{' '.join(text.split())[:120]!r}",
            attempts=attempts,
        )


@contextmanager
def answer_shape(label: str) -> Iterator[None]:
    """Reading a model API's answer: a body that is not the documented shape is invalid output.

    The official SDKs build response objects without validating them, so an HTTP 200 whose body is HTML, a
    JSON array or a message with the wrong types surfaces as ``AttributeError`` / ``TypeError`` (and kin) only
    when the answer is read. That is a reviewer answering garbage: ``ReviewerInvalidOutput``, never a crash.
    """
    try:
        yield
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise ReviewerInvalidOutput(
            f"{label} answered with a body that is not the documented shape ({type(exc).__name__}: {str(exc)[:200]})"
        ) from exc


@runtime_checkable
class Reviewer(Protocol):
    """Anything that can review an item. Implementations must honour ``item.deadline``."""

    provider: str
    model: str

    async def review(self, item: ReviewItem) -> ReviewerResult:
        """Return a verdict or raise ``ReviewerError``."""
        ...

    async def aclose(self) -> None:
        """Release clients and connections."""
        ...
