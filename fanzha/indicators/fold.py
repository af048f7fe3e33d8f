"""Cheap 1:1 folding of a text for indicator matching, with a map back to the original offsets.

Full-width ASCII -> half-width, ideographic space -> space, ASCII upper -> lower, full-width/ideographic dots kept
distinct (the URL recognizer decides what is a dot). Invisible characters (zero-width, soft hyphen, BOM, control
characters other than newline/tab) are dropped, so "icbc\u200b.com" still matches; then an offsets array maps back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# _WIDTH keeps case (URL paths, WeChat IDs as typed); _TABLE also lower-cases ASCII (matching).
_WIDTH: dict[int, int | str | None] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = " "
_WIDTH[0xFF61] = "。"  # half-width ideographic full stop
_WIDTH[0x2014] = "-"  # em dash, used to split numbers
_WIDTH[0x2013] = "-"
_WIDTH[0x2212] = "-"
# other digit forms that fraud texts use to dodge filters
for _i, _c in enumerate("𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"):
    _WIDTH[ord(_c)] = str(_i)
for _i, _c in enumerate("①②③④⑤⑥⑦⑧⑨"):
    _WIDTH[ord(_c)] = str(_i + 1)
_WIDTH[ord("⓪")] = "0"
for _k in range(0x0660, 0x1FBFA):  # every other decimal-digit script (Arabic-Indic, Devanagari, ...) -> ASCII
    if unicodedata.category(chr(_k)) == "Nd" and _k not in _WIDTH:
        _WIDTH[_k] = str(unicodedata.digit(chr(_k)))
_TABLE = dict(_WIDTH)
for _k in range(ord("A"), ord("Z") + 1):
    _TABLE[_k] = _k + 32
for _k in range(ord("Ａ"), ord("Ｚ") + 1):
    _TABLE[_k] = _k - 0xFEE0 + 32

# Invisible / decorative characters dropped before matching (offsets keep the way back): control characters,
# zero-width characters, BOM, variation selectors and keycap marks (1️⃣), emoji and dingbats used to split words
# and numbers ("微🔥信", "138🔥1234🔥5678").
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2060-\u2064\ufeff"
    "\ufe00-\ufe0f\u20e3\u2600-\u27bf\U0001f300-\U0001faff]"
)


@dataclass(frozen=True, slots=True)
class Folded:
    original: str
    text: str
    offsets: tuple[int, ...] | None  # None when text and original align 1:1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) of the folded text -> [start, end) of the original."""
        if self.offsets is None:
            return (start, end)
        if end <= start:
            o = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return (o, o)
        return (self.offsets[start], self.offsets[end - 1] + 1)


def _translate_1to1(text: str) -> str:
    out = text.translate(_TABLE)
    if len(out) != len(text):  # a mapping to a multi-char string would break offsets: never happens with _TABLE
        raise AssertionError("fold table must map 1:1")
    return out


# Fast path for long texts: str.translate with a dict is slow on non-ASCII text (a dict lookup per character), so
# lower-case with str.lower() (1:1 whenever the length is unchanged) and then replace only the characters that still
# need folding. The frequent full-width punctuation ，！？；：（） is left as is: every pattern accepts both forms.
_FREQUENT = set("，！？；：（）")
_RARE_MAP = {chr(k): (chr(v) if isinstance(v, int) else str(v)) for k, v in _TABLE.items() if chr(k) not in _FREQUENT}
_RARE_MAP = {k: v for k, v in _RARE_MAP.items() if not ("A" <= k <= "Z")}


def _char_class(chars: set[str]) -> str:
    """A compact regex character class (ranges) for a set of characters: a long list of single characters is slow."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "[" + "".join(parts) + "]"


# Full-width forms, dashes, circled and mathematical digits: what evasions use. Digits of other scripts (Arabic-Indic
# ...) are folded by fold_value only (regex \d matches them in texts anyway), which keeps this class short and fast.
_TEXT_RARE = {
    c
    for c in _RARE_MAP
    if not unicodedata.category(c) == "Nd" or "\uff10" <= c <= "\uff19" or 0x1D7CE <= ord(c) <= 0x1D7FF
}
_RARE = re.compile(_char_class(_TEXT_RARE))


def _fold_fast(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # İ and a few others lower-case to two characters
        return _translate_1to1(text)
    if _RARE.search(low) is None:
        return low
    return _RARE.sub(lambda m: _RARE_MAP[m.group()], low)


def fold(text: str) -> Folded:
    if not _INVISIBLE.search(text):
        return Folded(text, _fold_fast(text), None)
    keep = [i for i, ch in enumerate(text) if not _INVISIBLE.match(ch)]
    stripped = "".join(text[i] for i in keep)
    return Folded(text, _fold_fast(stripped), tuple(keep))


def fold_value(value: str, *, lower: bool = True) -> str:
    """Fold a single value (no offsets needed); ``lower=False`` keeps ASCII case."""
    value = _INVISIBLE.sub("", value)
    return _translate_1to1(value) if lower else value.translate(_WIDTH)
