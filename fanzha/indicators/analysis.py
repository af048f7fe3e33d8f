"""Offline analysis of one indicator value: URL lookalikes, spoofed numbers, MVNO segments, card BINs, app names.

Each analyser returns ``Finding``s (id, level, weight, why); ``fanzha.indicators.check`` and
``fanzha.indicators.screening_evidence`` turn them into a CheckResult / Evidence. Weights are on the screening
engine's evidence scale (a strong rule is 4-7; the engine multiplies the indicator sum by its ``indicator`` factor
and caps it). An official value (allowlisted number or domain) is never risky.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import carrier, geocoder
from rapidfuzz.distance import OSA

from fanzha.indicators.normalizers import (
    EMAIL_RE,
    MVNO_PREFIXES,
    SERVICE_RE,
    decode_host,
    luhn_ok,
    parse_phone,
    split_url,
)
from fanzha.indicators.official import (
    Brand,
    _load_yaml,
    apps_data,
    brands,
    lookup_bin,
    official_domain_for_host,
    official_domains,
    official_numbers,
)
from fanzha.indicators.recognizers import known_app, registrable

LEVELS = ("none", "low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Signal:
    id: str
    level: str
    weight: float
    about: str


@lru_cache(maxsize=1)
def signals() -> dict[str, Signal]:
    """The signal table (data/signals.yaml): the one place for levels and weights."""
    data = _load_yaml("signals.yaml")
    return {
        str(k): Signal(str(k), str(v["level"]), float(v["weight"]), str(v.get("about", "")))
        for k, v in data["signals"].items()
    }


@lru_cache(maxsize=1)
def risk_bands() -> tuple[float, float]:
    bands = _load_yaml("signals.yaml")["risk_bands"]
    return float(bands["high"]), float(bands["medium"])


def signal(id_: str) -> Signal:
    try:
        return signals()[id_]
    except KeyError:
        raise KeyError(f"signal {id_!r} is not defined in fanzha/indicators/data/signals.yaml") from None


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    level: str  # low | medium | high ("none" for informational findings)
    weight: float
    why: str
    typology: str | None = None


@dataclass
class Analysis:
    kind: str
    normalized: str
    findings: list[Finding] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    official: bool = False

    def add(self, id_: str, why: str, typology: str | None = None) -> None:
        """Record signal ``id_`` (level and weight from data/signals.yaml) with its explanation."""
        sig = signal(id_)
        self.findings.append(Finding(id_, sig.level, sig.weight, why, typology))

    @property
    def risk(self) -> str:
        if self.official:
            return "none"
        level = max((LEVELS.index(f.level) for f in self.findings), default=0)
        total = sum(f.weight for f in self.findings if f.weight > 0)
        high, medium = risk_bands()
        by_score = 3 if total >= high else 2 if total >= medium else 1 if total > 0 else 0
        return LEVELS[max(level, by_score)]


# ---------------------------------------------------------------- URL


@lru_cache(maxsize=1)
def _url_signals() -> dict[str, Any]:
    data = _load_yaml("url_signals.yaml")
    return {
        "abused_tlds": frozenset(str(t) for t in data["abused_tlds"]),
        "shorteners": frozenset(str(t) for t in data["shorteners"]),
        "lure_words": frozenset(str(t) for t in data["lure_words"]),
        "normal_ports": frozenset(str(t) for t in data["normal_ports"]),
    }


# Confusable characters (Cyrillic / Greek / Latin look-alikes and digit swaps) -> the Latin letter they imitate.
_CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ԁ": "d", "ɡ": "g",
    "ո": "n", "ս": "u", "ѕ": "s", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "к": "k", "м": "m", "т": "t", "в": "b",
    "н": "h", "ь": "b", "α": "a", "ο": "o", "ρ": "p", "τ": "t", "κ": "k", "ι": "i", "ν": "v", "υ": "u", "χ": "x",
    "ε": "e", "ϲ": "c", "ı": "i", "ł": "l", "ø": "o", "ß": "b",
})  # fmt: skip
_SKELETON_PAIRS = (
    ("rn", "m"),
    ("vv", "w"),
    ("cl", "d"),
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
    ("|", "l"),
    ("5", "s"),
    ("3", "e"),
    ("8", "b"),
)


def unconfuse(label: str) -> str:
    """Map look-alike characters to Latin letters and drop accents (аррӏе -> apple, é -> e)."""
    s = label.translate(_CONFUSABLE)
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def skeleton(label: str) -> str:
    """A homoglyph skeleton: 1cbc, lcbc and icbc share one, as do taoba0 / taobao and rnicrosoft / microsoft."""
    s = unconfuse(label.lower())
    for a, b in _SKELETON_PAIRS:
        s = s.replace(a, b)
    return s


@lru_cache(maxsize=1)
def _brand_tokens() -> tuple[dict[str, Brand], dict[str, Brand]]:
    """(keyword -> brand for token matches, official label -> brand for typosquat comparisons)."""
    kw: dict[str, Brand] = {}
    labels: dict[str, Brand] = {}
    for b in brands():
        for k in b.keywords:
            kw.setdefault(k, b)
        for d in b.domains:
            _, dom, _ = registrable(d)
            if dom:
                labels.setdefault(dom, b)
    return kw, labels


@lru_cache(maxsize=1)
def _label_skeletons() -> dict[str, tuple[str, Brand]]:
    """homoglyph skeleton -> (official label, brand), for labels of 3+ characters."""
    return {skeleton(lab): (lab, b) for lab, b in _brand_tokens()[1].items() if len(lab) >= 3}


_TOKEN_SPLIT = re.compile(r"[-_.]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


def _brand_by_name(owner: str) -> Brand | None:
    """The brand of official_domains.yaml that an official number's owner names (建设银行 -> 建设银行 ...)."""
    for b in brands():
        if b.brand in owner or any(n in owner for n in b.names if len(n) >= 2):
            return b
    return None


