"""The hand-written test sets in tests/screen/data: hard negatives, adversarial fraud, spam and illegal content.

Run with the rules only (the engine must work without a model) and with everything installed here."""

from __future__ import annotations

import pytest

from fanzha.domain import Category, Risk
from fanzha.screen.engine import Engine

from .conftest import load_data

HARD_NEGATIVES = load_data("hard_negatives.yaml")
ADVERSARIAL = load_data("adversarial_fraud.yaml")
SPAM_ILLEGAL = load_data("spam_illegal.yaml")
ENGINES = ["engine_rules_only", "engine_full"]


def test_sizes() -> None:
    assert len(HARD_NEGATIVES) >= 40 and len(ADVERSARIAL) >= 60
    from fanzha.domain import Typology

    assert {x["type"] for x in ADVERSARIAL} == {t.value for t in Typology}


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("case", HARD_NEGATIVES, ids=lambda c: c["text"][:16])
def test_hard_negative(request: pytest.FixtureRequest, engine_name: str, case: dict[str, str]) -> None:
    eng: Engine = request.getfixturevalue(engine_name)
    v = eng.screen(case["text"])
    assert not v.fraud, (v.score, [(e.id, e.weight) for e in v.evidence])
    assert v.risk in (Risk.NONE, Risk.LOW)
    # ordinary marketing may be labelled spam; everything else must be plain normal
    allowed = {Category.NORMAL, Category.SPAM} if case["kind"] == "marketing" else {Category.NORMAL}
    assert v.category in allowed, v.category


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("case", ADVERSARIAL, ids=lambda c: c["text"][:16])
def test_adversarial_fraud(request: pytest.FixtureRequest, engine_name: str, case: dict[str, str]) -> None:
    eng: Engine = request.getfixturevalue(engine_name)
    v = eng.screen(case["text"])
    assert v.fraud and v.category == Category.FRAUD, (v.score, [(e.id, e.weight) for e in v.evidence])
    assert v.risk in (Risk.MEDIUM, Risk.HIGH)
    assert v.type == case["type"], [(e.id, e.weight, e.typology) for e in v.evidence]
    if case.get("subtype"):
        assert v.subtype == case["subtype"]
    # the evidence points at text that is really there
    for e in v.evidence:
        if e.span is not None:
            assert case["text"][e.span[0] : e.span[1]] == e.matched


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("case", SPAM_ILLEGAL, ids=lambda c: c["text"][:16])
def test_spam_and_illegal(request: pytest.FixtureRequest, engine_name: str, case: dict[str, str]) -> None:
    eng: Engine = request.getfixturevalue(engine_name)
    v = eng.screen(case["text"])
    assert not v.fraud and v.category.value == case["category"], (v.score, [(e.id, e.weight) for e in v.evidence])
    if case.get("subtype"):
        assert v.subtype == case["subtype"]
    assert v.advice
