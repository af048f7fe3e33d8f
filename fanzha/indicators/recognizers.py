"""Indicator extraction: a registry of small recognizers (presidio style).

Each recognizer has a cheap ``gate`` (skip the text when it cannot contain its kind), a pattern step that finds
candidates in the folded text, and a validator step that keeps, rejects or re-labels them; every result says which
recognizer found it and why. Recognizers run in registry order and a later one never takes a span an earlier one
already claimed (a QQ number is not also a phone, a card is not also a phone).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fanzha.indicators.fold import Folded, fold, fold_value
from fanzha.indicators.model import Indicator
from fanzha.indicators.normalizers import (
    HOTLINE_RE,
    MOBILE_RE,
    SMS_PORT_RE,
    looks_like_id_card,
    luhn_ok,
    normalize_value,
    parse_phone,
    valid_landline,
)
from fanzha.indicators.official import apps_data, lookup_bin, official_numbers

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- shared context words

BANK_NAMES: dict[str, str] = {
    "工商银行": "工商银行", "工行": "工商银行", "icbc": "工商银行",
    "农业银行": "农业银行", "农行": "农业银行",
    "中国银行": "中国银行", "中行": "中国银行",
    "建设银行": "建设银行", "建行": "建设银行", "ccb": "建设银行",
    "交通银行": "交通银行", "交行": "交通银行",
    "招商银行": "招商银行", "招行": "招商银行",
    "邮政储蓄": "邮储银行", "邮储银行": "邮储银行", "邮政银行": "邮储银行", "邮储": "邮储银行",
    "兴业银行": "兴业银行", "中信银行": "中信银行", "光大银行": "光大银行", "民生银行": "民生银行",
    "浦发银行": "浦发银行", "浦东发展银行": "浦发银行", "广发银行": "广发银行", "平安银行": "平安银行",
    "华夏银行": "华夏银行",
}  # fmt: skip
_BANK_RE = re.compile("|".join(sorted((re.escape(k) for k in BANK_NAMES), key=len, reverse=True)))
_PAYEE_RE = re.compile(
    r"转账?到|转入|转至|汇款?到|汇入|汇至|打款?到|打到|存入|收款|安全账户|对公账户|指定账户|核查账户|账户[:：]|账号[:：]|卡号[:：]"
)
_CARD_CTX = re.compile(r"卡号|银行卡|储蓄卡|借记卡|信用卡|账号|帐号|账户|帐户|户名|开户|转账|汇款|打款|收款|银行|card")
_ORDER_CTX = re.compile(
    r"订单|单号|运单|快递单|编号|流水号|交易号|序列号|批次|身份证|证件号|工号|会员号|学号|id[:：]?$"
)
_CODE_CTX = re.compile(
    r"验证码|校验码|动态码|动态密码|密码|口令|取件码|提货码|取货码|兑换码|邀请码|code|尾号|工号|编号|订单|单号|房间号|会议号|会议id|第"
)
_PHONE_CTX = re.compile(
    r"电话|致电|拨打|来电|热线|客服|号码|手机|call|tel|联系|回拨|拨|打(?!折|卡|车|包|扫|算|工|开|印|字)|报警|求助|咨询|举报|短信|发送|编辑"
)
_ROUND = frozenset({"10000", "12345"})  # official numbers that are also everyday amounts / sequences
_UNIT_AFTER = set("元块圆万千百亿%‰个次天年月日号岁斤件人位名张份条台期分秒时米克")


# ---------------------------------------------------------------- TLDs


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=8192)
def registrable(host: str) -> tuple[str, str, str]:
    """(subdomain, domain label, public suffix) of a host, from tldextract's bundled public-suffix list."""
    r = _extractor()(host)
    return r.subdomain, r.domain, r.suffix


def tld_ok(host: str) -> bool:
    _, dom, suf = registrable(host)
    return bool(dom and suf)


# TLDs accepted when the dot was written as 点 / 。 / with spaces (evasion) — the rest need a real dot
COMMON_TLDS = frozenset(
    "com cn net org cc top xyz vip club icu buzz work wang ink tk pw cyou sbs cfd bond hk".split()
)  # not me / co / tv / live / fun ...: "Thanks. Me too" must not become a domain


# ---------------------------------------------------------------- recognizer base


@dataclass
class Scan:
    """One extraction run over a text: the folded text and the spans already claimed."""

    folded: Folded
    starts: list[int] = field(default_factory=list)  # claimed spans: disjoint, sorted by start
    ends: list[int] = field(default_factory=list)
    out: list[Indicator] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.folded.text

    @property
    def taken(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def free(self, s: int, e: int) -> bool:
        i = bisect_right(self.starts, s)
        if i > 0 and self.ends[i - 1] > s:
            return False
        return not (i < len(self.starts) and self.starts[i] < e)

    def add(self, kind: str, s: int, e: int, normalized: str, recognizer: str, why: str,
            context: dict[str, Any] | None = None, score: float = 1.0) -> None:  # fmt: skip
        os_, oe = self.folded.span(s, e)
        raw = self.folded.original[os_:oe]
        i = bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)
        self.out.append(Indicator(kind, raw, normalized, (os_, oe), context or None, recognizer, why, score))


