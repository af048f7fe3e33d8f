"""The full engine under evasions: recall on fraud and FPR on normals per evasion, next to a naive baseline.

The judged data comes "with evasions (繁体, 全角, spaced or emoji-split keywords, homophones, lookalike URLs)"; this
bench rewrites held-out corpus texts with each evasion and screens them:

1. ``training_corpus(all corpus files, seed)`` is split 80 / 20 (``holdout_mask(0.2, seed)``, stratified per file and
   category); a fresh ``CharNgramModel`` is trained on the 80 % (+ our synthetic texts, as bench/engine_cv.py does)
   and plugged into ``Engine(default_ruleset(()), model, indicators)``; the naive baseline (TF-IDF char 1-3 +
   LinearSVC, bench/_common.py naive_pipeline, as in every "× naive" bench) is trained on the same 80 % raw corpus texts.
2. From the 20 % a seeded sample: ``--n`` fraud texts of each of tft8_typed_fraud, fbs_sms (FR:*) and
   call_transcripts, and ``--n`` normal texts of each of tft5_normal_dev, fbs_sms (ads, illegal, other) and
   call_transcripts (normal).
3. Every evasion below rewrites every sampled text (deterministic: the random generator of a text is seeded by the
   seed, the evasion's name and the text's position) and both systems screen the result: engine ``verdict.fraud``,
   naive ``decision_function > 0``.

    .venv/bin/python bench/evasion_bench.py [--quick] [--no-write] [--n 500] [--dump OUT.jsonl]

``--dump`` writes, for error analysis, the fraud texts the engine catches unchanged but misses under an evasion
(with the evaded text and the fired evidence) to a path OUTSIDE the repository (corpus texts are never committed).

The evasions are written here from common knowledge of how scam senders dodge keyword filters, not generated from
fanzha/text's tables; where a list necessarily overlaps the normaliser's disguises.yaml (the most common disguises
are the most common because everybody knows them) the function's docstring says so, and each list also holds
variants that are not in it, so the bench measures generalisation, not the table.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, naive_pipeline, write_generated_section  # noqa: E402

from fanzha.config import get_settings  # noqa: E402
from fanzha.screen.labels import DEFAULT_FILES  # noqa: E402

# ------------------------------------------------------------------------------------------------------------------
# Evasions. Each is f(text, rng) -> text; rng is a random.Random seeded per (seed, evasion, text).

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_PAIR_RE = re.compile(f"(?<=[{_CJK}])(?=[{_CJK}])")


@lru_cache(maxsize=4)
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def ev_traditional(text: str, rng: random.Random) -> str:
    """繁体: OpenCC simplified -> traditional, with the plain (s2t), Taiwan (s2tw) or Hong Kong (s2hk) standard
    character set (one per text); phrases are not localised (软件 stays 軟件, not 軟體)."""
    return str(_opencc(rng.choice(("s2t", "s2tw", "s2hk"))).convert(text))


def ev_fullwidth(text: str, rng: random.Random) -> str:
    """全角: every printable ASCII character -> its full-width form (A -> Ａ, 1 -> １, . -> ．), space -> U+3000."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _gaps(text: str) -> list[int]:
    return [m.start() for m in _CJK_PAIR_RE.finditer(text)]


def _insert(text: str, at: dict[int, str]) -> str:
    """``text`` with at[i] inserted before position i."""
    if not at:
        return text
    out, pos = [], 0
    for i in sorted(at):
        out.append(text[pos:i])
        out.append(at[i])
        pos = i
    out.append(text[pos:])
    return "".join(out)


def ev_spaced_all(text: str, rng: random.Random) -> str:
    """Spaced: a space between every two adjacent CJK characters ("安 全 账 户")."""
    return _insert(text, {i: " " for i in _gaps(text)})


def ev_spaced_30(text: str, rng: random.Random) -> str:
    """Spaced, partly: a space (sometimes two, or an ideographic space) in a random 30 % of the CJK gaps."""
    return _insert(text, {i: rng.choice((" ", " ", "  ", "\u3000")) for i in _gaps(text) if rng.random() < 0.3})


