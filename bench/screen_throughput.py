"""Throughput of fanzha.screen against a naive TF-IDF char 1-3 + LinearSVC, same run, on two message mixes.

    taskset -c 1 .venv/bin/python bench/screen_throughput.py [--n 4000] [--repeat 3]

One core (BLAS/OpenMP threads = 1; pin the process with taskset); rates are per CPU second of the process. Texts come from the research corpora in
settings.data_dir (read only; FBS placeholders replaced as in training, fanzha.screen.labels.training_text):

* mix (a) "corpus mix": n messages drawn from the SMS files and the dialogue file together (tft8 fraud, tft5 normal,
  FBS, dialogues), as in bench/screen_bench.py section 4: about a third of it is fraud;
* mix (b) "operator stream": what an operator or a bank screens, ~98 % ordinary traffic (tft5 normals + FBS
  advertising / illegal / other) and ~2 % fraud (tft8 + FBS fraud).

The naive pipeline is fitted once on n other messages of the mix-(a) files and timed on both mixes. Printed per mix:
texts/second of the naive pipeline (transform + predict), of the engine with rules + context only, and of the full
engine (rules + context + model + indicators), with the ratios to the naive pipeline measured in the same run.
bench/screen_bench.py is the fuller benchmark (per-file quality, cold start, memory).
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fanzha.config import get_settings  # noqa: E402
from fanzha.domain import Category  # noqa: E402
from fanzha.screen.labels import LabeledText, read_corpus  # noqa: E402

FILES = ["tft8_typed_fraud.jsonl", "tft5_normal_dev.jsonl", "fbs_sms.jsonl", "dialogues_eval0902.jsonl"]
FRAUD_SHARE_B = 0.02


def rate(fn: Callable[[list[str]], object], items: list[str], repeat: int) -> float:
    """Best of ``repeat`` runs, in texts per CPU second of this process: every pipeline here is single-threaded, and
    CPU time does not count the time slices other processes take on a shared machine (wall time does)."""
    best = 0.0
    for _ in range(repeat):
        t = time.process_time()
        fn(items)
        best = max(best, len(items) / (time.process_time() - t))
    return best


def mixes(rows: list[LabeledText], n: int, seed: int = 3) -> tuple[list[LabeledText], list[str], list[str]]:
    """(naive training rows, mix a, mix b): disjoint draws."""
    rng = random.Random(seed)
    rows = list(rows)
    rng.shuffle(rows)
    train, mix_a, rest = rows[:n], rows[n : 2 * n], rows[2 * n :]
    n_fraud = round(n * FRAUD_SHARE_B)
    normal = [
        r.text for r in rest if r.file in ("tft5_normal_dev.jsonl", "fbs_sms.jsonl") and r.category != Category.FRAUD
    ]
    fraud = [
        r.text for r in rest if r.file in ("tft8_typed_fraud.jsonl", "fbs_sms.jsonl") and r.category == Category.FRAUD
    ]
    mix_b = rng.sample(normal, n - n_fraud) + rng.sample(fraud, n_fraud)
    rng.shuffle(mix_b)
    return train, [r.text for r in mix_a], mix_b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    d = get_settings().data_dir
    for f in FILES:
        if not (d / f).exists():
            sys.exit(f"corpus file {d / f} missing")
    train, mix_a, mix_b = mixes(list(read_corpus([d / f for f in FILES])), args.n)

    from _common import naive_pipeline

    naive = naive_pipeline().fit([r.text for r in train], [r.category == Category.FRAUD for r in train])

    from fanzha.screen.engine import Engine, _load_indicators, _load_model
    from fanzha.screen.rules import RuleSet

    rs = RuleSet.load()
    full = Engine(rs, _load_model(), _load_indicators(), max_chars=10**6)
    rules_only = Engine(rs, None, None, max_chars=10**6)
    full.screen_many(mix_a[:50])
    for name, texts in (("(a) corpus mix: SMS + dialogue files", mix_a),
                        (f"(b) operator stream: {1 - FRAUD_SHARE_B:.0%} normal, {FRAUD_SHARE_B:.0%} fraud", mix_b)):  # fmt: skip
        base = rate(naive.predict, texts, args.repeat)
        r_rules = rate(rules_only.screen_many, texts, args.repeat)
        r_full = rate(full.screen_many, texts, args.repeat)
        print(f"mix {name}: {len(texts)} texts, mean {sum(map(len, texts)) / len(texts):.0f} chars")
        print(f"  baseline TF-IDF char 1-3 + LinearSVC : {base:8.0f} texts/s")
        print(f"  fanzha.screen rules + context         : {r_rules:8.0f} texts/s  ratio {r_rules / base:.2f}")
        print(
            f"  fanzha.screen full                    : {r_full:8.0f} texts/s  ratio {r_full / base:.2f}  (goal >= 5)"
        )


if __name__ == "__main__":
    main()
