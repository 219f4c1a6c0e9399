"""Instructions per request under callgrind: a figure that does not move with the machine's noise.

Wall-clock and CPU-time figures on a shared 2-core VM swing by ±10 % between runs; ``valgrind --tool=callgrind``
counts the instructions a run executes, which is repeatable to a fraction of a percent whatever else the
machine is doing. This bench drives the ASGI app in-process (``bench/_asgi_drive.py``: no sockets, no uvicorn,
no kernel networking) with the overhead bench's four request kinds, twice (``--small`` and ``--large``
requests after the same warm-up), and reports ``(I_large - I_small) / (large - small)``: the instructions one
request costs, start-up and warm-up cancelled out. It does the same for the trivial FastAPI endpoint, the floor.

``--before PATH`` measures another checkout of the project (e.g. ``git worktree add /tmp/old <commit>``) with the
same driver in the same run, for a before/after ratio. Needs valgrind (Debian: ``apt-get install valgrind``);
takes a few minutes (callgrind runs code ~50x slower).

Usage: python bench/instructions.py [--before PATH] [--small 320] [--large 1280]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
DRIVER = HERE / "bench" / "_asgi_drive.py"
TARGETS = {"review": ("service.asgi:app", "/v1/reviews"), "trivial": ("bench._trivial_app:app", "/trivial")}


def instructions(app: str, path: str, n: int, root: Path) -> int:
    """Instructions executed by one driver run of ``n`` requests (all threads)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(DRIVER), app, path,
             str(n), str(root)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        # without --separate-threads callgrind writes one file whose "summary:" covers every thread
        m = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(errors="replace"), re.MULTILINE)
        if m is None:
            raise RuntimeError("callgrind wrote no summary")
        return int(m.group(1))


def per_request(target: str, root: Path, small: int, large: int) -> float:
    app, path = TARGETS[target]
    with ThreadPoolExecutor(2) as pool:  # the two runs are independent: one per core
        a, b = pool.map(lambda n: instructions(app, path, n, root), (small, large))
    return (b - a) / (large - small)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, help="another checkout of the project to measure the same way")
    ap.add_argument("--small", type=int, default=320)
    ap.add_argument("--large", type=int, default=1280)
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind); nothing measured")
        return
    print(f"instructions per request under callgrind (ASGI in-process, {args.large - args.small} requests "
          "after warm-up, four request kinds)")
    trivial = per_request("trivial", HERE, args.small, args.large)
    review = per_request("review", HERE, args.small, args.large)
    print(f"  floor: trivial FastAPI endpoint           {trivial / 1e3:9.0f} k")
    print(f"  POST /v1/reviews (local reviewer, SQLite) {review / 1e3:9.0f} k   {review / trivial:5.1f}x the floor")
    if args.before is not None:
        before = per_request("review", args.before.resolve(), args.small, args.large)
        print(f"  POST /v1/reviews at {args.before}: {before / 1e3:9.0f} k   "
              f"now {100 * (review - before) / before:+.1f} %")


if __name__ == "__main__":
    main()
