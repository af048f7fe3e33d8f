"""Victims' narratives (kind="narrative", the desk officer's reported speech) get the right typology, while the same
scams told as news / publicity stay not fraud when screened as a message (tests/screen/data/narratives_typed.yaml)."""

from __future__ import annotations

import pytest

from fanzha.domain import Category
from fanzha.screen.engine import Engine

from .conftest import load_data

DATA = load_data("narratives_typed.yaml")
ENGINES = ["engine_rules_only", "engine_full"]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("case", DATA["narratives"], ids=lambda c: c["text"][:16])
def test_narrative_typed(request: pytest.FixtureRequest, engine_name: str, case: dict[str, str]) -> None:
    eng: Engine = request.getfixturevalue(engine_name)
    v = eng.screen(case["text"], kind="narrative")
    assert v.fraud and v.category == Category.FRAUD, (v.score, [(e.id, e.weight) for e in v.evidence])
    assert v.type == case["type"], [(e.id, e.weight, e.typology) for e in v.evidence]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("text", DATA["news"], ids=lambda t: t[:16])
def test_same_scam_as_news_is_not_fraud(request: pytest.FixtureRequest, engine_name: str, text: str) -> None:
    eng: Engine = request.getfixturevalue(engine_name)
    v = eng.screen(text, kind="auto")
    assert not v.fraud, (v.score, [(e.id, e.weight) for e in v.evidence])
