"""Canonical forms of indicator values (the register's unique key together with the kind) and kind detection.

One canonicaliser per kind; ``normalize_value`` dispatches. Every canonicaliser is idempotent
(``normalize_value(k, normalize_value(k, v)) == normalize_value(k, v)``) and raises ``ValueError`` (never anything
else) when the value cannot be a value of that kind at all.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers

from fanzha.indicators.fold import fold_value
from fanzha.indicators.model import KINDS

# ---------------------------------------------------------------- helpers

_DIGITS = re.compile(r"\d")
_NON_DIGIT = re.compile(r"[^0-9]")


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check of a string of ASCII digits."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def looks_like_id_card(s: str) -> bool:
    """A valid 18-digit PRC resident ID number (GB 11643 checksum and a plausible birth date)."""
    s = s.upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    year, month, day = int(s[6:10]), int(s[10:12]), int(s[12:14])
    if not (1900 <= year <= 2030 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17]


# ---------------------------------------------------------------- phones

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
LANDLINE_RE = re.compile(r"0[1-9]\d{8,10}")
HOTLINE_RE = re.compile(r"[48]00\d{7}")
SMS_PORT_RE = re.compile(r"106\d{5,17}")  # enterprise SMS ports (1069 5588 ...)
SERVICE_RE = re.compile(r"(?:95\d{3,6}|96\d{3}|1[0-2]\d{3,6}|11[0-9]|12[0-9])")
# virtual operators (移动转售): 170x / 171 / 162 / 165 / 167 (DOMAIN.md §2; 162/165/167 carrier mapping unconfirmed)
MVNO_PREFIXES = ("170", "171", "162", "165", "167")


# A service number and its extension. Decision: the extension belongs to the number (one indicator whose span covers
# it, register key "96110-8888"), and an official number + extension is still the official number for allowlisting
# (``official.is_allowlisted`` and ``check`` look at the number before the dash). Only an extension written with a
# separator (-, 转, 分机, ext) counts: digits glued on ("955330", "95533 1") stay the spoof pattern they are.
_EXTENSION = re.compile(r"(?P<base>\d{5,6}) ?(?:[-－]|(?:转|轉)(?:分机|分機)?|分机|分機|ext\.?|x) ?(?P<ext>\d{1,4})")


@dataclass(frozen=True, slots=True)
class PhoneParse:
    normalized: str
    category: str  # mobile | landline | hotline | sms_port | service | foreign | unknown
    prefix: str  # "+86" / "86" / "" — how the number was written
    national: str  # digits without country code ("" for foreign)
    region: str | None  # ISO region for foreign numbers


def parse_phone(value: str) -> PhoneParse:
    """Parse a written phone number (any separators, +86 / 0086 / 86 prefixes, foreign numbers)."""
    s = fold_value(value).strip()
    digits = _NON_DIGIT.sub("", s)
    if not digits:
        raise ValueError(f"not a phone number: {value[:40]!r}")
    plus = s.startswith("+") or s.startswith("(+")
    if digits.startswith("00") and len(digits) > 4:  # 0086… / +0086… (caller IDs show both)
        digits = digits[2:]
        plus = True
    ext = _EXTENSION.fullmatch(s)
    if ext and not plus:  # 96110-8888, 95588转3: an official / 95-96 service number with an extension
        from fanzha.indicators.official import official_numbers

        base = ext.group("base")
        if base in official_numbers() or re.fullmatch(r"9[56]\d{3,4}", base):
            return PhoneParse(f"{base}-{ext.group('ext')}", "service", "", base, "CN")
    if plus and not digits.startswith("86"):
        e164 = "+" + digits
        try:
            num = phonenumbers.parse(e164, None)
        except phonenumbers.NumberParseException:
            return PhoneParse(e164, "unknown", "+", "", None)
        region = phonenumbers.region_code_for_number(num)
        if phonenumbers.is_possible_number(num):
            e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
            return PhoneParse(e164, "foreign", "+", "", region)
        return PhoneParse(e164, "unknown", "+", "", region)
    prefix = ""
    nat = digits
    if plus:  # +86 / 0086
        prefix, nat = "+86", digits[2:]
    elif len(digits) == 13 and digits.startswith("86") and MOBILE_RE.fullmatch(digits[2:]):
        prefix, nat = "86", digits[2:]
    if MOBILE_RE.fullmatch(nat):
        return PhoneParse(nat, "mobile", prefix, nat, "CN")
    if LANDLINE_RE.fullmatch(nat) or (
        nat.startswith("0") and 8 <= len(nat) <= 9 and (_cn_fixed_line(nat) or _area_official(nat))
    ):
        return PhoneParse(nat, "landline", prefix, nat, "CN")
    if prefix == "+86" and 7 <= len(nat) <= 11 and not nat.startswith("0") and _cn_fixed_line("0" + nat):
        return PhoneParse("0" + nat, "landline", prefix, "0" + nat, "CN")
    if HOTLINE_RE.fullmatch(nat):
        return PhoneParse(nat, "hotline", prefix, nat, "CN")
    if SMS_PORT_RE.fullmatch(nat) and not prefix:
        return PhoneParse(nat, "sms_port", prefix, nat, "CN")
    if (3 <= len(nat) <= 8 and not nat.startswith("0")) or (9 <= len(nat) <= 10 and nat[:2] in ("95", "96")):
        norm = ("+86" + nat) if prefix == "+86" else nat
        return PhoneParse(norm, "service", prefix, nat, "CN")
    return PhoneParse(("+" if plus else "") + digits, "unknown", prefix, nat, None)


@lru_cache(maxsize=4096)
def _cn_fixed_line(national_with_0: str) -> bool:
    try:
        num = phonenumbers.parse(national_with_0, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _area_official(nat: str) -> bool:
    """Area code + official number, e.g. 025-96110 (how the police anti-fraud line shows up)."""
    from fanzha.indicators.official import official_numbers

    offi = official_numbers()
    return nat[3:] in offi or nat[4:] in offi


def valid_landline(nat: str) -> bool:
    return (bool(LANDLINE_RE.fullmatch(nat)) and _cn_fixed_line(nat)) or (8 <= len(nat) <= 9 and _area_official(nat))


# ---------------------------------------------------------------- URLs

_SCHEME = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]{1,9})\s*[:：]\s*//", re.IGNORECASE)
_DOT_VARIANTS = re.compile(r"\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{\.\}|。|｡|点|點|丶|·|﹒|．| dot )\s*", re.IGNORECASE)
_SPACE_DOT = re.compile(r"\s*\.\s*")
_WS = re.compile(r"\s+")
_TRAIL = ".,;:!?)]}'\"，。；：！？）】」』》”’"


@dataclass(frozen=True, slots=True)
class UrlParts:
    scheme: str  # "" when absent (http/https are dropped from the canonical form)
    userinfo: str
    host: str  # lower-case, IDNA ASCII (punycode) form
    port: str
    rest: str  # path + query, case kept, fragment dropped

    @property
    def is_ip(self) -> bool:
        return is_ipv4(self.host)

    def canonical(self) -> str:
        out = ""
        if self.scheme and self.scheme not in ("http", "https"):
            out += self.scheme + "://"
        if self.userinfo:
            out += self.userinfo + "@"
        out += self.host
        if self.port:
            out += ":" + self.port
        return out + self.rest

    @property
    def kind(self) -> str:
        if self.userinfo or self.rest or (self.scheme and self.scheme not in ("http", "https")):
            return "url"
        if self.is_ip:
            return "ip"
        if self.port:
            return "url"
        return "domain"


def is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _idna(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def split_url(value: str) -> UrlParts:
    s = fold_value(value, lower=False).strip().strip(_TRAIL).strip()
    s = _DOT_VARIANTS.sub(".", s)
    scheme = ""
    m = _SCHEME.match(s)
    if m:
        scheme = m.group("scheme").lower().replace("hxxp", "http")
        s = s[m.end() :]
    s = _SPACE_DOT.sub(".", s.strip())
    # host part ends at the first / ? # (or whitespace)
    cut = len(s)
    for ch in "/?#":
        i = s.find(ch)
        if i != -1:
            cut = min(cut, i)
    hostport, rest = s[:cut], s[cut:]
    hostport = _WS.sub("", hostport)
    rest = rest.split("#", 1)[0]
    rest = _WS.sub("", rest).rstrip(_TRAIL)
    if rest == "/":
        rest = ""
    userinfo = ""
    if "@" in hostport:
        userinfo, hostport = hostport.rsplit("@", 1)
    port = ""
    head, sep, tail = hostport.rpartition(":")
    if sep and tail.isdigit() and 1 <= len(tail) <= 5 and tail.isascii():
        hostport, port = head, tail
        if (port == "80" and scheme in ("", "http")) or (port == "443" and scheme == "https"):
            port = ""
    host = hostport.lower().strip(".").strip("-")
    if not host or len(host) > 253:
        raise ValueError(f"not a URL (host name empty or longer than DNS allows): {value[:40]!r}")
    host = _idna(host)
    if len(host) > 253 or any(len(label) > 63 for label in host.split(".")):
        raise ValueError(f"not a URL (host name longer than DNS allows): {value[:40]!r}")
    if not re.search(r"[0-9a-z]", host):
        raise ValueError(f"not a URL: {value[:40]!r}")
    return UrlParts(scheme, userinfo.lower(), host, port, rest)


def host_of(value: str) -> str:
    try:
        return split_url(value).host
    except ValueError:
        return ""


def decode_host(host: str) -> str:
    """Punycode labels (xn--) back to Unicode, for display and homoglyph checks."""
    out = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                out.append(label[4:].encode("ascii").decode("punycode"))
                continue
            except UnicodeError:
                pass
        out.append(label)
    return ".".join(out)


# ---------------------------------------------------------------- other kinds

_APP_QUOTES = "「」“”\"'‘’《》『』【】<>()（）[] "
_APP_SUFFIX = re.compile(r"(?:app|软件|客户端|平台|应用)$")
_WECHAT_CLEAN = re.compile(r"[\s:：]+")
EMAIL_RE = re.compile(r"[a-z0-9._%+-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


def _norm_app(value: str) -> str:
    s = fold_value(value).strip().strip(_APP_QUOTES).strip()
    s = _WS.sub("", s)
    prev = s
    from fanzha.indicators.recognizers import known_app

    while s:
        if known_app(s) is not None:
            break  # "WhatsApp" is a name, not "Whats" + APP
        t = _APP_SUFFIX.sub("", s).strip(_APP_QUOTES)
        if t == s:
            break
        prev, s = s, t
    return s or prev


def _norm_amount(value: str) -> str:
    from fanzha.text.amounts import parse_amount  # engineer T's single amount parser

    d = parse_amount(value)
    if d is None:
        try:
            d = Decimal(fold_value(value).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"not an amount: {value[:40]!r}") from None
    if not d.is_finite():
        raise ValueError(f"not an amount: {value[:40]!r}")
    text = format(d.normalize(), "f")
    return text


def normalize_value(kind: str, value: str) -> str:
    """Canonical form of ``value`` as an indicator of ``kind`` (the register key with the kind).

    url: host lower-case / punycode, http(s) scheme and default port dropped, path kept; domain: host only;
    ip: "a.b.c.d[:port]"; phone: national digits for CN mobiles/landlines/400 ("13812345678", "01012345678"),
    "+86<n>" for a service number written with a country prefix (kept distinct: that is how spoofs look),
    E.164 for foreign numbers; qq / bank_card: digits; wechat: lower-case ID; alipay: phone or lower-case email;
    app: name without quotes or "APP"/"软件" suffix; amount: decimal string in yuan.
    Raises ValueError when the value cannot be of that kind.
    """
    if not isinstance(value, str):
        raise ValueError("value must be a string")
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not value.strip():
        raise ValueError("empty value")
    if kind == "phone":
        return parse_phone(value).normalized
    if kind in ("qq", "bank_card"):
        digits = _NON_DIGIT.sub("", fold_value(value))
        if not digits:
            raise ValueError(f"no digits in {value[:40]!r}")
        return digits
    if kind == "url":
        return split_url(value).canonical()
    if kind == "domain":
        return split_url(value).host
    if kind == "ip":
        p = split_url(value)
        return p.host + (":" + p.port if p.port else "")
    if kind == "wechat":
        s = _WECHAT_CLEAN.sub("", fold_value(value))
        if not s:
            raise ValueError("empty WeChat ID")
        return s
    if kind == "alipay":
        s = fold_value(value).strip()
        if "@" in s:
            s = _WS.sub("", s).strip(_TRAIL)
            if not EMAIL_RE.fullmatch(s):
                raise ValueError(f"not an Alipay account: {value[:40]!r}")
            return s
        return parse_phone(s).normalized
    if kind == "app":
        s = _norm_app(value)
        if not s:
            raise ValueError("empty app name")
        return s
    return _norm_amount(value)


# ---------------------------------------------------------------- kind detection

_WECHAT_ID = re.compile(r"[a-z][-_a-z0-9]{5,19}")
_PHONEISH = re.compile(r"[+(]?[\d\s\-()]+")
_URLISH = re.compile(
    r"(?:^[a-z][a-z0-9+.-]{1,9}\s*[:：]\s*//)|(?:[a-z0-9-](?:\.|。|点|\[\.\]|\(\.\))[a-z0-9-])"
    r"|(?:[\u4e00-\u9fff]\.(?:com|cn|net|org|top|xyz|vip|cc)(?:/|$))",  # 淘宝退款.cn
    re.I,
)


def _has_public_suffix(host: str) -> bool:
    from fanzha.indicators.recognizers import tld_ok

    return tld_ok(host)


def detect_kind(value: str) -> str | None:
    """Best guess of the kind of a pasted value: url | domain | ip | phone | bank_card | qq | wechat | alipay | app."""
    if not isinstance(value, str):
        return None
    s = fold_value(value).strip()
    if not s or len(s) > 4096:
        return None
    if EMAIL_RE.fullmatch(s):
        local, _, dom = s.partition("@")
        if dom == "qq.com" and local.isdigit():
            return "qq"
        return "alipay"
    if _URLISH.search(s) and not _PHONEISH.fullmatch(s):
        try:
            parts = split_url(s)
        except ValueError:
            parts = None
        if parts is not None and (parts.scheme or parts.is_ip or _has_public_suffix(parts.host)):
            return parts.kind
    if _EXTENSION.fullmatch(s) and parse_phone(s).category == "service":
        return "phone"  # 95588转3
    if _PHONEISH.fullmatch(s) and _DIGITS.search(s):
        digits = _NON_DIGIT.sub("", s)
        if s.startswith(("+", "(+")) or (digits.startswith("00") and len(digits) > 6):
            return "phone"
        if 16 <= len(digits) <= 19:
            return "bank_card"
        p = parse_phone(s)
        if p.category in ("mobile", "landline", "hotline", "sms_port"):
            return "phone"
        if p.category == "service":
            from fanzha.indicators.official import official_numbers

            if p.national in official_numbers() or SERVICE_RE.fullmatch(p.national):
                return "phone"
        if 5 <= len(digits) <= 11 and not digits.startswith("0"):
            return "qq"
        if 12 <= len(digits) <= 15:
            return "bank_card" if luhn_ok(digits) else None
        return None
    if _WECHAT_ID.fullmatch(s):
        return "wechat"
    from fanzha.indicators.recognizers import known_app

    name = _norm_app(s)
    if known_app(name) is not None:
        return "app"
    if _CJK_NAME.fullmatch(name) and (name != s.replace(" ", "") or _looks_like_app_name(name)):
        return "app"  # "安心理财APP", "速借钱包", "京东金融"
    return None


_CJK_NAME = re.compile(r"[\u4e00-\u9fffa-z0-9]{2,20}")


def _looks_like_app_name(name: str) -> bool:
    from fanzha.indicators.official import apps_data

    data = apps_data()
    if name in {str(x).lower() for x in data.get("legit_finance", [])}:
        return True
    return any(re.search(str(p["pattern"]), name) for p in data.get("fake_finance_patterns", []))
