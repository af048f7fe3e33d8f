"""Sanity-check the screening combiner against the research corpora, per file (never pooled only).

    .venv/bin/python bench/fit_combiner.py [--per-file 1500] [--no-model] [--fit] [--errors 5]

For a random sample of each corpus file it runs the engine and prints, per file: fraud rate (recall on fraud files,
false-positive rate on normal files), risk distribution, typology accuracy (tft8) and category accuracy (fbs).
With ``--fit`` it also extracts the combiner's inputs (capped rule score R, model logit M, indicator score I, context
penalty C) and fits a logistic regression on them (fraud vs not), printing the fitted coefficients next to the ones in
fanzha/screen/config.yaml. The config values are kept round and general on purpose (the corpora are not the data the
project is judged on, and the model was trained on them, so a fit here over-trusts the model): use the fit as a
sanity check of signs and orders of magnitude, not as the values to ship.

Texts are read from settings.data_dir (../shared/data) and never written anywhere.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter
from pathlib import Path

from _common import corpus_files, iter_records

from fanzha.screen.engine import Engine, _load_indicators, _load_model
from fanzha.screen.labels import map_label
from fanzha.screen.rules import RuleSet

TFT8_TYPES = {
    "贷款、代办信用卡、虚假征信类": {"贷款、代办信用卡类", "虚假征信类"},
}


def sample(path: Path, n: int, seed: int = 7) -> list[dict[str, object]]:
    rows = list(iter_records(path))
    random.Random(seed).shuffle(rows)
    return rows[:n]


def features(eng: Engine, v_evidence: list, score: float) -> tuple[float, float, float, float]:
    # recover the combiner inputs from the evidence (what the engine summed)
    cfg = eng.config
    r = m = i = c = 0.0
    for e in v_evidence:
        if e.source == "rule":
            r += e.weight
        elif e.source == "indicator":
            i += e.weight
        elif e.source == "context" and e.id != "CTX_NEGATION":
            c -= e.weight
        elif e.source == "model" and e.id == "MODEL_FRAUD_PROB":
            m = e.weight
    return (
        min(r, cfg.combiner.max_rule_score),
        m,
        max(-cfg.combiner.max_indicator_score, min(i, cfg.combiner.max_indicator_score)),
        min(c, cfg.combiner.max_context_penalty),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-file", type=int, default=1500)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print ids of N misclassified records per file")
    args = ap.parse_args()

    rs = RuleSet.load()
    eng = Engine(rs, None if args.no_model else _load_model(), _load_indicators(), max_chars=10**6)
    print(f"rules: {rs.stats()}  model: {'none' if eng.model is None else type(eng.model).__name__}")
    X: list[tuple[float, float, float, float]] = []
    y: list[int] = []
    for name, path in corpus_files():
        if not path.exists():
            print(f"{name}: missing, skipped")
            continue
        rows = sample(path, args.per_file)
        t0 = time.perf_counter()
        verdicts = eng.screen_many([str(r["text"])[:100_000] for r in rows])
        dt = time.perf_counter() - t0
        risk = Counter(v.risk.value for v in verdicts)
        cats = Counter(v.category.value for v in verdicts)
        truth = [bool(r["fraud"]) for r in rows]
        pred = [v.fraud for v in verdicts]
        tp = sum(p and t for p, t in zip(pred, truth, strict=True))
        fp = sum(p and not t for p, t in zip(pred, truth, strict=True))
        npos = sum(truth)
        nneg = len(truth) - npos
        line = f"{name:28s} n={len(rows):5d} {len(rows) / dt:7.0f}/s"
        if npos:
            line += f"  recall={tp / npos:.3f}"
        if nneg:
            line += f"  FPR={fp / nneg:.3f}"
        line += f"  risk={dict(risk)}  cat={dict(cats)}"
        print(line)
        if name.startswith("tft8"):
            ok = sum(
                1
                for r, v in zip(rows, verdicts, strict=True)
                if v.fraud and (v.type == r["type"] or v.type in TFT8_TYPES.get(str(r["type"]), set()))
            )
            print(f"    typology accuracy among all: {ok / len(rows):.3f}")
            per: Counter[str] = Counter()
            tot: Counter[str] = Counter()
            for r, v in zip(rows, verdicts, strict=True):
                tot[str(r["type"])] += 1
                if v.fraud and (v.type == r["type"] or v.type in TFT8_TYPES.get(str(r["type"]), set())):
                    per[str(r["type"])] += 1
            for t in sorted(tot):
                print(f"      {t:20s} {per[t] / tot[t]:.3f} (n={tot[t]})")
        if name.startswith("fbs"):
            ok = sum(
                1
                for r, v in zip(rows, verdicts, strict=True)
                if v.category == map_label("fbs", r.get("type"), "")[0]  # type: ignore[arg-type]
            )
            print(f"    category accuracy (FR->fraud, AD->spam, IL->illegal): {ok / len(rows):.3f}")
        if args.errors:
            bad = [r["id"] for r, p, t in zip(rows, pred, truth, strict=True) if p != t][: args.errors]
            print(f"    misclassified ids: {bad}")
        if args.fit:
            for r, v in zip(rows, verdicts, strict=True):
                X.append(features(eng, v.evidence, v.score))
                y.append(int(bool(r["fraud"])))
    if args.fit and X:
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1.0, max_iter=1000)
        lr.fit(X, y)
        cb = eng.config.combiner
        names = ["rule (R)", "model term", "indicator (I)", "context (C, penalty)"]
        print("\nfitted logistic combination on (R, model term, I, C), pooled over files:")
        print(f"  bias      fit={lr.intercept_[0]:+.3f}  config={cb.bias if eng.model else cb.bias_without_model:+.3f}")
        cfgv = [cb.rule, 1.0, cb.indicator, -cb.context]
        for nm, coef, c in zip(names, lr.coef_[0], cfgv, strict=True):
            print(f"  {nm:22s} fit={coef:+.3f}  config={c:+.3f}")
        acc = lr.score(X, y)
        print(f"  fit accuracy {acc:.3f} (pooled; see per-file figures above for what matters)")
        _ = math  # keep import for readers extending the script


if __name__ == "__main__":
    main()
