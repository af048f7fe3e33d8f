"""``check`` (one value -> CheckResult) and ``screening_evidence`` (a text -> Evidence for the screening engine).

Both run the same analysers (fanzha.indicators.analysis) on the same canonical values, so a citizen checking a
link, the screening engine reading an SMS, case intake and the bank counter get the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

from fanzha.domain import Evidence
from fanzha.indicators.analysis import ANALYSERS, Analysis, analyse_card, signal
from fanzha.indicators.fold import Folded, fold
from fanzha.indicators.model import CHECK_KINDS, CheckResult, Indicator
from fanzha.indicators.normalizers import detect_kind, normalize_value
from fanzha.indicators.official import Brand, brands
from fanzha.indicators.recognizers import REGISTRY, Scan, extract
from fanzha.text import Normalized, normalize
from fanzha.text.normalize import has_traditional

MAX_VALUE_CHARS = 2048


def _analyse(kind: str, value: str) -> Analysis:
    return ANALYSERS[kind](value)


@lru_cache(maxsize=8192)
def _analyse_cached(kind: str, normalized: str) -> Analysis:
    return _analyse(kind, normalized)


def _result(a: Analysis, value: str) -> CheckResult:
    risk = a.risk
    reasons = [f.why for f in a.findings]
    if not reasons:
        reasons = ["离线未发现风险信号（不代表一定安全）"]
    details: dict[str, Any] = dict(a.details)
    details["signals"] = [{"id": f.id, "level": f.level, "weight": f.weight} for f in a.findings]
    details["official_value"] = a.official
    evidence = [
        Evidence(source="indicator", id=f.id, weight=f.weight, why=f.why, matched=value[:200], typology=f.typology)
        for f in a.findings
    ]
    return CheckResult(
        kind=a.kind,
        normalized=a.normalized,
        risky=risk in ("high", "medium"),
        risk=risk,
        reasons=reasons,
        details=details,
        evidence=evidence,
    )


def check(value: str, kind: str | None = None, *, claimed_bank: str | None = None) -> CheckResult:
    """Check one indicator value offline. ``kind`` is detected when omitted.

    Raises ValueError on an empty / oversized value, an unknown kind, or a value that is not of the kind.
    """
    if not isinstance(value, str):
        raise ValueError("value must be a string")
    value = value.strip()
    if not value:
        raise ValueError("empty value")
    if len(value) > MAX_VALUE_CHARS:
        raise ValueError(f"value longer than {MAX_VALUE_CHARS} characters")
    explicit = kind not in (None, "auto")
    if kind is None or kind == "auto":
        kind = detect_kind(value)
        if kind is None:
            raise ValueError(
                "cannot tell what kind of indicator this is; give kind = url|phone|bank_card|qq|wechat|alipay|app"
            )
    if kind not in CHECK_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(CHECK_KINDS)}")
    normalized = normalize_value(kind, value)  # raises ValueError when the value is not of that kind
    if kind == "bank_card":
        a = analyse_card(value, claimed_bank)
    else:
        a = _analyse(kind, value)
    if kind in ("url", "domain", "ip") and explicit:  # report the kind that was asked for (a domain check of a URL)
        a.kind, a.normalized = kind, normalized
    return _result(a, value)


MAX_BATCH = 1000


def check_item(item: object) -> dict[str, Any]:
    """One JSONL / API batch item {"id", "value", "kind"?, "claimed_bank"?} -> its record, or {"id", "error"}.

    The single place where an item is validated and checked (used by ``fanzha check --input`` and the API).
    """
    if not isinstance(item, dict):
        return {"id": None, "error": "expected a JSON object with a 'value'"}
    id_ = item.get("id")
    if id_ is not None and not isinstance(id_, (str, int)):
        id_ = str(id_)
    value = item.get("value")
    kind = item.get("kind")
    claimed = item.get("claimed_bank")
    if not isinstance(value, str):
        return {"id": id_, "error": "'value' must be a string"}
    if kind is not None and not isinstance(kind, str):
        return {"id": id_, "error": "'kind' must be a string"}
    if claimed is not None and not isinstance(claimed, str):
        return {"id": id_, "error": "'claimed_bank' must be a string"}
    try:
        return check(value, kind or None, claimed_bank=claimed).to_record(id_)
    except ValueError as exc:
        return {"id": id_, "error": str(exc)}


# ---------------------------------------------------------------- screening

_CLAIMS_OFFICIAL = re.compile(
    r"公安|警察|警官|民警|派出所|刑警|检察|法院|反诈中心|网警|银行|银保监|金融监管|人民银行|征信中心|工作人员|官方客服"
)
_EVIDENCE_KINDS = frozenset(ANALYSERS)
_BANK_OWNER = re.compile(r"银行")


@lru_cache(maxsize=1)
def _brand_names() -> tuple[re.Pattern[str], dict[str, Brand]]:
    """How texts name the organisations of official_domains.yaml (【建设银行】, 京东客服 ...) -> the brand."""
    index: dict[str, Brand] = {}
    for b in brands():
        for n in b.names:
            index.setdefault(n.lower(), b)
    parts = [
        rf"(?<![0-9a-z]){re.escape(n)}(?![0-9a-z])" if n.isascii() else re.escape(n)  # 5173 not inside 13851730000
        for n in sorted(index, key=len, reverse=True)
    ]
    rx = re.compile("|".join(parts), re.IGNORECASE)
    return rx, index


@lru_cache(maxsize=1)
def _brand_automaton() -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for name in _brand_names()[1]:
        auto.add_word(name, len(name))
    auto.make_automaton()
    return auto


# characters whose case-insensitive matching is NOT plain lower-case equality (cased letters outside ASCII: full-width
# Ａ, Greek, the Kelvin sign ...): texts holding one take the plain regex scan
_IRREGULAR_CASE = re.compile(
    r"[^\x00-\x7f\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff20\uff3b-\uff40\uff5b-\uffef]"
)


def _brand_matches(text: str) -> Iterator[tuple[int, int, Brand]]:
    """(start, end, brand) of the organisations the text names: ``_brand_names()``'s regex matches (finditer, leftmost,
    longest name first, ASCII names on word boundaries).

    The regex (60+ alternatives, case-insensitive) costs ~50 µs per message when run over every position; here it is
    only tried where a name occurs at all (one Aho-Corasick pass over the lower-cased text), in the same order, so
    the matches are exactly those of ``finditer``."""
    name_rx, name_index = _brand_names()
    if _IRREGULAR_CASE.search(text):
        for it in name_rx.finditer(text):
            yield it.start(), it.end(), name_index[it.group().lower()]
        return
    starts = sorted({end - n + 1 for end, n in _brand_automaton().iter(text.lower())})
    pos = 0
    for s in starts:
        if s < pos:
            continue
        m = name_rx.match(text, s)
        if m:
            yield m.start(), m.end(), name_index[m.group().lower()]
            pos = m.end()


def _claimed_brands(text: str) -> set[Brand]:
    """The organisations the text names (``_brand_matches``)."""
    return {b for _, _, b in _brand_matches(text)}


def _ev(f_id: str, why: str, ind: Indicator, typology: str | None = None) -> Evidence:
    """Evidence for signal ``f_id`` (weight from data/signals.yaml) on indicator ``ind``."""
    w = signal(f_id).weight
    return Evidence(source="indicator", id=f_id, span=ind.span, weight=w, why=why, matched=ind.raw, typology=typology)


@lru_cache(maxsize=1)
def _screen_share_feature() -> re.Pattern[str]:
    from fanzha.indicators.official import apps_data

    words = sorted((str(w).lower() for w in apps_data().get("screen_share_feature", [])), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words) or r"(?!)")


# signals that say the same thing: shown each time, counted once for the family
_FAMILY = {"SCREEN_SHARE_REQUESTED": "APP_SCREEN_SHARE"}


# kinds whose recognizers can re-read the same value: a URL found as a domain in the other reading is the same link
_LINKS = frozenset({"url", "domain", "ip"})
_EVASION_HINT = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\uff21-\uff3a\uff41-\uff5a]"  # Greek / Cyrillic look-alikes, full-width letters
    r"|[\u3400-\u9fff][^\w\u3001-\u303f\uff01-\uff0f\uff1a-\uff1f,.!?;:()\[\]\"'<>\n\r-]{1,4}[\u3400-\u9fff]"
)  # ... or anything but punctuation between two Chinese characters: 建 设, 钉😀钉, 转★账
# punctuation a disguise never puts inside a name: a brand / app / context word found in the normalised text across
# one of these (施工，行业 -> 施工行业 holds 工行) is two words, not a name spaced out
_SENTENCE_PUNCT = re.compile(r"[，。！？；：、,!?;:\n\r“”\"「」『』（）()【】\[\]《》]")


# letters normalisation turns into Latin ones (fanzha.text.normalize._HOMOGLYPHS): only with one of them can the
# normalised text hold a link the raw reading missed (full-width, 。/点 dots and invisible characters it reads itself)
_LOOKALIKE = re.compile("[\u0370-\u03ff\u0400-\u052f\u0131\u0237\u0142\u00f8\u0111]")
# The normalised reading runs the recognizers that find something new there: Alipay (支付寶), bank cards (the context
# words around them: 建 设 银 行, 轉賬到) and apps (釘釘, 腾 讯 会 议), links only with look-alike letters. Not the
# others: the raw reading already joins spaced digits and reads 幺三八 (phones), QQ / WeChat ids carry no positive
# signal worth a second pass, and the normalised phone reading added 4 signals in 13 200 evaded benchmark texts
# for a tenth of the indicator time.
_NORMALISED_RECOGNIZERS = tuple(r for r in REGISTRY if r.name in ("alipay", "bank_card", "app"))
_NORMALISED_WITH_LINKS = tuple(r for r in REGISTRY if r.name in ("alipay", "url", "bank_card", "app"))


def _extract_normalised(ntext: str, *, with_links: bool) -> list[Indicator]:
    """The evidence kinds of the selected recognizers in the normalised text (already lower-case and half-width,
    invisible characters dropped: no fold needed), in registry order."""
    scan = Scan(Folded(ntext, ntext, None))
    for rec in _NORMALISED_WITH_LINKS if with_links else _NORMALISED_RECOGNIZERS:
        if rec.gate(ntext):
            rec.run(scan)
    return sorted(scan.out, key=lambda i: (i.span[0], i.span[1]))


def _same_value_kind(a: str, b: str) -> bool:
    return a == b or (a in _LINKS and b in _LINKS)


def _normalised_reading(text: str, n: Normalized, raw: list[Indicator]) -> list[tuple[Indicator, Indicator | None]]:
    """The indicators of the normalised text (繁->简, full-width, spaces / emoji inside words dropped, look-alike
    letters fixed), on ORIGINAL spans: ``(ind, None)`` for one the raw reading missed, ``(ind, r)`` for a re-reading
    of the raw indicator ``r`` (same kind, overlapping span), whose context (the bank or payee words around a card,
    written in 繁体 or spaced out) may say more. A normalised indicator overlapping a raw one of another kind is
    dropped: the raw reading claimed that span (raw characters decide: +86, brackets, 淘宝退款.cn, URL case)."""
    out: list[tuple[Indicator, Indicator | None]] = []
    for ind in _extract_normalised(n.text, with_links=_LOOKALIKE.search(text) is not None):
        s, e = n.to_original(*ind.span)
        over = [r for r in raw if r.span[0] < e and s < r.span[1]]
        if over:
            same = next((r for r in over if _same_value_kind(r.kind, ind.kind)), None)
            if same is not None and len(over) == 1:
                out.append((ind, same))
            continue
        if ind.kind == "app" and _SENTENCE_PUNCT.search(text, s, e):
            continue  # 钉，钉: not a name written with a space or an emoji inside
        out.append((replace(ind, raw=text[s:e], span=(s, e), why=ind.why + "（规范化文本）"), None))
    return out


def _names_in(text: str) -> set[str]:
    auto = _brand_automaton()
    return {text[end - k + 1 : end + 1] for end, k in auto.iter(text)}


def _claimed_in_normalised(n: Normalized) -> set[Brand]:
    """The brands the normalised text names (建設銀行, 建 设 银 行), each written without sentence punctuation inside;
    nothing when it holds no name the raw text does not (one automaton pass each: the usual case)."""
    out: set[Brand] = set()
    if _names_in(n.text) <= _names_in(n.original.lower()):
        return out
    for s, e, b in _brand_matches(n.text):
        if b not in out:
            os_, oe = n.to_original(s, e)
            if not _SENTENCE_PUNCT.search(n.original, os_, oe):
                out.add(b)
    return out


def screening_evidence(text: str | Normalized) -> list[Evidence]:
    """Evidence from the indicators in ``text`` for the screening engine (source="indicator", spans in the original
    text).

    Lookalike links, spoofed / foreign / MVNO numbers, screen-share apps, card BINs that contradict the bank the text
    names, mobile numbers presented as police or bank lines. Official links weigh negatively; official numbers weigh 0
    (scripts quote them too).

    Evasions: the indicators are read twice, in the raw text (fanzha.indicators.fold: full-width, case, invisible
    characters) and in the normalised text (fanzha.text.normalize: also 繁->简, spaces / emoji inside words dropped,
    look-alike letters fixed, V信 -> 微信), and merged on original spans (raw first). Pass the ``Normalized`` of the
    text when there is one (the engine does); a plain string is normalised here.
    """
    if isinstance(text, Normalized):
        n: Normalized | None = text
        text = text.original
    else:
        n = None
    if not text:
        return []
    # the second reading only where normalisation can change what the recognizers see (繁体, look-alike or
    # full-width letters, spaces / emoji between Chinese characters): elsewhere it finds what the raw one does
    if not (_EVASION_HINT.search(text) or has_traditional(text)):
        n = None
    elif n is None:
        n = normalize(text)
    out: list[Evidence] = []
    seen: set[tuple[str, tuple[int, int]]] = set()
    inds = extract(text, set(_EVIDENCE_KINDS))
    extra = _normalised_reading(text, n, inds) if n is not None else []
    claims = _CLAIMS_OFFICIAL.search(text) or (_CLAIMS_OFFICIAL.search(n.text) if n is not None else None)

    fired: set[str] = set()

    def add(ev: Evidence) -> None:
        key = (ev.id, ev.span or (0, 0))
        if key in seen:
            return
        seen.add(key)
        family = _FAMILY.get(ev.id, ev.id)
        if family in fired and ev.weight > 0:  # the same signal twice is shown, but counted once
            ev = ev.model_copy(update={"weight": 0.0, "why": ev.why + "（重复出现，只计一次）"})
        fired.add(family)
        out.append(ev)

    # (indicator analysed, indicator the evidence is shown on, re-reading of a raw indicator) in text order
    items: list[tuple[Indicator, Indicator, bool]] = [(i, i, False) for i in inds]
    items += [(i, r or i, r is not None) for i, r in extra]
    items.sort(key=lambda it: (it[1].span, it[2]))
    claimed: set[Brand] = set()
    if any(it[0].kind in _LINKS or it[0].kind == "phone" for it in items):  # the only kinds that ask for the brand
        claimed = _claimed_brands(text) | (_claimed_in_normalised(n) if n is not None else set())
    official: dict[int, bool] = {}  # id(raw indicator) -> its analysis says official

    for ind, at, reread in items:
        ctx = ind.context or {}
        try:
            if ind.kind == "bank_card":
                a = analyse_card(ind.normalized, ctx.get("claimed_bank"))
            else:
                a = _analyse_cached(ind.kind, ind.normalized)
        except ValueError:
            continue
        if not reread:
            official[id(at)] = a.official
        elif official.get(id(at)) != a.official:
            continue  # the two readings disagree on what the value is (іcbc.com.cn is not icbc.com.cn): raw decides
        found: list[Evidence] = []
        for f in a.findings:
            if f.weight == 0:
                continue
            if f.id in ("CARD_LUHN_FAIL", "CARD_BAD_LENGTH", "PHONE_UNRECOGNISED"):
                continue  # typos in a message are not fraud evidence
            found.append(_ev(f.id, f.why, at, f.typology))
        if ind.kind in ("url", "domain", "ip") and claimed and not a.official and not a.details.get("short_link"):
            imitated = (a.details.get("imitates") or {}).get("brand")
            others = sorted((b for b in claimed if b.brand != imitated), key=lambda b: b.brand)
            if others and imitated is None:
                b = others[0]
                found.append(_ev("URL_CLAIMED_BRAND_NOT_OFFICIAL", f"文中以{b.brand}的名义发链接，但 {a.details.get('host', ind.normalized)} 不是其官方域名（{b.domains[0]}）",
                                 at))  # fmt: skip
        if ind.kind == "phone" and a.official and claimed:
            owner = (a.details.get("official") or {}).get("owner", "")
            banks = [b for b in claimed if b.category == "bank"]
            if (
                banks
                and _BANK_OWNER.search(owner)
                and not any(b.brand in owner or any(nm in owner for nm in b.names) for b in banks)
            ):
                found.append(_ev("PHONE_OFFICIAL_OWNER_MISMATCH", f"文中自称{banks[0].brand}，给出的 {ind.normalized} 却是{owner}的号码", at))  # fmt: skip
        if ind.kind == "phone" and claims and ctx.get("category") == "mobile" and not a.official:
            found.append(_ev("PHONE_MOBILE_CLAIMS_OFFICIAL", f"自称{claims.group()}却留普通手机号：公安、银行不会用私人手机联系",
                             at))  # fmt: skip
        if ind.kind == "bank_card" and ctx.get("role") == "payee":
            found.append(_ev("CARD_PAYEE", "要求向该银行卡转账", at))
        if ind.kind == "alipay" and ctx.get("role") == "payee":
            found.append(_ev("ALIPAY_PAYEE", "要求向个人支付宝账户付款", at))
        for ev in found:
            if not reread or ev.weight > 0:  # a re-reading only adds risk signals the raw reading missed
                add(ev)
    # 屏幕共享 is a feature, not an app: evidence from the words themselves (raw text, then the normalised text for
    # 屏 幕 共 享 / 螢幕共享 / 屏★幕共享)
    shares: list[tuple[int, int]] = []
    if "屏" in text or "共享" in text:
        folded = fold(text)
        shares = [folded.span(*m.span()) for m in _screen_share_feature().finditer(folded.text)]
    if n is not None and ("屏" in n.text or "共享" in n.text):
        for m in _screen_share_feature().finditer(n.text):
            s, e = n.to_original(*m.span())
            if not any(a < e and s < b for a, b in shares) and not _SENTENCE_PUNCT.search(text, s, e):
                shares.append((s, e))
    sig = signal("SCREEN_SHARE_REQUESTED")
    for span in shares:
        add(Evidence(source="indicator", id="SCREEN_SHARE_REQUESTED", span=span, weight=sig.weight,
                     why="要求开启屏幕共享：对方能看到验证码、银行卡余额和密码", matched=text[span[0] : span[1]]))  # fmt: skip
    return out


# the screening engine passes the text's Normalized (it has one already) instead of the string
screening_evidence.takes_normalized = True  # type: ignore[attr-defined]
