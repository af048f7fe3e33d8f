"""The screening engine: normalise -> one Aho-Corasick pass -> rules + context + model + indicators -> one Verdict.

Combination (parameters in fanzha/screen/config.yaml, overridable per deployment)::

    R = min(Σ_fraud groups min(Σ rule weights of the group, group max_score), max_rule_score)
        (a rule fired only by negated keywords keeps negation_factor of its weight; absorbed parts count 0)
    M = clip(logit(P_model(fraud)), ±model_logit_clip), a positive M scaled by min(1, chars / model_min_chars)
        (0 and bias_without_model when no model is installed); its weight is `model` when M > 0 and
        `model_negative` (small) when M < 0: a model trained on a few corpora may lower weak rule evidence on types it
        never saw, but not veto a strong rule
    I = clip(Σ indicator evidence weights, ±max_indicator_score)
    C = min(Σ context penalties, max_context_penalty)
    score = sigmoid(bias + rule·R + model(±)·M + indicator·I − context·C)

risk: score ≥ high / medium / low thresholds (risk "high" also needs R ≥ high_needs_support or indicator evidence: never
the model alone); fraud: score ≥ thresholds.fraud. A text is "illegal" when its capped illegal-rule score reaches
thresholds.illegal and exceeds its fraud rule score by illegal_margin (unless the score is already high), "spam" when it is not fraud
and its spam score reaches thresholds.spam (or the model says so), "normal" otherwise. Illegal / spam verdicts are not
fraud (score kept below thresholds.fraud; illegal content is at least risk "low").
Type of a fraud verdict (fanzha.screen.typology.choose_type): argmax_t R_t + model_type_bonus·P_model(t), R_t the capped
score of typology t's own rules (negated hits excluded); the model votes when P(fraud) ≥ type_model_min_fraud (or no typology rule fired) and its
type is not 其他; typologies with a composite or a rule hit of weight ≥ type_strong_rule are preferred (bench/typology_eval.py).

Context (fanzha.screen.context): keywords inside negation / "described, not requested" scopes switch their rules off
(negation_factor), and warning / news / official-sender-asking-nothing framing adds the penalty C.
Long inputs: one pass over the whole text; every evidence carries its 0-based line (Evidence.line) when the text has
several lines, at most max_evidence_per_rule lines per rule.

Speed (``screen_many``, one core). A batch goes stage by stage: per text normalise -> one Aho-Corasick pass ->
negation scopes -> rules -> context; indicators only behind the cheap gate (app keyword hit, or _MAYBE_INDICATOR);
the model once over the batch WITHOUT explanations; the verdicts; then explanations only for the verdicts above
"none" that no rule or indicator explains, appended to the verdict already built (``_with_explanation``; rebuilt
when the explained output scores differently). What makes it cheaper than the straightforward loop, without changing
a verdict: Evidence / Verdict built without re-validation (``trusted``: values computed here, of the field types);
no cyclic-GC walks over the growing batch (``_gc_paused``); enum values and config lookups hoisted out of the per-text
path; rule candidates tried in a precomputed id rank; co-occurrence windows of one hit per term computed directly;
single-line rule evidence without per-line bookkeeping; the indicators' brand regex only where a name occurs.
Shortcuts NOT taken, measured on the corpora: a "normalised text == original" path (0.3 % of messages: Chinese
punctuation is always dropped) and a "nothing fired" path (72-77 % of messages fire at least one rule, ordinary ads
and notices included).
Where the time goes (CPU µs per message, corpus mix, steady state, after these changes): normalise ~30, keyword
pass ~25 (11 of them inside pyahocorasick), rules + context ~28, indicators ~15-25, model ~27 (numpy features) + ~8
for explanations, verdict ~22. The C-level parts alone (model featurizer, automaton pass, str.translate, regex
splits) take ~35-40 µs, more than the ~27-30 µs per message that 5x the naive TF-IDF + LinearSVC pipeline allows
here: that target needs compiled code for the normaliser and the keyword pass, not more Python shortcuts.
Equivalence: bench/screen_equivalence.py, tests/screen/test_fastpath.py.
"""

