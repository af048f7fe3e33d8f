"""Typology decision of the screening engine: previous combination vs the configured one, same run, same texts.

    .venv/bin/python bench/typology_eval.py [--data DIR] [--grid]

"before" = the previous type choice, verbatim (``legacy_choose_type``: argmax of capped rule score + 1.0 · P_model(type),
the model always voting, 其他 included, no strong-rule preference); "after" = the parameters of fanzha/screen/config.yaml (combiner.model_type_bonus,
type_model_min_fraud, type_strong_rule; see fanzha.screen.typology.choose_type). Only the type choice differs, so
fraud recall / FPR must be identical (printed to show it).

1. Corpora: the committed artifact's held-out 10 % (``training_corpus(...).holdout_mask(0.1, 0)``, the split of
   ``fanzha train --seed 0``: texts the artifact never saw). Per file: fraud recall, FPR, engine typology macro-F1
   (type of the verdicts called fraud, None otherwise, as bench/screen_bench.py), and the model alone's type macro-F1.
2. Hand-written sets: tests/screen/data/adversarial_fraud.yaml (fraud with the right type) and
   tests/screen/data/narratives_typed.yaml (kind narrative, right type).
``--grid`` also prints a few other values of the parameters (sensitivity, not a tuning loop).
Run bench/narrative_typology.py and bench/screen_holdout.py for the other hand-written sets.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

import fanzha.screen.engine as engine_mod  # noqa: E402
from fanzha.config import get_settings  # noqa: E402
from fanzha.domain import Verdict  # noqa: E402
from fanzha.screen.engine import Engine, _load_indicators, _load_model  # noqa: E402
from fanzha.screen.labels import DEFAULT_FILES  # noqa: E402
from fanzha.screen.model import binary_metrics, macro_f1, training_corpus  # noqa: E402
from fanzha.screen.rules import Combiner, RuleSet  # noqa: E402
from fanzha.screen.typology import TYPOLOGIES, choose_type, parse_typology  # noqa: E402

LEGACY = {"model_type_bonus": 1.0, "type_model_min_fraud": 0.0, "type_strong_rule": 1e9}
DATA = ROOT / "tests/screen/data"


def legacy_choose_type(
    rule_scores: Mapping[str, float],
    *,
    model_type: str | None = None,
    model_type_prob: float = 0.0,
    model_bonus: float = 2.0,
    **_: Any,
) -> str | None:
    """The type choice before this change (commit ac5bdc5), kept here only to measure against."""
    scores = {t: s for t, s in rule_scores.items() if s > 0}
    mt = parse_typology(model_type)
    if mt is not None and model_type_prob > 0:
        scores[mt.value] = scores.get(mt.value, 0.0) + model_bonus * model_type_prob
    if not scores:
        return None
    return max(scores, key=lambda t: (scores[t], -TYPOLOGIES.index(t) if t in TYPOLOGIES else -99))


def screen_as(name: str, eng: Engine, texts: list[str], kind: str = "auto") -> list[Verdict]:
    """``eng.screen_many``; for "before" with the previous type choice swapped into the engine module."""
    if name != "before":
        return eng.screen_many(texts, kind)
    engine_mod.choose_type = legacy_choose_type  # type: ignore[assignment]
    try:
        return eng.screen_many(texts, kind)
    finally:
        engine_mod.choose_type = choose_type


def engine_with(base: Engine, **combiner: float) -> Engine:
    eng = Engine(base.ruleset, base.model, base.indicators, max_chars=10**6)
    cb = Combiner(**{**base.config.combiner.model_dump(), **combiner})
    eng.config = base.config.model_copy(update={"combiner": cb})
    return eng


def corpus_rows(
    verdicts: Sequence[Verdict], files: np.ndarray, y: np.ndarray, types: list[str | None]
) -> dict[str, Any]:
    res: dict[str, Any] = {}
    fl = np.asarray([v.fraud for v in verdicts])
    pred = [v.type if v.fraud else None for v in verdicts]
    for f in sorted(set(files)):
        m = files == f
        row: dict[str, Any] = dict(binary_metrics(y[m], fl[m]))
        pairs = [(types[i], pred[i]) for i in np.flatnonzero(m) if types[i] is not None]
        if pairs and len({a for a, _ in pairs}) > 1:
            row["type_f1"] = macro_f1([str(a) for a, _ in pairs], [b for _, b in pairs])
        res[f] = row
    return res


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="corpus folder (default settings.data_dir)")
    ap.add_argument("--grid", action="store_true", help="also a few other parameter values")
    args = ap.parse_args(argv)
    base = Engine(RuleSet.load(), _load_model(), _load_indicators(), max_chars=10**6)
    if base.model is None:
        print("no model artifact installed: the model's type vote cannot be measured", file=sys.stderr)
        return 2
    cb = base.config.combiner
    configs: dict[str, dict[str, float]] = {
        "before": LEGACY,
        "after": {k: getattr(cb, k) for k in LEGACY},
    }
    if args.grid:
        for bonus in (3.0, 10.0):
            configs[f"bonus={bonus:g}"] = {**configs["after"], "model_type_bonus": bonus}
        for mf in (0.0, 0.5, 0.95):
            configs[f"min_fraud={mf:g}"] = {**configs["after"], "type_model_min_fraud": mf}
        configs["no_strong"] = {**configs["after"], "type_strong_rule": 1e9}
    for name, c in configs.items():
        print(f"{name:12} {c}")
    engines = {name: engine_with(base, **c) for name, c in configs.items()}

    # 1. corpora, held-out split of the artifact
    data_dir = args.data or Path(get_settings().data_dir)
    paths = [data_dir / f for f in DEFAULT_FILES]
    if all(p.exists() for p in paths):
        t0 = time.perf_counter()
        tc = training_corpus(paths, seed=0)  # the same order and split as `fanzha train --seed 0`
        files_all = np.asarray(tc.files)
        hidx = np.flatnonzero(tc.holdout_mask(0.1, 0) & (files_all != "synthetic"))
        files = files_all[hidx]
        y = np.asarray([tc.categories[i] == "fraud" for i in hidx])
        types = [tc.typologies[i] for i in hidx]
        texts = [tc.raw[i] for i in hidx]
        assert base.model is not None
        outs = base.model.analyse([tc.texts[i] for i in hidx], explain=False)
        model_pred = [o.type for o in outs]
        results = {name: corpus_rows(screen_as(name, e, texts), files, y, types) for name, e in engines.items()}
        print(f"\nheld-out split: {len(hidx)} texts ({time.perf_counter() - t0:.0f}s)")
        print(f"{'file':28} {'config':12} {'recall':>7} {'FPR':>7} {'type-F1':>8} {'model type-F1':>14}")
        for f in sorted(set(files)):
            m = files == f
            pairs = [(types[i], model_pred[i]) for i in np.flatnonzero(m) if types[i] is not None]
            mf1 = (
                macro_f1([str(a) for a, _ in pairs], [b for _, b in pairs]) if len({a for a, _ in pairs}) > 1 else None
            )
            for name in engines:
                r = results[name][f]
                tf = r.get("type_f1")
                print(
                    f"{f:28} {name:12} {r['recall']:7.4f} {r['fpr']:7.4f} "
                    f"{'-' if tf is None else f'{tf:.4f}':>8} {'-' if mf1 is None else f'{mf1:.4f}':>14}"
                )
    else:
        print(f"\ncorpus files missing under {data_dir}: held-out part skipped (set FANZHA_DATA_DIR)")

    # 2. hand-written sets
    adv = yaml.safe_load((DATA / "adversarial_fraud.yaml").read_text(encoding="utf-8"))
    nar = yaml.safe_load((DATA / "narratives_typed.yaml").read_text(encoding="utf-8"))["narratives"]
    print(f"\n{'set':34} " + " ".join(f"{n:>12}" for n in engines))
    for label, items, kind in (
        ("adversarial_fraud (fraud+type)", adv, "auto"),
        ("narratives_typed (fraud+type)", nar, "narrative"),
    ):
        cells = []
        for name, e in engines.items():
            vs = screen_as(name, e, [x["text"] for x in items], kind)
            ok = sum(v.fraud and v.type == x["type"] for x, v in zip(items, vs, strict=True))
            cells.append(f"{ok}/{len(items)}")
        print(f"{label:34} " + " ".join(f"{c:>12}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
