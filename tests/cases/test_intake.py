"""Case intake: amount roles (traps), payee vs own card, fraudster vs official/own numbers, channels, hostile input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.cases import extract as extract_from_package
from fanzha.cases.intake import CaseElements, extract

REP = "2024-03-08 10:20"  # a Friday


def amount(text: str) -> Decimal | None:
    return extract(text, reported_at=REP).amount_yuan


# ------------------------------------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报案人先转了500，又转了3000，最后转了2万", "23500"),
        ("报案人向对方转账五千元", "5000"),
        ("报案人充值2.5万元", "25000"),
        ("报案人通过网银转账¥1,200.50", "1200.50"),
        ("报案人汇款叁万元整", "30000"),
        ("报案人扫码付款叁仟伍佰元整", "3500"),
        ("先后充值800元、2,000元、6,600元", "9400"),
        ("分两次转账1500元和3500元到对方账户", "5000"),
        ("报案人共充值四次，分别为：1万元、2万元、2万元、5万元", "100000"),
        ("其卡内的3,560.00元被转走", "3560"),
        ("卡内被盗刷2万元", "20000"),
        ("收到银行短信提示卡内被消费了9,999.00元", "9999"),
        ("报案人将卡内的15万元分两次转到对方指定的账户", "150000"),
        ("按对方要求将现金8万元当面交给一名男子", "80000"),
        ("报案人从网贷平台借出3万元和2万元，全部转入对方提供的银行卡", "50000"),
        ("报案人取出现金20万元，按对方要求交给上门取钱的男子", "200000"),
        ("对方让其通过支付宝转账2万元，报案人照做。", "20000"),
        ("第三单要求垫付1.5万元，报案人转完后对方失联", "15000"),
        ("对方让其分别付了300元和800元", "1100"),
        ("報案人於6月10日分兩次轉賬5萬元、12萬元", "170000"),
        ("报案人共转账6笔，合计87,600元", "87600"),
        ("报案人共计损失10万元", "100000"),
    ],
)
def test_payments_are_summed(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # promised returns, balances, limits, prices, loans are not losses
        ("对方承诺返利30%，日赚500元，报案人转了1000元", "1000"),
        ("平台显示收益20余万元，报案人此前充值5万元", "50000"),
        ("其卡内余额5万元，被对方分两笔转走4.6万元", "46000"),
        ("可以把信用卡额度提升到5万元，报案人转账手续费500元", "500"),
        ("申请贷款10万元后，报案人交了保证金3000元", "3000"),
        ("卖家只卖2800元，报案人付款2800元", "2800"),
        ("价格谈好1500元，报案人向账户转账8800元", "8800"),
        ("APP显示已放款5万元但被冻结，报案人转了5000元", "5000"),
        # demanded but not paid
        ("对方要求再交5万元才能提现，报案人发现被骗。报案人此前转了2万元", "20000"),
        ("对方要求转账1万元，报案人未转并报警。报案人之前转了1999元", "1999"),
        ("对方让她先转3万元。报案人当晚转了三万元", "30000"),
        # refunds / commissions received are netted out
        ("对方先返了50元，报案人先转了500，又转了3000，最后转了2万", "23450"),
        ("报案人赚了15元、30元佣金，后扫码付款1000元、3800元", "4755"),
        ("第一单垫付100元返还了130元，第二单垫付2000元", "1970"),
        ("报案人合计转账人民币三十五万元，其间提现成功过一次2万元", "330000"),
        ("第一次充了1000元，赢了500元并成功提现，第二次充值1万元", "10500"),
        # a fake "I already sent you money" screenshot is not money received
        ("对方发来截图称已转给报案人5万元。报案人向账户打款4.8万元", "48000"),
    ],
)
def test_traps(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "对方自称信用卡中心，说可以把额度提升到5万元，需要先缴纳手续费500元，报案人没有转账",
        "对方承诺收益5万元，报案人卡里有10万元，未转账",
        "报案人接到电话后觉得可疑，直接来派出所咨询",
    ],
)
def test_no_payment_no_amount(text: str) -> None:
    assert amount(text) is None


def test_transfers_carry_payee_and_evidence_spans() -> None:
    text = "报案人于3月5日通过手机银行向对方提供的银行卡6222021895559797115转账8000元，3月6日又转了5000元。"
    el = extract(text, reported_at=REP)
    assert [t.amount_yuan for t in el.transfers] == [Decimal(8000), Decimal(5000)]
    assert el.transfers[0].payee_account == "6222021895559797115"
    assert el.transfers[0].time == "2024-03-05"
    assert el.transfers[1].time == "2024-03-06"
    for t in el.transfers:
        assert text[t.span[0] : t.span[1]] == t.raw
    for e in el.evidence:
        if e.span is not None and e.field in ("phones", "bank_cards", "payee_accounts", "occurred_at"):
            assert text[e.span[0] : e.span[1]] != ""


# ------------------------------------------------------------------------------------------------ roles of numbers


def test_own_card_is_not_a_payee() -> None:
    text = "报案人填写后，其本人的工商银行卡6222621590109288内的46000元被分三次转走。"
    el = extract(text, reported_at=REP)
    assert el.bank_cards == [] and el.payee_accounts == []
    assert [o.value for o in el.other_numbers if o.role == "victim"] == ["6222621590109288"]
    assert el.amount_yuan == Decimal(46000)


def test_payee_card_vs_own_card_in_one_narrative() -> None:
    text = (
        "报案人按要求将其建设银行卡里的8万元转到所谓的监管账户6217000261401419314。"
        "其本人工商银行卡号为6222621590109288。"
    )
    el = extract(text, reported_at=REP)
    assert el.payee_accounts == ["6217000261401419314"]
    assert "6222621590109288" not in el.bank_cards


def test_alipay_account_written_as_phone_is_a_payee_not_a_phone() -> None:
    text = "对方发短信（号码：14712345678）让其通过支付宝向账号13698765432转账2万元，报案人照做。"
    el = extract(text, reported_at=REP)
    assert "13698765432" in el.payee_accounts
    assert "13698765432" not in el.phones


def test_victims_own_phone_and_official_numbers_are_not_fraudster_phones() -> None:
    text = (
        "报案人（手机号13812345678）称，接到号码为15098765432的来电。"
        "后报案人拨打96110咨询，又拨打工商银行客服95588查询才知被骗。报案人自己的电话是18800001234。"
    )
    el = extract(text, reported_at=REP)
    assert el.phones == ["15098765432"]
    roles = {o.value: o.role for o in el.other_numbers}
    assert roles.get("13812345678") == "victim" and roles.get("18800001234") == "victim"
    assert roles.get("95588") == "official"


def test_spoofed_official_number_on_an_incoming_call_is_kept() -> None:
    el = extract("报案人称今天下午2点接到显示为95566的来电，对方自称中国银行工作人员", reported_at=REP)
    assert el.phones == ["95566"]


def test_victims_own_wechat_is_excluded() -> None:
    el = extract("对方加了报案人的微信（报案人微信号：lily_2024，对方微信号：army_zhang77）", reported_at=REP)
    assert el.wechat == ["army_zhang77"]


# ------------------------------------------------------------------------------------------------ channels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报案人接到一个陌生来电", ["电话"]),
        ("报案人收到一条短信，点击链接后", ["短信", "网站"]),
        ("对方加了报案人QQ，后转到微信聊天", ["QQ", "微信"]),
        ("在抖音直播间认识一名理财导师", ["短视频平台"]),
        ("在婚恋网站上认识一名男子", ["交友平台", "网站"]),
        ("在王者荣耀游戏里看到有人卖皮肤", ["游戏平台"]),
        ("收到一封邮件", ["邮件"]),
        ("有人上门推销保健品", ["线下"]),
        ("对方让其下载一个软件", ["APP"]),
        # impersonated brands and payment means are not channels; nor is the victim checking afterwards
        ("接到自称抖音客服的电话", ["电话"]),
        ("报案人用其母亲的微信扫码付了1000元", []),
        ("后与老板电话核实发现被骗", []),
        ("收到银行短信提示卡内被消费", []),
    ],
)
def test_channels(text: str, expected: list[str]) -> None:
    assert extract(text, reported_at=REP).channels == expected


# ------------------------------------------------------------------------------------------------ time and record


def test_occurred_at_is_the_first_event() -> None:
    text = "报案人称今天上午10点发现被骗。昨天下午三点接到电话，当晚八点转账5000元。"
    el = extract(text, reported_at=REP)
    assert el.occurred_at_str() == "2024-03-07 15:00"
    assert el.to_record("x")["elements"]["occurred_at"] == "2024-03-07 15:00"


def test_future_dates_are_not_the_occurrence() -> None:
    el = extract("报案人称对方约定下周五再联系，3月5日转账3000元", reported_at=REP)
    assert el.occurred_at_str() == "2024-03-05"


def test_record_shape() -> None:
    rec = extract("报案人称昨天接到电话13912345678后转账5000元", reported_at=REP).to_record("c1")
    assert set(rec) == {"id", "type", "elements"}
    assert rec["id"] == "c1"
    assert list(rec["elements"]) == [
        "amount_yuan", "occurred_at", "channels", "phones", "qq", "wechat", "urls", "bank_cards", "apps",
        "payee_accounts",
    ]  # fmt: skip
    assert rec["elements"]["amount_yuan"] == 5000 and isinstance(rec["elements"]["amount_yuan"], int)
    assert rec["elements"]["phones"] == ["13912345678"]


def test_package_level_alias() -> None:
    assert extract_from_package is extract


def test_elements_are_frozen() -> None:
    el = extract("报案人转账5000元", reported_at=REP)
    with pytest.raises(ValueError):
        el.amount_yuan = Decimal(1)  # type: ignore[misc]


# ------------------------------------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "\x00\x01\x02\ufffd\udcff",
        "报案人转账" * 20_000,  # 100k characters
        "1" * 100_000,
        "😀" * 5000 + "转了500",
        "转账" + "、".join(["5万"] * 3000),
        bytes(range(256)).decode("latin-1"),
    ],
)
def test_hostile_input_does_not_crash(text: str) -> None:
    el = extract(text, reported_at=REP)
    assert isinstance(el, CaseElements)
    el.to_record(1)


def test_bad_reported_at_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        extract("报案人转账5000元", reported_at="yesterday")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报案人给对方转过去两千，又转了八百", "2800"),
        ("报案人在ATM机上向对方账户存入现金2万元", "20000"),
        ("报案人花了五百块买了游戏装备", "500"),
        ("报案人转账3次共计3万元", "30000"),
        ("本案涉案金额人民币5万余元", "50000"),
        ("报案人被骗5万多元，其中2万元是向朋友借的", "50000"),
        ("报案人转了5000元。对方让其再转3000元，报案人拒绝", "5000"),
        ("报案人转账两次、共计2万元", "20000"),
    ],
)
def test_more_written_forms(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


def test_numbers_inside_brackets_are_found() -> None:
    """Works around the shared extractor missing a number written right inside （）."""
    el = extract("接到一个电话（19800001111），对方加了报案人QQ（2849376150）", reported_at=REP)
    assert el.phones == ["19800001111"] and el.qq == ["2849376150"]
    el = extract("電話（１７６２０３４５６７８），", reported_at=REP)
    assert el.phones == ["17620345678"]


def test_family_members_numbers_are_victim_side() -> None:
    el = extract("报案人儿子的电话13712345678。对方用13998765432给报案人打电话", reported_at=REP)
    assert el.phones == ["13998765432"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对方又要求交保密金1200元，报案人交了之后对方失联", "1200"),
        ("先投入1万元，第二天提现3000元成功到账，报案人随即追加投资5万元、10万元", "157000"),
        ("报案人分三次转了八百、两千、五千五", "8300"),
        ("报案人通过支付宝转给对方5000元，对方当天还了1000元", "4000"),
        ("报案人准备到银行转账5万元时被银行工作人员劝阻，未造成损失", None),
    ],
)
def test_compliance_withdrawals_and_lists(text: str, expected: str | None) -> None:
    assert amount(text) == (None if expected is None else Decimal(expected))


def test_plus_00_caller_id() -> None:
    assert extract("接到一个“+008613912345678”的来电", reported_at=REP).phones == ["13912345678"]


def test_report_day_counts_whole_when_only_a_date_is_given() -> None:
    el = extract("报案人称今天上午10点接到电话，转账5000元", reported_at="2024-03-08")
    assert el.occurred_at_str() == "2024-03-08 10:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我先垫了300，又垫了1500，又转了1万5", "16800"),
        ("被两名陌生人以消灾为由骗走金项链一条及现金3000元", "3000"),
        ("先后充值了2000元、5000元，中途提现了500元到账，后来再充了一万块", "16500"),
        ("报案人转了5000元到账户6222021895559797115", "5000"),
    ],
)
def test_colloquial_payments(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


def test_street_contact_is_offline() -> None:
    assert extract("在小区门口被两名陌生人骗走现金3000元", reported_at=REP).channels == ["线下"]


def test_moved_balance_is_a_payment() -> None:
    assert amount("报案人随后把卡里的存款3.6万元全部转到对方的账户") == Decimal(36000)


def test_card_typed_into_a_phishing_page_is_the_victims() -> None:
    el = extract("报案人打开链接后按提示输入了银行卡号6222021895559797115和验证码，随后被扣款8000元", reported_at=REP)
    assert el.bank_cards == [] and el.payee_accounts == []
    assert el.amount_yuan == Decimal(8000)


def test_moments_is_wechat() -> None:
    assert extract("报案人在朋友圈看到低价转让的演唱会门票", reported_at=REP).channels == ["微信"]


def test_instruction_with_destination_and_no_refusal_counts_as_paid() -> None:
    text = "对方以交保证金为由，让其先后转账1万元、2万元至对方账户6236689481131144028。"
    assert amount(text) == Decimal(30000)
    # but not when a refusal is recorded, nor when something else was paid
    assert amount("对方让其转账1万元至对方账户，报案人觉得可疑，未转账") is None
    assert amount("报案人转了500元。对方又让其转账1万元至对方账户") == Decimal(500)


def test_background_dates_are_not_the_occurrence() -> None:
    text = "报案人称其2019年读大学时曾在网贷平台借过款。前天下午接到自称银保监会的电话，称需注销校园贷账户，报案人转账3万元。"
    assert extract(text, reported_at=REP).occurred_at_str() == "2024-03-06"
    # when only the background is dated, it is still shown (the officer corrects it)
    assert extract("报案人2019年3月读大学时曾注册过网贷账户", reported_at=REP).occurred_at_str() == "2019-03-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("报案人按要求购买了5张面值1000元的京东E卡，并将卡密发给对方", "5000"),
        ("报案人充值了520元后提现了600元，随后又充值了3000元、8000元", "10920"),
        ("报案人将存款共计31.5万元集中转到其本人的建设银行卡上，后通过快递将装有现金10万元的包裹寄到广州", "100000"),
        ("卡内余额12,345.67元中的12,000元被转走", "12000"),
        ("收到一条积分可兑换288元现金红包的短信，随后卡内被扣款1000元", "1000"),
        ("我前后往里面打了三次钱，第一次两万，第二次五万，第三次八万，现在提不出来", "150000"),
    ],
)
def test_counts_own_accounts_and_ordinals(text: str, expected: str) -> None:
    assert amount(text) == Decimal(expected)


def test_reporters_own_contact_is_not_a_phone_nor_a_channel() -> None:
    el = extract("报案人张某（联系电话：13511112233）称，2月8日在QQ上被“老同学”借钱", reported_at=REP)
    assert el.phones == [] and el.channels == ["QQ"]
    el = extract("我叫刘某，电话是18712345678。我在抖音刷到一个直播", reported_at=REP)
    assert el.phones == [] and el.channels == ["短视频平台"]


def test_quoted_download_is_an_app_and_bracketed_wechat_is_found() -> None:
    el = extract("加了她的助理微信（zhuli_520），她让我下了个“牛股宝典”", reported_at=REP)
    assert el.wechat == ["zhuli_520"]
    assert el.apps == ["牛股宝典"] and "APP" in el.channels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "让报案人通过微信扫码向其支付保证金1500元。报案人支付后，对方又陆续让报案人付款2000元、3000元，报案人均已支付。",
            "6500",
        ),
        ("对方称办卡需先交手续费2980元，报案人于6月2日通过微信转账支付。", "2980"),
        (
            "又让其转入1万元到指定账户（户名：陈某，卡号6228484806358178396），承诺办卡后退还，报案人照做后对方失联。"
            "此前报案人已转账500元",
            "10500",
        ),
        ("卖家让其先支付650元，报案人扫码付了650元，对方又称需要换绑费300元，报案人再次付款后，对方将其删除。", "950"),
        ("对方称需要换绑费300元，报案人没有理会", None),
    ],
)
def test_victim_complied_later(text: str, expected: str | None) -> None:
    assert amount(text) == (None if expected is None else Decimal(expected))


def test_platform_named_as_the_subject_of_a_lie_is_not_a_channel() -> None:
    el = extract("接到自称客服的电话，称其抖音账号开通了直播带货会员，每月将扣款500元", reported_at=REP)
    assert el.channels == ["电话"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10月25日首次入金5万元，11月获利后提现成功2万元，12月又先后入金20万元、30万元", "530000"),
        ("2月25日下午，一名年轻男子上门取走现金6万元", "60000"),
        ("对方让其在借呗借款1万元转给对方", "10000"),
        ("报案人在ATM机向对方提供的账户6222627491186252761存款1万元", "10000"),
        ("其卡内有存款8万元，未受损失", None),
    ],
)
def test_deposits_borrowing_and_cash_taken(text: str, expected: str | None) -> None:
    assert amount(text) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    "text", ["加了博主的微信（ID：gold_master88）。", "對方微信號：gold_master88，", "微信id:gold_master88"]
)
def test_wechat_labels_the_shared_extractor_misses(text: str) -> None:
    assert extract(text, reported_at=REP).wechat == ["gold_master88"]


_PIECES = ["报案人", "转了", "转账", "500", "两千", "元", "，", "。", "（", "）", "微信", "QQ", "13912345678",
           "6222021895559797115", "昨天", "下午三点", "3月5日", "共计", "被骗", "返了", "让其", "照做", "将", "存款",
           "第一次", "分别为：", "万", "ID：", "+00", "http://a.cn", "\u3000", "ｑｑ", "號", "\n"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=5), max_size=40))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_narratives_never_crash(parts: list[str]) -> None:
    text = "".join(parts)
    el = extract(text, reported_at=REP)
    rec = el.to_record(0)
    assert rec["elements"]["amount_yuan"] is None or rec["elements"]["amount_yuan"] >= 0
    for e in el.evidence:
        if e.span is not None:
            assert 0 <= e.span[0] <= e.span[1] <= len(text)


def test_loans_taken_and_handed_over() -> None:
    assert amount("指导其在京东金条、微粒贷等平台贷款共计6万元，并转入对方提供的监管账户") == Decimal(60000)
    assert amount("报案人申请贷款8万元，对方称需要交保证金") is None


def test_impersonated_organisation_is_not_an_app() -> None:
    el = extract("报案人接到一个自称国家反诈中心的电话，说其涉嫌诈骗", reported_at=REP)
    assert el.apps == [] and el.channels == ["电话"]


def test_app_names_are_shown_as_written() -> None:
    el = extract("对方让其下载“Mall Task”APP做抢单任务", reported_at=REP)
    assert [a.replace(" ", "").lower() for a in el.apps] == ["malltask"]
