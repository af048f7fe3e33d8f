"""Context signals (fanzha.screen.context): negation scopes, warning / news framing, official sender asking nothing."""

from __future__ import annotations

import pytest

from fanzha.screen.context import _cue_hits, _peer_verdict, negation_scopes
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


# ------------------------------------------------------------------ turn-aware framing in conversations
_PITCH_WITH_PUSHBACK = (
    "您好，这里是某某银行信用卡中心，系统显示您的卡片存在异常消费，需要马上核实。\n"
    "啊？我怎么知道你真的是银行的？我记得银行不会打电话要客户信息，你们不会是骗子吧？\n"
    "您放心，我们是正规客服，请您提供一下卡号和身份证号码，我们马上帮您冻结。\n"
    "我还是先挂了，自己打银行电话问问。"
)
_DISSUASION_CALL = (
    "您好，我是县公安局反诈中心民警，刚才系统预警您在和一个陌生号码通话。\n"
    "是的，对方说是公安，说我的账户涉嫌洗钱，要我把钱转到安全账户。\n"
    "请您千万不要转账，公安机关不会通过电话办案，也不存在所谓的安全账户，这是冒充公检法的诈骗。\n"
    "好的，我明白了，我不转了。\n"
    "如果对方再联系您，请直接挂断，有疑问拨打96110或者110。"
)
_CUSTOMER_QUOTES_SMS = (
    "您好，客服小王为您服务，请问有什么可以帮您？\n"
    "我收到一条短信，短信内容是：您的账户异常，请尽快登录 http://bank-safe.example.top 处理。\n"
    "请不要点击这个链接，正规银行不会通过短信链接要求登录，这很可能是诈骗短信。\n"
    "好的，谢谢提醒，我不点了。"
)


def test_listener_pushback_does_not_excuse_the_pitch(engine_rules_only: Engine) -> None:
    """The listener's "banks never phone for your details, are you a scammer?" is a reaction to the caller's request in
    another turn: it must not discount the conversation as warning framing."""
    ctx = _ctx(engine_rules_only, _PITCH_WITH_PUSHBACK, "dialogue")
    assert not {"CTX_WARNING_FRAMING", "CTX_NEVER_ASKS"} & set(ctx), ctx
    # the same words as one SMS from one sender are still a warning that names what it never does
    one_sender = "【某某银行】温馨提示：银行不会打电话要客户信息，请勿向任何人提供卡号和身份证号码。"
    assert "CTX_NEVER_ASKS" in _ctx(engine_rules_only, one_sender) or "CTX_WARNING_FRAMING" in _ctx(
        engine_rules_only, one_sender
    )


def test_dissuasion_call_keeps_its_warning_framing(engine_rules_only: Engine) -> None:
    """A 96110-style warning call repeats the scam's requests only inside warning / negated / reported turns: the
    framing stays and the call is not fraud."""
    ctx = _ctx(engine_rules_only, _DISSUASION_CALL, "dialogue")
    assert ctx.get("CTX_WARNING_FRAMING", 0) < 0 or ctx.get("CTX_NEVER_ASKS", 0) < 0, ctx
    assert not engine_rules_only.screen(_DISSUASION_CALL, "dialogue").fraud


def test_customer_quoting_a_phishing_sms_keeps_the_framing(engine_rules_only: Engine) -> None:
    """A link inside a quoted SMS (短信内容是…) is reported speech, not the other party's request."""
    ctx = _ctx(engine_rules_only, _CUSTOMER_QUOTES_SMS, "dialogue")
    assert ctx.get("CTX_WARNING_FRAMING", 0) < 0 or ctx.get("CTX_NEVER_ASKS", 0) < 0, ctx
    assert not engine_rules_only.screen(_CUSTOMER_QUOTES_SMS, "dialogue").fraud


# --- whole-text description (context.described_document) and the platform's own flow --------------------------

_NOTICE = (
    "【警方提示】近期冒充公检法诈骗多发。骗子先冒充快递员，称事主的包裹里查出违禁品，再把电话转给假警察；"
    "假警察会出示伪造的通缉令，要求事主对家人保密，并把存款转入安全账户接受审查。"
    "记住：公检法机关不会通过电话办案，更没有安全账户。"
)


