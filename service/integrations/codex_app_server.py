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
``item/started``), and the extra sandbox permissions it may ask for (``additionalPermissions``) as a
``sandbox_grant``, as the Codex hook reviews them. A request with no ``cwd`` (a permission request has none in some
releases; it is optional in a command approval) and no item to take it from is reviewed in its thread's working
folder, noted from ``thread/start`` / ``thread/resume`` / ``thread/fork`` results, ``thread/started``,
``thread/settings/updated`` and a ``turn/start`` that moves the thread, so that the home folder the analysis
derives from it is the user's, not a guess. A request for which no folder is known at all (a thread the proxy
never saw start) is reviewed with none, and never accepted by the proxy (:func:`folder_unknown`): no folder is
guessed (the proxy's own is not the thread's), relative paths stay unresolved. A file change is reviewed from the ``fileChange`` item announced in ``item/started``
(``changes`` of ``{path, kind, diff}``, where ``diff`` is what Codex's ``FileChange`` carries: an added file's
whole content verbatim, a deleted file's old content, an update's unified diff): an added file as ``write_file``
with that content, an update as ``edit_file`` (removed and added lines), a deletion as ``shell rm``, a move also
as a write of the destination. The folder a file change may also ask to write under for the rest of the session
(``grantRoot``, v1 and v2) is reviewed as a ``sandbox_grant`` ``{"write": [root], "scope": "session"}``, so a grant
of the home folder, ``/`` or ``~/.ssh`` declines the change, as ``additionalPermissions`` declines a command. A
request whose item was not seen and that asks for no grant is sent to the client unreviewed. The goal for the
alignment check is the text of the thread's last ``turn/start``.

A review of a request the client's user will see is sent with ``asks_user`` (and the thread as
``context.session_id``): if it escalates, the user's prompt gates the call. The client's answer passes through
the proxy: :meth:`Session.forwarded` remembers such a request and :meth:`Session.client_line` reads the answer
back as an :class:`Outcome` for the runner to report (an accept as the call having run, ``POST
/v1/actions/ran``; a decline by withdrawing the escalation), so that no reviewer decides a call the user already
decided.

For server lines the proxy cannot read strictly (``orjson`` refuses them: a number out of range, a lone
surrogate, bytes that are not UTF-8, or they are too long to read whole), :func:`unreadable` and
:func:`oversized` tell whether they name a method the proxy reviews, and :func:`refusal` is the answer in that
request's shape: such a line must never reach the client unreviewed.

MCP tool calls the model makes are approved on a different channel, in one of two shapes depending on the
Codex version and the user's config: an ``mcpServer/elicitation/request`` whose ``_meta.codex_approval_kind`` is
``mcp_tool_call`` (``serverName``, ``message``, the arguments in ``_meta.tool_params``), or an
``item/tool/requestUserInput`` form with one question whose id is ``mcp_tool_call_approval_<call id>`` (answered
with one of its option labels). Both are reviewed as the action ``mcp:<server>/<tool>`` with the call's
arguments, taken from the request or from the ``mcpToolCall`` item announced in ``item/started`` (for an
elicitation without ``tool_params``, only when exactly one such item of that server and tool is in flight); a
block is answered ``decline`` (the form's deny option: ``Deny``, else ``Cancel``), an accept ``accept`` (the
form's ``Allow`` / ``Approve Once``). A call whose arguments the proxy did not see (or could not tie to one
call) is reviewed by its name but never accepted by the proxy. Other forms and elicitations (questions the model
asks the user) pass through untouched.

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
import json
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
FORM_ACCEPT_ANY = (*FORM_ACCEPT, "Allow for this session", "Approve this Session")  # a user's yes, read back
REVIEWED = APPROVALS | {DYNAMIC_TOOL_CALL, MCP_ELICITATION, USER_INPUT}
"""Methods of the requests the proxy may hold for review: a line naming one that it cannot read strictly never
reaches the client (:func:`unreadable`)."""
# the client's answers to an approval request, v2 and v1 words (``ReviewDecision``), read back by the proxy
ANSWER_ACCEPTS = frozenset({"accept", "acceptForSession", "approved", "approved_for_session"})
ANSWER_DECLINES = frozenset({"decline", "cancel", "denied", "abort"})
ANSWER_AMENDMENTS = frozenset({"acceptWithExecpolicyAmendment", "approved_execpolicy_amendment"})
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
class Forwarded:
    """A request the proxy passed to the client while its review's escalations wait in the inbox."""

    message: dict[str, Any]
    escalated: list[tuple[str, str]]
    """(request id, review id) of each escalated review, sent with ``asks_user``."""


