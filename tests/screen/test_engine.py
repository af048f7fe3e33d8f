"""Engine behaviour: combination, categories, spans into the original text, long inputs, errors."""

from __future__ import annotations

import pytest

from fanzha.domain import Category, Risk
from fanzha.screen.engine import EmptyTextError, Engine, ScreenInputError, TextTooLongError


def test_police_safe_account_is_high_risk_fraud(engine_rules_only: Engine) -> None:
    v = engine_rules_only.screen("我是市公安局经侦支队民警，你涉嫌洗钱案，请把资金转入安全账户配合调查")
    assert v.fraud and v.risk == Risk.HIGH and v.category == Category.FRAUD
    assert v.type == "冒充公检法及政府机关类"
    ids = {e.id for e in v.evidence}
    assert "POLICE_SAFE_ACCOUNT" in ids and "SAFE_ACCOUNT_TRANSFER" in ids
    assert any("96110" in a for a in v.advice) and any("验证码" in a for a in v.advice)


def test_composite_absorbs_its_parts(engine_rules_only: Engine) -> None:
    v = engine_rules_only.screen("我是公安局的，你涉嫌洗钱，请把钱转到安全账户")
    w = {e.id: e.weight for e in v.evidence if e.source == "rule"}
    assert w["POLICE_SAFE_ACCOUNT"] > 0
    assert w["SAFE_ACCOUNT_TRANSFER"] == 0.0 and w["IMPERSONATE_POLICE"] == 0.0


def test_group_cap_limits_many_weak_keywords(engine_rules_only: Engine) -> None:
    # many weak promotional/spammy words of one group stay below one strong signal
    weak = engine_rules_only.screen("全场特价，秒杀，满减，包邮，钜惠，优惠券，清仓，会员日，店庆，低至五折")
    strong = engine_rules_only.screen("请把卡里的钱转到国家安全账户")
    assert weak.score < strong.score
    assert not weak.fraud and weak.category == Category.SPAM


def test_evidence_spans_point_into_the_original_text(engine_rules_only: Engine) -> None:
    text = "ＡＢ  請把錢轉到 安 全 帳 戶，配合調查"
    v = engine_rules_only.screen(text)
    ev = next(e for e in v.evidence if e.id == "SAFE_ACCOUNT_TRANSFER")
    assert ev.span is not None
    s, e = ev.span
    assert text[s:e] == ev.matched
    assert text[s:e].startswith("轉到") and text[s:e].endswith("戶")


def test_negation_switches_a_rule_off_and_is_shown(engine_rules_only: Engine) -> None:
    v = engine_rules_only.screen("【某银行】温馨提示：任何人向您索要验证码都是诈骗，切勿把验证码告诉他人")
    assert not v.fraud and v.risk in (Risk.NONE, Risk.LOW)
    assert any(e.source == "context" and e.weight < 0 for e in v.evidence)


def test_secrecy_demand_is_not_negatable(engine_rules_only: Engine) -> None:
    hits = {h.rule_id: h for h in engine_rules_only.rule_hits("这是秘密侦查，不要告诉任何人")}
    assert "SECRECY_DEMAND" in hits and not hits["SECRECY_DEMAND"].negated


def test_long_dialogue_line_evidence(engine_rules_only: Engine) -> None:
    lines = ["甲：你好，请问是张先生吗？", "乙：是我，什么事？"] * 30
    lines += ["甲：我是市公安局刑侦支队的民警，你的身份证涉嫌一起洗钱案件。", "乙：怎么可能？"]
    lines += ["甲：为了证明你的清白，你需要把资金转到国家安全账户接受核查。", "乙：好吧。"]
    text = "\n".join(lines)
    v = engine_rules_only.screen(text)
    assert v.fraud and v.kind == "dialogue" and v.type == "冒充公检法及政府机关类"
    lines_seen = {e.line for e in v.evidence if e.source == "rule"}
    assert 60 in lines_seen and 62 in lines_seen
    for e in v.evidence:
        if e.span and e.line is not None:
            assert text.count("\n", 0, e.span[0]) == e.line


def test_too_long_and_empty_and_bad_kind(engine_rules_only: Engine) -> None:
    small = Engine(engine_rules_only.ruleset, None, None, max_chars=50)
    with pytest.raises(TextTooLongError) as exc:
        small.screen("好" * 51)
    assert isinstance(exc.value, ValueError) and "51" in str(exc.value)
    with pytest.raises(EmptyTextError):
        small.screen("   \n ")
    with pytest.raises(ScreenInputError):
        small.screen("你好", kind="fax")
    with pytest.raises(ScreenInputError):
        small.screen(12345)  # type: ignore[arg-type]


def test_hostile_and_binary_strings_do_not_crash(engine_rules_only: Engine) -> None:
    for t in ["\x00\x01\x02安全账户\x00", "\ud800坏字符", "🙂" * 500, "<script>alert(1)</script>", "a" * 10_000]:
        v = engine_rules_only.screen(t)
        assert 0.0 <= v.score <= 1.0


def test_screen_many_matches_screen(engine_rules_only: Engine) -> None:
    texts = ["兼职刷单日结，先垫付本金返佣金", "明天下午三点开会", "代开各类发票，点数低"]
    many = engine_rules_only.screen_many(texts)
    one = [engine_rules_only.screen(t) for t in texts]
    assert [v.model_dump() for v in many] == [v.model_dump() for v in one]


def test_public_entry_points() -> None:
    import fanzha
    from fanzha.screen import screen, screen_many

    v = fanzha.screen("代开各类发票，点数低，可验证后付款")
    assert v.category == Category.ILLEGAL and not v.fraud
    assert screen_many(["你好"])[0].category == Category.NORMAL
    assert screen("你好").risk == Risk.NONE