def test_police_notice_walking_through_a_scam_is_described(engine_rules_only: Engine) -> None:
    v = engine_rules_only.screen(_NOTICE)
    assert not v.fraud and v.risk.value in ("none", "low"), [(e.id, e.weight) for e in v.evidence]
    assert any(e.id == "CTX_NEGATION" for e in v.evidence)  # the rules are shown, switched off by the framing


@pytest.mark.parametrize(
    "pitch",
    [
        "详情请加我的微信 jingfang8899 咨询。",
        "请点击 gaj-notice.top 核实您的案件。",
        "请立即将资金转入指定账户配合审查。",
    ],
)
def test_a_notice_that_makes_a_pitch_is_not_described(engine_rules_only: Engine, pitch: str) -> None:
    assert "CTX_DESCRIBED" in _ctx(engine_rules_only, _NOTICE)
    assert "CTX_DESCRIBED" not in _ctx(engine_rules_only, _NOTICE + pitch)
    assert engine_rules_only.screen(_NOTICE + pitch).score > engine_rules_only.screen(_NOTICE).score


def test_impersonated_antifraud_centre_is_not_a_frame(engine_rules_only: Engine) -> None:
    # "反诈中心" names the sender; a call from a fake anti-fraud officer is not a notice however often it says 反诈
    text = (
        "我是市反诈中心的民警，国家反诈中心监测到你的银行卡涉嫌洗钱，这是秘密侦查，不要告诉任何人，配合我们做资金核查。"
    )
    assert engine_rules_only.screen(text).fraud


def test_victims_own_narrative_is_never_described(engine_rules_only: Engine) -> None:
    text = ("我上午接到电话，对方自称是公安局的，说我的身份证涉嫌洗钱，要我把钱转到安全账户接受审查，"
            "还说不能告诉家人。我很害怕，就转了八万。后来看到反诈宣传，才知道被骗了。")  # fmt: skip
    v = engine_rules_only.screen(text, "narrative")
    assert v.fraud and v.type == "冒充公检法及政府机关类"


def test_friend_retelling_an_offer_in_a_chat_is_not_fraud(engine_rules_only: Engine) -> None:
    text = "A：你看这个广告，无抵押不查征信当天到账\nB：一看就是诈骗，正规贷款哪有不查征信的\nA：还说要先交解冻费\nB：那更是骗子了"
    assert not engine_rules_only.screen(text).fraud


def test_platform_flow_discounts_a_genuine_refund_chat(engine_rules_only: Engine) -> None:
    genuine = "我：你好，我买的鞋子小了想退\n客服：亲，您在订单页面点申请退款，选退货退款，快递上门取件后钱原路退回哦\n我：好的谢谢"
    assert "CTX_PLATFORM_FLOW" in _ctx(engine_rules_only, genuine)
    scam = "客服：您的订单商品有质量问题，给您理赔，钱会原路退回，请提供一下您收到的验证码\n我：好的"
    assert "CTX_PLATFORM_FLOW" not in _ctx(engine_rules_only, scam)


def test_chat_the_reader_opened_without_a_pitch(engine_rules_only: Engine) -> None:
    genuine = "我：你好，我的车险怎么报销？\n客服：您好，请在App里点理赔，上传照片和发票，审核通过后赔款打到您本人的银行卡\n我：好的"
    assert "CTX_READER_ASKED" in _ctx(engine_rules_only, genuine)
    scam = (
        "我：你好，请问退款怎么还没到？\n客服：您的退款卡住了，需要您下载会议软件开启屏幕共享，我指导您操作\n我：好的"
    )
    assert "CTX_READER_ASKED" not in _ctx(engine_rules_only, scam)
    assert engine_rules_only.screen(scam).fraud
    paid = "我：请问订单怎么取消？\n客服：取消前需要先把保证金转到这个账户，转账后原路退回\n我：哦"
    assert "CTX_READER_ASKED" not in _ctx(engine_rules_only, paid)


