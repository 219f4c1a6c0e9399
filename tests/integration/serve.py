"""Helpers for the integration tests of the console-script integrations (``oversight hook ...``,
``oversight codex-proxy``): the console script, a free port, a clean environment, a human in the inbox."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

OVERSIGHT = Path(sys.executable).parent / "oversight"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def hung_service() -> Iterator[tuple[str, list[socket.socket]]]:
    """A service that accepts connections and never answers: ``(url, accepted connections)``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


@contextmanager
def serving(handler: type[Any]) -> Iterator[str]:
    """A threaded HTTP server on a free loopback port answering with ``handler`` (a ``BaseHTTPRequestHandler``
    class): a stand-in for the service, or for something in front of it. Its URL."""
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "OTEL_"))}
    env.update(extra)
    return env


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:
        return orjson.loads(r.read())


def find_escalation(
    service: str, wanted: Callable[[dict[str, Any]], bool], status: str = "pending", tries: int = 200
) -> dict[str, Any] | None:
    """The detail of an action escalation with ``status`` whose ``action`` matches ``wanted``, waiting up to
    ``tries`` × 0.05 s for it to appear; None if it never does."""
    for _ in range(tries):
        listed = _get(f"{service}/v1/escalations?status={status}&domain=tool_use&limit=200")["items"]
        for item in listed:
            detail: dict[str, Any] = _get(f"{service}/v1/escalations/{item['escalation_id']}")
            if detail.get("action") and wanted(detail["action"]):
                return detail
        time.sleep(0.05)
    return None


def resolve_escalation(service: str, wanted: Callable[[dict[str, Any]], bool], action: str, note: str) -> dict[str, Any]:
    """Act as a reviewer working the inbox: wait (up to ~10 s) for a pending action escalation whose ``action``
    matches ``wanted``, resolve it with ``action`` and return the final decision."""
    detail = find_escalation(service, wanted)
    if detail is None:
        raise AssertionError("the escalation never reached the inbox")
    request = urllib.request.Request(
        f"{service}/v1/escalations/{detail['escalation_id']}/resolve",
        data=orjson.dumps({"action": action, "note": note}),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        decision: dict[str, Any] = orjson.loads(r.read())
        return decision


def run_hook(agent: str, payload: dict[str, Any], *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    """``oversight hook <agent> *args`` with ``payload`` on stdin, as the agent runs it."""
    return subprocess.run(
        [str(OVERSIGHT), "hook", agent, *args], input=orjson.dumps(payload), capture_output=True, env=_env(**env),
        timeout=60,
    )


def at_cwd(cwd: str) -> Callable[[dict[str, Any]], bool]:
    """An escalation's action ran in ``cwd`` (for ``find_escalation``)."""
    return lambda a: a.get("cwd") == cwd