class Recognizer:
    name = "base"
    kinds: tuple[str, ...] = ()

    def gate(self, text: str) -> bool:
        return True

    def run(self, scan: Scan) -> None:
        raise NotImplementedError


def digit_count(text: str) -> int:
    """Number of ASCII digits (ten C-level passes: much faster than a Python loop on long texts)."""
    return sum(map(text.count, "0123456789"))


def _before(text: str, start: int, n: int) -> str:
    return text[max(0, start - n) : start]


# ---------------------------------------------------------------- context-anchored accounts


_OPEN = r"(?:[(（【\[「“\"]\s*)?"  # a value may sit in brackets / quotes after its label: QQ（123456789）


class AlipayRecognizer(Recognizer):
    name, kinds = "alipay", ("alipay",)
    _re = re.compile(
        r"支付宝(?:账号|账户|帐号|帐户|号)?\s*(?:是|为)?\s*[:：]?\s*"
        + _OPEN
        + r"(1[3-9]\d[ -]?\d{4}[ -]?\d{4}|[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![0-9a-z])"
    )

    def gate(self, text: str) -> bool:
        return "支付宝" in text

    def run(self, scan: Scan) -> None:
        for m in self._re.finditer(scan.text):
            s, e = m.span(1)
            if not scan.free(s, e):
                continue
            val = m.group(1)
            try:
                norm = normalize_value("alipay", val)
            except ValueError:
                continue
            ctx: dict[str, Any] = {"account_type": "email" if "@" in val else "phone"}
            if _PAYEE_RE.search(_before(scan.text, m.start(), 15)):
                ctx["role"] = "payee"
            scan.add("alipay", s, e, norm, self.name, "account written after 支付宝", ctx)


class QQRecognizer(Recognizer):
    name, kinds = "qq", ("qq",)
    _re = re.compile(
        r"(?<![a-z])(?:q ?q|扣扣|企鹅号?|q号|q群|q)\s*(?P<grp>群|群号)?\s*(?:号码|号)?\s*(?:是|为)?\s*[:：]?\s*"
        + _OPEN
        + r"(?P<num>[1-9]\d{4,10})(?!\d)(?!\.[a-z0-9])(?!点[a-z])"
    )

    _trailing = re.compile(r"(?<![0-9])(?P<num>[1-9]\d{4,10})\s*[(（]\s*(?:q ?q|扣扣)号?\s*[)）]")
    # "群号：765432198" without the word QQ: a numeric group number is a QQ group unless another app is named
    _group = re.compile(
        r"群(?:号码|号|號|id)\s*(?:是|为)?\s*[:：]?\s*" + _OPEN + r"(?P<num>[1-9]\d{4,10})(?!\d)(?!\.[a-z0-9])"
    )
    _other_app = re.compile(r"钉钉|dingtalk|飞书|lark|微信|wechat|vx|tg|telegram|纸飞机|whatsapp|line|skype")

    def gate(self, text: str) -> bool:
        return "q" in text or "扣扣" in text or "企鹅" in text or "群" in text

    def run(self, scan: Scan) -> None:
        if "群" in scan.text:
            for m in self._group.finditer(scan.text):
                s, e = m.span("num")
                before = _before(scan.text, m.start(), 12)
                qq_ctx = re.search(r"q ?q|扣扣|企鹅", before)
                if not scan.free(s, e) or (not qq_ctx and self._other_app.search(before)):
                    continue
                if MOBILE_RE.fullmatch(m.group("num")) and not qq_ctx:
                    continue  # "群号" then a mobile number: too ambiguous without QQ
                why = "group number after 群号" + (
                    f" near {qq_ctx.group()!r}" if qq_ctx else " (QQ groups are numeric)"
                )
                scan.add("qq", s, e, m.group("num"), self.name, why, {"group": True})
        for m in self._trailing.finditer(scan.text):  # "55667788（QQ）"
            s, e = m.span("num")
            if scan.free(s, e) and not MOBILE_RE.fullmatch(m.group("num")):
                scan.add("qq", s, e, m.group("num"), self.name, "digits followed by (QQ)")
        for m in self._re.finditer(scan.text):
            s, e = m.span("num")
            if not scan.free(s, e):
                continue
            kw = m.group(0)[: m.start("num") - m.start()]
            if kw.strip().startswith("q") and not re.match(r"q ?q", kw.strip()) and not re.search(r"[:：号群]", kw):
                continue  # a bare "q" before digits is not enough
            ctx = {"group": True} if m.group("grp") or "群" in kw else None
            scan.add("qq", s, e, m.group("num"), self.name, f"digits after {kw.strip()!r}", ctx)


