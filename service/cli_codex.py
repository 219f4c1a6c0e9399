"""``oversight codex-proxy -- codex app-server``: Oversight reviews Codex's approval requests before the client
(commands, file changes, and the model's MCP tool calls), and the dynamic tool calls the client would run.

The client (an IDE extension, a custom UI) starts this command where it would start ``codex app-server``; the
proxy starts the real one and relays newline-delimited JSON both ways, holding only the approval requests while
they are reviewed (``service.integrations.codex_app_server`` has the rules). Reviews run concurrently and never
hold up other messages. The proxy exits with the app-server's exit code.

No line stops the relay: what the proxy cannot make sense of is relayed as it is (client to app-server, and server
messages it does not review), or, when it names a request the proxy reviews, refused or dropped (never passed on
unreviewed); a failure in handling one line is logged to stderr and the next line is read. A line longer than
``MAX_LINE`` is relayed in pieces, unread (the client's answer to a forwarded request is never that long), except
one from the app-server that is, or may be, a request the proxy reviews, which is refused or dropped. If the client
hangs up (or its output breaks), the app-server's input is closed, so it exits, and so does the proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import sys
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
import typer

from service.integrations import (
    ACTIONS_PATH,
    Hold,
    ServiceError,
    api_key,
    get_decision,
    hold_pauses,
    hook_timeout,
    post_json,
    review_call,
    service_url,
    withdraw_pending,
    worst,
)
from service.integrations import claude_code as cc
from service.integrations import codex_app_server as app_server

DEFAULT_COMMAND = ["codex", "app-server"]
MAX_LINE = 64 * 1024 * 1024  # app-server lines carry diffs and command output
HEAD = 64 * 1024  # what is read of a longer line to tell what it is
DECLINED_NOTE = "The user declined this at the client's approval prompt (oversight codex-proxy); it did not run."


def _log(text: str) -> None:
    sys.stderr.write(f"oversight codex-proxy: {text}\n")
    sys.stderr.flush()


async def _pieces(reader: asyncio.StreamReader) -> AsyncIterator[tuple[bytes, bool, bool]]:
    """The stream as lines: ``(piece, starts a line, ends it)``. A line up to the reader's limit comes whole (its
    newline included; the last one may lack it); a longer one in several pieces, so it never has to be held."""
    start = True
    while True:
        try:
            piece, end = await reader.readuntil(b"\n"), True
        except asyncio.IncompleteReadError as exc:  # the end of the stream
            if exc.partial or not start:
                yield exc.partial, start, True
            return
        except asyncio.LimitOverrunError as exc:  # no newline within the limit: what there is, as a piece
            piece, end = await reader.read(max(exc.consumed, 1)), False
        yield piece, start, end
        start = end


def _pollable(fd: int) -> bool:
    """Whether asyncio's pipe transports can take ``fd`` as it is: a pipe, a socket or a terminal. A regular file
    (``> out.jsonl``, ``< requests.jsonl``) is refused, and ``/dev/null`` cannot be watched for reading."""
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd)


def _copy(source: int, target: int) -> None:
    """Copy ``source`` to ``target`` until the end of ``source`` or an error on either side (the caller closes its
    end of the pipe then, so the other side sees the end)."""
    try:
        while chunk := os.read(source, 64 * 1024):
            view = memoryview(chunk)
            while view:
                view = view[os.write(target, view) :]
    except OSError:  # the file cannot be read or written any more: the pipe's end is closed, the proxy notices
        pass


def _bridge_in(fd: int) -> int:
    """A pipe fed from ``fd`` (a file the event loop cannot watch) by a thread: its read end."""
    read_end, write_end = os.pipe()

    def run() -> None:
        try:
            _copy(fd, write_end)
        finally:
            os.close(write_end)

    threading.Thread(target=run, name="codex-proxy-stdin", daemon=True).start()
    return read_end


def _bridge_out(fd: int) -> tuple[int, threading.Thread]:
    """A pipe drained into ``fd`` (a file the event loop cannot watch) by a thread, with plain blocking writes: its
    write end, and the thread (joined at the end, so that every line is written before the proxy exits)."""
    read_end, write_end = os.pipe()

    def run() -> None:
        try:
            _copy(read_end, fd)
        finally:
            os.close(read_end)  # a write that failed: the proxy's next write to the pipe fails, the client is gone

    thread = threading.Thread(target=run, name="codex-proxy-stdout", daemon=True)
    thread.start()
    return write_end, thread


def _said(answer: dict[str, Any]) -> str:
    """The answer the proxy gave, as a word or an option label, for stderr."""
    result = answer["result"]
    if "decision" in result:
        return str(result["decision"])
    if "action" in result:
        return str(result["action"])
    if "success" in result:
        return "not run"
    if "permissions" in result:
        return "decline (nothing granted)" if not result["permissions"] else "granted"
    labels = ", ".join(str(label) for a in result["answers"].values() for label in a["answers"])
    return labels or "no answer"


class Proxy:
    """Relays lines between the client (our stdin/stdout) and the app-server (a child process)."""

    def __init__(
        self,
        url: str,
        timeout: float,
        key: str | None,
        on_approve: app_server.OnApprove,
        *,
        dynamic_tools: bool = True,
        hold: float = 0.0,
    ) -> None:
        self.url, self.timeout, self.key, self.on_approve = url, timeout, key, on_approve
        self.dynamic_tools, self.hold = dynamic_tools, hold
        self.reviewed = app_server.REVIEWED if dynamic_tools else app_server.REVIEWED - {app_server.DYNAMIC_TOOL_CALL}
        self.session = app_server.Session()
        self.to_server_lock = asyncio.Lock()
        self.to_client_lock = asyncio.Lock()
        self.reviews: set[asyncio.Task[None]] = set()
        self.abandoned: list[Hold] = []  # held calls whose app-server exited: withdrawn before the proxy exits
        self.child: asyncio.subprocess.Process | None = None
        self.client_out: asyncio.StreamWriter | None = None
        self.client_gone = False

    async def to_server(self, line: bytes) -> None:
        async with self.to_server_lock:
            await self._to_server(line)

    async def _to_server(self, line: bytes) -> None:
        child = self.child
        if child is None or child.stdin is None or child.stdin.is_closing():
            return
        child.stdin.write(line)
        with contextlib.suppress(ConnectionError):
            await child.stdin.drain()

    async def to_client(self, line: bytes) -> None:
        async with self.to_client_lock:
            await self._to_client(line)

    async def _to_client(self, line: bytes) -> None:
        out = self.client_out
        assert out is not None
        if self.client_gone:
            return
        try:
            out.write(line)
            await out.drain()
        except (ConnectionError, OSError) as exc:  # the client is gone: so is the app-server's input
            self.client_gone = True
            _log(f"cannot write to the client ({type(exc).__name__}); closing the app-server's input")
            self.close_server_input()

    def close_server_input(self) -> None:
        child = self.child
        if child is not None and child.stdin is not None and not child.stdin.is_closing():
            child.stdin.close()

    def track(self, task: asyncio.Task[None]) -> None:
        self.reviews.add(task)
        task.add_done_callback(self.reviews.discard)

    async def client_pump(self, reader: asyncio.StreamReader) -> None:
        """Client → app-server, unchanged (noting each thread's goal, and the client's answers to forwarded requests
        whose reviews escalated). Whatever goes wrong, the app-server's input is closed at the end, so it exits."""
        try:
            pieces = _pieces(reader)
            async for piece, start, end in pieces:
                if start and end:
                    await self.client_line(piece)
                else:
                    await self.client_oversized(piece, end, pieces)
        except Exception as exc:  # reading the client failed: it is gone
            _log(f"reading the client failed ({type(exc).__name__}: {exc}); closing the app-server's input")
        finally:  # the client hung up: so does the app-server's input
            self.close_server_input()

    async def client_line(self, line: bytes) -> None:
        outcomes: list[app_server.Outcome] = []
        try:
            parsed = orjson.loads(line)
            # a batch is read element by element: an answer in it closes its escalation like one sent alone
            for message in parsed if isinstance(parsed, list) else [parsed]:
                if (outcome := self.session.client_line(message)) is not None:
                    outcomes.append(outcome)
        except orjson.JSONDecodeError:
            pass
        except Exception as exc:  # a bug: the line is relayed all the same
            _log(f"a client line was not read ({type(exc).__name__}: {exc}); relayed as it is")
        for outcome in outcomes:
            self.track(asyncio.create_task(self.report(outcome)))
        await self.to_server(line)

    async def client_oversized(self, first: bytes, end: bool, pieces: AsyncIterator[tuple[bytes, bool, bool]]) -> None:
        """A client line longer than ``MAX_LINE``: relayed in pieces as they come, unread."""
        size = len(first)
        async with self.to_server_lock:  # nothing else gets into the middle of the line
            await self._to_server(first)
            while not end:
                piece, _, end = await anext(pieces)
                size += len(piece)
                await self._to_server(piece)
        _log(f"relayed a client line of {size} bytes unread (longer than {MAX_LINE} bytes)")

    async def report(self, outcome: app_server.Outcome) -> None:
        """Tell the service the user's answer at the client's prompt to a request whose review escalated: an
        accept as the call having run (``POST /v1/actions/ran``: closed as approved by the user), a decline by
        withdrawing the escalation (closed as blocked), so no reviewer decides what the user already did."""
        for request_id, review_id in outcome.escalated:
            try:
                if outcome.answer == "accept":
                    body = {"request_id": request_id, "agent": app_server.AGENT_NAME}
                    latest = await asyncio.to_thread(
                        post_json, self.url + cc.RAN_PATH, body, timeout=self.timeout, key=self.key
                    )
                else:
                    url = f"{self.url}{ACTIONS_PATH}/{review_id}/withdraw"
                    latest = await asyncio.to_thread(
                        post_json, url, {"note": DECLINED_NOTE}, timeout=self.timeout, key=self.key
                    )
            except ServiceError as exc:  # the escalation keeps its time limit
                _log(f"{outcome.what}: the user answered {outcome.answer}; not reported for review {review_id} ({exc})")
                continue
            _log(f"{outcome.what}: the user answered {outcome.answer}; review {review_id} is {latest.get('verdict')}")

    async def server_pump(self, reader: asyncio.StreamReader) -> None:
        """App-server → client, holding approval requests while they are reviewed. No line stops it."""
        try:
            pieces = _pieces(reader)
            async for piece, start, end in pieces:
                if start and end:
                    await self.server_line(piece)
                else:
                    await self.server_oversized(piece, end, pieces)
        except Exception as exc:  # reading the app-server failed: it is no use any more
            _log(f"reading the app-server failed ({type(exc).__name__}: {exc}); stopping it")
            self.close_server_input()
            if self.child is not None and self.child.returncode is None:
                self.child.terminate()
        if self.reviews:  # the app-server ended: settle the reviews in hand, but do not sit out a ``--hold``
            _, held = await asyncio.wait(set(self.reviews), timeout=self.timeout + 1)
            for task in held:  # nobody is left to answer
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)
            if self.abandoned:  # held calls that will never run: out of the inbox, one try each
                await asyncio.to_thread(self.withdraw_abandoned)

    def withdraw_abandoned(self) -> None:
        for held in self.abandoned:
            withdraw_pending(held, timeout=self.timeout, key=self.key, tries=1)

    def held(self, message: Any) -> bool:
        """Whether a server message is a request the proxy reviews before the client may see it."""
        return app_server.is_approval(message) and (self.dynamic_tools or not app_server.unattended(message))

    async def server_line(self, line: bytes) -> None:
        """One whole line from the app-server: relayed, or held for review; never lost, never fatal."""
        try:
            message = orjson.loads(line)
        except orjson.JSONDecodeError:
            await self.unreadable(line)
            return
        try:
            if isinstance(message, list):  # a batch: each request the proxy reviews is taken out and reviewed
                for element in message:
                    self.session.server_line(element)
                held = [element for element in message if self.held(element)]
                if not held:
                    await self.to_client(line)
                    return
                rest = [element for element in message if not any(element is h for h in held)]
                for element in held:  # the client gets each on a line of its own, as it was reviewed
                    self.track(asyncio.create_task(self.review(element, orjson.dumps(element) + b"\n")))
                if rest:
                    await self.to_client(orjson.dumps(rest) + b"\n")
                return
            self.session.server_line(message)
            held_one = self.held(message)
        except Exception as exc:  # a bug: the line is still relayed, unless it may be a request the proxy reviews
            _log(f"a server line was not read ({type(exc).__name__}: {exc})")
            await self.unreadable(line, strict=False)
            return
        if held_one:
            self.track(asyncio.create_task(self.review(message, line)))
        else:
            await self.to_client(line)

    async def unreadable(self, line: bytes, *, strict: bool = True) -> None:
        """A server line the proxy cannot read (``strict``: ``orjson`` refuses it): relayed as it is, unless it names
        a request the proxy reviews; each such request is refused in its own shape, or dropped without an id."""
        found = app_server.unreadable(line, self.reviewed)
        if not found:
            await self.to_client(line)
            return
        why = "the line is not JSON the proxy can read strictly" if strict else "the proxy failed to read the line"
        for request in found:
            await self.refuse_unread(request, why)
        if (rest := app_server.unreadable_rest(line, self.reviewed)) is not None:  # the batch's other messages
            await self.to_client(rest)

    async def refuse_unread(self, request: app_server.Unreadable, why: str) -> None:
        if request.request_id is None:
            _log(f"{request.method}: dropped, not reviewed ({why}), and it has no id to answer it by")
            return
        text = f"Oversight could not review this tool call ({why})."
        answer = app_server.refusal(request.method, request.request_id, text)
        _log(f"{request.method} {request.request_id}: {_said(answer)}, not reviewed ({why})")
        await self.to_server(orjson.dumps(answer) + b"\n")

    async def server_oversized(self, first: bytes, end: bool, pieces: AsyncIterator[tuple[bytes, bool, bool]]) -> None:
        """A server line longer than ``MAX_LINE``, judged by its start (``oversized``): relayed in pieces as they
        come, unread; or, if it is (or may be) a request the proxy reviews, refused or dropped."""
        relay, request = app_server.oversized(first[:HEAD], self.reviewed)
        size = len(first)
        if relay:
            async with self.to_client_lock:  # nothing else gets into the middle of the line
                await self._to_client(first)
                while not end:
                    piece, _, end = await anext(pieces)
                    size += len(piece)
                    await self._to_client(piece)
            _log(f"relayed a server line of {size} bytes unread (longer than {MAX_LINE} bytes)")
            return
        while not end:
            piece, _, end = await anext(pieces)
            size += len(piece)
        why = f"a line of {size} bytes, longer than {MAX_LINE}"
        if request is not None:
            await self.refuse_unread(request, why)
        else:
            _log(f"dropped a server line of {size} bytes (longer than {MAX_LINE}) whose start does not say what it is")

    async def review(self, message: dict[str, Any], line: bytes) -> None:
        """Review one held request and answer it; whatever goes wrong, the request is answered or forwarded, never
        left hanging (Codex would wait for it forever)."""
        try:
            await self._review(message, line)
        except Exception as exc:  # a bug or a surprise: treated as a failed review
            what = f"{message['method']} {message['id']}"
            why = f"proxy error {type(exc).__name__}"
            if app_server.unattended(message):
                await self.refuse(message, what, f"Oversight could not review this tool call ({why}).")
            else:
                _log(f"{what}: not reviewed ({why}); asking the user")
                await self.to_client(line)

    async def _review(self, message: dict[str, Any], line: bytes) -> None:
        what = f"{message['method']} {message['id']}"
        unattended = app_server.unattended(message)  # a dynamic tool call: forwarding it runs it
        # What the service's JSON routes refuse is never reviewed: with a key twice, parsers disagree on which one
        # the client would act on. It is a failed review: the user decides, and a dynamic tool call does not run.
        problem = cc.read_json(line, cc.max_json_depth())[1]
        if problem is not None:
            why = cc.refused(problem, "the request")
            if unattended:
                await self.refuse(message, what, f"Oversight could not review this tool call ({why}).")
            else:
                _log(f"{what}: not reviewed ({why}); asking the user")
                await self.to_client(line)
            return
        requests = app_server.review_requests(message, self.session)
        if not requests:
            if unattended:
                await self.refuse(message, what, "Oversight could not review this tool call: it names no tool.")
                return
            if message["method"] in app_server.V1_APPROVALS:
                why = "no command or change in it"
            elif message["method"] in (app_server.MCP_ELICITATION, app_server.USER_INPUT):
                why = "no tool named in it"
            elif message["method"] == app_server.PERMISSIONS_APPROVAL:
                why = "no folder or network access asked for"
            else:
                why = "item not seen"
            _log(f"{what}: nothing to review ({why}); asking the user")
            await self.to_client(line)
            return
        if unattended and self.hold > 0:  # reviewers see how long the call is held for them
            for request in requests:
                request["hold_ms"] = max(1, int(self.hold * 1000))
        try:
            # a part that cannot be reviewed (a garbled answer too) fails the call, its escalated parts withdrawn
            outcome = "was not run" if unattended else "was put to the agent's user"
            decisions = await asyncio.to_thread(
                lambda: review_call(requests, url=self.url, timeout=self.timeout, key=self.key, outcome=outcome)
            )
        except ServiceError as exc:  # never an approval: the user decides, as without the proxy
            if unattended:  # ... and where no user would see it, the call does not run
                await self.refuse(message, what, f"Oversight could not review this tool call ({exc}).")
                return
            _log(f"{what}: not reviewed ({exc}); asking the user")
            await self.to_client(line)
            return
        decision = worst(decisions)
        if unattended and decision.get("verdict") == "escalate" and self.hold > 0:
            decision = await self.wait_for_human(decisions, what)
        asks = app_server.grants(message, self.session)
        # no working folder known (a thread the proxy never saw start): judged without one, so never accepted
        blind = app_server.folder_unknown(message, self.session)
        held = [*asks, "its working folder"] if blind else asks
        verdict = app_server.verdict_for([decision], self.on_approve, held, unattended=unattended)
        answer = None if verdict.forward else app_server.reply(message, verdict.decision or "decline", verdict.note)
        if answer is None:
            if held and self.on_approve == "accept" and decision.get("verdict") == "approve":
                buts = [f"it also asks for {', '.join(asks)}"] if asks else []
                if blind:
                    buts.append("its thread's working folder is unknown to the proxy (relative paths unresolved)")
                _log(f"{what}: approved, but {' and '.join(buts)}; asking the user — {verdict.note}")
            elif not verdict.forward:
                _log(
                    f"{what}: {verdict.decision}, but the form offers no such option; asking the user — {verdict.note}"
                )
            elif unattended:
                _log(f"{what}: approved; the client runs it — {verdict.note}")
            else:  # escalate, or approve without --approve accept: the user decides, with the reason on record
                _log(f"{what}: {decision.get('verdict')}; asking the user — {verdict.note}")
            if not unattended:  # the user's answer will pass by: the escalations are closed by it
                self.session.forwarded(message, requests, decisions)
            await self.to_client(line)
        else:
            _log(f"{what}: {_said(answer)} — {verdict.note}")
            await self.to_server(orjson.dumps(answer) + b"\n")

    async def refuse(self, message: dict[str, Any], what: str, why: str) -> None:
        """Answer a dynamic tool call as failed, with ``why`` for the model: the client never runs it."""
        answer = app_server.reply(message, "decline", why)
        assert answer is not None
        _log(f"{what}: not run — {why}")
        await self.to_server(orjson.dumps(answer) + b"\n")

    async def wait_for_human(self, decisions: list[dict[str, Any]], what: str) -> dict[str, Any]:
        """Hold an escalated dynamic tool call up to ``hold`` seconds while a human resolves its escalation in the
        inbox (console or API), polling the recorded decision; what is still pending at the end is withdrawn, also
        when the app-server exits meanwhile (see ``Hold``). The final decision, else the escalation."""
        held = Hold(decisions, self.url, self.hold)
        if not held.pending:
            return held.result()
        ids = ", ".join(str(held.decisions[i].get("escalation_id") or "?") for i in held.pending)
        _log(f"{what}: escalated (escalation {ids}); holding the call up to {self.hold:g} s for a human")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.hold
        try:
            for pause in hold_pauses(self.hold):  # as ``await_resolution``, but cancellable
                if held.done:
                    break
                await asyncio.sleep(pause)
                left = deadline - loop.time()
                if left <= 0:
                    break
                for index, url in held.polls():
                    try:
                        latest = await asyncio.to_thread(
                            get_decision, url, timeout=min(self.timeout, max(left, 0.1)), key=self.key
                        )
                    except ServiceError:  # the service may be restarting: keep trying until the deadline
                        continue
                    held.settle(index, latest)
        except asyncio.CancelledError:  # the app-server is gone: ``server_pump`` withdraws it before the proxy exits
            self.abandoned.append(held)
            raise
        await asyncio.to_thread(withdraw_pending, held, timeout=self.timeout, key=self.key)
        return held.result()

    async def run(self, command: list[str]) -> int:
        loop = asyncio.get_running_loop()
        self.child = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=MAX_LINE
        )
        client_in = asyncio.StreamReader(limit=MAX_LINE)
        # A regular file (``< requests.jsonl``, ``> out.jsonl``) or /dev/null is read or written by a thread through
        # a pipe: asyncio's pipe transports take only what the event loop can watch.
        stdin_fd, stdout_fd = sys.stdin.fileno(), sys.stdout.fileno()
        reading: Any = sys.stdin if _pollable(stdin_fd) else os.fdopen(_bridge_in(stdin_fd), "rb", buffering=0)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(client_in), reading)
        writer: threading.Thread | None = None
        writing: Any = sys.stdout
        if not _pollable(stdout_fd):
            sys.stdout.flush()
            write_end, writer = _bridge_out(stdout_fd)
            writing = os.fdopen(write_end, "wb", buffering=0)
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, writing)
        self.client_out = asyncio.StreamWriter(transport, protocol, None, loop)
        assert self.child.stdout is not None
        client = asyncio.create_task(self.client_pump(client_in))
        await self.server_pump(self.child.stdout)
        code = await self.child.wait()
        client.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await client
        if writer is not None:  # every line reaches the file before the proxy exits
            async with self.to_client_lock:
                with contextlib.suppress(ConnectionError, OSError):
                    await self.client_out.drain()
                transport.close()
            await asyncio.to_thread(writer.join)
        return code