@dataclass(slots=True, frozen=True)
class Outcome:
    """The client's answer to a forwarded request with escalations open: what to tell the service."""

    what: str
    """``<method> <id>``, for stderr."""
    answer: Literal["accept", "decline"]
    """accept: report each as run (``POST /v1/actions/ran``); decline: withdraw each (``.../withdraw``)."""
    escalated: tuple[tuple[str, str], ...]
    """(request id, review id) of each escalated review."""


def _rpc_key(request_id: Any) -> bytes | None:
    """A JSON-RPC id as a dict key (``1`` and ``"1"`` and ``true`` stay apart); None for one no answer can name."""
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    try:
        return orjson.dumps(request_id)
    except TypeError:  # a lone surrogate in a string id
        return None


@dataclass(slots=True)
class Session:
    """What the proxy has seen of the conversation: goals per thread, items awaiting approval, and the requests
    it forwarded with escalations open, until the client answers them."""

    goals: dict[str, str] = field(default_factory=dict)
    items: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    threads: dict[str, str] = field(default_factory=dict)
    """The thread of each item in ``items`` (from its ``item/started``)."""
    pending: OrderedDict[bytes, Forwarded] = field(default_factory=OrderedDict)
    cwds: OrderedDict[str, str] = field(default_factory=OrderedDict)
    """Each thread's working folder (:meth:`thread_cwd`), for a request that carries none."""

    def thread_cwd(self, thread: Any, cwd: Any) -> None:
        """Remember ``cwd`` as the working folder of ``thread``, if both are usable (an absolute folder)."""
        if not isinstance(thread, str) or not thread or not _absolute(cwd):
            return
        self.cwds[thread] = cwd
        self.cwds.move_to_end(thread)
        while len(self.cwds) > MAX_ITEMS:
            self.cwds.popitem(last=False)

    def client_line(self, message: Any) -> Outcome | None:
        """Note the goal of a ``turn/start`` (v1: ``sendUserMessage``, ``sendUserTurn``): the user's text; and
        read the client's answer to a request :meth:`forwarded` with escalations open (the outcome to report).
        Whatever does not have the expected types is left alone: the line is relayed as it is, never refused."""
        if not isinstance(message, dict):
            return None
        method, params = message.get("method"), message.get("params")
        if method is None and "id" in message:  # a response: the client's answer to a server request
            return self.answered(message)
        if not isinstance(method, str) or not isinstance(params, dict):
            return None
        if method == "turn/start":
            items, thread = params.get("input"), params.get("threadId")
            self.thread_cwd(thread, params.get("cwd"))  # moves the thread: this turn and the next ones
        elif method in V1_TURNS:  # v1 input items: {"type": "text", "data": {"text": ...}}
            items, thread = params.get("items"), params.get("conversationId")
        else:
            return None
        if not isinstance(items, list) or not isinstance(thread, str):
            return None
        texts = [text for i in items if (text := _text(i))]
        if texts:
            self.goals[thread] = "\n".join(texts)[:MAX_GOAL]
        return None

    def server_line(self, message: Any) -> None:
        """Remember command and file-change items from ``item/started``; forget them at ``item/completed``. Note
        each thread's working folder: the ``cwd`` of a response that carries a thread (``thread/start``,
        ``thread/resume``, ``thread/fork``: the result's ``cwd``, else its thread's), of ``thread/started`` and
        of ``thread/settings/updated``."""
        if not isinstance(message, dict):
            return
        method = message.get("method")
        params = message.get("params")
        if method is None and isinstance(result := message.get("result"), dict):
            thread = result.get("thread")
            if isinstance(thread, dict):
                self.thread_cwd(
                    thread.get("id"), result.get("cwd") if _absolute(result.get("cwd")) else thread.get("cwd")
                )
            return
        if method == "thread/started" and isinstance(params, dict) and isinstance(params.get("thread"), dict):
            self.thread_cwd(params["thread"].get("id"), params["thread"].get("cwd"))
            return
        if method == "thread/settings/updated" and isinstance(params, dict):
            settings = params.get("threadSettings")
            self.thread_cwd(params.get("threadId"), settings.get("cwd") if isinstance(settings, dict) else None)
            return
        if method not in ("item/started", "item/completed"):
            return
        item = params.get("item") if isinstance(params, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return
        assert isinstance(params, dict)
        if method == "item/completed":
            self.items.pop(item["id"], None)
            self.threads.pop(item["id"], None)
        elif item.get("type") in ("commandExecution", "fileChange", "mcpToolCall"):
            self.items[item["id"]] = item
            thread = params.get("threadId")
            if isinstance(thread, str):
                self.threads[item["id"]] = thread
            while len(self.items) > MAX_ITEMS:
                gone, _ = self.items.popitem(last=False)
                self.threads.pop(gone, None)

    def forwarded(self, message: dict[str, Any], requests: list[dict[str, Any]], decisions: list[Any]) -> None:
        """The proxy passed ``message`` to the client after reviewing it (``requests``, their ``decisions``): if
        some escalated (and were sent with ``asks_user``), remember them until the client answers."""
        escalated = [
            (request["id"], decision["review_id"])
            for request, decision in zip(requests, decisions, strict=False)
            if isinstance(decision, dict)
            and decision.get("verdict") == "escalate"
            and isinstance(decision.get("review_id"), str)
            and decision["review_id"]
            and request.get("asks_user")
            and isinstance(request.get("id"), str)
        ]
        key = _rpc_key(message.get("id"))
        if not escalated or key is None:
            return
        self.pending[key] = Forwarded(message, escalated)
        while len(self.pending) > MAX_ITEMS:
            self.pending.popitem(last=False)

    def answered(self, response: dict[str, Any]) -> Outcome | None:
        """The outcome of the client's answer to a request remembered by :meth:`forwarded` (None: not one, or an
        answer whose meaning the proxy does not know: an error, an option it cannot read; nothing is reported
        then, and the escalation keeps its time limit)."""
        key = _rpc_key(response.get("id"))
        held = self.pending.pop(key, None) if key is not None else None
        if held is None:
            return None
        said = client_answer(held.message, response)
        if said is None:
            return None
        what = f"{held.message.get('method')} {held.message.get('id')}"
        return Outcome(what, said, tuple(held.escalated))


def _absolute(path: Any) -> bool:
    """An absolute folder, as Codex writes a thread's ``cwd`` (POSIX, or a Windows drive's)."""
    return isinstance(path, str) and (path.startswith("/") or re.match(r"[A-Za-z]:[\\/]", path) is not None)


def _grants_something(value: Any) -> bool:
    """A permission profile that grants anything: a true flag or a path somewhere in it (``{"fileSystem": {"read":
    [], "write": []}, "network": null}`` grants nothing)."""
    if isinstance(value, dict):
        return any(_grants_something(v) for v in value.values())
    if isinstance(value, list):
        return any(_grants_something(v) for v in value)
    return bool(value) and value is not None


def client_answer(request: dict[str, Any], response: dict[str, Any]) -> Literal["accept", "decline"] | None:
    """What the client answered to ``request``: ``accept`` (the call goes ahead), ``decline`` (it does not), or
    None when that cannot be told (a JSON-RPC error, an unknown word or option)."""
    result = response.get("result")
    if not isinstance(result, dict):
        return None
    method = request.get("method")
    if method == PERMISSIONS_APPROVAL:  # what the user granted: nothing is a decline
        permissions = result.get("permissions")
        if not isinstance(permissions, dict):
            return None
        return "accept" if _grants_something(permissions) else "decline"
    kind = _mcp_kind(request)
    if kind == "elicitation":
        action_taken = result.get("action")
        if action_taken == "accept":
            return "accept"
        return "decline" if action_taken in ("decline", "cancel") else None
    if kind == "form":
        question = _mcp_question(request) or {}
        answers = result.get("answers")
        entry = answers.get(question.get("id")) if isinstance(answers, dict) else None
        labels = entry.get("answers") if isinstance(entry, dict) else None
        if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
            return None
        if labels[0] in FORM_ACCEPT_ANY:
            return "accept"
        return "decline" if labels[0] in FORM_DECLINE else None
    decision = result.get("decision")
    if isinstance(decision, str):
        if decision in ANSWER_ACCEPTS:
            return "accept"
        return "decline" if decision in ANSWER_DECLINES else None
    if isinstance(decision, dict) and len(decision) == 1:
        ((word, body),) = decision.items()
        if word in ANSWER_AMENDMENTS:
            return "accept"
        if word == "applyNetworkPolicyAmendment" and isinstance(body, dict):  # allow the host, or deny it
            amendment = body.get("network_policy_amendment")
            verb = amendment.get("action") if isinstance(amendment, dict) else None
            return "accept" if verb == "allow" else "decline" if verb == "deny" else None
    return None


def _text(item: Any) -> str | None:
    if not isinstance(item, dict) or item.get("type") != "text":
        return None
    data = item.get("data")
    text = data.get("text") if isinstance(data, dict) else item.get("text")
    return text if isinstance(text, str) and text else None


def is_approval(message: Any) -> bool:
    """A server-initiated request the proxy holds for review: an approval request or a dynamic tool call."""
    if not isinstance(message, dict) or "id" not in message:
        return False
    method = message.get("method")
    if not isinstance(method, str):  # a list or an object as the method: no request the proxy knows
        return False
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
    ``mcpToolCall`` item in flight (same server and thread, and same tool when the sentence names one) is the
    source, but only when exactly one such item is: with two calls of one tool in flight, nothing says which one
    is asked about, and the arguments count as not seen (the call is never accepted by the proxy). The form
    carries the call id (its ``itemId``, and the question id's suffix)."""
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
        thread = params.get("threadId")
        candidates = [
            candidate
            for candidate in session.items.values()
            if candidate.get("type") == "mcpToolCall"
            and candidate.get("server") == server
            and (tool is None or candidate.get("tool") == tool)
            and (not isinstance(thread, str) or session.threads.get(candidate["id"], thread) == thread)
        ]
        if len(candidates) == 1:
            item = candidates[0]
        elif tool is None and candidates and all(c.get("tool") == candidates[0].get("tool") for c in candidates):
            tool = candidates[0].get("tool")  # which call is unknown, but not which tool
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


_GIT_HEADERS = (
    "diff ",
    "index ",
    "new file mode ",
    "deleted file mode ",
    "old mode ",
    "new mode ",
    "similarity index ",
    "dissimilarity index ",
    "rename from ",
    "rename to ",
    "copy from ",
    "copy to ",
    "Binary files ",
)
_MOVED_TO = re.compile(r"\n\nMoved to: [^\n]*\Z")  # what Codex appends to the diff of an update that moves a file


def _diff_lines(diff: str) -> tuple[list[str], list[str]]:
    """Removed and added lines of an update's unified diff (plain text with no diff syntax at all is taken as
    added). ``+++ ``/``--- `` lines are file headers only before the first hunk: inside one, ``+++x`` is the added
    line ``++x``. Context lines (`` x``, empty, ``\\ No newline``) are the file as it was; any other line is not
    diff syntax and is kept as added text: nothing the file could end up holding is dropped unreviewed."""
    removed, added, marked, in_hunk = [], [], False, False
    for line in diff.splitlines():
        if line.startswith("@@"):
            marked = in_hunk = True
        elif not in_hunk and line.startswith(("+++ ", "--- ")):
            marked = True
        elif line.startswith("+"):
            added.append(line[1:])
            marked = True
        elif line.startswith("-"):
            removed.append(line[1:])
            marked = True
        elif not line or line.startswith((" ", "\\")) or (not in_hunk and line.startswith(_GIT_HEADERS)):
            continue
        else:
            added.append(line)
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
    """One action per changed file (a move adds a write of the destination).

    What ``diff`` holds depends on the kind, as Codex's ``FileChange`` does (v1 ``applyPatchApproval`` carries the
    same three shapes under their own names, see :func:`v1_changes`): an added file's ``diff`` is its whole
    content, verbatim (a line of it may well start with ``-`` or ``+``: it is text, not diff syntax), reviewed as
    ``write_file``; a deleted file's is its old content (``shell rm``: what goes away is not under review); an
    update's is a unified diff, reviewed as ``edit_file`` of its removed and added lines. A kind the proxy does
    not know is reviewed as a write of the whole text it carries."""
    out: list[dict[str, Any]] = []
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("path"), str):
            continue
        path = _abs(change["path"], cwd)
        kind, move = _kind(change)
        raw = change.get("diff")
        diff = raw if isinstance(raw, str) else ""
        if kind == "add":  # v1: ``content``; v2: ``diff``, the same text
            content = change["content"] if isinstance(change.get("content"), str) else diff
            out.append(action("write_file", {"path": path, "content": content}, cwd))
        elif kind == "delete":
            out.append(action("shell", {"command": f"rm -f -- {shlex.quote(path)}"}, cwd))
        elif kind == "update":
            removed, added = _diff_lines(_MOVED_TO.sub("", diff) if move else diff)
            out.append(action("edit_file", {"path": path, "old": "\n".join(removed), "new": "\n".join(added)}, cwd))
            if move:
                out.append(action("write_file", {"path": _abs(move, cwd), "content": "\n".join(added)}, cwd))
        else:
            content = change["content"] if isinstance(change.get("content"), str) else diff
            out.append(action("write_file", {"path": path, "content": content}, cwd))
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


def request_cwd(message: dict[str, Any], session: Session) -> str | None:
    """The working folder a request is reviewed in: the request's, else its item's, else its thread's (a permission
    request has none in some releases, and it is optional in a command approval); the analysis derives the home
    folder from it. None when the proxy knows none (a thread it never saw start)."""
    params = _params(message)
    v1 = message.get("method") in V1_APPROVALS
    item = {} if v1 else session.items.get(str(params.get("itemId")), {})
    thread = str((params.get("conversationId") if v1 else params.get("threadId")) or "")
    return next(
        (c for c in (params.get("cwd"), item.get("cwd"), session.cwds.get(thread)) if isinstance(c, str) and c), None
    )


def folder_unknown(message: dict[str, Any], session: Session) -> bool:
    """An approval request reviewed with no working folder: relative paths in it cannot be resolved and the home
    folder is a guess, so the proxy never accepts it (a block still declines it; the user decides the rest)."""
    return message.get("method") in APPROVALS and request_cwd(message, session) is None


def review_requests(message: dict[str, Any], session: Session) -> list[dict[str, Any]]:
    """The action review requests for one approval request; empty when there is nothing to review."""
    params = _params(message)
    method = message["method"]
    v1 = method in V1_APPROVALS
    item_id = params.get("callId") if v1 else params.get("itemId")
    item = {} if v1 else session.items.get(str(item_id), {})
    thread = str((params.get("conversationId") if v1 else params.get("threadId")) or "")
    cwd = request_cwd(message, session)
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
        # extra sandbox permissions for this command: reviewed as the grant they are, as the Codex hook reviews a
        # PermissionRequest's ``additional_permissions`` (the request is never accepted by the proxy either way)
        if (grant := grant_input(params.get("additionalPermissions"), cwd)) is not None:
            actions.append(action("sandbox_grant", grant, cwd))
    else:
        changes = v1_changes(params.get("fileChanges")) if v1 else item.get("changes") or []
        actions = change_actions(changes, cwd)
        # ``grantRoot`` (a path): writes under that folder for the rest of the session without asking again,
        # reviewed as the session-long write grant it is; a value of another shape goes to the analyser as it is,
        # which does not approve a grant it cannot read
        if (root := grant_root(params)) is not None:
            actions.append(action("sandbox_grant", {"write": root, "scope": "session"}, cwd))
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
            "agent": {"name": AGENT_NAME, "session": thread[:200] or None},
        }
        if goal:
            request["goal"] = goal
        if thread:  # as the hooks send it: a turn-ended report of the session finds its escalations
            request["context"] = {"session_id": thread[:200]}
        if method != DYNAMIC_TOOL_CALL:  # an escalation goes to the client's user, whose answer the proxy sees
            request["asks_user"] = True
        out.append(request)
    return out