class WeChatRecognizer(Recognizer):
    name, kinds = "wechat", ("wechat",)
    _re = re.compile(
        r"(?<![a-z])(?:微信|薇信|威信|徽信|维信|v信|vx|wx|weixin|wechat|加v|加微|\+v|➕v)\s*"
        r"(?:[(（【\[]\s*)?(?:号码|号|號|账号|帳號|id(?![a-z]))?\s*(?:是|为|為)?\s*[:：]?\s*"
        + _OPEN
        + r"(?P<id>[a-z][-_a-z0-9]{5,19})(?![-_a-z0-9])(?!\.[a-z0-9])(?!点[a-z])"
    )  # 微信号：x, 微信號：x, 微信id:x, 微信（ID：x）, 微信（x）

    def gate(self, text: str) -> bool:
        return any(k in text for k in ("微", "薇", "威", "徽", "维信", "v", "wx", "wechat"))

    def run(self, scan: Scan) -> None:
        for m in self._re.finditer(scan.text):
            s, e = m.span("id")
            if not scan.free(s, e):
                continue
            scan.add("wechat", s, e, m.group("id"), self.name, "ID written after a WeChat keyword")


# ---------------------------------------------------------------- URLs, domains, IPs

_L = r"[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_LABEL = rf"{_L}(?:[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff_-]{{0,61}}{_L})?"
_DOT_ALT = r"\.|。|点|點|丶|·|﹒|\[\.\]|\(\.\)|\[dot\]|\(dot\)| dot "
_DOT = rf"(?:\s?(?:{_DOT_ALT})\s?)"
_OCT = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_URL_RE = re.compile(
    rf"(?<![a-z0-9@._\-/])(?P<scheme>(?:https?|hxxps?|ftp)\s?[:：]\s?//)?"
    rf"(?:(?P<user>[a-z0-9._%+:-]{{1,64}})@)?"
    rf"(?P<host>{_OCT}(?:\.{_OCT}){{3}}(?![\d.])|{_LABEL}(?:{_DOT}{_LABEL})+)"
    rf"(?P<port>:\d{{1,5}})?(?P<path>[/?#][!-~]*)?"
)
_TRAIL_PUNCT = ".,;:!?)]}'\""
# Chinese-written domains (淘宝退款.cn, 中文.com): a run of CJK characters, a real dot, a common TLD. Where the host
# starts is ambiguous in running text, so the run must follow a delimiter (space, colon, bracket, quote) or a link
# word (访问 / 网址 / 登录 ...), and only the part after the last link word is the host.
_CJK_TLD = re.compile(
    r"(?<=[\u4e00-\u9fff])\.(?P<tld>com|cn|net|org|top|xyz|vip|cc|club|shop|wang|ink|icu|中国|公司|网络)"
    r"(?![a-z0-9\u4e00-\u9fff-])(?P<path>/[!-~]*)?"
)  # found from the dot, then the CJK run is walked back (a forward CJK-run regex is slow on long texts)
_LINK_WORD = re.compile(r"(?:访问|网址|网站|链接|登录|登陆|打开|进入|点击|浏览|前往|域名|官网)(?:是|为|：|:)?")
_DELIM_BEFORE = frozenset(" \t\n:：(（[【「『“\"'‘<《")
_SPACED_GATE = re.compile(r"(?:\.|。|点) ?[a-z0-9-] [a-z0-9-]")
# Letter-spaced hosts ("t a o b a o . c o m"): single characters separated by single spaces, a spaced dot, a TLD.
_SPACED_HOST = re.compile(
    r"(?<![a-z0-9-] )(?<![a-z0-9-])(?P<host>(?:[a-z0-9-] ){2,}[a-z0-9-](?: ?(?:\.|。|点) ?(?:[a-z0-9-] )*[a-z0-9-])+)"
    r"(?![a-z0-9-]| [a-z0-9-](?![a-z0-9-]))"
)
# cheap pre-check: an ASCII letter/digit, a dot (or 点 / 。 / [.]), an ASCII letter/digit
_URL_GATE = re.compile(rf"[a-z0-9\u0400-\u04ff-]\s?(?:{_DOT_ALT})\s?[a-z0-9\u0400-\u04ff]|//")


