"""Audit inputs are held to the review API's input rules, line by line (`oversight audit FILE`, `POST /v1/audits`).

A NUL in one line (PostgreSQL cannot store it), a message over OVERSIGHT_MAX_CHARS, or a line that is not UTF-8 is
a rejected line named by its number; the rest of the input is audited. A turn after more than
OVERSIGHT_MAX_MESSAGES messages is reviewed with the session's task and its latest messages. A UTF-8 byte order
mark at the start of a file is skipped. The audit routes answer an unknown query parameter with a 422 naming it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.audit.sessions import Session, parse_input, parse_session_line, session_turns
from service.cli import app
from service.main import create_app
from service.settings import Settings
from tests.audit._helpers import cli_env, session

NDJSON = {"content-type": "application/x-ndjson"}


def _line(row: dict[str, Any]) -> bytes:
    return json.dumps(row).encode() + b"\n"  # json.dumps writes a NUL as the escape \u0000, as a logger would


def _with_nul() -> dict[str, Any]:
    """A session whose user message holds a NUL (a pasted binary blob, say)."""
    row = session("nul", "2026.03")
    row["messages"][0]["content"] = "How much ibuprofen can I take?\u0000"
    return row


def _invoke(args: list[str], tmp_path: Path, database_url: str | None = None, **env: str) -> Any:
    return CliRunner().invoke(app, args, env=cli_env(tmp_path / "data", database_url) | {"COLUMNS": "400"} | env)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each test that takes it runs on the embedded SQLite file and on the real PostgreSQL server."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))


@pytest.fixture
def no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API accepts jobs without working on them: the upload's answer is what these tests look at."""
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "0")


def _api(settings: Settings) -> TestClient:
    # A crash must show as the 500 a client gets, not as an exception in the test.
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def api(tmp_path: Path, no_workers: None) -> Iterator[TestClient]:
    with _api(Settings(data_dir=tmp_path / "data", audit_seed=0)) as client:
        yield client


# -- NUL ---------------------------------------------------------------------------------------------------------
def test_cli_a_line_with_nul_is_rejected_by_number_and_the_rest_is_audited(
    tmp_path: Path, database_url: str | None
) -> None:
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_bytes(_line(session("ok", "2026.03")) + _line(_with_nul()) + _line(session("ok2", "2026.03")))
    out = tmp_path / "report"
    done = _invoke(["audit", str(sessions), "--out", str(out)], tmp_path, database_url)
    assert done.exit_code == 0, done.output
    assert "skipped line 2: messages.0.content: text holds NUL (\\u0000)" in done.stderr
    assert "text_invalid" in done.stderr
    assert "2 sessions, 2 turns" in done.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["complete"] and report["totals"]["turns"] == 2 and report["totals"]["rejected_lines"] == 1
    turns = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    assert sorted(t["session_id"] for t in turns) == ["ok", "ok2"]


def test_api_a_line_with_nul_is_a_rejected_line_not_a_500(
    tmp_path: Path, database_url: str | None, no_workers: None
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, audit_seed=0)
    with _api(settings) as client:
        upload = _line(session("ok", "2026.03")) + _line(_with_nul())
        resp = client.post("/v1/audits", content=upload, headers=NDJSON)
        assert resp.status_code == 202, resp.text
        job = resp.json()
        assert (job["sessions"], job["turns"], job["rejected_lines"]) == (1, 1, 1)
        assert job["errors"] == [
            {"line": 2, "message": "messages.0.content: text holds NUL (\\u0000) or an unpaired surrogate "
             "(text_invalid)"}
        ]
        assert client.get(f"/v1/audits/{job['id']}").json()["errors"] == job["errors"]
        # the same text sent for review is refused with the code the audit error names
        review = client.post("/v1/reviews", json={"messages": _with_nul()["messages"][:1], "output": "Up to 1,200 mg."})
        assert review.status_code == 422 and review.json()["error"]["code"] == "text_invalid"


def test_a_nul_in_metadata_or_a_key_is_rejected_too(api: TestClient) -> None:
    in_metadata = session("meta", "2026.03", metadata={"note": "x\u0000"})
    in_key = session("key", "2026.03", metadata={"x\u0000": 1})
    upload = _line(session("ok", "2026.03")) + _line(in_metadata) + _line(in_key)
    job = api.post("/v1/audits", content=upload, headers=NDJSON).json()
    assert job["sessions"] == 1 and [e["line"] for e in job["errors"]] == [2, 3]
    assert job["errors"][0]["message"].startswith("metadata.note: text holds NUL")
    assert job["errors"][1]["message"].startswith("metadata: a key holds NUL")