def _imitates(b: Brand) -> dict[str, str]:
    return {"brand": b.brand, "official": b.domains[0]}


def _flag_imitation(a: Analysis, id_: str, why: str, b: Brand) -> None:
    """Record a look-alike finding and which official site it imitates."""
    a.add(id_, why)
    a.details["imitates"] = _imitates(b)


def _brand_checks(a: Analysis, host: str, sub: str, dom: str, suf: str) -> None:
    kw, labels = _brand_tokens()
    unicode_dom = unconfuse(decode_host(dom)) if dom.startswith("xn--") else dom
    tokens = [t for t in _TOKEN_SPLIT.split(unicode_dom) if t]
    # 1. an official domain or brand keyword inside the subdomain: www.icbc.com.cn.verify-user.top
    if sub:
        for off, b in official_domains().items():
            if sub == off or sub.endswith("." + off) or ("." + off + ".") in ("." + sub + "."):
                _flag_imitation(
                    a,
                    "URL_BRAND_IN_SUBDOMAIN",
                    f"官方域名 {off}（{b.brand}）只是无关域名 {dom}.{suf} 的子域名前缀，属仿冒网站",
                    b,
                )
                return
        for lab in re.split(r"[.\-_]+", sub):
            if lab in kw and (len(lab) >= 3):
                b = kw[lab]
                _flag_imitation(
                    a,
                    "URL_BRAND_IN_SUBDOMAIN",
                    f"品牌名 {lab}（{b.brand}）出现在无关域名 {dom}.{suf} 的子域名里，属仿冒网站",
                    b,
                )
                return
    # 2. exact official label under another suffix: icbc.cc, taobao.top  (tld swap)
    if dom in labels:
        b = labels[dom]
        _flag_imitation(
            a,
            "URL_TLD_SWAP" if len(dom) > 3 else "URL_SHORT_BRAND_TOKEN",
            f"{dom}.{suf} 抄用了{b.brand}官方域名 {b.domains[0]} 的名字，但后缀不同",
            b,
        )
        return
    # 3. homoglyphs / punycode: аpple.com, 1cbc.com.cn, taoba0.com
    sk = skeleton(unicode_dom)
    hit = _label_skeletons().get(sk)
    for lab, b in [hit] if hit else []:
        if dom != lab:
            _flag_imitation(
                a,
                "URL_HOMOGLYPH",
                f"{decode_host(dom)} 用形近字符冒充 {lab}（{b.brand}，官方 {b.domains[0]}）",
                b,
            )
            return
    # 4a. an official service number as the name: 95588-vip.com, kf95533.top
    offi = official_numbers()
    for num in re.findall(r"\d{5,8}", unicode_dom):
        o = offi.get(num)
        ob = _brand_by_name(o.owner) if o else None
        if o and ob and ob.category in ("bank", "payment", "ecommerce", "courier", "operator", "transport"):
            _flag_imitation(
                a,
                "URL_BRAND_LOOKALIKE",
                f"域名 {dom}.{suf} 用{o.owner}的客服号码 {num} 作名字，但不是其官方域名 {ob.domains[0]}",
                ob,
            )
            return
    # 4b. brand + word: taobao-refund.cc, icbc-verify.com, cmbchina-bank.net, boczs.com
    for t in tokens:
        if t in kw:
            b = kw[t]
            _flag_imitation(
                a,
                "URL_BRAND_LOOKALIKE" if len(t) > 3 else "URL_SHORT_BRAND_TOKEN",
                f"域名 {dom}.{suf} 夹带品牌名 {t}（{b.brand}），但不是其官方域名 {b.domains[0]}",
                b,
            )
            return
    # 5. typosquatting: omission, repetition, transposition, replacement (edit distance). Before substring
    #    matches: cmbchian is CMB's cmbchina, not CMBC's cmbc.
    for t in [unicode_dom, *tokens]:
        if len(t) < 4:
            continue
        for lab, b in labels.items():
            if len(lab) < 4 or t == lab or t in labels:
                continue
            if _typo_of(t, lab):
                _flag_imitation(
                    a,
                    "URL_TYPOSQUAT",
                    f"{t} 与 {lab}（{b.brand}，官方 {b.domains[0]}）只差一两个字母，属仿冒域名",
                    b,
                )
                return
    for k, b in kw.items():
        if len(k) >= 4 and k in unicode_dom and k != unicode_dom:
            _flag_imitation(
                a,
                "URL_BRAND_LOOKALIKE",
                f"域名 {dom}.{suf} 夹带品牌名 {k}（{b.brand}），但不是其官方域名 {b.domains[0]}",
                b,
            )
            return
    for lab, b in labels.items():
        if len(lab) == 3 and unicode_dom.startswith(lab) and 4 <= len(unicode_dom) <= 6 and unicode_dom[3:].isalpha():
            _flag_imitation(
                a,
                "URL_SHORT_BRAND_TOKEN",
                f"{dom} = {b.brand}的缩写 {lab} + 其他字母，但不是其官方域名 {b.domains[0]}",
                b,
            )
            return