class UrlRecognizer(Recognizer):
    """URLs, bare domains and IP literals, also written with 点 / 。 / [.] / spaces / full-width characters."""

    name, kinds = "url", ("url", "domain", "ip", "qq")  # qq: number@qq.com addresses

    def gate(self, text: str) -> bool:
        if any(c in text for c in (".", "。", "点", "點", "丶", "·", "﹒", "//", "dot")) and _URL_GATE.search(text):
            return True
        return "." in text and _CJK_TLD.search(text) is not None

    def run(self, scan: Scan) -> None:
        text = scan.text
        for m in _URL_RE.finditer(text):
            s, e = m.span()
            path = m.group("path") or ""
            stripped = path.rstrip(_TRAIL_PUNCT)
            e -= len(path) - len(stripped)
            host_raw = m.group("host")
            scheme, user = m.group("scheme"), m.group("user")
            if user and not scheme:  # an e-mail address
                if host_raw in ("qq.com", "vip.qq.com", "foxmail.com") and user.isdigit() and 5 <= len(user) <= 11:
                    if scan.free(s, e):
                        scan.add("qq", s, m.end("host"), user, self.name, "QQ mail address (number@qq.com)")
                continue
            if not scan.free(s, e):
                continue
            if not self._plausible(host_raw, scheme is not None, text, m):
                continue
            os_, oe = scan.folded.span(s, e)
            raw = scan.folded.original[os_:oe]
            try:
                from fanzha.indicators.normalizers import split_url

                parts = split_url(raw)
            except ValueError:
                continue
            kind = parts.kind
            norm = parts.canonical() if kind == "url" else (parts.host + (":" + parts.port if parts.port else ""))
            why = (
                "URL with scheme"
                if scheme
                else ("IP address" if parts.is_ip else "host name with a known public suffix")
            )
            scan.add(kind, s, e, norm, self.name, why)
        if "." in text:
            self._cjk_hosts(scan)
        if _SPACED_GATE.search(text):
            self._spaced_hosts(scan)

    def _cjk_hosts(self, scan: Scan) -> None:
        text = scan.text
        for m in _CJK_TLD.finditer(text):
            run_s = m.start()
            while run_s > 0 and m.start() - run_s < 24 and "\u4e00" <= text[run_s - 1] <= "\u9fff":
                run_s -= 1
            if m.start() - run_s < 2:
                continue
            words = list(_LINK_WORD.finditer(text, run_s, m.start()))
            if words:
                s = words[-1].end()
            elif run_s == 0 or text[run_s - 1] in _DELIM_BEFORE:
                s = run_s
            else:
                continue  # "请在淘宝退款.cn…": cannot tell where the host starts
            e = m.end("path") if m.group("path") else m.end("tld")
            path = text[m.end("tld") : e]
            e -= len(path) - len(path.rstrip(_TRAIL_PUNCT))
            if e - s < 5 or m.start("tld") - s < 2 or not scan.free(s, e):
                continue
            os_, oe = scan.folded.span(s, e)
            try:
                from fanzha.indicators.normalizers import split_url

                parts = split_url(scan.folded.original[os_:oe])
            except ValueError:
                continue
            norm = parts.canonical() if parts.kind == "url" else parts.host
            scan.add(parts.kind, s, e, norm, self.name, "Chinese-written domain name (internationalised)")

    def _spaced_hosts(self, scan: Scan) -> None:
        for m in _SPACED_HOST.finditer(scan.text):
            s, e = m.span("host")
            host = re.sub(r" ?(?:\.|。|点) ?", ".", m.group("host")).replace(" ", "")
            sub, dom, suf = registrable(host)
            if not dom or not suf or suf.split(".")[-1] not in COMMON_TLDS or len(dom) < 3:
                continue
            if not re.search(r"[a-z]", dom) or dom.startswith("-") or dom.endswith("-") or not scan.free(s, e):
                continue
            scan.add("domain", s, e, host, self.name, "host name written letter by letter with spaces")

    @staticmethod
    def _plausible(host_raw: str, has_scheme: bool, text: str, m: re.Match[str]) -> bool:
        if re.fullmatch(rf"{_OCT}(?:\.{_OCT}){{3}}", host_raw):
            return True
        tricky = bool(re.search(r"\s|。|点|點|丶|·|﹒|\[|\(", host_raw))
        host = re.sub(_DOT, ".", host_raw).replace(" ", "")
        labels = host.split(".")
        tld = labels[-1]
        if has_scheme:
            return len(labels) >= 2 and bool(tld)
        if not tld.isascii() or not tld.isalpha():
            return False
        sub, dom, suf = registrable(host)
        if not dom or not suf:
            return False
        if tricky and suf.split(".")[-1] not in COMMON_TLDS:
            return False
        if not re.search(r"[a-z]", dom) and not (dom.isdigit() and (len(dom) >= 4 or (m.group("path") and not tricky))):
            return False  # "3点cc", "10.5.com" are not hosts; "12306.cn" is
        if len(dom) < 2 and not m.group("path"):
            return False
        return True


# ---------------------------------------------------------------- bank cards

_CARD_RE = re.compile(r"(?<![0-9a-z])(?:\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?|\d{6}[ \-]\d{10,13})(?![0-9a-z])")


class BankCardRecognizer(Recognizer):
    """16-19 digit card numbers (spaced in 4s allowed). Luhn and BIN are evidence, context decides."""

    name, kinds = "bank_card", ("bank_card",)

    def gate(self, text: str) -> bool:
        return digit_count(text) >= 16

    def run(self, scan: Scan) -> None:
        text = scan.text
        for m in _CARD_RE.finditer(text):
            s, e = m.span()
            digits = re.sub(r"\D", "", m.group())
            if not 16 <= len(digits) <= 19 or not scan.free(s, e):
                continue
            before = _before(text, s, 12)
            if _ORDER_CTX.search(before) or looks_like_id_card(digits):
                continue
            row = lookup_bin(digits)
            luhn = luhn_ok(digits)
            ctx_word = _CARD_CTX.search(_before(text, s, 20))
            if not (row or ctx_word or (luhn and digits[0] in "3456")):
                continue
            ctx: dict[str, Any] = {"luhn": luhn}
            if row:
                ctx["bin_bank"] = row.bank
            window = _before(text, s, 30) + " " + text[e : e + 12]
            bank = _BANK_RE.search(window)
            if bank:
                ctx["claimed_bank"] = BANK_NAMES[bank.group()]
            if _PAYEE_RE.search(_before(text, s, 20)):
                ctx["role"] = "payee"
            why = ", ".join(
                w
                for w in (
                    f"BIN of {row.bank}" if row else "",
                    "Luhn check passes" if luhn else "Luhn check fails",
                    f"after {ctx_word.group()!r}" if ctx_word else "",
                )
                if w
            )
            scan.add("bank_card", s, e, digits, self.name, why, ctx, 0.9 if (row and luhn) else 0.6)


