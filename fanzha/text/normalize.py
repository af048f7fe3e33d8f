"""Normalise a text for matching while keeping a map back to the original offsets.

Contract (other packages rely on it):
    n = normalize(text)
    n.text                     # normalised string
    n.offsets[i]               # index in n.original of the character that produced n.text[i]
    n.to_original(start, end)  # a [start, end) span of n.text -> [start, end) span of n.original

What normalisation does, in order (each step keeps the offset map):
 1. one C-level ``str.translate`` (same length): NFKC fold of single characters (full-width, compatibility
    ideographs, Kangxi radicals, circled / superscript digits), lower case, traditional -> simplified per character,
    zero-width / combining / control characters marked for deletion, every other symbol, punctuation and emoji
    folded to one "noise" marker (URL punctuation and ¥ $ % keep their identity);
 2. traditional texts only: OpenCC phrase conversion (乾淨 -> 干净), aligned per CJK run;
 3. Cyrillic / Greek look-alike letters inside Latin words -> ASCII (pаypal -> paypal), and in a word of look-alikes
    only glued to a Chinese character (收уі -> 收yi);
 4. noise removal: runs of spaces / symbols / emoji between words are dropped ("安 全-账😀户" -> "安全账户"),
    kept as one space between two ASCII words ("call me") and kept as-is inside URLs, e-mails and numbers
    ("www.icbc.com.cn", "1,200.50"); single letters spaced out are glued ("q q" -> "qq");
 5. disguised spellings -> canonical (disguises.yaml + scam keywords partly in pinyin, generated from
    pinyin_keywords.yaml: ji分 / 积fen / jifen -> 积分 + same-sound spellings of scam keywords generated offline
    into homophones.yaml by scripts/gen_homophones.py: 冻捷 / 投姿 -> 冻结 / 投资; one Aho-Corasick automaton,
    longest match wins);
 6. numbers dictated digit by digit (5+ digits: "扣扣一二三四五六七八" -> "qq12345678") and Chinese numerals and
    万 / 千 / w / k in money amounts -> digits ("三万元" -> "30000元").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick
import yaml

from fanzha.text import amounts as _amounts

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...]  # len(offsets) == len(text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``text`` to the [start, end) span of ``original`` that produced it."""
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def original_span_text(self, start: int, end: int) -> str:
        """The original text under a normalised span (what to highlight)."""
        s, e = self.to_original(start, end)
        return self.original[s:e]


# ------------------------------------------------------------------------------------------------------------------
# Step 1: the character fold

DELETE = "\x00"  # always removed (zero-width, combining marks, controls, unassigned, private use)
NOISE = "\x01"  # a symbol, punctuation mark or emoji: removed between words
# ASCII punctuation keeps its identity (URLs, e-mails, numbers); so do these:
STOP = "\x02"  # 。: a sentence end, except inside a domain written with it (taobao。com -> taobao.com)
_KEEP_SYMBOLS = {"¥": "¥", "￥": "¥", "。": STOP, "｡": STOP, "．": ".", "，": ",", "：": ":", "＄": "$", "％": "%"}
_WHITESPACE = set("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")

# Letters other scripts lend to evade Latin keyword and domain filters (only used inside Latin words).
_HOMOGLYPHS = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin look-alikes
    "ı": "i", "ȷ": "j", "ł": "l", "ø": "o", "đ": "d",
}  # fmt: skip


