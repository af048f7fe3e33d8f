"""Indicator evidence under evasions (繁体, 全角, spaced-out text, look-alike letters): the indicators are read in the
raw and in the normalised text, with spans in the ORIGINAL text. Every text here failed before that (raw text only,
engine gate on the raw text)."""

from __future__ import annotations

import pytest

from fanzha.domain import Evidence
from fanzha.indicators import screening_evidence
from fanzha.screen.engine import Engine, _load_indicators
from fanzha.screen.rules import RuleSet
from fanzha.text import normalize


def _ids(text: str) -> set[str]:
    """The evidence ids (a signal seen twice, e.g. SCREEN_SHARE_REQUESTED after APP_SCREEN_SHARE, weighs 0)."""
    return {e.id for e in screening_evidence(text)}


def _spans_ok(text: str, ev: list[Evidence]) -> None:
    for e in ev:
        assert e.span is not None and text[e.span[0] : e.span[1]] == e.matched, (text, e)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # 繁体: the bank named in traditional characters still contradicts the card's BIN (an ABC card)
        ("您好，這裡是建設銀行客服，請將資金轉入以下帳戶：6228480402564890018", {"CARD_BIN_MISMATCH", "CARD_PAYEE"}),
        ("請先下載釘釘，再開啟螢幕共享給客服看一下", {"APP_SCREEN_SHARE", "SCREEN_SHARE_REQUESTED"}),
        ("客服讓我下載矚目會議", {"APP_SCREEN_SHARE"}),
        ("【建設銀行】您的E令即將過期，請登錄 e-ling-update.com 更新", {"URL_CLAIMED_BRAND_NOT_OFFICIAL"}),
        # spaced out
        ("建 设 银 行 通 知 ： 请 转 账 到 6228 4804 0256 4890 018", {"CARD_BIN_MISMATCH", "CARD_PAYEE"}),
        ("请 下 载 钉 钉 ， 打 开 屏 幕 共 享", {"APP_SCREEN_SHARE"}),
        ("我 是 公 安 局 民 警 ， 请 拨 打 13812345678", {"PHONE_MOBILE_CLAIMS_OFFICIAL"}),
        # emoji inside a brand name
        ("建😀设银行：请转账到卡号6228480402564890018", {"CARD_BIN_MISMATCH", "CARD_PAYEE"}),
        # look-alike letters in the scheme hide the host from the raw reading; 。 as the dot
        ("请点击 httр://taobao-refund。cc/pay 办理退款", {"URL_BRAND_LOOKALIKE", "URL_ABUSED_TLD"}),
    ],
)
def test_evaded_texts_keep_their_evidence(text: str, want: set[str]) -> None:
    ev = screening_evidence(text)
    assert want <= {e.id for e in ev}
    assert sum(e.weight for e in ev) > 0
    _spans_ok(text, ev)


def test_evidence_spans_point_at_the_original_characters() -> None:
    text = "请 下 载 钉 钉 ， 打 开 屏 幕 共 享"
    ev = {e.id: e for e in screening_evidence(text)}
    assert ev["APP_SCREEN_SHARE"].matched == "钉 钉"
    assert ev["SCREEN_SHARE_REQUESTED"].matched == "屏 幕 共 享"
    text = "请点击 httр://taobao-refund。cc/pay 办理退款"
    assert {e.matched for e in screening_evidence(text)} == {"httр://taobao-refund。cc/pay"}


def test_raw_reading_decides_what_normalisation_would_hide() -> None:
    # a Cyrillic і in an official-looking host: the normalised reading (icbc.com.cn) must not make it official
    ev = screening_evidence("登录 www.іcbc.com.cn 查看")
    assert {"URL_MIXED_SCRIPT", "URL_HOMOGLYPH"} <= {e.id for e in ev}
    assert all(e.weight > 0 for e in ev)
    # +86 in front of an official number and a Chinese-written domain: only the raw text keeps the + and the dot
    assert "PHONE_SPOOFED_OFFICIAL" in _ids("请拨打+86 95533")
    assert "URL_BRAND_LOOKALIKE" in _ids("访问 淘宝退款.cn")


def test_names_across_punctuation_are_not_names() -> None:
    # normalisation drops the comma: 施工行业 holds 工行 (工商银行), which the text does not name
    assert "URL_CLAIMED_BRAND_NOT_OFFICIAL" not in _ids("施工，行业新闻见 abc-shop.com")
    assert _ids("钉，钉子户的故事") == set()


@pytest.mark.parametrize(
    "text",
    [
        "工行提醒：官网 ｗｗｗ．ｉｃｂｃ．ｃｏｍ．ｃｎ 客服95588",
        "工商銀行提醒您：請勿向他人透露驗證碼，官網 www.icbc.com.cn",
        "明 天 下 午 3 点 开 会 ， 电 话 13812345678 找 我",
    ],
)
def test_evaded_normal_texts_stay_clean(text: str) -> None:
    assert sum(e.weight for e in screening_evidence(text)) <= 0


def test_normalized_input_equals_string_input() -> None:
    text = "您好，這裡是建設銀行客服，請將資金轉入以下帳戶：6228480402564890018"
    assert screening_evidence(normalize(text)) == screening_evidence(text)
    assert getattr(screening_evidence, "takes_normalized", False)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(RuleSet.load(), None, _load_indicators(), max_chars=10_000)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # 全角: the engine's gate read the raw text and let no full-width link through
        ("退款请登录 ｔａｏｂａｏ－ｒｅｆｕｎｄ．ｃｃ", "URL_BRAND_LOOKALIKE"),
        ("您的建設銀行賬戶異常，請轉賬到卡號6228 4804 0256 4890 018", "CARD_BIN_MISMATCH"),
        ("請點擊 httр://taobao-refund。cc/pay 辦理退款", "URL_BRAND_LOOKALIKE"),
    ],
)
def test_engine_indicator_evidence_under_evasions(engine: Engine, text: str, want: str) -> None:
    v = engine.screen(text)
    ev = [e for e in v.evidence if e.source == "indicator"]
    assert want in {e.id for e in ev}
    _spans_ok(text, ev)
