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

MCP tool calls the model makes are approved on a different channel, in one of two shapes depending on the
Codex version and the user's config: an ``mcpServer/elicitation/request`` whose ``_meta.codex_approval_kind`` is
``mcp_tool_call`` (``serverName``, ``message``, the arguments in ``_meta.tool_params``), or an
``item/tool/requestUserInput`` form with one question whose id is ``mcp_tool_call_approval_<call id>`` (answered
with one of its option labels). Both are reviewed as the action ``mcp:<server>/<tool>`` with the call's
arguments, taken from the request or from the ``mcpToolCall`` item announced in ``item/started``; a block is
answered ``decline`` (the form's deny option: ``Deny``, else ``Cancel``), an accept ``accept`` (the form's
``Allow`` / ``Approve Once``). A call whose arguments the proxy did not see is reviewed by its name but never
accepted by the proxy. Other forms and elicitations (questions the model asks the user) pass through untouched.

Dynamic tool calls (``item/tool/call``: a tool the client registered at ``thread/start`` and runs itself when
the model calls it, with ``tool``, ``namespace`` and ``arguments`` in the request) have no human on their path:
the client just runs them. So the proxy reviews each one as the action ``dynamic:[<namespace>/]<tool>`` and
answers the server itself unless the verdict is approve: a block, an escalation (no one would see it) and a
review that failed are all answered ``{"contentItems": [{"type": "inputText", "text": <why>}], "success": false}``
(the model sees why, the tool does not run); an approved call goes to the client, which runs it.

Sandbox permission requests (``item/permissions/requestApproval``: the model asks for folders it may read or write
and for network access, ``permissions.fileSystem`` / ``.network``) are reviewed as one ``sandbox_grant`` action;
a block is answered by granting nothing (``{"permissions": {}, "scope": "turn"}``), anything else goes to the
client: the proxy never grants.

Clients of the older, v1 conversation API get the same treatment: ``execCommandApproval`` (``command`` as an
argv, ``cwd``) and ``applyPatchApproval`` (``fileChanges``, a map from path to ``add`` / ``delete`` / ``update``
change, carried in the request itself) are reviewed the same way and answered in v1's words (``denied`` and
``approved`` instead of ``decline`` and ``accept``); the goal is the text of the conversation's last
``sendUserMessage`` / ``sendUserTurn``.

This module is the protocol (pure functions and a small state); ``service.cli_codex`` runs the processes.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shlex
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from service.integrations import action, argv_to_command, noted_approval, reason, safe_id, worst

COMMAND_APPROVAL = "item/commandExecution/requestApproval"
FILE_CHANGE_APPROVAL = "item/fileChange/requestApproval"
V1_COMMAND_APPROVAL = "execCommandApproval"
V1_PATCH_APPROVAL = "applyPatchApproval"
V1_APPROVALS = frozenset({V1_COMMAND_APPROVAL, V1_PATCH_APPROVAL})
PERMISSIONS_APPROVAL = "item/permissions/requestApproval"  # the agent asks for a wider sandbox
APPROVALS = frozenset({COMMAND_APPROVAL, FILE_CHANGE_APPROVAL, PERMISSIONS_APPROVAL}) | V1_APPROVALS
MCP_ELICITATION = "mcpServer/elicitation/request"
USER_INPUT = "item/tool/requestUserInput"
DYNAMIC_TOOL_CALL = "item/tool/call"  # the client runs a tool it registered: no approval prompt on this path
MCP_QUESTION_PREFIX = "mcp_tool_call_approval_"  # Codex's id for a form that is an MCP tool approval
MCP_APPROVAL_KIND = "mcp_tool_call"  # ``_meta.codex_approval_kind`` of an elicitation that is one
# option labels of the approval form, newest Codex first: the one-time accept, then the decline
FORM_ACCEPT = ("Allow", "Approve Once", "Accept")
FORM_DECLINE = ("Deny", "Decline", "Cancel")
_MCP_PROMPT = re.compile(r'Allow the (?P<server>.+?) MCP server to run tool "(?P<tool>[^"]+)"')
V1_TURNS = frozenset({"sendUserMessage", "sendUserTurn"})
V1_DECISIONS = {"decline": "denied", "accept": "approved"}  # v1 answers with the core protocol's ReviewDecision
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
        """Note the goal of a ``turn/start`` (v1: ``sendUserMessage``, ``sendUserTurn``): the user's text."""
        if not isinstance(message, dict):
            return
        method, params = message.get("method"), message.get("params")
        if not isinstance(params, dict):
            return
        if method == "turn/start":
            items, thread = params.get("input"), params.get("threadId")
        elif method in V1_TURNS:  # v1 input items: {"type": "text", "data": {"text": ...}}
            items, thread = params.get("items"), params.get("conversationId")
        else:
            return
        texts = [text for i in items or [] if (text := _text(i))]
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
        elif item.get("type") in ("commandExecution", "fileChange", "mcpToolCall"):
            self.items[item["id"]] = item
            while len(self.items) > MAX_ITEMS:
                self.items.popitem(last=False)


