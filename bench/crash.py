"""Crash durability, longer than CI: SIGKILL a real ``oversight serve`` many times under concurrent reviews.

Usage: python bench/crash.py [--backend sqlite|postgres] [--kills 20] [--concurrency 16] [--database-url URL]

Prints sent / acknowledged / recovered / lost (lost must be 0) and exits 1 if anything was lost, changed or
duplicated. PostgreSQL runs in a fresh schema of ``--database-url`` (default OVERSIGHT_TEST_DATABASE_URL or
postgresql://127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.harness import ServerProcess, crash_run, postgres_rows, sqlite_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--min-cycle", type=float, default=0.5, help="Seconds of traffic before a kill (min).")
    parser.add_argument("--max-cycle", type=float, default=3.0, help="Seconds of traffic before a kill (max).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--database-url", default=os.environ.get("OVERSIGHT_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oversight-crash-") as tmp:
        data = Path(tmp) / "data"
        schema = None
        if args.backend == "postgres":
            import psycopg

            schema = f"crash_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            sep = "&" if "?" in args.database_url else "?"
            url = f"{args.database_url}{sep}options={quote(f'-csearch_path={schema}')}"
            server = ServerProcess(data, {"OVERSIGHT_DATABASE_URL": url})
            count = lambda: postgres_rows(url)  # noqa: E731
        else:
            server = ServerProcess(data)
            count = lambda: sqlite_rows(data / "oversight.sqlite")  # noqa: E731
        try:
            report = asyncio.run(
                crash_run(server, backend=args.backend, kills=args.kills, concurrency=args.concurrency,
                          cycle=(args.min_cycle, args.max_cycle), seed=args.seed, count_rows=count)
            )
        finally:
            server.kill()
            if schema is not None:
                import psycopg

                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(report.line())
    print(json.dumps({k: v for k, v in vars(report).items() if k != "errors"}))
    for error in report.errors[:20]:
        print("  ", error)
    bad = report.lost or report.changed or report.duplicates or report.retried_ok != report.retried
    bad = bad or report.rows != report.sent or report.escalations_resolved != report.escalations_pending
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
