"""Quick throughput check of fanzha.screen (engineer S) against a naive TF-IDF char 1-3 + LinearSVC, same run.

    .venv/bin/python bench/screen_throughput.py [--n 3000] [--repeat 3]

One core (BLAS/OpenMP threads = 1). Texts: a shuffled mix of the research corpora from settings.data_dir (read only).
Prints texts/second of the baseline (transform + predict), of the engine with rules + context only, and of the full
engine (rules + context + model + indicators), and the ratios. bench/screen_bench.py (engineer M) is the fuller
benchmark (per-file quality, cold start, memory).
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fanzha.config import get_settings  # noqa: E402

FILES = ["tft8_typed_fraud.jsonl", "tft5_normal_dev.jsonl", "fbs_sms.jsonl", "dialogues_eval0902.jsonl"]


def rate(fn: Callable[[list[str]], object], items: list[str], repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        fn(items)
        best = max(best, len(items) / (time.perf_counter() - t))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    d = get_settings().data_dir
    rows: list[dict[str, object]] = []
    for f in FILES:
        if not (d / f).exists():
            sys.exit(f"corpus file {d / f} missing")
        with (d / f).open(encoding="utf-8") as fh:
            rows.extend(json.loads(x) for x in fh if x.strip())
    random.Random(3).shuffle(rows)
    texts = [str(r["text"]) for r in rows[: 2 * args.n]]
    labels = [bool(r["fraud"]) for r in rows[: 2 * args.n]]
    train_x, train_y, test_x = texts[: args.n], labels[: args.n], texts[args.n :]

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    clf = LinearSVC().fit(vec.fit_transform(train_x), train_y)
    base = rate(lambda xs: clf.predict(vec.transform(xs)), test_x, args.repeat)

    from fanzha.screen.engine import Engine, _load_indicators, _load_model
    from fanzha.screen.rules import RuleSet

    rs = RuleSet.load()
    full = Engine(rs, _load_model(), _load_indicators(), max_chars=10**6)
    rules_only = Engine(rs, None, None, max_chars=10**6)
    full.screen_many(test_x[:50])
    r_rules = rate(rules_only.screen_many, test_x, args.repeat)
    r_full = rate(full.screen_many, test_x, args.repeat)
    print(f"texts: {len(test_x)}, mean {sum(map(len, test_x)) / len(test_x):.0f} chars")
    print(f"baseline TF-IDF char 1-3 + LinearSVC : {base:8.0f} texts/s")
    print(f"fanzha.screen rules + context         : {r_rules:8.0f} texts/s  ratio {r_rules / base:.2f}")
    print(f"fanzha.screen full                     : {r_full:8.0f} texts/s  ratio {r_full / base:.2f}  (goal >= 5)")


if __name__ == "__main__":
    main()
