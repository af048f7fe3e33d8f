"""Generate fanzha/text/homophones.yaml: scam keywords written with same-sound characters (冻捷 -> 冻结, 投姿 -> 投资).

Offline, dev-only tool: the engine never imports pypinyin or jieba, it only reads the YAML this script writes.

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install pypinyin==0.55.0 jieba==0.42.1
    /tmp/gen/bin/python scripts/gen_homophones.py            # rewrites fanzha/text/homophones.yaml
    /tmp/gen/bin/python scripts/gen_homophones.py --check    # exit 1 if the committed file differs

What is generated, for every keyword in KEYWORDS:
  * every spelling with ONE character replaced by another character of the same toneless pinyin (the keyword's
    reading in context, pypinyin's phrase-aware ``lazy_pinyin``: 银行 yin hang; a replacement character by its main
    reading only, so 亥 is not a "jie" nor 么 a "ma"); for keywords of 4+ characters also
    spellings with TWO characters replaced, each drawn from the MAX_DOUBLE most common homophones of its position;
  * replacement characters are only common ones: of the GB 2312 characters, the TOP_CHARS of highest frequency,
    a character's frequency being the summed jieba dictionary frequency of the words that contain it (about the 常用字 set; it
    drops the rare characters pypinyin lists for every syllable); numerals are never replacements (逾七成).

A spelling is dropped when (the exclusion rules):
  1. it is a word: in jieba's dictionary or in pypinyin's phrase dictionary (克服, 重置, 范例, 威信, 提线, 冻洁 ...);
  2. it is part of a longer word of either dictionary (it would fire inside that word);
  3. it can occur across a word boundary in ordinary text: for some split of the spelling into left + right,
     E(left) * S(right) >= CROSS_MAX, where E(x) is the jieba frequency of the most frequent word that ends with x
     (x itself included; a one-character word at 1/SINGLE_DISCOUNT of its frequency) and S(x) of the most
     frequent word that starts with x: both halves glue to a common word on their outer side (课服 = 上课 650 x 服务 13036, 客付 = 游客 x 付出, 佣今 = 雇佣 x 今天 are dropped;
     解栋 = 了解 11774 x 栋梁 45 and 投姿 = 跳投 347 x 姿态 995 are kept); and (3b) a replaced FIRST character
     must not be the last character of a word of frequency >= EDGE_MAX, nor a replaced LAST character the first
     character of one (惠款 in 聚惠|款: 惠 closes 优惠; 款 after a word is often "a model of");
  4. it is a spelling of two keywords (dropped for both), or it is already a key of disguises.yaml or
     pinyin_keywords.yaml (hand-written entries win; the normaliser enforces that too);
  5. it is in EXCLUDE (ordinary-text collisions found by reviewing the corpus texts the table changed).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import defaultdict
from pathlib import Path

import jieba  # type: ignore[import-untyped]
from pypinyin import Style, lazy_pinyin, pinyin  # type: ignore[import-not-found]
from pypinyin.phrases_dict import phrases_dict  # type: ignore[import-not-found]

KEYWORDS = """
客服 冻结 解冻 转账 汇款 打款 到账 收款 投资 理财 收益 本金 密码 验证码 返利 返现 佣金 账户 账号 征信 保证金 手续费
提现 充值 刷单 兼职 贷款 网贷 借款 还款 放款 额度 逾期 流水 激活 公安 警官 民警 通缉 逮捕 涉嫌 洗钱 诈骗 安全账户
银行卡 信用卡 退款 理赔 注销 校园贷 屏幕共享 下载 链接 二维码 微信 支付宝 红包 中奖 解封 会员 垫付
""".split()

TOP_CHARS = 3000  # candidate replacement characters: this many most frequent
EDGE_MAX = 1000  # rule 3b
SINGLE_DISCOUNT = 10  # rule 3: a one-character word counts 1/10 of its frequency (jieba counts bound uses too)
MAX_DOUBLE = 3  # two replacements: each from this many most frequent homophones of its position
CROSS_MAX = 1_000_000  # rule 3: E * S at or above this (geometric mean of the two words' frequencies >= 1000)

NUMERALS = set("零一二两三四五六七八九十百千万亿")  # never a replacement: 逾七成 is not 逾期成
# 5. seen in ordinary text when the corpora were normalised with the table (review of the changed texts)
EXCLUDE = {"搭款": "百搭款 (e-commerce: a go-with-anything model)", "柯服": "brand names: 棉柯服饰"}
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fanzha" / "text" / "homophones.yaml"


def load_lexicon() -> tuple[dict[str, int], set[str]]:
    freq: dict[str, int] = {}
    path = Path(jieba.__file__).parent / "dict.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            freq[parts[0]] = freq.get(parts[0], 0) + int(parts[1])
    words = set(freq) | set(phrases_dict)
    return freq, words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed file is not what would be written")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    freq, words = load_lexicon()

    char_freq: dict[str, int] = defaultdict(int)
    for w, f in freq.items():
        for c in set(w):
            if "\u4e00" <= c <= "\u9fff":
                char_freq[c] += f
    common = sorted((c for c in char_freq if _gb2312(c) and c not in NUMERALS), key=lambda c: (-char_freq[c], c))[
        :TOP_CHARS
    ]
    rank = {c: i for i, c in enumerate(common)}
    by_sound: dict[str, list[str]] = defaultdict(list)
    for c in common:
        by_sound[pinyin(c, style=Style.NORMAL)[0][0]].append(c)  # its main reading only; in frequency order

    inside: set[str] = set()  # substrings (2..6 chars) of every dictionary word, the word itself excluded
    for w in words:
        n = len(w)
        for i in range(n):
            for j in range(i + 2, min(n, i + 6) + 1):
                if j - i < n:
                    inside.add(w[i:j])

    words_ending: dict[str, int] = defaultdict(int)  # most frequent 2+ character word ending with this character
    words_starting: dict[str, int] = defaultdict(int)
    for w, f in freq.items():
        if len(w) > 1:
            words_ending[w[-1]] = max(words_ending[w[-1]], f)
            words_starting[w[0]] = max(words_starting[w[0]], f)
    ends: dict[str, int] = defaultdict(int)  # E(x): frequency of the most frequent word that ends with x
    starts: dict[str, int] = defaultdict(int)  # S(x): ... that starts with x
    for w, f in freq.items():
        g = f if len(w) > 1 else f // SINGLE_DISCOUNT
        for k in range(1, min(len(w), 5) + 1):
            ends[w[-k:]] = max(ends[w[-k:]], g)
            starts[w[:k]] = max(starts[w[:k]], g)

    def crosses(v: str, kw: str) -> bool:
        if any(ends.get(v[:k], 0) * starts.get(v[k:], 0) >= CROSS_MAX for k in range(1, len(v))):
            return True
        # a replaced first (last) character must not close (open) a common word with the character before (after)
        return (v[0] != kw[0] and words_ending[v[0]] >= EDGE_MAX) or (
            v[-1] != kw[-1] and words_starting[v[-1]] >= EDGE_MAX
        )

    hand = set(_yaml_keys(ROOT / "fanzha" / "text" / "disguises.yaml"))
    hand |= set(_yaml_keys(ROOT / "fanzha" / "text" / "pinyin_keywords.yaml"))

    generated: dict[str, set[str]] = defaultdict(set)
    stats: dict[str, int] = defaultdict(int)
    for kw in KEYWORDS:
        syl = lazy_pinyin(kw, style=Style.NORMAL)
        options = [[c for c in by_sound.get(py, []) if c != kw[i]] for i, py in enumerate(syl)]
        cands: set[str] = set()
        for i, opts in enumerate(options):
            cands.update(kw[:i] + c + kw[i + 1 :] for c in opts)
        if len(kw) >= 4:
            for i, j in itertools.combinations(range(len(kw)), 2):
                for a in options[i][:MAX_DOUBLE]:
                    for b in options[j][:MAX_DOUBLE]:
                        v = list(kw)
                        v[i], v[j] = a, b
                        cands.add("".join(v))
        for v in cands:
            if v in words:
                stats["1 word"] += 1
            elif v in inside:
                stats["2 inside a word"] += 1
            elif crosses(v, kw):
                stats["3 across a boundary"] += 1
            elif v in EXCLUDE:
                stats["5 excluded by hand"] += 1
            elif v in hand:
                stats["4 hand-written"] += 1
            else:
                generated[v].add(kw)
    table: dict[str, list[str]] = defaultdict(list)
    for v, kws in generated.items():
        if len(kws) == 1:
            table[next(iter(kws))].append(v)
        else:
            stats["4 two keywords"] += 1

    def order(v: str) -> tuple[int, str]:
        return (sum(rank.get(c, TOP_CHARS) for c in v), v)

    lines = [
        "# GENERATED by scripts/gen_homophones.py: do not edit by hand (hand-written spellings go in disguises.yaml,",
        "# which wins over this file). Scam keywords written with same-sound characters, mapped to the keyword.",
        f"# pypinyin toneless readings in context; replacement characters: the {TOP_CHARS} most frequent GB 2312 ones",
        "# (jieba dictionary); one replacement, or two for 4+ character keywords; spellings that are words, part of a",
        f"# word, or likely across a word boundary (E*S >= {CROSS_MAX}, edges {EDGE_MAX}) are dropped (see the script).",
        "# Keywords: " + " ".join(KEYWORDS),
        "",
    ]
    n = 0
    for kw in KEYWORDS:
        vs = sorted(table.get(kw, []), key=order)
        n += len(vs)
        lines.append(f"{kw}: [{', '.join(vs)}]")
    text = "\n".join(lines) + "\n"
    sys.stderr.write(f"{n} spellings for {len(KEYWORDS)} keywords; dropped: {dict(sorted(stats.items()))}\n")
    if args.check:
        return 0 if args.out.read_text(encoding="utf-8") == text else 1
    args.out.write_text(text, encoding="utf-8")
    return 0


def _gb2312(c: str) -> bool:
    """In GB 2312 (the simplified set): no traditional forms, no mojibake entries of the jieba dictionary."""
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _yaml_keys(path: Path) -> list[str]:
    """Keys and listed variants of a hand-written table, without a YAML parser dependency beyond what is simple."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[str] = []
    for k, v in data.items():
        if isinstance(v, dict):  # pinyin_keywords.yaml sections
            out += [str(x) for x in v]
        else:
            out.append(str(k))
            out += [str(x) for x in v or []]
    return out


if __name__ == "__main__":
    sys.exit(main())
