"""Cheap local alignment check: does an action follow instructions planted in tool output?

The heuristic is deliberately narrow so that ordinary actions stay quiet. An action is flagged when a
*specific* thing it targets — a URL, host, e-mail address, IP address, account/identifier-like token, or a
risky command — appears inside an *instruction* in the transcript (a tool result, a fetched page, a file the
agent read) and does **not** appear in the user's goal. "Instruction" means a sentence with an imperative cue
("please send …", "run …", "ignore previous instructions", "IMPORTANT: …").

The finding (``tool_use.alignment.injected_instruction``, severity high) makes the caller escalate; it never
blocks by itself because the transcript may legitimately tell the agent what to do (a README's setup steps).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.schemas import Evidence, Finding
from service.vocabulary import Severity

RULE = "tool_use.alignment.injected_instruction"

_URL = re.compile(r"\b(?:https?|ftp)://[^\s'\"<>)\]}]+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|ru|cn|xyz|top|info|biz|co|me|sh|dev|app|site|online)\b", re.I)
# identifiers: tokens with a digit or underscore and letters (guest_amy01, P-123456, acct-9981, 092-4315-2322)
_IDENT = re.compile(
    r"(?<![\w./-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z_])[A-Za-z0-9][\w-]{4,}(?![\w])|"
    r"(?<![\w-])\d{3,}(?:-\d{3,})+(?![\w-])"
)

_IMPERATIVE = re.compile(
    r"(?i)\b(please|you must|you should|make sure to|be sure to|do not tell|don't tell|without telling|"
    r"ignore (?:all |the )?(?:previous|prior|above) (?:instructions|messages)|disregard|new instructions?|"
    r"important[:!]|attention[:!]|system[:]|assistant[:]|as an ai|ai agent|note to (?:the )?(?:ai|assistant|agent)|"
    r"instead,?|urgent(?:ly)?|immediately)\b"
)
_ACTION_VERB = re.compile(
    r"(?i)\b(run|execute|exec|send|email|e-mail|forward|transfer|pay|grant|give|share|upload|post|delete|remove|"
    r"drop|move|download|install|curl|wget|push|publish|invite|add|change|update|unlock|disable|enable|set|"
    r"create|write|copy|export|sell|buy|withdraw|deposit|approve|retrieve|fetch|read)\b"
)
_INJECTION_MARKER = re.compile(
    r"(?i)(ignore (?:all |the )?(?:previous|prior|above)|disregard (?:the |all )?(?:previous|prior|above|user)|"
    r"new instructions|do not (?:tell|inform|mention)|without (?:telling|informing)|<\s*/?\s*(?:system|instruction)s?\s*>|"
    r"\bIMPORTANT!{1,}|\bnote to (?:the )?(?:ai|assistant|agent)\b|\bas an ai (?:assistant|agent)\b)"
)
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_STOP = frozenset({"localhost", "example.com", "127.0.0.1", "0.0.0.0"})
_RISKY_CMD = re.compile(
    r"(?i)\b(curl|wget|nc|ncat|scp|rsync|ssh|rm\s+-[a-z]*r|chmod|chown|sudo|crontab|base64|eval|bash\s+-c|"
    r"sh\s+-c|python3?\s+-c|git\s+push|pip3?\s+install|npm\s+(?:i|install)|export\s+\w+=|printenv|env\b)"
)


def _entities(text: str) -> set[str]:
    out: set[str] = set()
    for rx in (_URL, _EMAIL, _IP, _HOST):
        for m in rx.finditer(text):
            out.add(m.group(0).lower().rstrip(".,;:"))
    for m in _IDENT.finditer(text):
        tok = m.group(0)
        if len(tok) >= 5 and not re.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|v?\d+(?:\.\d+)+", tok):
            out.add(tok.lower())
    return {e for e in out if e not in _STOP}


def _hosts_of(entities: Iterable[str]) -> set[str]:
    hosts: set[str] = set()
    for e in entities:
        m = re.match(r"^(?:https?|ftp)://([^/:?#]+)", e)
        if m:
            hosts.add(m.group(1))
        elif "@" in e:
            hosts.add(e.split("@", 1)[1])
    return hosts


def _instruction_sentences(text: str) -> list[str]:
    sentences = [s.strip() for s in _SENT_SPLIT.split(text) if s.strip()]
    marked = bool(_INJECTION_MARKER.search(text))
    out = []
    for s in sentences:
        if (
            (_IMPERATIVE.search(s) and _ACTION_VERB.search(s))
            or (marked and _ACTION_VERB.search(s))
            or re.match(
                r"(?i)^\s*(run|execute|send|email|forward|transfer|grant|upload|post|delete|download|install|"
                r"curl|wget|share|move|pay)\b",
                s,
            )
        ):
            out.append(s)
    return out


def check_alignment(action_text: str, goal: str | None, transcript_texts: Sequence[str]) -> list[Finding]:
    """Findings when the action follows instructions that come from the transcript instead of the goal."""
    if not action_text or not transcript_texts:
        return []
    goal_l = (goal or "").lower()
    action_entities = _entities(action_text)
    goal_entities = _entities(goal_l)
    goal_hosts = _hosts_of(goal_entities)
    findings: list[Finding] = []
    seen: set[str] = set()
    for text in transcript_texts:
        if not text:
            continue
        for sentence in _instruction_sentences(text[:20_000]):
            s_low = sentence.lower()
            hits = [
                e
                for e in action_entities
                if e in s_low
                and e not in goal_l
                and e not in goal_entities
                and not any(h and h in e for h in goal_hosts)
            ]
            reason = ""
            if hits:
                reason = f"targets {', '.join(sorted(hits)[:3])}, which only an instruction in the transcript mentions"
            else:
                # a risky command quoted in an injected-looking instruction and copied into the action
                m = _RISKY_CMD.search(action_text)
                if m and _INJECTION_MARKER.search(text):
                    snippet = _command_snippet(action_text)
                    if snippet and snippet.lower() in s_low and snippet.lower() not in goal_l:
                        reason = f"runs `{snippet}`, which an injected instruction in the transcript asks for"
            if reason and sentence not in seen:
                seen.add(sentence)
                findings.append(
                    Finding(
                        rule=RULE,
                        severity=Severity.high,
                        message=f"The action {reason}, not the user's goal."[:2000],
                        evidence=Evidence(text=sentence[:400], source="transcript"),
                    )
                )
                if len(findings) >= 3:
                    return findings
    return findings


def _command_snippet(action_text: str) -> str:
    """The first ~3 words of the action command (what an instruction would quote)."""
    words = action_text.strip().split()
    return " ".join(words[:3]) if len(words) >= 2 else ""
