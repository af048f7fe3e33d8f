"""THE money-amount parser of fanzha (indicators, case intake, bank counter and normalisation all use it).

    parse_amount("3万元")        -> Decimal("30000")
    parse_amount("八千八")       -> Decimal("8800")      (colloquial: the trailing digit is one unit lower)
    find_amounts("被骗了叁萬元") -> [AmountMatch(start=3, end=6, raw="叁萬元", value=Decimal("30000"), ...)]

``find_amounts`` works on the ORIGINAL text (full-width digits, traditional numerals such as 參萬 / 貳仟) and returns
original offsets. A number only counts as money when it carries a currency mark (¥ / RMB / 人民币 ...), a money unit
(元 / 块 / 圆 ...) or a money multiplier (万 / 亿 / w / k, or 千 in a colloquial form such as 八千八) that is not
followed by a counting word (3万人, 一万步). Years, dates, times, phone and card numbers and percentages are not
amounts. Ranges (三四万) give the lower bound, approximate forms (5万多, 10万余元, 十几万) set ``approximate``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["AmountMatch", "find_amounts", "format_cn", "parse_amount", "range_bounds"]

# --------------------------------------------------------------------------------------------------------------
# 1:1 character fold (same length as the input, so offsets are shared with the original text)

_CN_DIGIT_VALUE: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "参": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_CN_UNIT_VALUE: dict[str, int] = {
    "十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "w": 10_000, "万": 10_000,
    "k": 1000, "亿": 100_000_000,
}  # fmt: skip

# Traditional / variant forms folded to the simplified forms above (1 char -> 1 char).
_TRAD = {
    "參": "参", "叄": "叁", "貳": "贰", "弍": "贰", "兩": "两", "陸": "陆", "萬": "万", "億": "亿", "塊": "块",
    "圓": "圆", "錢": "钱", "幣": "币", "弌": "壹", "餘": "余", "來": "来", "幾": "几", "點": "点", "拾": "拾",
}  # fmt: skip


def _build_fold() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = chr(cp - 0xFEE0).lower()
    table[0x3000] = " "
    table[0xFFE5] = "¥"  # full-width yen
    table[0xFFE0] = "¢"
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp).lower()
    for k, v in _TRAD.items():
        table[ord(k)] = v
    # other decimal digits (Arabic-Indic, superscripts, circled) -> ASCII digits when the fold stays 1:1
    for cp in (*range(0x2070, 0x208A), *range(0x2460, 0x2469), *range(0x2776, 0x277F), 0x00B2, 0x00B3, 0x00B9):
        d = unicodedata.digit(chr(cp), None)
        if d is not None:
            table[cp] = str(d)
    return table


_FOLD = _build_fold()


def fold(text: str) -> str:
    """Same-length fold used before matching amounts: full-width -> ASCII, lower case, traditional numerals."""
    return text.translate(_FOLD)


# --------------------------------------------------------------------------------------------------------------
# The amount regex (on folded text)

_D = "零〇一二两三四五六七八九壹贰叁参肆伍陆柒捌玖"
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d{1,12}(?!\d))(?:\.\d{1,4}(?!\d))?"
_MULT = r"(?:[十拾百佰千仟万亿]|[wk](?![a-z]))"
_ARABIC_EXPR = rf"(?<![\d.,]){_ARABIC}(?:{_MULT}+(?:[多余几{_D}]|\d+(?![.\d]))*)*"
_UNIT_AHEAD = r"(?=\s?(?:块|元|圆|人民币|rmb|cny|美元|美金|港币|港元|usdt|欧元))"
# a lone numeral character (参加, 三楼) is only a number when a money unit follows it
_CN_EXPR = rf"[{_D}十拾](?:(?:(?!二维码)[{_D}十拾百佰千仟万亿几多余]|点(?=[{_D}]))+|{_UNIT_AHEAD})"
_PRE = r"(?P<pre>(?:[¥$]|rmb|cny|人民币)\s?)?"
_UNIT = r"(?P<unit>\s?(?:块钱|块|元钱|元整|元|圆|人民币|rmb|cny|美元|美金|港币|港元|usdt|欧元))?"
_FIRST = f"[¥$rc人0-9{_D}十拾]"  # a cheap first-character test lets the regex engine skip most positions
# 8块8 / 三块五: the digit after 块 is 角 (tenths)
_JIAO = rf"(?:(?<=块)(?P<jiao>[{_D}]|\d)(?![\d{_D}十拾百佰千仟万亿点.a-z])[毛角]?)?"
_TAIL = rf"(?![wk](?![a-z]))(?P<approx>[多余来]?(?=\s?(?:块|元|圆)))?{_UNIT}{_JIAO}"
# ranges: 3-5万, 300~500元, 三到五万 (the value is the lower bound, flagged approximate)
_RANGE_SEP = r"\s?[-~～到至]\s?"
_RANGE_EXPR = (
    rf"(?<![\d.,]){_ARABIC}{_MULT}*{_RANGE_SEP}{_ARABIC}(?![\d.,]){_MULT}*"
    rf"|[{_D}十拾][{_D}十拾百佰千仟万亿]*[到至][{_D}十拾][{_D}十拾百佰千仟万亿]*"
)
_AMOUNT_RE = re.compile(rf"(?={_FIRST}){_PRE}(?P<num>{_RANGE_EXPR}|{_ARABIC_EXPR}|{_CN_EXPR}){_TAIL}")
# Only amounts written with Chinese numerals or a multiplier (what normalisation rewrites as digits).
_SPELLED_RE = re.compile(
    rf"(?={_FIRST}){_PRE}(?P<num>(?<![\d.,]){_ARABIC}{_MULT}*{_RANGE_SEP}{_ARABIC}(?![\d.,]){_MULT}+"
    rf"|[{_D}十拾][{_D}十拾百佰千仟万亿]*[到至][{_D}十拾][{_D}十拾百佰千仟万亿]*"
    rf"|(?<![\d.,]){_ARABIC}(?:{_MULT}+(?:[多余几{_D}]|\d+(?![.\d]))*)+|{_CN_EXPR}){_TAIL}"
)

# After a multiplier without a money unit: words that make the number a count, not money.
_COUNT_WORDS = (
    "人", "个", "名", "位", "次", "条", "件", "张", "台", "部", "辆", "套", "份", "年", "月", "日", "天", "号", "岁",
    "米", "公里", "里", "斤", "公斤", "克", "吨", "步", "字", "粉", "赞", "票", "户", "家", "间", "座", "只", "头",
    "本", "篇", "首", "句", "遍", "倍", "分", "秒", "小时", "周", "期", "批", "股", "手", "平", "亩", "度", "层",
    "楼", "瓶", "盒", "包", "袋", "箱", "单", "积分", "火", "夜", "点", "元素", "兆", "像素", "毫", "公顷", "吉",
    "km", "m", "g", "t", "h", "%", "‰", "℃", "倍", "例", "余人", "多人", "多个", "多次", "多名", "多条", "多年",
    "多天", "多单", "多步", "余次", "余年", "余名", "余条",
)  # fmt: skip
_COUNT_RE = re.compile(r"\s?(?:" + "|".join(sorted(map(re.escape, set(_COUNT_WORDS)), key=len, reverse=True)) + ")")

_ADVERB_RE = re.compile(r"\s?[不别要记注小得莫勿当务一]")

_CURRENCY = {
    "美元": "USD", "美金": "USD", "$": "USD", "港币": "HKD", "港元": "HKD", "usdt": "USDT", "欧元": "EUR",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class AmountMatch:
    """One money amount found in a text. ``start``/``end`` index the ORIGINAL text; ``raw`` is that substring."""

    start: int
    end: int
    raw: str
    value: Decimal
    approximate: bool = False  # 5万多, 10万余元, 三四万 (lower bound), 十几万
    currency: str = "CNY"
    num_start: int = -1  # the numeric part (without ¥ / 元): original offsets
    num_end: int = -1


# --------------------------------------------------------------------------------------------------------------
# Value of a numeric expression


def _clean(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value


def _tokens(num: str) -> tuple[list[tuple[str, Decimal, bool]], bool]:
    """Split a numeric expression into ('n', value, single_digit) / ('u', mult) / ('z', 0) tokens."""
    toks: list[tuple[str, Decimal, bool]] = []
    approx = False
    i, n = 0, len(num)
    while i < n:
        c = num[i]
        if c.isdigit() and c.isascii():
            j = i
            while j < n and (num[j].isascii() and (num[j].isdigit() or num[j] in ".,")):
                j += 1
            chunk = num[i:j].replace(",", "")
            try:
                val = Decimal(chunk.rstrip("."))
            except InvalidOperation:
                val = Decimal(0)
            toks.append(("n", val, len(chunk) == 1))
            i = j
        elif c in _CN_DIGIT_VALUE:
            j = i
            while j < n and num[j] in _CN_DIGIT_VALUE:
                j += 1
            run = [_CN_DIGIT_VALUE[x] for x in num[i:j]]
            # decimal part: 三点五
            if j < n and num[j] == "点":
                k = j + 1
                while k < n and num[k] in _CN_DIGIT_VALUE:
                    k += 1
                frac = "".join(str(_CN_DIGIT_VALUE[x]) for x in num[j + 1 : k])
                whole = "".join(map(str, run))
                toks.append(("n", Decimal(f"{int(whole)}.{frac}" if frac else whole), False))
                i = k
                continue
            while len(run) > 1 and run[0] == 0:  # 一千零五: the zero only marks a gap
                toks.append(("z", Decimal(0), False))
                run = run[1:]
            if len(run) == 1:
                if run[0] == 0:
                    toks.append(("z", Decimal(0), False))
                else:
                    toks.append(("n", Decimal(run[0]), True))
            elif len(run) == 2 and run[1] == run[0] + 1 and run[0] != 0:  # 三四万: a range, lower bound
                approx = True
                toks.append(("n", Decimal(run[0]), True))
            elif any(t[0] == "u" for t in toks):
                return [], approx  # 八千八二: digits after a unit make no number
            else:  # digits written out one by one: 一五零零
                toks.append(("n", Decimal("".join(map(str, run))), False))
            i = j
        elif c in _CN_UNIT_VALUE:
            toks.append(("u", Decimal(_CN_UNIT_VALUE[c]), False))
            i += 1
        elif c in "多余几来":
            approx = True
            if c == "几":
                toks.append(("n", Decimal(0), False))
            i += 1
        else:
            i += 1
    return toks, approx


_RANGE_SPLIT_RE = re.compile(_RANGE_SEP)
_TRAILING_MULT_RE = re.compile(r"[十拾百佰千仟万亿wk]+$")


def range_bounds(num: str) -> tuple[Decimal, Decimal] | None:
    """(low, high) of a range such as "3-5万" / "三到五万" / "300~500"; None when ``num`` is not a range."""
    parts = _RANGE_SPLIT_RE.split(fold(num), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    low, high = parts
    mult = _TRAILING_MULT_RE.search(high)
    if mult and not any(c in _CN_UNIT_VALUE for c in low):
        low += mult.group()  # 3-5万: the multiplier belongs to both ends
    lo, hi = _single_value(low), _single_value(high)
    if lo is None or hi is None:
        return None
    return lo[0], hi[0]


_MAX_AMOUNT = Decimal(10) ** 13


@lru_cache(maxsize=4096)
def _value(num: str) -> tuple[Decimal, bool] | None:
    if any(c in "-~～到至" for c in num):
        bounds = range_bounds(num)
        return None if bounds is None else (bounds[0], True)
    return _single_value(num)


def _single_value(num: str) -> tuple[Decimal, bool] | None:
    toks, approx = _tokens(num)
    if not toks:
        return None
    total = Decimal(0)  # >= 亿
    big = Decimal(0)  # 万 level
    section = Decimal(0)  # below 万
    cur: Decimal | None = None
    cur_single = False
    last_unit: Decimal | None = None
    zero_gap = False
    for kind, val, single in toks:
        if kind == "n":
            if cur is not None:  # two numbers in a row without a unit: keep the first (ranges handled in _tokens)
                continue
            cur, cur_single = val, single
        elif kind == "z":
            zero_gap = True
        else:
            m = val
            if m >= 10_000:
                group = section + (cur if cur is not None else Decimal(0))
                if m >= 100_000_000:
                    group += big
                if not group:
                    return None  # 亿亿 / 万万: a multiplier with nothing to multiply
                if m >= 100_000_000:
                    total += group * m
                    big = Decimal(0)
                elif big:
                    return None  # 1万3万: two 万 groups in one number
                else:
                    big += group * m
                section = Decimal(0)
            else:
                section += (cur if cur is not None else Decimal(1)) * m
            cur = None
            last_unit = m
            zero_gap = False
    if cur is not None:
        if last_unit is not None and cur_single and not zero_gap and last_unit >= 100:
            cur = cur * last_unit / 10  # 八千八 = 8800, 两万三 = 23000, 3万5 = 35000
        section += cur
    value = total + big + section
    if value >= _MAX_AMOUNT:
        return None  # 一亿亿亿...: not an amount anyone transfers
    return _clean(value), approx


# --------------------------------------------------------------------------------------------------------------
# Public API


def _jiao(m: re.Match[str]) -> Decimal:
    j = m.group("jiao")
    if not j:
        return Decimal(0)
    return Decimal(int(j) if j.isdigit() and j.isascii() else _CN_DIGIT_VALUE.get(j, 0)) / 10


def _accept(folded: str, m: re.Match[str]) -> bool:
    num = m.group("num")
    unit = (m.group("unit") or "").strip()
    if unit == "块" and num in _CN_DIGIT_VALUE and not m.group("jiao") and not m.group("pre"):
        return False  # 一块去 / 两块蛋糕: "together" / "pieces", not yuan
    if m.group("pre") or unit:
        return True
    has_big = any(c in "万亿wk" for c in num)
    is_arabic = num[0].isascii()
    colloquial_thousand = "千" in num and not is_arabic and num[-1] not in "千仟"  # 八千八, 一千五
    if not (has_big or (is_arabic and any(c in "千仟" for c in num)) or colloquial_thousand):
        return False
    if _COUNT_RE.match(folded, m.end()):
        return False
    if num.endswith("千万") and _ADVERB_RE.match(folded, m.end()):
        return False  # 千万不要 / 千万别: "by all means", not ten million
    return not (num.endswith("万") and folded.startswith("火急", m.end()))  # 十万火急


def _scan(folded: str, spelled_only: bool = False) -> list[tuple[re.Match[str], Decimal, bool]]:
    """Accepted amount matches in a folded text (``spelled_only``: only Chinese-numeral / multiplier forms)."""
    out: list[tuple[re.Match[str], Decimal, bool]] = []
    for m in (_SPELLED_RE if spelled_only else _AMOUNT_RE).finditer(folded):
        if not _accept(folded, m):
            continue
        v = _value(m.group("num"))
        if v is None:
            continue
        value, approx = v
        value += _jiao(m)
        if value <= 0:
            continue
        out.append((m, value, approx or bool(m.group("approx"))))
    return out


def _currency(m: re.Match[str]) -> str:
    for part in ((m.group("unit") or "").strip(), (m.group("pre") or "").strip()):
        if part in _CURRENCY:
            return _CURRENCY[part]
    return "CNY"


def find_amounts(text: str) -> list[AmountMatch]:
    """All money amounts in ``text`` with offsets into ``text`` itself (full-width / traditional allowed)."""
    if not isinstance(text, str):
        raise TypeError(f"find_amounts() needs a str, got {type(text).__name__}")
    if not text:
        return []
    folded = fold(text)
    out: list[AmountMatch] = []
    for m, value, approx in _scan(folded):
        start, end = m.start(), m.end()
        while end > start and folded[end - 1].isspace():
            end -= 1
        out.append(
            AmountMatch(
                start=start,
                end=end,
                raw=text[start:end],
                value=value,
                approximate=approx,
                currency=_currency(m),
                num_start=m.start("num"),
                num_end=m.end("num"),
            )
        )
    return out


_PHONE_RE = re.compile(r"1[3-9]\d{9}")
_FULL_RE = re.compile(
    rf"\s*{_PRE}(?P<num>{_RANGE_EXPR}|{_ARABIC_EXPR}|{_CN_EXPR})(?P<approx>[多余来]?){_UNIT}{_JIAO}\s*(?:左右|整)?\s*",
    re.DOTALL,
)


def parse_amount(s: str) -> Decimal | None:
    """The value of a string that is one amount ("3万元", "八千八", "¥1,200.50", "1.2w"), else None."""
    if not isinstance(s, str) or not s or len(s) > 64:
        return None
    m = _FULL_RE.fullmatch(fold(s))
    if m is None:
        return None
    num = m.group("num")
    if not (m.group("pre") or m.group("unit")) and _PHONE_RE.fullmatch(num):
        return None  # a mobile number, not money
    v = _value(m.group("num"))
    return None if v is None else v[0] + _jiao(m)


_CN_NUM = "零一二三四五六七八九"


def _cn_below_10k(n: int) -> str:
    out = ""
    zero = False
    for u, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, u)
        if d:
            if zero:
                out += "零"
                zero = False
            out += _CN_NUM[d] + name
        elif out:
            zero = True
    return out


def format_cn(n: int) -> str:
    """Write a non-negative integer in Chinese numerals (一万零五百, 十万八千) — used to round-trip-test the parser."""
    if n == 0:
        return "零"
    out = ""
    for u, name in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        g, n = divmod(n, u)
        if g:
            if out and g < 1000:
                out += "零"
            out += _cn_below_10k(g) + name
    return out[1:] if out.startswith("一十") else out