_KEYBOARD = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_NEIGHBOURS: dict[str, str] = {
    ch: "".join(
        _KEYBOARD[r + dr][c + dc]
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
        if (dr or dc) and 0 <= r + dr < len(_KEYBOARD) and 0 <= c + dc < len(_KEYBOARD[r + dr])
    )
    for r, row in enumerate(_KEYBOARD)
    for c, ch in enumerate(row)
}


def _typo_of(t: str, lab: str) -> bool:
    """dnstwist-style: is ``t`` an omission / repetition / transposition / replacement of the official ``lab``?

    Short labels (<= 5 letters: icbc, cmbc, cmcc ...) sit one substitution apart from each other, so for them only
    a keyboard-neighbour replacement, a transposition, a repeated letter or an omitted letter counts; 6-8 letters
    allow one edit; longer ones two.
    """
    d = abs(len(t) - len(lab))
    if len(lab) <= 5:
        if len(t) == len(lab):
            diff = [(x, y) for x, y in zip(t, lab, strict=True) if x != y]
            if len(diff) == 1:  # one keyboard-neighbour replacement: icvc (v next to b) for icbc
                return diff[0][1] in _KEY_NEIGHBOURS.get(diff[0][0], "")
            return sorted(t) == sorted(lab) and OSA.distance(t, lab) == 1  # transposition
        if len(t) == len(lab) + 1:  # repetition: "iccbc"
            return any(t[i] == t[i + 1] and t[:i] + t[i + 1 :] == lab for i in range(len(t) - 1))
        return len(t) == len(lab) - 1 and len(lab) >= 5 and OSA.distance(t, lab) == 1  # omission
    limit = 1 if len(lab) <= 8 else 2
    return d <= limit and OSA.distance(t, lab) <= limit


