"""Codex app-server approvals: a proxy between a client (an IDE extension, a custom UI) and ``codex app-server``
that has Oversight review each approval request before the client sees it.

``codex app-server`` speaks JSON-RPC 2.0 without the ``"jsonrpc"`` member, one JSON object per line over stdio
(integrations reference 2.4). When an action needs approval it sends the *client* a request,
``item/commandExecution/requestApproval`` or ``item/fileChange/requestApproval``, and waits for
``{"decision": ...}``. The proxy passes every line through unchanged except those requests, which it holds
while Oversight reviews the action:

- **block** → the proxy answers ``decline`` itself (the turn goes on; the model sees the action declined) and
  the client never sees the request; the reason goes to stderr;
- **escalate**, or the service failed, was slow or answered garbage → the request goes to the client unchanged:
  a human decides, exactly as without the proxy (a failure is never an approval);
- **approve** → the request goes to the client (default: a human still confirms what Codex asked about), or,
  with ``approve="accept"``, the proxy answers ``accept``.

A command is reviewed as a ``shell`` action (``command`` and ``cwd`` from the request, else from the item's
``item/started``). A file change is reviewed from the ``fileChange`` item announced in ``item/started``
(``changes`` of ``{path, kind, diff}``): an added file as ``write_file``, an update as ``edit_file`` (removed and
added lines), a deletion as ``shell rm``, a move also as a write of the destination. A request whose item was not
seen is sent to the client unreviewed. The goal for the alignment check is the text of the thread's last
``turn/start``.

This module is the protocol (pure functions and a small state); ``service.cli_codex`` runs the processes.
"""

from __future__ import annotations

import hashlib
import posixpath
import shlex
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from service.integrations import action, argv_to_command, reason, safe_id, worst

COMMAND_APPROVAL = "item/commandExecution/requestApproval"
FILE_CHANGE_APPROVAL = "item/fileChange/requestApproval"
APPROVALS = frozenset({COMMAND_APPROVAL, FILE_CHANGE_APPROVAL})
AGENT_NAME = "codex"
MAX_ITEMS = 1000  # items remembered between ``item/started`` and their approval request
MAX_GOAL = 4000

OnApprove = Literal["forward", "accept"]


@dataclass(slots=True)
class Verdict:
    """What the proxy does with one approval request."""

    forward: bool
    """True: send the request on to the client (a human decides). False: answer the server with ``decision``."""
    decision: str | None = None
    note: str = ""
    """One line for stderr."""


