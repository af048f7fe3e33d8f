"""The engine's fast paths change nothing: gates on == gates off, trusted construction == validation.

The texts are our own (no corpus text): a few dozen short messages, normal and scam-like, each also written in
traditional characters, full-width, spaced out, split by emoji and symbols, with look-alike letters, with numbers
spelled out, upper case, padded, several on one input over lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from fanzha.domain import Evidence, Verdict
from fanzha.screen.engine import Engine
from fanzha.text import normalize

BASES = [
    "您好，您的快递已到达小区驿站，请凭取件码5-2-1803领取。",
    "我是市公安局民警，你的账户涉嫌洗钱，请立即把资金转入安全账户配合调查。",
    "刷单返利，日赚三百，动动手指就能赚钱，加微信abc12345详聊。",
    "【招商银行】验证码482913，您正在进行网银转账操作，切勿告知他人。",
    "明天下午三点在二楼会议室开会，记得带上季度报表。",
    "点击链接 http://icbc-secure.top/login 领取个人养老补贴，逾期作废。",
    "有问题请拨打客服电话13812345678，我们会尽快处理。",
    "请下载会议软件并开启屏幕共享，我帮你操作退款。",
    "内部消息，跟着老师投资理财，稳赚不赔，保证月收益30%。",
    "亲爱的会员，全场五折起，满200减30，回T退订。",
    "妈，我手机丢了，这是我新号码，急需两万块钱交学费，先转我一下。",
    "您的征信有不良记录，需要注销校园贷账户，否则影响个人信用。",
    "低息贷款，无抵押秒到账，先交500元保证金即可放款。",
    "恭喜您获得游戏皮肤抽奖资格，登录www.game-gift.xyz领取。",
    "晚上一起吃饭吗？我订了七点的位子。",
    "公安机关不会通过电话要求转账，凡是要求转入安全账户的都是诈骗。",
    "你好，我是王总，明天来我办公室一趟，先帮我给这个账户转3万元。",
    "加qq 987654321 带你玩彩票，稳赢不亏。",
    "工商银行卡号6222020200112233445，户名张三，转账到这个账户。",
    "小区停水通知：明天9:00-17:00检修管道，请提前储水。",
    "Your package is on hold, visit paypal-verify.com to confirm.",
    "京东客服：您的订单退款失败，请添加客服微信jd-kefu88处理。",
    "宝贝我在国外维和部队，需要你帮我交一笔手续费才能回国见你。",
    "本店代开各类发票，诚信经营，联系电话0755-12345678。",
]


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def _traditional(s: str) -> str:
    opencc = pytest.importorskip("opencc")
    return str(opencc.OpenCC("s2t").convert(s))


def _spaced(s: str) -> str:
    return " ".join(s)


def _emoji_split(s: str) -> str:
    return "".join(c + ("😀" if i % 3 == 1 else "") for i, c in enumerate(s))


def _symbols(s: str) -> str:
    return "".join(c + ("-" if i % 4 == 2 else ("*" if i % 5 == 3 else "")) for i, c in enumerate(s))


def _lookalike(s: str) -> str:
    return s.replace("a", "а").replace("o", "о").replace("e", "е")  # Cyrillic letters


def _spelled_numbers(s: str) -> str:
    return s.translate(str.maketrans("0123456789", "零一二三四五六七八九"))


TRANSFORMS: list[Callable[[str], str]] = [
    lambda s: s,
    _fullwidth,
    _traditional,
    _spaced,
    _emoji_split,
    _symbols,
    _lookalike,
    _spelled_numbers,
    str.upper,
    lambda s: f"  \t{s}\u200b \n",
    lambda s: s[: max(2, len(s) // 4)],
]


def own_texts() -> list[str]:
    texts = [t(b) for b in BASES for t in TRANSFORMS]
    texts += ["\n".join(p) for p in itertools.islice(itertools.combinations(BASES, 3), 0, None, 37)]
    texts += ["ok", "嗯", "？？？", "1", "www", "a@b", "😀😀", "转账", "退订", "12345678901234567890"]
    return [t for t in dict.fromkeys(texts) if t.strip()]


def test_own_texts_are_varied() -> None:
    texts = own_texts()
    assert len(texts) >= 250
    assert any("\n" in t for t in texts) and any("😀" in t for t in texts) and any("賬戶" in t for t in texts)


def test_trusted_verdicts_equal_validated(engine_full: Engine) -> None:
    """Verdict / Evidence are built without validation on the hot path: validating their dump gives them back."""
    verdicts = engine_full.screen_many(own_texts())
    n_ev = 0
    for v in verdicts:
        assert Verdict.model_validate(v.model_dump()) == v
        for e in v.evidence:
            assert Evidence.model_validate(e.model_dump()) == e
            assert list(e.__dict__) == list(Evidence.model_fields)
            n_ev += 1
        assert list(v.__dict__) == list(Verdict.model_fields)
    assert n_ev > len(verdicts)


def test_normalize_is_stable_on_own_texts() -> None:
    for t in own_texts():
        n = normalize(t)
        assert len(n.offsets) == len(n.text)
        assert all(0 <= o < len(t) for o in n.offsets)


def test_brand_prefilter_equals_regex_scan() -> None:
    """check._claimed_brands tries the brand regex only where a name occurs: same brands as a full finditer."""
    import sys

    check = sys.modules["fanzha.indicators.check"]
    rx, index = check._brand_names()
    extra = ["ICBC官网", "Apple ID被锁", "apple idx", "ＩＣＢＣ客服", "a12306", "12306订票", "5173元", "\u212a12306",
             "中国工商银行工商银行", "苹果客服Apple Id", "建设银行建行ccb", "ΑΒΓ建设银行"]  # fmt: skip
    texts = own_texts() + extra
    found = 0
    for t in texts:
        want = {index[m.group().lower()] for m in rx.finditer(t)}
        assert check._claimed_brands(t) == want, t
        found += bool(want)
    assert found >= 10


def test_explanations_appended_equal_a_full_rebuild(engine_full: Engine) -> None:
    """screen_many adds the model's n-grams to the verdict it already built; rebuilding it from scratch with the
    explained model output gives the same verdict."""
    if engine_full.model is None:
        pytest.skip("no model artifact installed")
    texts = own_texts()
    eng = engine_full
    prepared = [eng._prepare(t, "auto") for t in texts]
    inds = [eng._indicator_evidence(p) for p in prepared]
    plain = eng._model_outputs([p.n.text for p in prepared], explain=False)
    explained = eng._model_outputs([p.n.text for p in prepared], explain=True)
    n_feat = 0
    for p, ie, o_plain, o_exp in zip(prepared, inds, plain, explained, strict=True):
        assert o_plain is not None and o_exp is not None
        first = eng._verdict(p, o_plain, ie)
        fast = eng._with_explanation(first, p, o_plain, o_exp, ie)
        assert fast.model_dump() == eng._verdict(p, o_exp, ie).model_dump()
        n_feat += len(o_exp.features) > 0
    assert n_feat >= 20  # the comparison covered verdicts that did get n-grams


def test_screen_many_restores_the_garbage_collector(engine_rules_only: Engine) -> None:
    import gc

    assert gc.isenabled()
    engine_rules_only.screen_many(own_texts()[:20])
    assert gc.isenabled()
    gc.disable()
    try:
        engine_rules_only.screen_many(own_texts()[:20])
        assert not gc.isenabled()
    finally:
        gc.enable()
