"""Field-level micro F1 of the intake extractor on our own gold narratives (dev set and untouched holdout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fanzha.cases.intake import SCORED_FIELDS, extract, f1_table, field_counts

DATA = Path(__file__).parent / "data"
TARGET = 0.95


def _load(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return _load("narratives.jsonl")


@pytest.fixture(scope="module")
def holdout() -> list[dict]:
    return _load("narratives_holdout.jsonl")


def test_gold_files_are_well_formed(dev: list[dict], holdout: list[dict]) -> None:
    assert len(dev) + len(holdout) >= 50 and len(holdout) >= 25
    ids = [r["id"] for r in dev + holdout]
    assert len(ids) == len(set(ids))
    for r in dev + holdout:
        assert set(r["gold"]) == set(SCORED_FIELDS), r["id"]
        for f in ("phones", "qq", "wechat", "urls", "bank_cards", "payee_accounts"):
            for v in r["gold"][f]:
                assert isinstance(v, str) and v, r["id"]


def test_scorer_counts_errors() -> None:
    pred = {"amount_yuan": 100, "occurred_at": "2024-03-05", "channels": ["电话", "QQ"], "phones": ["+8613812345678"]}
    gold = {"amount_yuan": 200, "occurred_at": "2024-03-05", "channels": ["电话"], "phones": ["13812345678"]}
    c = field_counts(pred, gold)
    assert c["amount_yuan"] == (0, 1, 1)
    assert c["occurred_at"] == (1, 0, 0)
    assert c["channels"] == (1, 1, 0)
    assert c["phones"] == (1, 0, 0)
    t = f1_table([(pred, gold)])
    assert t["amount_yuan"]["f1"] == 0.0 and t["occurred_at"]["f1"] == 1.0


def _score(rows: list[dict]) -> dict[str, dict[str, float]]:
    pairs = [(extract(r["text"], reported_at=r["reported_at"]).elements(), r["gold"]) for r in rows]
    return f1_table(pairs)


def test_dev_f1(dev: list[dict]) -> None:
    table = _score(dev)
    assert table["ALL"]["f1"] >= TARGET, {f: round(v["f1"], 3) for f, v in table.items()}
    for f in ("amount_yuan", "occurred_at", "channels"):
        assert table[f]["f1"] >= 0.9, (f, table[f])


def test_holdout_f1(holdout: list[dict]) -> None:
    """The holdout was written before the extractor and is never tuned on; it must meet the same target."""
    table = _score(holdout)
    assert table["ALL"]["f1"] >= TARGET, {f: round(v["f1"], 3) for f, v in table.items()}


def test_holdout2_f1() -> None:
    """A second blind set, written after the extractor existed to probe new phrasings and never tuned on.

    It scored 0.917 when first run; the floor here only catches regressions."""
    table = _score(_load("narratives_holdout2.jsonl"))
    assert table["ALL"]["f1"] >= 0.88, {f: round(v["f1"], 3) for f, v in table.items()}
