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
from _common import write_generated_section
from screen_bench import (
    ROOT,
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


def engine_eval(cross: bool, k: int, seed: int, data_dir: Path, say: Any) -> dict[str, Any]:
    """Out-of-fold verdicts: k stratified folds (``cross=False``) or leave-one-file-out (``cross=True``).

    Every split trains a fresh model on the rest of the corpus (+ our synthetic texts) and screens the held-out texts
    with the full engine (packaged rules + context + indicators + that model); the model's own P(fraud) and type on
    the same texts are kept for comparison."""
    tc = training_corpus([data_dir / f for f in DEFAULT_FILES], seed=seed)
    files = np.asarray(tc.files)
    y = np.asarray([c == "fraud" for c in tc.categories])
    is_corpus = files != "synthetic"
    proto = CharNgramModel(random_state=seed)
    counts = proto.featurizer.counts(tc.texts)
    syn = np.flatnonzero(~is_corpus)
    if cross:
        splits = [(np.flatnonzero(is_corpus & (files != f)), np.flatnonzero(files == f)) for f in SHORT]
    else:
        keys = [f"{f}|{c}|{t}" for f, c, t in zip(tc.files, tc.categories, tc.typologies, strict=True)]
        fold = stratified_folds(keys, k, seed)
        splits = [(np.flatnonzero(is_corpus & (fold != j)), np.flatnonzero(is_corpus & (fold == j))) for j in range(k)]
    rs = default_ruleset(())
    ind = _load_indicators()
    n = len(tc.texts)
    score, mscore = np.zeros(n), np.zeros(n)
    fraud = np.zeros(n, dtype=bool)
    types: list[str | None] = [None] * n
    mtypes: list[str | None] = [None] * n
    fired: list[list[str]] = [[] for _ in range(n)]
    t0 = time.perf_counter()
    for j, (tr, te) in enumerate(splits):
        tr = np.concatenate([tr, syn])
        m = CharNgramModel(random_state=seed)
        m.fit_counts(counts[tr], [tc.categories[i] for i in tr], typology=[tc.typologies[i] for i in tr])
        P, mt, _ = m.predict_counts(counts[te], [tc.texts[i] for i in te])
        verdicts = Engine(rs, m, ind).screen_many([tc.raw[i] for i in te])
        for r, (i, v) in enumerate(zip(te, verdicts, strict=True)):
            score[i] = v.score
            fraud[i] = v.fraud
            types[i] = str(v.type) if (v.fraud and v.type is not None) else None
            mscore[i] = P[r, 0]
            mtypes[i] = mt[r]
            fired[i] = [e.id for e in v.evidence if e.weight > 0]
        say(f"  split {j + 1}/{len(splits)} ({time.perf_counter() - t0:.0f}s)")
    idx = np.flatnonzero(is_corpus)
    tt = [tc.typologies[i] for i in idx]
    return {
        "tc": tc,
        "idx": idx,
        "files": files,
        "y": y,
        "score": score,
        "fraud": fraud,
        "types": types,
        "fired": fired,
        "mscore": mscore,
        "mtypes": mtypes,
        "metrics": file_metrics(files[idx], y[idx], fraud[idx].astype(float), 0.5, tt, [types[i] for i in idx]),
        "ops": operating_points(files[idx], y[idx], score[idx]),
        "model_metrics": file_metrics(files[idx], y[idx], mscore[idx], 0.5, tt, [mtypes[i] for i in idx]),
        "model_ops": operating_points(files[idx], y[idx], mscore[idx]),
    }


def report(r: dict[str, Any]) -> list[str]:
    rows = []
    for f, short in SHORT.items():
        e, m = r["metrics"].get(f, {}), r["model_metrics"].get(f, {})
        rows.append(
            [
                short,
                e.get("n"),
                m.get("recall"),
                e.get("recall"),
                m.get("fpr"),
                e.get("fpr"),
                m.get("type_f1"),
                e.get("type_f1"),
            ]
        )
    out = table(
        ["file", "n", "model R", "engine R", "model FPR", "engine FPR", "model type-F1", "engine type-F1"], rows
    )
    out.append("")
    t8 = "tft8_typed_fraud.jsonl"
    for who, ops, met in (("model", r["model_ops"], r["model_metrics"]), ("engine", r["ops"], r["metrics"])):
        out.append(
            f"- {who}: tft5 FPR at tft8 recall ≥ 0.97 = {fmt(ops.get('tft5_fpr_at_tft8_recall_0.97'))} "
            f"(score threshold {fmt(ops.get('thr_tft8_recall_0.97'))}); dialogue recall at FPR ≤ 5 % = "
            f"{fmt(ops.get('dialogues_recall_at_fpr_0.05'))}; tft8 type-F1 on the source's 7 classes = "
            f"{fmt(met.get(t8, {}).get('type_f1_7'))}"
        )
    return out


BEGIN = "<!-- BEGIN engine_cv (generated by bench/engine_cv.py) -->"
END = "<!-- END engine_cv -->"


def dump(r: dict[str, Any], path: Path) -> None:
    tc = r["tc"]
    with path.open("w", encoding="utf-8") as fh:
        for i in r["idx"]:
            rec = {
                "file": tc.files[i],
                "fraud_label": bool(r["y"][i]),
                "type_label": tc.typologies[i],
                "score": float(r["score"][i]),
                "fraud": bool(r["fraud"][i]),
                "type": r["types"][i],
                "fired": r["fired"][i],
                "model_score": round(float(r["mscore"][i]), 4),
                "model_type": r["mtypes"][i],
                "row": int(i),
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 folds, in-domain only")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument(
        "--dump", type=Path, default=None, help="in-domain out-of-fold verdicts as JSONL (outside the repo)"
    )
    ap.add_argument("--dump-cross", type=Path, default=None, help="the same for the cross-source verdicts")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    data_dir = args.data or Path(get_settings().data_dir)
    if not all((data_dir / f).exists() for f in DEFAULT_FILES):
        print(f"corpus files missing under {data_dir}; set FANZHA_DATA_DIR", file=sys.stderr)
        return 2
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(msg, flush=True)

    k = 3 if args.quick else 5
    r = engine_eval(False, k, args.seed, data_dir, say)
    body = [
        f"Run: `python bench/engine_cv.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Model = a fresh "
        "`CharNgramModel` per split; engine = `Engine(packaged rules, that model, indicators).screen_many(raw texts)`, "
        "verdict.fraud at the shipped thresholds (type-F1 over fraud verdicts); operating points are read off the "
        "scores (model P(fraud), engine verdict score).",
        "",
        f"### In-domain, {k}-fold (every corpus text screened by an engine whose model never saw it)",
        "",
        *report(r),
    ]
    if args.dump:
        dump(r, args.dump)
    if not args.quick:
        c = engine_eval(True, k, args.seed, data_dir, say)
        if args.dump_cross:
            dump(c, args.dump_cross)
        body += [
            "",
            "### Cross-source (the model trained without the file; rules unchanged): the closest preview of new channels",
            "",
            *report(c),
        ]
    say("\n".join(body))
    say(f"total {time.perf_counter() - t0:.0f}s")
    if not args.no_write and not args.quick:
        block = "\n".join([BEGIN, "", *body, "", END])
        write_generated_section(args.out, block, BEGIN, END, "Full engine, out-of-fold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
