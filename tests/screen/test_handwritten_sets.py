"""The hand-written evaluation sets of bench/screen_holdout.py are well formed: a typo in a type or a kind would
silently count as a miss (or a hit) in the benchmark instead of failing somewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fanzha.domain import Typology

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
SETS = [
    "screen_holdout.yaml",
    "screen_dev2.yaml",
    "screen_blind2.yaml",
    "screen_blind3.yaml",
    "screen_dev3.yaml",
    "screen_blind4.yaml",
]
KINDS = {"sms", "chat", "call", "narrative", "email"}


@pytest.mark.parametrize("name", SETS)
def test_set_is_well_formed(name: str) -> None:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert set(data) == {"fraud", "hard_negatives"}
    types = {t.value for t in Typology}
    texts: list[str] = []
    for x in data["fraud"]:
        assert isinstance(x, dict) and isinstance(x.get("text"), str) and x["text"].strip(), x
        assert x["type"] in types, x
        assert x.get("kind", "sms") in KINDS, x
        if "subtype" in x:
            assert x["subtype"] and isinstance(x["subtype"], str), x
        texts.append(x["text"])
    for x in data["hard_negatives"]:
        text = x if isinstance(x, str) else x.get("text")
        assert isinstance(text, str) and text.strip(), x
        if isinstance(x, dict):
            assert x.get("kind", "sms") in KINDS, x
        texts.append(text)
    assert len(texts) == len(set(texts)), "a text appears twice"
    assert len(data["fraud"]) >= 30 and len(data["hard_negatives"]) >= 20
