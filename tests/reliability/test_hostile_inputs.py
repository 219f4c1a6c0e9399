"""Hand-written hostile inputs: each gets a documented 4xx with a stable error code, never a 5xx.

The table here is the table in ``docs/limits.md``; ``test_the_docs_table_matches`` keeps them together.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "limits.md"
JSON = {"content-type": "application/json"}
OK = {"messages": [{"role": "user", "content": "What is the capital of France?"}], "output": "Paris."}


def _dumps(obj: object) -> bytes:
    return json.dumps(obj).encode()


@dataclass(frozen=True)
class Case:
    name: str
    body: bytes
    status: int
    code: str | None
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    at: str | None = None
    settings: dict[str, int] = field(default_factory=dict)
    path: str = "/v1/reviews"


CASES = [
    Case("invalid_utf8", b'{"output": "caf\xe9 \xff"}', 422, "json_invalid"),
    Case("nul_escaped", _dumps({**OK, "output": "a\u0000b"}), 422, "text_invalid", at="output"),
    Case("nul_raw", b'{"output": "a\x00b"}', 422, "json_invalid"),
    Case("nul_in_message", _dumps({**OK, "messages": [{"role": "user", "content": "x\u0000"}]}), 422,
         "text_invalid", at="messages.0.content"),
    Case("lone_surrogate", b'{"output": "\\ud800 alone"}', 422, "text_invalid", at="output"),
    Case("control_characters", _dumps({**OK, "output": "bell\u0007 esc\u001b[31m del\u007f"}), 200, None),
    Case("deep_nesting_100k", b'{"output":"x","context":' + b"[" * 100_000 + b"]" * 100_000 + b"}", 422,
         "json_too_deep"),
    Case("deep_nesting_5k", b'{"output":"x","context":' + b"[" * 5_000 + b"]" * 5_000 + b"}", 422, "json_too_deep"),
    Case("deep_nesting_65", b'{"output":"x","context":' + b'{"a":' * 65 + b"1" + b"}" * 65 + b"}", 422,
         "json_too_deep", at="context" + ".a" * 63),
    Case("messages_10000", _dumps({**OK, "messages": [{"role": "user", "content": "hi"}] * 10_000}), 413,
         "payload_too_large"),
    Case("messages_10000_large_body_limit", _dumps({**OK, "messages": [{"role": "user", "content": "hi"}] * 10_000}),
         422, "request_invalid", at="messages", settings={"max_body_bytes": 4 * 1024 * 1024}),
    Case("giant_string", _dumps({**OK, "output": "x" * 1_000_000}), 413, "payload_too_large"),
    Case("giant_string_large_body_limit", _dumps({**OK, "output": "x" * 1_000_000}), 422, "request_invalid",
         at="output", settings={"max_body_bytes": 4 * 1024 * 1024}),
    Case("giant_string_in_message", _dumps({**OK, "messages": [{"role": "user", "content": "y" * 250_000}]}), 422,
         "request_invalid", at="messages.0.content", settings={"max_body_bytes": 4 * 1024 * 1024}),
    Case("content_type_text_plain", _dumps(OK), 415, "unsupported_media_type", headers={"content-type": "text/plain"}),
    Case("content_type_form", b"output=hi", 415, "unsupported_media_type",
         headers={"content-type": "application/x-www-form-urlencoded"}),
    Case("content_type_multipart", b'--b\r\nContent-Disposition: form-data; name="output"\r\n\r\nhi\r\n--b--\r\n',
         415, "unsupported_media_type", headers={"content-type": "multipart/form-data; boundary=b"}),
    Case("content_type_missing", _dumps(OK), 415, "unsupported_media_type", headers={}),
    Case("charset_latin1", _dumps(OK), 415, "unsupported_media_type",
         headers={"content-type": "application/json; charset=latin-1"}),
    Case("content_encoding_gzip", gzip.compress(_dumps(OK)), 415, "unsupported_media_type",
         headers={**JSON, "content-encoding": "gzip"}),
    Case("duplicate_keys", b'{"output": "approve me", "output": "the real answer"}', 422, "json_duplicate_key",
         at="output"),
    Case("duplicate_nested_keys", b'{"output": "x", "model": {"name": "a", "name": "b"}}', 422,
         "json_duplicate_key", at="model.name"),
    Case("truncated_json", b'{"output": "x"', 422, "json_invalid"),
    Case("nan", b'{"output": "x", "timeout_ms": NaN}', 422, "json_invalid"),
    Case("huge_integer", b'{"output": "x", "timeout_ms": 1' + b"0" * 5000 + b"}", 422, "json_invalid"),
    Case("top_level_array", b"[1, 2, 3]", 422, "request_invalid", at="body"),
    Case("empty_body", b"", 422, "request_invalid", at="body"),
    Case("unknown_field", _dumps({**OK, "approve": True}), 422, "request_invalid", at="approve"),
    Case("wrong_type", _dumps({**OK, "messages": "hello"}), 422, "request_invalid", at="messages"),
    Case("bad_role", _dumps({**OK, "messages": [{"role": "root", "content": "x"}]}), 422, "request_invalid",
         at="messages.0.role"),
    Case("bad_idempotency_key", _dumps({**OK, "id": "a b/../c"}), 422, "request_invalid", at="id"),
    Case("byte_order_mark", b"\xef\xbb\xbf" + _dumps(OK), 200, None),
]


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestClient]]:
    """One app per distinct settings override, started once for the module."""
    clients: dict[str, TestClient] = {}
    overrides = {json.dumps(c.settings, sort_keys=True): c.settings for c in CASES}
    try:
        for key, extra in overrides.items():
            data = tmp_path_factory.mktemp("data")
            settings = Settings.model_validate({"data_dir": data, "audit_seed": 0, **extra})
            client = TestClient(create_app(settings), raise_server_exceptions=False)
            client.__enter__()
            clients[key] = client
        yield clients
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_gets_a_documented_status_and_code(case: Case, apps: dict[str, TestClient]) -> None:
    client = apps[json.dumps(case.settings, sort_keys=True)]
    r = client.post(case.path, content=case.body, headers=case.headers)
    assert r.status_code == case.status, r.text[:300]
    if case.code is None:
        assert r.json()["verdict"] in ("approve", "rewrite", "block", "escalate")
        return
    error = r.json()["error"]
    assert set(error) >= {"code", "message", "field"}
    assert error["code"] == case.code
    if case.at is not None:
        assert error["field"] == case.at


def test_the_same_rules_guard_action_reviews(apps: dict[str, TestClient]) -> None:
    client = apps["{}"]
    action = {"action": {"tool": "shell", "input": {"command": "ls"}}}
    nested: dict[str, object] = {"v": 1}
    for _ in range(70):
        nested = {"n": nested}
    cases = [
        (b'{"action": {"tool": "shell", "tool": "read_file", "input": {}}}', JSON, 422, "json_duplicate_key"),
        (_dumps({"action": {"tool": "shell", "input": nested}}), JSON, 422, "json_too_deep"),
        (_dumps({"action": {"tool": "shell", "input": {"command": "ls\u0000 -la"}}}), JSON, 422, "text_invalid"),
        (_dumps(action), {"content-type": "text/plain"}, 415, "unsupported_media_type"),
    ]
    for body, headers, status, code in cases:
        r = client.post("/v1/actions/reviews", content=body, headers=headers)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert client.post("/v1/actions/reviews", json=action).status_code == 200


def test_an_action_input_nested_within_the_limit_is_accepted(apps: dict[str, TestClient]) -> None:
    nested: dict[str, object] = {"v": 1}
    for _ in range(40):
        nested = {"n": nested}
    r = apps["{}"].post("/v1/actions/reviews", json={"action": {"tool": "mcp:db/query", "input": nested}})
    assert r.status_code == 200, r.text[:300]


def test_json_suffix_media_types_are_json(apps: dict[str, TestClient]) -> None:
    r = apps["{}"].post("/v1/reviews", content=_dumps(OK), headers={"content-type": "application/vnd.oversight+json"})
    assert r.status_code == 200


def test_the_docs_table_matches() -> None:
    """Every case is a row of docs/limits.md with the status and code it really gets."""
    text = DOCS.read_text()
    for case in CASES:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{case.name}`")), None)
        assert row is not None, f"docs/limits.md has no row for {case.name}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] == str(case.status), row
        assert cells[3] == (f"`{case.code}`" if case.code else "—"), row


def test_every_limit_is_documented_with_its_setting() -> None:
    lines = DOCS.read_text().splitlines()
    for name in ("max_body_bytes", "max_messages", "max_chars", "max_json_depth", "max_in_flight",
                 "max_in_flight_per_key", "reviewer_max_in_flight"):
        var = f"`OVERSIGHT_{name.upper()}`"
        row = next((line for line in lines if line.startswith("|") and var in line), None)
        assert row is not None, f"docs/limits.md has no row for {var}"
        assert f"| {Settings.model_fields[name].default} |" in row, f"{var}: the documented default is stale"
