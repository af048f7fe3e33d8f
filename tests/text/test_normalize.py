"""normalize(): tables of evasions -> canonical text with the original span of the key word, negatives, properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.text import Normalized, normalize
from fanzha.text.normalize import load_disguises


def span_of(n: Normalized, key: str) -> str:
    """The ORIGINAL text under the first occurrence of ``key`` in the normalised text."""
    i = n.text.index(key)
    s, e = n.to_original(i, i + len(key))
    return n.original[s:e]


# (input, expected normalised text, key word in the normalised text, expected original text under it)
CASES = [
    # noise inside words
    ("请转入安 全 账 户", "请转入安全账户", "安全账户", "安 全 账 户"),
    ("请转入安-全-账-户", "请转入安全账户", "安全账户", "安-全-账-户"),
    ("请转入安😀全账户", "请转入安全账户", "安全账户", "安😀全账户"),
    ("请转入安*全*账*户", "请转入安全账户", "安全账户", "安*全*账*户"),
    ("立即转\u200d账", "立即转账", "转账", "转\u200d账"),
    ("立即转\u200b账", "立即转账", "转账", "转\u200b账"),
    ("刷\u0301单", "刷单", "刷单", "刷\u0301单"),
    ("刷｜单 返 利", "刷单返利", "刷单返利", "刷｜单 返 利"),
    ("安\n全\t账　户", "安全账户", "安全账户", "安\n全\t账　户"),
    ("安💰全🔥账❤️户", "安全账户", "安全账户", "安💰全🔥账❤️户"),
    ("【工商银行】您的账户异常", "工商银行您的账户异常", "账户", "账户"),
    # full-width, case
    ("ＱＱ：１２３４５６", "qq:123456", "123456", "１２３４５６"),
    ("加ＶＸ：ＡＢＣ１２３", "加微信abc123", "微信", "ＶＸ"),
    ("登录WWW.ICBC.COM.CN查看", "登录www.icbc.com.cn查看", "www.icbc.com.cn", "WWW.ICBC.COM.CN"),
    # traditional -> simplified (incl. phrase-level)
    ("請把錢轉到安全帳戶", "请把钱转到安全账户", "安全账户", "安全帳戶"),
    ("您的徵信有問題", "您的征信有问题", "征信", "徵信"),
    ("資金乾淨後返還", "资金干净后返还", "干净", "乾淨"),
    ("驗證碼請勿告訴他人", "验证码请勿告诉他人", "验证码", "驗證碼"),
    # contact-channel disguises
    ("加V信领取", "加微信领取", "微信", "V信"),
    ("加v信领取", "加微信领取", "微信", "v信"),
    ("加薇信领取", "加微信领取", "微信", "薇信"),
    ("维信联系我", "微信联系我", "微信", "维信"),
    ("徽信联系我", "微信联系我", "微信", "徽信"),
    ("加vx：kf8899", "加微信kf8899", "微信", "vx"),
    ("加 v x kf8899", "加微信kf8899", "微信", "v x"),
    ("wx号kf8899", "微信号kf8899", "微信号", "wx号"),
    ("加weixin详聊", "加微信详聊", "微信", "weixin"),
    ("加微xin详聊", "加微信详聊", "微信", "微xin"),
    ("加威信详聊", "加微信详聊", "加微信", "加威信"),
    ("加v详聊", "加微信详聊", "加微信", "加v"),
    ("扣扣55667788", "qq55667788", "qq", "扣扣"),
    ("抠抠号55667788", "qq号55667788", "qq", "抠抠"),
    ("Q Q 55667788", "qq 55667788", "qq", "Q Q"),
    ("Q Q号55667788", "qq号55667788", "qq号", "Q Q号"),
    ("企鹅号55667788", "qq号55667788", "qq号", "企鹅号"),
    ("用支 付 宝付款", "用支付宝付款", "支付宝", "支 付 宝"),
    ("用zhifubao付款", "用支付宝付款", "支付宝", "zhifubao"),
    ("用支fu宝付款", "用支付宝付款", "支付宝", "支fu宝"),
    # scam words
    ("在家shua单日结", "在家刷单日结", "刷单", "shua单"),
    ("在家刷dan日结", "在家刷单日结", "刷单", "刷dan"),
    ("在家刷 单日结", "在家刷单日结", "刷单", "刷 单"),
    ("招聘兼值宝妈", "招聘兼职宝妈", "兼职", "兼值"),
    ("招聘兼zhi宝妈", "招聘兼职宝妈", "兼职", "兼zhi"),
    ("招聘jianzhi宝妈", "招聘兼职宝妈", "兼职", "jianzhi"),
    ("拥金当天结", "佣金当天结", "佣金", "拥金"),
    ("无抵押代款秒批", "无抵押贷款秒批", "贷款", "代款"),
    ("无抵押贷kuan秒批", "无抵押贷款秒批", "贷款", "贷kuan"),
    ("正规dk平台", "正规贷款平台", "贷款", "dk"),
    ("办yhk送礼品", "办银行卡送礼品", "银行卡", "yhk"),
    ("告诉我验正码", "告诉我验证码", "验证码", "验正码"),
    ("把yzm发我", "把验证码发我", "验证码", "yzm"),
    ("我是gong安局的", "我是公安局的", "公安", "gong安"),
    ("先交保正金", "先交保证金", "保证金", "保正金"),
    ("账户已冻结需解dong", "账户已冻结需解冻", "解冻", "解dong"),
    ("上菠菜网站赢钱", "上博彩网站赢钱", "博彩网站", "菠菜网站"),
    ("约果聊吗", "约裸聊吗", "裸聊", "果聊"),
    ("打开网止查看", "打开网址查看", "网址", "网止"),
    ("打开taobao点com查看", "打开taobao.com查看", "taobao.com", "taobao点com"),
    ("打开icbc-verify点top", "打开icbc-verify.top", ".top", "点top"),
    ("打开taobao。com查看", "打开taobao.com查看", "taobao.com", "taobao。com"),
    ("登录www。icbc。com。cn", "登录www.icbc.com.cn", "www.icbc.com.cn", "www。icbc。com。cn"),
    ("Thank you。See you", "thank you see you", "you see", "you。See"),
    ("银彳亍卡号", "银行卡号", "银行卡", "银彳亍卡"),
    # scam keywords partly in pinyin, generated from pinyin_keywords.yaml
    ("您有ji分可duihuan现金", "您有积分可兑换现金", "积分可兑换", "ji分可duihuan"),
    ("需要chongzhi才能ji活", "需要充值才能激活", "充值", "chongzhi"),
    ("群友shou益全部免费", "群友收益全部免费", "收益", "shou益"),
    ("请尽快冲值会员", "请尽快充值会员", "充值", "冲值"),
    ("输入yan证码", "输入验证码", "验证码", "yan证码"),
    ("输入验zhengma", "输入验证码", "验证码", "验zhengma"),
    ("您的zhang户已冻结", "您的账户已冻结", "账户", "zhang户"),
    ("我是游戏ping台客服", "我是游戏平台客服", "平台", "ping台"),
    ("提高信用ka固定e度", "提高信用卡固定额度", "额度", "e度"),
    ("可以 dui huan 现金", "可以兑换现金", "兑换", "dui huan"),
    # homoglyphs and look-alike digits
    ("登录pаypal.com", "登录paypal.com", "paypal", "pаypal"),
    ("登录аpple.com", "登录apple.com", "apple", "аpple"),
    ("验证码①②③④", "验证码1234", "1234", "①②③④"),
    ("验证码¹²³", "验证码123", "123", "¹²³"),
    ("验证码1️⃣2️⃣3️⃣", "验证码123", "123", "1️⃣2️⃣3"),
    ("年化收уі达30%", "年化收益达30%", "收益", "收уі"),  # look-alikes only, glued to a Chinese character
    ("联系κе服", "联系客服", "客服", "κе服"),
    ("加ⓥⓧ", "加微信", "微信", "ⓥⓧ"),
    ("加𝐯𝐱", "加微信", "微信", "𝐯𝐱"),
    ("加v😀x", "加微信", "微信", "v😀x"),
    ("加Ｖ　Ｘ", "加微信", "微信", "Ｖ　Ｘ"),
    ("在家 shua dan", "在家刷单", "刷单", "shua dan"),
    ("转入an quan zhang hu", "转入安全账户", "安全账户", "an quan zhang hu"),
    ("⼈民币三千元", "人民币3000元", "人民币3000元", "⼈民币三千元"),
    ("扣扣：一二三四五六七八", "qq12345678", "12345678", "一二三四五六七八"),
    ("电话幺三八一二三四五六七八", "电话13812345678", "13812345678", "幺三八一二三四五六七八"),
    ("卡号陆贰贰贰零贰", "卡号622202", "622202", "陆贰贰贰零贰"),
    # numerals in amounts
    ("被骗三万元", "被骗30000元", "30000元", "三万元"),
    ("转了2.5万", "转了25000", "25000", "2.5万"),
    ("共八千八块", "共8800块", "8800块", "八千八块"),
    ("损失叁万", "损失30000", "30000", "叁万"),
    ("损失參萬元", "损失30000元", "30000元", "參萬元"),
    ("借了一千五元", "借了1500元", "1500元", "一千五元"),
    ("投了十万八千", "投了108000", "108000", "十万八千"),
    ("先转两万", "先转20000", "20000", "两万"),
    ("佣金1.2w", "佣金12000", "12000", "1.2w"),
    ("本金3k", "本金3000", "3000", "3k"),
    ("被骗5万多元", "被骗50000多元", "50000多元", "5万多元"),
    ("付¥1,200.50", "付¥1,200.50", "1,200.50", "1,200.50"),
    ("额度3-5万", "额度30000-50000", "30000-50000", "3-5万"),
    ("损失1万-3万元", "损失10000-30000元", "10000-30000元", "1万-3万元"),
    ("只要三块五", "只要3块5", "3块5", "三块五"),
    ("三到五万块", "30000-50000块", "30000-50000块", "三到五万块"),
    ("收益20%以上", "收益20%以上", "20%", "20%"),
    # ASCII words
    ("Call me now. OK?", "call me now ok", "call me now", "Call me now"),
    ("邮箱test.user@qq.com", "邮箱test.user@qq.com", "test.user@qq.com", "test.user@qq.com"),
    ("http://t.cn/A6x9Qz 点击", "http://t.cn/a6x9qz点击", "http://t.cn/a6x9qz", "http://t.cn/A6x9Qz"),
]


@pytest.mark.parametrize(("raw", "expected", "key", "orig"), CASES)
def test_normalize_table(raw: str, expected: str, key: str, orig: str) -> None:
    n = normalize(raw)
    assert n.text == expected
    assert span_of(n, key) == orig
    assert len(n.offsets) == len(n.text)


NEGATIVES = [
    "微微一笑很倾城",
    "他代表公司出席",
    "这会带来很多好处",
    "一切正常",
    "他在班上很有威信",
    "妈妈做了菠菜汤",
    "薇薇安今天生日",
    "货款已经结清",
    "我们一起去吧",
    "万一下雨怎么办",
    "千万不要告诉别人",
    "三番五次地打扰",
    "参加会议",
    "帐篷放在车上",
    "口口声声说爱我",
    "今天走了一万步",
    "十万火急",
    "一二三四",
    "三五成群",
    "α粒子和β射线",
    "他说привет你好",
]


@pytest.mark.parametrize("raw", NEGATIVES)
def test_ordinary_words_survive(raw: str) -> None:
    assert normalize(raw).text == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("打开weixin.qq.com下载", "打开weixin.qq.com下载"),  # no disguise mapping inside a domain
        ("wxid_abc123", "wxid_abc123"),
        ("dkny包包", "dkny包包"),
        ("版本v3.2.1", "版本v3.2.1"),
        ("电话138-1234-5678", "电话138-1234-5678"),
        ("卡号6222 0212 3456 7890", "卡号6222 0212 3456 7890"),
        ("I am here", "i am here"),
        ("a b c", "abc"),
        ("2023年3月5日10:30", "2023年3月5日10:30"),
    ],
)
def test_ascii_kept_apart(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_empty_and_offsets_contract() -> None:
    n = normalize("")
    assert (n.text, n.offsets, n.to_original(0, 0)) == ("", (), (0, 0))
    n = normalize("😀 😀")
    assert n.text == "" and n.offsets == ()
    n = normalize("请加V信：abc")
    s, e = n.to_original(0, len(n.text))
    assert (s, e) == (0, len(n.original))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("登录edu.cn查看", "登录edu.cn查看"),  # short whole-word pinyin (e du) is never mapped
        ("游戏youxi888", "游戏youxi888"),  # `mixed:` keywords: no whole-word pinyin
        ("访问jifen.example.com", "访问jifen.example.com"),  # not inside a domain
        ("用户名xjifen", "用户名xjifen"),  # not inside a Latin word
    ],
)
def test_pinyin_keywords_leave_latin_words_alone(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_pinyin_keyword_file_is_sane() -> None:
    from fanzha.text.normalize import load_pinyin_keywords, pinyin_variants

    table = load_pinyin_keywords()
    assert len(table) > 80
    assert pinyin_variants("积分", ("ji", "fen"), True) == ["ji分", "积fen", "jifen", "ji fen"]
    assert pinyin_variants("额度", ("e", "du"), True) == ["e度", "额du"]  # whole word under 5 letters: not mapped
    for word, (syllables, whole) in table.items():
        for v in pinyin_variants(word, syllables, whole):
            got = normalize(f"请{v}好").text
            assert got in (f"请{word}好", f"请{v}好"), (v, got)  # mapped, or left to a disguises.yaml entry


def test_disguise_file_is_sane() -> None:
    table = load_disguises()
    assert len(table) > 40
    seen: dict[str, str] = {}
    for canon, variants in table.items():
        assert variants, canon
        for v in variants:
            assert v == v.lower(), v
            assert v not in seen or seen[v] == canon, v
            seen[v] = canon
    for bad in ("薇", "代表", "带来", "正常", "正信", "货款", "菠菜", "威信"):
        assert bad not in seen, bad


def test_every_variant_maps_to_its_canonical() -> None:
    for canon, variants in load_disguises().items():
        for v in variants:
            text = f"ab{v}/p" if canon.startswith(".") else f"请{v}好"
            got = normalize(text).text
            want = f"ab{canon}/p" if canon.startswith(".") else f"请{canon}好"
            assert got == want, (v, got)


# ----------------------------------------------------------------------------------------------- properties


def _check(n: Normalized) -> None:
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < len(n.original) for o in n.offsets)
    assert all(a <= b for a, b in zip(n.offsets, n.offsets[1:], strict=False))
    for i in range(0, len(n.text), 7):
        s, e = n.to_original(i, i + 3)
        assert 0 <= s < e <= len(n.original)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300))
def test_never_crashes_any_unicode(s: str) -> None:
    _check(normalize(s))


_ORDINARY = st.text(
    alphabet=st.sampled_from(
        list("安全账户转刷单微信支付宝公检法贷款验证码一二三万千元块我你他的了是在和abcxyzqvw0123456789 ，。！、.:-@")
        + ["Q", "V", "😀", "\u200b", "萬", "帳", "乾"]
    ),
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(_ORDINARY)
def test_properties_on_ordinary_text(s: str) -> None:
    n = normalize(s)
    _check(n)
    assert normalize(n.text).text == n.text  # idempotent


def test_huge_and_control_input() -> None:
    big = ("安 全 账 户😀转账三万元，加vx：abc。\x00\x07\r\n" * 4000)[:100_000]
    n = normalize(big)
    _check(n)
    assert n.text.count("安全账户") == big.count("安 全 账 户")
    weird = "".join(chr(c) for c in range(0, 0x3000, 7) if not 0xD800 <= c <= 0xDFFF)
    _check(normalize(weird))


_TOKENS = [v for vs in load_disguises().values() for v in vs] + list(load_disguises())
_TOKENS += [
    *"安全账户转一二三万千元块abcxyz0123456789 ，。.:-@%¥",
    "三万元",
    "2.5万",
    "八千八",
    "taobao",
    "http://",
    "Q Q",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=12).map("".join))
def test_idempotent_on_disguise_soup(s: str) -> None:
    n = normalize(s)
    _check(n)
    assert normalize(n.text).text == n.text


def test_lone_surrogates_and_wrong_type() -> None:
    n = normalize("安\ud800全\udfff账户")
    assert n.text == "安全账户"
    _check(n)
    with pytest.raises(TypeError, match="needs a str"):
        normalize(b"bytes")  # type: ignore[arg-type]


def test_fold_is_one_to_one() -> None:
    n = normalize("İSTANBUL ǅ ﬁ ẞ")
    _check(n)
    assert n.text.startswith("istanbul")
