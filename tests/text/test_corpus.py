"""Normalisation over the research corpora (skipped when absent): contract holds, disguise mapping rarely fires on
ordinary messages (it must not damage normal text), amounts parse without error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fanzha.text import find_amounts, normalize
from tests.conftest import read_jsonl

pytestmark = pytest.mark.corpus

_N = sys.modules["fanzha.text.normalize"]
# spelling variants of 账 (帐户 -> 账户) are corrections, not disguises: they may fire on ordinary text
_VARIANT_ONLY = {"账户", "账号", "转账", "到账", "账单", "对账"}


def _disguise_hits(text: str) -> list[str]:
    s = text.translate(_N._FOLD)
    dn = _N._denoise(s)
    s = dn[0] if dn else s
    out, _, _ = _N._undisguise(s, list(range(len(s))))
    if out == s:
        return []
    return [e.canonical for _end, e in _N._AUTO.iter_long(s) if not e.identity and e.canonical not in _VARIANT_ONLY]


def test_normal_sms_mostly_untouched_by_disguises(corpus: Path) -> None:
    texts = [str(r["text"]) for r in read_jsonl(corpus / "tft5_normal_dev.jsonl")]
    hit = sum(1 for t in texts if _disguise_hits(t))
    assert hit / len(texts) < 0.02, f"disguise mapping fired on {hit} of {len(texts)} normal SMS"


@pytest.mark.parametrize("name", ["tft5_normal_dev.jsonl", "tft8_typed_fraud.jsonl"])
def test_contract_on_corpus(corpus: Path, name: str) -> None:
    for rec in read_jsonl(corpus / name):
        text = str(rec["text"])
        n = normalize(text)
        assert len(n.offsets) == len(n.text)
        assert all(0 <= o < len(text) for o in n.offsets)
        assert list(n.offsets) == sorted(n.offsets)
        for m in find_amounts(text):
            assert text[m.start : m.end] == m.raw and m.value > 0