from __future__ import annotations

import gc
import logging
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from fanzha.domain import Category, Evidence, Risk, Typology, Verdict
from fanzha.screen import context as ctxmod
from fanzha.screen.advice import advice_for
from fanzha.screen.model_api import ModelOutput, ScreeningModel
from fanzha.screen.rules import RuleHit, RuleSet, configured_dirs, default_ruleset
from fanzha.screen.typology import choose_type
from fanzha.text import Normalized, normalize

log = logging.getLogger(__name__)

# a text can hold a link, number or account id only if it has one of these (cheap gate before the indicator pass)
_MAYBE_INDICATOR = re.compile(
    r"[0-9０-９]{5,}|\d{3,4}[\s-]\d{4}|[A-Za-z][A-Za-z0-9_-]{3,}[0-9]|[A-Za-z0-9-]\s*[.。．]\s*[A-Za-z]{2}|\d{1,3}\.\d{1,3}\.\d"
    r"|https?|www|@|[A-Za-z]{2,}\s*[:：/]"
)
# enum values looked up once (``Enum.value`` is a Python-level property: slow in a per-text loop)
_FRAUD = Category.FRAUD.value
_OTHER = Typology.OTHER.value
KINDS = ("auto", "sms", "chat", "call", "dialogue", "narrative", "email")
MODEL_BATCH = 512


class ScreenInputError(ValueError):
    """The text cannot be screened (empty, too long, not a string, unknown kind)."""


class TextTooLongError(ScreenInputError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"text too long: {length} characters, the limit is {limit} (settings.max_text_chars)")
        self.length = length
        self.limit = limit