# Scam keywords (hand-written). Used to aim the emoji split and the homophones at the words filters look for.
KEYWORDS = (
    "微信 支付宝 刷单 返利 兼职 佣金 贷款 征信 转账 验证码 客服 银行卡 账户 冻结 解冻 退款 理赔 投资 理财 下载 链接 "
    "公安 警察 检察院 法院 通缉 洗钱 诈骗 中奖 红包 充值 额度 利息 密码 快递 会员 注销 保证金 手续费 逾期 收益 平台 "
    "导师 点击 网址 账号 扫码 二维码 屏幕共享 借款 放款 信用卡 涉嫌 资金 流水 好友 退货 赔偿 激活 认证 积分 兑换"
).split()
_KW_RE = re.compile("|".join(sorted(map(re.escape, KEYWORDS), key=len, reverse=True)))
SPLITTERS = ("★", "·", "|", "☆", "※", "~", "😀", "🔥", "💰", "❤", "✨", "👉", "🎁", "⭐", "/", "_")


def ev_emoji_split(text: str, rng: random.Random) -> str:
    """Emoji / symbol split: one emoji or symbol (★ · | 😀 🔥 ...) inside every scam keyword (刷★单, 转💰账) and in a
    random 10 % of the other CJK gaps."""
    at: dict[int, str] = {}
    for m in _KW_RE.finditer(text):
        at[rng.randrange(m.start() + 1, m.end())] = rng.choice(SPLITTERS)
    for i in _gaps(text):
        if i not in at and rng.random() < 0.1:
            at[i] = rng.choice(SPLITTERS)
    return _insert(text, at)


# Contact-channel disguises. Overlaps the normaliser's disguises.yaml for the classics (V信, 威信, 薇信, vx, 扣扣,
# zfb...); the others are not in it (卫星 is not used: an ordinary word).
CONTACTS: dict[str, tuple[str, ...]] = {
    "微信": ("V信", "v信", "威信", "薇信", "VX", "vx", "wx", "V X", "wei信", "微❤", "V❤", "徽信", "嶶信", "ⓥ信"),
    "QQ": ("扣扣", "Q Q", "抠抠", "q扣", "扣q", "蔻蔻", "企鹅"),
    "qq": ("扣扣", "Q Q", "抠抠", "q扣", "扣q", "蔻蔻", "企鹅"),
    "支付宝": ("支 付 宝", "zfb", "ZFB", "支fu宝", "吱付宝", "支付bao", "支附宝", "zhi付宝", "支寸宝"),
    "银行卡": ("yhk", "银彳亍卡", "银hang卡", "银行k", "YHK", "银航卡"),
    "电话": ("电hua", "dian话", "电話", "店话"),
    "手机号": ("手ji号", "sj号", "手机hao", "手鸡号"),
}
_CONTACT_RE = re.compile("|".join(sorted(map(re.escape, CONTACTS), key=len, reverse=True)))


def ev_contacts(text: str, rng: random.Random) -> str:
    """Contact disguises: 微信 -> V信 / 威信 / 薇信 / vx / 微❤..., QQ -> 扣扣 / Q Q / 企鹅..., 支付宝 -> 支 付 宝 / zfb...,
    银行卡 -> yhk / 银彳亍卡, 电话 -> 电hua, 手机号 -> sj号; in place of each occurrence. Mirrors in part the contact
    section of fanzha/text/disguises.yaml (see CONTACTS)."""
    return _CONTACT_RE.sub(lambda m: rng.choice(CONTACTS[m.group()]), text)


