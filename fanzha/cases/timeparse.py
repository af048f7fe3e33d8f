"""Resolve the dates and times written in a victim's narrative against the time the report was taken.

    >>> ref = datetime(2024, 3, 8, 10, 20)                     # a Friday
    >>> [m.formatted() for m in find_times("昨天下午三点接到电话，上周五转账", ref)]
    ['2024-03-07 15:00', '2024-03-01']

Handles: 今天/昨天/前天/大前天/今早/昨晚 + 凌晨/早上/上午/中午/下午/傍晚/晚上 + N点(半|多|左右)/N点M分/HH:MM/N时M分;
上周五 / 本周三 / 这周一 / 周五 / 星期五; 3月5日 / 3月5号 / 2024年3月5日 / 2024-03-05 / 2024/3/5 / 3.5(+日/号/时段);
N天前 / 半个月前 / N周前 / N个月前; 上个月10号 / 本月10号 / 上个月; 今年5月 / 去年12月 / 2024年6月 / 4月份;
当天 / 当晚 / 次日 / 第二天 (relative to the date mentioned just before). A time of day without a date takes the date
mentioned just before it (or the report date). A month-day without a year that would lie in the future relative to the
report rolls back one year. Month-only mentions resolve to the 1st of the month with ``precision == "month"``.

The text is folded 1:1 first (``fold``: full-width → ASCII, lower case, traditional → simplified per character;
punctuation kept, because clauses matter here), so offsets are those of the ORIGINAL text. Standard library + OpenCC
(already a dependency); no jionlp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal

__all__ = ["CHINA_TZ", "TimeMention", "cn_small_int", "find_times", "fold", "parse_reported_at"]

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")  # China has had no DST since 1991

Precision = Literal["minute", "day", "month"]


def _fold_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0).lower() for cp in range(0xFF01, 0xFF5F)}
    table.update({cp: chr(cp).lower() for cp in range(ord("A"), ord("Z") + 1)})
    table[0x3000] = " "
    return table


_FOLD_TABLE = _fold_table()
_T2S_CACHE: dict[str, str] = {}


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """A same-length fold for matching (full-width → ASCII, lower case, traditional → simplified per character).

    Unlike ``fanzha.text.normalize`` it keeps punctuation and numerals as written and never changes the length, so an
    index into the folded text IS an index into the original.
    """
    s = re.sub(r"[\ud800-\udfff]", "\ufffd", text.translate(_FOLD_TABLE))  # lone surrogates break OpenCC
    if s.isascii():
        return s
    conv = str(_opencc().convert(s))
    if len(conv) == len(s):
        return conv
    out = []
    for ch in s:
        if ch.isascii():
            out.append(ch)
            continue
        c = _T2S_CACHE.get(ch)
        if c is None:
            c = str(_opencc().convert(ch))
            if len(c) != 1:
                c = ch
            if len(_T2S_CACHE) < 100_000:
                _T2S_CACHE[ch] = c
        out.append(c)
    return "".join(out)


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_small_int(s: str) -> int | None:
    """Small integers written in digits or Chinese numerals (dates, hours, counts): '12', '十二', '二十一', '二〇二四'."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if "十" in s:
        head, _, tail = s.partition("十")
        if (head and head not in _CN_DIGITS) or (tail and tail not in _CN_DIGITS) or "十" in tail:
            return None
        return (_CN_DIGITS[head] if head else 1) * 10 + (_CN_DIGITS[tail] if tail else 0)
    if all(c in _CN_DIGITS for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    return None


def parse_reported_at(value: str | datetime | date | None, *, now: datetime | None = None) -> datetime:
    """The report time as a naive Beijing-time datetime. None → now. Raises ValueError on an unreadable value."""
    if value is None or value == "":
        return (now or datetime.now(CHINA_TZ)).astimezone(CHINA_TZ).replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(0, 0))
    else:
        s = str(value).strip().replace("/", "-")
        if s.endswith("Z"):
            s = s[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(s)
        except ValueError as exc:
            raise ValueError(f"reported_at is not an ISO date/time: {value!r}") from exc
    if dt.tzinfo is not None:
        dt = dt.astimezone(CHINA_TZ).replace(tzinfo=None)
    return dt.replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class TimeMention:
    start: int  # ORIGINAL offsets [start, end)
    end: int
    raw: str
    value: datetime  # naive Beijing time; 00:00 when no time of day is known
    precision: Precision
    why: str

    @property
    def has_time(self) -> bool:
        return self.precision == "minute"

    def formatted(self) -> str:
        if self.precision == "minute":
            return self.value.strftime("%Y-%m-%d %H:%M")
        return self.value.strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------------------------------------------
# patterns (on normalised text: half-width, simplified, lower-case)

_N = r"(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,4})"
_WD = r"[一二三四五六日天末1-7]"
_PERIOD = r"(?:凌晨|清晨|早上|早晨|一早|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|半夜|深夜|晚间|晚|早|夜)"

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ymd",
        re.compile(
            rf"(?<!\d)(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*[年\-/.]\s*(?P<m>{_N})\s*[月\-/.]\s*(?P<d>{_N})(?:\s*[日号])?"
        ),
    ),
    ("rel_year_md", re.compile(rf"(?P<ry>今年|去年|前年)(?P<m>{_N})月(?P<d>{_N})[日号]")),
    ("ym", re.compile(rf"(?<!\d)(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_N})\s*月份?")),
    ("rel_year_m", re.compile(rf"(?P<ry>今年|去年|前年)(?P<m>{_N})月份?")),
    ("rel_month_d", re.compile(rf"(?P<rm>上个月|上月|本月|这个月|当月)(?P<d>{_N})[日号]")),
    ("md", re.compile(rf"(?<![\d.])(?P<m>{_N})月(?P<d>{_N})[日号]")),
    ("dot_md", re.compile(rf"(?<![\d.])(?P<m>\d{{1,2}})\.(?P<d>\d{{1,2}})(?![\d.%])(?=[日号]|{_PERIOD}|晚|早|当天)")),
    ("week_day", re.compile(rf"(?P<w>上上|上|本|这|这个|上个)?(?:周|星期|礼拜)(?P<x>{_WD})")),
    ("n_ago", re.compile(rf"(?P<n>{_N}|半|几)(?:个)?(?P<u>天|日|周|星期|礼拜|月)(?:以前|之前|前)")),
    (
        "rel_day",
        re.compile(r"大前天|前天|昨天|昨日|昨晚|昨夜|今天|今日|今早|今晨|今晚|当天|当日|当晚|次日|第二天|隔天|翌日"),
    ),
    ("rel_month", re.compile(r"上个月|上月")),
    ("m_only", re.compile(r"(?<![\d.个])(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?![日号\d])")),
]