def test_bank_teller_dissuading_a_customer_is_not_fraud(engine_rules_only: Engine) -> None:
    # the customer retells the scam (他们说不能告诉任何人): a secrecy demand retold is described, although a negator
    # alone cannot switch a secrecy rule off (its own words are negations)
    text = (
        "大爷，您取这十五万是准备做什么用的\n存到另一个账户\n是有人打电话让您转的吗\n"
        "……有个检察官说我的卡涉嫌洗钱\n大爷，真正的检察院不会这样办案，那是骗子\n"
        "他们说不能告诉任何人\n您别怕，钱还在您卡上，我们帮您联系派出所"
    )
    v = engine_rules_only.screen(text)
    assert not v.fraud, [(e.id, e.weight) for e in v.evidence]
    # the same secrecy demand spoken by the caller is still counted
    scam = "我是市检察院的，你的卡涉嫌洗钱，这是秘密侦查，不能告诉任何人，包括家人"
    assert engine_rules_only.screen(scam).fraud


def test_family_call_retelling_a_transfer_to_police_is_not_fraud(engine_rules_only: Engine) -> None:
    # "说要转接公安局" retells what the caller said, inside a call framed by a warning (公安不会打电话办案)
    text = (
        "爸，刚才是不是有人打电话说你医保卡被盗用了\n对，说要转接公安局，让我配合调查\n你没转钱吧\n没有\n"
        "这是诈骗，公安不会打电话办案，更不会让你转钱，那个号码别接了\n好，知道了"
    )
    v = engine_rules_only.screen(text)
    assert not v.fraud, [(e.id, e.weight) for e in v.evidence]
    # the caller's own words are still counted
    scam = "喂，您好，这里是医保中心，您的医保卡在外地被盗刷\n啊？\n我现在给您转接公安局，请您配合调查，不要挂断\n好的"
    assert engine_rules_only.screen(scam).fraud


def test_antifraud_centre_dissuasion_call_is_not_fraud(engine_rules_only: Engine) -> None:
    # a 96110 officer calls a target back: the scam is asked about (对方是不是说…), denied (也没有什么安全账户) and the
    # target is talked out of paying (千万不要转账, 把那个号码拉黑); nobody in the call pitches anything
    text = (
        "喂您好是孙桂兰阿姨吗\n是我你是谁啊\n"
        "我是县公安局反诈中心的民警我们监测到您刚才接了一个电话对方是不是说自己是检察院的让您把存款转到安全账户\n"
        "是啊他说我的社保卡涉嫌洗钱\n阿姨那是骗子检察院不会打电话办案也没有什么安全账户\n"
        "您千万不要转账把那个号码拉黑就行\n好好好我知道了"
    )
    v = engine_rules_only.screen(text)
    assert not v.fraud, [(e.id, e.weight) for e in v.evidence]
    assert "CTX_DISSUASION" in {e.id for e in v.evidence}
    # friends warning each other about an ad they both saw
    chat = (
        "小丽：你看到群里那个点赞关注就给钱的兼职没\n我：看到了，一看就是刷单，千万别碰\n"
        "小丽：我同事做了，说先返了几块钱，后来让垫付就拿不回来了\n我：对啊，先给甜头再骗大钱"
    )
    assert "CTX_DISSUASION" in {e.id for e in engine_rules_only.screen(chat).evidence}
    # a victim hesitating inside a scam call ("我先别转吧") is no dissuasion: the caller keeps pitching
    scam = (
        "喂你好我是你儿子的班主任\n你儿子在学校出了车祸现在在医院抢救急需手术费\n啊那我马上过去\n"
        "来不及了你先把五万块钱转到医院这个账户上我发给你\n我先别转吧我打给他问问\n时间来不及了你赶紧转"
    )
    v = engine_rules_only.screen(scam)
    assert v.fraud and "CTX_DISSUASION" not in {e.id for e in v.evidence}