def grant_root(params: dict[str, Any]) -> Any:
    """The folder a file-change approval asks to write under for the rest of the session (``grantRoot``, a path;
    v1 and v2 alike), as the ``write`` of a ``sandbox_grant``: a path as a list of one, any other non-empty value
    as it is; None when it asks for none."""
    root = params.get("grantRoot")
    if root is None or root == "" or root == [] or root == {}:
        return None
    return [root] if isinstance(root, str) else root


GRANTS = ("grantRoot", "additionalPermissions")
"""Request fields that ask for more than the one action (writes under a root for the session, extra sandbox
permissions): both are reviewed as a ``sandbox_grant`` (a block declines the request), but a grant is a human's to
give, so such a request is never accepted by the proxy."""


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


# --- lines the proxy cannot read strictly ----------------------------------------------------------------------
def refusal(method: str, request_id: Any, why: str) -> dict[str, Any]:
    """The proxy's no to a request of ``method`` (one of :data:`REVIEWED`) that it could not read, in that
    request's shape: a failed dynamic tool call (the model is told ``why``), a declined approval (v1: ``denied``),
    nothing granted, a declined elicitation, a form with no answer."""
    if method == DYNAMIC_TOOL_CALL:
        text = f"{why} The tool was not run."
        return {"id": request_id, "result": {"contentItems": [{"type": "inputText", "text": text}], "success": False}}
    if method == PERMISSIONS_APPROVAL:
        return {"id": request_id, "result": {"permissions": {}, "scope": "turn"}}
    if method == MCP_ELICITATION:
        return {"id": request_id, "result": {"action": "decline"}}
    if method == USER_INPUT:
        return {"id": request_id, "result": {"answers": {}}}
    return answer(request_id, "decline", method)


