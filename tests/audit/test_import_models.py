"""Fast-model labels of imported coding-agent logs: each turn has the model (and CLI version) that answered it.

The transcripts are built here with the structure of the real client files under
``../shared/reference/samples`` (Claude Code: d-kimuson/claude-code-viewer's ``1af7fc5e-...jsonl``, CLI 1.0.98;
Codex: madshn/localpush's ``rollout-2026-02-23T20-34-25-...jsonl``, CLI 0.104.0-alpha.1) and written to a
temporary folder, so the tests do not need the samples. The Claude Code API-error entry follows what the CLI
writes when a request fails for good: an assistant entry with ``"model": "<synthetic>"`` and
``"isApiErrorMessage": true`` (2.x adds ``error`` and ``apiErrorStatus``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from service.audit.sessions import Turn, parse_many
from service.cli import app
from service.importers import claude_code as cc_import
from service.importers import codex as codex_import
from tests.audit._helpers import cli_env

SONNET = "claude-sonnet-4-20250514"
OPUS = "claude-opus-4-1-20250805"
CC_SESSION = "1af7fc5e-8455-4414-9ccd-011d40f70b2a"
API_ERROR = 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


class Transcript:
    """Claude Code entries as the CLI writes them: linked by ``uuid`` / ``parentUuid``, one per content block."""

    def __init__(self, version: str = "1.0.98") -> None:
        self.rows: list[dict[str, Any]] = []
        self.version = version
        self.session = CC_SESSION

    def _entry(self, kind: str, message: dict[str, Any], **extra: Any) -> None:
        n = len(self.rows) + 1
        self.rows.append({
            "parentUuid": self.rows[-1]["uuid"] if self.rows else None, "isSidechain": False, "userType": "external",
            "cwd": "/path/to/Demo", "sessionId": self.session, "version": self.version, "gitBranch": "", "type": kind,
            "message": message, "uuid": f"00000000-0000-4000-8000-{n:012d}",
            "timestamp": f"2025-09-03T00:{n:02d}:00.000Z", **extra})

    def user(self, text: str) -> Transcript:
        self._entry("user", {"role": "user", "content": text})
        return self

    def model_command(self, alias: str, model: str) -> Transcript:
        """``/model`` as Claude Code logs it: the command wrapper, then its local output."""
        self.user(f"<command-name>/model</command-name>\n            <command-message>model</command-message>\n"
                  f"            <command-args>{alias}</command-args>")
        return self.user(f"<local-command-stdout>Set model to {alias} ({model})</local-command-stdout>")

    def answer(self, model: str, text: str) -> Transcript:
        n = len(self.rows) + 1
        message = {"id": f"msg_{n:024d}", "type": "message", "role": "assistant", "model": model,
                   "content": [{"type": "text", "text": text}], "stop_reason": None, "stop_sequence": None,
                   "usage": {"input_tokens": 3, "output_tokens": 8, "service_tier": "standard"}}
        self._entry("assistant", message, requestId=f"req_{n:024d}")
        return self

    def api_error(self, *, flag: bool = True, synthetic_model: bool = True, text: str = API_ERROR) -> Transcript:
        message: dict[str, Any] = {"id": "7b1a4c2e-0000-4000-8000-000000000000", "container": None,
                                   "role": "assistant", "stop_reason": "stop_sequence", "stop_sequence": "",
                                   "type": "message", "usage": {"input_tokens": 0, "output_tokens": 0},
                                   "content": [{"type": "text", "text": text}]}
        if synthetic_model:
            message["model"] = "<synthetic>"
        extra: dict[str, Any] = {"isApiErrorMessage": True, "error": "server_error", "apiErrorStatus": 529} if flag else {}
        self._entry("assistant", message, **extra)
        return self

    def write(self, folder: Path) -> Path:
        return _jsonl(folder / f"{self.session}.jsonl", self.rows)


def _codex_rollout(folder: Path, turns: list[tuple[str, str, str]]) -> Path:
    """A rollout as Codex 0.104 writes it: per turn, the typed prompt, a ``turn_context``, the answer."""
    sid = "019c8bfe-ec25-79e0-97d7-bda6a9c575ff"
    rows: list[dict[str, Any]] = [
        {"timestamp": "2026-02-23T19:34:25.000Z", "type": "session_meta", "payload": {
            "id": sid, "timestamp": "2026-02-23T19:34:25.000Z", "cwd": "/home/dev/shop", "originator": "codex_cli_rs",
            "cli_version": "0.104.0-alpha.1", "source": "cli", "model_provider": "openai"}},
        {"timestamp": "2026-02-23T19:34:25.100Z", "type": "response_item", "payload": {
            "type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "<environment_context>\n  <cwd>/home/dev/shop</cwd>\n</environment_context>"}]}},
    ]
    for i, (model, prompt, answer) in enumerate(turns):
        ts = f"2026-02-23T19:{35 + i:02d}:00.000Z"
        rows += [
            {"timestamp": ts, "type": "event_msg", "payload": {"type": "task_started", "model_context_window": 258400}},
            {"timestamp": ts, "type": "response_item", "payload": {
                "type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]}},
            {"timestamp": ts, "type": "event_msg", "payload": {
                "type": "user_message", "message": prompt, "images": [], "local_images": [], "text_elements": []}},
            {"timestamp": ts, "type": "turn_context", "payload": {
                "turn_id": f"019c8bfe-ed40-7a21-b57f-{i:012d}", "cwd": "/home/dev/shop", "approval_policy": "on-request",
                "sandbox_policy": {"type": "workspace-write", "network_access": False}, "model": model,
                "personality": "pragmatic", "effort": "medium"}},
            {"timestamp": ts, "type": "event_msg", "payload": {"type": "agent_message", "message": answer}},
            {"timestamp": ts, "type": "response_item", "payload": {
                "type": "message", "role": "assistant", "content": [{"type": "output_text", "text": answer}],
                "phase": "final_answer"}},
            {"timestamp": ts, "type": "event_msg", "payload": {"type": "task_complete", "last_agent_message": answer}},
        ]
    return _jsonl(folder / f"rollout-2026-02-23T20-34-25-{sid}.jsonl", rows)


def _turns(path: Path) -> list[Turn]:
    parsed = parse_many([(str(path), path.read_bytes())])
    assert not parsed.errors, parsed.errors
    return parsed.turns


def _labels(turns: list[Turn]) -> list[str]:
    return [t.meta["fast_model"] for t in turns]


# -- Claude Code ------------------------------------------------------------------------------------------------
def test_claude_code_turns_keep_their_own_model_after_a_model_switch(tmp_path: Path) -> None:
    path = (Transcript()
            .user("Which files define the HTTP routes?").answer(SONNET, "The routes are in app/routes.py.")
            .model_command("opus", OPUS)
            .user("Refactor the login route to use the session helper.").answer(OPUS, "Done: login now calls get_session().")
            .write(tmp_path))
    turns = _turns(path)
    assert _labels(turns) == [f"{SONNET}@1.0.98", f"{OPUS}@1.0.98"]
    assert [t.request["model"] for t in turns] == [
        {"provider": "anthropic", "name": SONNET, "version": "1.0.98"},
        {"provider": "anthropic", "name": OPUS, "version": "1.0.98"}]
    # the session-level model (an answer naming none falls back to it) is the first model that answered
    assert cc_import.read_transcript(path).model == SONNET


def test_claude_code_turns_keep_the_cli_version_that_wrote_them(tmp_path: Path) -> None:
    # a session resumed after Claude Code updated itself: the later entries carry the new version
    transcript = Transcript("1.0.98").user("List the tests.").answer(SONNET, "There are 12 tests.")
    transcript.version = "1.0.108"
    path = transcript.user("Run the slow ones.").answer(SONNET, "All 3 slow tests pass.").write(tmp_path)
    assert _labels(_turns(path)) == [f"{SONNET}@1.0.98", f"{SONNET}@1.0.108"]


@pytest.mark.parametrize(
    ("flag", "synthetic_model", "text"),
    [(True, True, API_ERROR),  # what the CLI writes for a failed request
     (True, False, "Please run /login · API Error: 401 OAuth access token has expired."),  # flag only
     (False, True, "No response requested.")],  # a <synthetic> placeholder without the flag
    ids=["api-error", "flag-only", "synthetic-only"],
)
def test_a_trailing_claude_code_api_error_is_not_a_turn_and_relabels_nothing(
    tmp_path: Path, flag: bool, synthetic_model: bool, text: str
) -> None:
    path = (Transcript()
            .user("Which files define the HTTP routes?").answer(SONNET, "The routes are in app/routes.py.")
            .user("Add a health-check route.").answer(SONNET, "Added GET /healthz returning 200.")
            .user("Now document it in the README.")
            .api_error(flag=flag, synthetic_model=synthetic_model, text=text)
            .write(tmp_path))
    turns = _turns(path)
    assert [t.turn_id for t in turns] == [f"{CC_SESSION}#1", f"{CC_SESSION}#2"]  # the error text is not reviewed
    assert _labels(turns) == [f"{SONNET}@1.0.98"] * 2
    assert all(text not in t.request["output"] for t in turns)
    assert cc_import.read_transcript(path).model == SONNET


def test_an_api_error_mid_session_is_not_part_of_the_next_turns_conversation(tmp_path: Path) -> None:
    path = (Transcript()
            .user("Add a health-check route.").api_error()
            .user("Add a health-check route.").answer(SONNET, "Added GET /healthz returning 200.")
            .write(tmp_path))
    turns = _turns(path)
    assert [t.request["output"] for t in turns] == ["Added GET /healthz returning 200."]
    turn = turns[0]
    assert turn.meta["fast_model"] == f"{SONNET}@1.0.98"
    assert [m["role"] for m in turn.request["messages"]] == ["user", "user"]
    assert all("API Error" not in str(m["content"]) for m in turn.request["messages"])


RESUMED = "5d0c9a3e-7b21-4c44-9e0f-2a6b1c3d4e5f"


def test_a_resumed_claude_code_session_is_audited_under_its_own_id_and_counts_each_answer_once(tmp_path: Path) -> None:
    # `claude --resume` writes a new transcript, named by the new session id, that starts with the earlier
    # session's entries under their own sessionId; the earlier transcript stays where it was.
    earlier = (Transcript()
               .user("Which files define the HTTP routes?").answer(SONNET, "The routes are in app/routes.py.")
               .user("Add a health-check route.").answer(SONNET, "Added GET /healthz returning 200."))
    a_path = earlier.write(tmp_path)
    resumed = Transcript()
    resumed.rows = [dict(r) for r in earlier.rows]
    resumed.session = RESUMED
    b_path = resumed.user("Now document it in the README.").answer(OPUS, "README now lists /healthz.").write(tmp_path)

    both = parse_many([(str(a_path), a_path.read_bytes()), (str(b_path), b_path.read_bytes())])
    assert not both.errors, both.errors  # before: the resumed file was "duplicate session_id", its new turn lost
    assert both.sessions == 2
    assert [t.turn_id for t in both.turns] == [f"{CC_SESSION}#1", f"{CC_SESSION}#2", f"{RESUMED}#3"]
    new = both.turns[2]
    assert new.request["output"] == "README now lists /healthz." and new.meta["session_id"] == RESUMED
    # the earlier answers are the new turn's context
    assert "Added GET /healthz returning 200." in [m["content"] for m in new.request["messages"]]

    # the resumed transcript alone still has every answer, under its own id
    alone = _turns(b_path)
    assert [t.turn_id for t in alone] == [f"{RESUMED}#1", f"{RESUMED}#2", f"{RESUMED}#3"]
    assert _labels(alone) == [f"{SONNET}@1.0.98", f"{SONNET}@1.0.98", f"{OPUS}@1.0.98"]

    # a resumed session with no new answer yet adds nothing next to its earlier one, and is no error
    empty = Transcript()
    empty.rows = [dict(r) for r in earlier.rows]
    empty.session = RESUMED
    (tmp_path / "c").mkdir()
    c_path = empty.user("Now document it in the README.").write(tmp_path / "c")
    only = parse_many([(str(a_path), a_path.read_bytes()), (str(c_path), c_path.read_bytes())])
    assert not only.errors and [t.turn_id for t in only.turns] == [f"{CC_SESSION}#1", f"{CC_SESSION}#2"]


# -- Codex -------------------------------------------------------------------------------------------------------
def test_codex_turns_keep_the_model_of_their_turn_context(tmp_path: Path) -> None:
    path = _codex_rollout(tmp_path, [
        ("gpt-5.3-codex", "why is the build slow?", "The build recompiles every file: the cache folder is ignored."),
        ("gpt-5.4-codex", "fix it", "The cache folder is now kept between builds."),
    ])
    turns = _turns(path)
    assert _labels(turns) == ["gpt-5.3-codex@0.104.0-alpha.1", "gpt-5.4-codex@0.104.0-alpha.1"]
    assert [t.request["model"]["provider"] for t in turns] == ["openai", "openai"]
    assert codex_import.read_rollout(path).model == "gpt-5.3-codex"


# -- what the report says ----------------------------------------------------------------------------------------
def test_an_audit_of_both_logs_reports_each_model_with_its_own_turns(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (Transcript()
     .user("Which files define the HTTP routes?").answer(SONNET, "The routes are in app/routes.py.")
     .model_command("opus", OPUS)
     .user("Add a health-check route.").answer(OPUS, "Added GET /healthz returning 200.")
     .user("Now document it in the README.").api_error()
     .write(logs))
    _codex_rollout(logs, [
        ("gpt-5.3-codex", "why is the build slow?", "The build recompiles every file: the cache folder is ignored."),
        ("gpt-5.4-codex", "fix it", "The cache folder is now kept between builds."),
    ])
    out = tmp_path / "report"
    done = CliRunner().invoke(app, ["audit", str(logs), "--out", str(out)], env=cli_env(tmp_path / "data"))
    assert done.exit_code == 0, done.output
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["turns"] == 4 and report["totals"]["rejected_lines"] == 0
    expected = {f"{SONNET}@1.0.98": 1, f"{OPUS}@1.0.98": 1,
                "gpt-5.3-codex@0.104.0-alpha.1": 1, "gpt-5.4-codex@0.104.0-alpha.1": 1}
    assert sorted(report["fast_models"]) == sorted(expected)
    by_model = {s["by"]["fast_model"]: s["n"] for s in report["segments"] if list(s["by"]) == ["fast_model"]}
    assert by_model == expected
    rows = [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]
    assert not any("synthetic" in str(r["fast_model"]) for r in rows)
