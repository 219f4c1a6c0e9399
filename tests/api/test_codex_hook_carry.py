"""The live Codex hook and a ``write_stdin`` (text typed into a unified exec session): the hook reads the session's
rollout (``transcript_path``) for what that session runs, the ``exec_command`` that started it naming it only in its
output, and for what earlier writes set in it, as ``oversight import codex`` does. The hook here is the real
``handle_command`` against a served app: exit 0 lets the call run, exit 2 blocks it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from service.integrations import codex
from service.main import create_app
from service.settings import Settings
from tests.api._helpers import serving
from tests.unit.test_importers import _sessions_rollout

THREAD = "019a7c2e-0000-7e40-a3c2-00000000cafe"  # the session of _sessions_rollout's log


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OVERSIGHT_HOOK_TRANSCRIPT_ROOTS", str(tmp_path))
    with serving(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))) as url:
        yield url


def _hook(url: str, log: Path | None, session: int, chars: str, call: str) -> tuple[str, str, int]:
    payload: dict[str, Any] = {
        "session_id": THREAD,
        "transcript_path": str(log) if log is not None else None,
        "cwd": "/home/dev/shop",
        "hook_event_name": "PreToolUse",
        "model": "gpt-5.5-codex",
        "permission_mode": "default",
        "turn_id": "turn_1",
        "tool_name": "write_stdin",
        "tool_use_id": call,
        "tool_input": {"session_id": session, "chars": chars},
    }
    return codex.handle_command(orjson.dumps(payload), url=url, timeout=20, on_error="deny", key=None)


def test_a_line_typed_into_a_python_repl_is_read_as_python_live(service: str, tmp_path: Path) -> None:
    # Before, the hook read every write_stdin as shell: print(2 + 2) is no shell syntax, so it was escalated as
    # unreadable and blocked (Codex's PreToolUse has no "ask"); the rollout says session 1 runs python3.
    log = _sessions_rollout(tmp_path, [("exec", (1, "python3")), ("exec", (2, "bash"))])
    assert _hook(service, log, 1, "print(2 + 2)\n", "call_live1")[2] == 0
    _, why, code = _hook(service, log, 1, 'import shutil, os\nshutil.rmtree(os.path.expanduser("~"))\n', "call_live2")
    assert code == 2 and "A human must approve" not in why  # blocked outright, no longer only unreadable
    # a session the log does not show, or no log at all: read as shell, as before (held, never approved)
    assert _hook(service, log, 7, "print(2 + 2)\n", "call_live3")[2] == 2
    assert _hook(service, None, 1, "print(2 + 2)\n", "call_live4")[2] == 2


def test_what_earlier_writes_set_in_a_shell_is_carried_live(service: str, tmp_path: Path) -> None:
    # Before, D=~ typed in one write and rm -rf $D in the next: the hook judged the second alone (an unset
    # variable) and let it run. Now it is also judged after the lines the log shows the session set before it.
    log = _sessions_rollout(tmp_path, [
        ("exec", (1, "bash")),
        ("exec", (2, "bash")),
        ("type", {"session_id": 1, "chars": "D=~\n"}),  # call_w0
        ("type", {"session_id": 2, "chars": "W=$(pwd)\n"}),  # call_w1
        ("type", {"session_id": 1, "chars": "rm -rf $D\n"}),  # call_w2: the call under review, already logged
        ("type", {"session_id": 1, "chars": "D=/tmp/scratch\n"}),  # call_w3: after it, so not counted
    ])
    _, why, code = _hook(service, log, 1, "rm -rf $D\n", "call_w2")
    assert code == 2 and "A human must approve" not in why, why  # blocked: it removes the home folder
    assert _hook(service, log, 2, "rm -rf $W\n", "call_live5")[2] == 2  # the workspace: escalated, so held
    assert _hook(service, log, 2, "rm -rf $D\n", "call_live6")[2] == 0  # D was set in the other session only
    assert _hook(service, log, 1, "ls\n", "call_live7")[2] == 0