def test_platform_flow_counts_in_a_call_where_the_agent_also_warns(engine_rules_only: Engine) -> None:
    # a genuine agent may warn too ("如果有人以客服名义让您这样做请不要相信"); in a call the warning no longer cancels
    # the platform-flow signal, which the turn check still drops after a pitch
    text = (
        "您好这里是拼多多客服请问是刘先生吗\n是我\n您申请的那件羽绒服退货我们已经签收了\n"
        "退款两百九十九元会原路退回到您的微信支付\n好的要我做什么吗\n"
        "不用您做任何操作我们也不会让您提供验证码或者转账如果有人以客服名义让您这样做请不要相信"
    )
    v = engine_rules_only.screen(text)
    assert not v.fraud and "CTX_PLATFORM_FLOW" in {e.id for e in v.evidence}
    scam = (
        "您好这里是拼多多客服请问是刘先生吗\n是我\n您买的羽绒服有质量问题我们给您三倍赔偿\n退款会原路退回\n"
        "我是不是被骗了啊\n不会的您放心请您下载一个会议软件开启屏幕共享我指导您操作"
    )
    v = engine_rules_only.screen(scam)
    assert v.fraud and "CTX_PLATFORM_FLOW" not in {e.id for e in v.evidence}


def test_email_whose_subject_names_a_scam_is_a_notice(engine_rules_only: Engine) -> None:
    notice = (
        "主题：商户注意：冒充部队采购的诈骗\n\n各位商户：\n骗子自称是部队的采购员，先打电话订两百份盒饭，随后称部队有规定，"
        "要商户先帮忙垫钱从指定供应商购买物资，收到钱后就拉黑消失。\n\n市场监管所"
    )
    v = engine_rules_only.screen(notice)
    assert v.kind == "email" and not v.fraud, [(e.id, e.weight) for e in v.evidence]
    assert "CTX_DESCRIBED" in {e.id for e in v.evidence}
    # the same subject over a mail that hands out a link and asks for the card and the code is a scam
    phishing = (
        "主题：防诈骗资金追回通知\n\n尊敬的用户：\n您被骗的资金已被冻结，请点击 http://zhuihui-fund.top "
        "填写银行卡号和验证码办理退回。"
    )
    assert engine_rules_only.screen(phishing).fraud


def test_recovery_scam_dressed_as_an_antifraud_notice(engine_rules_only: Engine, engine_full: Engine) -> None:
    text = "【反诈中心】提醒您：您被骗的资金已冻结，请拨打 17012345678 联系专员办理退款。"
    v = engine_rules_only.screen(text)
    assert {e.id: e.weight for e in v.evidence}.get("RECOVERY_SCAM") == 6.0  # counted in full despite the framing
    v = engine_full.screen(text)  # with the indicators (a mobile number posing as the centre's line) it is fraud
    assert v.fraud and v.subtype == "追款挽损", [(e.id, e.weight) for e in v.evidence]


def test_a_listeners_guess_of_the_next_scam_step_asks_for_nothing(engine_rules_only: Engine) -> None:
    # "是不是让你交保证金解冻" names the step a friend was asked for, it does not ask for it
    text = (
        "小杰：有人私聊我说要买我的游戏号，让我去一个交易网站\n我：是不是让你交保证金解冻\n小杰：对，我没交，直接拉黑了"
    )
    weights = {e.id: e.weight for e in engine_rules_only.screen(text).evidence}
    assert 0 < weights["GAME_TRADE_SCAM"] < 8.0, weights


@pytest.mark.parametrize(
    ("link", "described"),
    [
        ("详见公安部网站 www.mps.gov.cn 。", True),  # a government site is no pitch
        ("详见 mps-notice.gov.cn.com 通报。", False),  # a look-alike of one is
        ("详见 gov.cn.vip/case 通报。", False),
    ],
)
def test_only_real_government_links_keep_a_notice_described(
    engine_rules_only: Engine, link: str, described: bool
) -> None:
    assert ("CTX_DESCRIBED" in _ctx(engine_rules_only, _NOTICE + link)) is described


# --- people who tell each other "that is a scam" (context._peer_verdict) -----------------------------------------

