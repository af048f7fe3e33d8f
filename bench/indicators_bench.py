"""Benchmark fanzha.indicators: extraction throughput on the research corpora vs naive baselines, and checks/second.

    .venv/bin/python bench/indicators_bench.py [--limit N] [--checks N]

Corpora: settings.data_dir (../shared/data, env FANZHA_DATA_DIR); skipped with a message when absent. No corpus text
is printed or stored: only counts and timings.

Baselines run in the same process on the same texts:
  * naive-regex: one broad regex per kind (URL, phone, card, QQ, WeChat) run on every text, no gating, no validation,
    no context (what one writes first);
  * phonenumbers: phonenumbers.PhoneNumberMatcher(text, "CN") alone (phones only; the library's own matcher).
The ratio printed is baseline time / fanzha time (> 1 means fanzha is faster) together with what each finds, since
a faster extractor that finds rubbish is no use.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path

import phonenumbers
from _common import corpus_files, iter_records

from fanzha.config import get_settings
from fanzha.indicators import check, extract, screening_evidence

NAIVE = {
    "url": re.compile(r"(?:https?://)?(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}(?:/\S*)?"),
    "phone": re.compile(r"(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\b9[56]\d{3}\b|\b1\d{4}\b"),
    "bank_card": re.compile(r"\b\d{16,19}\b"),
    "qq": re.compile(r"(?:QQ|qq|扣扣)[:：\s]*(\d{5,11})"),
    "wechat": re.compile(r"(?:微信|vx|VX|wx)[:：\s号]*([a-zA-Z][-_a-zA-Z0-9]{5,19})"),
}

CHECK_VALUES = [
    "taobao-refund点cc/pay", "www.icbc.com.cn.verify-user.top", "icbc-verify.com", "1cbc.com.cn", "http://аpple.com",
    "www.icbc.com.cn", "https://pay.weixin.qq.com/x", "t.cn/A6xYz9", "http://1.2.3.4:8888/login", "example.com",
    "+86 95533", "95533", "0086 95588", "17012345678", "13812345678", "+63 917 123 4567", "025-96110",
    "6228480402564890018", "6222 0212 3456 7890 123", "123456789", "abc_123x", "腾讯会议", "安心理财",
]  # fmt: skip


# Labelled synthetic texts (written for this benchmark; no corpus text): template, slot values, and the indicators
# each filled text must yield as (group, canonical value). Negatives (dates, times, order numbers, prices, codes,
# ID numbers) are in the templates' fixed parts, so every hit on them is a false positive. The slot values include
# the evasions fanzha was built for (全角, 点, spaced digits, +86 prefixes), so this measures coverage of those
# forms, not accuracy on unseen data.
SYNTH = [
    ("【工商银行】您的账户异常，请于2024-06-01 12:30前登录 {url} 验证，订单号202406011234567890。", "url"),
    ("您好我是京东客服，退款{amt}已受理，请加微信号：{wx} 或致电 {phone}。", "wechat+phone"),
    ("兼职刷单日赚300元，加QQ：{qq}，验证码 8866 勿泄露。", "qq"),
    ("我是公安局民警，请把钱转到安全账户 {card}，户名张三，身份证号110105194912310021。", "card"),
    ("快递理赔请拨打 {phone}，取件码 5-2-1234，共计 1380 元。", "phone"),
    ("下载链接 {url} ，价格 99.5 元，2024年6月1日截止。", "url"),
    ("来电显示 {phone} 的是骗子，请勿轻信。", "phone"),
    ("收款账户：{card}（建设银行），金额 20000 元，流水号 2024060112345678。", "card"),
    ("客服电话（{phone}），请加微信（ID：{wx}）处理，2024-06-01 前有效。", "phone+wechat"),
    ("入群领取福利，群号：{qq}，或加微信號：{wx}", "qq+wechat"),
]
SLOTS = {
    "url": [("taobao-refund点cc/pay", "taobao-refund.cc/pay"), ("ｗｗｗ．ｉｃｂｃ－ｖｅｒｉｆｙ．ｔｏｐ", "www.icbc-verify.top"),
            ("http://192.168.1.10:8080/login", "192.168.1.10:8080/login"), ("jd-tuikuan . com", "jd-tuikuan.com"),
            ("https://t.cn/A6xYz9", "t.cn/A6xYz9"), ("http://abc-pay.top/refund", "abc-pay.top/refund"), ("icbc\u200b.com.cn.verify.top", "icbc.com.cn.verify.top"),
            ("淘宝退款.cn", "xn--pbtq77ab2bm18c.cn"), ("t a o b a o - v i p . c o m", "taobao-vip.com")],
    "phone": [("+86 95533", "+8695533"), ("138 1234 5678", "13812345678"), ("0571-8888 8888", "057188888888"),
              ("400-820-8820", "4008208820"), ("+63 917 123 4567", "+639171234567"), ("１７０１２３４５６７８", "17012345678"),
              ("0086 95588", "+8695588"), ("1 3 8 1 2 3 4 5 6 7 8", "13812345678"),
              ("13912345678", "13912345678"), ("010-12345678", "01012345678"), ("95588", "95588"),
              ("+0086 13812345678", "13812345678"), ("+1 (202) 555-0147", "+12025550147"),
              ("96110-8888", "96110-8888"), ("17312345678", "17312345678")],
    "qq": [("123456789", "123456789"), ("87654321", "87654321"), ("5566778899", "5566778899")],
    "wx": [("abc_123x", "abc_123x"), ("Kefu-8888", "kefu-8888"), ("lucky2024a", "lucky2024a")],
    "card": [("6222 0212 3456 7890 123", "6222021234567890123"), ("6228480402564890018", "6228480402564890018"),
             ("6217-0013-8123-4567", "6217001381234567"), ("4367421234567894", "4367421234567894")],
    "amt": [("3万元", ""), ("八千八", "")],
}  # fmt: skip
GROUP = {
    "url": "url",
    "domain": "url",
    "ip": "url",
    "phone": "phone",
    "bank_card": "bank_card",
    "qq": "qq",
    "wechat": "wechat",
}


def synth_cases(n: int) -> list[tuple[str, set[tuple[str, str]]]]:
    import random

    rng = random.Random(7)
    out = []
    for _ in range(n):
        tpl, _ = rng.choice(SYNTH)
        truth: set[tuple[str, str]] = set()
        text = tpl
        for slot, group in (
            ("url", "url"),
            ("phone", "phone"),
            ("qq", "qq"),
            ("wx", "wechat"),
            ("card", "bank_card"),
            ("amt", ""),
        ):
            key = "{" + slot + "}"
            if key in text:
                raw, norm = rng.choice(SLOTS[slot])
                raw = raw.encode().decode("unicode_escape") if "\\u" in raw else raw
                text = text.replace(key, raw)
                if group:
                    truth.add((group, norm))
        out.append((text, truth))
    return out


def _naive_norm(kind: str, raw: str) -> str:
    from fanzha.indicators import normalize_value

    try:
        return normalize_value({"bank_card": "bank_card", "url": "url"}.get(kind, kind), raw)
    except ValueError:
        return raw


def quality(cases: list[tuple[str, set[tuple[str, str]]]]) -> None:
    def score(name: str, found_fn) -> None:  # type: ignore[no-untyped-def]
        tp = fp = fn = 0
        t0 = time.perf_counter()
        for text, truth in cases:
            found = found_fn(text)
            tp += len(found & truth)
            fp += len(found - truth)
            fn += len(truth - found)
        dt = time.perf_counter() - t0
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:26} precision {p:5.3f}  recall {r:5.3f}  F1 {f1:5.3f}  ({len(cases) / dt:,.0f} texts/s)")

    def fz(text: str) -> set[tuple[str, str]]:
        return {(GROUP[i.kind], i.normalized) for i in extract(text) if i.kind in GROUP}

    def naive(text: str) -> set[tuple[str, str]]:
        return {(k, _naive_norm(k, m.group(m.lastindex or 0))) for k, rx in NAIVE.items() for m in rx.finditer(text)}

    def pn(text: str) -> set[tuple[str, str]]:
        return {("phone", _naive_norm("phone", m.raw_string)) for m in phonenumbers.PhoneNumberMatcher(text, "CN")}

    def phones_only(fn):  # type: ignore[no-untyped-def]
        return lambda text: {x for x in fn(text) if x[0] == "phone"}

    score("fanzha (all kinds)", fz)
    score("naive regex (all kinds)", naive)
    phone_cases = [(t, {x for x in truth if x[0] == "phone"}) for t, truth in cases]
    print("phones only:")
    for name, fn in (("fanzha", phones_only(fz)), ("naive regex", phones_only(naive)), ("PhoneNumberMatcher", pn)):
        tp = fp = fnn = 0
        for text, truth in phone_cases:
            found = fn(text)
            tp, fp, fnn = tp + len(found & truth), fp + len(found - truth), fnn + len(truth - found)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fnn) if tp + fnn else 0.0
        print(f"  {name:24} precision {p:5.3f}  recall {r:5.3f}")


def load(data_dir: Path, limit: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, p in corpus_files(data_dir):
        if not p.exists():
            continue
        texts: list[str] = []
        for rec in iter_records(p):
            texts.append(str(rec.get("text") or ""))
            if limit and len(texts) >= limit:
                break
        out[name] = texts
    return out


SAME_KINDS = {"url", "domain", "ip", "phone", "bank_card", "qq", "wechat"}


def run_fanzha(texts: list[str], kinds: set[str] | None = None) -> tuple[float, Counter[str]]:
    c: Counter[str] = Counter()
    t0 = time.perf_counter()
    for t in texts:
        for ind in extract(t, kinds):
            c[ind.kind] += 1
    return time.perf_counter() - t0, c


def run_naive(texts: list[str]) -> tuple[float, Counter[str]]:
    c: Counter[str] = Counter()
    t0 = time.perf_counter()
    for t in texts:
        for kind, rx in NAIVE.items():
            c[kind] += sum(1 for _ in rx.finditer(t))
    return time.perf_counter() - t0, c


def run_phonenumbers(texts: list[str]) -> tuple[float, int]:
    n = 0
    t0 = time.perf_counter()
    for t in texts:
        n += sum(1 for _ in phonenumbers.PhoneNumberMatcher(t, "CN"))
    return time.perf_counter() - t0, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="at most N texts per corpus file (0 = all)")
    ap.add_argument("--checks", type=int, default=5000, help="number of check() calls to time")
    ap.add_argument("--synth", type=int, default=2000, help="number of labelled synthetic texts")
    args = ap.parse_args()

    extract("warm-up 13812345678 abc.com QQ 12345 转3万元 下载腾讯会议")  # load tldextract, data files, automata
    print("== check() ==")
    vals = (CHECK_VALUES * (args.checks // len(CHECK_VALUES) + 1))[: args.checks]
    t0 = time.perf_counter()
    risky = sum(check(v).risky for v in vals)
    dt = time.perf_counter() - t0
    print(f"{len(vals)} checks in {dt:.2f}s = {len(vals) / dt:,.0f} checks/s ({risky} risky)")

    print("\n== labelled synthetic texts (quality, same run) ==")
    quality(synth_cases(args.synth))

    data_dir = get_settings().data_dir
    corpora = load(data_dir, args.limit)
    if not corpora:
        print(f"\n(corpora not found at {data_dir}: extraction benchmark skipped; set FANZHA_DATA_DIR)")
        return 0
    print("\n== extraction ==")
    header = (
        f"{'corpus':26} {'texts':>6} {'MB':>6} {'fanzha t/s':>10} {'MB/s':>5} {'same-kinds':>10} "
        f"{'naive-rx':>9} {'ratio':>6} {'phonenum':>9} {'ratio':>6}"
    )
    print(header)
    tot_fz = tot_nv = tot_pn = tot_sk = 0.0
    tot_n = 0
    tot_mb = 0.0
    found_fz: Counter[str] = Counter()
    found_nv: Counter[str] = Counter()
    found_pn = 0
    for name, texts in corpora.items():
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        t_fz, c_fz = run_fanzha(texts)
        t_sk, _ = run_fanzha(texts, SAME_KINDS)
        tot_sk += t_sk
        t_nv, c_nv = run_naive(texts)
        t_pn, n_pn = run_phonenumbers(texts)
        found_fz.update(c_fz)
        found_nv.update(c_nv)
        found_pn += n_pn
        tot_fz, tot_nv, tot_pn, tot_n, tot_mb = (
            tot_fz + t_fz,
            tot_nv + t_nv,
            tot_pn + t_pn,
            tot_n + len(texts),
            tot_mb + mb,
        )
        print(
            f"{name:26} {len(texts):6d} {mb:6.2f} {len(texts) / t_fz:10,.0f} {mb / t_fz:5.2f} {len(texts) / t_sk:10,.0f} "
            f"{len(texts) / t_nv:9,.0f} {t_nv / t_sk:6.2f} {len(texts) / t_pn:9,.0f} {t_pn / t_sk:6.2f}"
        )
    print(
        f"{'TOTAL':26} {tot_n:6d} {tot_mb:6.2f} {tot_n / tot_fz:10,.0f} {tot_mb / tot_fz:5.2f} {tot_n / tot_sk:10,.0f} "
        f"{tot_n / tot_nv:9,.0f} {tot_nv / tot_sk:6.2f} {tot_n / tot_pn:9,.0f} {tot_pn / tot_sk:6.2f}"
    )
    print("(t/s = texts per second; fanzha = all kinds incl. amounts and apps; same-kinds = fanzha restricted to the")
    print(" baselines' kinds (url/domain/ip/phone/card/qq/wechat); ratio = baseline seconds / same-kinds seconds,")
    print(" > 1 means fanzha is faster)")
    print("\n== what each finds (counts over all corpora) ==")
    print("fanzha      :", dict(sorted(found_fz.items())))
    print("naive-regex :", dict(sorted(found_nv.items())))
    print("phonenumbers: phones", found_pn)

    print("\n== screening_evidence() ==")
    sample = [t for texts in corpora.values() for t in texts[:2000]]
    t0 = time.perf_counter()
    n_ev = sum(len(screening_evidence(t)) for t in sample)
    dt = time.perf_counter() - t0
    print(f"{len(sample)} texts in {dt:.2f}s = {len(sample) / dt:,.0f} texts/s ({n_ev} evidence items)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
