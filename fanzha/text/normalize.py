"""Normalise a text for matching while keeping a map back to the original offsets.

Contract (other packages rely on it):
    n = normalize(text)
    n.text                     # normalised string
    n.offsets[i]               # index in n.original of the character that produced n.text[i]
    n.to_original(start, end)  # a [start, end) span of n.text -> [start, end) span of n.original
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...]  # len(offsets) == len(text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        if not self.offsets:
            return (0, 0)
        start = max(0, min(start, len(self.offsets) - 1))
        end = max(start + 1, min(end, len(self.offsets)))
        return (self.offsets[start], self.offsets[end - 1] + 1)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _halfwidth(ch: str) -> str:
    code = ord(ch)
    if code == 0x3000:
        return " "
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


def normalize(text: str) -> Normalized:
    """Minimal version: full-width -> half-width, lower-case ASCII, traditional -> simplified (1:1 chars only)."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        c = _halfwidth(unicodedata.normalize("NFC", ch)).lower()
        chars.append(c)
        offsets.append(i)
    out = "".join(chars)
    simp = _t2s().convert(out)
    if len(simp) == len(out):
        out = simp
    return Normalized(original=text, text=out, offsets=tuple(offsets))
