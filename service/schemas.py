"""Public API models: what callers send and what Oversight answers.

Every model here is part of the v1 contract and appears in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StrictInt

from service.vocabulary import (
    Domain,
    ResponseClass,
    ReviewerOutcomeKind,
    Risk,
    Severity,
    Verdict,
)

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Evidence(BaseModel):
    """The span of text a finding points at."""

    model_config = _STRICT

    text: str = Field(description="The quoted text.")
    source: Literal["output", "messages", "action", "transcript", "rewrite"] = "output"
    start: int | None = Field(default=None, ge=0, description="Character offset in the source, if known.")
    end: int | None = Field(default=None, ge=0)


class Finding(BaseModel):
    """One concrete problem: a rule, how bad it is, what it says and where."""

    model_config = _STRICT

    rule: str = Field(min_length=1, max_length=200)
    severity: Severity
    message: str = Field(max_length=2000)
    evidence: Evidence | None = None


class ContentPart(BaseModel):
    """One part of a multi-part chat message (OpenAI shape); only text is reviewed."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """A message in OpenAI chat shape."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = Field(default=None, max_length=200)

    def text(self) -> str:
        """The message's text content, parts joined by newlines."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if p.text)


class FastModel(BaseModel):
    """The fast model whose output is under review."""

    model_config = _STRICT

    provider: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    version: str | None = Field(default=None, max_length=100)

    def label(self) -> str:
        """``name@version`` (``unknown`` for missing parts)."""
        return f"{self.name or 'unknown'}@{self.version or 'unknown'}"


class RequestContext(BaseModel):
    """Where the request comes from; used for segmentation, never for the verdict."""

    model_config = _STRICT

    tenant: str | None = Field(default=None, max_length=200)
    session_id: str | None = Field(default=None, max_length=200)
    locale: str | None = Field(default=None, max_length=35)
    intent: str | None = Field(default=None, max_length=200)


IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:\-]+$")]


class ReviewRequest(BaseModel):
    """Review one answer of a fast model."""

    model_config = _STRICT

    id: IdempotencyKey | None = Field(
        default=None, description="Idempotency key: the same id returns the stored decision."
    )
    domain: Domain | None = Field(default=None, description="The caller's domain; inferred when absent.")
    messages: list[ChatMessage] = Field(default_factory=list, description="The conversation, OpenAI chat shape.")
    output: str = Field(description="The fast model's answer under review.")
    model: FastModel = Field(default_factory=FastModel)
    context: RequestContext = Field(default_factory=RequestContext)
    # Strict: `true` is not 1 ms and "100" is not a number (the API documents an integer).
    timeout_ms: StrictInt | None = Field(default=None, ge=50, le=600_000, description="Deadline for the review.")
    callback_url: HttpUrl | None = Field(
        default=None, description="Where the final decision of an escalated review is POSTed."
    )

    def prompt(self) -> str:
        """The last user message: what the fast model was asked."""
        for m in reversed(self.messages):
            if m.role == "user":
                return m.text()
        return ""


class AgentAction(BaseModel):
    """A coding agent's proposed tool call."""

    model_config = _STRICT

    tool: str = Field(
        min_length=1,
        max_length=300,
        description=(
            "shell, write_file, edit_file, read_file, http_request, sandbox_grant, mcp:<server>/<tool>, "
            "or dynamic:[<namespace>/]<tool>."
        ),
    )
    input: dict[str, Any] = Field(default_factory=dict)
    cwd: str | None = Field(default=None, max_length=4096)


class AgentInfo(BaseModel):
    """The agent that proposed the action."""

    model_config = _STRICT

    name: str | None = Field(default=None, max_length=200)
    version: str | None = Field(default=None, max_length=100)
    session: str | None = Field(default=None, max_length=200)
    agent_id: str | None = Field(
        default=None,
        max_length=200,
        description="Which agent of the session proposed it, when the agent names one (Claude Code's `agent_id`: a "
        "subagent, or the agent of an `--agent` session). A turn-ended report closes only the escalations of its own "
        "`agent_id` (`POST /v1/actions/turn-ended`).",
    )


class ActionReviewRequest(BaseModel):
    """Review one coding-agent action before it runs."""

    model_config = _STRICT

    id: IdempotencyKey | None = None
    action: AgentAction
    goal: str | None = Field(default=None, description="The user's task, in the user's words.")
    transcript: list[ChatMessage] = Field(default_factory=list)
    agent: AgentInfo = Field(default_factory=AgentInfo)
    context: RequestContext = Field(default_factory=RequestContext)
    timeout_ms: StrictInt | None = Field(default=None, ge=50, le=600_000)
    hold_ms: StrictInt | None = Field(
        default=None,
        ge=1,
        le=86_400_000,
        description="If the action escalates, how long the caller holds it waiting for a human (an agent hook's "
        "--hold). Reviewers see the time left, and such items come first in the inbox.",
    )
    asks_user: bool = Field(
        default=False,
        description="If the action escalates, the caller asks its own user (an agent's permission prompt: the "
        "Claude Code hook's `ask`). Only then may the caller later report that the action ran "
        "(`POST /v1/actions/ran`), which closes the escalation as the user's approval. Excludes `hold_ms`.",
    )


