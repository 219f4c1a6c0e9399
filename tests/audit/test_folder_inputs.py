"""A folder audit's awkward files: a truncated .gz (a rotated transcript cut short by a full disk)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from service.cli import app
from tests.audit._helpers import cli_env, session, write_jsonl


def invoke(args: list[str], tmp_path: Path) -> Any:
    return CliRunner().invoke(app, args, env=cli_env(tmp_path / "data") | {"COLUMNS": "400"})


def _turns(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "turns.jsonl").read_text().splitlines()]


def test_a_truncated_gz_in_a_folder_is_a_rejected_file_and_the_rest_is_audited(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [session("a", "1")])
    whole = gzip.compress("".join(json.dumps(session(f"z{i}", "1")) + "\n" for i in range(40)).encode())
    (folder / "rotated.jsonl.gz").write_bytes(whole[:500])  # `head -c 500 x.jsonl.gz > rotated.jsonl.gz`
    out = tmp_path / "report"
    done = invoke(["audit", str(folder), "--out", str(out)], tmp_path)
    assert done.exit_code == 0, done.output  # as for a malformed line: reported, counted, the rest audited
    assert [t["session_id"] for t in _turns(out)] == ["a"]
    assert "rotated.jsonl.gz, line 1: not a readable gzip file" in done.output
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["rejected_lines"] == 1
    (rejected,) = report["job"]["rejected"]
    assert rejected["file"].endswith("rotated.jsonl.gz") and "ended before the end-of-stream marker" in rejected["message"]
    assert report["job"]["name"] == "report"  # a folder's job is named by --out, whatever is left of it


def test_a_folder_of_unreadable_files_only_is_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"session_id": "x"}\n')[:12])
    done = invoke(["audit", str(folder), "--out", str(tmp_path / "report")], tmp_path)
    assert done.exit_code == 2, done.output
    assert "no assistant turn to review" in done.output and "cut.jsonl.gz" in done.output


def test_a_single_truncated_gz_is_still_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"session_id": "x"}\n')[:12])
    done = invoke(["audit", str(path), "--out", str(tmp_path / "report")], tmp_path)
    assert done.exit_code == 2 and "not a readable gzip file" in done.output
