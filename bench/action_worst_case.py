"""How the action analyser's time grows on long, repetitive commands: the shapes that were quadratic.

Each shape (a long word, thousands of pipeline stages, blank lines, ``$`` runs, chained ``eval`` …) is analysed at
two sizes, N and 2N characters; a linear rule doubles its time, a quadratic one quadruples it. The floor is the
same analysis of an ordinary command of the same size (``echo word word …``), measured in the same run.

Prints, per shape: the median time at 2N, its ratio to the floor at 2N, and its growth (time at 2N / time at N).
Targets: growth ≤ 2.6 for every shape (linear, with noise), and no shape above 100 µs per character.

Usage: python bench/action_worst_case.py [--chars N] [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.policy.actions import analyse_action
from service.policy.loader import load_policies
from service.vocabulary import Domain

SHAPES: dict[str, tuple[str, str]] = {
    # name: (prefix, unit repeated to the size)
    "ordinary words (floor)": ("echo ", "word "),
    "one long word": ("echo ", "a"),
    "base64 blob to a file": ("echo ", "iVBORw0KGgo"),
    "pipeline of shells": ("echo x ", "|sh"),
    "blank lines": ("echo ", "\n"),
    "short lines": ("", "a\n"),
    "$ run": ("echo ", "$"),
    "$a run": ("", "$a"),
    "chained eval": ("", "eval "),
    "rm words": ("", "rm "),
    "(( run": ("", "(("),
    "function-like words": ("", "a()"),
    "here-doc body": ("cat <<EOF\n", "line of text\n"),
}


def timed(command: str, policy: object, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        analyse_action("shell", {"command": command}, "/home/dev/shop", policy)  # type: ignore[arg-type]
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000, help="N: the smaller size (the larger is 2N)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    policy = load_policies()[Domain.tool_use].actions
    n = args.chars

    def text(prefix: str, unit: str, size: int) -> str:
        return prefix + (unit * (size // len(unit) + 1))[:size]

    floor = timed(text(*SHAPES["ordinary words (floor)"], 2 * n), policy, args.repeat)
    print(f"action analyser, N = {n:,} and 2N = {2 * n:,} characters, median of {args.repeat}")
    print(f"{'shape':26s} {'at 2N':>10s} {'× floor':>8s} {'growth':>7s} {'µs/char':>8s}")
    worst_growth = worst_per_char = 0.0
    for name, (prefix, unit) in SHAPES.items():
        small = timed(text(prefix, unit, n), policy, args.repeat)
        large = timed(text(prefix, unit, 2 * n), policy, args.repeat)
        growth = large / small if small else float("inf")
        per_char = large / (2 * n) * 1e6
        worst_growth, worst_per_char = max(worst_growth, growth), max(worst_per_char, per_char)
        print(f"{name:26s} {large * 1000:8.1f}ms {large / floor:8.2f} {growth:7.2f} {per_char:8.1f}")
    print(f"worst growth {worst_growth:.2f} (target ≤ 2.6: linear); worst {worst_per_char:.1f} µs per character "
          f"(target ≤ 100)")
    return 0 if worst_growth <= 2.6 and worst_per_char <= 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
