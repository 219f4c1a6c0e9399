"""Soak with a faulty reviewer, longer than CI: latency, 429 + retry-after, 5xx, drops and garbage.

Usage: python bench/soak.py [--seconds 300] [--concurrency 16] [--postgres URL]

Prints the figures docs/reliability.md reports (JSON) and an RSS / descriptor timeline; exits 1 on a silent
approval in a high-risk domain, a non-200 answer, or growth after warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.soak import soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=0.25, help="Fraction of the run that is warm-up.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--postgres", default=None, help="A postgresql:// URL instead of the SQLite file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oversight-soak-") as tmp:
        report = asyncio.run(
            soak(Path(tmp), seconds=args.seconds, concurrency=args.concurrency, warmup=args.warmup, seed=args.seed,
                 every=args.sample_every, database_url=args.postgres)
        )
    figures = report.figures()
    print(json.dumps(figures, indent=2))
    print("t_s   rss_mib  fds")
    for t, rss, fds in report.samples:
        print(f"{t:5.0f} {rss / 1024:8.1f} {fds:4d}")
    flat = (figures["rss_mib_end"] <= figures["rss_mib_after_warmup"] * 1.15 + 16
            and figures["fds_end"] <= figures["fds_after_warmup"] + args.concurrency)
    ok = report.silent_approvals == 0 and set(report.statuses) == {200} and not report.transport_errors and flat
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