_TOD = re.compile(
    rf"(?:(?P<p>{_PERIOD})\s*)?(?:(?<!\d)(?P<hh>\d{{1,2}})[:：](?P<mm>\d{{2}})(?!\d)|"
    rf"(?<![\d.])(?P<h>\d{{1,2}}|[零一二两三四五六七八九十]{{1,3}})\s*(?P<u>点|时)(?!点|儿)"
    rf"(?:(?P<half>半)|(?P<q>一刻|三刻)|(?P<mi>\d{{1,2}}|[零〇一二三四五六七八九十]{{1,3}})分)?)"
    rf"(?P<tail>左右|多|许|钟)?"
)
_PERIOD_ONLY = re.compile(_PERIOD)

_REL_DAY_OFFSET = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1,
    "今天": 0, "今日": 0, "今早": 0, "今晨": 0, "今晚": 0,
}  # fmt: skip
_ANAPHORIC = {"当天": 0, "当日": 0, "当晚": 0, "次日": 1, "第二天": 1, "隔天": 1, "翌日": 1}
_EVENING_WORDS = ("昨晚", "昨夜", "今晚", "当晚")
_WD_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}  # 周末 → Saturday


def _month_shift(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + (d.month - 1) + months, 12)
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    return date(y, m, 28)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _DateTok:
    start: int
    end: int
    kind: str
    day: date
    precision: Precision
    evening: bool = False


