"""Callbacks go to the address that was checked: a name cannot pass the public-address check and then point the
connection somewhere else (DNS rebinding).

The tests stand in for DNS and the internet with ``FakeNet``: ``socket.getaddrinfo`` (which the event loop's
resolver calls) answers scripted names, and the network backend under httpx routes a connection to the stand-in
public address to a real receiver on loopback, or refuses it. Everything else goes to the real resolver and network.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sqlite3
import threading
import time
from typing import Any

import httpcore
import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from service.escalations import EscalationService
from service.main import create_app
from service.schemas import Decision
from service.settings import Settings
from tests.api._helpers import CallbackReceiver, call, escalate, state

SECRET = "test-callback-secret"
PUBLIC = "93.184.215.14"
"""A global address the tests pretend is on the internet; nothing ever connects to it for real."""
PUBLIC6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
NO_ANSWER = "no-answer"
"""A scripted lookup that fails (the resolver is down), as ``socket.gaierror`` ``EAI_AGAIN``."""


class FakeNet:
    """Scripted DNS answers and routes (see the module docstring)."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}  # each lookup takes the next answer; the last one repeats
        self.lookups: list[str] = []  # the scripted names looked up, in order
        self.connects: list[str] = []  # the host httpx asked to connect to, for scripted names and PUBLIC
        self.public_reachable = True  # a connection to PUBLIC reaches the same port on loopback
        self._lock = threading.Lock()

    def answer(self, name: str) -> str | None:
        with self._lock:
            script = self.answers.get(name)
            if script is None:
                return None
            self.lookups.append(name)
            return script.pop(0) if len(script) > 1 else script[0]


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch) -> FakeNet:
    fake = FakeNet()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = httpcore.AnyIOBackend.connect_tcp

    def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        address = fake.answer(name) if isinstance(name, str) else None
        if address == NO_ANSWER:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real_getaddrinfo(address or host, port, family, type, proto, flags)

    async def connect_tcp(backend: Any, host: str, port: int, **kwargs: Any) -> Any:
        if host == PUBLIC or host in fake.answers:
            fake.connects.append(host)
        # A scripted name is resolved here, through the scripted resolver (as anyio would before connecting).
        address = fake.answer(host) or host
        if address == PUBLIC:
            if not fake.public_reachable:
                raise httpcore.ConnectError(f"no route to {PUBLIC} (tests do not reach the internet)")
            address = "127.0.0.1"
        return await real_connect(backend, address, port, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", connect_tcp)
    return fake


@pytest.fixture
def guarded(settings: Settings) -> Settings:
    """Callbacks only to public addresses (the default), signed, retried without waiting."""
    return settings.model_copy(
        update={"callback_secret": SecretStr(SECRET), "callback_backoff_s": 0.0, "callback_allow_private": False}
    )


def _resolve_with_callback(client: TestClient, url: str) -> dict[str, Any]:
    decision = escalate(client, callback_url=url)
    final = client.post(f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block"})
    assert final.status_code == 200, final.text
    call(client, state(client).escalations.drain)
    return decision


def _outbox_row(settings: Settings, review_id: str) -> dict[str, Any]:
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM callback_outbox WHERE review_id = ?", (review_id,)).fetchone()
    return dict(row)


def test_a_name_that_rebinds_to_loopback_after_the_check_reaches_nothing_inside(
    guarded: Settings, receiver: CallbackReceiver, net: FakeNet, caplog: pytest.LogCaptureFixture
) -> None:
    # The attacker's name answers a public address to the first lookup and 127.0.0.1 to every later one; the
    # receiver on 127.0.0.1 stands for an internal service. The public address does not answer (no internet).
    net.answers["rebind.example"] = [PUBLIC, "127.0.0.1"]
    net.public_reachable = False
    with TestClient(create_app(guarded)) as client:
        decision = _resolve_with_callback(client, f"http://rebind.example:{receiver.port}/hook")

    assert receiver.deliveries == []  # the internal service never heard of it
    # Attempt 1 was checked (public) and connected to that same address, not to a second lookup of the name;
    # attempt 2 resolved again, got loopback and was refused, naming the address: final, not retried.
    assert net.connects == [PUBLIC]
    assert net.lookups == ["rebind.example", "rebind.example"]
    row = _outbox_row(guarded, decision["review_id"])
    assert row["status"] == "failed" and row["attempts"] == 2
    assert row["last_error"] == "private address 127.0.0.1"
    assert "is not a public address" in caplog.text


def test_a_failed_lookup_is_retried_and_the_callback_still_arrives(
    guarded: Settings, receiver: CallbackReceiver, net: FakeNet, caplog: pytest.LogCaptureFixture
) -> None:
    # Before: a lookup that failed (a DNS outage on the service's side) was "refused ... not a public address",
    # final, and the human's decision never reached the caller.
    net.answers["hooks.example"] = [NO_ANSWER, NO_ANSWER, PUBLIC]
    delivered = 'oversight_callbacks_total{outcome="delivered"} 1.0'
    with TestClient(create_app(guarded)) as client:
        decision = _resolve_with_callback(client, f"http://hooks.example:{receiver.port}/hook")
        assert len(receiver.wait_for(1)) == 1
        # the sender counts the outcome once the receiver has answered: read /metrics until it has (a bounded wait,
        # not a timing assertion: under load the third attempt's answer can come after the first read)
        deadline = time.monotonic() + 20
        while delivered not in (ended := client.get("/metrics").text) and time.monotonic() < deadline:
            time.sleep(0.05)

    row = _outbox_row(guarded, decision["review_id"])
    assert row["status"] == "delivered" and row["attempts"] == 3
    assert "not a public address" not in caplog.text and "cannot resolve hooks.example" in caplog.text
    assert delivered in ended


def test_a_callback_to_a_public_name_arrives_with_its_host_header(
    guarded: Settings, receiver: CallbackReceiver, net: FakeNet
) -> None:
    net.answers["hooks.example"] = [PUBLIC]
    with TestClient(create_app(guarded)) as client:
        decision = _resolve_with_callback(client, f"http://hooks.example:{receiver.port}/hook")

    deliveries = receiver.wait_for(1)
    assert len(deliveries) == 1
    delivery = deliveries[0]
    assert delivery.headers["host"] == f"hooks.example:{receiver.port}"  # the name, though sent to the address
    expected = "sha256=" + hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(delivery.headers["x-oversight-signature"], expected)
    assert json.loads(delivery.body)["review_id"] == decision["review_id"]
    assert net.lookups == ["hooks.example"] and net.connects == [PUBLIC]  # resolved once, sent where checked
    assert _outbox_row(guarded, decision["review_id"])["status"] == "delivered"


@pytest.mark.parametrize(
    ("url", "answer", "sent_to", "host"),
    [
        ("https://hooks.example/oversight", PUBLIC, f"https://{PUBLIC}/oversight", "hooks.example"),
        ("https://hooks.example:8443/o?x=1", PUBLIC6, f"https://[{PUBLIC6}]:8443/o?x=1", "hooks.example:8443"),
        ("http://hooks.example:80/o", PUBLIC, f"http://{PUBLIC}/o", "hooks.example"),
    ],
)
def test_the_request_names_the_host_for_tls_and_goes_to_the_checked_address(
    guarded: Settings, net: FakeNet, url: str, answer: str, sent_to: str, host: str
) -> None:
    net.answers["hooks.example"] = [answer]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    with TestClient(create_app(guarded)) as client:
        decision = Decision.model_validate(escalate(client))
        running = state(client).escalations
        mock = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        service = EscalationService(running.runtime, guarded, running.outbox, http=mock)
        outcome = call(client, service._post_once, url, decision, "delivery-1")
        call(client, service.aclose)

    assert outcome == ("delivered", None)
    [request] = seen
    assert str(request.url) == sent_to and request.headers["host"] == host
    if url.startswith("https"):
        assert request.extensions["sni_hostname"] == "hooks.example"  # SNI and certificate checks use the name
        assert request.headers["connection"] == "close"  # a connection verified for this name is not reused
    else:
        assert "sni_hostname" not in request.extensions



class RecordingProxy:
    """A forward proxy's front door: records each request line (``POST http://name/path HTTP/1.1``), answers 204."""

    def __init__(self) -> None:
        self.request_lines: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.request_lines.append(data.split(b"\r\n", 1)[0].decode())
                conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def test_behind_an_egress_proxy_from_the_environment_the_callback_goes_through_it_by_name(
    guarded: Settings, net: FakeNet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The proxy connects and resolves the name itself: a pinned address would break an https tunnel's TLS check
    # (the tunnel verifies the certificate against the address), so the proxy is asked for the name.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    proxy = RecordingProxy()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    net.answers["hooks.example"] = [PUBLIC]
    try:
        with TestClient(create_app(guarded)) as client:
            _resolve_with_callback(client, "http://hooks.example/hook")
    finally:
        proxy.sock.close()
    assert proxy.request_lines == ["POST http://hooks.example/hook HTTP/1.1"]