# Toneless pinyin of the keyword characters (hand-written).
PINYIN = dict(
    p.split(":")
    for p in (
        "刷:shua 单:dan 返:fan 利:li 兼:jian 职:zhi 佣:yong 金:jin 贷:dai 款:kuan 征:zheng 信:xin 转:zhuan 账:zhang "
        "验:yan 证:zheng 码:ma 客:ke 服:fu 银:yin 行:hang 卡:ka 户:hu 冻:dong 结:jie 解:jie 退:tui 理:li 赔:pei "
        "投:tou 资:zi 财:cai 下:xia 载:zai 链:lian 接:jie 公:gong 安:an 警:jing 察:cha 检:jian 院:yuan 法:fa "
        "通:tong 缉:ji 洗:xi 钱:qian 诈:zha 骗:pian 中:zhong 奖:jiang 红:hong 包:bao 充:chong 值:zhi 额:e 度:du "
        "息:xi 密:mi 快:kuai 递:di 会:hui 员:yuan 注:zhu 销:xiao 保:bao 手:shou 续:xu 费:fei 逾:yu 期:qi 收:shou "
        "益:yi 平:ping 台:tai 导:dao 师:shi 点:dian 击:ji 网:wang 址:zhi 号:hao 扫:sao 二:er 维:wei 借:jie 放:fang "
        "用:yong 涉:she 嫌:xian 流:liu 水:shui 微:wei 支:zhi 付:fu 宝:bao 好:hao 友:you 货:huo 偿:chang 激:ji 活:huo "
        "认:ren 积:ji 分:fen 兑:dui 换:huan 屏:ping 幕:mu 共:gong 享:xiang 识:shi 别:bie"
    ).split()
)
# Homophone / near-form characters scam texts use for keywords (hand-written; some overlap disguises.yaml).
HOMOPHONES: dict[str, tuple[str, ...]] = {
    "刷单": ("唰单", "涮单", "刷単"),
    "返利": ("返俐", "反利", "返例"),
    "兼职": ("兼只", "兼値", "监职"),
    "佣金": ("拥金", "用金", "佣锦"),
    "贷款": ("代款", "带款", "贷欵"),
    "征信": ("蒸信", "正信用"),
    "转账": ("转帐", "专账", "砖账"),
    "验证码": ("验正码", "验证玛", "验证马"),
    "客服": ("课服", "刻服"),
    "冻结": ("冻洁", "动结"),
    "解冻": ("解栋", "解动"),
    "投资": ("投姿", "头资"),
    "理财": ("理材", "里财"),
    "诈骗": ("乍骗", "炸骗"),
    "中奖": ("中桨", "中将"),
    "充值": ("冲值",),
    "保证金": ("保正金", "宝证金"),
    "通缉": ("通辑",),
    "逾期": ("愈期", "余期"),
    "手续费": ("手续废",),
    "密码": ("蜜码", "密玛"),
    "链接": ("琏接", "链结"),
}
INITIALS = {"客服": "kf", "验证码": "yzm", "支付宝": "zfb", "银行卡": "yhk", "信用卡": "xyk", "贷款": "dk",
            "保证金": "bzj", "兼职": "jz", "二维码": "ewm"}  # fmt: skip
_HOMO_RE = re.compile(
    "|".join(sorted(map(re.escape, {*KEYWORDS, *HOMOPHONES, *INITIALS} - {"微信", "支付宝"}), key=len, reverse=True))
)


def _homophone(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15 and word in INITIALS:
        return INITIALS[word]
    if r < 0.45 and word in HOMOPHONES:
        return rng.choice(HOMOPHONES[word])
    if r < 0.55 and all(c in PINYIN for c in word):
        return "".join(PINYIN[c] for c in word)  # 刷单 -> shuadan
    k = rng.randrange(len(word))
    return word[:k] + PINYIN.get(word[k], word[k]) + word[k + 1 :]  # 刷单 -> shua单, 验证码 -> yan证码


def ev_homophones(text: str, rng: random.Random) -> str:
    """Pinyin / homophones for scam keywords, every occurrence: one character in pinyin (shua单, fan利, dai款,
    zhuan账, yan证码), the whole word in pinyin (shuadan), initials (kf, yzm, dk, bzj) or homophone / near-form
    characters (唰单, 代款, 拥金, 冲值, 转帐). The lists are hand-written; many forms are also in disguises.yaml."""
    return _HOMO_RE.sub(lambda m: _homophone(m.group(), rng), text)


_CN_DIGITS = "零一二三四五六七八九"
_CN_DIGITS_FIN = "零壹贰叁肆伍陆柒捌玖"
_AMOUNT_RE = re.compile(r"(?<![\d.])(\d{1,9})(?:\.(\d{1,2}))?(?=\s*(?:万|千|百|元|块|圆|w|W|k|K|rmb|RMB))")


def _cn_under_10k(n: int, digits: str, units: str) -> str:
    out, zero = [], False
    for k, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // k % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + unit)
    return "".join(out)


def cn_number(n: int, financial: bool = False) -> str:
    """An integer in Chinese numerals (10050 -> 一万零五十; 15 -> 十五; financial: 壹万零伍拾)."""
    digits, units = (_CN_DIGITS_FIN, "拾佰仟") if financial else (_CN_DIGITS, "十百千")
    if n == 0:
        return digits[0]
    parts, first = [], True
    for k, big in ((10**8, "亿"), (10**4, "万"), (1, "")):
        g = n // k % 10**4
        if g == 0:
            continue
        if not first and g < 1000:
            parts.append(digits[0])
        parts.append(_cn_under_10k(g, digits, units) + big)
        first = False
    s = "".join(parts)
    if not financial and s.startswith("一十"):
        s = s[1:]  # 十五, not 一十五
    return s


def ev_numerals(text: str, rng: random.Random) -> str:
    """Chinese-numeral amounts: a number before a money unit (元 块 万 千 w k rmb) in Chinese numerals, plain or
    financial (5000元 -> 五千元 / 伍仟元, 3.5万 -> 三点五万)."""

    def repl(m: re.Match[str]) -> str:
        fin = rng.random() < 0.3
        s = cn_number(int(m.group(1)), fin)
        if m.group(2):
            s += "点" + "".join((_CN_DIGITS_FIN if fin else _CN_DIGITS)[int(c)] for c in m.group(2))
        return s

    return _AMOUNT_RE.sub(repl, text)


# Latin look-alikes from other scripts (Cyrillic / Greek); the normaliser has its own table of these.
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "k": "κ", "v": "ν"}
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9.\-/:]*[A-Za-z0-9]")
_DOT_IN_DOMAIN_RE = re.compile(r"(?<=[a-z0-9])\.(?=(?:com|cn|net|cc|top|vip|xyz|org)\b)")