# ---------------------------------------------------------------- phones

_SEP = r"(?: ?[-~～*·_] ?| |[)）] ?| ?[(（] ?|\.(?=\d{3,4}(?!\d))|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?)"
# "(" alone is only a bracket ("电话(17312345678)" is a Chinese mobile, never +1 731…); "+" / "(+" / "00" is a prefix.
_PHONE_RUN = re.compile(
    rf"(?<![0-9a-z.+_/@#=&%-])(?:(?P<lead>[(（](?=0\d{{2,3}}[)）]))|(?P<plus>\+ ?\(?|\(\+ ?|00))?"
    rf"(?P<body>\d+(?:{_SEP}\d+)*)"
)  # lead: an area code in brackets, "(010)12345678", is part of the number's span
# an extension written after a service number: 96110-8888, 95588转3, 95588 转分机 12, 95533 ext 8
_EXT = re.compile(
    r"(?: ?[-－] ?| ?(?:转|轉)(?:分机|分機)? ?| ?(?:分机|分機|ext\.?|x) ?)(\d{1,4})(?![\d:：.年月日号元块万点时分秒])"
)
_GROUP = re.compile(r"\d+")
_LONG_START = re.compile(r"1[3-9]?$|1[3-9]\d|0[1-9]?$|0[1-9]\d|[48]0?$|[48]00|86?$|861")