def analyse_url(value: str) -> Analysis:
    parts = split_url(value)
    host = parts.host
    a = Analysis(parts.kind, parts.canonical() if parts.kind == "url" else host)
    sub, dom, suf = registrable(host)
    a.details.update({"host": host, "registrable_domain": f"{dom}.{suf}" if dom and suf else host, "suffix": suf})
    if host != decode_host(host):
        a.details["unicode_host"] = decode_host(host)
    if parts.port:
        a.details["port"] = parts.port
    if parts.rest:
        a.details["path"] = parts.rest
    sig = _url_signals()
    off = official_domain_for_host(host)
    if off and not parts.userinfo:
        a.official = True
        a.details["official"] = {"domain": off[0], "owner": off[1]}
        a.add("URL_OFFICIAL", f"{off[1]}的官方域名（{off[0]}）")
        return a
    if parts.userinfo:
        looks = "." in parts.userinfo
        a.add("URL_AT_SIGN" if looks else "URL_USERINFO", f"网址中含“@”：实际打开的是 {host}，而不是前面的 {parts.userinfo}")  # fmt: skip
        uo = official_domain_for_host(parts.userinfo.split(":")[0])
        if uo:
            a.details["imitates"] = {"brand": uo[1], "official": uo[0]}
    if parts.is_ip:
        a.details["ip"] = True
        a.add("URL_IP_HOST", "网址是裸 IP 地址：银行、电商不会发这种链接")
    else:
        if host.startswith("xn--") or ".xn--" in host:
            shown = decode_host(host)
            if re.search("[\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]", shown):
                a.add("URL_MIXED_SCRIPT", f"域名含西里尔/希腊等形近字母，显示为 {shown}")
            else:
                a.add("URL_PUNYCODE", f"国际化域名（punycode），显示为 {shown}")
            named = next((b for b in brands() for n in b.names if len(n) >= 2 and n in shown), None)
            if named is not None:  # 淘宝退款.cn: a brand's Chinese name in a domain that is not the brand's
                a.add("URL_BRAND_LOOKALIKE", f"中文域名 {shown} 用了“{named.brand}”的名字，但不是其官方域名（{named.domains[0]}）")  # fmt: skip
                a.details.setdefault("imitates", {"brand": named.brand, "official": named.domains[0]})
        if dom and suf:
            _brand_checks(a, host, sub, dom, suf)
        reg = f"{dom}.{suf}"
        if reg in sig["shorteners"] or host in sig["shorteners"]:
            a.details["short_link"] = True
            a.add("URL_SHORTENER", f"短链接（{reg}）：看不到真实网址")
        last = suf.split(".")[-1] if suf else ""
        if suf in sig["abused_tlds"] or last in sig["abused_tlds"]:
            a.add("URL_ABUSED_TLD", f"后缀 .{suf} 注册便宜，常被钓鱼网站使用")
    if parts.port and parts.port not in sig["normal_ports"]:
        a.add("URL_ODD_PORT", f"非常规端口 {parts.port}")
    words = set(re.split(r"[^a-z0-9]+", (parts.rest + " " + sub + " " + dom).lower()))
    lures = sorted(w for w in words if w in sig["lure_words"])
    if lures:
        a.details["lure_words"] = lures
        a.add("URL_LURE_WORDS", "网址含诱导词：" + "、".join(lures))
    return a


# ---------------------------------------------------------------- phone