@dataclass(slots=True, frozen=True)
class Unreadable:
    """A request of a reviewed method in a line the proxy cannot read strictly."""

    method: str
    request_id: Any
    """None when no usable id could be recovered: the request cannot be answered, only dropped."""


_OBJECT_START = re.compile(r"\s*\{")
_KEY = re.compile(r'\s*("(?:[^"\\]|\\.)*")\s*:\s*')
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null')
_COMMA = re.compile(r"\s*,")
_NOT_READ = object()
_LEADING_CHARS = 64 * 1024
"""How much of an unreadable line the member-by-member reading looks at (``_leading_members`` steps through it in
Python, on the proxy's event loop)."""


def _leading_members(text: str) -> tuple[dict[str, Any], str | None]:
    """The members at the start of a JSON object's text whose values are plain (a string, a number, ``true``,
    ``false``, ``null``), up to the first whose value is not; that one's key is returned too (None: the text
    ended, or stopped making sense). Enough to tell ``{"id": 7, "method": "item/tool/call", "params": {...`` and
    ``{"id": 7, "result": {...`` apart without reading the rest."""
    start = _OBJECT_START.match(text)
    members: dict[str, Any] = {}
    pos = start.end() if start else -1
    while start:
        key_at = _KEY.match(text, pos)
        if key_at is None:
            return members, None
        try:
            key = json.loads(key_at.group(1))
        except ValueError:
            return members, None
        value_at = _SCALAR.match(text, key_at.end())
        if value_at is None:  # an object or an array (or the text ends): the rest is not read
            return members, key
        try:
            members[key] = json.loads(value_at.group(0))
        except ValueError:
            return members, key
        comma = _COMMA.match(text, value_at.end())
        if comma is None:
            return members, None
        pos = comma.end()
    return members, None


