"""Victims' narratives (kind="narrative", the desk officer's reported speech) get the right typology, while the same
scams told as news / publicity stay not fraud when screened as a message (tests/screen/data/narratives_typed.yaml)."""

from __future__ import annotations

import pytest

from fanzha.domain import Category
from fanzha.screen.engine import Engine, detect_kind

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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a victim's own account in one paragraph: what the scammer asked for is evidence, not reported speech
        (
            "上个月我在二手群里看到有人卖相机，只要八百，加了对方微信后对方说要先付定金，我陆续转了三次钱，"
            "对方又说要交运费和保证金，后来就把我拉黑了，我才发现被骗了。",
            "narrative",
        ),
        ("我今天在网上被骗了两千块，对方冒充客服说我的订单有问题", "narrative"),
        # a warning that tells others not to be fooled is not a victim's story
        ("提醒大家：我们小区最近有人冒充物业收费，大家别上当，我问过物业了，物业从不上门收现金。", "sms"),
        ("我行提醒：谨防被骗，我行不会以任何理由要求您转账到安全账户。", "sms"),
        ("您好，我是京东客服，您的订单异常需要退款，请先下载会议软件", "sms"),
    ],
)
def test_detect_kind_finds_a_victims_story(text: str, kind: str) -> None:
    assert detect_kind(text) == kind


def test_victims_one_paragraph_story_is_fraud(engine_rules_only: Engine) -> None:
    text = (
        "上个月我在二手群里看到有人卖相机，只要八百，加了对方微信后对方说要先付定金，我陆续转了三次钱，"
        "对方又说要交运费和保证金，后来就把我拉黑了，我才发现被骗了。"
    )
    v = engine_rules_only.screen(text)
    weights = {e.id: e.weight for e in v.evidence}
    assert v.kind == "narrative" and v.fraud, weights
    # counted in full: as an "sms" the retold demands were discounted as reported speech (weight 0.35)
    assert weights.get("PAID_THEN_BLOCKED") == 3.5 and "CTX_NEGATION" not in weights, weights


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("主题：关于年终奖发放的通知\n\n各位同事：\n今年的年终奖将于1月15日随工资发放。\n\n人力资源部", "email"),
        ("尊敬的客户：\n您的账户将于本月底升级。\n升级期间网银暂停服务。\n某某银行", "email"),
        ("Subject: 账户安全提醒\n您好，\n请勿向任何人透露验证码。", "email"),
        # a chat's speaker label is followed by what the speaker says
        ("客服：您好，请问有什么可以帮您\n我：我的订单没到\n客服：我帮您查一下", "dialogue"),
        ("喂你好\n嗯你哪位\n我是快递员你的件到了", "dialogue"),
    ],
)
def test_detect_kind_tells_a_letter_from_a_conversation(text: str, kind: str) -> None:
    assert detect_kind(text) == kind