def _text(item: Any) -> str | None:
    if not isinstance(item, dict) or item.get("type") != "text":
        return None
    data = item.get("data")
    text = data.get("text") if isinstance(data, dict) else item.get("text")
    return str(text) if text else None


def is_approval(message: Any) -> bool:
    """A server-initiated request the proxy holds for review: an approval request or a dynamic tool call."""
    if not isinstance(message, dict) or "id" not in message:
        return False
    method = message.get("method")
    return (
        method in APPROVALS
        or method == DYNAMIC_TOOL_CALL
        or (method in (MCP_ELICITATION, USER_INPUT) and _mcp_kind(message) is not None)
    )


def unattended(message: dict[str, Any]) -> bool:
    """True for a request no human will see if the proxy forwards it (a dynamic tool call: the client runs it):
    the proxy answers it itself unless the verdict is approve, and a failed review is never forwarded."""
    return message.get("method") == DYNAMIC_TOOL_CALL


def dynamic_tool(message: dict[str, Any]) -> str | None:
    """``dynamic:[<namespace>/]<tool>`` for a dynamic tool call (None if it names no usable tool)."""
    params = _params(message)
    tool, namespace = params.get("tool"), params.get("namespace")
    if not isinstance(tool, str) or not tool or any(c.isspace() for c in tool):
        return None
    if isinstance(namespace, str) and namespace and not any(c.isspace() or c == "/" for c in namespace):
        return f"dynamic:{namespace}/{tool}"
    return f"dynamic:{tool}"


def _params(message: dict[str, Any]) -> dict[str, Any]:
    params = message.get("params")
    return params if isinstance(params, dict) else {}


def _mcp_question(message: dict[str, Any]) -> dict[str, Any] | None:
    """The question of a ``requestUserInput`` form that is an MCP tool approval (exactly one question, with
    Codex's approval id)."""
    questions = _params(message).get("questions")
    if not isinstance(questions, list) or len(questions) != 1 or not isinstance(questions[0], dict):
        return None
    qid = questions[0].get("id")
    return questions[0] if isinstance(qid, str) and qid.startswith(MCP_QUESTION_PREFIX) else None


def _mcp_kind(message: dict[str, Any]) -> str | None:
    """``elicitation`` or ``form`` for the two shapes of an MCP tool approval, else None."""
    if message.get("method") == MCP_ELICITATION:
        meta = _params(message).get("_meta")
        return (
            "elicitation" if isinstance(meta, dict) and meta.get("codex_approval_kind") == MCP_APPROVAL_KIND else None
        )
    if message.get("method") == USER_INPUT:
        return "form" if _mcp_question(message) is not None else None
    return None


@dataclass(slots=True, frozen=True)
class McpCall:
    server: str
    tool: str
    arguments: dict[str, Any] | None
    """None: the proxy saw neither the request's ``tool_params`` nor the item's ``arguments``."""
    item_id: str | None