def _fold_char(c: str) -> str:
    if c in _KEEP_SYMBOLS:
        return _KEEP_SYMBOLS[c]
    if c in _WHITESPACE:
        return " "
    cat = unicodedata.category(c)
    if cat[0] == "Z":
        return " "
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Mc"):
        return DELETE
    k = unicodedata.normalize("NFKC", c)
    if len(k) != 1:
        k = c
    if k.isascii():
        return k.lower() if k.isalnum() or k in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" else NOISE
    if k in _KEEP_SYMBOLS:
        return _KEEP_SYMBOLS[k]
    kcat = unicodedata.category(k)
    if kcat == "Nd" or (kcat[0] == "N" and unicodedata.digit(k, None) is not None):
        d = unicodedata.digit(k, None)
        return str(d) if d is not None else k
    if kcat[0] in "PS":
        return NOISE
    if kcat[0] == "Z":
        return " "
    if kcat[0] in "CM":
        return DELETE
    low = k.lower()
    return low if len(low) == 1 else low[0]  # "İ".lower() is two characters: the fold must stay 1:1


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that computes (and caches) the fold of characters it has not seen yet."""

    def __init__(self, extra: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._extra = extra

    def __missing__(self, cp: int) -> str:
        v = _fold_char(chr(cp))
        if self._extra is not None:
            v = self._extra(v)
        if len(self) < 400_000:
            self[cp] = v
        return v


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _t2s_chars() -> dict[str, str]:
    """Per-character traditional -> simplified map (OpenCC's own choice for each character alone)."""
    chars = [chr(c) for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000))]
    out = _opencc().convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # pragma: no cover - defensive
        return {}
    return {c: o for c, o in zip(chars, out, strict=True) if c != o and len(o) == 1}


_T2S = _t2s_chars()
_FOLD_BASE = _FoldTable()  # without traditional -> simplified
_FOLD = _FoldTable(lambda v: _T2S.get(v, v))


def _bmp_table() -> list[str]:
    """The fold of every BMP character as a list: ``str.translate`` indexes a list about twice as fast as a dict."""
    table = [DELETE] * 0x10000  # surrogates and private use stay DELETE
    plain = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4))  # ideographs, Hangul: their own fold
    for lo, hi in ((0, 0x3400), (0x4DC0, 0x4E00), (0xA000, 0xAC00), (0xD7A4, 0xD800), (0xF900, 0x10000)):
        for cp in range(lo, hi):
            v = _fold_char(chr(cp))
            table[cp] = _T2S.get(v, v)
    for lo, hi in plain:
        for cp in range(lo, hi):
            c = chr(cp)
            table[cp] = _T2S.get(c, c)
    if any(len(v) != 1 for v in table):  # pragma: no cover - the offsets rely on it
        raise RuntimeError("the character fold must map every character to exactly one character")
    return table


_FOLD_BMP = _bmp_table()
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_TRAD_RE = re.compile("[" + "".join(sorted(_T2S)) + "]")
_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def has_traditional(text: str) -> bool:
    """Whether ``text`` holds a traditional character the normaliser converts (its own test for the OpenCC step)."""
    return _TRAD_RE.search(text) is not None


def _phrase_t2s(base: str, fallback: str) -> str:
    """OpenCC with its phrase tables, kept only where it preserves length (so offsets stay 1:1)."""
    conv = _opencc().convert(base)
    if len(conv) == len(base):
        return str(conv)
    parts: list[str] = []
    pos = 0
    for m in _CJK_RUN_RE.finditer(base):
        parts.append(fallback[pos : m.start()])
        run = _opencc().convert(m.group())
        parts.append(run if len(run) == m.end() - m.start() else fallback[m.start() : m.end()])
        pos = m.end()
    parts.append(fallback[pos:])
    return "".join(parts)


# ------------------------------------------------------------------------------------------------------------------
# Step 3: homoglyphs inside Latin words

_HOMO_TABLE = str.maketrans(_HOMOGLYPHS)
_HG = "".join(sorted(_HOMOGLYPHS))
_HOMO_ANY_RE = re.compile(f"[{_HG}]")
_HOMO_WORD_RE = re.compile(f"[a-z0-9{_HG}]*[{_HG}][a-z0-9{_HG}]*")


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