_REGION_ZH = {"KH": "柬埔寨", "MM": "缅甸", "PH": "菲律宾", "LA": "老挝", "VN": "越南", "TH": "泰国", "MY": "马来西亚",
              "ID": "印度尼西亚", "AE": "阿联酋", "TR": "土耳其", "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾"}  # fmt: skip


def _cc(e164: str) -> str:
    try:
        return str(phonenumbers.parse(e164, None).country_code)
    except phonenumbers.NumberParseException:
        return "?"


def _embedded_official(digits: str) -> str | None:
    """An official service number (5+ digits) that ``digits`` contains with at most 3 extra digits."""
    for num in official_numbers():
        if len(num) >= 5 and num != digits and num in digits and len(digits) - len(num) <= 3:
            return num
    return None


def analyse_phone(value: str) -> Analysis:
    p = parse_phone(value)
    a = Analysis("phone", p.normalized)
    offi = official_numbers()
    a.details.update({"category": p.category, "prefix": p.prefix or None})
    raw_digits = re.sub(r"\D", "", value)
    # geography / operator (offline phonenumbers metadata)
    try:
        num = phonenumbers.parse(p.normalized if p.normalized.startswith("+") else p.normalized, "CN")
        loc = geocoder.description_for_number(num, "zh")
        op = carrier.name_for_number(num, "zh")
        if loc:
            a.details["location"] = loc
        if op:
            a.details["carrier"] = op
    except phonenumbers.NumberParseException:
        pass
    if p.category == "service":
        nat = p.national
        if "-" in p.normalized:
            a.details["extension"] = p.normalized.split("-", 1)[1]
        if nat in offi:
            o = offi[nat]
            if p.prefix:
                a.add("PHONE_SPOOFED_OFFICIAL", f"{o.owner}的官方号码 {nat} 前面加了 {p.prefix}：国内客服号码来电不会带国家码，这是境外改号冒充")  # fmt: skip
                a.details["imitates"] = {"brand": o.owner, "owner": o.owner, "official": nat}
            else:
                a.official = True
                a.details["official"] = {"number": nat, "owner": o.owner, "confirmed": o.confirmed}
                a.add("PHONE_OFFICIAL", f"{o.owner}的官方号码")
            return a
        emb = _embedded_official(nat)
        if emb:
            o = offi[emb]
            a.add(
                "PHONE_SPOOFED_OFFICIAL",
                f"{nat} 是在{o.owner}官方号码 {emb} 上加了数字：典型的改号冒充",
            )
            a.details["imitates"] = {"brand": o.owner, "owner": o.owner, "official": emb}
            return a
        if SERVICE_RE.fullmatch(nat):
            a.add(
                "PHONE_UNLISTED_SERVICE",
                "不在离线官方号码表中的服务号码：请到该机构官网核实",
            )
        return a
    if p.category == "landline":
        local = (
            p.national[3:]
            if p.national[:3] in ("010", "020", "021", "022", "023", "024", "025", "027", "028", "029")
            else p.national[4:]
        )
        if local in offi:
            o = offi[local]
            a.official = True
            a.details["official"] = {"number": local, "owner": o.owner, "confirmed": o.confirmed}
            a.add("PHONE_OFFICIAL", f"区号 + {local}：{o.owner}")
            return a
        if p.national in offi:
            o = offi[p.national]
            a.official = True
            a.details["official"] = {"number": p.national, "owner": o.owner, "confirmed": o.confirmed}
            a.add("PHONE_OFFICIAL", f"{o.owner}的官方号码")
        return a
    if p.category == "mobile":
        if p.national.startswith(MVNO_PREFIXES):
            a.details["mvno"] = True
            a.add("PHONE_MVNO_SEGMENT", f"虚拟运营商号段 {p.national[:3]}：卡便宜、实名核验弱，是诈骗高发号段")  # fmt: skip
        emb = _embedded_official(p.national)
        if emb:
            a.add(
                "PHONE_EMBEDS_OFFICIAL",
                f"手机号里嵌着官方号码 {emb}（{offi[emb].owner}），让人误以为是官方来电",
            )
        return a
    if p.category == "sms_port":
        a.add("PHONE_SMS_PORT", "106 开头的是企业短信端口号：只能看出是群发短信，不代表发送方身份")
        return a
    if p.category == "hotline":
        a.add(
            "PHONE_HOTLINE",
            "400/800 号码由企业租用：请到该企业官网核对号码",
        )
        return a
    # foreign or unknown
    stripped = raw_digits
    for pre in ("0086", "86", "00"):
        if stripped.startswith(pre) and stripped[len(pre) :] in offi:
            stripped = stripped[len(pre) :]
            break
    if stripped in offi or (value.strip().startswith("+") and raw_digits in offi):
        num_ = stripped if stripped in offi else raw_digits
        o = offi[num_]
        a.add(
            "PHONE_SPOOFED_OFFICIAL",
            f"{o.owner}的官方号码 {num_} 被写成国际号码：改号冒充",
        )
        a.details["imitates"] = {"brand": o.owner, "owner": o.owner, "official": num_}
        return a
    if p.category == "foreign":
        region = p.region or "?"
        a.details["region"] = region
        name = _REGION_ZH.get(region, region)
        a.add(
            "PHONE_FOREIGN",
            f"境外号码（{name}，+{_cc(p.normalized)}）：国内公检法、银行、电商不会从境外来电",
        )
        emb = _embedded_official(re.sub(r"\D", "", p.normalized))
        if emb:
            o = offi[emb]
            a.add("PHONE_SPOOFED_OFFICIAL", f"境外号码里嵌着{o.owner}的官方号码 {emb}：改号冒充")
            a.details["imitates"] = {"brand": o.owner, "owner": o.owner, "official": emb}
        return a
    emb = _embedded_official(raw_digits)
    if emb:
        o = offi[emb]
        a.add("PHONE_SPOOFED_OFFICIAL", f"{raw_digits} 是在{o.owner}官方号码 {emb} 上加了数字：改号冒充")
        a.details["imitates"] = {"brand": o.owner, "owner": o.owner, "official": emb}
        return a
    a.add("PHONE_UNRECOGNISED", "不是有效的国内或国际号码格式")
    return a