def ev_lookalike_urls(text: str, rng: random.Random) -> str:
    """Look-alike URLs and Latin words: about half of the a e o p c x y i k v letters of each Latin word / URL become
    Cyrillic or Greek look-alikes (аpp, wеixin.qq.соm), and a dot before a top-level domain sometimes becomes 。 or
    点 (xx点com)."""

    def word(m: re.Match[str]) -> str:
        w = "".join(LOOKALIKES[c] if c in LOOKALIKES and rng.random() < 0.5 else c for c in m.group())
        return _DOT_IN_DOMAIN_RE.sub(lambda _: rng.choice((".", "。", "点")), w)

    return _LATIN_WORD_RE.sub(word, text)


def ev_combined(text: str, rng: random.Random) -> str:
    """All combined: contacts, homophones, numerals, look-alikes, emoji split, 30 % spaced, full-width, 繁体."""
    for f in (ev_contacts, ev_homophones, ev_numerals, ev_lookalike_urls, ev_emoji_split, ev_spaced_30,
              ev_fullwidth, ev_traditional):  # fmt: skip
        text = f(text, rng)
    return text


def ev_none(text: str, rng: random.Random) -> str:
    """Baseline: the text as it is."""
    return text


EVASIONS: dict[str, Callable[[str, random.Random], str]] = {
    "none": ev_none,
    "繁体": ev_traditional,
    "全角": ev_fullwidth,
    "spaced (all CJK gaps)": ev_spaced_all,
    "spaced (30 % of gaps)": ev_spaced_30,
    "emoji/symbol split": ev_emoji_split,
    "contact disguises": ev_contacts,
    "pinyin/homophones": ev_homophones,
    "numeral amounts": ev_numerals,
    "look-alike URLs": ev_lookalike_urls,
    "all combined": ev_combined,
}


def evade(name: str, texts: Sequence[str], seed: int) -> list[str]:
    f = EVASIONS[name]
    salt = zlib.crc32(name.encode("utf-8"))
    return [f(t, random.Random((seed * 1_000_003 + salt) * 100_003 + i)) for i, t in enumerate(texts)]


# ------------------------------------------------------------------------------------------------------------------
# Data, systems, metrics

FRAUD_GROUPS = (("tft8_typed_fraud.jsonl", "tft8"), ("fbs_sms.jsonl", "fbs FR"), ("call_transcripts.jsonl", "calls"))
NORMAL_GROUPS = (
    ("tft5_normal_dev.jsonl", "tft5"),
    ("fbs_sms.jsonl", "fbs non-FR"),
    ("call_transcripts.jsonl", "calls"),
)