def mcp_call(message: dict[str, Any], session: Session) -> McpCall | None:
    """The MCP tool call an approval request is about (None if the request does not name one).

    The elicitation names the server in a field and the tool only in a sentence for a person, so the
    ``mcpToolCall`` item announced just before it (same server, and same tool when the sentence names one) is
    the source; the form carries the call id (its ``itemId``, and the question id's suffix)."""
    kind = _mcp_kind(message)
    if kind is None:
        return None
    params = _params(message)
    if kind == "elicitation":
        text = str(params.get("message") or "")
        meta = params.get("_meta") if isinstance(params.get("_meta"), dict) else {}
        assert isinstance(meta, dict)
        args = meta.get("tool_params")
    else:
        question = _mcp_question(message) or {}
        text = str(question.get("question") or "")
        args = None
    said = _MCP_PROMPT.search(text)
    server = params.get("serverName") or (said["server"] if said else None)
    tool = said["tool"] if said else None
    item: dict[str, Any] | None = None
    if kind == "form":
        call_id = str(question.get("id") or "")[len(MCP_QUESTION_PREFIX) :]
        item = session.items.get(str(params.get("itemId") or "")) or session.items.get(call_id)
    else:
        for candidate in reversed(session.items.values()):
            same_tool = tool is None or candidate.get("tool") == tool
            if candidate.get("type") == "mcpToolCall" and candidate.get("server") == server and same_tool:
                item = candidate
                break
    if item is not None and item.get("type") == "mcpToolCall":
        server = item.get("server") or server
        tool = item.get("tool") or tool
        if not isinstance(args, dict) and isinstance(item.get("arguments"), dict):
            args = item["arguments"]
    if not isinstance(server, str) or not server or not isinstance(tool, str) or not tool:
        return None
    item_id = item.get("id") if item is not None else None
    return McpCall(server, tool, args if isinstance(args, dict) else None, item_id)


def _abs(path: str, cwd: str | None) -> str:
    if not path or posixpath.isabs(path) or not cwd:
        return path
    return posixpath.normpath(posixpath.join(cwd, path))


def _diff_lines(diff: str) -> tuple[list[str], list[str]]:
    """Removed and added lines of a unified diff (or of plain text, taken as added). ``+++ ``/``--- `` lines are
    file headers only before the first hunk: inside one, ``+++x`` is the added line ``++x``."""
    removed, added, marked, in_hunk = [], [], False, False
    for line in diff.splitlines():
        if line.startswith("@@") or (not in_hunk and line.startswith(("+++ ", "--- "))):
            marked = True
            in_hunk = in_hunk or line.startswith("@@")
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
        if kind == "add":  # v1 carries the whole ``content``; v2 a diff of added lines
            content = change["content"] if isinstance(change.get("content"), str) else "\n".join(added)
            out.append(action("write_file", {"path": path, "content": content}, cwd))
        elif kind == "delete":
            out.append(action("shell", {"command": f"rm -f -- {shlex.quote(path)}"}, cwd))
        else:
            out.append(action("edit_file", {"path": path, "old": "\n".join(removed), "new": "\n".join(added)}, cwd))
            if move:
                out.append(action("write_file", {"path": _abs(move, cwd), "content": "\n".join(added)}, cwd))
    return out


def v1_changes(file_changes: Any) -> list[dict[str, Any]]:
    """v1's ``fileChanges`` (path → ``{"type": "add", "content"}`` | ``{"type": "delete", "content"}`` |
    ``{"type": "update", "unified_diff", "move_path"}``; the externally tagged ``{"add": {...}}`` form is read
    too) as v2's ``changes`` (``{path, kind, diff}``), so both go through ``change_actions``."""
    out: list[dict[str, Any]] = []
    if not isinstance(file_changes, dict):
        return out
    for path, change in file_changes.items():
        if not isinstance(change, dict):
            continue
        if "type" not in change and len(change) == 1:  # {"update": {...}}
            ((kind, body),) = change.items()
            change = {"type": kind, **(body if isinstance(body, dict) else {})}
        kind = str(change.get("type") or "update")
        if kind == "update":
            diff = str(change.get("unified_diff") or change.get("unifiedDiff") or "")
            move = change.get("move_path") or change.get("movePath")
            out.append({"path": path, "kind": {"type": "update", "move_path": move}, "diff": diff})
        else:  # add and delete carry the whole content
            out.append({"path": path, "kind": {"type": kind}, "content": str(change.get("content") or "")})
    return out