_PEERS_ON_A_LOAN_AD = (
    "阿强：你看群里这个广告，不查征信不看流水，五分钟放款二十万\n"
    "阿伟：一看就是诈骗，正规贷款哪有不查征信的\n"
    "阿强：下面还写着放款前要交一笔解冻金\n"
    "阿伟：那更是骗子了，别理他"
)
_PEERS_ON_A_TASK_JOB = (
    "表姐：我同事在做一个点赞关注的兼职，说一单三块钱日结，前面几单真给了\n"
    "我：那就是刷单，后面肯定让她垫钱做大单，然后就提不出来了\n"
    "表姐：她说已经充了两千进去了\n"
    "我：赶紧让她报警，一分钱都别再充了"
)


_PEERS_ON_A_GAME_BUYER = (
    "弟弟：有人私聊我说要八百块收我的游戏号，让我去他发的那个网站上架\n"
    "我：那网站是不是还要你先交保证金才能提现\n弟弟：对，你怎么知道\n"
    "我：这就是游戏交易诈骗，只在游戏官方的交易平台卖"
)


@pytest.mark.parametrize("text", [_PEERS_ON_A_LOAN_AD, _PEERS_ON_A_TASK_JOB, _PEERS_ON_A_GAME_BUYER])
def test_people_calling_a_scam_a_scam_to_each_other_are_not_fraud(
    engine_rules_only: Engine, engine_full: Engine, text: str
) -> None:
    for eng in (engine_rules_only, engine_full):
        v = eng.screen(text)
        assert v.kind == "dialogue"
        assert not v.fraud and v.risk.value in ("none", "low"), [(e.id, e.weight) for e in v.evidence]
        assert any(e.id == "CTX_DESCRIBED" and "识破" in e.why for e in v.evidence)


@pytest.mark.parametrize(
    ("said", "verdict"),
    [
        ("阿伟：一看就是诈骗，正规贷款哪有不查征信的", "一看就是诈骗"),
        ("我：那就是刷单，后面肯定让她垫钱", "那就是刷单"),
        ("你这明显是诈骗，我挂了", None),  # to the caller's face: a reaction to a pitch
        ("王总这个号我没存过，不会是骗子吧？", None),  # a worried question
        ("这是骗子吗", None),
        ("我怕这是诈骗，先问问我儿子", None),
        ("网上很多都是诈骗", None),  # no verdict on the matter at hand
        ("我：这就是游戏交易诈骗，别去", "这就是游戏交易诈骗"),
        ("那个是假的，别点", "那个是假的"),
        ("这是涉嫌诈骗的账户，需要冻结", None),  # a fake officer's accusation, no verdict
        ("我们都是为了防止诈骗", None),
    ],
)
def test_peer_verdict_is_an_assertion_about_a_third_party(said: str, verdict: str | None) -> None:
    assert _peer_verdict(said) == verdict


def test_a_scam_that_runs_the_others_down_is_no_peer_warning(engine_rules_only: Engine) -> None:
    # no request word that makes_pitch() knows: only the self-praise tells the seller from a friend
    text = (
        "顾问：您看的那些网贷平台都是骗子，咱家这边才是正规持牌的，额度二十万当天到账\n"
        "我：好的，利息多少\n顾问：年化百分之六，稍后专员联系您办理"
    )
    v = engine_rules_only.screen(text)
    assert not any(e.id == "CTX_DESCRIBED" for e in v.evidence), [(e.id, e.weight) for e in v.evidence]


@pytest.mark.parametrize(
    "text",
    [
        # the scam runs the others down to sell itself
        "客服：您好，您看的那些网贷都是骗子，我们是正规持牌机构\n我：你们利息多少\n客服：年化百分之六，当天放款，"
        "不过要先交五千保证金证明还款能力\n我：好吧",
        # the target sees through it, to the caller's face, after the pitch
        "喂，您的快递丢件了，我们给您三倍理赔，您打开支付宝备用金，按我说的操作\n"
        "备用金？还要借钱？\n对，借出来转到我们的理赔专用账户\n你这明显是诈骗，我挂了",
        # a worried listener asks, he does not tell
        "王总：小李，下午三点前把八万转到这个账户，合同的事我回来再说\n小李：王总这个号我没存过，不会是骗子吧？\n"
        "王总：我换号了，快转，客户等着呢",
    ],
)
def test_a_scams_own_verdict_or_a_worried_question_is_no_peer_warning(engine_full: Engine, text: str) -> None:
    v = engine_full.screen(text)
    assert v.fraud, [(e.id, e.weight) for e in v.evidence]
    assert not any(e.id == "CTX_DESCRIBED" for e in v.evidence)