# -- request limits ----------------------------------------------------------------------------------------------
def test_cli_an_answer_over_max_chars_is_a_rejected_line_naming_the_limit(tmp_path: Path) -> None:
    huge = session("huge", "2026.03")
    huge["messages"][1]["content"] = "Take 200 mg. " * 20_000  # 260,000 characters, over the default 200,000
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_bytes(_line(session("ok", "2026.03")) + _line(huge))
    done = _invoke(["audit", str(sessions), "--out", str(tmp_path / "r"), "--submit-only"], tmp_path)
    assert done.exit_code == 0, done.output
    assert (
        "skipped line 2: messages.1.content: 260000 characters, over the limit of 200000 (OVERSIGHT_MAX_CHARS)"
        in done.stderr
    )
    assert "1 sessions, 1 turns" in done.stderr


def test_cli_a_turn_after_more_messages_than_the_limit_is_audited_with_the_task_and_the_recent_ones(
    tmp_path: Path,
) -> None:
    # A long agent session (every tool call and result is a message) used to be left out whole once a turn followed
    # more than OVERSIGHT_MAX_MESSAGES messages: the longest sessions went unaudited.
    long = session("long", "2026.03", extra_turn=True)
    long["messages"] += [
        {"role": "user", "content": "And for a child?"},
        {"role": "assistant", "content": "Ask a pharmacist: children's doses go by weight."},
    ]  # turn 2 follows 3 messages (within 4), turn 3 follows 5
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_bytes(_line(session("ok", "2026.03")) + _line(long))
    done = _invoke(
        ["audit", str(sessions), "--out", str(tmp_path / "r"), "--submit-only"], tmp_path, OVERSIGHT_MAX_MESSAGES="4"
    )
    assert done.exit_code == 0, done.output
    assert "skipped" not in done.stderr
    assert "2 sessions, 4 turns" in done.stderr


def test_a_long_sessions_turn_keeps_its_task_and_its_latest_messages() -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Clean up the build folder of this repo."}]
    for k in range(300):
        messages += [
            {"role": "assistant", "content": f"Step {k}: running the next command."},
            {"role": "user", "content": f"output of step {k}"},
        ]
    parsed = parse_session_line(json.dumps({"session_id": "agent", "messages": messages}), 1)
    assert isinstance(parsed, Session)
    turns = session_turns(parsed, 0, Settings(max_messages=50))
    assert len(turns) == 300  # every answer is a turn; none is left out
    last = turns[-1]
    context = last.request["messages"]
    assert len(context) == 50
    assert context[0]["content"] == "Clean up the build folder of this repo."  # the session's task
    assert context[-1]["content"] == "output of step 298"  # and the latest messages before the answer
    assert last.request["output"] == "Step 299: running the next command."
    assert last.meta["context_dropped"] == 598 - 49
    assert "context_dropped" not in turns[0].meta


def test_api_holds_turns_to_the_apps_max_chars(tmp_path: Path, no_workers: None) -> None:
    long_system = session("sys", "2026.03")
    long_system["messages"].insert(0, {"role": "system", "content": "x" * 1001})  # in every turn's conversation
    with _api(Settings(data_dir=tmp_path / "data", audit_seed=0, max_chars=1000)) as client:
        upload = _line(session("ok", "2026.03")) + _line(long_system)
        job = client.post("/v1/audits", content=upload, headers=NDJSON).json()
    # the session is audited, its system message cut to the limit; the cut is reported (and counted) at its line
    assert (job["sessions"], job["turns"], job["rejected_lines"]) == (2, 2, 1)
    assert job["errors"] == [
        {"line": 2, "message": "messages.0.content: 1001 characters, over the limit of 1000 (OVERSIGHT_MAX_CHARS); "
         "the turns after it are reviewed with its start and end, 63 characters of its middle left out"}
    ]


def test_a_message_over_max_chars_is_reported_and_the_rest_of_the_session_is_audited() -> None:
    # One long paste used to drop its whole session, the turns before it included ("the whole session is left out").
    row: dict[str, Any] = {"session_id": "paste", "messages": [
        {"role": "user", "content": "How much ibuprofen can an adult take in a day?"},
        {"role": "assistant", "content": "Up to 1,200 mg a day over the counter."},
        {"role": "user", "content": "Why does this fail? " + "log line\n" * 200 + "ERROR: disk full"},
        {"role": "assistant", "content": "The disk is full."},
        {"role": "user", "content": "And now?"},
        {"role": "assistant", "content": "Done. " * 400},  # 2,400 characters: the answer itself is over the limit
        {"role": "user", "content": "Thanks, bye."},
        {"role": "assistant", "content": "Bye."},
    ]}
    parsed = parse_input(_line(session("ok", "2026.03")) + _line(row), "sessions", limits=Settings(max_chars=1000))
    assert [t.turn_id for t in parsed.turns] == ["ok#1", "paste#1", "paste#2", "paste#4"]  # paste#3 is too long
    assert [(e.line, e.message) for e in parsed.errors] == [
        (2, "messages.2.content: 1836 characters, over the limit of 1000 (OVERSIGHT_MAX_CHARS); the turns after it "
            "are reviewed with its start and end, 898 characters of its middle left out"),
        (2, "messages.5.content: 2400 characters, over the limit of 1000 (OVERSIGHT_MAX_CHARS); turn 3 is not "
            "reviewed, and the turns after it see its start and end"),
    ]
    assert parsed.sessions == 2
    after = parsed.turns[2].request["messages"][2]["content"]  # the paste as the answer to it is reviewed
    assert 990 <= len(after) <= 1000
    assert after.startswith("Why does this fail? log line") and after.endswith("ERROR: disk full")
    assert "[... 898 characters left out: over OVERSIGHT_MAX_CHARS ...]" in after
    assert all(len(m["content"]) <= 1000 for t in parsed.turns for m in t.request["messages"])


