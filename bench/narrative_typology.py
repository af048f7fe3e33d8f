"""Typology agreement of fanzha.screen on victims' narratives (kind="narrative") against our gold types.

    .venv/bin/python bench/narrative_typology.py [--verbose] [--no-model]

Dev set: tests/cases/data/narratives.jsonl (rules may be written with it in view). Holdouts:
tests/cases/data/narratives_holdout*.jsonl (blind: never tuned on, only reported). Prints per gold type
hits/total and overall agreement for each file, and the same figure for a naive baseline (always the dev set's most
frequent type) so the rules' gain can be read in the same run. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fanzha.screen.engine import Engine, _load_indicators, _load_model  # noqa: E402
from fanzha.screen.rules import RuleSet  # noqa: E402

DATA = ROOT / "tests/cases/data"


def _load(name: str) -> list[dict]:
    return [json.loads(ln) for ln in (DATA / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true", help="list every miss of the dev set (holdout misses: ids only)")
    ap.add_argument("--no-model", action="store_true")
    args = ap.parse_args()
    eng = Engine(RuleSet.load(), None if args.no_model else _load_model(), _load_indicators(), max_chars=10**6)
    files = ["narratives.jsonl"] + sorted(p.name for p in DATA.glob("narratives_holdout*.jsonl"))
    majority = Counter(r["type"] for r in _load("narratives.jsonl")).most_common(1)[0][0]
    tot_ok = tot_n = 0
    for name in files:
        rows = [r for r in _load(name) if r.get("type")]
        vs = eng.screen_many([r["text"] for r in rows], "narrative")
        per: dict[str, list[int]] = {}
        ok = base = 0
        for r, v in zip(rows, vs, strict=True):
            hit = v.type == r["type"]
            ok += hit
            base += r["type"] == majority
            c = per.setdefault(r["type"], [0, 0])
            c[0] += hit
            c[1] += 1
            if not hit and args.verbose:
                shown = r["text"][:70] if name == "narratives.jsonl" else ""
                print(f"  MISS {name} {r['id']}: got {v.type} want {r['type']} {shown}")
        tot_ok += ok
        tot_n += len(rows)
        print(f"{name}: {ok}/{len(rows)} = {ok / max(1, len(rows)):.1%}  (baseline '{majority}': {base}/{len(rows)})")
        for t, (h, n) in sorted(per.items(), key=lambda kv: -kv[1][1]):
            print(f"    {t:<16} {h}/{n}")
    print(f"overall: {tot_ok}/{tot_n} = {tot_ok / max(1, tot_n):.1%}")


if __name__ == "__main__":
    main()
