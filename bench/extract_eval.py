"""Case-intake evaluation: field-level micro P / R / F1 per field on our gold narratives, against a naive baseline.

    .venv/bin/python bench/extract_eval.py [--errors] [FILE.jsonl ...]

Default files: tests/cases/data/narratives.jsonl (dev, tuned on), narratives_holdout.jsonl (written before the
extractor, never tuned on) and narratives_holdout2.jsonl (written after it to probe new phrasings, never tuned on). The naive baseline uses the same shared extractors without any role logic: every amount
summed, every phone / card / QQ / WeChat / URL / app taken, every card a payee, channels by bare keyword, the first
date mentioned as occurred_at. Also prints throughput (narratives per second) of both.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fanzha.cases.intake import SCORED_FIELDS, extract, f1_table, field_counts, lexicon  # noqa: E402
from fanzha.cases.timeparse import find_times, fold, parse_reported_at  # noqa: E402

DEFAULT = [
    ROOT / "tests/cases/data/narratives.jsonl",
    ROOT / "tests/cases/data/narratives_holdout.jsonl",
    ROOT / "tests/cases/data/narratives_holdout2.jsonl",
]


def naive(text: str, reported_at: str | None) -> dict[str, Any]:
    from fanzha.indicators import extract as extract_indicators
    from fanzha.text.amounts import find_amounts

    inds = extract_indicators(text)
    by = {
        k: [i.normalized for i in inds if i.kind == k]
        for k in ("phone", "qq", "wechat", "url", "domain", "bank_card", "app", "alipay")
    }
    amounts = [a.value for a in find_amounts(text)]
    times = find_times(text, parse_reported_at(reported_at))
    t = fold(text)
    channels = [c.name for c in lexicon().channels if c.keywords.search(t)]
    return {
        "amount_yuan": sum(amounts, Decimal(0)) if amounts else None,
        "occurred_at": times[0].formatted() if times else None,
        "channels": channels,
        "phones": by["phone"],
        "qq": by["qq"],
        "wechat": by["wechat"],
        "urls": by["url"] + by["domain"],
        "bank_cards": by["bank_card"],
        "apps": by["app"],
        "payee_accounts": by["bank_card"] + by["alipay"],
    }


def run(path: Path, show_errors: bool) -> None:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    t0 = time.perf_counter()
    els = [extract(r["text"], reported_at=r.get("reported_at")) for r in rows]
    t_x = time.perf_counter() - t0
    preds = [e.elements() for e in els]
    typed = [r for r in rows if r.get("type")]
    agree = sum(e.type == r.get("type") for e, r in zip(els, rows, strict=True) if r.get("type"))
    t0 = time.perf_counter()
    base = [naive(r["text"], r.get("reported_at")) for r in rows]
    t_b = time.perf_counter() - t0
    ours = f1_table([(p, r["gold"]) for p, r in zip(preds, rows, strict=True)])
    theirs = f1_table([(p, r["gold"]) for p, r in zip(base, rows, strict=True)])
    print(f"\n== {path.name}: {len(rows)} narratives")
    print(f"{'field':15s} {'P':>6s} {'R':>6s} {'F1':>6s}   {'naive F1':>8s}   tp/fp/fn")
    for f in (*SCORED_FIELDS, "ALL"):
        o, b = ours[f], theirs[f]
        print(
            f"{f:15s} {o['precision']:6.3f} {o['recall']:6.3f} {o['f1']:6.3f}   {b['f1']:8.3f}   {o['tp']}/{o['fp']}/{o['fn']}"
        )
    ratio = ours["ALL"]["f1"] / theirs["ALL"]["f1"] if theirs["ALL"]["f1"] else float("inf")
    print(f"overall F1 {ours['ALL']['f1']:.3f} vs naive {theirs['ALL']['f1']:.3f} (ratio {ratio:.2f})")
    print(f"throughput: {len(rows) / t_x:.1f} narratives/s (naive {len(rows) / t_b:.1f}/s)")
    if typed:
        print(f"typology (fanzha.screen, not part of the F1): {agree}/{len(typed)} agree with the gold type")
    if show_errors:
        for p, r in zip(preds, rows, strict=True):
            for f, (_tp, fp, fn) in field_counts(p, r["gold"]).items():
                if fp or fn:
                    print(f"  {r['id']} {f}: got {p[f]!r} gold {r['gold'][f]!r}")
        for e, r in zip(els, rows, strict=True):
            if r.get("type") and e.type != r["type"]:
                print(f"  {r['id']} type: got {e.type!r} gold {r['type']!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--errors", action="store_true", help="list every field error")
    args = ap.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    extract("预热", reported_at="2024-01-01")  # load lexicons, OpenCC, screening rules once
    for path in args.files or DEFAULT:
        run(path, args.errors)


if __name__ == "__main__":
    main()