def _fix_homoglyphs(s: str) -> str:
    """Look-alikes inside Latin words (pаypal); also a word made only of look-alikes (2+ letters) glued to a Chinese
    character, which no Greek or Cyrillic text is (收уі, κе服), while α粒子 and Cyrillic words stay as they are."""

    def repl(m: re.Match[str]) -> str:
        w = m.group()
        if re.search("[a-z0-9]", w):
            return w.translate(_HOMO_TABLE)
        if len(w) < 2:
            return w
        a, b = m.start(), m.end()
        prev = s[a - 1] if a > 0 else ""
        nxt = s[b] if b < len(s) else ""
        if not (_is_cjk(prev) or _is_cjk(nxt)):
            return w
        if (prev.isalpha() and not _is_cjk(prev)) or (nxt.isalpha() and not _is_cjk(nxt)):
            return w  # part of a longer Greek / Cyrillic word
        return w.translate(_HOMO_TABLE)

    return _HOMO_WORD_RE.sub(repl, s)


# ------------------------------------------------------------------------------------------------------------------
# Step 4: noise removal

_NOISE_SPLIT_RE = re.compile(r"([\x00-\x02 !-/:-@\[-`{-~¥]+)")
_TLDS = "com|cn|net|org|top|xyz|vip|cc|info|io|me|app|shop|club|site|online|live|tk|ml|ga|cf|gq|hk|tw|co|tv|pw|ws|icu"
# "。" between ASCII labels of a name that ends in a top-level domain: www。icbc。com。cn -> www.icbc.com.cn
_STOP_IN_DOMAIN_RE = re.compile(rf"(?<=[a-z0-9])\x02(?=(?:[a-z0-9-]+[.\x02])*(?:{_TLDS})(?![a-z0-9]))")
_URL_PUNCT = frozenset(".:/@-_?=&#+~,%")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_DIGITS = frozenset("0123456789")
_MULTIPLIERS = frozenset("万千亿")
_CURRENCY_SIGNS = frozenset("¥$")


def _denoise(s: str) -> tuple[str, list[int]] | None:
    """Drop noise runs; returns None when there is nothing to drop (offsets are then the identity)."""
    parts = _NOISE_SPLIT_RE.split(s)
    if len(parts) == 1:
        return None
    n = len(s)
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    last = len(parts) - 1
    append, extend = out.append, offs.extend
    for k in range(0, last, 2):
        seg = parts[k]
        if seg:
            append(seg)
            end = pos + len(seg)
            extend(range(pos, end))
            pos = end
            a = seg[-1]
        else:
            a = ""
        run = parts[k + 1]
        i = pos
        pos += len(run)
        nxt = parts[k + 2]
        b = nxt[0] if nxt else ""
        if a not in _ALNUM and b not in _ALNUM:
            continue  # every case below needs an ASCII letter or digit next to the run: the run is dropped
        if a in _ALNUM and b in _ALNUM:
            vis = run.replace(DELETE, "")
            if not vis:
                continue
            if b in _DIGITS and vis[-1] in _CURRENCY_SIGNS:
                out.append(vis[-1])  # "RMB $300" / "abc¥3": the sign stays with its number
                offs.append(i + len(run.rstrip(DELETE)) - 1)
                continue
            single = (len(seg) < 2 or seg[-2] not in _ALNUM) and (len(nxt) < 2 or nxt[1] not in _ALNUM)
            if single and a not in _DIGITS and b not in _DIGITS:
                continue  # "q q", "v-x": spaced-out letters
            if _URL_PUNCT.issuperset(vis):
                if len(vis) == len(run):
                    out.append(run)
                    offs.extend(range(i, pos))
                else:
                    for q in range(i, pos):
                        if s[q] != DELETE:
                            out.append(s[q])
                            offs.append(q)
                continue
            if single:
                continue  # "1 3 8": spaced-out digits
            out.append(" ")
            offs.append(i + (len(run) - len(run.lstrip(DELETE))))
        elif a in _DIGITS and "%" in run and run.lstrip(DELETE)[0] == "%":
            out.append("%")
            offs.append(i + run.index("%"))
        elif b in _DIGITS and a in _MULTIPLIERS and run in ("-", "~"):
            out.append(run)  # 1万-3万: a range of amounts
            offs.append(i)
        elif b in _DIGITS and run.rstrip(DELETE)[-1:] in ("¥", "$"):
            sym = run.rstrip(DELETE)[-1]
            out.append(sym)
            offs.append(i + run.rindex(sym))
    tail = parts[last]
    if tail:
        out.append(tail)
        offs.extend(range(pos, n))
    return "".join(out), offs


