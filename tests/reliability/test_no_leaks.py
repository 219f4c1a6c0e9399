"""Secrets and content stay out of logs, traces and error bodies.

One run with recognisable canaries: an Oversight API key, a vendor API key, and message content. The
reviewer is the real Anthropic adapter talking to the fake model server, with faults (429, 5xx, a dropped
connection, garbage) so the error paths log too. Afterwards every log record (with tracebacks), every
exported span (names, attributes, events, status) and every HTTP answer (headers and body, including the
error bodies) is searched for the canaries. Content capture on spans is off (the default).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr

from service import telemetry
from service.main import create_app
from service.settings import Settings
from tests.fakes.fixtures import model_server, model_server_session  # noqa: F401
from tests.fakes.model_server import FakeModelServer, Reply

VENDOR_KEY = f"sk-ant-api03-CANARYVENDOR{secrets.token_hex(8)}"
CONTENT = f"CANARYCONTENT{secrets.token_hex(6)}"
OUTPUT = f"CANARYOUTPUT{secrets.token_hex(6)}"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[_Collect]:
    """Every record at the service's level (INFO), and Oversight's own loggers down to DEBUG."""
    handler = _Collect()
    root, ours = logging.getLogger(), logging.getLogger("oversight")
    levels = (root.level, ours.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    ours.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])


def _span_text(span: ReadableSpan) -> str:
    parts = [span.name, str(dict(span.attributes or {})), str(span.status.description or "")]
    for event in span.events:
        parts += [event.name, str(dict(event.attributes or {}))]
    return " ".join(parts)


def test_keys_and_content_never_reach_logs_traces_or_error_bodies(
    tmp_path: Path, logs: _Collect, model_server: FakeModelServer  # noqa: F811
) -> None:
    exporter = InMemorySpanExporter()
    processor = telemetry.add_span_exporter(exporter)
    settings = Settings(
        data_dir=tmp_path / "data", audit_seed=0, reviewer="anthropic:claude-test", reviewer_max_attempts=2,
        anthropic_api_key=SecretStr(VENDOR_KEY), anthropic_base_url=model_server.anthropic_base_url,
    )
    answers: list[str] = []
    try:
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            admin = client.post("/v1/keys", json={"role": "admin", "name": "ops"}).json()["key"]
            auth = {"authorization": f"Bearer {admin}"}
            key_id, secret = admin.removeprefix("ovs_").split("_", 1)
            body = {
                "domain": "health",
                "messages": [{"role": "user", "content": f"{CONTENT} what dose of ibuprofen?"}],
                "output": f"{OUTPUT} take 200 mg.",
            }
            model_server.script(
                Reply.ok(), Reply.rate_limited(retry_after=0), Reply.ok(), Reply.server_error(), Reply.server_error(),
                Reply.drop(), Reply.drop(), Reply.malformed(), Reply.malformed(), Reply.refusal(),
            )
            for _ in range(6):
                r = client.post("/v1/reviews", json=body, headers=auth)
                answers.append(f"{r.status_code} {dict(r.headers)} {r.text}")
                assert r.status_code == 200
            # Error paths that see the same content and keys.
            wrong_secret = f"ovs_{key_id}_{secret[:-4]}XXXX"
            bad = [
                client.post("/v1/reviews", json=body, headers={"authorization": f"Bearer {wrong_secret}"}),
                client.post("/v1/reviews", json=body, headers={"authorization": f"Basic {admin}"}),
                client.post("/v1/reviews", json={**body, "messages": [{"role": "root", "content": CONTENT}]},
                            headers=auth),
                client.post("/v1/reviews", json={**body, "output": 7}, headers=auth),
                client.post("/v1/reviews", json={**body, "id": f"bad id {CONTENT}"}, headers=auth),
                client.post("/v1/reviews", content=f'{{"output": "{OUTPUT}\\u0000"}}', headers={**auth, "content-type": "application/json"}),
                client.post("/v1/reviews", content=f'{{"output": "{OUTPUT}", "output": "x"}}', headers={**auth, "content-type": "application/json"}),
                client.post("/v1/reviews", content=f'{{"output": "{OUTPUT}"', headers={**auth, "content-type": "application/json"}),
                client.post("/v1/reviews", content=f'output={OUTPUT}', headers={**auth, "content-type": "text/plain"}),
                client.post("/v1/reviews", json={**body, "output": OUTPUT * 20_000}, headers=auth),
                client.get("/v1/reviews/rev_missing", headers=auth),
                client.post("/v1/escalations/esc_missing/resolve", json={"action": "block", "note": CONTENT}, headers=auth),
            ]
            for r in bad:
                assert 400 <= r.status_code < 500, r.text[:200]
                answers.append(f"{r.status_code} {dict(r.headers)} {r.text}")
        telemetry.force_flush()
    finally:
        telemetry.remove_span_processor(processor)
    spans = exporter.get_finished_spans()
    assert spans and logs.lines, "the run produced no spans or no logs to search"
    assert any(s.name.startswith("chat ") for s in spans), "the reviewer was not called"

    searched = {"logs": "\n".join(logs.lines), "traces": "\n".join(_span_text(s) for s in spans),
                "answers": "\n".join(answers[6:])}
    for canary in (VENDOR_KEY, VENDOR_KEY[-16:], admin, secret, secret[:12], CONTENT, OUTPUT):
        for where, text in searched.items():
            assert canary not in text, f"{canary[:24]}... leaked into {where}"
    # The successful answers carry the output back (that is their job), never a key.
    for canary in (VENDOR_KEY, admin, secret):
        assert canary not in "\n".join(answers[:6])


def test_api_keys_are_stored_as_salted_hashes(tmp_path: Path) -> None:
    """The keystore never holds a key's secret: two keys with the same secret would not even hash alike."""
    from service.auth import hash_secret, new_key

    key, record = new_key("default", "client", "app")
    secret = key.removeprefix("ovs_").split("_", 1)[1]
    assert secret.encode() not in record.hash and len(record.salt) >= 16
    assert hash_secret(secret, record.salt) == record.hash
    assert hash_secret(secret, b"\x00" * 16) != record.hash
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    with TestClient(create_app(settings)) as client:
        admin = client.post("/v1/keys", json={"role": "admin"}).json()["key"]
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert admin.encode() not in stored
    assert admin.removeprefix("ovs_").split("_", 1)[1].encode() not in stored
