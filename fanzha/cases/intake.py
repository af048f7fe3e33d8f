"""Case intake (案情要素): pull the case elements out of a victim's narrative, each with the evidence span it came from.

    el = extract("报案人称昨天下午三点接到电话…先转了500，又转了3000…", reported_at="2024-03-08 10:20")
    el.amount_yuan, el.occurred_at, el.channels, el.phones, el.transfers, el.evidence
    el.to_record("case-1")   # the ``fanzha extract`` JSONL shape

What is decided here (documented, tested):

* ``occurred_at`` = the time of the FIRST fraud-related event the narrative dates (usually the first contact):
  the earliest resolved date up to the report day (future mentions such as 约定下周五 are ignored, background such as
  "2019年读大学时曾借过款" is skipped when the fraud itself is dated); several mentions on that day → the first one
  in the text. Month-only mentions ("今年5月") give the 1st of the month (``occurred_precision == "month"``).
* ``amount_yuan`` = the money the victim lost, NET of money received back: the victim's own payments (转账, 充值,
  扫码付, 被扣, 被转走, cash handed over or mailed, gift cards bought …) summed, minus rebates / successful
  withdrawals / refunds the victim received (对方先返了50元). Promised returns, balances, loan amounts and limits,
  prices, money moved into the victim's own account, amounts only demanded (让其再交 / 要求转, unless the victim
  complied: 照做 / 转完 / 交了之后) are not losses. When nothing at all was paid and no refusal is recorded, an
  instruction that names a destination or instalments (让其先后转账…至对方账户) is taken as done (officers write it
  that way). An explicit "共计被骗/损失 X" is the net loss as stated; an explicit "共计转账/合计 X" replaces the sum
  of itemised payments when larger. ``None`` when the narrative states no payment.
* Indicators come from the ONE shared extractor (``fanzha.indicators.extract``); amounts from THE amount parser
  (``fanzha.text.amounts.find_amounts``; a bare number right after a payment verb, "转了500", is passed to its
  ``parse_amount`` with a unit). This module only decides the ROLE of each: the fraudster's vs the victim's own
  (报案人/其本人…的卡, the reporter's contact number, family members' numbers, cards typed into a phishing page),
  payee (转到/汇入/收款/对方提供的 … or any non-own card in a sentence with a payment) vs merely mentioned, official
  numbers the victim called to check (96110, 110, 955xx) vs a spoofed official number on an incoming call (kept).
  Numbers that are not the fraudster's are kept in ``other_numbers`` with their role.
* ``apps`` = the shared extractor's apps, minus feature words (屏幕共享), plus games and platform apps from the
  lexicon and a quoted name right after a download verb. ``channels`` = the lexicon in ``intake_data.yaml`` (brand
  impersonation such as 抖音客服, payment means such as 微信转账 and after-the-fact checks such as 电话核实 do not
  count) plus what the indicators imply (URL → 网站, QQ number → QQ, WeChat ID → 微信, app → APP, game → 游戏平台).
* Typology = ``fanzha.screen.screen(text, kind="narrative")`` (None when screening is unavailable).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from fanzha.cases.timeparse import TimeMention, cn_small_int, find_times, fold, parse_reported_at

__all__ = ["CaseElements", "ElementEvidence", "Transfer", "extract", "MAX_CHARS"]

log = logging.getLogger(__name__)

MAX_CHARS = 50_000  # longer narratives are cut (an officer's record is a few hundred characters)
LIST_FIELDS = ("channels", "phones", "qq", "wechat", "urls", "bank_cards", "apps", "payee_accounts")


# ---------------------------------------------------------------------------------------------------- model


class ElementEvidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    value: str
    span: tuple[int, int] | None = None  # ORIGINAL offsets [start, end)
    why: str


class Transfer(BaseModel):
    """One payment the victim made (or received back, ``direction == "in"``)."""

    model_config = ConfigDict(frozen=True)

    amount_yuan: Decimal
    direction: Literal["out", "in"] = "out"
    payee_account: str | None = None
    payee_bank: str | None = None
    channel: str | None = None  # 支付宝 / 微信 / 银行 / 现金 / 扫码
    time: str | None = None  # "YYYY-MM-DD[ HH:MM]"
    span: tuple[int, int]
    raw: str
    why: str


class OtherNumber(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    value: str
    role: str  # victim | official | account
    span: tuple[int, int]


class CaseElements(BaseModel):
    """The case elements of one narrative; every value has an evidence entry with its span."""

    model_config = ConfigDict(frozen=True)

    reported_at: datetime
    type: str | None = None
    subtype: str | None = None
    amount_yuan: Decimal | None = None
    occurred_at: datetime | None = None
    occurred_precision: Literal["minute", "day", "month"] | None = None
    channels: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    qq: list[str] = Field(default_factory=list)
    wechat: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    bank_cards: list[str] = Field(default_factory=list)
    apps: list[str] = Field(default_factory=list)
    payee_accounts: list[str] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    received: list[Transfer] = Field(default_factory=list)
    other_numbers: list[OtherNumber] = Field(default_factory=list)
    evidence: list[ElementEvidence] = Field(default_factory=list)
    truncated: bool = False

    def occurred_at_str(self) -> str | None:
        if self.occurred_at is None:
            return None
        if self.occurred_precision == "minute":
            return self.occurred_at.strftime("%Y-%m-%d %H:%M")
        return self.occurred_at.strftime("%Y-%m-%d")

    def elements(self) -> dict[str, Any]:
        amount: int | float | None = None
        if self.amount_yuan is not None:
            amount = (
                int(self.amount_yuan)
                if self.amount_yuan == self.amount_yuan.to_integral_value()
                else float(self.amount_yuan)
            )
        out: dict[str, Any] = {"amount_yuan": amount, "occurred_at": self.occurred_at_str()}
        for name in LIST_FIELDS:
            out[name] = list(getattr(self, name))
        return out

    def to_record(self, id_: object = None) -> dict[str, Any]:
        """The ``fanzha extract`` / ``POST /api/v1/extract`` shape: {"id", "type", "elements": {...}}."""
        return {"id": id_, "type": self.type, "elements": self.elements()}

    def to_detail(self) -> dict[str, Any]:
        """A flat, JSON-ready view for the console form: elements + typology, transfers and evidence spans."""
        rec = self.elements()
        occurred = None
        if self.occurred_at is not None:
            from fanzha.cases.timeparse import CHINA_TZ

            occurred = self.occurred_at.replace(tzinfo=CHINA_TZ).isoformat()
        rec.update(
            {
                "typology": self.type,
                "subtype": self.subtype,
                "channel": self.channels[0] if self.channels else None,
                "occurred_at": occurred,
                "occurred_precision": self.occurred_precision,
                "amount_lost": None if self.amount_yuan is None else str(self.amount_yuan),
                "transfers": [
                    {
                        "amount": str(t.amount_yuan),
                        "payee_account": t.payee_account,
                        "payee_bank": t.payee_bank,
                        "channel": t.channel,
                        "transferred_at": t.time,
                    }
                    for t in self.transfers
                ],
                "received": [{"amount": str(t.amount_yuan), "transferred_at": t.time} for t in self.received],
                "other_numbers": [o.model_dump(mode="json") for o in self.other_numbers],
                "evidence": [e.model_dump(mode="json") | {"kind": e.field} for e in self.evidence],
            }
        )
        return rec


# ---------------------------------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Channel:
    name: str
    keywords: re.Pattern[str]
    not_before: re.Pattern[str] | None
    not_after: re.Pattern[str] | None


@dataclass(frozen=True)
class _Lexicon:
    channels: tuple[_Channel, ...]
    check_clause: re.Pattern[str]
    games: re.Pattern[str]
    not_app_names: frozenset[str]
    extra_apps: re.Pattern[str]
    cues: dict[str, re.Pattern[str]]
    own_before: re.Pattern[str]
    own_intro: re.Pattern[str]
    payee_before: re.Pattern[str]
    payee_after: re.Pattern[str]
    account_before: re.Pattern[str]
    victim_called_before: re.Pattern[str]
    incoming_before: re.Pattern[str]
    pay_means: tuple[tuple[str, re.Pattern[str]], ...]


def _alt(words: list[str], *, escape: bool) -> str:
    items = sorted((re.escape(w) if escape else w for w in words), key=len, reverse=True)
    return "|".join(items)


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    data: dict[str, Any] = yaml.safe_load((Path(__file__).with_name("intake_data.yaml")).read_text(encoding="utf-8"))
    chans = []
    for c in data["channels"]:
        nb = c.get("not_before") or []
        na = c.get("not_after") or []
        chans.append(
            _Channel(
                name=c["channel"],
                keywords=re.compile(_alt(c["keywords"], escape=False)),
                not_before=re.compile("^(?:" + "|".join(nb) + ")") if nb else None,
                not_after=re.compile("(?:" + "|".join(na) + ")$") if na else None,
            )
        )
    cues = {k: re.compile(v) for k, v in data["amount_cues"].items()}
    return _Lexicon(
        channels=tuple(chans),
        check_clause=re.compile(data["check_clause"]),
        games=re.compile(_alt(data["games"], escape=True)),
        not_app_names=frozenset(fold(x) for x in data["not_app_names"]),
        extra_apps=re.compile(_alt(data["extra_apps"], escape=True)),
        cues=cues,
        own_before=re.compile(data["own_before"]),
        own_intro=re.compile(data["own_intro"]),
        payee_before=re.compile(data["payee_before"]),
        payee_after=re.compile(data["payee_after"]),
        account_before=re.compile(data["account_before"]),
        victim_called_before=re.compile(data["victim_called_before"]),
        incoming_before=re.compile(data["incoming_before"]),
        pay_means=tuple((k, re.compile(v)) for k, v in data["pay_means"].items()),
    )


# ---------------------------------------------------------------------------------------------------- text helpers

_CLAUSE_END = re.compile(r"[，。；;！!？?\n]|(?<!\d),|,(?!\d{3}(?!\d))")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


@dataclass
class _Doc:
    original: str
    text: str  # normalised
    orig_to_norm: list[int]  # original index -> normalised index (len(original) + 1 entries)
    norm_to_orig: tuple[int, ...]
    clause_starts: list[int]  # in normalised text
    sentence_starts: list[int]

    def n(self, orig_index: int) -> int:
        return self.orig_to_norm[max(0, min(orig_index, len(self.orig_to_norm) - 1))]

    def o_span(self, s: int, e: int) -> tuple[int, int]:
        if not self.norm_to_orig:
            return (0, 0)
        s = max(0, min(s, len(self.norm_to_orig) - 1))
        e = max(s + 1, min(e, len(self.norm_to_orig)))
        return (self.norm_to_orig[s], self.norm_to_orig[e - 1] + 1)

    def clause_start(self, i: int) -> int:
        return self.clause_starts[bisect_right(self.clause_starts, i) - 1] if i >= 0 else 0

    def clause_end(self, i: int) -> int:
        k = bisect_right(self.clause_starts, i)
        return self.clause_starts[k] - 1 if k < len(self.clause_starts) else len(self.text)

    def sentence_span(self, i: int) -> tuple[int, int]:
        k = bisect_right(self.sentence_starts, i)
        s = self.sentence_starts[k - 1] if k > 0 else 0
        return s, (self.sentence_starts[k] - 1 if k < len(self.sentence_starts) else len(self.text))

    def left(self, i: int, width: int, *, clause: bool = True) -> str:
        start = max(self.clause_start(i) if clause else 0, i - width)
        return self.text[start:i]

    def right(self, i: int, width: int) -> str:
        return self.text[i : min(self.clause_end(i), i + width)]


def _make_doc(text: str) -> _Doc:
    t = fold(text)  # same length as ``text``: offsets are shared
    orig_to_norm = list(range(len(text) + 1))
    offsets = tuple(range(len(t)))
    clause_starts = [0] + [m.end() for m in _CLAUSE_END.finditer(t)]
    sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(t)]
    return _Doc(text, t, orig_to_norm, offsets, clause_starts, sentence_starts)


# ---------------------------------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class _Ind:
    kind: str
    value: str
    raw: str
    span: tuple[int, int]  # original
    context: dict[str, Any]


def _indicators(text: str) -> list[_Ind]:
    from fanzha.indicators import extract as extract_indicators

    out: list[_Ind] = []
    for ind in extract_indicators(text):
        value = ind.normalized
        out.append(_Ind(ind.kind, value, ind.raw, (int(ind.span[0]), int(ind.span[1])), dict(ind.context or {})))
    return out


_DOWNLOADED = re.compile(
    r"(?:下载|下了|安装|装了)了?(?:一个|个|一款|款)?(?:叫|名为|名叫)?[“\"「『]([^”\"」』\s，。]{2,12})[”\"」』]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _official(kind: str, value: str) -> bool:
    try:
        from fanzha.indicators.official import is_allowlisted
    except ImportError:  # pragma: no cover - the indicators package is part of the project
        return False
    try:
        return bool(is_allowlisted(kind, value))
    except Exception:  # an allowlist problem must not lose the intake
        log.exception("allowlist lookup failed for %s", kind)
        return False


# ---------------------------------------------------------------------------------------------------- amounts


@dataclass(frozen=True)
class _Amt:
    start: int  # normalised offsets
    end: int
    value: Decimal
    raw: str
    bare: bool = False  # a bare number after a payment verb (no unit)


_BARE_NUM = re.compile(r"(?<![\d.a-z])(?<!\d,)(\d{2,7}(?:\.\d{1,2})?)(?![\d%a-z]|[.,]\d)")
_BARE_LIST_SEP = re.compile(r"\s*(?:元|块)?[、和及]\s*")
_BARE_CN = re.compile(
    r"((?:[一二两三四五六七八九壹贰叁肆伍陆柒捌玖][十百千万拾佰仟]|[十拾])[零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟]{0,10})"
)
_BARE_PAY_BEFORE = re.compile(
    r"(?:转账|转了|转过去|转给对方|汇了|汇款|打了|打款|打过去|充值|充了|付了|付款|支付|垫付|垫了|缴纳|交了|花了|存入|存了)(?:了|过|过去)?(?:给对方|对方)?\s*(?:人民币)?\s*$"
)
_BARE_NOT_AFTER = re.compile(
    r"^\s*(?:个|次|天|年|月|日|号|岁|单|笔|份|张|瓶|件|人|分|点|时|期|倍|位|条|台|秒|米|元|块|万|千|百|w|k)"
)


def _amounts(doc: _Doc, taken: list[tuple[int, int]]) -> list[_Amt]:
    from fanzha.text.amounts import find_amounts, parse_amount

    out: list[_Amt] = []
    for a in find_amounts(doc.original):
        s, e = doc.n(a.start), doc.n(a.end)
        if any(s < te and ts < e for ts, te in taken):
            continue
        out.append(_Amt(s, e, Decimal(a.value), a.raw))
    # bare numbers right after a payment verb ("先转了500，又转了3000", "转过去两千"): the shared parser needs a unit
    for pat in (_BARE_NUM, _BARE_CN):
        for m in pat.finditer(doc.text):
            s, e = m.span(1)
            if any(s < te and ts < e for ts, te in taken) or any(s < x.end and x.start < e for x in out):
                continue
            if _BARE_NOT_AFTER.match(doc.text[e : e + 2]):
                continue
            chained = any(x.bare and 0 <= s - x.end <= 2 and _BARE_LIST_SEP.fullmatch(doc.text[x.end : s]) for x in out)
            if not chained and not _BARE_PAY_BEFORE.search(doc.text[max(0, s - 12) : s]):
                continue
            value = parse_amount(m.group(1) + "元")
            if value is None or value <= 0:
                continue
            a_s, a_e = doc.o_span(s, e)
            out.append(_Amt(s, e, Decimal(value), doc.original[a_s:a_e], bare=True))
    out.sort(key=lambda x: x.start)
    return out


_CUE_PRIORITY = ("total_loss", "total_paid", "received", "ignore", "staged", "pay")
_BARE_TOTAL = re.compile(r"(?:共计|合计|总共|累计|一共|总计)(?:人民币)?[:：]?\s*$")
_ENUM_START = re.compile(r"^\s*(?:分别|各|依次|金额|第[一二三四五六七八九十\d]{1,3}[次笔单回期])")
_COMPLIANCE = re.compile(r"按[^，。；]{0,6}要求")
_PERFECTIVE = re.compile(r"^(?:了|完|过)")
_INTENT = re.compile(r"(?:准备|打算|想|拟|正要|正准备)[^，。；]{0,3}$")


def _left_cue(doc: _Doc, window: str) -> tuple[str, re.Match[str]] | None:
    """The category of the cue nearest to the end of ``window`` (ties broken by _CUE_PRIORITY)."""
    lx = lexicon()
    best: tuple[int, int, str, re.Match[str]] | None = None
    for cat in _CUE_PRIORITY:
        pat = lx.cues[cat]
        if cat in ("total_loss", "total_paid"):
            m = pat.search(window)
            if m:
                key = (m.end(), -_CUE_PRIORITY.index(cat))
                if best is None or key > (best[0], best[1]):
                    best = (m.end(), -_CUE_PRIORITY.index(cat), cat, m)
            continue
        last = None
        for m in pat.finditer(window):
            last = m
        if last is not None:
            key = (last.end(), -_CUE_PRIORITY.index(cat))
            if best is None or key > (best[0], best[1]):
                best = (last.end(), -_CUE_PRIORITY.index(cat), cat, last)
    if best is None:
        return None
    return best[2], best[3]


# labels of the evidence shown to the desk officer (the role codes stay English in the data)
_ROLE_LABEL = {
    "pay": "报案人付款",
    "received": "报案人收回",
    "total_loss": "总损失",
    "total_paid": "付款合计",
    "demand": "对方索要",
    "ignore": "不计入",
    "staged": "借出/取出",
    "none": "无付款线索",
}
_URL_KIND_LABEL = {"url": "网址", "domain": "域名"}
_INTENDED_WHY = "仅打算付款"
_TIME_KIND_LABEL = {
    "ymd": "年月日",
    "ym": "年月",
    "rel_year_md": "今年/去年某月某日",
    "rel_year_m": "今年/去年某月",
    "rel_month_d": "上月/本月某日",
    "md": "月日",
    "dot_md": "月.日",
    "week_day": "星期几",
    "n_ago": "几天/几周/几个月前",
    "rel_day": "昨天/前天/当天等",
    "rel_month": "上个月",
    "m_only": "只写了月份",
    "time of day": "钟点",
    "time of day (date from context)": "钟点，日期取自上下文",
    "time of day (report date)": "钟点，日期按报案日",
}


def _time_why(why: str) -> str:
    """fanzha.cases.timeparse's internal pattern names ("md + time of day") as a label for the desk officer."""
    return " + ".join(_TIME_KIND_LABEL.get(part, part) for part in why.split(" + "))


