"""Codex CLI: ``PreToolUse`` / ``PermissionRequest`` command hooks, and actions from rollout files.

Codex hooks (integrations reference 2.2) are command hooks only (no HTTP handler type). Codex does *not*
support ``permissionDecision: "ask"`` for ``PreToolUse`` (it marks the hook failed and runs the tool), so:

- approve → exit 0, no output (the call proceeds);
- block, escalate, an unreviewed tool, or any failure (service down, slow, bad answer) → exit 2 with the
  reason on stderr (the call is blocked and the reason shown to the model). There is no ``ask`` here.
- ``PermissionRequest`` (Codex is about to ask the user): approve → ``allow``; block → ``deny``;
  escalate → no decision (the user is asked, as Codex intended); failure → ``deny`` (or, with
  ``on_error="ask"``, no decision).

Hook input the service's JSON routes would refuse (a key twice, NUL, too deep: ``claude_code.read_json``) is a
failure, never reviewed.

Tools: ``Bash`` / ``shell`` / ``exec_command`` / ``shell_command`` / ``local_shell`` → ``shell``;
``apply_patch`` → one action per file (``*** Add File`` → ``write_file``, ``*** Update File`` → ``edit_file``,
``*** Delete File`` → ``shell`` ``rm``); ``mcp__server__tool`` → ``mcp:server/tool``; ``view_image`` →
``read_file``.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from service.integrations import (
    PastAction,
    ServiceError,
    action,
    argv_to_command,
    await_resolution,
    calls_in_context,
    mcp_tool,
    past_request,
    reason,
    review_each,
    safe_id,
    session_agent,
    worst,
)
from service.integrations.claude_code import event_name, json_type, max_json_depth, read_json, refused
from service.integrations.codex_app_server import grant_input

AGENT_NAME = "codex"
PRE_TOOL_USE = "PreToolUse"
PERMISSION_REQUEST = "PermissionRequest"
OnError = Literal["deny", "ask"]
HookAnswer = tuple[str, str, int]


class UnsupportedTool(Exception):
    """A tool Oversight does not review."""


# --- apply_patch ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class PatchFile:
    op: Literal["add", "update", "delete"]
    path: str
    move_to: str | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


_HEADERS: tuple[tuple[str, Literal["add", "update", "delete"]], ...] = (
    ("*** Add File: ", "add"),
    ("*** Update File: ", "update"),
    ("*** Delete File: ", "delete"),
)


def parse_patch(text: str) -> list[PatchFile]:
    """The files of a Codex ``apply_patch`` (V4A) patch, with added and removed lines.

    Read the way Codex's own parser (``codex-rs/apply-patch``) reads it, so that what is reviewed is what Codex
    applies: a file header counts where Codex looks for one — after a header, after an added file's last ``+``
    line, or at a line of an updated file that starts with ``*`` — and is trimmed there as Codex trims it (a
    header indented by a space still opens a file). Inside an updated file a line starting with a space is
    context, whatever follows. A line Codex would reject makes it refuse the whole patch; it is skipped here.
    """
    files: list[PatchFile] = []
    current: PatchFile | None = None
    for line in text.splitlines():
        if current is not None and current.op == "add" and line.startswith("+"):
            current.added.append(line[1:])
            continue
        if current is not None and current.op == "update":
            if line.startswith("*** Move to: ") and not current.added and not current.removed:
                current.move_to = line[len("*** Move to: ") :].strip()
                continue
            if not line.startswith("*"):
                if line.startswith("+"):
                    current.added.append(line[1:])
                elif line.startswith("-"):
                    current.removed.append(line[1:])
                continue  # context (' '), a ``@@`` marker or a blank line
            if line == "*** End of File":
                continue
        head = line.strip()
        for marker, op in _HEADERS:
            if head.startswith(marker):
                current = PatchFile(op, head[len(marker) :].strip())
                files.append(current)
                break
        else:
            if head not in ("*** Begin Patch", "*** End Patch"):
                current = None  # Codex rejects the patch here; nothing after it belongs to a file
    return files


def _abs(path: str, cwd: str | None) -> str:
    if not path or posixpath.isabs(path) or not cwd:
        return path
    return posixpath.normpath(posixpath.join(cwd, path))


def patch_actions(text: str, cwd: str | None) -> list[dict[str, Any]]:
    """One action per file the patch touches; a patch that names no file is reviewed as an edit as a whole."""
    files = parse_patch(text)
    if not files:
        return [action("edit_file", {"path": "", "old": "", "new": text}, cwd)]
    out: list[dict[str, Any]] = []
    for f in files:
        path = _abs(f.path, cwd)
        if f.op == "add":
            out.append(action("write_file", {"path": path, "content": "\n".join(f.added)}, cwd))
        elif f.op == "delete":
            out.append(action("shell", {"command": f"rm -f -- {shlex.quote(path)}"}, cwd))
        else:
            out.append(action("edit_file", {"path": path, "old": "\n".join(f.removed), "new": "\n".join(f.added)}, cwd))
            if f.move_to:
                dest = _abs(f.move_to, cwd)
                out.append(action("write_file", {"path": dest, "content": "\n".join(f.added)}, cwd))
    return out


# --- tool calls ----------------------------------------------------------------------------------------
def _command(value: Any) -> str:
    if isinstance(value, list):
        return argv_to_command(value)
    return str(value or "")


def to_actions(tool_name: str, tool_input: dict[str, Any] | str, cwd: str | None) -> list[dict[str, Any]]:
    """The action(s) for a Codex tool call (hook payload or rollout); ``UnsupportedTool`` if not reviewed."""
    inp: dict[str, Any] = tool_input if isinstance(tool_input, dict) else {}
    raw = tool_input if isinstance(tool_input, str) else None
    workdir = inp.get("workdir") or inp.get("working_directory")
    where = _abs(str(workdir), cwd) if isinstance(workdir, str) and workdir else cwd
    if tool_name in ("Bash", "shell", "shell_command", "local_shell", "container.exec"):
        return [action("shell", {"command": _command(inp.get("command", raw))}, where)]
    if tool_name == "exec_command":
        return [action("shell", {"command": _command(inp.get("cmd", inp.get("command", raw)))}, where)]
    if tool_name == "apply_patch":
        text = raw if raw is not None else str(inp.get("command") or inp.get("input") or inp.get("patch") or "")
        return patch_actions(text, where)
    if tool_name == "request_permissions":  # the model asks for a wider sandbox (the user is prompted)
        grant = grant_input(inp.get("permissions"), where)
        if grant is None:
            raise UnsupportedTool(f"{tool_name} (asks for nothing to judge)")
        return [action("sandbox_grant", grant, where)]
    if tool_name == "view_image" and isinstance(inp.get("path"), str):
        return [action("read_file", {"path": _abs(inp["path"], where)}, where)]
    mcp = mcp_tool(tool_name)
    if mcp is not None:
        return [action(mcp, inp if raw is None else {"arguments": raw}, where)]
    raise UnsupportedTool(tool_name)


def transcript_context(path: str | None) -> tuple[str | None, list[dict[str, Any]], str | None]:
    """(goal, recent turns, Codex version) from the log's last lines; empty if unreadable. Never raises."""
    from service.importers.codex import read_rollout_tail
    from service.integrations import tail_context

    return tail_context(path, read_rollout_tail)