# ---------------------------------------------------------------- bank card


def analyse_card(number: str, claimed_bank: str | None = None) -> Analysis:
    digits = re.sub(r"\D", "", number)
    a = Analysis("bank_card", digits)
    if not digits:
        raise ValueError("no digits in the card number")
    ok_len = 16 <= len(digits) <= 19
    luhn = luhn_ok(digits)
    a.details.update({"length": len(digits), "luhn": luhn})
    row = lookup_bin(digits)
    if row:
        a.details.update({"bin": row.bin, "bank": row.bank, "card_type": row.card_type, "bin_confirmed": row.confirmed})
    else:
        a.details["bank"] = None
    if not ok_len:
        a.add("CARD_BAD_LENGTH", f"{len(digits)} 位：国内银行卡号为 16-19 位")
    if not luhn:
        a.add("CARD_LUHN_FAIL", "未通过 Luhn 校验：抄错了或不是真实卡号")
    if claimed_bank:
        a.details["claimed_bank"] = claimed_bank
        if row and row.bank != claimed_bank:
            a.add("CARD_BIN_MISMATCH", f"文中称是{claimed_bank}的账户，但卡号属于{row.bank}"
                  + ("" if row.confirmed else "（该卡 BIN 数据未经确认）"))  # fmt: skip
    return a


# ---------------------------------------------------------------- accounts and apps

_QQ_RE = re.compile(r"[1-9]\d{4,10}")
_WECHAT_RE = re.compile(r"[a-z][-_a-z0-9]{5,19}")
_IMPERSONATION = re.compile(r"kefu|kf|tuikuan|lipei|guanfang|official|service|gongan|police|jingcha|anquan|bank")