class PhoneRecognizer(Recognizer):
    """Mobiles, landlines with area code, 400/800, 95xxx/96xxx/1xxxx service codes, +86/0086/86 prefixes, foreign.

    Digit groups split by spaces or dashes are joined when the joined digits form a valid number; a single run of
    more than 15 digits (order numbers, IDs) never yields a phone; dates, times, prices and verification codes are
    rejected by their context.
    """

    name, kinds = "phone", ("phone",)

    def gate(self, text: str) -> bool:
        return digit_count(text) >= 3  # 110 is the shortest number worth reading

    def run(self, scan: Scan) -> None:
        text = scan.text
        for m in _PHONE_RUN.finditer(text):
            end = m.end()
            nxt = text[end : end + 2]
            if nxt[:1] in (":", "：") and nxt[1:2].isdigit():
                continue  # a time 10:30
            if m.start() >= 2 and text[m.start() - 1] in ":：" and text[m.start() - 2].isdigit():
                continue
            plus = m.group("plus") or ""
            groups = [
                (g.start() + m.start("body"), g.end() + m.start("body"), g.group())
                for g in _GROUP.finditer(m.group("body"))
            ]
            if plus == "00":
                groups[0] = (groups[0][0] - 2, groups[0][1], "00" + groups[0][2])
                plus = ""
            self._join(scan, groups, plus.strip(), m.start(), bool(m.group("lead")))

    def _join(
        self, scan: Scan, groups: list[tuple[int, int, str]], plus: str, run_start: int, lead: bool = False
    ) -> None:
        i, n = 0, len(groups)
        while i < n:
            best: tuple[int, str, str, str] | None = None
            acc = ""
            for j in range(i, n):
                acc += groups[j][2]
                if len(acc) > 15:
                    break
                prefixed = i == 0 and (plus or acc.startswith("00"))
                if j > i and not prefixed and not _LONG_START.match(acc):
                    break  # no mobile / landline / 400 / 86-mobile starts like this
                if j > i and not prefixed and len(acc) < 10:
                    continue  # joined groups only make long numbers (mobile, landline, 400); short codes are one piece
                if len(acc) < 3:
                    continue
                start = run_start if (i == 0 and plus) else groups[i][0]
                res = self._classify(("+" if (i == 0 and plus) else "") + acc, scan.text, start, groups[j][1])
                if res and res[1] == "service" and j > i and not (i == 0 and (plus or acc.startswith("00"))):
                    res = None  # a short code is written in one piece ("1 2 3 4 5" is not 12345)
                if res:
                    best = (j, *res)
            if best is None:
                i += 1
                continue
            j, norm, cat, why = best
            s = run_start if (i == 0 and (plus or lead)) else groups[i][0]
            e = groups[j][1]
            ext = None
            if cat == "service" and 5 <= len(norm) <= 6 and norm.isdigit():
                ext = _EXT.match(scan.text, e)  # the extension belongs to the number (one indicator, one span)
                if ext:
                    e = ext.end()
                    norm = f"{norm}-{ext.group(1)}"  # register key "96110-8888" (normalize_value gives the same)
                    while j + 1 < n and groups[j + 1][0] < e:
                        j += 1
            if scan.free(s, e):
                ctx: dict[str, Any] = {"category": cat}
                if ext:
                    ctx["extension"] = ext.group(1)
                    why += f", extension {ext.group(1)}"
                before = _before(scan.text, s, 8)
                if re.search(r"微信|vx|wx|v信", before):
                    ctx["app"] = "wechat"
                scan.add("phone", s, e, norm, self.name, why, ctx)
            i = j + 1

    @staticmethod
    def _classify(value: str, text: str, s: int, e: int) -> tuple[str, str, str] | None:
        digits = value.lstrip("+")
        if value.startswith("+") or (digits.startswith("00") and len(digits) > 6):
            try:
                p = parse_phone(value)
            except ValueError:
                return None
            if p.category == "foreign":
                import phonenumbers

                try:
                    num = phonenumbers.parse(p.normalized, None)
                    ok = phonenumbers.is_valid_number(num)
                    spoof = str(num.national_number) in official_numbers()  # "+852 95533"
                except phonenumbers.NumberParseException:
                    ok = spoof = False
                if spoof:
                    return (p.normalized, "foreign", "official service number behind a foreign country code")
                return (p.normalized, "foreign", f"international number ({p.region})") if ok else None
            if p.category in ("mobile", "landline", "hotline"):
                return (p.normalized, p.category, f"{p.category} number with +86 prefix")
            if p.category == "service" and 3 <= len(p.national) <= 8:
                return (p.normalized, "service", "service code written with a country prefix")
            return None
        if len(digits) == 13 and digits.startswith("86") and MOBILE_RE.fullmatch(digits[2:]):
            return (digits[2:], "mobile", "mobile number with 86 prefix")
        if MOBILE_RE.fullmatch(digits):
            return (digits, "mobile", "mobile number pattern 1[3-9]xxxxxxxxx")
        if digits.startswith("0") and valid_landline(digits):
            return (digits, "landline", "landline with area code")
        if HOTLINE_RE.fullmatch(digits):
            return (digits, "hotline", "400/800 hotline")
        if SMS_PORT_RE.fullmatch(digits):
            return (digits, "sms_port", "106 SMS service port")
        if 3 <= len(digits) <= 8 and not digits.startswith("0"):
            return PhoneRecognizer._short(digits, text, s, e)
        if 9 <= len(digits) <= 10 and digits[:2] in ("95", "96"):  # 950188123: a 95/96 number with its extension
            if _PHONE_CTX.search(_before(text, s, 10)) and not _CODE_CTX.search(_before(text, s, 8)):
                return (digits, "service", "95/96 service number with an extension, after a phone word")
        return None

    @staticmethod
    def _short(digits: str, text: str, s: int, e: int) -> tuple[str, str, str] | None:
        before = _before(text, s, 8)
        after = text[e : e + 1]
        if after in _UNIT_AFTER or _before(text, s, 1) in ("¥", "$", "￥", "第") or _CODE_CTX.search(before):
            return None
        if text[e : e + 2] in ("开头", "打头", "字头"):
            return None  # "95188开头的电话": a prefix described, the number is written elsewhere
        offi = official_numbers()
        phone_ctx = _PHONE_CTX.search(_before(text, s, 10))
        if digits in offi and (phone_ctx or (len(digits) > 3 and digits not in _ROUND)):
            return (digits, "service", f"official number of {offi[digits].owner}")
        if not phone_ctx:
            return None
        if len(digits) == 5 and digits[:2] in ("95", "96", "10", "11", "12"):
            return (digits, "service", f"service code after {phone_ctx.group()!r}")
        for num in offi:  # an official number with a digit or two added (spoof pattern)
            if len(num) == 5 and num in digits and len(digits) <= len(num) + 3:
                return (digits, "service", f"contains the official number {num} with extra digits")
        if len(digits) in (6, 7, 8) and digits[:2] in ("95", "96"):
            return (digits, "service", f"95/96 service code after {phone_ctx.group()!r}")
        return None


_CN_DIGIT = str.maketrans("零〇一幺二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖", "0011223456789122334566789")
_CN_CHARS = "零〇一幺二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖"
_CN_RUN = re.compile(rf"[0-9{_CN_CHARS}](?:[ \-]?[0-9{_CN_CHARS}]){{9,11}}")


class ChineseNumeralPhoneRecognizer(Recognizer):
    """Phone numbers written (partly) in Chinese numerals to dodge filters: 一三八一二三四五六七八, 幺三八 1234 5678."""

    name, kinds = "phone_cn", ("phone",)

    def gate(self, text: str) -> bool:
        return sum(map(text.count, _CN_CHARS)) >= 3

    def run(self, scan: Scan) -> None:
        for m in _CN_RUN.finditer(scan.text):
            raw = m.group()
            if raw.isascii():
                continue
            digits = re.sub(r"[ \-]", "", raw.translate(_CN_DIGIT))
            s, e = m.span()
            if not scan.free(s, e):
                continue
            if MOBILE_RE.fullmatch(digits):
                cat = "mobile"
            elif digits.startswith("0") and valid_landline(digits):
                cat = "landline"
            else:
                continue
            scan.add("phone", s, e, digits, self.name, f"{cat} number written in Chinese numerals", {"category": cat})


# ---------------------------------------------------------------- apps