@dataclass
class _Role:
    amt: _Amt
    role: str  # pay | received | total_loss | total_paid | demand | ignore | staged | none
    why: str


def _amount_role(doc: _Doc, a: _Amt) -> _Role:
    lx = lexicon()
    cs = doc.clause_start(a.start)
    left = doc.text[max(cs, a.start - 40) : a.start]
    after = doc.text[a.end : doc.clause_end(a.end)]
    clause = doc.text[cs : doc.clause_end(a.start)]
    mult = _COUNT_OF.search(left)
    if mult is not None and lx.cues["pay"].search(left[: mult.start()]):
        # "购买了5张面值1000元的京东E卡": the victim paid count × face value
        n = cn_small_int(mult.group(1))
        if n and 1 < n <= 1000:
            return _Role(
                _Amt(a.start, a.end, a.value * n, a.raw, a.bare), "pay", f"购买{n}张 × {a.raw}（购物卡/礼品卡）"
            )
    if lx.cues["own_destination"].search(after):
        return _Role(a, "ignore", "转到报案人本人账户，不算损失")
    if lx.cues["passive_after"].search(after):
        return _Role(a, "pay", "从报案人账户被转走/扣款/盗刷（被…转走/扣/盗刷）")
    if lx.cues["claim_clause"].search(clause):
        return _Role(a, "ignore", "对方自称已付/截图所示，不是报案人付出的钱（截图/称已）")
    got = _left_cue(doc, left)
    if got is None and _ENUM_START.search(clause) and cs > 0:
        # "…共向APP充值四次，分别为：1万元、2万元" / "打了三次钱，第一次两万，第二次五万" – a list takes the verb of
        # the clause before it (back over further list clauses, within the sentence)
        ss, _ = doc.sentence_span(a.start)
        pce = cs - 1
        for _ in range(6):
            if pce <= ss:
                break
            pcs = doc.clause_start(pce - 1) if pce > 0 else 0
            prev_clause = doc.text[pcs:pce]
            got = _left_cue(doc, prev_clause)
            if got is not None or not _ENUM_START.search(prev_clause):
                break
            pce = pcs - 1
    if got is not None and got[0] == "total_paid" and _BARE_TOTAL.search(left):
        # a bare 共计 takes the meaning of the cue before it ("佣金共计36元" is money received)
        before = left[: _BARE_TOTAL.search(left).start()]  # type: ignore[union-attr]
        prev = _left_cue(doc, before)
        if prev is not None and prev[0] in ("received", "ignore", "staged"):
            got = prev
    if got is None:
        # "将卡内的15万元分两次转到…" / "将现金8万元当面交给…"
        if re.search(r"[将把]", left) and lx.cues["pay"].search(after[:16]):
            return _Role(a, "pay", "“将…（金额）…转/交”句式：报案人付出")
        if lx.cues["ignore_after"].search(after):
            return _Role(a, "ignore", "额度/收益/余额，不是付款")
        if lx.cues["received_after"].search(after):
            return _Role(a, "received", "报案人已成功提现")
        if lx.cues["demand"].search(left[-12:]):
            return _Role(a, "demand", "对方索要的费用（需要/要求…）")
        return _Role(a, "none", "没有付款线索")
    cat, m = got
    if cat == "received":
        return _Role(a, "received", f"报案人收回的钱（{m.group(0)}）")
    if cat in ("total_loss", "total_paid"):
        return _Role(a, cat, f"报案材料写明的合计（{m.group(0).strip()}）")
    if cat != "pay" and lx.cues["received_after"].search(after):
        return _Role(a, "received", "报案人已成功提现")
    if lx.cues["ignore_after"].search(after):
        return _Role(a, "ignore", "额度/收益/余额，不是付款")
    if cat in ("ignore", "staged") and _PASSED_ON.search(after):
        return _Role(a, "pay", f"{m.group(0)}…后交给/转给对方")
    if cat == "ignore" and m.group(0) == "存款" and re.search(r"向[^，。；]*$", left[: m.start()]):
        return _Role(a, "pay", "存入对方账户（向…账户存款）")
    if cat == "ignore":
        # "将存款7.2万元转至…", "把卡里余额5万元全部转出": a balance moved by the victim is a payment
        if re.search(r"[将把]", left) and lx.cues["pay"].search(after[:16]):
            return _Role(a, "pay", "“将…（金额）…转/交”句式：报案人付出")
        return _Role(a, "ignore", f"不是付款（{m.group(0)}）")
    if cat == "staged":
        return _Role(a, "staged", f"借出/取出的钱（{m.group(0)}），尚未交出")
    # a payment verb: demanded only, intended, or done?
    before_verb = left[max(0, m.start() - 8) : m.start()]
    after_verb = left[m.end() :]
    perfective = bool(_PERFECTIVE.match(after_verb)) or m.group(0).endswith(("了", "完"))
    if _INTENT.search(before_verb) and not perfective:
        return _Role(a, "demand", f"{_INTENDED_WHY}（{before_verb.strip()}{m.group(0)}）")
    if lx.cues["demand"].search(before_verb) and not _COMPLIANCE.search(before_verb) and not perfective:
        return _Role(a, "demand", f"对方要求的（{before_verb.strip()}{m.group(0)}）")
    if lx.cues["negated"].search(after):
        return _Role(a, "ignore", "报案人没有付款")
    return _Role(a, "pay", f"报案人付出（{m.group(0)}）")