def codex_proxy(
    command: Annotated[
        list[str] | None, typer.Argument(help="The app-server to start (default: codex app-server).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Oversight URL (default $OVERSIGHT_URL or http://127.0.0.1:8000).")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Seconds per review (default $OVERSIGHT_HOOK_TIMEOUT or 10).")
    ] = None,
    approve: Annotated[
        str, typer.Option(help="What an approve verdict does: 'forward' (the user still confirms) or 'accept'.")
    ] = "forward",
    dynamic_tools: Annotated[
        str,
        typer.Option(
            help="Dynamic tool calls (item/tool/call, run by the client): 'review' (only approved ones run) or 'pass'."
        ),
    ] = "review",
    hold: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds an escalated dynamic tool call waits for a human in the escalation inbox (default 0: not run).",
        ),
    ] = 0.0,
) -> None:
    """Run `codex app-server` behind Oversight: blocked actions are declined before the client sees them.

    Use it where the client starts the app-server: oversight codex-proxy -- codex app-server [ARGS].
    Escalated actions, and any review that fails, go to the client's approval prompt unchanged. Dynamic tool
    calls, which no one is asked about, run only when approved.
    """
    if approve not in ("forward", "accept"):
        raise typer.BadParameter("must be 'forward' or 'accept'", param_hint="--approve")
    if dynamic_tools not in ("review", "pass"):
        raise typer.BadParameter("must be 'review' or 'pass'", param_hint="--dynamic-tools")
    proxy = Proxy(
        service_url(url),
        hook_timeout(timeout),
        api_key(),
        approve,  # type: ignore[arg-type]
        dynamic_tools=dynamic_tools == "review",
        hold=hold,
    )
    try:
        code = asyncio.run(proxy.run(command or DEFAULT_COMMAND))
    except FileNotFoundError as exc:
        _log(f"cannot start {' '.join(command or DEFAULT_COMMAND)}: {exc}")
        raise typer.Exit(127) from exc
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add ``oversight codex-proxy``."""
    app.command("codex-proxy", context_settings={"allow_interspersed_args": False})(codex_proxy)