def _usable_id(request_id: Any) -> Any:
    return request_id if _rpc_key(request_id) is not None else None


def unreadable(line: bytes, methods: frozenset[str] = REVIEWED) -> list[Unreadable]:
    """For a server line ``orjson`` refuses: the requests of ``methods`` in it (a batch may hold several), each with
    its id when that can be recovered; empty when it names none, and the line is relayed as before (text that is
    not JSON, a message the proxy does not review).

    The line is read the way a lenient client reads it (Python's ``json``, which takes ``1e400``, ``NaN`` and lone
    surrogates, after bytes that are not UTF-8 are replaced), since such a client would act on what it reads.
    Failing that, the members at the start of the object are read (``{"id": 7, "method": ...`` as Codex writes a
    request); a line that names a reviewed method anywhere but not there is reported without an id."""
    text = line.decode("utf-8", "replace")
    try:
        value: Any = json.loads(text)
    except (ValueError, RecursionError):
        value = _NOT_READ
    if value is not _NOT_READ:
        messages = value if isinstance(value, list) else [value]
        return [
            Unreadable(m["method"], _usable_id(m.get("id")))
            for m in messages
            if isinstance(m, dict) and isinstance(m.get("method"), str) and m["method"] in methods
        ]
    members, _ = _leading_members(text[:_LEADING_CHARS])  # bounded: a long leading string is not walked whole
    method = members.get("method")
    if isinstance(method, str):
        return [Unreadable(method, _usable_id(members.get("id")))] if method in methods else []
    plain = text.replace("\\/", "/")
    named = sorted(m for m in methods if f'"{m}"' in plain)
    return [Unreadable(named[0], None)] if named else []


