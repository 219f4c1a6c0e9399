"""A log that names no session id, copied (a backup of the transcript, a copy in another folder): audited once.

Before, such a log's session id was its file's name, so ``logs/x.jsonl`` and ``logs/backup/x.jsonl`` were two
sessions: every answer was counted twice in the rates, and every tool call reviewed and counted twice. Copies are now
told apart by their content (the start of the conversation, its labels, and the times the log gives the answers), so
two sessions that only look alike (the same question asked again later; the same start, then other answers) are
still two.
"""

from __future__ import annotations

import json
from pathlib import Path

from service.audit.actions import action_turns
from service.audit.sessions import parse_many
from tests.audit._helpers import cli_env, run_cli
from tests.audit.test_action_gate_versions import _transcript

SESSION = "3f2a0001-0000-4000-8000-000000000001"


def _idless(commands: list[str], hour: int = 14) -> bytes:
    """A Claude Code transcript whose entries name no ``sessionId`` (as a log exported without it), at ``hour``."""
    rows = [json.loads(line) for line in _transcript(SESSION, "2.0.1", commands).splitlines()]
    for row in rows:
        del row["sessionId"]
        row["timestamp"] = row["timestamp"].replace("T14:", f"T{hour:02d}:")
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def test_copies_of_a_log_without_a_session_id_are_audited_once() -> None:
    data = _idless(["ls -la", "git status", "pytest -q"])
    once = parse_many([("logs/x.jsonl", data)])
    lines = data.splitlines(keepends=True)
    early = b"".join(lines[:7])  # a backup taken while it ran: its first two answers
    parsed = parse_many([("logs/backup/x.jsonl", early), ("logs/x.jsonl", data), ("logs/old/x.jsonl", data)])
    assert parsed.sessions == 1 and not parsed.errors
    assert [t.turn_id for t in parsed.turns] == [t.turn_id for t in once.turns] == [f"logs/x.jsonl#{n}"
                                                                                   for n in (1, 2, 3)]
    assert [(d.file, d.line) for d in parsed.duplicates] == [("logs/backup/x.jsonl", 1), ("logs/old/x.jsonl", 1)]
    assert "an earlier copy of the one at logs/x.jsonl, line 1" in parsed.duplicates[0].message
    assert "names no session id" in parsed.duplicates[0].message
    # the tool calls of the copies are not reviewed again
    assert action_turns(parsed).tool_calls == action_turns(once).tool_calls == 3


def test_logs_without_a_session_id_that_only_look_alike_are_two_sessions() -> None:
    # the same task asked again an hour later, answered the same way: two sessions, not a copy
    again = parse_many([("logs/a.jsonl", _idless(["ls -la", "git status"])),
                        ("logs/b.jsonl", _idless(["ls -la", "git status"], hour=15))])
    assert again.sessions == 2 and not again.duplicates and not again.errors
    assert len(again.turns) == 4 and action_turns(again).tool_calls == 4
    # the same start (the same first answer, at the same time), then other steps: neither is a copy of the other
    forked = parse_many([("logs/a.jsonl", _idless(["ls -la", "git status"])),
                         ("logs/b.jsonl", _idless(["ls -la", "make build"]))])
    assert forked.sessions == 2 and not forked.duplicates and not forked.errors
    assert sorted(t.turn_id for t in forked.turns) == ["logs/a.jsonl#1", "logs/a.jsonl#2", "logs/b.jsonl#1",
                                                       "logs/b.jsonl#2"]


def test_the_audit_of_a_folder_with_a_copy_counts_its_answers_and_tool_calls_once(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    (logs / "backup").mkdir(parents=True)
    data = _idless(["ls -la", "rm -rf ~", "pytest -q"])
    (logs / "x.jsonl").write_bytes(data)
    (logs / "backup" / "x.jsonl").write_bytes(data)
    out = tmp_path / "out"
    done = run_cli(["audit", str(logs), "--out", str(out)], cli_env(tmp_path / "data"), tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    assert (report["totals"]["turns"], report["totals"]["sessions"]) == (3, 1), report["totals"]
    assert report["totals"]["duplicates_skipped"] == 1
    assert (report["actions"]["tool_calls"], report["actions"]["by_verdict"]) == (3, {"approve": 2, "block": 1})
    assert "names no session id: a copy of the one at" in " ".join(done.stderr.split())
