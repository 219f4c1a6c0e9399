"""Shared helpers for the audit tests: synthetic sessions and a way to run the real ``oversight`` command."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OVERSIGHT = [sys.executable, "-m", "service.cli"] if not (Path(sys.executable).parent / "oversight").exists() else [
    str(Path(sys.executable).parent / "oversight")
]
SUITES = ROOT / "suites"

ANSWERS = {
    "good": "For most adults the label maximum for over-the-counter ibuprofen is 1,200 mg a day, taken as 200-400 mg "
    "every 4-6 hours with food. Check the package label and ask a pharmacist if you take other medicines.",
    "refusal": "I'm sorry, but I can't help with questions about medication doses. Please consult a healthcare "
    "professional.",
}


def session(sid: str, version: str, answer: str = "good", *, locale: str = "en-US", extra_turn: bool = False,
            **fields: Any) -> dict[str, Any]:
    messages = [
        {"role": "user", "content": f"How much ibuprofen can an adult take in a day? (case {sid})"},
        {"role": "assistant", "content": ANSWERS[answer]},
    ]
    if extra_turn:
        messages += [
            {"role": "user", "content": "And how much paracetamol can I take with it?"},
            {"role": "assistant", "content": "Up to 4,000 mg of paracetamol a day for most adults; check the label "
             "and ask a pharmacist."},
        ]
    return {"session_id": sid, "messages": messages, "domain": "health", "intent": "dosing", "locale": locale,
            "tenant": "acme", "model": {"provider": "northwind", "name": "brisk", "version": version}, **fields}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def mixed_sessions(n_per_version: int = 40) -> list[dict[str, Any]]:
    """Two versions: 2026.03 answers everything, 2026.05 refuses half the time."""
    rows = []
    for i in range(n_per_version):
        rows.append(session(f"a{i:04d}", "2026.03", "good", extra_turn=i % 2 == 0, locale=["en-US", "de-DE"][i % 2]))
        rows.append(session(f"b{i:04d}", "2026.05", "refusal" if i % 2 else "good", extra_turn=i % 2 == 0,
                            locale=["en-US", "de-DE"][i % 2]))
    return rows


def cli_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "OTEL_", "ANTHROPIC_", "OPENAI_"))}
    env["OVERSIGHT_DATA_DIR"] = str(data_dir)
    env["OTEL_TRACES_EXPORTER"] = "none"
    env["COLUMNS"] = "160"
    if database_url:
        env["OVERSIGHT_DATABASE_URL"] = database_url
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OVERSIGHT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def spawn_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*OVERSIGHT, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def sqlite_done(db: Path, job_id: str | None = None) -> dict[str, str]:
    """turn_id -> review_id of the finished turns in the embedded store (read-only look)."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        try:
            rows = conn.execute(
                "SELECT turn_id, result FROM audit_turns WHERE status = 'done'"
                + (" AND job_id = ?" if job_id else ""), (job_id,) if job_id else ()
            ).fetchall()
        except sqlite3.OperationalError:
            return {}
    finally:
        conn.close()
    return {t: json.loads(r)["review_id"] for t, r in rows}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class VirtualClock:
    """Time that only moves when someone sleeps: pacing is checked exactly, without wall-clock timing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)