def analyse_qq(value: str) -> Analysis:
    digits = re.sub(r"\D", "", value)
    a = Analysis("qq", digits)
    a.details["valid_format"] = bool(_QQ_RE.fullmatch(digits))
    if not a.details["valid_format"]:
        a.add("QQ_BAD_FORMAT", "QQ 号为 5-11 位数字且不以 0 开头")
    return a


def analyse_wechat(value: str) -> Analysis:
    from fanzha.indicators.normalizers import normalize_value

    wid = normalize_value("wechat", value)
    a = Analysis("wechat", wid)
    a.details["valid_format"] = bool(_WECHAT_RE.fullmatch(wid))
    if not a.details["valid_format"]:
        a.add("WECHAT_BAD_FORMAT", "微信号为 6-20 位字母、数字、- 或 _，且以字母开头")
    kw, _ = _brand_tokens()
    toks = [t for t in re.split(r"[-_\d]+", wid) if t]
    brand = next((kw[t] for t in toks if t in kw and len(t) >= 3), None)
    if brand is None:
        brand = next((b for k, b in kw.items() if len(k) >= 4 and k in wid), None)
    if brand and _IMPERSONATION.search(wid):
        _flag_imitation(a, "WECHAT_BRAND_IMPERSONATION", f"个人微信号冒充{brand.brand}客服", brand)
    return a


def analyse_alipay(value: str) -> Analysis:
    from fanzha.indicators.normalizers import normalize_value

    norm = normalize_value("alipay", value)
    a = Analysis("alipay", norm)
    if "@" in norm:
        a.details.update({"account_type": "email", "valid_format": bool(EMAIL_RE.fullmatch(norm))})
    else:
        p = parse_phone(norm)
        a.details.update({"account_type": "phone", "valid_format": p.category == "mobile"})
        if p.category == "mobile" and p.national.startswith(MVNO_PREFIXES):
            a.add("ALIPAY_MVNO", "支付宝账号绑定的是虚拟运营商号段")
    if not a.details["valid_format"]:
        a.add("ALIPAY_BAD_FORMAT", "支付宝账号应为手机号或邮箱")
    return a


@lru_cache(maxsize=1)
def _fake_finance() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(str(p["pattern"])), str(p["family"])) for p in apps_data().get("fake_finance_patterns", [])
    )


def analyse_app(value: str) -> Analysis:
    from fanzha.indicators.normalizers import normalize_value

    name = normalize_value("app", value)
    a = Analysis("app", name)
    k = known_app(name)
    legit = {str(x).lower() for x in apps_data().get("legit_finance", [])}
    if k:
        a.details.update({"app": k[0], "group": k[1]})
        if k[1] == "official":
            a.official = True
            a.add("APP_OFFICIAL", f"{k[0]} 是公安机关推荐的官方 App")
        elif k[1] == "screen_share":
            a.add("APP_SCREEN_SHARE", f"{k[0]}：会议/远程控制软件，骗子借屏幕共享偷看验证码和余额")  # fmt: skip
        elif k[1] == "chat":
            a.add("APP_OFFSHORE_CHAT", f"{k[0]}：境外/加密聊天软件，骗子常把受害人引到这里")
        elif k[1] == "trade":
            a.add("APP_TRADE_PLATFORM", f"{k[0]}：游戏账号/装备交易平台，只在其官方 App 内交易，不要点对方发的链接、不要私下转账")  # fmt: skip
        return a
    if name in legit:
        a.details["legit_finance"] = True
        return a
    for rx, family in _fake_finance():
        if rx.search(name):
            a.details["pattern_family"] = family
            a.add("APP_FAKE_FINANCE_PATTERN", f"“{name}”：虚假投资/贷款/刷单平台常用的 App 名称，正规 App 只从官方应用商店下载",
                  typology=family)  # fmt: skip
            break
    return a


ANALYSERS: dict[str, Callable[[str], Analysis]] = {
    "url": analyse_url,
    "domain": analyse_url,
    "ip": analyse_url,
    "phone": analyse_phone,
    "bank_card": analyse_card,
    "qq": analyse_qq,
    "wechat": analyse_wechat,
    "alipay": analyse_alipay,
    "app": analyse_app,
}
