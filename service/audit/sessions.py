"""Audit input: logged sessions in OpenAI chat shape, one JSON object per line, expanded into turns.

The sessions format (``docs/audit.md`` has the full description)::

    {"session_id": "s-0001",                       # required, unique in the file
     "messages": [{"role": "user", "content": "..."},
                  {"role": "assistant", "content": "...",
                   "model": {"provider": "acme", "name": "swift", "version": "2"}}],   # per-message model: optional
     "model": {"provider": "acme", "name": "swift", "version": "1"},                 # optional
     "domain": "health",                            # optional hint; inferred by triage when absent
     "intent": "dosing", "locale": "en-US", "tenant": "acme-support", "suite": "benign",   # optional labels
     "started_at": "2026-05-01T10:00:00Z", "ended_at": "2026-05-01T10:03:10Z",            # optional
     "metadata": {...}}                             # optional, kept but not used

Every assistant message with text is one **turn**: the conversation before it is the context, the message
is the output under review. An OpenAI-style refusal (``"content": null, "refusal": "..."`` or a
``{"type": "refusal", "refusal": "..."}`` content part) counts as the message's text. Assistant messages
without text (tool calls only) are not turns.

The **task-success proxy** of a turn is computed here, before any review: a turn succeeds unless a later
user message in the same session asks for a human, or re-asks the same thing (see ``reasks``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from service.schemas import ChatMessage, FastModel, RequestContext, ReviewRequest
from service.vocabulary import Domain

SEGMENT_FIELDS: tuple[str, ...] = ("domain", "intent", "locale", "fast_model", "tenant", "suite")
"""The fields a report is segmented by (``domain`` comes from the review, the rest from the input)."""


class Session(BaseModel):
    """One logged conversation."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=1, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    model: FastModel | None = None
    domain: Domain | None = None
    intent: str | None = Field(default=None, max_length=200)
    locale: str | None = Field(default=None, max_length=35)
    tenant: str | None = Field(default=None, max_length=200)
    suite: str | None = Field(default=None, max_length=100, description="benign / sensitive, for rollout gates.")
    started_at: str | None = None
    ended_at: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


@dataclass(slots=True)
class Turn:
    """One assistant answer to review, with the labels it is segmented by."""

    seq: int
    turn_id: str
    request: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LineError:
    """An input line that could not be used (the audit goes on without it).

    ``line`` is the line number in its file (from 1, blank lines counted); ``file`` names the file when the
    input has several (a folder).
    """

    line: int
    message: str
    file: str | None = None

    @property
    def where(self) -> str:
        """``line 3`` or ``path/to/file.jsonl, line 3``."""
        return f"{self.file}, line {self.line}" if self.file else f"line {self.line}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "message": self.message}
        if self.file:
            out["file"] = self.file
        return out


# -- task-success proxy ---------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "this",
        "that",
        "these",
        "those",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "me",
        "my",
        "your",
        "our",
        "their",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "do",
        "does",
        "did",
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "please",
        "just",
        "tell",
        "give",
        "me",
        "about",
        "any",
        "some",
        "there",
        "here",
        "not",
        "no",
        "yes",
        "ok",
        "okay",
    ]
)
_HUMAN = re.compile(
    r"\b(talk|speak|chat|connect|transfer|put)\b[^.?!]{0,40}\b(human|person|agent|representative|operator|"
    r"someone real|real person|staff|supervisor|manager)\b|\b(human|live)\s+(agent|support|being|representative)\b|"
    r"\bescalate (this|me)\b",
    re.IGNORECASE,
)
_REASK_MARKERS = re.compile(
    r"\b(that'?s not what i (asked|meant)|you didn'?t answer|(just|please) answer|answer (my|the) question|"
    r"i (already )?asked|i said|again[:,]|still (doesn'?t|don'?t|not)|try again|that doesn'?t help|not helpful|"
    r"you (did ?n[o']t|haven'?t) (answer|help))\b",
    re.IGNORECASE,
)
REASK_JACCARD = 0.6


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def asks_for_human(text: str) -> bool:
    """The user asks to be handed to a person."""
    return bool(_HUMAN.search(text))


