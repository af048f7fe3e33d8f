"""fanzha.screen.typology.choose_type: how per-typology rule scores and the model's type are combined."""

from __future__ import annotations

from fanzha.screen.engine import Engine
from fanzha.screen.typology import choose_type

POLICE = "冒充公检法及政府机关类"
CREDIT = "虚假征信类"
LEADER = "冒充领导、熟人类"
OTHER = "其他"
KW = {"model_bonus": 6.0, "model_min_fraud": 0.85}


def test_confident_model_beats_weak_keywords() -> None:
    assert choose_type({LEADER: 3.0}, model_type=CREDIT, model_type_prob=0.9, model_fraud_prob=0.95, **KW) == CREDIT


def test_hesitant_model_does_not_override_rules() -> None:
    assert choose_type({LEADER: 3.0}, model_type=CREDIT, model_type_prob=0.9, model_fraud_prob=0.7, **KW) == LEADER


def test_strong_rule_wins_over_confident_model() -> None:
    got = choose_type(
        {POLICE: 8.0}, model_type=CREDIT, model_type_prob=0.99, model_fraud_prob=0.99, strong_types={POLICE}, **KW
    )
    assert got == POLICE


def test_model_breaks_a_tie_between_strong_rules() -> None:
    got = choose_type(
        {POLICE: 10.0, CREDIT: 9.0},
        model_type=CREDIT,
        model_type_prob=0.9,
        model_fraud_prob=0.9,
        strong_types={POLICE, CREDIT},
        **KW,
    )
    assert got == CREDIT


def test_generic_only_hits_defer_to_the_model() -> None:
    assert choose_type({}, model_type=LEADER, model_type_prob=0.6, model_fraud_prob=0.6, **KW) == LEADER
    assert choose_type({}, **KW) is None


def test_model_other_never_votes() -> None:
    assert choose_type({LEADER: 1.0}, model_type=OTHER, model_type_prob=1.0, model_fraud_prob=1.0, **KW) == LEADER
    assert choose_type({}, model_type=OTHER, model_type_prob=1.0, model_fraud_prob=1.0, **KW) is None


def test_a_familys_own_subtype_beats_a_generic_rules_catch_all(engine_rules_only: Engine) -> None:
    # ACCOUNT_RISK_LINK (generic, 钓鱼短信, weight 4.5) and POINTS_REDEEM_LINK (其他 / 积分兑换, weight 4) both fire
    text = "【中国移动】尊敬的客户，您的话费积分6120即将清零，可兑换现金218元，请用手机打开 yd-jfdh.cc 领取"
    v = engine_rules_only.screen(text)
    fired = [(e.id, e.weight, e.typology) for e in v.evidence]
    assert {"ACCOUNT_RISK_LINK", "POINTS_REDEEM_LINK"} <= {e.id for e in v.evidence}, fired
    assert (v.type, v.subtype) == (OTHER, "积分兑换"), fired
