"""Blind holdout check of fanzha.screen: texts written after the rules and never tuned on (bench/data/screen_holdout.yaml).

    .venv/bin/python bench/screen_holdout.py [--no-model] [--verbose]

Prints the share of fraud texts found with the right type (and subtype), and the share of hard negatives that stay
not-fraud with risk none/low. A measurement, not a test: failures here are kept as they are, so the figure stays
an honest estimate of behaviour on unseen texts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fanzha.screen.engine import Engine, _load_indicators, _load_model  # noqa: E402
from fanzha.screen.rules import RuleSet  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    data = yaml.safe_load((ROOT / "bench/data/screen_holdout.yaml").read_text(encoding="utf-8"))
    eng = Engine(RuleSet.load(), None if args.no_model else _load_model(), _load_indicators(), max_chars=10**6)
    fraud = data["fraud"]
    vs = eng.screen_many([x["text"] for x in fraud])
    found = sum(v.fraud for v in vs)
    typed = sum(v.fraud and v.type == x["type"] and v.subtype == x.get("subtype", v.subtype) for x, v in zip(fraud, vs, strict=True))
    for x, v in zip(fraud, vs, strict=True):
        if args.verbose and not (v.fraud and v.type == x["type"]):
            print(f"  MISS {v.score:.2f} {v.type} (want {x['type']}): {x['text'][:40]}")
    neg = data["hard_negatives"]
    nv = eng.screen_many(neg)
    ok = sum((not v.fraud) and v.risk.value in ("none", "low") for v in nv)
    for t, v in zip(neg, nv, strict=True):
        if args.verbose and not ((not v.fraud) and v.risk.value in ("none", "low")):
            print(f"  FP {v.score:.2f} {v.risk.value} {v.type}: {t[:40]} {[e.id for e in v.evidence if e.weight > 0][:4]}")
    print(f"model: {'none' if eng.model is None else type(eng.model).__name__}")
    print(f"fraud found          : {found}/{len(fraud)} = {found / len(fraud):.2f}")
    print(f"fraud with right type: {typed}/{len(fraud)} = {typed / len(fraud):.2f}")
    print(f"hard negatives passed: {ok}/{len(neg)} = {ok / len(neg):.2f}")


if __name__ == "__main__":
    main()
