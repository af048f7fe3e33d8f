"""Typology helpers: parse labels, choose the verdict's type and subtype from the group scores."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from fanzha.domain import Typology

TYPOLOGIES: tuple[str, ...] = tuple(t.value for t in Typology)

# short / older names people type, mapped to the MPS typology
_ALIASES: dict[str, Typology] = {
    "刷单": Typology.SHUADAN,
    "刷单返利": Typology.SHUADAN,
    "投资理财": Typology.INVESTMENT,
    "虚假投资理财": Typology.INVESTMENT,
    "贷款": Typology.LOAN,
    "网贷": Typology.LOAN,
    "虚假网络贷款": Typology.LOAN,
    "代办信用卡": Typology.LOAN,
    "征信": Typology.CREDIT,
    "虚假征信": Typology.CREDIT,
    "客服": Typology.ECOMMERCE_CS,
    "冒充客服": Typology.ECOMMERCE_CS,
    "冒充电商物流客服": Typology.ECOMMERCE_CS,
    "购物": Typology.SHOPPING,
    "虚假购物": Typology.SHOPPING,
    "公检法": Typology.POLICE,
    "冒充公检法": Typology.POLICE,
    "领导": Typology.LEADER,
    "熟人": Typology.LEADER,
    "冒充领导熟人": Typology.LEADER,
    "游戏": Typology.GAME,
    "游戏交易": Typology.GAME,
    "婚恋": Typology.ROMANCE,
    "交友": Typology.ROMANCE,
    "杀猪盘": Typology.ROMANCE,
    "军警": Typology.MILITARY,
    "冒充军警": Typology.MILITARY,
    "其它": Typology.OTHER,
}


def parse_typology(label: str | None) -> Typology | None:
    """A Typology from its value, its enum name (``POLICE``) or a common short name; None when unknown."""
    if not label:
        return None
    s = label.strip()
    try:
        return Typology(s)
    except ValueError:
        pass
    if s.upper() in Typology.__members__:
        return Typology[s.upper()]
    return _ALIASES.get(s)


def choose_type(
    rule_scores: Mapping[str, float],
    *,
    model_type: str | None = None,
    model_type_prob: float = 0.0,
    model_bonus: float = 2.0,
    model_fraud_prob: float = 1.0,
    model_min_fraud: float = 0.0,
    strong_types: Collection[str] = (),
) -> str | None:
    """The verdict's typology: argmax over typologies of ``S_t = R_t + model_bonus · P_model(t)``; None when nothing
    points anywhere.

    ``R_t`` is the capped score of the typology's own rules (generic rules carry no typology and never vote). The model
    votes ``model_bonus · type_prob`` for its type when its type is not 其他 (a catch-all is no evidence for a family) and
    either ``model_fraud_prob ≥ model_min_fraud`` or no typology rule fired (generic-only hits defer to the model: its
    guess beats 其他; a hesitant model does not override rule evidence). ``strong_types`` (typologies with a composite or a high-weight
    rule hit) restrict the choice to themselves: a strong specific rule wins over the model, weak keywords do not.
    """
    scores = {t: s for t, s in rule_scores.items() if s > 0}
    strong = [t for t in strong_types if t in scores]
    mt = parse_typology(model_type)
    if (
        mt is not None
        and mt != Typology.OTHER
        and model_type_prob > 0
        and (model_fraud_prob >= model_min_fraud or not scores)
        and (not strong or mt.value in strong)
    ):
        scores[mt.value] = scores.get(mt.value, 0.0) + model_bonus * model_type_prob
    if strong:
        scores = {t: s for t, s in scores.items() if t in strong}
    if not scores:
        return None
    # deterministic tie-break: the order of the Typology enum
    return max(scores, key=lambda t: (scores[t], -TYPOLOGIES.index(t) if t in TYPOLOGIES else -99))