def _resolve_date(kind: str, m: re.Match[str], ref: date, context: date | None) -> tuple[date, Precision] | None:
    g = m.groupdict()
    if kind == "ymd":
        y, mo, d = cn_small_int(g["y"]), cn_small_int(g["m"]), cn_small_int(g["d"])
        if y is None or mo is None or d is None or not 1900 <= y <= 2100:
            return None
        day = _safe_date(y, mo, d)
        return (day, "day") if day else None
    if kind in ("ym", "rel_year_m", "rel_year_md"):
        if kind == "ym":
            y = cn_small_int(g["y"])
        else:
            y = ref.year - {"今年": 0, "去年": 1, "前年": 2}[g["ry"]]
        mo = cn_small_int(g["m"])
        if y is None or mo is None or not 1900 <= y <= 2100:
            return None
        if kind == "rel_year_md":
            dd = cn_small_int(g["d"])
            day = _safe_date(y, mo, dd) if dd is not None else None
            return (day, "day") if day else None
        day = _safe_date(y, mo, 1)
        return (day, "month") if day else None
    if kind == "rel_month_d":
        dd = cn_small_int(g["d"])
        base = _month_shift(ref.replace(day=1), -1 if g["rm"] in ("上个月", "上月") else 0)
        day = _safe_date(base.year, base.month, dd) if dd is not None else None
        return (day, "day") if day else None
    if kind in ("md", "dot_md"):
        mo, dd = cn_small_int(g["m"]), cn_small_int(g["d"])
        if mo is None or dd is None:
            return None
        day = _safe_date(ref.year, mo, dd)
        if day is None:
            return None
        if day > ref:  # a month-day in the future means last year
            day = _safe_date(ref.year - 1, mo, dd) or day
        return (day, "day")
    if kind == "m_only":
        mo = cn_small_int(g["m"])
        if mo is None or not 1 <= mo <= 12:
            return None
        day = date(ref.year, mo, 1)
        if day > ref:
            day = date(ref.year - 1, mo, 1)
        return (day, "month")
    if kind == "week_day":
        x = _WD_INDEX.get(g["x"]) if not g["x"].isdigit() else int(g["x"]) - 1
        if x is None or not 0 <= x <= 6:
            return None
        monday = ref - timedelta(days=ref.weekday())
        w = g["w"] or ""
        if w in ("上", "上个"):
            return (monday - timedelta(days=7) + timedelta(days=x), "day")
        if w == "上上":
            return (monday - timedelta(days=14) + timedelta(days=x), "day")
        if w in ("本", "这", "这个"):
            return (monday + timedelta(days=x), "day")
        back = (ref.weekday() - x) % 7  # bare 周五: the most recent one, today included
        return (ref - timedelta(days=back), "day")
    if kind == "n_ago":
        raw_n = g["n"]
        if raw_n == "几":
            return None
        unit = g["u"]
        if raw_n == "半":
            days = {"天": 0, "日": 0, "月": 15}.get(unit, 3)
            return (ref - timedelta(days=days), "day") if days else None
        n = cn_small_int(raw_n)
        if n is None or n > 400:
            return None
        if unit in ("天", "日"):
            return (ref - timedelta(days=n), "day")
        if unit in ("周", "星期", "礼拜"):
            return (ref - timedelta(days=7 * n), "day")
        return (_month_shift(ref, -n), "day")
    if kind == "rel_day":
        word = m.group(0)
        if word in _REL_DAY_OFFSET:
            return (ref + timedelta(days=_REL_DAY_OFFSET[word]), "day")
        base = context or ref
        return (base + timedelta(days=_ANAPHORIC[word]), "day")
    if kind == "rel_month":
        return (_month_shift(ref.replace(day=1), -1), "month")
    return None


def _hour_minute(m: re.Match[str], period: str | None, evening: bool) -> tuple[int, int] | None:
    if m.group("hh"):
        h, mi = int(m.group("hh")), int(m.group("mm"))
    else:
        h_opt = cn_small_int(m.group("h"))
        if h_opt is None:
            return None
        h = h_opt
        mi = 0
        if m.group("half"):
            mi = 30
        elif m.group("q"):
            mi = 15 if m.group("q") == "一刻" else 45
        elif m.group("mi"):
            mi_opt = cn_small_int(m.group("mi"))
            if mi_opt is None:
                return None
            mi = mi_opt
    if period in ("下午", "午后", "傍晚", "晚上", "夜里", "夜间", "晚间", "深夜", "晚", "夜") or (
        period is None and evening
    ):
        if 1 <= h < 12:
            h += 12
    elif period == "中午" and 1 <= h <= 3:
        h += 12
    elif period in ("半夜", "凌晨") and h == 12:
        h = 0
    if h == 24:
        h = 0
    if not (0 <= h <= 23 and 0 <= mi <= 59):
        return None
    return h, mi