class EmptyTextError(ScreenInputError):
    def __init__(self) -> None:
        super().__init__("empty text: nothing to screen")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _logit(p: float, clip: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return max(-clip, min(clip, math.log(p / (1 - p))))


# A victim telling what happened to them: "我被骗了", "我又转了三千", "才发现", "上当" (not "别上当" / "谨防被骗", not
# "您被骗的钱已追回" said to the victim, and not 报警 / 损失 alone: a scam script says 为避免损失 and 不要报警 too)
_VICTIM_STORY = re.compile(
    r"(?<!别)(?<!勿)(?<!不要)(?<!防止)(?<!谨防)(?<!以免)(?<!避免)(?<!不会)(?<!您)(?<!你)(?:被骗|受骗|上当)"
    r"|骗了我|骗走|我(?:又|先后|前后|一共|陆续|总共)(?:转|付|交|汇|打|充)了|把我拉黑|拉黑了我|联系不上"
    r"|才(?:发现|知道|意识到|反应过来|觉得不对)"
)


def _victim_story(text: str) -> bool:
    return text.count("我") >= 2 and _VICTIM_STORY.search(text) is not None


# An e-mail or a letter-like notice: its first line is a subject ("主题：…", "Subject: …") or a salutation alone on its
# line ("各位居民：", "尊敬的客户：") — a chat's speaker label is followed by what the speaker says
_LETTER_HEAD = re.compile(r"\s*(?:(?:主题|标题|邮件主题|subject)\s*[:：]|[^:：\n]{1,24}[:：]\s*$)", re.IGNORECASE)


def detect_kind(text: str) -> str:
    """sms, chat, email, dialogue or narrative, from the shape of the text: an e-mail or notice opens with a subject
    line or a salutation alone on its line; otherwise three or more lines are a dialogue; a victim's
    first-person account of a scam (我…被骗 / 我又转了 / 才发现) of one or two lines is a narrative, so what the scammer
    told them counts as evidence and is not discounted as reported speech; a long text in the first person is a
    narrative; anything else short is an sms."""
    if "\n" not in text and "\r" not in text:
        if len(text) > 300:
            return "narrative" if "我" in text else "chat"
        return "narrative" if _victim_story(text) else "sms"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if _LETTER_HEAD.match(lines[0] if lines else ""):
        return "email"
    if len(lines) >= 3:
        return "dialogue"
    if len(text) > 300 or _victim_story(text):
        return "narrative" if "我" in text else "chat"
    return "sms"


class _Prepared(NamedTuple):  # a tuple: built once per text, ~3x cheaper than a frozen dataclass
    text: str
    kind: str
    n: Normalized
    hits: list[RuleHit]
    ctx: ctxmod.ContextAnalysis
    app_hit: bool  # a screen-share / app / download keyword was hit (the indicator gate)


def _load_model() -> ScreeningModel | None:
    try:
        from fanzha.screen.model import load_model
    except ImportError as exc:
        log.info("no screening model module (%s): rules + indicators only", exc)
        return None
    try:
        return load_model()
    except Exception as exc:  # a broken artifact must not take screening down
        log.warning("screening model could not be loaded, using rules + indicators only: %s", exc)
        return None


def _load_indicators() -> Callable[[str], list[Evidence]] | None:
    try:
        from fanzha.indicators import screening_evidence
    except ImportError:
        return None
    return screening_evidence


class Engine:
    """Rules + context + model + indicators. Build once (``get_engine()``), screen many texts."""

    def __init__(
        self,
        ruleset: RuleSet,
        model: ScreeningModel | None = None,
        indicators: Callable[[str], list[Evidence]] | None = None,
        *,
        max_chars: int | None = None,
    ) -> None:
        if max_chars is None:
            from fanzha.config import get_settings

            max_chars = get_settings().max_text_chars
        self.ruleset = ruleset
        self.model = model
        self.indicators = indicators
        self.max_chars = max_chars
        self.config = ruleset.config
        cues = [ruleset.concept_id(f"ctx.{c}") for c in ctxmod.load_cues()]
        self._cue_ids = frozenset(c for c in cues if c is not None)
        apps = [ruleset.concept_id(c) for c in ("SCREEN_SHARE", "APP_WORD", "DOWNLOAD")]
        self._app_ids = frozenset(c for c in apps if c is not None)
        self._negation_scope = ctxmod.negation_reach(ruleset)

    # ------------------------------------------------------------------------------------------------ validation
    def check_text(self, text: object, kind: str = "auto") -> str:
        if not isinstance(text, str):
            raise ScreenInputError(f"text must be a string, not {type(text).__name__}")
        if kind not in KINDS:
            raise ScreenInputError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        if len(text) > self.max_chars:
            raise TextTooLongError(len(text), self.max_chars)
        if not text or text.isspace():  # = not text.strip(), without the copy
            raise EmptyTextError()
        return text

    # ------------------------------------------------------------------------------------------------ pipeline
    def _prepare(self, text: str, kind: str) -> _Prepared:
        self.check_text(text, kind)
        real_kind = detect_kind(text) if kind == "auto" else kind
        n = normalize(text)
        rs = self.ruleset
        scan = rs.scan(n)
        sc = ctxmod.scopes_of(scan, rs, self._negation_scope, kind=real_kind)
        unneg = ctxmod.negated_scan(scan, sc.all, self._cue_ids) if sc.all else None
        undesc = unneg if sc.described == sc.all else ctxmod.negated_scan(scan, sc.described, self._cue_ids)
        hits = rs.match(n, scan, unnegated=unneg, undescribed=undesc)
        ctx = ctxmod.analyse(scan, rs, sc.all, kind=real_kind, document=sc.document)
        return _Prepared(text, real_kind, n, hits, ctx, not self._app_ids.isdisjoint(scan.hits))

    def rule_hits(self, text: str, kind: str = "auto") -> list[RuleHit]:
        """The rule hits of ``text`` after context (negation scopes), as the engine sees them."""
        return self._prepare(text, kind).hits

    def screen(self, text: str, kind: str = "auto") -> Verdict:
        return self.screen_many([text], kind, explain_all=True)[0]

    def screen_many(self, texts: Sequence[str], kind: str = "auto", *, explain_all: bool = False) -> list[Verdict]:
        """Screen a batch; raises ScreenInputError on the first bad text.

        The model scores the whole batch without explanations (fast), then adds its strongest n-grams as evidence
        for the verdicts above "none" that no rule or indicator explains (``explain_all``: for every verdict above
        "none"; ``screen()`` of one text always does). Indicators run only on texts that can hold one.
        """
        with _gc_paused():
            return self._screen_many(texts, kind, explain_all)

    def _screen_many(self, texts: Sequence[str], kind: str, explain_all: bool) -> list[Verdict]:
        prepared = [self._prepare(t, kind) for t in texts]
        inds = [self._indicator_evidence(p) for p in prepared]
        outputs = self._model_outputs([p.n.text for p in prepared], explain=False)
        verdicts = [self._verdict(p, out, ie) for p, out, ie in zip(prepared, outputs, inds, strict=True)]
        if self.model is not None:
            redo = [
                i
                for i, v in enumerate(verdicts)
                if v.risk != Risk.NONE
                and outputs[i] is not None
                and (explain_all or not any(e.source in ("rule", "indicator") and e.weight > 0 for e in v.evidence))
            ]
            if redo:
                explained = self._model_outputs([prepared[i].n.text for i in redo], explain=True)
                for i, out in zip(redo, explained, strict=True):
                    if out is not None:
                        verdicts[i] = self._with_explanation(verdicts[i], prepared[i], outputs[i], out, inds[i])
        return verdicts

    def _with_explanation(
        self, v: Verdict, p: _Prepared, plain: ModelOutput | None, out: ModelOutput, ind_ev: list[Evidence]
    ) -> Verdict:
        """The verdict with the model's n-gram evidence. The explained output scores like the plain one (same
        features), so only the n-grams are added, at the end of the evidence list where ``_verdict`` puts them; were
        any score of the model different, the verdict is rebuilt."""
        if plain is None or _scores(plain) != _scores(out):
            return self._verdict(p, out, ind_ev)
        feats = _feature_evidence(p, out, _line_starts(p.text) if "\n" in p.text else None)
        if not feats:
            return v
        return Verdict.trusted(
            fraud=v.fraud, risk=v.risk, score=v.score, type=v.type, subtype=v.subtype, category=v.category,
            evidence=[*v.evidence, *feats], advice=v.advice, kind=v.kind,
        )  # fmt: skip

    def _model_outputs(self, texts: list[str], *, explain: bool) -> list[ModelOutput | None]:
        outputs: list[ModelOutput | None] = [None] * len(texts)
        if self.model is None or not texts:
            return outputs
        for i in range(0, len(texts), MODEL_BATCH):
            chunk = texts[i : i + MODEL_BATCH]
            try:
                res = self.model.analyse(chunk, explain=explain)
            except Exception as exc:  # the model is an extra signal: rules still answer
                log.warning("screening model failed on a batch, rules + indicators only: %s", exc)
                continue
            outputs[i : i + len(res)] = res
        return outputs

    def _indicator_evidence(self, p: _Prepared) -> list[Evidence]:
        """fanzha.indicators.screening_evidence, gated: only texts with 5+ digits, a letters-then-digit id, a dotted
        name, an IP or a link marker, or an app / screen-share keyword hit, can hold an indicator. The gate reads the
        normalised text (ｈｔｔｐ：／／ｘ０．ｃｎ, httр://, 1 3 8 ...), then the raw one (+86 95533, 淘宝退款.cn); an
        indicator function that takes the ``Normalized`` (``takes_normalized``) gets it, so it need not normalise
        again and reads 繁体 / spaced / look-alike text too."""
        if self.indicators is None:
            return []
        if not p.app_hit and not _MAYBE_INDICATOR.search(p.n.text) and not _MAYBE_INDICATOR.search(p.text):
            return []
        try:
            if getattr(self.indicators, "takes_normalized", False):
                return list(self.indicators(p.n))  # type: ignore[arg-type]  # takes str | Normalized
            return list(self.indicators(p.text))
        except Exception as exc:  # an indicator bug must not take screening down
            log.warning("indicator evidence failed: %s", exc)
            return []

    # ------------------------------------------------------------------------------------------------ decision
    def _verdict(self, p: _Prepared, out: ModelOutput | None, ind_ev: list[Evidence]) -> Verdict:
        cfg = self.config
        cb = cfg.combiner
        th = cfg.thresholds
        text, n = p.text, p.n
        line_starts = _line_starts(text) if "\n" in text else None
        ev: list[Evidence] = []

        def orig(span: tuple[int, int]) -> tuple[int, int]:
            return n.to_original(span[0], span[1])

        def line_of(start: int) -> int | None:
            return None if line_starts is None else bisect_right(line_starts, start) - 1

        # rules: effective weights, group sums
        group_sum: dict[tuple[str, str], float] = {}
        typ_sum: dict[str, float] = {}
        rule_advice: list[str | None] = []
        eff: dict[str, float] = {}
        for h in p.hits:
            w = h.weight * (cb.negation_factor if h.negated else 1.0)
            eff[h.rule_id] = w
            key = (h.category, h.group)
            group_sum[key] = group_sum.get(key, 0.0) + w
            if h.category == _FRAUD and h.typology and not h.negated:  # a warning names no family
                typ_sum[h.typology] = typ_sum.get(h.typology, 0.0) + w
        capped: dict[str, float] = {}
        for (cat, group), s in group_sum.items():
            cap = cfg.groups.get(group, cfg.default_group_max)
            capped[cat] = capped.get(cat, 0.0) + min(s, cap)
        r_fraud = max(-cb.max_rule_score, min(capped.get("fraud", 0.0), cb.max_rule_score))
        s_spam = capped.get("spam", 0.0)
        s_illegal = capped.get("illegal", 0.0)
        typ_capped = {t: min(s, cfg.groups.get(t, cfg.default_group_max)) for t, s in typ_sum.items()}

        for h in sorted(p.hits, key=lambda h: (-abs(eff[h.rule_id]), h.rule_id)):
            w = eff[h.rule_id]
            note = ""
            if h.absorbed_by:
                note = f"（已计入组合规则 {h.absorbed_by}）"
            elif h.negated:
                note = "（处在否定/提醒语境中，几乎不计分）"
            if line_starts is None:  # one line: the first span only
                o = n.to_original(*h.spans[0])
                ev.append(
                    Evidence.trusted(
                        source="rule", id=h.rule_id, span=o, weight=round(w, 4), why=h.why + note,
                        matched=text[o[0] : o[1]], typology=h.typology, line=None,
                    )
                )  # fmt: skip
            else:  # several lines: one evidence per line, at most max_evidence_per_rule lines
                seen_lines: set[int | None] = set()
                first = True
                for span in h.spans:
                    o = orig(span)
                    ln = line_of(o[0])
                    if ln in seen_lines:
                        continue
                    seen_lines.add(ln)
                    ev.append(
                        Evidence.trusted(
                            source="rule",
                            id=h.rule_id,
                            span=o,
                            weight=round(w if first else 0.0, 4),
                            why=h.why + note + ("" if first else "（同一规则的又一处）"),
                            matched=text[o[0] : o[1]],
                            typology=h.typology,
                            line=ln,
                        )
                    )
                    first = False
                    if len(seen_lines) >= cfg.max_evidence_per_rule:
                        break
            if not h.negated and not h.absorbed_by and w > 0:
                rule_advice.append(h.advice)
            if h.negated and h.kind == "rule":
                o = orig(h.span)
                ev.append(
                    Evidence.trusted(
                        source="context",
                        id="CTX_NEGATION",
                        span=o,
                        weight=round(-(h.weight - w), 4),
                        why=f"“{text[o[0] : o[1]]}”处在否定/提醒语境中（如“切勿”“不会要求”），不当作对方的要求",
                        matched=text[o[0] : o[1]],
                        line=line_of(o[0]),
                    )
                )

        # context
        for sig in p.ctx.signals:
            so = sig.span
            ev.append(
                Evidence.trusted(
                    source="context",
                    id=sig.id,
                    span=so,
                    weight=-round(sig.penalty, 4),
                    why=sig.why,
                    matched=text[so[0] : so[1]] if so else None,
                    line=line_of(so[0]) if so else None,
                )
            )

        # indicators
        i_score = max(-cb.max_indicator_score, min(sum(e.weight for e in ind_ev), cb.max_indicator_score))
        shown: dict[str, set[int | None]] = {}
        for e in ind_ev:
            ln = e.line if e.line is not None or e.span is None else line_of(e.span[0])
            lines_seen = shown.setdefault(e.id, set())
            # long inputs: the same indicator signal is shown on at most max_evidence_per_rule lines (all counted)
            if e.weight == 0 and (ln in lines_seen or len(lines_seen) >= cfg.max_evidence_per_rule):
                continue
            lines_seen.add(ln)
            ev.append(e if ln == e.line else e.model_copy(update={"line": ln}))

        # model
        m_logit = 0.0
        bias = cb.bias_without_model
        if out is not None:
            bias = cb.bias
            m_logit = _logit(out.fraud_prob, cb.model_logit_clip)
            if m_logit > 0 and cb.model_min_chars > 0:
                m_logit *= min(1.0, len(n.text.strip()) / cb.model_min_chars)
            ev.append(
                Evidence.trusted(
                    source="model",
                    id="MODEL_FRAUD_PROB",
                    weight=round((cb.model if m_logit >= 0 else cb.model_negative) * m_logit, 4),
                    why=f"统计模型估计的诈骗概率 {out.fraud_prob:.2f}" + (f"，最像「{out.type}」" if out.type else ""),
                )
            )
            if out.features:
                ev.extend(_feature_evidence(p, out, line_starts))

        m_term = (cb.model if m_logit >= 0 else cb.model_negative) * m_logit
        z = bias + cb.rule * r_fraud + m_term + cb.indicator * i_score - cb.context * p.ctx.penalty
        score = _sigmoid(z)

        # category, type
        fraud = score >= th.fraud
        category = Category.FRAUD if fraud else Category.NORMAL
        mprobs = out.category_probs if out is not None else {}
        if not fraud or (score < th.high and s_illegal >= th.illegal and s_illegal >= r_fraud + cb.illegal_margin):
            if s_illegal >= th.illegal or mprobs.get("illegal", 0.0) >= cb.model_spam_prob:
                category = Category.ILLEGAL
            elif s_spam >= th.spam or mprobs.get("spam", 0.0) >= cb.model_spam_prob:
                category = Category.SPAM
            if category != Category.FRAUD and fraud:
                fraud = False
                score = min(score, th.fraud - 0.01)
        if score >= th.high and r_fraud < cb.high_needs_support and i_score <= 0:
            score = min(score, th.high - 0.01)  # the model alone (or one weak keyword) says medium at most
        risk = _risk(score, th.high, th.medium, th.low)
        if category == Category.ILLEGAL and risk == Risk.NONE:
            risk = Risk.LOW

        typ: str | None = None
        subtype: str | None = None
        if fraud:
            strong = {
                h.typology
                for h in p.hits
                if h.category == _FRAUD
                and h.typology
                and not h.negated
                and eff[h.rule_id] > 0
                and (h.kind == "composite" or eff[h.rule_id] >= cb.type_strong_rule)
            }
            typ = (
                choose_type(
                    typ_capped,
                    model_type=out.type if out is not None else None,
                    model_type_prob=out.type_prob if out is not None else 0.0,
                    model_bonus=cb.model_type_bonus,
                    model_fraud_prob=out.fraud_prob if out is not None else 0.0,
                    model_min_fraud=cb.type_model_min_fraud,
                    strong_types=strong,
                )
                or _OTHER
            )
        cat_value = category.value
        cands = [
            h
            for h in p.hits
            if h.subtype
            and eff[h.rule_id] > 0
            and (h.category == cat_value)
            and (category != Category.FRAUD or h.typology in (typ, None))
        ]
        if cands:
            # a family's own sub-type (积分兑换) before a generic rule's catch-all (钓鱼短信), then the stronger hit
            subtype = max(cands, key=lambda h: (h.typology is not None, eff[h.rule_id], h.rule_id)).subtype

        advice = advice_for(category=cat_value, typology=typ, risk=risk.value, rule_advice=rule_advice)
        return Verdict.trusted(
            fraud=fraud,
            risk=risk,
            score=round(score, 4),
            type=typ,
            subtype=subtype,
            category=category,
            evidence=ev,
            advice=advice,
            kind=p.kind,
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a batch. Screening allocates a few hundred small tracked objects per text
    (keyword hits, rule hits, evidence) and keeps the batch alive until the end, so the collector would walk the
    growing batch again and again (5-10 % of the time) to find nothing: what the batch drops is freed by reference
    counting. The collector runs again (if it was on) as soon as the batch is done."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _scores(out: ModelOutput) -> tuple[Any, ...]:
    return (out.fraud_prob, out.category_probs, out.type, out.type_prob)


def _feature_evidence(p: _Prepared, out: ModelOutput, line_starts: list[int] | None) -> list[Evidence]:
    """The model's five strongest n-grams as evidence (spans mapped to the original text)."""
    ev: list[Evidence] = []
    text, n = p.text, p.n
    for f in sorted(out.features, key=lambda f: -abs(f.weight))[:5]:
        if f.end <= f.start:
            continue
        o = n.to_original(f.start, f.end)
        ev.append(
            Evidence.trusted(
                source="model",
                id=f"ngram:{f.ngram}",
                span=o,
                weight=round(f.weight, 4),
                why=f"模型特征“{f.ngram}”{'提高' if f.weight > 0 else '降低'}诈骗可能",
                matched=text[o[0] : o[1]],
                line=None if line_starts is None else bisect_right(line_starts, o[0]) - 1,
            )
        )
    return ev


def _risk(score: float, high: float, medium: float, low: float) -> Risk:
    if score >= high:
        return Risk.HIGH
    if score >= medium:
        return Risk.MEDIUM
    if score >= low:
        return Risk.LOW
    return Risk.NONE


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


@lru_cache(maxsize=8)
def _engine(dirs: tuple[str, ...], use_model: bool) -> Engine:
    rs = default_ruleset(dirs)
    return Engine(rs, _load_model() if use_model else None, _load_indicators())


def get_engine(rules_dirs: str | Sequence[str | Path] | None = None, *, use_model: bool = True) -> Engine:
    """The cached engine for the packaged rules + ``settings.rules_dirs`` (or the given folders)."""
    return _engine(configured_dirs(rules_dirs), use_model)


def screen(text: str, kind: str = "auto", *, rules_dirs: Any = None) -> Verdict:
    """Screen one text (SMS, chat, call transcript, dialogue, narrative) -> Verdict with evidence and advice."""
    return get_engine(rules_dirs).screen(text, kind)


def screen_many(texts: Sequence[str], kind: str = "auto", *, rules_dirs: Any = None) -> list[Verdict]:
    """Screen many texts in batches (faster than calling screen() in a loop when a model is installed)."""
    return get_engine(rules_dirs).screen_many(texts, kind)


def screen_records(
    items: Sequence[object], kind: str = "auto", *, engine: Engine | None = None
) -> list[dict[str, object]]:
    """Screen JSON items ``{"id", "text", "kind"?}`` -> records in the same order (Verdict.to_record), and for a bad
    item ``{"id", "error"}`` instead of an exception. Shared by the CLI (``--input``) and the API batch."""
    eng = engine or get_engine()
    out: list[dict[str, object] | None] = [None] * len(items)
    groups: dict[str, list[tuple[int, object, str]]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            out[i] = {"id": None, "error": "each item must be a JSON object with a text field"}
            continue
        id_ = item.get("id")
        text = item.get("text")
        k = item.get("kind", kind)
        try:
            if "text" not in item:
                raise ScreenInputError("missing field: text")
            if not isinstance(k, str):
                raise ScreenInputError("kind must be a string")
            eng.check_text(text, k)
        except ScreenInputError as exc:
            out[i] = {"id": id_, "error": str(exc)}
            continue
        assert isinstance(text, str)
        groups.setdefault(k, []).append((i, id_, text))
    for k, members in groups.items():
        verdicts = eng.screen_many([t for _, _, t in members], k)
        for (i, id_, _), v in zip(members, verdicts, strict=True):
            out[i] = v.to_record(id_) if id_ is not None else {"id": None, **v.to_record()}
    return [r if r is not None else {"id": None, "error": "not screened"} for r in out]
