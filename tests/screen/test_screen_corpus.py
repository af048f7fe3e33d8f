"""Per-file sanity figures of the screening engine on the research corpora (skipped when they are absent).

Small fixed samples (fast); thresholds are loose floors that catch regressions, not targets."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from fanzha.screen.engine import Engine

pytestmark = pytest.mark.corpus
N = 300


def _sample(path: Path, n: int = N) -> list[dict[str, object]]:
    rows = [json.loads(x) for x in path.open(encoding="utf-8") if x.strip()]
    random.Random(11).shuffle(rows)
    return rows[:n]


def _rates(eng: Engine, rows: list[dict[str, object]]) -> tuple[float, float]:
    vs = eng.screen_many([str(r["text"])[:100_000] for r in rows])
    pos = [v.fraud for r, v in zip(rows, vs, strict=True) if r["fraud"]]
    neg = [v.fraud for r, v in zip(rows, vs, strict=True) if not r["fraud"]]
    recall = sum(pos) / len(pos) if pos else 1.0
    fpr = sum(neg) / len(neg) if neg else 0.0
    return recall, fpr


def test_normal_sms_false_positive_rate(corpus: Path, engine_rules_only: Engine, engine_full: Engine) -> None:
    rows = _sample(corpus / "tft5_normal_dev.jsonl")
    assert _rates(engine_rules_only, rows)[1] <= 0.05
    assert _rates(engine_full, rows)[1] <= 0.05


def test_typed_fraud_recall_and_type(corpus: Path, engine_rules_only: Engine, engine_full: Engine) -> None:
    rows = _sample(corpus / "tft8_typed_fraud.jsonl")
    assert _rates(engine_rules_only, rows)[0] >= 0.30  # rules alone: the explainable floor
    assert _rates(engine_full, rows)[0] >= 0.85
    vs = engine_full.screen_many([str(r["text"]) for r in rows])
    merged = {"贷款、代办信用卡、虚假征信类": {"贷款、代办信用卡类", "虚假征信类"}}
    ok = sum(
        1 for r, v in zip(rows, vs, strict=True) if v.type == r["type"] or v.type in merged.get(str(r["type"]), ())
    )
    assert ok / len(rows) >= 0.70


def test_fbs_spam_is_not_called_fraud(corpus: Path, engine_full: Engine) -> None:
    rows = [r for r in _sample(corpus / "fbs_sms.jsonl", 1200) if str(r["type"]).startswith("AD:")][:N]
    vs = engine_full.screen_many([str(r["text"]) for r in rows])
    assert sum(v.fraud for v in vs) / len(vs) <= 0.05
