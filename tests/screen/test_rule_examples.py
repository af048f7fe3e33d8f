"""Every rule file's positive and negative examples (parametrised from the YAML files themselves)."""

from __future__ import annotations

import pytest

from fanzha.screen.engine import Engine
from fanzha.screen.rules import RuleSet

_RS = RuleSet.load()
_CASES = [
    pytest.param(r.id, polarity, text, id=f"{r.id}-{polarity}{i}")
    for r in (*_RS.rules, *_RS.composites)
    for polarity, texts in (("pos", r.examples.positive), ("neg", r.examples.negative))
    for i, text in enumerate(texts)
]


@pytest.mark.parametrize(("rule_id", "polarity", "text"), _CASES)
def test_rule_example(engine_rules_only: Engine, rule_id: str, polarity: str, text: str) -> None:
    # as the engine sees them: after the negation scopes of fanzha.screen.context
    fired = {h.rule_id for h in engine_rules_only.rule_hits(text) if not h.negated}
    if polarity == "pos":
        assert rule_id in fired, f"{rule_id} should fire on {text!r}; fired: {sorted(fired)}"
    else:
        assert rule_id not in fired, f"{rule_id} should not fire on {text!r}"


def test_match_without_context_sees_negated_keywords(ruleset: RuleSet) -> None:
    # the bare matcher knows nothing of negation; the engine switches such hits off (see test above)
    from fanzha.text import normalize

    assert "ASK_PASSWORD" in {h.rule_id for h in ruleset.match(normalize("请勿向任何人提供您的密码"))}


def test_every_rule_has_a_positive_example(ruleset: RuleSet) -> None:
    assert all(r.examples.positive for r in ruleset.rules)
    # each packaged file carries negatives too
    by_file: dict[str, int] = {}
    for r in ruleset.rules:
        by_file[r.source] = by_file.get(r.source, 0) + len(r.examples.negative)
    assert by_file and all(v > 0 for v in by_file.values()), by_file


def test_every_typology_has_rules(ruleset: RuleSet) -> None:
    from fanzha.domain import Typology

    covered = {r.typology for r in ruleset.rules}
    missing = [t.value for t in Typology if t.value not in covered]
    assert not missing, missing
    cats = {r.category for r in ruleset.rules}
    assert {"fraud", "spam", "illegal"} <= cats