def _plausible_tod(text: str, m: re.Match[str], after_date: bool) -> bool:
    """Reject '有一点', '3点建议' etc.: an hour needs a time-of-day word, minutes, a tail, a date before it, or 时."""
    if m.group("hh"):
        return True
    if m.group("p") or m.group("half") or m.group("q") or m.group("mi") or m.group("tail") or after_date:
        return True
    if m.group("u") == "时" and m.group("h").isdigit():
        return True
    before = text[max(0, m.start() - 2) : m.start()]
    return bool(re.search(r"(于|在|约|是|到|至|从)$", before))


def _span(s: int, e: int) -> tuple[int, int]:
    return (s, e)


def find_times(text: str, reported_at: datetime) -> list[TimeMention]:
    """All resolvable date / time mentions in ``text``, in text order, with ORIGINAL offsets."""
    if not text:
        return []
    t = fold(text)
    ref = reported_at.date()

    # 1. date tokens, earlier patterns win on overlap
    taken = [False] * len(t)
    raw_dates: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pat in _DATE_PATTERNS:
        for m in pat.finditer(t):
            s, e = m.span()
            if e <= s or any(taken[s:e]):
                continue
            for i in range(s, e):
                taken[i] = True
            raw_dates.append((s, e, kind, m))
    raw_dates.sort(key=lambda x: x[0])

    # 2. time-of-day tokens outside the date tokens
    tods: list[re.Match[str]] = []
    for m in _TOD.finditer(t):
        s, e = m.span()
        if e > s and any(taken[s:e]):
            # "昨晚十点": the period belongs to the date token; keep the hour on its own
            hs = m.start("hh") if m.group("hh") else m.start("h")
            m2 = _TOD.match(t, hs) if hs >= 0 and not any(taken[hs:e]) else None
            if m2 is None:
                continue
            m, s, e = m2, *m2.span()
        if e <= s:
            continue
        tods.append(m)
    periods_only = [m for m in _PERIOD_ONLY.finditer(t) if not any(taken[m.start() : m.end()])]

    # 3. walk in text order, resolving anaphora (当天/次日) against the last date seen
    order = sorted([(d[0], 0, i) for i, d in enumerate(raw_dates)] + [(m.start(), 1, i) for i, m in enumerate(tods)])
    out: list[TimeMention] = []
    context: _DateTok | None = None
    used_tod: set[int] = set()
    for _pos, typ, idx in order:
        if typ == 0:
            s, e, kind, dm = raw_dates[idx]
            res = _resolve_date(kind, dm, ref, context.day if context else None)
            if res is None:
                continue
            day, prec = res
            tok = _DateTok(s, e, kind, day, prec, evening=dm.group(0) in _EVENING_WORDS)
            context = tok
            # a time of day right after the date ("昨天下午三点", "2024-04-08 14:20", "7.5晚上")
            j = next(
                (
                    k
                    for k, x in enumerate(tods)
                    if e <= x.start() <= e + 2 and re.fullmatch(r"[\s的约在于]*", t[e : x.start()])
                ),
                None,
            )
            if j is not None and prec == "day" and j not in used_tod:
                follow = tods[j]
                hm = _hour_minute(follow, follow.group("p"), tok.evening)
                if hm is not None and _plausible_tod(t, follow, True):
                    used_tod.add(j)
                    a, b = _span(s, follow.end())
                    out.append(
                        TimeMention(
                            a, b, text[a:b], datetime.combine(day, time(*hm)), "minute", f"{kind} + time of day"
                        )
                    )
                    continue
            end = e
            p = next((x for x in periods_only if e <= x.start() <= e + 1), None)
            if p is not None:
                end = p.end()
            a, b = _span(s, end)
            out.append(TimeMention(a, b, text[a:b], datetime.combine(day, time(0, 0)), prec, kind))
        else:
            m = tods[idx]
            if idx in used_tod or not _plausible_tod(t, m, False):
                continue
            base = context.day if context and context.precision == "day" else ref
            hm = _hour_minute(m, m.group("p"), bool(context and context.evening))
            if hm is None:
                continue
            a, b = _span(m.start(), m.end())
            why = "time of day (date from context)" if context else "time of day (report date)"
            out.append(TimeMention(a, b, text[a:b], datetime.combine(base, time(*hm)), "minute", why))
    out.sort(key=lambda x: x.start)
    return out