def build(data_dir: Path, seed: int, n: int, say: Callable[[str], None]) -> dict[str, Any]:
    """Train the fresh model + engine and the naive pipeline on 80 %; sample the test texts from the other 20 %."""
    from fanzha.screen.engine import Engine, _load_indicators
    from fanzha.screen.model import CharNgramModel, training_corpus
    from fanzha.screen.rules import default_ruleset

    t0 = time.perf_counter()
    tc = training_corpus([data_dir / f for f in DEFAULT_FILES], seed=seed)
    files = np.asarray(tc.files)
    is_fraud = np.asarray([c == "fraud" for c in tc.categories])
    test = tc.holdout_mask(0.2, seed) & (files != "synthetic")
    tr = np.flatnonzero(~test)
    tr_corpus = tr[files[tr] != "synthetic"]
    m = CharNgramModel(random_state=seed)
    m.fit([tc.texts[i] for i in tr], [tc.categories[i] for i in tr], typology=[tc.typologies[i] for i in tr],
          conversation=[tc.conversation[i] for i in tr])  # fmt: skip
    say(f"  model trained on {len(tr)} texts ({time.perf_counter() - t0:.0f}s)")
    naive = naive_pipeline().fit([tc.raw[i] for i in tr_corpus], is_fraud[tr_corpus])
    say(f"  naive trained on {len(tr_corpus)} corpus texts ({time.perf_counter() - t0:.0f}s)")
    rng = np.random.RandomState(seed)
    groups: list[tuple[str, bool, np.ndarray]] = []
    for fraud, gs in ((True, FRAUD_GROUPS), (False, NORMAL_GROUPS)):
        for f, short in gs:
            pool = np.flatnonzero(test & (files == f) & (is_fraud == fraud))
            pick = np.sort(rng.choice(pool, size=min(n, len(pool)), replace=False))
            groups.append((short, fraud, pick))
    idx = np.concatenate([g[2] for g in groups])
    return {
        "engine": Engine(default_ruleset(()), m, _load_indicators(), max_chars=10**7),
        "naive": naive,
        "texts": [tc.raw[i] for i in idx],
        "labels": np.concatenate([np.full(len(g[2]), g[1]) for g in groups]),
        "group": np.concatenate([np.full(len(g[2]), k) for k, g in enumerate(groups)]),
        "groups": [(g[0], g[1], len(g[2])) for g in groups],
        "n_train": len(tr),
        "n_train_corpus": len(tr_corpus),
    }