def _entry_path(path: Any, cwd: str | None) -> str | None:
    """A sandbox entry's path (``{"type": "path" | "glob_pattern" | "special", ...}``) as a plain path: a glob as
    the folder before its first wildcard, a special location as where it points; None when unknown."""
    if not isinstance(path, dict):
        return path if isinstance(path, str) and path else None
    kind = path.get("type")
    if kind == "path":
        value = path.get("path")
        return value if isinstance(value, str) and value else None
    if kind == "glob_pattern":
        pattern = path.get("pattern")
        if not isinstance(pattern, str):
            return None
        head = re.split(r"[*?\[{]", pattern, maxsplit=1)[0].rstrip("/")
        return head or ("/" if pattern.startswith("/") else cwd)
    if kind == "special":
        value = path.get("value")
        special: dict[str, Any] = value if isinstance(value, dict) else path
        name = special.get("kind")
        if name == "root":
            return "/"
        if name in ("tmpdir", "slash_tmp"):
            return "/tmp"
        if name == "unknown" and isinstance(special.get("path"), str):
            sub = special.get("subpath")
            return posixpath.join(special["path"], sub) if isinstance(sub, str) and sub else special["path"]
        if isinstance(special.get("subpath"), str) and cwd:  # project roots, a folder below them
            return posixpath.join(cwd, special["subpath"])
        return None  # minimal, the project roots themselves: inside the sandbox already
    return None


def grant_input(profile: Any, cwd: str | None) -> dict[str, Any] | None:
    """The ``sandbox_grant`` action input for a Codex permission profile (``fileSystem.read`` / ``.write``, its
    ``entries`` of ``{path, access}``, ``network.enabled``; ``file_system`` as the model's ``request_permissions``
    tool spells it in a rollout); None when it asks for nothing this can judge."""
    if not isinstance(profile, dict):
        return None
    fs_value = profile.get("fileSystem", profile.get("file_system"))
    fs: dict[str, Any] = fs_value if isinstance(fs_value, dict) else {}
    read = [p for p in fs.get("read") or [] if isinstance(p, str) and p]
    write = [p for p in fs.get("write") or [] if isinstance(p, str) and p]
    for entry in fs.get("entries") or []:
        if not isinstance(entry, dict) or entry.get("access") not in ("read", "write"):
            continue  # "deny" narrows the sandbox
        path = _entry_path(entry.get("path"), cwd)
        if path:
            (write if entry["access"] == "write" else read).append(path)
    network = profile.get("network")
    enabled = isinstance(network, dict) and network.get("enabled") is True
    if not (read or write or enabled):
        return None
    out: dict[str, Any] = {"read": read, "write": write}
    if enabled:
        out["network"] = True
    return out


NETWORK_SCHEMES = {"http": "http", "https": "https", "socks5Tcp": "socks5", "socks5Udp": "socks5"}


def network_destination(params: dict[str, Any]) -> str | None:
    """For a command approval that asks for network access (``networkApprovalContext``: the sandbox stopped the
    command connecting to ``host``), the destination as a URL; the command alone may not show where it connects
    (``python sync.py``). None when the request is not about the network."""
    context = params.get("networkApprovalContext")
    if not isinstance(context, dict):
        return None
    host = context.get("host")
    if not isinstance(host, str) or not host.strip():
        return None
    scheme = NETWORK_SCHEMES.get(str(context.get("protocol")), "https")
    return f"{scheme}://{host.strip()}"


def review_requests(message: dict[str, Any], session: Session) -> list[dict[str, Any]]:
    """The action review requests for one approval request; empty when there is nothing to review."""
    params = _params(message)
    method = message["method"]
    v1 = method in V1_APPROVALS
    item_id = params.get("callId") if v1 else params.get("itemId")
    item = {} if v1 else session.items.get(str(item_id), {})
    cwd = params.get("cwd") or item.get("cwd")
    cwd = cwd if isinstance(cwd, str) and cwd else None
    if method == PERMISSIONS_APPROVAL:
        grant = grant_input(params.get("permissions"), cwd)
        actions = [action("sandbox_grant", grant, cwd)] if grant else []
    elif method == DYNAMIC_TOOL_CALL:
        tool, args = dynamic_tool(message), params.get("arguments")
        actions = [action(tool, args if isinstance(args, dict) else {"arguments": args}, cwd)] if tool else []
        item_id = params.get("callId")
    elif method in (MCP_ELICITATION, USER_INPUT):
        call = mcp_call(message, session)
        actions = [action(f"mcp:{call.server}/{call.tool}", call.arguments or {}, cwd)] if call else []
        item_id = item_id or (call.item_id if call else None)
    elif method in (COMMAND_APPROVAL, V1_COMMAND_APPROVAL):
        command = params.get("command") or item.get("command")
        if isinstance(command, list):
            command = argv_to_command([str(part) for part in command])
        actions = [action("shell", {"command": str(command)}, cwd)] if command else []
        if (destination := network_destination(params)) is not None:
            actions.append(action("http_request", {"method": "CONNECT", "url": destination}, cwd))
    elif v1:
        actions = change_actions(v1_changes(params.get("fileChanges")), cwd)
    else:
        actions = change_actions(item.get("changes") or [], cwd)
    thread = str((params.get("conversationId") if v1 else params.get("threadId")) or "")
    goal = session.goals.get(thread)
    base = safe_id("codex-app", thread, str(params.get("turnId") or ""), str(item_id or message["id"]))
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


