"""Fit the response-class model of ``service/reviewers/_textclass.py`` on the *tune* half of XSTest dev.

Usage::

    .venv/bin/python bench/fit_textclass.py [--data PATH] [--cv-only] [--folds 5]

A multinomial logistic regression (classes ``full_compliance`` / ``refusal`` / ``partial_refusal``) over the
classifier's own named features (``MODEL_FEATURES`` below, which must match ``_textclass._MODEL_FEATURES``),
fitted with plain full-batch gradient descent with Nesterov momentum and an L2 penalty: no numpy or sklearn,
at fit time or at run time. Features are standardised on the training data and the scaling is folded back into
the stored weights, so the classifier computes ``bias + sum(w * feature)`` per class on raw features.

Protocol: only the *tune* half (``bench/eval_local.py``'s split) is read. The L2 strength, the feature set and
the partial-refusal bias offset are picked by prompt-grouped k-fold cross-validation *inside* the tune half (all
five completions of a prompt are in the same fold); the chosen configuration is then refitted on the whole tune
half and written to ``service/reviewers/lexicons/textclass_weights.txt``. The holdout half is never read here.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_local import default_data_path, load_completions, split
from service.reviewers import _textclass

CLASSES = ("full_compliance", "refusal", "partial_refusal")
OUT = Path(__file__).resolve().parents[1] / "service/reviewers/lexicons/textclass_weights.txt"

# general features only: no prompt- or model-specific strings
BASE = [
    "decline_first",
    "decline_open",
    "objection_open",
    "self_reference_open",
    "premise_rejection",
    "has_decline",
    "late_decline",
    "share_refusal",
    "share_objection",
    "share_generic_help",
    "share_redirect",
    "share_moralising",
    "share_caveat",
    "share_neutral",
    "share_any_moralising",
    "share_any_caveat",
    "log_list_items",
    "actionable",
    "prompt_overlap",
    "help_overlap",
    "neutral_char_share",
    "topical_help_after_decline",
    "topical_alternative",
    "pivot_after_decline",
    "substance_after_decline",
    "log_chars",
    "log_sentences",
]
SCORES = ["refusal_score", "partial_score", "deflect_score"]
FEATURE_SETS = {"base": BASE, "base+scores": BASE + SCORES}


def featurise(records: list[dict[str, Any]]) -> list[tuple[dict[str, float], int, str, str]]:
    """(features, gold class index, prompt group, current prediction) per record."""
    to_x = {"full_compliance": "full_compliance", "over_caveated": "full_compliance", "refusal": "refusal"}
    to_x["safe_completion"] = "partial_refusal"
    out = []
    for rec in records:
        res = _textclass.classify(rec["prompt"], rec["response"])
        feats = dict(res.features)
        feats["topical_alternative"] = min(feats["topical_alternative"], 2.0)
        out.append((feats, CLASSES.index(rec["label"]), str(rec["label_detail"]["group"]), to_x[res.response_class]))
    return out


def fit(
    xs: Sequence[Sequence[float]], ys: Sequence[int], l2: float, iters: int = 400, lr: float = 0.5
) -> list[list[float]]:
    """Multinomial logistic regression on standardised inputs; returns W[class] = [bias, w_1..w_d]."""
    k, d, n = len(CLASSES), len(xs[0]), len(xs)
    w = [[0.0] * (d + 1) for _ in range(k)]
    v = [[0.0] * (d + 1) for _ in range(k)]
    rows = [[1.0, *x] for x in xs]
    for _ in range(iters):
        look = [[w[c][j] + 0.9 * v[c][j] for j in range(d + 1)] for c in range(k)]
        grad = [[0.0] * (d + 1) for _ in range(k)]
        for row, y in zip(rows, ys, strict=True):
            z = [sum(a * b for a, b in zip(look[c], row, strict=True)) for c in range(k)]
            m = max(z)
            e = [math.exp(t - m) for t in z]
            s = sum(e)
            for c in range(k):
                g = e[c] / s - (1.0 if c == y else 0.0)
                if g:
                    gc = grad[c]
                    for j, a in enumerate(row):
                        gc[j] += g * a
        for c in range(k):
            for j in range(d + 1):
                g = grad[c][j] / n + (l2 * look[c][j] if j else 0.0)
                v[c][j] = 0.9 * v[c][j] - lr * g
                w[c][j] += v[c][j]
    return w


def standardise(xs: list[list[float]]) -> tuple[list[float], list[float]]:
    d = len(xs[0])
    mean = [sum(x[j] for x in xs) / len(xs) for j in range(d)]
    sd = [math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / len(xs)) or 1.0 for j in range(d)]
    return mean, sd


def fold_back(w: list[list[float]], mean: list[float], sd: list[float]) -> list[list[float]]:
    """Weights on standardised inputs -> weights on raw features."""
    out = []
    for wc in w:
        raw = [wc[j + 1] / sd[j] for j in range(len(sd))]
        bias = wc[0] - sum(raw[j] * mean[j] for j in range(len(sd)))
        out.append([bias, *raw])
    return out


def predict(w: list[list[float]], x: Sequence[float], partial_offset: float, f: dict[str, float]) -> int:
    z = [wc[0] + sum(a * b for a, b in zip(wc[1:], x, strict=True)) for wc in w]
    z[2] += partial_offset
    return post(max(range(len(CLASSES)), key=lambda c: z[c]), f, z)


def post(pred: int, f: dict[str, float], z: list[float]) -> int:
    """The run-time post-rules: without any refusal signal the answer is not a refusal (hard gate); a no-decline
    answer that deflects with generic help is a non-answer (partial)."""
    if pred == 1 and f["no_refusal_signal"]:
        pred = 0 if z[0] >= z[2] else 2
    if pred == 0 and f["deflect_score"] > 0.0 and f["n_sentences"] >= 2:
        return 2
    return pred


def scores(pairs: list[tuple[int, int]]) -> tuple[float, float]:
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f1, sum(1 for g, p in pairs if g == p) / len(pairs)


def folds_of(groups: list[str], k: int) -> list[int]:
    uniq = sorted(set(groups))
    random.Random("oversight-fit-textclass").shuffle(uniq)
    where = {g: i % k for i, g in enumerate(uniq)}
    return [where[g] for g in groups]


def cross_validate(
    data: list[tuple[dict[str, float], int, str, str]], names: list[str], l2: float, k: int
) -> dict[float, tuple[float, float]]:
    fold = folds_of([g for _, _, g, _ in data], k)
    offsets = (-1.0, -0.5, 0.0, 0.5, 1.0)
    pairs: dict[float, list[tuple[int, int]]] = {o: [] for o in offsets}
    for i in range(k):
        train = [d for d, f in zip(data, fold, strict=True) if f != i]
        test = [d for d, f in zip(data, fold, strict=True) if f == i]
        xs = [[d[0][n] for n in names] for d in train]
        mean, sd = standardise(xs)
        w = fit([[(a - m) / s for a, m, s in zip(x, mean, sd, strict=True)] for x in xs], [d[1] for d in train], l2)
        w = fold_back(w, mean, sd)
        for feats, y, _, _ in test:
            x = [feats[n] for n in names]
            for o in offsets:
                pairs[o].append((y, predict(w, x, o, feats)))
    return {o: scores(p) for o, p in pairs.items()}


def write(w: list[list[float]], names: list[str], note: str) -> None:
    lines = [
        "# Multinomial logistic-regression weights of the response-class model (service/reviewers/_textclass.py).",
        "# Generated by bench/fit_textclass.py from the *tune* half of XSTest dev only; do not edit by hand.",
        f"# {note}",
        "# format: <class> <feature | bias> <weight>; the class score is bias + sum(weight * feature) on raw features",
    ]
    for c, wc in zip(CLASSES, w, strict=True):
        lines.append(f"{c} bias {wc[0]:.6f}")
        lines.extend(f"{c} {n} {a:.6f}" for n, a in zip(names, wc[1:], strict=True))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=default_data_path())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cv-only", action="store_true")
    args = ap.parse_args(argv)
    data = featurise(split(load_completions(args.data), "tune"))
    hand = [(y, CLASSES.index(p)) for _, y, _, p in data]
    print(
        f"tune n={len(data)}  current classifier (stored weights, trained on all of tune): F1={scores(hand)[0]:.3f} acc={scores(hand)[1]:.3f}"
    )
    best: tuple[float, float, str, float, float] | None = None
    for set_name, names in FEATURE_SETS.items():
        for l2 in (0.1, 0.03, 0.01):
            res = cross_validate(data, names, l2, args.folds)
            line = "  ".join(f"off{o:+.1f}: {f1:.3f}/{acc:.3f}" for o, (f1, acc) in res.items())
            print(f"{args.folds}-fold CV {set_name:<12} l2={l2:<6} F1/acc  {line}")
            for o, (f1, acc) in res.items():
                key = (acc, f1)
                if best is None or key > (best[0], best[1]):
                    best = (acc, f1, set_name, l2, o)
    assert best is not None
    acc, f1, set_name, l2, offset = best
    print(f"best by CV accuracy: {set_name} l2={l2} partial offset {offset:+.1f}: F1={f1:.3f} acc={acc:.3f}")
    if args.cv_only:
        return 0
    names = FEATURE_SETS[set_name]
    xs = [[d[0][n] for n in names] for d in data]
    mean, sd = standardise(xs)
    w = fit([[(a - m) / s for a, m, s in zip(x, mean, sd, strict=True)] for x in xs], [d[1] for d in data], l2)
    w = fold_back(w, mean, sd)
    w[2][0] += offset
    refit = [(y, predict(w, [f[n] for n in names], 0.0, f)) for f, y, _, _ in data]
    print(f"refit on all of tune (training figure, optimistic): F1={scores(refit)[0]:.3f} acc={scores(refit)[1]:.3f}")
    write(
        w,
        names,
        f"feature set {set_name}, l2={l2}, partial offset {offset:+.1f}; {args.folds}-fold CV on tune: "
        f"any-refusal F1 {f1:.3f}, 3-class accuracy {acc:.3f}",
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
