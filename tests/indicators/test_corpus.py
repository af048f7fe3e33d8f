"""Corpus checks (skipped when ../shared/data is absent): spans always valid, normal SMS rarely get risky indicators."""

from __future__ import annotations

from pathlib import Path

import pytest

from fanzha.indicators import extract, screening_evidence
from tests.conftest import read_jsonl

pytestmark = pytest.mark.corpus


def _texts(path: Path, limit: int) -> list[str]:
    out = []
    for rec in read_jsonl(path):
        out.append(str(rec.get("text") or ""))
        if len(out) >= limit:
            break
    return out


def test_normal_sms_rarely_carry_risky_indicators(corpus: Path) -> None:
    texts = _texts(corpus / "tft5_normal_dev.jsonl", 4000)
    flagged = sum(1 for t in texts if sum(e.weight for e in screening_evidence(t)) > 0)
    assert flagged / len(texts) < 0.01, f"{flagged} of {len(texts)} normal SMS got positive indicator evidence"


@pytest.mark.parametrize("name", ["tft8_typed_fraud.jsonl", "fbs_sms.jsonl", "call_transcripts.jsonl"])
def test_spans_are_original_offsets_on_corpora(corpus: Path, name: str) -> None:
    n = 0
    for t in _texts(corpus / name, 1500):
        for ind in extract(t):
            assert t[ind.span[0] : ind.span[1]] == ind.raw
            n += 1
    assert n > 0
