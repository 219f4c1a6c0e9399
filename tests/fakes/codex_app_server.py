"""A stand-in for ``codex app-server`` on stdio, speaking its wire format (integrations reference 2.4): JSON-RPC
without the ``"jsonrpc"`` member, one object per line. Enough of it to drive approvals:

- ``initialize`` → a result with ``userAgent``; ``thread/start`` → ``{"thread": {"id": "thr_1", "cwd": CWD, ...},
  "cwd": CWD, ...}`` (CWD: the ``cwd`` asked for, else ``/home/dev/shop``) and ``thread/started`` with that thread;
  ``thread/resume`` → the same result;
- ``turn/start`` whose text is ``run: COMMAND`` → ``item/started`` (``commandExecution``), then the request
  ``item/commandExecution/requestApproval`` (ids 100, 101, ...); ``net: PROTOCOL HOST`` + newline + ``run: COMMAND``
  → the same, asking for network access (``networkApprovalContext``); ``extra: PROFILE`` + newline + ``run:
  COMMAND`` → the same, asking for ``additionalPermissions`` (a JSON permission profile); ``run-bare: COMMAND`` →
  the request alone, with no ``cwd`` in it and no ``item/started`` before it (both are optional);
  ``write: PATH`` + newline + content → ``item/started`` (``fileChange``, kind ``add``, whose ``diff`` is the new
  file's content verbatim, as Codex sends an add), then ``item/fileChange/requestApproval``; ``grant: ROOT`` +
  newline + ``write: ...`` → the same, the request also asking for ``grantRoot`` ROOT (a path string);
  ``mcp: SERVER/TOOL ARGS`` (ARGS a JSON object) → ``item/started`` (``mcpToolCall``), then the MCP tool approval
  as Codex sends it with elicitations on: ``mcpServer/elicitation/request`` with ``_meta.codex_approval_kind``
  ``mcp_tool_call`` and the arguments in ``_meta.tool_params``; ``mcp-form: SERVER/TOOL ARGS`` → the same item,
  then the approval as a ``item/tool/requestUserInput`` form (one question ``mcp_tool_call_approval_<item id>``,
  options ``Allow`` / ``Allow for this session`` / ``Cancel``); ``mcp-pair: SERVER/TOOL [ARGS, ARGS]`` → two
  ``mcpToolCall`` items of that tool in flight at once, then one elicitation without ``tool_params`` (nothing in
  it says which call it is about; the answer completes the second); ``ask: QUESTION`` → a plain
  ``item/tool/requestUserInput`` question (not an approval); ``tool: [NAMESPACE/]TOOL ARGS`` → ``item/started``
  (``dynamicToolCall``), then the dynamic tool call ``item/tool/call`` that the client is to run (answered with
  ``{"contentItems": [...], "success": ...}``); ``tool-raw: [NAMESPACE/]TOOL ARGS``: the same, with ARGS put in
  the request's line as written (a key twice stays twice); ``perm: PROFILE`` (a JSON permission profile) → the
  sandbox permission request ``item/permissions/requestApproval`` (answered with the granted ``permissions``);
  ``perm-bare: PROFILE`` → the same request without a ``cwd`` (the protocol's request has none in some releases);
- when the answer to the approval comes back: ``serverRequest/resolved``, ``item/completed`` with status
  ``completed`` (accept, ``Allow``...) or ``declined`` (``failed`` for an MCP call, as Codex reports a rejected
  one; for a dynamic tool call ``completed`` or ``failed`` after its ``success``, with its ``contentItems``), and
  ``turn/completed``.

And of the older v1 conversation API: ``newConversation`` → ``{"conversationId": "conv_1", ...}``;
``sendUserMessage`` (items ``{"type": "text", "data": {"text": ...}}``) with ``run: COMMAND`` → the request
``execCommandApproval`` (``command`` as ``["bash", "-lc", COMMAND]``), with ``write: PATH`` (or ``grant: ROOT``
+ newline + ``write: PATH``) + newline + content → ``applyPatchApproval`` (``fileChanges`` with an ``add``);
the answer (``approved`` / ``denied`` ...) is followed by a ``codex/event/task_complete`` notification whose
``last_agent_message`` repeats it.

Every line it receives is appended to the file named by ``$FAKE_CODEX_LOG`` (one JSON object per line; a line
over 1 MiB as ``{"oversize": BYTES, "method": ...}``; one that is not a JSON object as ``{"unparsed": TEXT}``), so
a test can see what reached the app-server.

For tests of what the app-server may write that Codex does not: the client method ``fake/emit`` (params ``raw``,
or ``head`` + ``pad`` + ``tail``) makes it write ``raw`` (``head``, ``pad`` times ``a``, ``tail``) to its stdout
as it is, and answers nothing.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

RAW = "<the arguments as the test wrote them>"


def send(message: dict[str, Any], raw: str | None = None) -> None:
    """One line; with ``raw``, the text stands in for the ``RAW`` placeholder verbatim (say, a key named twice)."""
    line = json.dumps(message)
    if raw is not None:
        line = line.replace(json.dumps(RAW), raw)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def valid_input(message: dict[str, Any]) -> bool:
    """A ``turn/start`` / ``sendUserMessage`` whose input is a list of objects (Codex answers anything else with an
    error)."""
    params = message.get("params")
    items = params.get("input" if message["method"] == "turn/start" else "items") if isinstance(params, dict) else None
    return isinstance(items, list) and all(isinstance(i, dict) for i in items)


def main() -> None:
    path = os.environ.get("FAKE_CODEX_LOG")
    with open(path, "a") if path else open(os.devnull, "w") as log:
        serve(log)


def serve(log: Any) -> None:
    next_request, turns = 100, 0
    waiting: dict[int, dict[str, Any]] = {}
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            log.write(json.dumps({"unparsed": line[:1000]}) + "\n")
            log.flush()
            continue
        big = len(line) > 1024 * 1024
        log.write(json.dumps({"oversize": len(line), "method": message.get("method")} if big else message) + "\n")
        log.flush()
        method, rid = message.get("method"), message.get("id")
        if not isinstance(method, str | None):
            continue
        if method in ("turn/start", "sendUserMessage") and not valid_input(message):  # as Codex refuses it
            send({"id": rid, "error": {"code": -32602, "message": f"invalid params for {method}"}})
            continue
        if method == "fake/emit":
            params = message["params"]
            if "raw" in params:
                sys.stdout.write(params["raw"])
            else:
                sys.stdout.write(params["head"] + "a" * params["pad"] + params["tail"])
            sys.stdout.flush()
        elif method is None and isinstance(rid, int) and rid in waiting:  # the answer to an approval request
            item = waiting.pop(rid)
            decision = (message.get("result") or {}).get("decision")
            if item.get("v1"):
                send({"method": "codex/event/task_complete", "params": {
                    "conversationId": "conv_1", "id": item["id"],
                    "msg": {"type": "task_complete", "last_agent_message": f"{item['id']}: {decision}"}}})
                continue
            result = message.get("result") or {}
            if "action" in result:  # an elicitation
                decision = result["action"]
            elif "answers" in result:  # a form: the first answer of its one question
                decision = next(iter(result["answers"].values()), {}).get("answers", [None])[0]
            send({"method": "serverRequest/resolved", "params": {"threadId": "thr_1", "requestId": rid}})
            accepted = decision in ("accept", "acceptForSession", "Allow", "Allow for this session")
            if item.get("type") == "dynamicToolCall":
                item["status"] = "completed" if result.get("success") else "failed"
                item["success"], item["contentItems"] = result.get("success"), result.get("contentItems")
            elif item.get("type") == "permissionsRequest":  # what was granted: nothing, when declined
                item["status"], item["granted"] = "completed", result.get("permissions")
            elif item.get("type") == "mcpToolCall":
                item["status"] = "completed" if accepted else "failed"
                item["error"] = None if accepted else {"message": "user rejected MCP tool call"}
            else:
                item["status"] = "completed" if accepted else "declined"
            send({"method": "item/completed", "params": {"threadId": "thr_1", "turnId": item["turn"], "item": item}})
            send({"method": "turn/completed", "params": {"threadId": "thr_1", "turn": {"id": item["turn"], "status": "completed", "items": []}}})
        elif method == "initialize":
            send({"id": rid, "result": {"userAgent": "codex_cli_rs/0.140.0 (fake)"}})
        elif method in ("thread/start", "thread/resume"):  # the thread's working folder: in the result and the thread
            cwd = (message.get("params") or {}).get("cwd") or "/home/dev/shop"
            thread = {"id": "thr_1", "preview": "", "modelProvider": "openai", "cwd": cwd, "turns": []}
            send({"id": rid, "result": {"thread": thread, "model": "gpt-5.5-codex", "modelProvider": "openai", "cwd": cwd}})
            if method == "thread/start":
                send({"method": "thread/started", "params": {"thread": thread}})
        elif method == "newConversation":
            send({"id": rid, "result": {"conversationId": "conv_1", "model": "gpt-5.5-codex", "rolloutPath": "/tmp/r.jsonl"}})
        elif method == "sendUserMessage":
            text = "".join((i.get("data") or {}).get("text", "") for i in message["params"]["items"] if i.get("type") == "text")
            send({"id": rid, "result": {}})
            call = f"call_{next_request}"
            base = {"conversationId": "conv_1", "callId": call}
            grant = None
            if text.startswith("grant: "):
                head, _, text = text.partition("\n")
                grant = head[len("grant: "):]
            if text.startswith("run: "):
                request = {"id": next_request, "method": "execCommandApproval", "params": {
                    **base, "command": ["bash", "-lc", text[len("run: "):]], "cwd": "/home/dev/shop",
                    "reason": None, "parsedCmd": [{"type": "unknown", "cmd": text[len("run: "):]}]}}
            else:
                head, _, content = text.partition("\n")
                request = {"id": next_request, "method": "applyPatchApproval", "params": {
                    **base, "fileChanges": {head[len("write: "):]: {"type": "add", "content": content}},
                    "reason": None, "grantRoot": grant}}
            waiting[next_request] = {"id": call, "v1": True}
            next_request += 1
            send(request)
        elif method == "turn/start":
            turns += 1
            turn = f"turn_{turns}"
            text = "".join(i.get("text", "") for i in message["params"]["input"] if i.get("type") == "text")
            send({"id": rid, "result": {"turn": {"id": turn, "status": "inProgress", "items": [], "error": None}}})
            send({"method": "turn/started", "params": {"threadId": "thr_1", "turn": {"id": turn, "status": "inProgress", "items": []}}})
            item_id = f"item_{turns}"
            base = {"itemId": item_id, "threadId": "thr_1", "turnId": turn, "startedAtMs": 1795501923411}
            network = extra = grant = None
            if text.startswith("grant: "):
                head, _, text = text.partition("\n")
                grant = head[len("grant: "):]
            if text.startswith("net: "):
                head, _, text = text.partition("\n")
                protocol, _, host = head[len("net: "):].partition(" ")
                network = {"host": host, "protocol": protocol}
            if text.startswith("extra: "):
                head, _, text = text.partition("\n")
                extra = json.loads(head[len("extra: "):])
            if text.startswith("mcp-pair: "):
                head, _, raw = text.partition(" ")[2].partition(" ")
                server, _, tool = head.partition("/")
                for suffix, args in zip("ab", json.loads(raw), strict=True):
                    item = {"type": "mcpToolCall", "id": f"{item_id}_{suffix}", "server": server, "tool": tool,
                            "arguments": args, "status": "inProgress", "result": None, "error": None, "turn": turn}
                    send({"method": "item/started", "params": {"threadId": "thr_1", "turnId": turn, "item": item}})
                request = {"id": next_request, "method": "mcpServer/elicitation/request", "params": {
                    "threadId": "thr_1", "turnId": turn, "serverName": server, "mode": "form",
                    "_meta": {"codex_approval_kind": "mcp_tool_call", "persist": ["session", "always"]},
                    "message": f'Allow the {server} MCP server to run tool "{tool}"?',
                    "requestedSchema": {"type": "object", "properties": {}}}}
            elif text.startswith(("mcp: ", "mcp-form: ")):
                head, _, raw = text.partition(" ")[2].partition(" ")
                server, _, tool = head.partition("/")
                args = json.loads(raw or "{}")
                item = {"type": "mcpToolCall", "id": item_id, "server": server, "tool": tool, "arguments": args,
                        "status": "inProgress", "result": None, "error": None, "turn": turn}
                send({"method": "item/started", "params": {"threadId": "thr_1", "turnId": turn, "item": item}})
                prompt = f'Allow the {server} MCP server to run tool "{tool}"?'
                if text.startswith("mcp: "):
                    request = {"id": next_request, "method": "mcpServer/elicitation/request", "params": {
                        "threadId": "thr_1", "turnId": turn, "serverName": server, "mode": "form",
                        "_meta": {"codex_approval_kind": "mcp_tool_call", "persist": ["session", "always"],
                                  "tool_description": f"{tool} (fake)", "tool_params": args, "tool_params_display": []},
                        "message": prompt, "requestedSchema": {"type": "object", "properties": {}}}}
                else:
                    options = [{"label": label, "description": label} for label in ("Allow", "Allow for this session", "Cancel")]
                    request = {"id": next_request, "method": "item/tool/requestUserInput", "params": {
                        "threadId": "thr_1", "turnId": turn, "itemId": item_id, "questions": [{
                            "id": f"mcp_tool_call_approval_{item_id}", "header": "Approve app tool call?",
                            "question": prompt, "isOther": False, "isSecret": False, "options": options}]}}
            elif text.startswith(("tool: ", "tool-raw: ")):
                head, _, raw = text.partition(" ")[2].partition(" ")
                namespace, _, tool = head.rpartition("/")
                args = json.loads(raw or "{}")
                item = {"type": "dynamicToolCall", "id": f"call_{turns}", "namespace": namespace or None, "tool": tool,
                        "arguments": args, "status": "inProgress", "contentItems": None, "success": None,
                        "durationMs": None, "turn": turn}
                send({"method": "item/started", "params": {"threadId": "thr_1", "turnId": turn, "item": item}})
                request = {"id": next_request, "method": "item/tool/call", "params": {
                    "threadId": "thr_1", "turnId": turn, "callId": item["id"], "namespace": namespace or None,
                    "tool": tool, "arguments": RAW if text.startswith("tool-raw: ") else args}}
            elif text.startswith(("perm: ", "perm-bare: ")):
                item = {"type": "permissionsRequest", "id": item_id, "turn": turn}
                head, _, profile = text.partition(" ")
                request = {"id": next_request, "method": "item/permissions/requestApproval", "params": {
                    **base, "environmentId": None, "cwd": "/home/dev/shop", "reason": "needs more access",
                    "permissions": json.loads(profile)}}
                if head == "perm-bare:":  # as releases whose request has no cwd send it
                    del request["params"]["cwd"]
            elif text.startswith("ask: "):
                item = {"type": "agentMessage", "id": item_id, "turn": turn}
                request = {"id": next_request, "method": "item/tool/requestUserInput", "params": {
                    "threadId": "thr_1", "turnId": turn, "itemId": item_id, "questions": [{
                        "id": "which_db", "header": "Database", "question": text[len("ask: "):],
                        "isOther": True, "isSecret": False, "options": [{"label": "Postgres", "description": ""}]}]}}
            elif text.startswith(("run: ", "run-bare: ")):
                bare = text.startswith("run-bare: ")
                command = text.partition(" ")[2]
                item = {"type": "commandExecution", "id": item_id, "command": command, "cwd": "/home/dev/shop",
                        "status": "inProgress", "commandActions": [], "turn": turn}
                if not bare:
                    send({"method": "item/started", "params": {"threadId": "thr_1", "turnId": turn, "item": item}})
                request = {"id": next_request, "method": "item/commandExecution/requestApproval",
                           "params": {**base, "command": command, "cwd": "/home/dev/shop", "reason": "needs approval"}}
                if bare:  # ``cwd`` is optional in the request, and the item may not have started yet
                    del request["params"]["cwd"]
                if network:
                    request["params"]["networkApprovalContext"] = network
                if extra:
                    request["params"]["additionalPermissions"] = extra
            else:
                head, _, content = text.partition("\n")
                path = head[len("write: "):]
                diff = content if content.endswith("\n") else content + "\n"  # an add: the file's text, verbatim
                item = {"type": "fileChange", "id": item_id, "status": "inProgress", "turn": turn,
                        "changes": [{"path": path, "kind": {"type": "add"}, "diff": diff}]}
                send({"method": "item/started", "params": {"threadId": "thr_1", "turnId": turn, "item": item}})
                request = {"id": next_request, "method": "item/fileChange/requestApproval", "params": {**base, "reason": None}}
                if grant is not None:  # optional: a folder to write under for the rest of the session
                    request["params"]["grantRoot"] = grant
            waiting[next_request] = item
            next_request += 1
            send(request, raw if request["params"].get("arguments") == RAW else None)
        elif rid is not None:
            send({"id": rid, "error": {"code": -32601, "message": f"unknown method {method}"}})


if __name__ == "__main__":
    main()
