"""Full engine, k-fold out-of-fold: every corpus text screened by an engine whose model never saw it.

The committed artifact was trained on 90 % of the corpus files, so the engine can only be scored honestly on the
10 % it held out (bench/screen_bench.py section 3: 370 tft5 normals, one false positive = 0.27 %). Here each fold's
model is trained from scratch on the other folds (+ our synthetic texts), plugged into an ``Engine`` with the packaged
rules, context and indicators, and screens its own fold: the target operating points (tft5 FPR at tft8 recall ≥ 0.97,
dialogue recall at FPR ≤ 5 %) and the typology F1 are then read over all 41k corpus texts.

    .venv/bin/python bench/engine_cv.py [--quick] [--dump OUT.jsonl]

``--dump`` writes the out-of-fold verdicts (id, file, label, score, fraud, type, fired evidence ids) for error analysis
to a path OUTSIDE the repository (the corpus texts must never be committed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screen_bench import (
    SHORT,
    file_metrics,
    fmt,
    operating_points,
    stratified_folds,
    table,
)

from fanzha.config import get_settings
from fanzha.screen.engine import Engine, _load_indicators
from fanzha.screen.labels import DEFAULT_FILES
from fanzha.screen.model import CharNgramModel, training_corpus
from fanzha.screen.rules import default_ruleset


def engine_oof(k: int, seed: int, data_dir: Path, say: Any) -> dict[str, Any]:
    tc = training_corpus([data_dir / f for f in DEFAULT_FILES], seed=seed)
    files = np.asarray(tc.files)
    y = np.asarray([c == "fraud" for c in tc.categories])
    is_corpus = files != "synthetic"
    proto = CharNgramModel(random_state=seed)
    counts = proto.featurizer.counts(tc.texts)
    keys = [f"{f}|{c}|{t}" for f, c, t in zip(tc.files, tc.categories, tc.typologies, strict=True)]
    fold = stratified_folds(keys, k, seed)
    syn = np.flatnonzero(~is_corpus)
    rs = default_ruleset(())
    ind = _load_indicators()
    score = np.zeros(len(tc.texts))
    fraud = np.zeros(len(tc.texts), dtype=bool)
    types: list[str | None] = [None] * len(tc.texts)
    fired: list[list[str]] = [[] for _ in tc.texts]
    t0 = time.perf_counter()
    for j in range(k):
        te = np.flatnonzero(is_corpus & (fold == j))
        tr = np.concatenate([np.flatnonzero(is_corpus & (fold != j)), syn])
        m = CharNgramModel(random_state=seed)
        m.fit_counts(counts[tr], [tc.categories[i] for i in tr], typology=[tc.typologies[i] for i in tr])
        eng = Engine(rs, m, ind)
        verdicts = eng.screen_many([tc.raw[i] for i in te])
        for i, v in zip(te, verdicts, strict=True):
            score[i] = v.score
            fraud[i] = v.fraud
            types[i] = str(v.type) if (v.fraud and v.type is not None) else None
            fired[i] = [e.id for e in v.evidence if e.weight > 0]
        say(f"  fold {j + 1}/{k} ({time.perf_counter() - t0:.0f}s)")
    idx = np.flatnonzero(is_corpus)
    return {
        "tc": tc,
        "idx": idx,
        "files": files,
        "y": y,
        "score": score,
        "fraud": fraud,
        "types": types,
        "fired": fired,
        "metrics": file_metrics(
            files[idx], y[idx], fraud[idx].astype(float), 0.5, [tc.typologies[i] for i in idx], [types[i] for i in idx]
        ),
        "ops": operating_points(files[idx], y[idx], score[idx]),
    }


def report(r: dict[str, Any]) -> list[str]:
    rows = []
    for f, short in SHORT.items():
        m = r["metrics"].get(f, {})
        rows.append([short, m.get("n"), m.get("precision"), m.get("recall"), m.get("fpr"), m.get("type_f1")])
    out = table(["file", "n", "precision", "recall", "FPR", "type-F1"], rows)
    ops = r["ops"]
    out.append("")
    out.append(
        f"tft5 FPR at tft8 recall ≥ 0.97: {fmt(ops.get('tft5_fpr_at_tft8_recall_0.97'))} "
        f"(score threshold {fmt(ops.get('thr_tft8_recall_0.97'))}); dialogue recall at FPR ≤ 5 %: "
        f"{fmt(ops.get('dialogues_recall_at_fpr_0.05'))}; tft8 type-F1 (7 source classes): "
        f"{fmt(r['metrics'].get('tft8_typed_fraud.jsonl', {}).get('type_f1_7'))}"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 folds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--dump", type=Path, default=None, help="out-of-fold verdicts as JSONL (outside the repo)")
    args = ap.parse_args(argv)
    data_dir = args.data or Path(get_settings().data_dir)
    if not all((data_dir / f).exists() for f in DEFAULT_FILES):
        print(f"corpus files missing under {data_dir}; set FANZHA_DATA_DIR", file=sys.stderr)
        return 2
    r = engine_oof(3 if args.quick else 5, args.seed, data_dir, lambda s: print(s, flush=True))
    print("\n".join(report(r)))
    if args.dump:
        tc = r["tc"]
        with args.dump.open("w", encoding="utf-8") as fh:
            for i in r["idx"]:
                fh.write(
                    json.dumps(
                        {
                            "file": tc.files[i],
                            "fraud_label": bool(r["y"][i]),
                            "type_label": tc.typologies[i],
                            "score": float(r["score"][i]),
                            "fraud": bool(r["fraud"][i]),
                            "type": r["types"][i],
                            "fired": r["fired"][i],
                            "row": int(i),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