@dataclass(slots=True)
class Session:
    """What the proxy has seen of the conversation: goals per thread and items awaiting approval."""

    goals: dict[str, str] = field(default_factory=dict)
    items: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)

    def client_line(self, message: Any) -> None:
        """Note the goal of a ``turn/start`` the client sends (the user's text)."""
        if not isinstance(message, dict) or message.get("method") != "turn/start":
            return
        params = message.get("params")
        if not isinstance(params, dict):
            return
        texts = [
            str(i.get("text"))
            for i in params.get("input") or []
            if isinstance(i, dict) and i.get("type") == "text" and i.get("text")
        ]
        thread = params.get("threadId")
        if texts and isinstance(thread, str):
            self.goals[thread] = "\n".join(texts)[:MAX_GOAL]

    def server_line(self, message: Any) -> None:
        """Remember command and file-change items from ``item/started``; forget them at ``item/completed``."""
        if not isinstance(message, dict):
            return
        method = message.get("method")
        if method not in ("item/started", "item/completed"):
            return
        params = message.get("params")
        item = params.get("item") if isinstance(params, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return
        if method == "item/completed":
            self.items.pop(item["id"], None)
        elif item.get("type") in ("commandExecution", "fileChange"):
            self.items[item["id"]] = item
            while len(self.items) > MAX_ITEMS:
                self.items.popitem(last=False)


def is_approval(message: Any) -> bool:
    """A server-initiated approval request the proxy reviews."""
    return isinstance(message, dict) and message.get("method") in APPROVALS and "id" in message


def _abs(path: str, cwd: str | None) -> str:
    if not path or posixpath.isabs(path) or not cwd:
        return path
    return posixpath.normpath(posixpath.join(cwd, path))


def _diff_lines(diff: str) -> tuple[list[str], list[str]]:
    """Removed and added lines of a unified diff (or of plain text, taken as added)."""
    removed, added, marked = [], [], False
    for line in diff.splitlines():
        if line.startswith(("+++", "---", "@@")):
            marked = True
            continue
        if line.startswith("+"):
            added.append(line[1:])
            marked = True
        elif line.startswith("-"):
            removed.append(line[1:])
            marked = True
    if not marked:
        return [], diff.splitlines()
    return removed, added


def _kind(change: dict[str, Any]) -> tuple[str, str | None]:
    kind = change.get("kind")
    if isinstance(kind, dict):
        move = kind.get("move_path") or kind.get("movePath")
        return str(kind.get("type") or "update"), move if isinstance(move, str) and move else None
    return str(kind or "update"), None


def change_actions(changes: list[Any], cwd: str | None) -> list[dict[str, Any]]:
    """One action per changed file (a move adds a write of the destination)."""
    out: list[dict[str, Any]] = []
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("path"), str):
            continue
        path = _abs(change["path"], cwd)
        kind, move = _kind(change)
        removed, added = _diff_lines(str(change.get("diff") or ""))
        if kind == "add":
            out.append(action("write_file", {"path": path, "content": "\n".join(added)}, cwd))
        elif kind == "delete":
            out.append(action("shell", {"command": f"rm -f -- {shlex.quote(path)}"}, cwd))
        else:
            out.append(action("edit_file", {"path": path, "old": "\n".join(removed), "new": "\n".join(added)}, cwd))
            if move:
                out.append(action("write_file", {"path": _abs(move, cwd), "content": "\n".join(added)}, cwd))
    return out


def review_requests(message: dict[str, Any], session: Session) -> list[dict[str, Any]]:
    """The action review requests for one approval request; empty when there is nothing to review."""
    params = message.get("params") if isinstance(message.get("params"), dict) else {}
    assert isinstance(params, dict)
    item = session.items.get(str(params.get("itemId")), {})
    cwd = params.get("cwd") or item.get("cwd")
    cwd = cwd if isinstance(cwd, str) and cwd else None
    if message["method"] == COMMAND_APPROVAL:
        command = params.get("command") or item.get("command")
        if isinstance(command, list):
            command = argv_to_command(command)
        actions = [action("shell", {"command": str(command)}, cwd)] if command else []
    else:
        actions = change_actions(item.get("changes") or [], cwd)
    thread = str(params.get("threadId") or "")
    goal = session.goals.get(thread)
    base = safe_id("codex-app", thread, str(params.get("turnId") or ""), str(params.get("itemId") or message["id"]))
    out = []
    for n, act in enumerate(actions):
        # The key names the action too: a repeated request is one review, a reused item id with another
        # action (a resumed thread, another server) is a new one.
        digest = hashlib.sha256(orjson.dumps(act, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]
        request: dict[str, Any] = {
            "id": safe_id(base, str(n), digest),
            "action": act,
            "agent": {"name": AGENT_NAME, "session": thread or None},
        }
        if goal:
            request["goal"] = goal
        out.append(request)
    return out


def verdict_for(decisions: list[dict[str, Any]], on_approve: OnApprove) -> Verdict:
    """What to do with the request, given the decisions of its actions."""
    decision = worst(decisions)
    verdict = str(decision.get("verdict"))
    if verdict == "block":
        return Verdict(forward=False, decision="decline", note=reason(decision))
    if verdict == "approve" and on_approve == "accept":
        return Verdict(forward=False, decision="accept", note=reason(decision))
    return Verdict(forward=True, note=reason(decision))


def answer(request_id: Any, decision: str) -> dict[str, Any]:
    """The client's response to an approval request, as the proxy sends it in the client's place."""
    return {"id": request_id, "result": {"decision": decision}}
