"""The same session twice in an audit's input (a backup copy of a transcript, a .jsonl and its .jsonl.gz, a line
repeated): audited once, from its longest copy, and counted as a duplicate skipped, not as a rejected line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from service.audit.sessions import parse_many
from service.cli import app
from tests.audit._helpers import cli_env, session, write_jsonl
from tests.conftest import SHARED

CC_SAMPLE = (SHARED / "reference" / "samples" / "d-kimuson__claude-code-viewer" / "mock-global-claude-dir" / "projects"
             / "sample-project" / "1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl")
CC_ID = "1af7fc5e-8455-4414-9ccd-011d40f70b2a"


def _rows(*rows: dict) -> bytes:  # type: ignore[type-arg]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def test_identical_copies_of_a_transcript_are_audited_once() -> None:
    data = CC_SAMPLE.read_bytes()
    once = parse_many([("logs/x.jsonl", data)])
    parsed = parse_many([("logs/backup/x.jsonl", data), ("logs/x.jsonl", data), ("logs/x.jsonl.gz", data)])
    assert [t.turn_id for t in parsed.turns] == [t.turn_id for t in once.turns] and parsed.sessions == 1
    assert not parsed.errors  # a copy is not a broken line
    assert [(d.file, d.line) for d in parsed.duplicates] == [("logs/x.jsonl", 1), ("logs/x.jsonl.gz", 1)]
    assert all(f"session {CC_ID!r}" in d.message and "logs/backup/x.jsonl" in d.message for d in parsed.duplicates)


def test_an_earlier_shorter_copy_gives_way_to_the_longer_one() -> None:
    # backup/ sorts first, and used to win: the live transcript's later answers were left out as a "duplicate".
    data = CC_SAMPLE.read_bytes()
    lines = data.splitlines(keepends=True)
    early = b"".join(lines[:12]) + lines[12][:40]  # copied while Claude Code was writing: a cut last line
    whole = parse_many([("logs/x.jsonl", data)])
    parsed = parse_many([("logs/backup/x.jsonl", early), ("logs/x.jsonl", data)],
                        sources=["backup/x.jsonl", "x.jsonl"])
    assert len(parse_many([("x", early)]).turns) < len(whole.turns)
    assert [t.turn_id for t in parsed.turns] == [t.turn_id for t in whole.turns]
    assert {t.meta["source"] for t in parsed.turns} == {"x.jsonl"}
    (duplicate,) = parsed.duplicates
    assert duplicate.file == "logs/backup/x.jsonl" and "an earlier copy" in duplicate.message
    assert [(e.file, e.line) for e in parsed.errors] == [("logs/backup/x.jsonl", 13)]  # the cut line, as before


def test_copies_that_differ_otherwise_are_still_a_duplicate_session_id_error() -> None:
    parsed = parse_many([("a.jsonl", _rows(session("s", "1"))), ("b.jsonl", _rows(session("s", "1", "refusal")))])
    assert len(parsed.turns) == 1 and not parsed.duplicates
    (error,) = parsed.errors
    assert error.file == "b.jsonl" and error.message.startswith("duplicate session_id 's': ")
    assert error.message.endswith("it differs from the session at a.jsonl, line 1, which is audited")


def test_a_repeated_line_and_a_later_longer_line_of_the_sessions_format() -> None:
    short, long = session("s", "1"), session("s", "1", extra_turn=True)
    parsed = parse_many([("in.jsonl", _rows(short, short, long, session("t", "1")))])
    assert [t.turn_id for t in parsed.turns] == ["s#1", "s#2", "t#1"] and parsed.sessions == 2
    assert [d.line for d in parsed.duplicates] == [1, 2] and not parsed.errors


def test_the_cli_and_the_report_say_how_many_duplicates_were_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    (folder / "backup").mkdir(parents=True)
    write_jsonl(folder / "a.jsonl", [session("a", "1"), session("b", "1")])
    write_jsonl(folder / "backup" / "a.jsonl", [session("a", "1"), session("b", "1")])
    (folder / "a.jsonl.gz").write_bytes(gzip.compress((folder / "a.jsonl").read_bytes()))
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["audit", str(folder), "--out", str(out)],
                              env=cli_env(tmp_path / "data") | {"COLUMNS": "400"})
    assert done.exit_code == 0, done.output
    turns = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    assert sorted(t["session_id"] for t in turns) == ["a", "b"]
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["duplicates_skipped"] == 4 and report["totals"]["rejected_lines"] == 0
    assert "2 sessions, 2 turns" in done.output and "4 duplicate sessions skipped" in done.output
    assert "duplicates skipped" in (out / "report.html").read_text()