GRANTS = ("grantRoot", "additionalPermissions")
"""Request fields that ask for more than the one action (writes under a root for the session, extra sandbox
permissions): Oversight reviews the action, not the grant, so such a request is never accepted by the proxy."""


def grants(message: dict[str, Any], session: Session | None = None) -> list[str]:
    """Why the proxy must not accept the request even when its action is approved: the grant fields it carries
    (non-empty), or, for an MCP tool approval, arguments the proxy did not see (``session`` given)."""
    params = message.get("params")
    out = [name for name in GRANTS if isinstance(params, dict) and params.get(name)]
    if message.get("method") == PERMISSIONS_APPROVAL:
        out.append("a wider sandbox")
    if session is not None and (call := mcp_call(message, session)) is not None and call.arguments is None:
        out.append("a tool call whose arguments it did not see")
    return out


def verdict_for(
    decisions: list[dict[str, Any]], on_approve: OnApprove, asks: list[str] | None = None, *, unattended: bool = False
) -> Verdict:
    """What to do with the request, given the decisions of its actions (``asks``: its grant fields;
    ``unattended``: no human sees a forwarded request, so only an approve is forwarded)."""
    decision = worst(decisions)
    verdict = str(decision.get("verdict"))
    if verdict == "block" or (unattended and verdict != "approve"):
        note = reason(decision)
        if verdict != "block":  # escalate, still pending: nobody approved it
            note += " A human reviewer must approve this call first."
        return Verdict(forward=False, decision="decline", note=note)
    if unattended:
        return Verdict(forward=True, note=reason(decision))
    if verdict == "approve" and on_approve == "accept" and not asks and not noted_approval(decision):
        return Verdict(forward=False, decision="accept", note=reason(decision))
    return Verdict(forward=True, note=reason(decision))


def reply(message: dict[str, Any], decision: str, why: str = "") -> dict[str, Any] | None:
    """The client's response to any reviewed request, ``decision`` being ``decline`` or ``accept``, in the
    request's own words; None when the form offers no option with that meaning (the user is asked instead), and
    for an accepted dynamic tool call (only the client can run it). ``why`` is what the model is told when a
    dynamic tool call is not run."""
    if message.get("method") == DYNAMIC_TOOL_CALL:
        if decision == "accept":
            return None
        text = f"{why} The tool was not run." if why else "Oversight did not let this tool call run."
        return {
            "id": message["id"],
            "result": {"contentItems": [{"type": "inputText", "text": text}], "success": False},
        }
    if message.get("method") == PERMISSIONS_APPROVAL:
        # declining grants nothing; a grant is never given by the proxy (Codex keeps only what is granted)
        return {"id": message["id"], "result": {"permissions": {}, "scope": "turn"}} if decision == "decline" else None
    kind = _mcp_kind(message)
    if kind == "elicitation":
        result: dict[str, Any] = {"action": "accept", "content": {}} if decision == "accept" else {"action": "decline"}
        return {"id": message["id"], "result": result}
    if kind == "form":
        question = _mcp_question(message)
        assert question is not None
        options = question.get("options") if isinstance(question.get("options"), list) else []
        labels = [o.get("label") for o in options if isinstance(o, dict)]  # type: ignore[union-attr]
        label = next((w for w in (FORM_ACCEPT if decision == "accept" else FORM_DECLINE) if w in labels), None)
        if label is None:
            return None
        return {"id": message["id"], "result": {"answers": {question["id"]: {"answers": [label]}}}}
    return answer(message["id"], decision, message["method"])


def answer(request_id: Any, decision: str, method: str = COMMAND_APPROVAL) -> dict[str, Any]:
    """The client's response to an approval request, as the proxy sends it in the client's place: ``decision``
    is v2's ``decline`` or ``accept``, turned into v1's ``denied`` or ``approved`` for a v1 request."""
    if method in V1_APPROVALS:
        decision = V1_DECISIONS[decision]
    return {"id": request_id, "result": {"decision": decision}}