def test_a_notice_sending_money_to_a_so_called_account_describes_it(engine_rules_only: Engine) -> None:
    # "把钱转到…" is an order even without 请, but not to "所谓的安全账户" or "陌生账户": no scam names its own account so
    notice = (
        "主题：冒充公检法诈骗的三个步骤\n\n各位街坊：\n第一步，假警察来电称您涉嫌洗钱；\n"
        "第二步，让您下载会议软件接受“远程问询”；\n第三步，要求您把钱转到所谓的“安全账户”接受审查。\n"
        "公检法机关不会通过电话办案。\n\n城南派出所"
    )
    v = engine_rules_only.screen(notice)
    assert v.kind == "email"
    assert not v.fraud and any(e.id == "CTX_DESCRIBED" for e in v.evidence), [(e.id, e.weight) for e in v.evidence]
    # the same order without the distancing word is still the scam's
    scam = "我是市公安局的，你涉嫌洗钱，要求你把钱转到安全账户接受审查，不能告诉家人"
    assert engine_rules_only.screen(scam).fraud


def test_a_caller_naming_himself_after_the_antifraud_centre_warns_nobody(engine_rules_only: Engine) -> None:
    # "反诈中心" in the caller's self-introduction is the identity he claims, not a warning to the listener
    fake = "喂，是刘女士吗？我这边是省反诈中心的，你名下一张卡涉嫌给诈骗团伙洗钱，现在需要你配合调查，核实资金"
    assert "CTX_WARNING_FRAMING" not in _ctx(engine_rules_only, fake)
    # the centre's own notice, signed with its name, still warns
    notice = "【城南反诈中心】提醒您：自称公安要求配合调查、核实资金的电话都是诈骗，请勿转账。"
    assert _ctx(engine_rules_only, notice).get("CTX_WARNING_FRAMING", 0) < 0


def test_antifraud_call_back_with_a_receipt_to_bring_is_dissuasion(engine_full: Engine) -> None:
    # "千万不要转" talks the listener out of paying; "带上转账凭证" names a receipt and moves no money
    text = (
        "喂你好是周磊吗我是县公安局反诈中心的\n你是不是在一个网贷APP上申请了贷款对方说你流水不够要先交保证金\n"
        "是啊我正准备转\n千万不要转那个APP是假的\n那我上午已经交了八百\n"
        "那你明天带上身份证和转账凭证到反诈中心来登记我们帮你做笔录"
    )
    v = engine_full.screen(text)
    assert any(e.id == "CTX_DISSUASION" for e in v.evidence), [(e.id, e.weight) for e in v.evidence]
    assert not v.fraud, [(e.id, e.weight) for e in v.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "朋友转给我一个点赞关注的兼职广告，说日结三百，一看就是刷单，我直接删了",
        "同事在群里推荐一个先交会费、拉人头返利的项目，明显是传销，我没去",
    ],
)
def test_a_family_named_as_the_verdict_describes_what_precedes(engine_full: Engine, text: str) -> None:
    # "一看就是刷单": what precedes is described and the family's own word is the verdict, not a keyword of a pitch
    v = engine_full.screen(text)
    assert not v.fraud and v.risk.value in ("none", "low"), [(e.id, e.weight) for e in v.evidence]


def test_a_scam_denying_its_family_is_no_verdict(engine_full: Engine) -> None:
    v = engine_full.screen("点赞关注日结300元，不是刷单，正规平台，加微信xyz12345")
    assert v.fraud and v.type == "刷单返利类", [(e.id, e.weight) for e in v.evidence]