def build_requests(
    payload: dict[str, Any],
    *,
    timeout_ms: int | None = None,
    read_transcript: bool = True,
    hold_ms: int | None = None,
) -> list[dict[str, Any]]:
    """The ``ActionReviewRequest`` dicts for a Codex hook payload (one per file for ``apply_patch``)."""
    tool_name = payload.get("tool_name")
    if not isinstance(tool_name, str) or not tool_name:
        raise ValueError("payload has no tool_name")
    tool_input = payload.get("tool_input")
    transcript_path = payload.get("transcript_path")
    if tool_input is None:
        tool_input = {}
    elif not isinstance(tool_input, dict | str):  # not reviewed as a call with no arguments
        raise ValueError(f"tool_input is a JSON {json_type(tool_input)}, not an object or a string")
    if transcript_path is not None and not isinstance(transcript_path, str):
        raise ValueError(f"transcript_path is a JSON {json_type(transcript_path)}, not a string")
    cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
    actions = to_actions(tool_name, tool_input, cwd)
    goal, transcript, version = transcript_context(transcript_path) if read_transcript else (None, [], None)
    session = payload.get("session_id") if isinstance(payload.get("session_id"), str) else None
    agent: dict[str, Any] = {"name": AGENT_NAME}
    if version:
        agent["version"] = version[:100]
    if session:
        agent["session"] = session[:200]
    requests: list[dict[str, Any]] = []
    for act in actions:
        request: dict[str, Any] = {"action": act, "agent": agent}
        if goal:
            request["goal"] = goal
        if transcript:
            request["transcript"] = transcript
        if session:
            request["context"] = {"session_id": session[:200]}
        if timeout_ms is not None:
            request["timeout_ms"] = max(50, min(600_000, timeout_ms))
        if hold_ms:
            request["hold_ms"] = max(1, min(86_400_000, hold_ms))
        requests.append(request)
    return requests