# ------------------------------------------------------------------------------------------------------------------
# Step 5: disguises

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_ANY_ASCII = re.compile("[\x00-\x7f]")
_URLISH = frozenset("abcdefghijklmnopqrstuvwxyz._/@-")
_DROP_NEXT_TO_CJK = frozenset(" .:/@-_?=&#+~,")


@dataclass(frozen=True, slots=True)
class _Entry:
    canonical: str
    length: int
    lead_ascii: bool
    trail_ascii: bool
    identity: bool
    needs_alnum_before: bool
    has_ascii: bool  # variant or canonical has ASCII: word boundaries may move, the text is cleaned again


def _data_file(name: str) -> Any:
    """A YAML table shipped in the fanzha.text package, parsed."""
    return yaml.safe_load(resources.files("fanzha.text").joinpath(name).read_text(encoding="utf-8"))


def load_disguises() -> dict[str, list[str]]:
    """canonical -> variants, as written in disguises.yaml."""
    data = _data_file("disguises.yaml")
    if not isinstance(data, dict):
        raise ValueError("disguises.yaml must map canonical forms to lists of variants")
    out: dict[str, list[str]] = {}
    for canon, variants in data.items():
        if not isinstance(variants, list):
            raise ValueError(f"disguises.yaml: {canon!r} must map to a list")
        out[str(canon)] = [str(v) for v in variants]
    return out


def load_pinyin_keywords() -> dict[str, tuple[tuple[str, ...], bool]]:
    """keyword -> (its pinyin syllables, whether the whole word in pinyin maps too), from pinyin_keywords.yaml."""
    data = _data_file("pinyin_keywords.yaml")
    if not isinstance(data, dict) or set(data) - {"full", "mixed"}:
        raise ValueError("pinyin_keywords.yaml must have the sections full: and mixed:")
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for section, words in data.items():
        for word, pinyin in (words or {}).items():
            syllables = tuple(str(pinyin).split())
            if len(syllables) != len(str(word)) or not all(x.isascii() and x.isalpha() for x in syllables):
                raise ValueError(f"pinyin_keywords.yaml: {word!r} needs one pinyin syllable per character")
            out[str(word)] = (syllables, section == "full")
    return out


def pinyin_variants(word: str, syllables: Sequence[str], whole: bool) -> list[str]:
    """Spellings of ``word`` with one or more characters, not all, in pinyin (ji分, 积fen); with ``whole`` also the
    whole word in pinyin, joined and spaced (jifen, ji fen), when it has at least 5 letters."""
    n = len(word)
    out = []
    for mask in range(1, (1 << n) - 1):
        out.append("".join(syllables[i] if mask >> i & 1 else word[i] for i in range(n)))
    if whole and sum(map(len, syllables)) >= 5:
        out += ["".join(syllables), " ".join(syllables)]
    return out


def load_homophones() -> dict[str, list[str]]:
    """keyword -> same-sound spellings (冻捷 -> 冻结), generated by scripts/gen_homophones.py into homophones.yaml."""
    data = _data_file("homophones.yaml")
    if not isinstance(data, dict):
        raise ValueError("homophones.yaml must map keywords to lists of spellings")
    out: dict[str, list[str]] = {}
    for word, variants in data.items():
        if not isinstance(variants, list) or any(len(str(v)) != len(str(word)) for v in variants):
            raise ValueError(f"homophones.yaml: {word!r} must map to a list of spellings of its length")
        out[str(word)] = [str(v) for v in variants]
    return out


