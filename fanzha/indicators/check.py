"""``check`` (one value -> CheckResult) and ``screening_evidence`` (a text -> Evidence for the screening engine).

Both run the same analysers (fanzha.indicators.analysis) on the same canonical values, so a citizen checking a
link, the screening engine reading an SMS, case intake and the bank counter get the same answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from fanzha.domain import Evidence
from fanzha.indicators.analysis import ANALYSERS, Analysis, analyse_card, signal
from fanzha.indicators.fold import fold
from fanzha.indicators.model import CHECK_KINDS, CheckResult, Indicator
from fanzha.indicators.normalizers import detect_kind, normalize_value
from fanzha.indicators.official import Brand, brands
from fanzha.indicators.recognizers import extract

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
_IRREGULAR_CASE = re.compile(r"[^\x00-\x7f\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff20\uff3b-\uff40\uff5b-\uffef]")


def _claimed_brands(text: str) -> set[Brand]:
    """The organisations the text names: the brands of ``_brand_names()``'s regex matches (finditer, leftmost,
    longest name first, ASCII names on word boundaries).

    The regex (60+ alternatives, case-insensitive) costs ~50 µs per message when run over every position; here it is
    only tried where a name occurs at all (one Aho-Corasick pass over the lower-cased text), in the same order, so
    the matches are exactly those of ``finditer``."""
    name_rx, name_index = _brand_names()
    if _IRREGULAR_CASE.search(text):
        return {name_index[m.group().lower()] for m in name_rx.finditer(text)}
    starts = sorted({end - n + 1 for end, n in _brand_automaton().iter(text.lower())})
    out: set[Brand] = set()
    pos = 0
    for s in starts:
        if s < pos:
            continue
        m = name_rx.match(text, s)
        if m:
            out.add(name_index[m.group().lower()])
            pos = m.end()
    return out


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


def screening_evidence(text: str) -> list[Evidence]:
    """Evidence from the indicators in ``text`` for the screening engine (source="indicator", spans in ``text``).

    Lookalike links, spoofed / foreign / MVNO numbers, screen-share apps, card BINs that contradict the bank the text
    names, mobile numbers presented as police or bank lines. Official links weigh negatively; official numbers weigh 0
    (scripts quote them too).
    """
    if not text:
        return []
    out: list[Evidence] = []
    seen: set[tuple[str, tuple[int, int]]] = set()
    inds = extract(text, set(_EVIDENCE_KINDS))
    claims = _CLAIMS_OFFICIAL.search(text)

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

    claimed = _claimed_brands(text) if inds else set()

    for ind in inds:
        ctx = ind.context or {}
        try:
            if ind.kind == "bank_card":
                a = analyse_card(ind.normalized, ctx.get("claimed_bank"))
            else:
                a = _analyse_cached(ind.kind, ind.normalized)
        except ValueError:
            continue
        for f in a.findings:
            if f.weight == 0:
                continue
            if f.id in ("CARD_LUHN_FAIL", "CARD_BAD_LENGTH", "PHONE_UNRECOGNISED"):
                continue  # typos in a message are not fraud evidence
            add(_ev(f.id, f.why, ind, f.typology))
        if ind.kind in ("url", "domain", "ip") and claimed and not a.official and not a.details.get("short_link"):
            imitated = (a.details.get("imitates") or {}).get("brand")
            others = sorted((b for b in claimed if b.brand != imitated), key=lambda b: b.brand)
            if others and imitated is None:
                b = others[0]
                add(_ev("URL_CLAIMED_BRAND_NOT_OFFICIAL", f"文中以{b.brand}的名义发链接，但 {a.details.get('host', ind.normalized)} 不是其官方域名（{b.domains[0]}）",
                        ind))  # fmt: skip
        if ind.kind == "phone" and a.official and claimed:
            owner = (a.details.get("official") or {}).get("owner", "")
            banks = [b for b in claimed if b.category == "bank"]
            if (
                banks
                and _BANK_OWNER.search(owner)
                and not any(b.brand in owner or any(n in owner for n in b.names) for b in banks)
            ):
                add(_ev("PHONE_OFFICIAL_OWNER_MISMATCH", f"文中自称{banks[0].brand}，给出的 {ind.normalized} 却是{owner}的号码", ind))  # fmt: skip
        if ind.kind == "phone" and claims and ctx.get("category") == "mobile" and not a.official:
            add(_ev("PHONE_MOBILE_CLAIMS_OFFICIAL", f"自称{claims.group()}却留普通手机号：公安、银行不会用私人手机联系",
                    ind))  # fmt: skip
        if ind.kind == "bank_card" and ctx.get("role") == "payee":
            add(_ev("CARD_PAYEE", "要求向该银行卡转账", ind))
        if ind.kind == "alipay" and ctx.get("role") == "payee":
            add(_ev("ALIPAY_PAYEE", "要求向个人支付宝账户付款", ind))
    if "屏" in text or "共享" in text:  # 屏幕共享 is a feature, not an app: evidence from the words themselves
        folded = fold(text)
        for m in _screen_share_feature().finditer(folded.text):
            span = folded.span(*m.span())
            sig = signal("SCREEN_SHARE_REQUESTED")
            add(Evidence(source="indicator", id="SCREEN_SHARE_REQUESTED", span=span, weight=sig.weight,
                         why="要求开启屏幕共享：对方能看到验证码、银行卡余额和密码", matched=text[span[0] : span[1]]))  # fmt: skip
    return out
