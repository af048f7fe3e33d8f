"""Corpus tests of the model (skip without ../shared/data): label coverage and a small seeded train/test run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from fanzha.domain import Category, Typology
from fanzha.screen.labels import DEFAULT_FILES, read_corpus
from fanzha.screen.model import CharNgramModel, binary_metrics, normalise_all

pytestmark = pytest.mark.corpus


def test_every_label_present_is_mapped(corpus: Path, caplog: pytest.LogCaptureFixture) -> None:
    seen: Counter[tuple[str, str | None]] = Counter()
    for name in DEFAULT_FILES:
        path = corpus / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                seen[(str(d["source"]), d.get("type"))] += 1
    with caplog.at_level("WARNING", logger="fanzha.screen.labels"):
        recs = list(read_corpus([corpus / n for n in DEFAULT_FILES if (corpus / n).exists()]))
    assert not [r for r in caplog.records if "unknown label" in r.getMessage()], "a corpus label has no mapping"
    assert len(recs) == sum(seen.values())
    for r in recs:
        assert isinstance(r.category, Category)
        if r.typology is not None:
            assert r.category is Category.FRAUD and isinstance(r.typology, Typology)
    fraud_files = {r.file for r in recs if r.category is Category.FRAUD}
    assert "tft5_normal_dev.jsonl" not in fraud_files
    typed = Counter(r.typology for r in recs if r.file == "tft8_typed_fraud.jsonl")
    assert typed[Typology.CREDIT] > 0 and typed[Typology.LOAN] > 0 and None not in typed


def test_small_seeded_split_is_sane(corpus: Path) -> None:
    rng = np.random.RandomState(0)
    recs = list(read_corpus([corpus / "tft8_typed_fraud.jsonl", corpus / "tft5_normal_dev.jsonl"]))
    idx = rng.permutation(len(recs))[:4000]
    recs = [recs[i] for i in idx]
    texts = normalise_all([r.text for r in recs])
    cats = [r.category.value for r in recs]
    types = [None if r.typology is None else r.typology.value for r in recs]
    cut = 3000
    m = CharNgramModel(n_bits=16, calibration_folds=0, random_state=0)
    m.fit(texts[:cut], cats[:cut], typology=types[:cut])
    p = m.predict_proba(texts[cut:])[:, 0]
    met = binary_metrics(np.asarray([c == "fraud" for c in cats[cut:]]), p >= 0.5)
    assert met["recall"] >= 0.95
    assert met["fpr"] <= 0.05
    pred_t, _ = m.predict_type(texts[cut:])
    pairs = [(t, q) for t, q in zip(types[cut:], pred_t, strict=True) if t is not None]
    assert np.mean([t == q for t, q in pairs]) >= 0.8


def test_shipped_artifact_is_reproduced_by_the_documented_command(corpus: Path, tmp_path: Path) -> None:
    """README / model README: ``fanzha train --out fanzha/screen/model/fanzha-model.npz --seed 0`` reproduces the
    shipped model. Retrain it here from the corpora and compare the weights exactly: a change to the normaliser,
    the features, the labels or the synthetic texts that leaves the committed artifact stale fails here (~30 s)."""
    from typer.testing import CliRunner

    from fanzha.cli import app
    from fanzha.screen.model import default_model_path

    out = tmp_path / "fanzha-model.npz"
    args = ["train", "--out", str(out), "--seed", "0"] + [x for n in DEFAULT_FILES for x in ("--data", str(corpus / n))]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    shipped, fresh = np.load(default_model_path()), np.load(out)
    stale = [k for k in ("coef", "intercept", "idf") if not np.array_equal(shipped[k], fresh[k])]
    assert not stale, (
        f"the shipped artifact differs from a fresh `fanzha train --seed 0` in {stale}: retrain it with "
        "`fanzha train --out fanzha/screen/model/fanzha-model.npz --seed 0 --readme fanzha/screen/model/README.md`"
    )