class ReviewerInfo(BaseModel):
    """Which reviewer produced the decision."""

    provider: str
    model: str


class FallbackFrom(BaseModel):
    """The primary reviewer's call, when it abstained or failed and the domain's fallback reviewer answered."""

    provider: str
    model: str
    kind: ReviewerOutcomeKind
    error: str | None = None
    detail: str | None = None
    attempts: int = 0
    usage: dict[str, int] = Field(default_factory=dict)


class ReviewerOutcome(BaseModel):
    """What the reviewer call itself produced: a verdict, an abstention or an error."""

    kind: ReviewerOutcomeKind
    error: str | None = Field(default=None, description="A stable error code when kind is error or abstain.")
    detail: str | None = None
    attempts: int = 0
    latency_ms: float | None = None
    usage: dict[str, int] = Field(default_factory=dict)
    fallback_from: FallbackFrom | None = Field(
        default=None, description="The primary reviewer's failed call, when the fallback reviewer answered instead."
    )


SYSTEM_TIMEOUT = "system:timeout"
"""``resolved_by`` of an escalation closed by its domain's time limit."""
AGENT_USER = "agent-user:"
"""``resolved_by`` prefix (then the agent's name) of an escalation the user approved at the agent's own permission
prompt: the agent reported that the action ran (``POST /v1/actions/ran``)."""


class EscalationInfo(BaseModel):
    """How a human resolved an escalated review."""

    id: str
    status: Literal["pending", "resolved", "expired"]
    action: Literal["approve", "block", "edit"] | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    note: str | None = None
    waiting_until: datetime | None = Field(
        default=None,
        description="When the agent holding this action for a human stops waiting (the request's hold_ms); "
        "after that the action does not run whatever the answer.",
    )

    @property
    def closed_by(self) -> Literal["human", "user", "time_limit", "agent"] | None:
        """Who closed it: a reviewer (resolved), the user at the agent's own prompt (resolved, reported by the
        agent), the domain's time limit, or the agent, which withdrew it because it stopped waiting or because its
        turn ended without the call running (``POST /v1/actions/turn-ended``: ``resolved_by`` ``agent-user:<agent>``)
        (all three recorded ``expired``); None while pending."""
        if self.status == "pending":
            return None
        if self.status == "resolved":
            return "user" if (self.resolved_by or "").startswith(AGENT_USER) else "human"
        return "time_limit" if self.resolved_by == SYSTEM_TIMEOUT else "agent"


class Decision(BaseModel):
    """What Oversight decided about one output or action. Immutable once built (``model_copy`` makes a new one)."""

    model_config = ConfigDict(frozen=True)
    review_id: str
    request_id: str | None = Field(default=None, description="The caller's idempotency key, if given.")
    request_digest: str | None = Field(
        default=None,
        description="With an `id`: sha256 of what is under review (the kind, and an answer's `domain`, `messages` "
        "and `output`, or an action's `action`; canonical JSON). The same `id` with another digest is refused: "
        "409 `duplicate_request`.",
    )
    kind: Literal["answer", "action"] = "answer"
    verdict: Verdict
    reason: str = Field(
        default="",
        description="Why the decision policy gave this verdict, a stable code (docs/policies.md lists them), e.g. "
        "`low_confidence`, `reviewer_overlooked_finding`, `blocking_finding`, `reviewer_error`. After a human "
        "resolves an escalation it still says why the review was escalated; `escalation.action` is the outcome.",
    )
    output: str | None = Field(description="What to show: the original output or its rewrite.")
    original_output: str | None = None
    critique: str = ""
    response_class: ResponseClass | None = None
    findings: list[Finding] = Field(default_factory=list)
    risk: Risk
    domain: Domain
    reviewer: ReviewerInfo
    reviewer_outcome: ReviewerOutcome
    disagreement: bool
    escalation_id: str | None = None
    escalation: EscalationInfo | None = None
    model: FastModel = Field(default_factory=FastModel)
    context: RequestContext = Field(default_factory=RequestContext)
    policy_version: str = ""
    prompt_version: str = ""
    revisions: int = 0
    warnings: list[str] = Field(default_factory=list)
    trace_id: str = Field(description="W3C trace id of the request's span (32 hex).")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    created_at: datetime

    def to_json(self) -> bytes:
        """The decision as UTF-8 JSON bytes, serialised once: the store and the HTTP answer share them.

        Cached in the instance ``__dict__`` under a non-field key, which pydantic's ``==`` and serialiser ignore;
        ``model_copy`` (the only way to change a frozen decision) drops it.
        """
        cached: bytes | None = self.__dict__.get(_JSON_CACHE)
        if cached is None:
            cached = self.__dict__[_JSON_CACHE] = self.__pydantic_serializer__.to_json(self)
        return cached

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Decision:
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop(_JSON_CACHE, None)
        return copied


_JSON_CACHE = "_json_cache"


class ErrorBody(BaseModel):
    """The one error shape every non-2xx answer uses."""

    code: str = Field(description="A stable, machine-readable error code.")
    message: str
    field: str | None = Field(default=None, description="The offending field, dotted, when there is one.")
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """``{"error": {...}}``."""

    error: ErrorBody