@lru_cache(maxsize=1)
def _app_index() -> tuple[dict[str, tuple[str, str, bool]], Any]:
    """alias (lower case) -> (canonical name, group, needs context), and an Aho-Corasick automaton over the aliases."""
    import ahocorasick

    data = apps_data()
    index: dict[str, tuple[str, str, bool]] = {}
    for group in ("screen_share", "chat", "trade", "official"):
        for item in data.get(group, []):
            canonical = str(item["name"])
            ctx = item.get("context_only", False)  # true, or the list of aliases that are also ordinary words
            for alias in [canonical, *item.get("aliases", [])]:
                needs = alias in ctx if isinstance(ctx, list) else bool(ctx)
                index[str(alias).lower()] = (canonical, group, needs)
    automaton = ahocorasick.Automaton()
    for name in index:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return index, automaton


@lru_cache(maxsize=1)
def _generic_app_words() -> frozenset[str]:
    """Features and generic words (屏幕共享, 数字货币, 贷款 ...) that are never an app's name (data/apps.yaml)."""
    return frozenset(str(w).lower() for w in apps_data().get("generic_names", []))


@lru_cache(maxsize=1)
def _generic_unquoted() -> frozenset[str]:
    """Words that name an app only when quoted (“安全防护”APP), not when bare (下载导航app)."""
    return frozenset(str(w).lower() for w in apps_data().get("generic_unquoted", []))


def known_app(name: str) -> tuple[str, str] | None:
    """(canonical name, group) of an app on the watch list / official list."""
    hit = _app_index()[0].get(name.lower())
    return (hit[0], hit[1]) if hit else None


_APP_VERB = r"(?:下载|安装|打开|注册|登录|登陆|使用|进入|前往|装一?个|下个)"
_APP_FILL = r"(?:一个|一款|一下|这个|该|我们的|官方的?|指定的?|专用的?)?(?:名为|叫做?|名叫)?\s*"
_APP_QUOTED = re.compile(rf"{_APP_VERB}{_APP_FILL}[「“\"《『【‘']([^」”\"》』】’'\n]{{1,20}})[」”\"》』】’']")
_APP_QUOTED_SUFFIX = re.compile(r"[「“\"《『【‘']([^」”\"》』】’'\n]{1,20})[」”\"》』】’']\s*(?:app|软件|客户端|平台)")
_APP_NAMED = re.compile(rf"{_APP_VERB}{_APP_FILL}([a-z0-9\u4e00-\u9fff]{{2,12}}?)\s*(?:app|软件|客户端)")
_APP_VERB_GATE = re.compile(r"下载|安装|打开|注册|登录|登陆|使用|进入|前往|装一?个|下个")
_APP_CTX = re.compile(
    r"下载|安装|打开|登录|登陆|注册|app|软件|客户端|远程|会议|共享|屏幕|聊|加我|联系|视频|语音|私信|私聊|加|平台|交易|代售|账号|买|卖"
)
_APP_TAIL = re.compile(r"(?:官方|最新版|新版|手机版|电脑版)+$")
_APP_STOP = re.compile(
    r"^(?:一个|一款|一下|这个|那个|该|此|我们的?|你的|您的|官方|相关|指定的?|专用的?|下载|安装|的|最新版|新版"
    r"|登录|登陆|使用|打开|注册|进入|尽在|在)+"
)


def _written_as_brand(scan: Scan, s: int, e: int, canonical: str) -> bool:
    """An ASCII name written exactly as the brand writes it ("LINE", "Signal") right next to Chinese text."""
    if not canonical.isascii() or len(canonical) < 4:
        return False
    os_, oe = scan.folded.span(s, e)
    written = fold_value(scan.folded.original[os_:oe], lower=False)
    text = scan.text
    cjk = any("\u4e00" <= c <= "\u9fff" for c in text[max(0, s - 1) : s] + text[e : e + 1])
    return written == canonical and cjk