def _resolve_roles(doc: _Doc, amts: list[_Amt]) -> list[_Role]:
    lx = lexicon()
    roles = [_amount_role(doc, a) for a in amts]
    # promotions across clauses: demanded + "报案人照做/转完" → paid; borrowed/withdrawn + "全部转入/交给" → paid
    for i, r in enumerate(roles):
        if r.role not in ("demand", "staged"):
            continue
        ce = doc.clause_end(r.amt.end)
        nxt = doc.text[ce + 1 : doc.clause_end(ce + 1)] if ce < len(doc.text) else ""
        later_amount = any(ce < o.amt.start <= ce + 1 + len(nxt) for o in roles[i + 1 :])
        complied = _complied(doc, ce, roles[i + 1 :]) if r.role == "demand" else None
        if complied is not None:
            roles[i] = _Role(r.amt, "pay", f"对方要求，报案人照做（{complied[:10]}）")
        elif r.role == "staged" and lx.cues["staged_then_paid"].search(nxt) and not later_amount:
            roles[i] = _Role(r.amt, "pay", f"借出/取出后交给了对方（{nxt[:10]}）")
        elif r.role == "staged":
            roles[i] = _Role(r.amt, "ignore", r.why + "，未写明交给对方")
    # officers often write the fraudster's instruction for what the victim then did ("对方以…为由，让其先后转账1万元、
    # 2万元至对方账户"). When nothing else was paid, no refusal is recorded and the instruction names where the money
    # went or that it went in instalments, the instructed amounts are taken as paid (the officer reviews it).
    if not any(r.role in ("pay", "total_loss", "total_paid") for r in roles) and not _REFUSAL.search(doc.text):
        for i, r in enumerate(roles):
            if r.role == "demand" and not r.why.startswith(_INTENDED_WHY):
                clause = doc.text[doc.clause_start(r.amt.start) : doc.clause_end(r.amt.start)]
                if _DONE_SHAPE.search(clause):
                    roles[i] = _Role(r.amt, "pay", r.why + "；未写明拒绝，且写明了转入账户/分次转账")
    return roles