# -- encoding ----------------------------------------------------------------------------------------------------
def test_cli_a_file_starting_with_a_byte_order_mark_is_audited(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_bytes(b"\xef\xbb\xbf" + _line(session("ok", "2026.03")))
    done = _invoke(["audit", str(sessions), "--out", str(tmp_path / "r"), "--submit-only"], tmp_path)
    assert done.exit_code == 0, done.output
    assert "1 sessions, 1 turns" in done.stderr and "skipped" not in done.stderr


def test_api_an_upload_starting_with_a_byte_order_mark_is_audited(api: TestClient) -> None:
    upload = b"\xef\xbb\xbf" + _line(session("ok", "2026.03")) + _line(session("ok2", "2026.03"))
    resp = api.post("/v1/audits", content=upload, headers=NDJSON)
    assert resp.status_code == 202, resp.text
    assert (resp.json()["sessions"], resp.json()["rejected_lines"]) == (2, 0)


def test_cli_a_latin1_line_is_reported_as_not_utf8(tmp_path: Path) -> None:
    latin1 = json.dumps(session("café", "2026.03"), ensure_ascii=False).encode("latin-1") + b"\n"
    sessions = tmp_path / "sessions.jsonl"
    sessions.write_bytes(_line(session("ok", "2026.03")) + latin1)
    done = _invoke(["audit", str(sessions), "--out", str(tmp_path / "r"), "--submit-only"], tmp_path)
    assert done.exit_code == 0, done.output
    offset = latin1.index(b"\xe9")
    assert f"skipped line 2: not UTF-8: byte 0xe9 at byte offset {offset} of the line" in done.stderr
    assert "surrogates" not in done.stderr


def test_cli_a_binary_file_is_reported_as_not_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "sessions.jsonl"
    binary.write_bytes(b"\xff\xfe" + "{}".encode("utf-16-le") + b"\n")  # a UTF-16 file
    done = _invoke(["audit", str(binary), "--out", str(tmp_path / "r")], tmp_path)
    assert done.exit_code == 2, done.output
    assert "line 1: not UTF-8: byte 0xff at byte offset 0 of the line" in done.stderr
    assert "surrogates" not in done.stderr


# -- query parameters --------------------------------------------------------------------------------------------
def test_an_unknown_upload_parameter_is_a_422_naming_it(api: TestClient) -> None:
    resp = api.post("/v1/audits?baseline-model=brisk@2026.03", content=_line(session("ok", "2026.03")),
                    headers=NDJSON)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert (error["code"], error["field"]) == ("request_invalid", "baseline-model")
    spelt_right = api.post("/v1/audits?baseline_model=brisk@2026.03", content=_line(session("ok", "2026.03")),
                           headers=NDJSON)
    assert spelt_right.status_code == 202 and spelt_right.json()["options"]["baseline_model"] == "brisk@2026.03"


def test_an_unknown_report_parameter_is_a_422_naming_it(api: TestClient) -> None:
    job = api.post("/v1/audits", content=_line(session("ok", "2026.03")), headers=NDJSON).json()
    resp = api.get(f"/v1/audits/{job['id']}/report?fromat=csv")
    assert resp.status_code == 422, resp.text
    assert (resp.json()["error"]["code"], resp.json()["error"]["field"]) == ("request_invalid", "fromat")
    csv = api.get(f"/v1/audits/{job['id']}/report?format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")


def test_the_results_download_refuses_a_format_it_does_not_serve(api: TestClient) -> None:
    """QA: ``/results?format=csv`` answered JSONL, so a script saving it as CSV got JSON lines."""
    job = api.post("/v1/audits", content=_line(session("ok", "2026.03")), headers=NDJSON).json()
    for query, field in (("format=csv", "format"), ("limit=5", "limit")):
        resp = api.get(f"/v1/audits/{job['id']}/results?{query}")
        assert resp.status_code == 422, resp.text
        assert (resp.json()["error"]["code"], resp.json()["error"]["field"]) == ("request_invalid", field)
    ok = api.get(f"/v1/audits/{job['id']}/results?format=jsonl")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/x-ndjson")
