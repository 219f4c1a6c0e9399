"""Per-action latency of the agent-action review, on the agent's critical path, against floors from the same run.

Over every action of ``tests/data/actions_corpus.jsonl``:

1. in-process (one event loop, the embedded SQLite store on a temp folder):
   - floor: validate the ``ActionReviewRequest`` and dump it (work any review does);
   - analysis: ``PolicyService.check_action`` (the deterministic local analysis);
   - review: ``Runtime.review`` (triage, analysis, local reviewer, decide, record; escalations checkpointed).
   Target: analysis p99 <= 5 ms.
2. HTTP on loopback, one uvicorn worker each, one client connection, one request at a time (an agent waits
   for each answer), a bounded number of passes over the corpus:
   - floor: a trivial FastAPI route answering ``{}`` (``bench/_trivial_app.py``) served the same way;
   - ``POST /v1/actions/reviews`` with each action;
   - ``POST /v1/hooks/claude-code/pre-tool-use`` with each action as a Claude Code PreToolUse payload
     (actions with no Claude Code tool, e.g. a POST http_request, are left out of this row).
   Target: hook route p99 <= 15 ms.

Prints medians, p99, ratios to the floor, and the slowest actions. The first pass of every row is a warm-up.
Usage: ``.venv/bin/python bench/actions.py [--passes N] [--skip-http]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LANGSMITH_TRACING", "false")

import orjson  # noqa: E402

from bench._http import free_port, load, start_server, stop_server  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "actions_corpus.jsonl"
TARGET_IN_PROCESS_P99_MS = 5.0
TARGET_HOOK_P99_MS = 15.0


def read_corpus() -> list[dict[str, Any]]:
    out = []
    for line in CORPUS.read_bytes().splitlines():
        if line.strip():
            row = orjson.loads(line)
            out.append({"id": row.get("id"), "tool": row["tool"], "input": row.get("input") or {}, "cwd": row.get("cwd")})
    return out


def review_request(row: dict[str, Any]) -> dict[str, Any]:
    action: dict[str, Any] = {"tool": row["tool"], "input": row["input"]}
    if row.get("cwd"):
        action["cwd"] = row["cwd"]
    return {"action": action, "agent": {"name": "bench"}}


def hook_payload(row: dict[str, Any]) -> dict[str, Any] | None:
    """The Claude Code PreToolUse payload that maps back to this action (None if none does)."""
    tool, inp = row["tool"], row["input"]
    if tool == "shell":
        name, tool_input = "Bash", {"command": inp.get("command", "")}
    elif tool == "write_file":
        name, tool_input = "Write", {"file_path": inp.get("path", ""), "content": inp.get("content", "")}
    elif tool == "edit_file":
        name, tool_input = "Edit", {"file_path": inp.get("path", ""), "old_string": inp.get("old", ""),
                                    "new_string": inp.get("new", "")}
    elif tool == "read_file":
        name, tool_input = "Read", {"file_path": inp.get("path", "")}
    elif tool == "http_request" and str(inp.get("method", "GET")).upper() == "GET" and not inp.get("body"):
        name, tool_input = "WebFetch", {"url": inp.get("url", ""), "prompt": "read it"}
    elif tool.startswith("mcp:") and "/" in tool:
        server, _, fn = tool[4:].partition("/")
        name, tool_input = f"mcp__{server}__{fn}", inp
    else:
        return None
    return {"session_id": "bench", "transcript_path": None, "cwd": row.get("cwd") or "/home/dev/shop",
            "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": name,
            "tool_input": tool_input, "tool_use_id": "toolu_bench"}


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))]


def line(label: str, xs: list[float], floor: list[float] | None, target: float | None = None) -> str:
    med, p99 = statistics.median(xs), pct(xs, 0.99)
    text = f"  {label:<34} n={len(xs):<5} median {med:7.3f} ms   p99 {p99:7.3f} ms"
    if floor:
        fmed, fp99 = statistics.median(floor), pct(floor, 0.99)
        text += f"   x{med / fmed:6.1f} median  x{p99 / fp99:6.1f} p99 vs floor"
    if target is not None:
        text += f"   [target p99 <= {target:g} ms: {'met' if p99 <= target else 'MISSED'}]"
    return text


def slowest(rows: list[dict[str, Any]], per_row: list[list[float]], k: int = 5) -> list[str]:
    ranked = sorted(range(len(rows)), key=lambda i: statistics.median(per_row[i]), reverse=True)[:k]
    out = []
    for i in ranked:
        r = rows[i]
        what = r["input"].get("command") if r["tool"] == "shell" else r["tool"]
        out.append(f"    {statistics.median(per_row[i]):7.3f} ms  {r['id']}  {str(what)[:80]!r}")
    return out


# --- in-process ----------------------------------------------------------------------------------------------
SHM = Path("/dev/shm")
HAVE_SHM = SHM.is_dir()


async def in_process(rows: list[dict[str, Any]], passes: int) -> None:
    from service.runtime import Runtime
    from service.schemas import ActionReviewRequest
    from service.settings import Settings

    bodies = [review_request(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        async with Runtime.open(Settings(data_dir=Path(tmp) / "data", audit_seed=0)) as runtime:
            gc.collect()
            gc.freeze()
            policy = runtime.policy_service

            def floor(body: dict[str, Any]) -> None:
                ActionReviewRequest.model_validate(body).model_dump(mode="json", exclude_none=True)

            def analysis(body: dict[str, Any]) -> None:
                a = body["action"]
                policy.check_action(tool=a["tool"], input=a["input"], cwd=a.get("cwd"), goal=None, transcript=[])

            timings: dict[str, list[list[float]]] = {}
            for name, fn in (("floor", floor), ("analysis", analysis)):
                per_row: list[list[float]] = [[] for _ in rows]
                for p in range(passes + 1):
                    for i, body in enumerate(bodies):
                        t0 = time.perf_counter()
                        fn(body)
                        if p:
                            per_row[i].append((time.perf_counter() - t0) * 1000)
                timings[name] = per_row

            timings["review"] = await _reviews(runtime, bodies, passes)
        if HAVE_SHM:  # the same reviews with the SQLite file on tmpfs: what the durable fsync costs
            with tempfile.TemporaryDirectory(dir=SHM) as shm:
                async with Runtime.open(Settings(data_dir=Path(shm) / "data", audit_seed=0)) as runtime:
                    timings["review_tmpfs"] = await _reviews(runtime, bodies, passes)

    flat = {k: [x for xs in v for x in xs] for k, v in timings.items()}
    print(f"in-process, {len(rows)} actions x {passes} passes (after a warm-up pass)")
    print(line("floor: validate + dump request", flat["floor"], None))
    print(line("analysis: check_action", flat["analysis"], flat["floor"], TARGET_IN_PROCESS_P99_MS))
    print(line("review: Runtime.review (graph+store)", flat["review"], flat["floor"]))
    if "review_tmpfs" in flat:
        print(line("review, SQLite file on tmpfs", flat["review_tmpfs"], flat["floor"]))
    print("  slowest analyses (median):")
    print("\n".join(slowest(rows, timings["analysis"])))
    print("  slowest reviews (median):")
    print("\n".join(slowest(rows, timings["review"])))


async def _reviews(runtime: Any, bodies: list[dict[str, Any]], passes: int) -> list[list[float]]:
    from service.schemas import ActionReviewRequest

    per_review: list[list[float]] = [[] for _ in bodies]
    models = [ActionReviewRequest.model_validate(b) for b in bodies]
    for p in range(passes + 1):
        for i, model in enumerate(models):
            t0 = time.perf_counter()
            await runtime.review(model, "bench")
            if p:
                per_review[i].append((time.perf_counter() - t0) * 1000)
    return per_review


# --- HTTP ----------------------------------------------------------------------------------------------------
async def _one_pass(
    port: int, path: str, bodies: list[bytes], passes: int, fresh: Callable[[int], list[bytes]] | None = None
) -> list[list[float]]:
    """``passes`` + 1 sequential passes over ``bodies`` on one keep-alive connection (first = warm-up); with
    ``fresh``, pass ``p`` sends ``fresh(p)`` instead (the same calls under new ids)."""
    per: list[list[float]] = [[] for _ in bodies]
    for p in range(passes + 1):
        for i, body in enumerate(fresh(p) if fresh else bodies):
            elapsed = await _CONN.request(port, path, body)
            if p:
                per[i].append(elapsed)
    return per


class _Conn:
    """One keep-alive connection per port, reused across requests."""

    def __init__(self) -> None:
        self._streams: dict[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}
        self.errors = 0

    async def request(self, port: int, path: str, body: bytes) -> float:
        if port not in self._streams:
            self._streams[port] = await asyncio.open_connection("127.0.0.1", port)
        reader, writer = self._streams[port]
        head = (f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n").encode()
        t0 = time.perf_counter()
        writer.write(head + body)
        status = await reader.readline()
        length = 0
        while True:
            h = await reader.readline()
            if h in (b"\r\n", b""):
                break
            if h[:15].lower() == b"content-length:":
                length = int(h[15:].strip())
        await reader.readexactly(length)
        elapsed = (time.perf_counter() - t0) * 1000
        if int(status.split()[1]) != 200:
            self.errors += 1
        return elapsed

    def close(self) -> None:
        for _, w in self._streams.values():
            w.close()
        self._streams.clear()


_CONN = _Conn()


def http(rows: list[dict[str, Any]], passes: int) -> None:
    review_bodies = [orjson.dumps(review_request(r)) for r in rows]
    hook_rows = [(r, hook_payload(r)) for r in rows]
    hook_kept = [(r, p) for r, p in hook_rows if p is not None]
    # Claude Code gives every call its own tool_use_id, and the hook's request id is made from it: each pass sends
    # new ids, so every request is a real review, never an idempotent replay of an earlier one.
    def hook_pass(k: int) -> list[bytes]:
        return [orjson.dumps({**p, "tool_use_id": f"toolu_bench_{k}_{i}"}) for i, (_, p) in enumerate(hook_kept)]

    hook_bodies = hook_pass(0)
    burst_bodies = [b for k in range(passes + 1, passes + 41) for b in hook_pass(k)]
    with tempfile.TemporaryDirectory() as tmp:
        fport, sport = free_port(), free_port()
        env = {"OVERSIGHT_DATA_DIR": str(Path(tmp) / "data"), "OVERSIGHT_LOG_LEVEL": "warning"}
        floor_proc = start_server("bench._trivial_app:app", fport)
        service_proc = start_server("service.asgi:app", sport, env=env)
        shm_dir = tempfile.mkdtemp(dir=SHM) if SHM.is_dir() else None
        mport = free_port()
        shm_proc = (
            start_server("service.asgi:app", mport, env={**env, "OVERSIGHT_DATA_DIR": str(Path(shm_dir) / "data")})
            if shm_dir else None
        )
        try:
            async def run() -> dict[str, list[list[float]]]:
                out = {
                    "floor": await _one_pass(fport, "/trivial", review_bodies, passes),
                    "reviews": await _one_pass(sport, "/v1/actions/reviews", review_bodies, passes),
                    "hook": await _one_pass(
                        sport, "/v1/hooks/claude-code/pre-tool-use", hook_bodies, passes, hook_pass
                    ),
                }
                if shm_proc is not None:
                    out["hook_tmpfs"] = await _one_pass(
                        mport, "/v1/hooks/claude-code/pre-tool-use", hook_bodies, passes, hook_pass
                    )
                # a short concurrent burst on the hook route: what several agents at once see
                burst = await load(sport, "/v1/hooks/claude-code/pre-tool-use", burst_bodies, concurrency=4, seconds=3,
                                   spread=True)
                out["burst"] = [burst.latencies_ms]
                _CONN.close()
                return out

            timings = asyncio.run(run())
        finally:
            stop_server(floor_proc)
            stop_server(service_proc)
            if shm_proc is not None:
                stop_server(shm_proc)
            if shm_dir:
                shutil.rmtree(shm_dir, ignore_errors=True)
    flat = {k: [x for xs in v for x in xs] for k, v in timings.items()}
    print(f"\nHTTP on loopback (uvicorn, 1 worker), sequential, {passes} passes after a warm-up pass; "
          f"{_CONN.errors} non-200 answers")
    print(line("floor: trivial route", flat["floor"], None))
    print(line("POST /v1/actions/reviews", flat["reviews"], flat["floor"]))
    print(line(f"hook route ({len(hook_kept)} of {len(rows)} actions)", flat["hook"], flat["floor"],
               TARGET_HOOK_P99_MS))
    if "hook_tmpfs" in flat:
        print(line("hook route, SQLite file on tmpfs", flat["hook_tmpfs"], flat["floor"], TARGET_HOOK_P99_MS))
    print(line("hook route, 4 agents at once (3 s)", flat["burst"], flat["floor"]))
    print("  slowest hook answers (median):")
    print("\n".join(slowest([r for r, _ in hook_kept], timings["hook"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3, help="Measured passes over the corpus (default 3).")
    parser.add_argument("--skip-http", action="store_true", help="Only the in-process figures.")
    args = parser.parse_args()
    rows = read_corpus()
    asyncio.run(in_process(rows, args.passes))
    if not args.skip_http:
        http(rows, args.passes)


if __name__ == "__main__":
    main()

