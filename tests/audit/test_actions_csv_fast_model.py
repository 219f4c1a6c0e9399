"""``actions.csv`` names the fast-model version of each tool call, as ``actions.by_fast_model`` counts it.

QA: ``turns.csv`` has a ``fast_model`` column and ``report.json`` splits the tool calls by version
(``actions.by_fast_model``), but ``actions.csv`` had no such column: after an agent upgrade, which version ran the
blocked ``rm -rf ~`` could only be worked out from the ``source`` file and line. The column is the version the call is
attributed to: in a Codex rollout, which names its model per turn, that of the turn the call was made in (here the
second turn's model, not the session's first), so a spreadsheet filtered on it counts what ``by_fast_model`` counts.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.audit.report import ACTION_CSV_COLUMNS
from tests.audit._helpers import cli_env, run_cli
from tests.audit.test_actions import CODEX_SESSION, DANGEROUS

OLD, NEW = "gpt-5-codex@0.63.0", "gpt-5.1-codex@0.63.0"


def _rollout() -> bytes:
    """A Codex rollout of two turns, the user switching model (``/model``) between them: the first turn lists a
    folder, the second deletes the home folder and lists another."""
    ts = iter(f"2026-11-24T09:12:{s:02d}.000Z" for s in range(60))

    def item(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": next(ts), "type": kind, "payload": payload}

    rows = [item("session_meta", {"id": CODEX_SESSION, "timestamp": "2026-11-24T09:12:00.000Z", "cwd": "/w",
                                  "originator": "codex_cli_rs", "cli_version": "0.63.0", "source": "cli",
                                  "model_provider": "openai"})]  # fmt: skip
    for turn, (model, commands) in enumerate([("gpt-5-codex", ["ls src"]), ("gpt-5.1-codex", ["rm -rf ~", "ls"])]):
        rows += [
            item("turn_context", {"cwd": "/w", "model": model, "approval_policy": "never",
                                  "sandbox_policy": {"type": "danger-full-access"}}),
            item("response_item", {"type": "message", "role": "user",
                                   "content": [{"type": "input_text", "text": f"Step {turn}."}]}),
        ]  # fmt: skip
        for k, command in enumerate(commands):
            call = f"call_{turn}_{k}"
            rows += [
                item("response_item", {"type": "function_call", "name": "exec_command",
                                       "arguments": json.dumps({"cmd": command}), "call_id": call}),
                item("response_item", {"type": "function_call_output", "call_id": call, "output": ""}),
            ]  # fmt: skip
        rows.append(item("response_item", {"type": "message", "role": "assistant",
                                           "content": [{"type": "output_text", "text": f"Step {turn} done."}]}))  # fmt: skip
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def test_actions_csv_has_the_fast_model_of_each_call_as_by_fast_model_counts_it(tmp_path: Path) -> None:
    src = tmp_path / f"rollout-2026-11-24T09-12-00-{CODEX_SESSION}.jsonl"
    src.write_bytes(_rollout())
    out = tmp_path / "out"
    done = run_cli(["audit", str(src), "--out", str(out)], cli_env(tmp_path / "data"), tmp_path)
    assert done.returncode == 0, done.stderr

    text = (out / "actions.csv").read_text()
    header = text.splitlines()[0].split(",")
    assert header[-1] == "fast_model"  # the last column: the ones before it keep their places
    assert header[:-1] == [c for c in ACTION_CSV_COLUMNS if c != "fast_model"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["call_id"], r["input"], r["verdict"], r["fast_model"]) for r in rows] == [
        ("call_0_0", "ls src", "approve", OLD),
        ("call_1_0", "rm -rf ~", "block", NEW),
        ("call_1_1", "ls", "approve", NEW),
    ]
    # the rows of each version are the calls report.json counts for it
    split = json.loads((out / "report.json").read_text())["actions"]["by_fast_model"]
    assert set(split) == {OLD, NEW}
    for version, counts in split.items():
        mine = [r for r in rows if r["fast_model"] == version]
        assert len(mine) == counts["tool_calls"]
        assert Counter(r["verdict"] for r in mine) == Counter(counts["by_verdict"])


def test_the_api_actions_csv_has_the_fast_model_column(client: TestClient) -> None:
    resp = client.post("/v1/audits", files={"file": ("t.jsonl", DANGEROUS.read_bytes(), "application/x-ndjson")})
    assert resp.status_code == 202, resp.text
    job_id = resp.json()["id"]
    deadline = time.monotonic() + 60
    while not client.get(f"/v1/audits/{job_id}/report").json()["complete"]:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/v1/audits/{job_id}/actions").text)))
    assert len(rows) == 4 and {r["fast_model"] for r in rows} == {"claude-sonnet-4-5-20250929@2.0.28"}