def run(b: dict[str, Any], names: Sequence[str], seed: int, say: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    naive = b["naive"]
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        t0 = time.perf_counter()
        texts = evade(name, b["texts"], seed)
        verdicts = b["engine"].screen_many(texts)
        out[name] = {
            "texts": texts,
            "changed": np.asarray([a != o for a, o in zip(texts, b["texts"], strict=True)]),
            "engine": np.asarray([v.fraud for v in verdicts]),
            "fired": [[e.id for e in v.evidence if e.weight > 0] for v in verdicts],
            "layer": {
                src: [frozenset(e.id for e in v.evidence if e.weight > 0 and e.source == src) for v in verdicts]
                for src in ("rule", "indicator")
            },
            "naive": naive.decision_function(texts) > 0,
        }
        say(f"  {name}: {time.perf_counter() - t0:.0f}s")
    return out


def _rate(pred: np.ndarray, mask: np.ndarray) -> float | None:
    return float(pred[mask].mean()) if mask.any() else None


def _f(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.1f} %" if pct else f"{x:.3f}"


def report(b: dict[str, Any], res: dict[str, dict[str, Any]]) -> list[str]:
    y = b["labels"]
    base = res.get("none")
    lines = [
        "| evasion | fraud texts changed | engine recall | naive recall | engine recall, changed texts (unchanged "
        "→ evaded) | normals changed | engine FPR | naive FPR |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in res.items():
        ch = r["changed"]
        fr, no = y, ~y
        on_changed = "–"
        if base is not None and (ch & fr).any():
            on_changed = f"{_f(_rate(base['engine'], ch & fr))} → {_f(_rate(r['engine'], ch & fr))}"
        lines.append(
            f"| {name} | {_f(_rate(ch, fr), True)} | {_f(_rate(r['engine'], fr))} | {_f(_rate(r['naive'], fr))} | "
            f"{on_changed} | {_f(_rate(ch, no), True)} | {_f(_rate(r['engine'], no))} | {_f(_rate(r['naive'], no))} |"
        )
    if base is not None:
        lines += [
            "",
            "Which layer an evasion gets past (fraud texts): the share of the rule / indicator evidence ids that fired "
            "on the text as it is and still fire on the evaded text, and how many of the texts where that layer fired "
            "still get some evidence from it (maybe another id). Rules read the normalised text; the indicators "
            "(links, brands, apps, card BINs, phone numbers) read the raw text and, where it holds a traditional "
            "character, a look-alike or full-width letter or a character between two Chinese characters, the "
            "normalised text too (merged on original spans), behind the engine's cheap gate `_MAYBE_INDICATOR` "
            "on both.",
            "",
            "| evasion | rule ids kept | rules still fire | indicator ids kept | indicators still fire |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, r in res.items():
            if name == "none":
                continue
            cells = []
            for src in ("rule", "indicator"):
                before = [base["layer"][src][i] for i in np.flatnonzero(y)]
                after = [r["layer"][src][i] for i in np.flatnonzero(y)]
                n_before = sum(len(x) for x in before)
                kept = sum(len(x & z) for x, z in zip(before, after, strict=True))
                had = [bool(x) for x in before]
                still = sum(1 for h, z in zip(had, after, strict=True) if h and z)
                cells += [_f(kept / n_before if n_before else None), f"{still} of {sum(had)}"]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    g = b["group"]
    head = [f"{s} {'R' if fr else 'FPR'} (n={k})" for s, fr, k in b["groups"]]
    lines += [
        "",
        "Per file, engine / naive (recall on the fraud files, FPR on the normal ones):",
        "",
        "| evasion | " + " | ".join(head) + " |",
        "|---|" + "---:|" * len(head),
    ]
    for name, r in res.items():
        cells = []
        for k in range(len(b["groups"])):
            msk = g == k
            cells.append(f"{_f(_rate(r['engine'], msk))} / {_f(_rate(r['naive'], msk))}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def dump(b: dict[str, Any], res: dict[str, dict[str, Any]], path: Path) -> None:
    base = res["none"]
    with path.open("w", encoding="utf-8") as fh:
        for name, r in res.items():
            if name == "none":
                continue
            for i in np.flatnonzero(b["labels"] & base["engine"] & ~r["engine"]):
                rec = {
                    "evasion": name,
                    "group": b["groups"][b["group"][i]][0],
                    "row": int(i),
                    "fired_before": base["fired"][i],
                    "fired_after": r["fired"][i],
                    "text": b["texts"][i],
                    "evaded": r["texts"][i],
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


BEGIN = "<!-- BEGIN evasion_bench (generated by bench/evasion_bench.py) -->"
END = "<!-- END evasion_bench -->"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="corpus folder (default: settings.data_dir)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=500, help="texts per file and class (default 500: ~1500 + ~1500)")
    ap.add_argument("--quick", action="store_true", help="120 texts per file and class; never writes the docs")
    ap.add_argument("--only", nargs="*", default=None, help="evasion names to run (none always runs)")
    ap.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument(
        "--dump", type=Path, default=None, help="fraud texts lost under an evasion (JSONL, outside the repo)"
    )
    args = ap.parse_args(argv)
    data_dir = args.data or Path(get_settings().data_dir)
    if not all((data_dir / f).exists() for f in DEFAULT_FILES):
        print(f"corpus files missing under {data_dir}; set FANZHA_DATA_DIR or --data", file=sys.stderr)
        return 2
    if args.dump is not None and ROOT in args.dump.resolve().parents:
        print("--dump must point outside the repository (it holds corpus texts)", file=sys.stderr)
        return 2
    n = 120 if args.quick else args.n
    names = list(EVASIONS) if args.only is None else ["none", *[e for e in args.only if e != "none"]]
    unknown = [e for e in names if e not in EVASIONS]
    if unknown:
        print(f"unknown evasions {unknown}; choose from {list(EVASIONS)}", file=sys.stderr)
        return 2

    def say(msg: str) -> None:
        print(msg, flush=True)

    t0 = time.perf_counter()
    b = build(data_dir, args.seed, n, say)
    res = run(b, names, args.seed, say)
    body = [
        f"Run: `python bench/evasion_bench.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, seed "
        f"{args.seed}. Model trained on {b['n_train']} texts (80 % of the corpus + synthetic), naive TF-IDF char 1-3 "
        f"+ LinearSVC on the same {b['n_train_corpus']} corpus texts; screened: {int(b['labels'].sum())} held-out "
        f"fraud and {int((~b['labels']).sum())} held-out normal texts, each rewritten by every evasion. Engine = "
        '`verdict.fraud` at the shipped thresholds; "changed" = share of texts the evasion altered (the others '
        "are screened as they are).",
        "",
        *report(b, res),
    ]
    say("\n".join(body))
    say(f"total {time.perf_counter() - t0:.0f}s")
    if args.dump is not None:
        dump(b, res, args.dump)
    if not args.no_write and not args.quick and args.only is None:
        write_generated_section(args.out, "\n".join([BEGIN, "", *body, "", END]), BEGIN, END, "Engine under evasions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