# --- outputs -------------------------------------------------------------------------------------------
def _block(why: str) -> HookAnswer:
    return "", why, 2


def _permission(behavior: str, why: str) -> HookAnswer:
    decision: dict[str, Any] = {"behavior": behavior}
    if behavior == "deny":
        decision["message"] = why
    out = {"hookSpecificOutput": {"hookEventName": PERMISSION_REQUEST, "decision": decision}}
    return orjson.dumps(out).decode(), "", 0


def answer_for(event: str, decision: dict[str, Any]) -> HookAnswer:
    """stdout, stderr and exit code for a decision."""
    verdict = str(decision.get("verdict"))
    why = reason(decision)
    if event == PERMISSION_REQUEST:
        if verdict == "approve":
            return _permission("allow", why)
        if verdict == "block":
            return _permission("deny", why)
        return "", "", 0  # escalate: Codex asks the user, as it was about to
    if verdict == "approve":
        return "", "", 0
    if verdict == "block":
        return _block(why)
    return _block(why + " A human must approve this action; it was not run.")


def failure_answer(event: str, why: str, on_error: OnError) -> HookAnswer:
    text = f"Oversight could not review this action ({why}); it was not run."
    if event == PERMISSION_REQUEST:
        return _permission("deny", text) if on_error == "deny" else ("", "", 0)
    return _block(text)  # Codex has no "ask" for PreToolUse: fail closed


def handle_command(
    raw: bytes, *, url: str, timeout: float, on_error: OnError, key: str | None, hold: float = 0.0
) -> HookAnswer:
    """The whole Codex command hook: stdin bytes in, (stdout, stderr, exit code) out. Never raises.

    ``hold`` > 0: an escalated ``PreToolUse`` waits up to that many seconds for a human to resolve it in the
    escalation inbox (Codex waits with it), then answers the human's verdict; else it is blocked as usual. Every
    escalated part of a patch must be approved; what is still pending when the hold ends is withdrawn, so the
    inbox records that it did not run."""
    payload, problem = read_json(raw, max_json_depth())
    if problem is not None:  # what the service's JSON routes refuse is never reviewed (as the Claude Code hook)
        name = event_name(payload, problem)
        if name not in (PRE_TOOL_USE, PERMISSION_REQUEST, None):
            return "", "", 0
        return failure_answer(
            PERMISSION_REQUEST if name == PERMISSION_REQUEST else PRE_TOOL_USE, refused(problem), on_error
        )
    if not isinstance(payload, dict):
        return failure_answer(PRE_TOOL_USE, "the hook input is not a JSON object", on_error)
    name = payload.get("hook_event_name")
    if name not in (PRE_TOOL_USE, PERMISSION_REQUEST, None):
        return "", "", 0
    event = PERMISSION_REQUEST if name == PERMISSION_REQUEST else PRE_TOOL_USE
    try:
        held = int(hold * 1000) if event == PRE_TOOL_USE and hold > 0 else None
        requests = build_requests(payload, timeout_ms=int(timeout * 800), hold_ms=held)
    except UnsupportedTool as exc:
        if event == PERMISSION_REQUEST:
            return "", "", 0
        return _block(f"Oversight does not review the tool {str(exc)!r}; it was not run.")
    except Exception as exc:
        return failure_answer(event, f"bad hook input: {exc}", on_error)
    try:
        decisions = review_each(requests, url=url, timeout=timeout, key=key)
        if event == PRE_TOOL_USE and hold > 0:
            decision = await_resolution(decisions, url=url, hold=hold, timeout=timeout, key=key)
        else:
            decision = worst(decisions)
    except ServiceError as exc:
        return failure_answer(event, str(exc), on_error)
    except Exception as exc:
        return failure_answer(event, f"hook error {type(exc).__name__}", on_error)
    return answer_for(event, decision)


# --- past sessions -------------------------------------------------------------------------------------
def past_actions(session: Any) -> list[PastAction]:
    """Action review requests for every tool call of a Codex rollout (``service.importers``)."""
    agent = session_agent(AGENT_NAME, session)
    out: list[PastAction] = []
    for call, goal, transcript in calls_in_context(session):
        item = PastAction(call_id=call.call_id, tool=call.name, timestamp=call.timestamp)
        try:
            actions = to_actions(call.name, call.input, call.cwd or session.cwd)
        except UnsupportedTool:
            item.skipped = f"tool {call.name!r} is not reviewed"
        else:
            for i, act in enumerate(actions):
                rid = safe_id("codex", session.session_id or "", call.call_id, str(i) if len(actions) > 1 else "")
                item.requests.append(past_request(act, agent, goal, transcript, rid))
        out.append(item)
    return out
