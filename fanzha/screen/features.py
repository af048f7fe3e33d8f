"""Vectorised hashed character n-gram features (numpy, one pass over a whole batch).

scikit-learn's char analyzer builds every n-gram as a Python string; here a batch of texts is encoded once into a
code-point array, the hashes of all n-grams of all texts are computed with numpy uint64 arithmetic, and the CSR
matrix is built in one go.

The hash (reproduced by a plain-Python reference in the tests):

1. *Kept characters*: whitespace, control / format characters and emoji / pictographs are skipped (spaced or
   emoji-split keywords read as one word; FBS texts are word-segmented with spaces); ASCII digits are folded to
   ``0`` when ``fold_digits`` (numbers generalise: amounts, codes, phone numbers).
2. For an n-gram of kept code points c1..cn: ``h = OFFSET; h = (h ^ ci) * PRIME (mod 2**64)`` for each ci
   (FNV-1a over code points), then ``h ^= n * NSALT``, then the finaliser ``h ^= h >> 33; h *= MIX;
   h ^= h >> 29`` (mod 2**64); the feature index is ``h & (2**n_bits - 1)``.
3. Values: ``1 + log(count)`` (sublinear tf) or the count, times the optional idf vector, rows L2-normalised.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

OFFSET = 0xCBF29CE484222325
PRIME = 0x100000001B3
NSALT = 0x9E3779B97F4A7C15
MIX = 0xFF51AFD7ED558CCD
MASK64 = (1 << 64) - 1

_SKIP_RANGES = (
    (0x1F000, 0x1FAFF),  # emoji, pictographs, playing cards, mahjong, ...
    (0xE0000, 0xE007F),  # tags
    (0xFE00, 0xFE0F),  # variation selectors
)


@lru_cache(maxsize=1)
def _bmp_skip_table() -> np.ndarray:
    """skip[c] for every BMP code point: whitespace, Cc/Cf/Zs/Zl/Zp/Cs/Co, emoji-like symbols."""
    skip = np.zeros(0x10000, dtype=bool)
    for c in range(0x10000):
        cat = unicodedata.category(chr(c))
        if cat[0] in "CZ" or chr(c).isspace():
            skip[c] = True
    # dingbats / misc symbols used as emoji separators
    skip[0x2600:0x27C0] = True
    skip[0x2B00:0x2C00] = True
    for lo, hi in _SKIP_RANGES:
        if hi < 0x10000:
            skip[lo : hi + 1] = True
    return skip


def is_skipped(c: int) -> bool:
    """Whether the featurizer skips code point ``c`` (the same rule as the vectorised path)."""
    if c < 0x10000:
        return bool(_bmp_skip_table()[c])
    return any(lo <= c <= hi for lo, hi in _SKIP_RANGES)


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts concatenated (uint32) and the number of code points per text."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return codes, lengths


@dataclass(frozen=True, slots=True)
class Featurizer:
    n_bits: int = 19
    ngram_min: int = 1
    ngram_max: int = 4
    fold_digits: bool = True
    sublinear_tf: bool = True

    @property
    def n_features(self) -> int:
        return 1 << self.n_bits

    def _kept(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(kept code points as uint64, their indices in ``codes``)."""
        skip = np.zeros(codes.shape[0], dtype=bool)
        small = codes < 0x10000
        skip[small] = _bmp_skip_table()[codes[small]]
        big = ~small
        if big.any():
            cb = codes[big]
            sb = np.zeros(cb.shape[0], dtype=bool)
            for lo, hi in _SKIP_RANGES:
                sb |= (cb >= lo) & (cb <= hi)
            skip[big] = sb
        idx = np.flatnonzero(~skip)
        kept = codes[idx].astype(np.uint64)
        if self.fold_digits:
            kept[(kept >= 48) & (kept <= 57)] = 48
        return kept, idx

    def _hashes(self, kept: np.ndarray, doc: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each n: (start positions in ``kept`` of the valid n-grams, their feature indices)."""
        out: list[tuple[np.ndarray, np.ndarray]] = []
        m = kept.shape[0]
        h = np.full(m, OFFSET, dtype=np.uint64)
        prime = np.uint64(PRIME)
        mask = np.uint64(self.n_features - 1)
        for n in range(1, self.ngram_max + 1):
            if m < n:
                break
            cnt = m - n + 1
            h = (h[:cnt] ^ kept[n - 1 : n - 1 + cnt]) * prime
            if n < self.ngram_min:
                continue
            valid = np.flatnonzero(doc[:cnt] == doc[n - 1 : n - 1 + cnt])
            f = h[valid] ^ np.uint64((n * NSALT) & MASK64)
            f ^= f >> np.uint64(33)
            f *= np.uint64(MIX)
            f ^= f >> np.uint64(29)
            out.append((valid, (f & mask).astype(np.int64)))
        return out

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts (len(texts) × n_features, float32, sorted indices): the cacheable part."""
        n_docs = len(texts)
        if n_docs == 0:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        codes, lengths = _encode(texts)
        doc_of_code = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        kept, idx = self._kept(codes)
        doc = doc_of_code[idx]
        parts = self._hashes(kept, doc)
        if parts:
            keys = np.concatenate([(doc[v] << self.n_bits) | f for v, f in parts])
        else:
            keys = np.zeros(0, dtype=np.int64)
        keys.sort()  # introsort: much faster than np.unique on millions of int64
        if keys.shape[0]:
            change = np.empty(keys.shape[0] + 1, dtype=bool)
            change[0] = change[-1] = True
            np.not_equal(keys[1:], keys[:-1], out=change[1:-1])
            bounds = np.flatnonzero(change)
            ukeys = keys[bounds[:-1]]
            counts = np.diff(bounds)
        else:
            ukeys = counts = keys
        rows = ukeys >> self.n_bits
        cols = (ukeys & (self.n_features - 1)).astype(np.int32)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
        return sp.csr_matrix((counts.astype(np.float32), cols, indptr), shape=(n_docs, self.n_features))

    def weight(self, counts: sp.csr_matrix, idf: np.ndarray | None = None) -> sp.csr_matrix:
        """Counts → (sublinear) tf × idf, rows L2-normalised."""
        n_docs = counts.shape[0]
        data: np.ndarray = counts.data.astype(np.float32)
        if self.sublinear_tf:
            data = (1.0 + np.log(data)).astype(np.float32)
        if idf is not None:
            data = data * idf[counts.indices]
        rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        sq = np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=n_docs)
        norms = np.sqrt(sq)
        norms[norms == 0] = 1.0
        data = (data / norms[rows]).astype(np.float32)
        return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)

    def transform(self, texts: Sequence[str], idf: np.ndarray | None = None) -> sp.csr_matrix:
        """CSR matrix (len(texts) × n_features, float32) of the texts: ``weight(counts(texts), idf)``."""
        return self.weight(self.counts(texts), idf)

    def batch_spans(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every n-gram occurrence of a batch: (doc, start, end, feature, n); offsets index each doc's text.

        Ordered by n, then by position in the concatenated batch (so by doc, then start).
        """
        e = np.zeros(0, dtype=np.int64)
        if not texts:
            return e, e, e, e, e
        codes, lengths = _encode(texts)
        doc_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        doc_of_code = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        kept, idx = self._kept(codes)
        doc = doc_of_code[idx]
        docs, starts, ends, feats, ns = [], [], [], [], []
        for k, (valid, f) in enumerate(self._hashes(kept, doc)):
            n = k + self.ngram_min
            d = doc[valid]
            docs.append(d)
            starts.append(idx[valid] - doc_start[d])
            ends.append(idx[valid + n - 1] + 1 - doc_start[d])
            feats.append(f)
            ns.append(np.full(valid.shape[0], n, dtype=np.int64))
        if not docs:
            return e, e, e, e, e
        return (
            np.concatenate(docs),
            np.concatenate(starts),
            np.concatenate(ends),
            np.concatenate(feats),
            np.concatenate(ns),
        )

    def ngram_spans(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every n-gram occurrence of one text: start and end offsets in ``text``, feature index, n."""
        _, starts, ends, feats, ns = self.batch_spans([text] if text else [])
        return starts, ends, feats, ns