def _build_automaton() -> Any:
    auto = ahocorasick.Automaton()
    entries: dict[str, _Entry] = {}

    def entry(key: str, canon: str) -> _Entry:
        return _Entry(
            canonical=canon,
            length=len(key),
            lead_ascii=key[0] in _LETTERS,
            trail_ascii=key[-1] in _LETTERS,
            identity=key == canon,
            needs_alnum_before=canon.startswith("."),
            has_ascii=_ANY_ASCII.search(key + canon) is not None,
        )

    table = load_disguises()
    for canon, variants in table.items():
        for v in variants:
            key = v.lower()
            if key in entries and entries[key].canonical != canon:
                raise ValueError(f"disguises.yaml: {v!r} is listed under two canonical forms")
            entries[key] = entry(key, canon)
    generated: dict[str, set[str]] = {}
    for word, (syllables, whole) in load_pinyin_keywords().items():
        for v in pinyin_variants(word, syllables, whole):
            generated.setdefault(v, set()).add(word)
    for key, canons in generated.items():
        if key not in entries and len(canons) == 1:  # disguises.yaml wins; a spelling two keywords share is dropped
            entries[key] = entry(key, next(iter(canons)))
    for word, variants in load_homophones().items():
        for v in variants:
            if v not in entries:  # hand-written and pinyin spellings win
                entries[v] = entry(v, word)
    for canon in table:
        if canon not in entries and not canon.startswith("."):
            entries[canon] = entry(canon, canon)  # protects canonical forms from re-mapping (idempotence)
    for key, e in entries.items():
        auto.add_word(key, e)
    auto.make_automaton()
    return auto


_AUTO = _build_automaton()


def _spread(offs: list[int], i: int, j: int, k: int) -> list[int]:
    """Offsets for k output characters replacing offs[i:j]: first -> first, last -> last, never decreasing."""
    m = j - i
    if k == m:
        return offs[i:j]
    if k < m:
        return [*offs[i : i + k - 1], offs[j - 1]] if k > 1 else [offs[i]]
    return [*offs[i : j - 1], *([offs[j - 1]] * (k - m + 1))]


def _undisguise(s: str, offs: list[int]) -> tuple[str, list[int], bool]:
    """Replace disguised spellings; also says whether a replacement involved ASCII (boundaries may have moved)."""
    n = len(s)
    touched_ascii = False
    parts: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for end, e in _AUTO.iter_long(s):
        if e.identity:
            continue
        start = end - e.length + 1
        if start == pos and parts:  # right after a replacement: look at what was written
            prev = parts[-1][-1:]
        else:
            prev = s[start - 1] if start > 0 else ""
        nxt = s[end + 1] if end + 1 < n else ""
        if e.lead_ascii and prev in _URLISH:
            continue
        if e.needs_alnum_before:  # a written-out domain suffix: "taobao点com/x"
            if prev not in _ALNUM or nxt in _ALNUM:
                continue
        elif e.trail_ascii and nxt in _URLISH:
            continue
        # the noise step keeps spaces / URL punctuation only between ASCII characters: "vx:abc" -> "微信abc"
        keep_to = start
        if not e.canonical[0].isascii():
            while keep_to > pos and s[keep_to - 1] in _DROP_NEXT_TO_CJK:
                keep_to -= 1
        parts.append(s[pos:keep_to])
        new_offs.extend(offs[pos:keep_to])
        parts.append(e.canonical)
        new_offs.extend(_spread(offs, start, end + 1, len(e.canonical)))
        touched_ascii = touched_ascii or e.has_ascii
        pos = end + 1
        if not e.canonical[-1].isascii():
            while pos < n and s[pos] in _DROP_NEXT_TO_CJK:
                pos += 1
    if not parts:
        return s, offs, False
    parts.append(s[pos:])
    new_offs.extend(offs[pos:])
    return "".join(parts), new_offs, touched_ascii


# ------------------------------------------------------------------------------------------------------------------
# Step 6: numerals in amounts

_CN_NUMERAL = "零〇一二两三四五六七八九壹贰叁参肆伍陆柒捌玖十拾百佰千仟"
# only texts with a Chinese numeral next to a numeral / unit, or a digit before a multiplier, are scanned
_NUMERAL_HINT_RE = re.compile(
    f"[{_CN_NUMERAL}](?=[{_CN_NUMERAL}万亿几多余点元块圆人r])|\\d(?:[十拾百佰千仟万亿]|[wk](?![a-z]))"
)