class AppRecognizer(Recognizer):
    name, kinds = "app", ("app",)

    def gate(self, text: str) -> bool:
        return True

    def run(self, scan: Scan) -> None:
        text = scan.text
        index, automaton = _app_index()
        for end, name in automaton.iter_long(text):
            start = end - len(name) + 1
            if name.isascii() and (
                (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum())
                or (end + 1 < len(text) and text[end + 1].isascii() and text[end + 1].isalnum())
            ):
                continue  # "zoom" inside "zoomed", "7881" inside "278815"
            if name.isdigit() and (
                text[end + 1 : end + 2] in _UNIT_AFTER
                or _before(text, start, 1) in ("¥", "$", "￥", ".", "-")
                or _CODE_CTX.search(_before(text, start, 6))
            ):
                continue  # "5173元", "尾号7881"
            canonical, group, needs_ctx = index[name]
            window = text[max(0, start - 8) : end + 9]
            if needs_ctx and not _written_as_brand(scan, start, end + 1, canonical):
                if not _APP_CTX.search(window):
                    continue  # 向日葵 the flower, 电报 the telegram
                if name.isascii() and re.search(r"[a-z]\s?$", text[max(0, start - 3) : start]):
                    continue  # "on the line", "a weak signal": an English word inside English text
            if scan.free(start, end + 1):
                scan.add("app", start, end + 1, normalize_value("app", canonical), self.name,
                         f"{group} app on the watch list", {"group": group, "name": canonical})  # fmt: skip
        has_verb = bool(_APP_VERB_GATE.search(text))
        has_suffix = "app" in text or "软件" in text or "客户端" in text or "平台" in text
        if not (has_verb or has_suffix):
            return
        for rx, why in ((_APP_QUOTED, "quoted name after download/install"),
                        (_APP_QUOTED_SUFFIX, "quoted name followed by APP"),
                        (_APP_NAMED, "name after download/install, before APP")):  # fmt: skip
            if (rx is _APP_QUOTED_SUFFIX and not has_suffix) or (rx is not _APP_QUOTED_SUFFIX and not has_verb):
                continue
            for m in rx.finditer(text):
                s, e = m.span(1)
                name = m.group(1)
                cut = max(name.rfind("的"), name.rfind("并"), name.rfind("和"))
                if cut >= 0:  # "并使用我们的掌厅" -> "掌厅"
                    s += cut + 1
                    name = name[cut + 1 :]
                name = _APP_TAIL.sub("", name)
                e = s + len(name)
                stop = _APP_STOP.match(name)
                if stop:
                    s += stop.end()
                    name = name[stop.end() :]
                if len(name.strip()) < 2 or not scan.free(s, e):
                    continue
                try:
                    norm = normalize_value("app", name)
                except ValueError:
                    continue
                if norm in _generic_app_words() or (rx is _APP_NAMED and norm in _generic_unquoted()):
                    continue  # 屏幕共享, 数字货币: a feature or a concept, not an app
                k = known_app(norm)
                ctx = {"group": k[1], "name": k[0]} if k else None
                scan.add("app", s, e, norm, self.name, why, ctx, 0.8)


# ---------------------------------------------------------------- amounts (engineer T's parser)


class AmountRecognizer(Recognizer):
    name, kinds = "amount", ("amount",)

    def run(self, scan: Scan) -> None:
        try:
            from fanzha.text.amounts import find_amounts
        except ImportError:  # fanzha.text.amounts not landed yet
            return
        original = scan.folded.original
        claimed = [scan.folded.span(a, b) for a, b in scan.taken]  # sorted, disjoint
        starts = [a for a, _ in claimed]
        for am in find_amounts(original):
            i = bisect_right(starts, am.start)
            if (i > 0 and claimed[i - 1][1] > am.start) or (i < len(claimed) and claimed[i][0] < am.end):
                continue
            norm = format(am.value.normalize(), "f")
            scan.out.append(Indicator("amount", original[am.start : am.end], norm, (am.start, am.end), None,
                                      self.name, "money amount (fanzha.text.amounts)"))  # fmt: skip


# ---------------------------------------------------------------- registry

_CLASSES: tuple[type[Recognizer], ...] = (
    AlipayRecognizer,
    QQRecognizer,
    WeChatRecognizer,
    UrlRecognizer,
    BankCardRecognizer,
    PhoneRecognizer,
    ChineseNumeralPhoneRecognizer,
    AppRecognizer,
    AmountRecognizer,
)


def load_registry() -> tuple[Recognizer, ...]:
    """The enabled recognizers in the order of data/recognizers.yaml."""
    from fanzha.indicators.official import _load_yaml

    by_name = {cls.name: cls for cls in _CLASSES}
    out = []
    for entry in _load_yaml("recognizers.yaml")["recognizers"]:
        name = str(entry["name"])
        if name not in by_name:
            raise ValueError(f"recognizers.yaml: unknown recognizer {name!r} (known: {', '.join(by_name)})")
        if entry.get("enabled", True):
            out.append(by_name[name]())
    return tuple(out)


REGISTRY: tuple[Recognizer, ...] = load_registry()


def iter_recognizers(kinds: Iterable[str] | None) -> Iterator[Recognizer]:
    want = set(kinds) if kinds is not None else None
    for r in REGISTRY:
        if want is None or want.intersection(r.kinds):
            yield r


def extract(text: str, kinds: set[str] | None = None) -> list[Indicator]:
    """All indicators in ``text`` (spans in the ORIGINAL text), sorted by position.

    ``kinds`` restricts the output (e.g. {"phone", "url"}). Context-anchored recognizers (QQ, WeChat, Alipay) and
    bank cards still claim their spans first, so a QQ number is never returned as a phone.
    """
    if not isinstance(text, str):
        raise TypeError("extract() needs a str")
    if not text:
        return []
    scan = Scan(fold(text))
    lowered = scan.text
    # Recognizers claim spans in registry order, so every recognizer up to the last requested one must run for the
    # result to equal the unfiltered extraction restricted to ``kinds``; later, unrequested ones are skipped.
    last = len(REGISTRY) - 1
    if kinds is not None:
        last = max((i for i, r in enumerate(REGISTRY) if kinds.intersection(r.kinds)), default=-1)
    for rec in REGISTRY[: last + 1]:
        if rec.gate(lowered):
            rec.run(scan)
    out = scan.out if kinds is None else [i for i in scan.out if i.kind in kinds]
    return sorted(out, key=lambda i: (i.span[0], i.span[1]))
