"""Context signals (fanzha.screen.context): negation scopes, warning / news framing, official sender asking nothing."""

from __future__ import annotations

import pytest

from fanzha.screen.context import _cue_hits, negation_scopes
from fanzha.screen.engine import Engine
from fanzha.text import normalize


def _ctx(eng: Engine, text: str, kind: str = "auto") -> dict[str, float]:
    return {e.id: e.weight for e in eng.screen(text, kind).evidence if e.source == "context"}


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("【顺丰速运】您的快件已到驿站，取件码8-2-3301，请凭取件码及时领取。", "CTX_OFFICIAL_NO_ASK"),
        ("【招商银行】验证码482913，您正在进行网银转账操作，切勿告知他人。", "CTX_OFFICIAL_NO_ASK"),
        ("谨防冒充公检法诈骗，公安机关不会要求转账到安全账户。", "CTX_WARNING_FRAMING"),
        ("公安机关不会要求转账到安全账户。", "CTX_NEVER_ASKS"),
        ("某市警方破获一起刷单诈骗案，抓获犯罪嫌疑人5名。", "CTX_NEWS_REPORT"),
        ("请勿向任何人提供验证码，包括自称客服的人。", "CTX_NEGATION"),
    ],
)
def test_signal_present_with_negative_weight(engine_rules_only: Engine, text: str, signal: str) -> None:
    ctx = _ctx(engine_rules_only, text)
    assert signal in ctx and ctx[signal] < 0, ctx


def test_official_signature_with_a_link_gets_no_discount(engine_rules_only: Engine) -> None:
    assert "CTX_OFFICIAL_NO_ASK" not in _ctx(engine_rules_only, "【工商银行】您的账户异常，请点击 icbc-e.top 验证")


def test_victim_narrative_is_not_treated_as_news(engine_rules_only: Engine) -> None:
    text = "我被骗了：对方自称公安局民警，说我涉嫌洗钱，让我把钱转到安全账户，我转了5万。"
    assert "CTX_NEWS_REPORT" not in _ctx(engine_rules_only, text, "narrative")
    v = engine_rules_only.screen(text, "narrative")
    assert v.fraud and v.type == "冒充公检法及政府机关类"


def test_scammer_cannot_hide_behind_a_warning_word(engine_rules_only: Engine) -> None:
    # a warning prefix lowers the score but a strong, non-negated demand stays fraud
    v = engine_rules_only.screen("谨防诈骗！我是公安局民警，你涉嫌洗钱，立即把资金转入安全账户配合调查。")
    assert v.fraud


def test_citizen_question_is_still_fraud(engine_rules_only: Engine) -> None:
    v = engine_rules_only.screen("对方自称公安说我涉嫌洗钱，要我转到安全账户，是真的吗？")
    assert v.fraud and v.type == "冒充公检法及政府机关类"


@pytest.mark.parametrize(
    "text",
    [
        "妈，我不小心把手机掉水里了，这是我新号码，急用钱先转我两千到这个卡上",
        "老板，我一不小心把微信弄丢了，这是新号，财务那笔货款你先转给我",
    ],
)
def test_accidentally_is_not_a_negation(engine_rules_only: Engine, text: str) -> None:
    """不小心 contains the negator 小心 but negates nothing: the money request after it must count in full."""
    rs = engine_rules_only.ruleset
    scan = rs.scan(normalize(text))
    assert _cue_hits(scan, rs, "negator"), "the text should contain the negator 小心 inside 不小心"
    assert negation_scopes(scan, rs) == ()
    hits = engine_rules_only.rule_hits(text)
    assert hits and not any(h.negated for h in hits), [(h.rule_id, h.negated) for h in hits]
    assert "CTX_NEGATION" not in _ctx(engine_rules_only, text)


def test_a_negated_composite_does_not_erase_its_plain_parts(engine_rules_only: Engine) -> None:
    """避免 negates only 影响征信: the composite built on it is weak, but the un-negated 注销校园贷 + 转到指定账户
    parts keep their full weight, so the message stays fraud."""
    text = "您在大学期间开通的校园贷账户还没有注销，为避免影响征信，请按客服指引注销，把额度里的钱转到指定账户"
    hits = {h.rule_id: h for h in engine_rules_only.rule_hits(text)}
    negated_composites = [h for h in hits.values() if h.kind == "composite" and h.negated]
    assert negated_composites, "the text should fire a composite through a negated part"
    plain = [h for h in hits.values() if h.kind == "rule" and not h.negated and h.base_weight > 0]
    assert plain and all(h.weight == h.base_weight and h.absorbed_by is None for h in plain), plain
    v = engine_rules_only.screen(text)
    assert v.fraud and v.type == "虚假征信类", (v.score, [(e.id, e.weight) for e in v.evidence])