@lru_cache(maxsize=4096)
def _digits(num: str) -> str | None:
    """Digits for a spelled-out amount ("十万八千" -> "108000", "5万多" -> "50000多")."""
    bounds = _amounts.range_bounds(num) if any(c in "-~到至" for c in num) else None
    if bounds is not None:
        return f"{_fmt(bounds[0])}-{_fmt(bounds[1])}"  # 3-5万 -> 30000-50000
    v = _amounts._value(num)
    if v is None:
        return None
    out = _fmt(v[0])
    return out + num[-1] if num[-1] in "多余" else out


def _fmt(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value, "f")


def _numerals(s: str, offs: list[int]) -> tuple[str, list[int]]:
    found = _amounts._scan(s, spelled_only=True)
    if not found:
        return s, offs
    parts: list[str] = []
    new_offs: list[int] = []
    pos = 0
    for m, _value, _approx in found:
        num = m.group("num")
        digits = _digits(num)
        if digits is None or digits == num:
            continue
        i, j = m.span("num")
        parts.append(s[pos:i])
        new_offs.extend(offs[pos:i])
        parts.append(digits)
        new_offs.extend(_spread(offs, i, j, len(digits)))
        pos = j
        jiao = m.group("jiao")
        if jiao and not jiao.isascii():  # 三块五 -> 3块5
            k = m.start("jiao")
            parts.append(s[pos:k])
            new_offs.extend(offs[pos:k])
            parts.append(jiao.translate(_CN_DIGIT_TABLE))
            new_offs.append(offs[k])
            pos = k + 1
    if not parts:
        return s, offs
    parts.append(s[pos:])
    new_offs.extend(offs[pos:])
    return "".join(parts), new_offs


# Numbers dictated digit by digit (QQ / phone / card numbers: 幺三八一二三四五六七八) -> ASCII digits, 1:1.
_DIGIT_RUN_RE = re.compile("[零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖]{5,}")
_CN_DIGIT_TABLE = str.maketrans("零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖", "001234567891123456789")


def _spelled_digits(m: re.Match[str]) -> str:
    return m.group().translate(_CN_DIGIT_TABLE)


# ------------------------------------------------------------------------------------------------------------------


def normalize(text: str) -> Normalized:
    """The canonical matching form of ``text`` (see the module docstring) with offsets into ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() needs a str, got {type(text).__name__}")
    if not text:
        return Normalized(original=text, text="", offsets=())
    s = text.translate(_FOLD if _ASTRAL_RE.search(text) else _FOLD_BMP)
    if _TRAD_RE.search(text):
        s = _phrase_t2s(text.translate(_FOLD_BASE), s)
    if STOP in s:
        s = _STOP_IN_DOMAIN_RE.sub(".", s)  # same length
    if _HOMO_ANY_RE.search(s):
        s = _fix_homoglyphs(s)
    dn = _denoise(s)
    if dn is None:
        offs = list(range(len(s)))
    else:
        s, offs = dn
        if _HOMO_ANY_RE.search(s):  # dropped noise can bring a look-alike next to a Latin letter: fix again (1:1)
            s = _fix_homoglyphs(s)
    if _DIGIT_RUN_RE.search(s):
        s = _DIGIT_RUN_RE.sub(_spelled_digits, s)  # same length: offsets unchanged
    for _ in range(3):  # a replacement can move word boundaries: clean again until nothing changes
        s2, offs2, touched_ascii = _undisguise(s, offs)
        if s2 == s:
            break
        s, offs = s2, offs2
        if not touched_ascii:
            break  # Chinese -> Chinese replacements move no word boundary
        dn = _denoise(s)
        if dn is not None:
            s, idx = dn
            offs = [offs[k] for k in idx]
    if _NUMERAL_HINT_RE.search(s):
        s, offs = _numerals(s, offs)
    return Normalized(original=text, text=s, offsets=tuple(offs))
