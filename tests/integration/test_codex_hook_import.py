"""``oversight import`` (the real console script) names the lines of a session log it could not read: a truncated last
line (the agent was killed mid-write) holds a tool call that is then not imported, and the user must be told."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.integration.serve import OVERSIGHT, _env

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROLLOUT = next(iter((FIXTURES / "codex").glob("rollout-*.jsonl")))
TRANSCRIPT = FIXTURES / "claude_code" / "injected_readme.jsonl"


def _truncated(source: Path, marker: bytes, into: Path) -> tuple[Path, int]:
    """``source`` up to and including its last line holding ``marker``, that line cut in half (no newline after
    it): a log whose writer was killed mid-line. The file and the number of the broken line."""
    lines = source.read_bytes().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if marker in line)
    into.write_bytes(b"".join(lines[:last]) + lines[last][: len(lines[last]) // 2])
    return into, last + 1


def _import(agent: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(OVERSIGHT), "import", agent, str(path), "--requests"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )


def test_import_names_a_truncated_codex_rollout_line(tmp_path: Path) -> None:
    path, line = _truncated(ROLLOUT, b'"function_call"', tmp_path / "rollout-truncated.jsonl")
    whole, cut = _import("codex", ROLLOUT), _import("codex", path)
    assert whole.returncode == 0 and cut.returncode == 0
    assert len(cut.stdout.splitlines()) == len(whole.stdout.splitlines()) - 1  # the cut tool call is not imported
    # before: only "N tool calls, N actions, 0 not reviewed"; the lost call disappeared silently
    assert f"oversight: {path}:{line}: skipped, not JSON" in cut.stderr
    assert cut.stderr.strip().splitlines()[-1].endswith("; 1 broken line skipped")
    # our fixture ends with a broken line of its own (after every tool call): named, and counted
    assert f"oversight: {ROLLOUT}:17: skipped, not JSON" in whole.stderr
    assert whole.stderr.strip().splitlines()[-1].endswith("; 1 broken line skipped")


def test_import_names_a_truncated_claude_code_transcript_line(tmp_path: Path) -> None:
    path, line = _truncated(TRANSCRIPT, b'"tool_use"', tmp_path / "transcript-truncated.jsonl")
    result = _import("claude-code", path)
    assert result.returncode == 0
    assert f"oversight: {path}:{line}: skipped, not JSON" in result.stderr
    assert "1 broken line skipped" in result.stderr
