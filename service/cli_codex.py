"""``oversight codex-proxy -- codex app-server``: Oversight reviews Codex's approval requests before the client
(commands, file changes, and the model's MCP tool calls), and the dynamic tool calls the client would run.

The client (an IDE extension, a custom UI) starts this command where it would start ``codex app-server``; the
proxy starts the real one and relays newline-delimited JSON both ways, holding only the approval requests while
they are reviewed (``service.integrations.codex_app_server`` has the rules). Reviews run concurrently and never
hold up other messages. The proxy exits with the app-server's exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Annotated, Any

import orjson
import typer

from service.integrations import (
    Hold,
    ServiceError,
    api_key,
    get_decision,
    hold_pauses,
    hook_timeout,
    review_each,
    service_url,
    withdraw_pending,
    worst,
)
from service.integrations import claude_code as cc
from service.integrations import codex_app_server as app_server

DEFAULT_COMMAND = ["codex", "app-server"]
MAX_LINE = 64 * 1024 * 1024  # app-server lines carry diffs and command output


def _log(text: str) -> None:
    sys.stderr.write(f"oversight codex-proxy: {text}\n")
    sys.stderr.flush()


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
    return ", ".join(str(label) for a in result["answers"].values() for label in a["answers"])


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
        self.session = app_server.Session()
        self.to_server_lock = asyncio.Lock()
        self.to_client_lock = asyncio.Lock()
        self.reviews: set[asyncio.Task[None]] = set()
        self.abandoned: list[Hold] = []  # held calls whose app-server exited: withdrawn before the proxy exits
        self.child: asyncio.subprocess.Process | None = None
        self.client_out: asyncio.StreamWriter | None = None

    async def to_server(self, line: bytes) -> None:
        child = self.child
        if child is None or child.stdin is None or child.stdin.is_closing():
            return
        async with self.to_server_lock:
            child.stdin.write(line)
            with contextlib.suppress(ConnectionError):
                await child.stdin.drain()

    async def to_client(self, line: bytes) -> None:
        out = self.client_out
        assert out is not None
        async with self.to_client_lock:
            out.write(line)
            await out.drain()

    async def client_pump(self, reader: asyncio.StreamReader) -> None:
        """Client → app-server, unchanged (noting each thread's goal)."""
        while line := await reader.readline():
            with contextlib.suppress(orjson.JSONDecodeError):
                self.session.client_line(orjson.loads(line))
            await self.to_server(line)
        child = self.child
        if child is not None and child.stdin is not None:  # the client hung up: so does the app-server's input
            child.stdin.close()

    async def server_pump(self, reader: asyncio.StreamReader) -> None:
        """App-server → client, holding approval requests while they are reviewed."""
        while line := await reader.readline():
            try:
                message = orjson.loads(line)
            except orjson.JSONDecodeError:
                await self.to_client(line)
                continue
            self.session.server_line(message)
            if app_server.is_approval(message) and (self.dynamic_tools or not app_server.unattended(message)):
                task = asyncio.create_task(self.review(message, line))
                self.reviews.add(task)
                task.add_done_callback(self.reviews.discard)
            else:
                await self.to_client(line)
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
            decisions = await asyncio.to_thread(
                lambda: review_each(requests, url=self.url, timeout=self.timeout, key=self.key)
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
        verdict = app_server.verdict_for([decision], self.on_approve, asks, unattended=unattended)
        answer = None if verdict.forward else app_server.reply(message, verdict.decision or "decline", verdict.note)
        if answer is None:
            if asks and self.on_approve == "accept" and decision.get("verdict") == "approve":
                _log(f"{what}: approved, but it also asks for {', '.join(asks)}; asking the user")
            elif not verdict.forward:
                _log(
                    f"{what}: {verdict.decision}, but the form offers no such option; asking the user — {verdict.note}"
                )
            elif unattended:
                _log(f"{what}: approved; the client runs it — {verdict.note}")
            else:  # escalate, or approve without --approve accept: the user decides, with the reason on record
                _log(f"{what}: {decision.get('verdict')}; asking the user — {verdict.note}")
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
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(client_in), sys.stdin)
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, sys.stdout)
        self.client_out = asyncio.StreamWriter(transport, protocol, None, loop)
        assert self.child.stdout is not None
        client = asyncio.create_task(self.client_pump(client_in))
        await self.server_pump(self.child.stdout)
        code = await self.child.wait()
        client.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await client
        return code


def codex_proxy(
    command: Annotated[
        list[str] | None, typer.Argument(help="The app-server to start (default: codex app-server).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Oversight URL (default $OVERSIGHT_URL or http://127.0.0.1:8000).")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Seconds per review (default $OVERSIGHT_HOOK_TIMEOUT or 10).")
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
