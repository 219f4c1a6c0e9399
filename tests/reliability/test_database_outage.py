"""PostgreSQL going away and coming back, through a TCP proxy the test controls (the server itself keeps running).

A lost database is a retryable 503, never a 500 and never an approval; when it comes back, requests succeed again
without a restart and without failing on connections the server dropped. Many escalations resolved at once on
one process wait for each other instead of taking every pooled connection.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import URGENT


class Proxy:
    """Forwards a local port to the PostgreSQL server; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None

    def start(self) -> Proxy:
        server = socket.create_server(("127.0.0.1", self.port))
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.port = server.getsockname()[1]
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()
        return self

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept(): then refused
            except OSError:
                pass
            self._server.close()
            self._server = None
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture
def proxied(pg_url: str, tmp_path: object) -> Iterator[tuple[Settings, Proxy]]:
    parts = urlsplit(pg_url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432)).start()
    url = urlunsplit(parts._replace(netloc=f"{parts.hostname}:{proxy.port}"))
    yield Settings(data_dir=tmp_path / "data", database_url=url, audit_seed=0), proxy  # type: ignore[operator]
    proxy.cut()


def test_a_lost_database_is_a_retryable_503_and_its_return_needs_no_restart(
    proxied: tuple[Settings, Proxy],
) -> None:
    settings, proxy = proxied
    cyber = {"domain": "cyber", "messages": [{"role": "user", "content": "How do I harden SSH?"}],
             "output": "Disable password logins and use keys."}
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(8) as pool:
        def burst(n: int) -> list[int]:
            return list(pool.map(lambda _: client.post("/v1/reviews", json=cyber).status_code, range(n)))

        assert set(burst(16)) == {200}  # several pooled connections in use
        proxy.cut()
        down = client.post("/v1/reviews", json=cyber)
        assert down.status_code == 503, down.text  # before: 500 internal_error, as if it were a bug
        assert down.json()["error"]["code"] == "service_unavailable" and down.headers["retry-after"]
        assert client.get("/readyz").status_code == 503
        proxy.start()  # the database is back, on the same address; every pooled connection is dead
        assert set(burst(16)) == {200}  # before: the first requests failed on the dead connections
        assert client.get("/readyz").status_code == 200


def test_many_escalations_resolved_at_once_on_one_process_all_get_an_answer(pg_settings: Settings) -> None:
    with TestClient(create_app(pg_settings)) as client, ThreadPoolExecutor(16) as pool:
        ids = [client.post("/v1/reviews", json=URGENT).json()["escalation_id"] for _ in range(16)]
        assert all(ids)

        def resolve(esc: str) -> int:
            return client.post(f"/v1/escalations/{esc}/resolve", json={"action": "block"}).status_code

        # before: from the tenth at once, every pooled connection held a claim and waited for another: 30 s, 500
        assert list(pool.map(resolve, ids)) == [200] * len(ids)