def unreadable_rest(line: bytes, methods: frozenset[str] = REVIEWED) -> bytes | None:
    """For an unreadable server line that is a batch (read leniently, as :func:`unreadable` reads it): the elements
    that are not requests of ``methods``, as one batch line to relay, since only the reviewed requests in it are
    refused; None when there are none, or the line is not a batch that can be read."""
    try:
        value: Any = json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    rest = [
        m for m in value if not (isinstance(m, dict) and isinstance(m.get("method"), str) and m["method"] in methods)
    ]
    if not rest:
        return None
    try:
        return json.dumps(rest, allow_nan=False).encode() + b"\n"
    except ValueError:  # an element that is itself out of range: it cannot be written as JSON either
        return None


def oversized(head: bytes, methods: frozenset[str] = REVIEWED) -> tuple[bool, Unreadable | None]:
    """For a server line too long to read whole, from its first bytes: (relay it, the request to refuse or drop).

    Relayed unchanged: a message whose ``method`` (read at the start, where Codex writes it) is not reviewed, and a
    response (``id`` then ``result`` / ``error``). A request of a reviewed method is not relayed: it is refused
    when its id is there too, else dropped. Anything else (the start does not say what the message is) is
    dropped, never relayed unread."""
    members, nested = _leading_members(head.decode("utf-8", "replace"))
    method = members.get("method")
    if isinstance(method, str):
        if method in methods:
            return False, Unreadable(method, _usable_id(members.get("id")))
        return True, None
    if "method" not in members and "id" in members and (nested in ("result", "error") or "error" in members):
        return True, None
    return False, None