_VICTIM_PAID = re.compile(
    r"^(?:报案人|其|她|他|我)[^，。；]{0,14}?(?:照做|照办|支付|付款|转账|汇款|充值|缴纳|转了|付了|交了|汇了|充了|转完|付完|交完)"
)
_NOT_DONE = re.compile(r"要求|让|需要|需|未|没|拒绝|不|准备|打算")


def _complied(doc: _Doc, ce: int, later: list[_Role]) -> str | None:
    """The clause (up to three after the demand, same sentence, none with an amount of its own) where the victim did it."""
    lx = lexicon()
    _, se = doc.sentence_span(ce)
    pos = ce
    for _ in range(3):
        if pos >= len(doc.text) or pos >= se + 1:
            return None
        start, end = pos + 1, doc.clause_end(pos + 1)
        clause = doc.text[start:end]
        if any(start <= o.amt.start < end for o in later):
            return None
        if lx.cues["comply_clause"].search(clause) or (_VICTIM_PAID.search(clause) and not _NOT_DONE.search(clause)):
            return clause
        pos = end
    return None


_BACKGROUND = re.compile(
    r"曾经|曾在|曾于|曾用|以前|早年|当年|大学|读书|上学|学生时|毕业|办理过|注册过|借过|贷过|开通过"
)
_IMPERSONATED = re.compile(r"(?:自称|冒充|假冒|假扮|谎称是)(?:是)?[“\"「]?$")
_PASSED_ON = re.compile(r"^(?:元|块)?(?:后|之后)?(?:全部|都|均)?(?:转给|转入|转到|转至|汇给|汇入|打给|打到|交给)")
_COUNT_OF = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,3})(?:张|个|份|套)(?:面值|面额)(?:为|是)?\s*$")
_REFUSAL = re.compile(
    r"未转|没有转|没转|不转|拒绝|未造成|没有造成|未受|没有损失|无损失|未付|没有付|没付|未支付|没有支付|没有再|未汇|没汇|"
    r"识破|劝阻|拦截|止付|觉得可疑|觉得不对|察觉|没有输入|未输入|犹豫|准备"
)
_DONE_SHAPE = re.compile(
    r"先后|分别|陆续|分[两三四五六七八九十\d]+[次笔]|(?:至|到|入)(?:对方)?(?:指定|提供)?的?[^，。；]{0,6}(?:账户|账号|银行卡|卡上|卡里|卡号)"
)