def reasks(later: str, prompt: str, *, immediately_next: bool) -> bool:
    """``later`` asks the same thing as ``prompt``.

    Either the two share most content words (Jaccard similarity of their content-word sets at least
    ``REASK_JACCARD``), or the very next user message complains the question went unanswered
    ("that's not what I asked", "please just answer", ...).
    """
    if immediately_next and _REASK_MARKERS.search(later):
        return True
    a, b = _content_words(later), _content_words(prompt)
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= REASK_JACCARD


def _task_success(messages: list[ChatMessage], index: int, prompt: str) -> bool:
    """The session goes on after the turn at ``index`` without a re-ask of ``prompt`` or a call for a human."""
    first = True
    for m in messages[index + 1 :]:
        if m.role != "user":
            continue
        text = m.text()
        if asks_for_human(text) or reasks(text, prompt, immediately_next=first):
            return False
        first = False
    return True


# -- parsing --------------------------------------------------------------------------------------------
def _message_model(message: ChatMessage) -> FastModel | None:
    """The message's own fast model (checked by ``check_message_models`` when the line was read)."""
    raw = (message.model_extra or {}).get("model")
    return FastModel.model_validate(raw) if raw is not None else None


def check_message_models(session: Session) -> str | None:
    """The first invalid per-message ``model`` as ``messages.N.model...: why`` (None when all are valid)."""
    for i, message in enumerate(session.messages):
        raw = (message.model_extra or {}).get("model")
        if raw is None:
            continue
        try:
            FastModel.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(["messages", str(i), "model", *(str(p) for p in first["loc"])])
            return f"{where}: {first['msg']}"
    return None


def _refusal(raw: Any) -> str:
    return raw if isinstance(raw, str) else ""


def message_text(message: ChatMessage) -> str:
    """The message's text, an OpenAI-style refusal included.

    ``ChatMessage.text()`` reads ``content`` strings and text parts only; a refusal comes as the message's
    ``refusal`` member (with ``content`` null) or as ``{"type": "refusal", "refusal": "..."}`` parts. Both are
    kept by the model as extra keys, read here.
    """
    if isinstance(message.content, list):
        parts: list[str] = []
        for part in message.content:
            if part.text:
                parts.append(part.text)
            elif part.type == "refusal" and (text := _refusal((part.model_extra or {}).get("refusal"))):
                parts.append(text)
        text = "\n".join(parts)
    else:
        text = message.text()
    if text.strip():
        return text
    return _refusal((message.model_extra or {}).get("refusal"))


def _history_message(message: ChatMessage) -> ChatMessage:
    """A message of a turn's conversation, as the reviewer reads it (a refusal as its text)."""
    text = message_text(message)
    content = message.content if text == message.text() else text
    return ChatMessage(role=message.role, content=content, name=message.name)


def session_turns(session: Session, first_seq: int) -> list[Turn]:
    """The session's assistant answers as turns numbered from ``first_seq``."""
    turns: list[Turn] = []
    messages = session.messages
    for i, message in enumerate(messages):
        if message.role != "assistant":
            continue
        output = message_text(message)
        if not output.strip():
            continue
        history = messages[:i]
        prompt = next((m.text() for m in reversed(history) if m.role == "user"), "")
        model = _message_model(message) or session.model or FastModel()
        request = ReviewRequest(
            domain=session.domain,
            messages=[_history_message(m) for m in history],
            output=output,
            model=model,
            context=RequestContext(
                tenant=session.tenant, session_id=session.session_id, locale=session.locale, intent=session.intent
            ),
        )
        number = len(turns) + 1
        turns.append(
            Turn(
                seq=first_seq + len(turns),
                turn_id=f"{session.session_id}#{number}",
                request=request.model_dump(mode="json", exclude_none=True),
                meta={
                    "session_id": session.session_id,
                    "turn": number,
                    "intent": session.intent,
                    "locale": session.locale,
                    "tenant": session.tenant,
                    "suite": session.suite,
                    "fast_model": model.label(),
                    "task_success": _task_success(messages, i, prompt),
                },
            )
        )
    return turns


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "line"
    return f"{where}: {first['msg']}"


def parse_session_line(raw: bytes | str, line: int) -> Session | LineError | None:
    """One line of the sessions format (None for a blank line)."""
    if not raw.strip():
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return LineError(line, f"not JSON: {exc}")
    if not isinstance(data, dict):
        return LineError(line, "a line must be a JSON object")
    try:
        session = Session.model_validate(data)
    except ValidationError as exc:
        return LineError(line, _validation_message(exc))
    problem = check_message_models(session)
    return LineError(line, problem) if problem else session


