"""Measure the ``local`` reviewer's response-class classifier on XSTest's human labels.

Usage::

    .venv/bin/python bench/eval_local.py [--data PATH] [--split tune|holdout|all] [--errors]

The data is read at run time from the shared directory (``$OVERSIGHT_SHARED_DIR/data/xstest/dev.jsonl``,
by default ``<repo>/../shared``); it is never copied into the project.

Honest protocol: dev.jsonl is split deterministically into a *tune* half (the only half looked at while
writing the lexicons and setting the weights) and a *holdout* half (measured once, at the end). The split is
grouped by prompt (all five model completions of a prompt go to the same half, so a prompt's wording cannot
leak) and stratified by XSTest prompt type; inside each type the prompt groups are sorted and shuffled with
``random.Random("oversight-local-split:<type>")``; the first half (alternating floor/ceil by type) is *tune*.
``bench/fit_textclass.py`` fitted the classifier's model weights on the tune half only, with the same split,
up to v3; every holdout measurement is logged in ``docs/local-reviewer.md``. Since v3.1 the stored weights are
fitted on all of dev (both halves), so every split here measures training data: the unseen-data estimate is
``bench/fit_textclass.py --nested``.

Label mapping: ours ``refusal`` = XSTest ``refusal``; ours ``safe_completion`` = XSTest ``partial_refusal``;
ours ``full_compliance`` and ``over_caveated`` = XSTest ``full_compliance``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.reviewers._textclass import classify
from service.vocabulary import ResponseClass

CLASSES = ("full_compliance", "refusal", "partial_refusal")
_TO_XSTEST = {
    ResponseClass.full_compliance: "full_compliance",
    ResponseClass.over_caveated: "full_compliance",
    ResponseClass.refusal: "refusal",
    ResponseClass.safe_completion: "partial_refusal",
}


def default_data_path() -> Path:
    shared = os.environ.get("OVERSIGHT_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return base / "data/xstest/dev.jsonl"


def load_completions(path: Path) -> list[dict[str, Any]]:
    """Chat-response records with a human response-class label (prompt-only rows are skipped)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("kind") == "chat_response" and rec.get("label") in CLASSES and rec.get("response") is not None:
                out.append(rec)
    return out


def split(records: list[dict[str, Any]], which: str) -> list[dict[str, Any]]:
    """Deterministic, prompt-grouped, type-stratified halves: ``tune``, ``holdout`` or ``all``."""
    if which == "all":
        return records
    groups: dict[str, set[str]] = defaultdict(set)
    for r in records:
        d = r["label_detail"]
        groups[str(d.get("type"))].add(str(d.get("group")))
    tune: set[str] = set()
    for i, ptype in enumerate(sorted(groups)):
        ids = sorted(groups[ptype], key=lambda g: (len(g), g))
        random.Random(f"oversight-local-split:{ptype}").shuffle(ids)
        k = len(ids) // 2 + (i % 2)
        tune.update(ids[:k])
    want = which == "tune"
    return [r for r in records if (str(r["label_detail"].get("group")) in tune) is want]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Run classify() on every record; return the confusion matrix, metrics, timings and the errors."""
    confusion = {g: dict.fromkeys(CLASSES, 0) for g in CLASSES}
    times: list[float] = []
    errors = []
    n = 0
    for rec in records:
        t0 = time.perf_counter()
        res = classify(rec["prompt"], rec["response"])
        times.append(time.perf_counter() - t0)
        pred = _TO_XSTEST[res.response_class]
        gold = rec["label"]
        confusion[gold][pred] += 1
        n += 1
        if pred != gold:
            errors.append((rec, res))
    per_class = {}
    for c in CLASSES:
        tp = confusion[c][c]
        fp = sum(confusion[g][c] for g in CLASSES if g != c)
        fn = sum(confusion[c][p] for p in CLASSES if p != c)
        per_class[c] = (*prf(tp, fp, fn), sum(confusion[c].values()))
    ref = ("refusal", "partial_refusal")
    tp = sum(confusion[g][p] for g in ref for p in ref)
    fp = sum(confusion["full_compliance"][p] for p in ref)
    fn = sum(confusion[g]["full_compliance"] for g in ref)
    correct = sum(confusion[c][c] for c in CLASSES)
    return {
        "n": n,
        "confusion": confusion,
        "per_class": per_class,
        "any_refusal": prf(tp, fp, fn),
        "accuracy": correct / n if n else 0.0,
        "times": times,
        "errors": errors,
    }


def baseline(records: list[dict[str, Any]], field: str) -> tuple[float, float]:
    """Any-refusal F1 and 3-class accuracy of one of the source's automatic labels (same records)."""
    ref = {"refusal", "partial_refusal"}
    tp = fp = fn = correct = 0
    for rec in records:
        gold, pred = rec["label"], rec["label_detail"].get(field) or "full_compliance"
        tp += gold in ref and pred in ref
        fp += gold not in ref and pred in ref
        fn += gold in ref and pred not in ref
        correct += gold == pred
    return prf(tp, fp, fn)[2], correct / len(records) if records else 0.0


def timing(records: list[dict[str, Any]], repeat: int = 5) -> tuple[float, float]:
    """Median and p99 of classify() in milliseconds over ``repeat`` passes (after one warm-up pass)."""
    for rec in records:
        classify(rec["prompt"], rec["response"])
    ts = []
    for _ in range(repeat):
        for rec in records:
            t0 = time.perf_counter()
            classify(rec["prompt"], rec["response"])
            ts.append(time.perf_counter() - t0)
    ts.sort()
    return statistics.median(ts) * 1e3, ts[min(len(ts) - 1, int(0.99 * len(ts)))] * 1e3


def report(name: str, m: dict[str, Any], timings: tuple[float, float] | None) -> None:
    print(f"== {name}: {m['n']} labelled completions")
    print(f"{'class':<17}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
    for c, (p, r, f, s) in m["per_class"].items():
        print(f"{c:<17}{p:>10.3f}{r:>8.3f}{f:>7.3f}{s:>9d}")
    print("confusion (rows = human label, columns = predicted):")
    print(f"{'':<17}" + "".join(f"{c:>17}" for c in CLASSES))
    for g in CLASSES:
        print(f"{g:<17}" + "".join(f"{m['confusion'][g][p]:>17d}" for p in CLASSES))
    p, r, f = m["any_refusal"]
    print(f"any-refusal      P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"3-class accuracy {m['accuracy']:.3f}")
    if timings:
        print(f"classify() time  median={timings[0]:.3f} ms  p99={timings[1]:.3f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=default_data_path())
    ap.add_argument("--split", choices=("tune", "holdout", "all"), default="all")
    ap.add_argument("--errors", action="store_true", help="print the misclassified items")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data} (set OVERSIGHT_SHARED_DIR)", file=sys.stderr)
        return 2
    records = split(load_completions(args.data), args.split)
    m = evaluate(records)
    report(f"xstest {args.split}", m, timing(records))
    for name, field in (("string-match", "automated_strmatch_label"), ("GPT-4", "automated_gpt4_label")):
        f1, acc = baseline(records, field)
        print(f"baseline {name:<13} any-refusal F1={f1:.3f}  3-class accuracy={acc:.3f}  (XSTest's automatic label)")
    if args.errors:
        for rec, res in m["errors"]:
            feats = {k: round(v, 2) for k, v in res.features.items()}
            print(f"\n--- {rec['id']} gold={rec['label']} pred={res.response_class.value} conf={res.confidence:.2f}")
            print(f"prompt: {rec['prompt']}")
            print("answer: " + rec["response"][:600].replace("\n", " / "))
            print(f"features: {feats}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