# ---------------------------------------------------------------------------------------------------- extraction


def _dedupe(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _typology(text: str) -> tuple[str | None, str | None]:
    try:
        from fanzha.screen import screen
    except ImportError:
        return None, None
    try:
        v = screen(text, kind="narrative")
    except Exception:  # screening must never lose an intake
        log.warning("screening failed during intake", exc_info=log.isEnabledFor(logging.DEBUG))
        return None, None
    return v.type, v.subtype


def _channels(doc: _Doc, evidence: list[ElementEvidence], own_starts: list[int]) -> list[str]:
    lx = lexicon()
    found: list[tuple[int, str]] = []
    for ch in lx.channels:
        for m in ch.keywords.finditer(doc.text):
            s, e = m.span()
            if ch.not_before is not None and ch.not_before.search(doc.text[e : e + 12]):
                continue
            if ch.not_after is not None and ch.not_after.search(doc.text[max(0, s - 6) : s]):
                continue
            clause = doc.text[doc.clause_start(s) : doc.clause_end(s)]
            if lx.check_clause.search(clause) and not re.search(r"接到|收到|来电|打来|添加|加了", clause):
                continue
            if any(0 <= o - e <= 4 for o in own_starts):  # "联系电话：<the victim's number>" is not a channel
                continue
            found.append((s, ch.name))
            a, b = doc.o_span(s, e)
            evidence.append(
                ElementEvidence(field="channels", value=ch.name, span=(a, b), why=f"渠道用词“{m.group(0)}”")
            )
            break
    found.sort()
    return [name for _, name in found]


def extract(narrative: str, reported_at: datetime | str | None = None) -> CaseElements:
    """The case elements of a victim's narrative, resolved against ``reported_at`` (default: now, Beijing time)."""
    ref = parse_reported_at(reported_at)
    text = narrative if isinstance(narrative, str) else str(narrative)
    text = _SURROGATE.sub("\ufffd", text.replace("\x00", " "))  # same length; lone surrogates break codecs
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    if not text.strip():
        return CaseElements(reported_at=ref, truncated=truncated)
    lx = lexicon()
    doc = _make_doc(text)
    evidence: list[ElementEvidence] = []

    def ev(field: str, value: str, span: tuple[int, int] | None, why: str) -> None:
        evidence.append(ElementEvidence(field=field, value=value, span=span, why=why))

    # ---- indicators and their roles
    inds = _indicators(text)
    phones: list[str] = []
    qq: list[str] = []
    wechat: list[str] = []
    urls: list[str] = []
    cards: list[str] = []
    apps: list[str] = []
    payees: list[str] = []
    others: list[OtherNumber] = []
    taken: list[tuple[int, int]] = []
    card_banks: dict[str, str] = {}
    for ind in inds:
        if ind.kind == "amount":
            continue
        s, e = doc.n(ind.span[0]), doc.n(ind.span[1])
        taken.append((s, e))
        left = doc.left(s, 16)
        left_wide = doc.left(s, 24)
        own = bool(lx.own_before.search(left)) or bool(lx.own_intro.search(doc.left(s, 24, clause=False)))
        if ind.kind in ("phone", "qq", "wechat", "bank_card", "alipay") and own:
            others.append(OtherNumber(kind=ind.kind, value=ind.value, role="victim", span=ind.span))
            ev("other_numbers", ind.value, ind.span, "报案人本人的（上下文：" + left[-8:] + "）")
            continue
        if ind.kind == "phone":
            if lx.account_before.search(left):
                payees.append(ind.value)
                ev("payee_accounts", ind.value, ind.span, "报案人转入的账号（支付宝/账号上下文）")
                continue
            official = ind.context.get("category") == "service" or _official("phone", ind.value)
            incoming = bool(lx.incoming_before.search(left))
            if official and (lx.victim_called_before.search(left) or not incoming):
                others.append(OtherNumber(kind="phone", value=ind.value, role="official", span=ind.span))
                ev("other_numbers", ind.value, ind.span, "官方/客服号码，不是对方的号码")
                continue
            phones.append(ind.value)
            ev(
                "phones",
                ind.value,
                ind.span,
                "对方（涉诈）号码" + ("（冒用官方来电显示）" if official else ""),
            )
        elif ind.kind == "qq":
            qq.append(ind.value)
            ev("qq", ind.value, ind.span, "QQ号" + ("（QQ群）" if ind.context.get("group") else ""))
        elif ind.kind == "wechat":
            wechat.append(ind.value)
            ev("wechat", ind.value, ind.span, "微信号")
        elif ind.kind in ("url", "domain"):
            if _official("domain", ind.value) or _official(ind.kind, ind.value):
                ev("other_numbers", ind.value, ind.span, "官方网站，不是诈骗网址")
                continue
            urls.append(ind.value)
            ev("urls", ind.value, ind.span, f"报案材料中的{_URL_KIND_LABEL.get(ind.kind, ind.kind)}")
        elif ind.kind == "bank_card":
            cards.append(ind.value)
            if ind.context.get("bin_bank"):
                card_banks[ind.value] = str(ind.context["bin_bank"])
            ev("bank_cards", ind.value, ind.span, "对方的银行卡")
            ss, se = doc.sentence_span(s)
            sentence = doc.text[ss:se]
            if (
                ind.context.get("role") == "payee"
                or lx.payee_before.search(left_wide)
                or lx.payee_after.search(doc.text[e : e + 6])
                or lx.cues["pay"].search(sentence)
            ):
                payees.append(ind.value)
                ev("payee_accounts", ind.value, ind.span, "报案人向此账户付款")
        elif ind.kind == "alipay":
            payees.append(ind.value)
            ev("payee_accounts", ind.value, ind.span, "报案人转入的支付宝账号")
        elif ind.kind == "app":
            name = ind.raw.strip() or ind.value  # as written ("Mall Task"); the register key is the normalised form
            if fold(name) in lx.not_app_names or fold(ind.value) in lx.not_app_names:
                continue
            if _IMPERSONATED.search(doc.left(s, 8)):  # "自称国家反诈中心的电话": an organisation named, not an app
                continue
            apps.append(name)
            ev("apps", name, ind.span, "报案材料中提到的APP")
    # games and platforms the shared app list does not know
    have = {fold(a) for a in apps}
    for pat, why in ((lx.games, "报案材料中提到的游戏"), (lx.extra_apps, "报案材料中提到的平台APP")):
        for m in pat.finditer(doc.text):
            if m.group(0) in have or any(m.start() < te and ts < m.end() for ts, te in taken):
                continue
            have.add(m.group(0))
            a, b = doc.o_span(*m.span())
            apps.append(text[a:b])
            ev("apps", text[a:b], (a, b), why)

    # a quoted name right after a download verb ("让我下了个“牛股宝典”") is an app even without "APP" after it
    for m in _DOWNLOADED.finditer(doc.text):
        name_n = m.group(1)
        if name_n in have or name_n in lx.not_app_names:
            continue
        have.add(name_n)
        a, b = doc.o_span(*m.span(1))
        apps.append(text[a:b])
        ev("apps", text[a:b], (a, b), "对方让报案人下载的APP")

    # ---- channels (lexicon + what the indicators imply)
    channels = _channels(doc, evidence, [doc.n(o.span[0]) for o in others if o.role == "victim"])

    def add_channel(name: str, why: str) -> None:
        if name not in channels:
            channels.append(name)
            ev("channels", name, None, why)

    if urls:
        add_channel("网站", "材料中有网址/域名")
    if qq:
        add_channel("QQ", "材料中有QQ号")
    if wechat:
        add_channel("微信", "材料中有微信号")
    games_named = [a for a in apps if lx.games.fullmatch(fold(a))]
    if games_named:
        add_channel("游戏平台", "材料中提到游戏")
    if any(a not in games_named for a in apps):
        add_channel("APP", "材料中提到APP")

    # ---- amounts and transfers
    amts = _amounts(doc, taken)
    roles = _resolve_roles(doc, amts)
    times = find_times(text, ref)
    transfers: list[Transfer] = []
    received: list[Transfer] = []
    totals_loss: list[Decimal] = []
    totals_paid: list[Decimal] = []
    card_spans = [(doc.n(i.span[0]), i.value) for i in inds if i.kind in ("bank_card", "alipay")]
    for r in roles:
        span = doc.o_span(r.amt.start, r.amt.end)
        if r.role in ("pay", "received"):
            ss, se = doc.sentence_span(r.amt.start)
            cs_, ce_ = doc.clause_start(r.amt.start), doc.clause_end(r.amt.start)
            in_clause = [v for p, v in card_spans if cs_ <= p < ce_ and v in payees]
            in_sentence = _dedupe([v for p, v in card_spans if ss <= p < se and v in payees])
            payee = in_clause[0] if in_clause else (in_sentence[0] if len(in_sentence) == 1 else None)
            sentence = doc.text[ss:se]
            means = next((k for k, p in lx.pay_means if p.search(sentence)), None)
            tm = _time_before(times, span[0], doc)
            tr = Transfer(
                amount_yuan=r.amt.value,
                direction="out" if r.role == "pay" else "in",
                payee_account=payee if r.role == "pay" else None,
                payee_bank=card_banks.get(payee) if payee and r.role == "pay" else None,
                channel=means if r.role == "pay" else None,
                time=tm,
                span=span,
                raw=r.amt.raw,
                why=r.why,
            )
            (transfers if r.role == "pay" else received).append(tr)
        elif r.role == "total_loss":
            totals_loss.append(r.amt.value)
        elif r.role == "total_paid":
            totals_paid.append(r.amt.value)
        ev("amounts", r.amt.raw, span, f"{_ROLE_LABEL.get(r.role, r.role)}：{r.why}")

    amount: Decimal | None = None
    paid = sum((t.amount_yuan for t in transfers), Decimal(0))
    got_back = sum((t.amount_yuan for t in received), Decimal(0))
    if totals_loss:
        amount = max(totals_loss)
        ev("amount_yuan", str(amount), None, "报案材料写明的总损失")
    elif transfers or totals_paid:
        gross = max([paid, *totals_paid])
        amount = max(Decimal(0), gross - got_back)
        why = f"报案人各笔付款合计{gross}元" + (f"，减去已收回{got_back}元" if got_back else "")
        ev("amount_yuan", str(amount), None, why)

    # ---- time of the first fraud-related event
    occurred: TimeMention | None = None
    past = [m for m in times if m.value.date() <= ref.date()]  # the report day counts whole (report times are loose)
    # background ("其2019年读大学时曾在…贷过款") is not the fraud: skipped unless nothing else is dated
    recent = [m for m in past if not _BACKGROUND.search(doc.text[doc.clause_start(m.start) : doc.clause_end(m.start)])]
    past = recent or past
    if past:
        occurred = min(past, key=lambda m: (m.value.date(), m.start))
        ev(
            "occurred_at",
            occurred.formatted(),
            (occurred.start, occurred.end),
            f"最早的案发时间（{_time_why(occurred.why)}）",
        )

    typ, subtype = _typology(text)
    return CaseElements(
        reported_at=ref,
        type=typ,
        subtype=subtype,
        amount_yuan=amount,
        occurred_at=occurred.value if occurred else None,
        occurred_precision=occurred.precision if occurred else None,
        channels=channels,
        phones=_dedupe(phones),
        qq=_dedupe(qq),
        wechat=_dedupe(wechat),
        urls=_dedupe(urls),
        bank_cards=_dedupe(cards),
        apps=_dedupe(apps),
        payee_accounts=_dedupe(payees),
        transfers=transfers,
        received=received,
        other_numbers=others,
        evidence=evidence,
        truncated=truncated,
    )


def _time_before(times: list[TimeMention], orig_pos: int, doc: _Doc) -> str | None:
    """The date/time mentioned last before a transfer in the same sentence (None when the sentence dates nothing)."""
    ss, _ = doc.sentence_span(doc.n(orig_pos))
    o_ss = doc.o_span(ss, ss + 1)[0] if doc.text else 0
    best = None
    for m in times:
        if o_ss <= m.start < orig_pos:
            best = m
    return best.formatted() if best else None


# ---------------------------------------------------------------------------------------------------- evaluation

SCORED_FIELDS = ("amount_yuan", "occurred_at", *LIST_FIELDS)


def canonical(field: str, value: object) -> str:
    """Comparison key of a gold / predicted value (formatting differences are not errors)."""
    s = fold(str(value)).strip()
    if field == "amount_yuan":
        return str(Decimal(s).quantize(Decimal("0.01")))
    if field in ("phones", "qq"):
        d = re.sub(r"\D", "", s)
        if field == "phones" and len(d) == 13 and d.startswith("86"):
            d = d[2:]
        if field == "phones" and len(d) == 15 and d.startswith("0086"):
            d = d[4:]
        return d
    if field == "urls":
        s = re.sub(r"^[a-z]+://", "", s)
        s = re.sub(r"^www\.", "", s)
        return s.rstrip("/")
    if field in ("bank_cards", "payee_accounts"):
        d = re.sub(r"[\s-]", "", s)
        return d
    if field == "apps":
        return re.sub(r"\s+", "", s)
    return s


def field_counts(pred: dict[str, Any], gold: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per field for one narrative; scalars count as one item each (null = no item)."""
    out: dict[str, tuple[int, int, int]] = {}
    for f in SCORED_FIELDS:
        p, g = pred.get(f), gold.get(f)
        if f in ("amount_yuan", "occurred_at"):
            ps = set() if p is None else {canonical(f, p)}
            gs = set() if g is None else {canonical(f, g)}
        else:
            ps = {canonical(f, x) for x in (p or [])}
            gs = {canonical(f, x) for x in (g or [])}
        out[f] = (len(ps & gs), len(ps - gs), len(gs - ps))
    return out


def f1_table(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Micro precision / recall / F1 per field and overall (key ``"ALL"``) over (pred, gold) element dicts."""
    sums: dict[str, list[int]] = {f: [0, 0, 0] for f in (*SCORED_FIELDS, "ALL")}
    for pred, gold in pairs:
        for f, (tp, fp, fn) in field_counts(pred, gold).items():
            for k, v in enumerate((tp, fp, fn)):
                sums[f][k] += v
                sums["ALL"][k] += v
    table: dict[str, dict[str, float]] = {}
    for f, (tp, fp, fn) in sums.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        table[f] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": p,
            "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0,
        }
    return table
