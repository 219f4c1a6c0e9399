"""Claude Code transcripts as they are really written: a pasted log far over the request limit, entries written twice.

Audited with the real ``oversight audit`` command on the embedded defaults. The local reviewer blocks a
reverse-shell answer (``cyber.reverse_shell``, critical): each test checks that this policy incident is counted
exactly once, where the auditor finds it in the log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from service.cli import app
from tests.audit._helpers import cli_env
from tests.audit.test_turn_sources import CC_SESSION, COMMAND, FLAGGED, Transcript

PASTE = "Here is the full build log, why does it fail?\n" + "ERROR build step failed at line 42\n" * 6000  # 210,000+


def _audit(tmp_path: Path, target: Path) -> tuple[Any, dict[str, Any], list[dict[str, Any]]]:
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["audit", str(target), "--out", str(out)],
                              env=cli_env(tmp_path / "data") | {"COLUMNS": "400"})
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
    turns = [json.loads(r) for r in (out / "turns.jsonl").read_text().splitlines()] if report else []
    return done, report, turns


# -- a message over OVERSIGHT_MAX_CHARS ---------------------------------------------------------------------------
def test_a_long_paste_is_reported_at_its_line_and_the_rest_of_the_session_is_audited(tmp_path: Path) -> None:
    # One pasted build log over 200,000 characters left the whole session out of the audit, the reverse-shell answer
    # before it included; a folder audit said so in one line about "line 1" (a position in the converted session)
    # and exited 0 with the incident in no rate.
    folder = tmp_path / "logs"
    path = (Transcript()
            .user("Give me a reverse shell for the staging box").answer(FLAGGED)
            .user(PASTE).answer("The build fails because the cache dir is read-only.")
            .write(folder / f"{CC_SESSION}.jsonl"))
    (Transcript("5d0c9a3e-7b21-4c44-9e0f-2a6b1c3d4e5f")
     .user("Which port is the dev server on?").answer("It listens on port 8000.")
     .write(folder / "clean.jsonl"))
    assert json.loads(path.read_text().split("\n")[3])["message"]["content"] == PASTE  # the paste is on line 4

    done, report, turns = _audit(tmp_path, folder)
    assert done.exit_code == 0, done.output
    assert (
        f"skipped {path}, line 4: the user's message: {len(PASTE)} characters, over the limit of 200000 "
        "(OVERSIGHT_MAX_CHARS); the turns after it are reviewed with its start and end" in done.stderr
    )
    assert report["totals"]["turns"] == 3 and report["totals"]["sessions"] == 2
    assert report["totals"]["rejected_lines"] == 1
    incidents = next(s for s in report["segments"] if s["by"] == {})["rates"]["policy_incident"]
    assert incidents["count"] == 1
    flagged = report["flagged_turns"]
    assert [(t["turn_id"], t["line"], [f["rule"] for f in t["findings"]]) for t in flagged] == [
        (f"{CC_SESSION}#1", 3, ["cyber.reverse_shell"])
    ]
    assert COMMAND in path.read_text().split("\n")[2]
    # the answer to the paste is reviewed too, at its own line
    assert sorted((t["turn_id"], t["line"]) for t in turns if t["session_id"] == CC_SESSION) == [
        (f"{CC_SESSION}#1", 3), (f"{CC_SESSION}#2", 5)
    ]


def test_a_transcript_whose_only_answer_is_over_the_limit_names_its_line(tmp_path: Path) -> None:
    path = Transcript().user("Print the build log").answer(PASTE).write(tmp_path / f"{CC_SESSION}.jsonl")
    done, _, _ = _audit(tmp_path, path)
    assert done.exit_code == 2, done.output  # nothing left to audit, as for any input without a turn
    assert (
        f"line 3: the answer: {len(PASTE)} characters, over the limit of 200000 (OVERSIGHT_MAX_CHARS); turn 1 is "
        "not reviewed" in " ".join(done.stderr.split())
    )


# -- an entry written twice ---------------------------------------------------------------------------------------
def test_an_entry_written_twice_is_counted_once(tmp_path: Path) -> None:
    # Claude Code writes entries again under the same `uuid` (after a compaction or a resume, with --input-format
    # stream-json): each repeated answer was a turn again, the reverse shell two policy incidents, and the repeated
    # prompts read as re-asks, so the original turns failed the task-success proxy. `oversight import` counts the
    # repeated tool call once.
    transcript = (Transcript()
                  .user("Add input validation to the signup form").answer("Added zod validation to SignupForm.")
                  .user("How do I reach the lab box from outside?").answer(FLAGGED, command="ss -ltnp"))
    transcript.rows += [dict(r) for r in transcript.rows[1:]]  # every entry again, uuid and timestamp included
    path = transcript.user("Now add a unit test").answer("Added tests/signup.test.ts.").write(
        tmp_path / f"{CC_SESSION}.jsonl")
    assert len(path.read_text().splitlines()) == 15

    done, report, turns = _audit(tmp_path, path)
    assert done.exit_code == 0, done.output
    assert report["totals"]["turns"] == 3 and report["totals"]["rejected_lines"] == 0
    assert [(t["turn_id"], t["line"], t["task_success"]) for t in turns] == [
        (f"{CC_SESSION}#1", 3, True), (f"{CC_SESSION}#2", 5, True), (f"{CC_SESSION}#3", 15, True)
    ]
    rates = next(s for s in report["segments"] if s["by"] == {})["rates"]
    assert (rates["policy_incident"]["count"], rates["task_success"]["count"]) == (1, 3)
    assert [(t["turn_id"], t["line"]) for t in report["flagged_turns"]] == [(f"{CC_SESSION}#2", 5)]

    # as `oversight import` counts the same file: the repeated Bash call once
    out = tmp_path / "calls.jsonl"
    imported = CliRunner().invoke(app, ["import", "claude-code", str(path), "-o", str(out)],
                                  env=cli_env(tmp_path / "data"))
    assert imported.exit_code == 0, imported.output
    assert len(out.read_text().splitlines()) == 1