@dataclass(slots=True)
class Parsed:
    """Everything read from an audit input."""

    turns: list[Turn] = field(default_factory=list)
    sessions: int = 0
    errors: list[LineError] = field(default_factory=list)
    format: str = "sessions"


Located = tuple[int, Session | LineError]
"""An input item with the line it comes from (a session read from a whole file: line 1)."""


def expand(items: Iterable[tuple[str | None, int, Session | LineError]], fmt: str = "sessions") -> Parsed:
    """Turns of every session; duplicate session ids and sessions without an answer are errors.

    ``items`` are ``(file, line, session or error)``: every error names the line (and, with several files,
    the file) it comes from.
    """
    parsed = Parsed(format=fmt)
    seen: set[str] = set()
    for file, line, item in items:
        if isinstance(item, LineError):
            item.file = item.file or file
            parsed.errors.append(item)
            continue
        if item.session_id in seen:
            parsed.errors.append(LineError(line, f"duplicate session_id {item.session_id!r}", file))
            continue
        seen.add(item.session_id)
        turns = session_turns(item, len(parsed.turns))
        if not turns:
            parsed.errors.append(LineError(line, f"session {item.session_id!r} has no assistant answer", file))
            continue
        parsed.sessions += 1
        parsed.turns.extend(turns)
    return parsed


def _lines(data: bytes) -> Iterator[Located]:
    for number, raw in enumerate(data.splitlines(), start=1):
        item = parse_session_line(raw, number)
        if item is not None:
            yield number, item


_CODEX_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context"})
_CLAUDE_TYPES = frozenset({"user", "assistant"})
# Claude Code entries that carry no conversation and may open a transcript (2.x starts with a file snapshot).
_CLAUDE_BOOKKEEPING = frozenset({"summary", "file-history-snapshot", "system", "queue-operation"})
DETECT_RECORDS = 20
"""How many records ``detect_format`` reads at most."""


def detect_format(data: bytes) -> str:
    """``sessions``, ``codex`` (rollout JSONL) or ``claude-code`` (transcript JSONL), from the first records.

    Claude Code bookkeeping entries (``file-history-snapshot``, ``summary``, ``system``, ...) and lines that
    are not JSON objects are looked past, up to ``DETECT_RECORDS`` records; a file of bookkeeping entries
    only is a Claude Code transcript.
    """
    seen = 0
    bookkeeping = False
    for raw in data.splitlines():
        if not raw.strip():
            continue
        seen += 1
        if seen > DETECT_RECORDS:
            break
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(record, dict):
            continue
        kind = record.get("type")
        if "session_id" in record and "messages" in record:
            return "sessions"
        if kind in _CODEX_TYPES:
            return "codex"
        if "sessionId" in record or kind in _CLAUDE_TYPES:
            return "claude-code"
        if kind in _CLAUDE_BOOKKEEPING:
            bookkeeping = True
            continue
        return "sessions"
    return "claude-code" if bookkeeping else "sessions"


def _sessions_of(data: bytes, fmt: str, name: str) -> Iterator[Located]:
    if fmt == "auto":
        fmt = detect_format(data)
    if fmt == "sessions":
        yield from _lines(data)
        return
    from service.audit import imported  # Codex rollouts and Claude Code transcripts (service.importers)

    yield from imported.sessions(data, fmt, name)


def parse_input(data: bytes, fmt: str = "auto", name: str = "input") -> Parsed:
    """Read an audit input in any supported format into turns."""
    return parse_many([(name, data)], fmt)


def parse_many(inputs: Iterable[tuple[str, bytes]], fmt: str = "auto") -> Parsed:
    """Several inputs (files of a folder) as one audit; each may be in a different format when ``auto``."""
    items = list(inputs)
    formats = {detect_format(d) if fmt == "auto" else fmt for _, d in items}

    def chain() -> Iterator[tuple[str | None, int, Session | LineError]]:
        for name, data in items:
            file = name if len(items) > 1 else None
            for line, item in _sessions_of(data, fmt, name):
                yield file, line, item

    return expand(chain(), "+".join(sorted(formats)) or "sessions")
