"""Screening rules as data: YAML files -> one Aho-Corasick automaton -> rule hits.

A rules folder holds ``*.yaml`` files of this shape (all keys optional)::

    typology: 冒充公检法及政府机关类   # default for the rules of the file (a fanzha.domain.Typology value)
    category: fraud                  # default category: fraud | spam | illegal
    concepts:                        # named keyword sets, shared by every file of every folder
      SAFE_ACCOUNT: [安全账户, 安全帐户, 国家账户]
    rules:
      - id: SAFE_ACCOUNT_TRANSFER    # UPPER_SNAKE, unique
        weight: 6                    # contribution to the capped score of its group (typology / category)
        why: 要求把钱转到“安全账户”   # one line shown to the user
        advice: 公检法没有“安全账户”   # optional one-line advice
        any: [关键词, "@CONCEPT"]    # fires when any of these occurs
        all: ["@SAFE_ACCOUNT", [转账, 汇款]]  # ... and/or when ALL terms co-occur within `window` characters
        window: 40
        regex: "..."                 # optional, checked only after the keyword condition held (gated by AC hits)
        none: [...]                  # suppressors: no fire when one occurs near the match
        negatable: true              # a warning like "切勿转账" switches the rule off (context.py)
        examples: {positive: [...], negative: [...]}   # run by the test suite
    composites:
      - id: POLICE_SAFE_ACCOUNT
        expr: IMPERSONATE_POLICE & SAFE_ACCOUNT_TRANSFER   # & | ! ( ) over rule / composite ids
        weight: 9
        absorb: true                 # the parts' weight is removed: evidence counted once
        why: ...
    overrides:                       # per-deployment tuning, usually alone in a user folder's overrides.yaml
      weights: {RULE_ID: 2.5}
      disable: [RULE_ID]
      groups: {刷单返利类: 12}        # max_score per group
      thresholds: {high: 0.9}
      combiner: {rule: 0.8}

All keywords go through :func:`fanzha.text.normalize` and the noise filter of the match view (spaces, punctuation and
emoji removed), exactly like the screened text, so 全角 / 繁體 / ``安 全 账 户`` / ``安💰全账户`` match the same keyword.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import ahocorasick
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fanzha.domain import Category, Typology
from fanzha.text import Normalized, normalize

log = logging.getLogger(__name__)

PACKAGED_RULES_DIR = Path(__file__).resolve().parent / "rules"
CONFIG_PATH = Path(__file__).resolve().parent / "config.yaml"

_ID_RE = r"^[A-Z][A-Z0-9_]{2,63}$"
_KEEP_RE = re.compile(r"[^\W_]+")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_DIGITS = frozenset("0123456789")
_tnew = tuple.__new__  # builds a KeywordHit without the NamedTuple's Python-level __new__ (hot loop)


class RuleLoadError(ValueError):
    """A rules file is malformed; the message names the file and the rule."""


# --------------------------------------------------------------------------------------------------------------------
# Schema (pydantic): validated file by file and rule by rule so the error names both.


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    positive: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


Term = str | list[str]


def _stringify(v: Any) -> Any:
    """YAML reads 96110 or 618 as numbers: keywords are strings."""
    if isinstance(v, list):
        return [_stringify(x) for x in v]
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return v


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_RE)
    typology: Typology | None = None
    subtype: str | None = None
    category: Category = Category.FRAUD
    group: str | None = None
    weight: float = Field(ge=-20.0, le=20.0)
    why: str = Field(min_length=2, max_length=200)
    advice: str | None = Field(default=None, max_length=200)
    any: list[str] = Field(default_factory=list)
    all: list[Term] = Field(default_factory=list)
    window: int | None = Field(default=None, ge=2, le=100_000)
    regex: str | None = None
    regex_on: Literal["view", "text"] = "view"  # view: noise-free text (spaces/punctuation gone); text: normalised
    none: list[str] = Field(default_factory=list)
    negatable: bool = True
    examples: Examples = Field(default_factory=Examples)

    @field_validator("any", "none", "all", mode="before")
    @classmethod
    def _numbers_are_keywords(cls, v: Any) -> Any:
        return _stringify(v)

    @field_validator("category")
    @classmethod
    def _not_normal(cls, v: Category) -> Category:
        if v == Category.NORMAL:
            raise ValueError("a rule cannot have category 'normal' (use context cues for that)")
        return v

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"regex does not compile: {exc}") from exc
        return v

    @model_validator(mode="after")
    def _gated(self) -> RuleSpec:
        if not self.any and not self.all:
            raise ValueError("a rule needs `any` and/or `all` keywords (regexes run only behind keyword hits)")
        if len(self.all) == 1:
            raise ValueError("`all` needs at least two terms (use `any` for one)")
        for t in [
            *self.any,
            *self.none,
            *(x for term in self.all for x in ([term] if isinstance(term, str) else term)),
        ]:
            if not t or not t.strip():
                raise ValueError("empty keyword")
        if not self.examples.positive:
            raise ValueError("every rule carries at least one positive example (examples.positive)")
        return self


class CompositeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_RE)
    expr: str = Field(min_length=1)
    typology: Typology | None = None
    subtype: str | None = None
    category: Category = Category.FRAUD
    group: str | None = None
    weight: float = Field(ge=-20.0, le=30.0)
    why: str = Field(min_length=2, max_length=200)
    advice: str | None = Field(default=None, max_length=200)
    absorb: bool = True
    examples: Examples = Field(default_factory=Examples)


class Overrides(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weights: dict[str, float] = Field(default_factory=dict)
    disable: list[str] = Field(default_factory=list)
    groups: dict[str, float] = Field(default_factory=dict)
    thresholds: dict[str, float] = Field(default_factory=dict)
    combiner: dict[str, float] = Field(default_factory=dict)


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    high: float = Field(gt=0, lt=1)
    medium: float = Field(gt=0, lt=1)
    low: float = Field(gt=0, lt=1)
    fraud: float = Field(gt=0, lt=1)  # Verdict.fraud is score >= this
    spam: float = Field(ge=0)  # capped spam rule score needed for category spam
    illegal: float = Field(ge=0)  # capped illegal rule score needed for category illegal

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.low < self.medium < self.high:
            raise ValueError("thresholds must satisfy low < medium < high")
        return self


class Combiner(BaseModel):
    """z = bias + rule*R + model*logit(p_model) + indicator*I - context*C; score = sigmoid(z)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    bias: float
    bias_without_model: float
    rule: float
    model: float
    model_negative: float  # weight of a negative model logit: the model may lower weak rule evidence, not veto it
    indicator: float
    context: float
    max_rule_score: float  # R is capped here after the group caps
    max_indicator_score: float
    max_context_penalty: float
    negation_factor: float = Field(ge=0, le=1)  # weight kept by a negated rule hit
    model_logit_clip: float = 6.0
    model_min_chars: int = 20  # a positive model logit is shrunk by min(1, chars / model_min_chars): short = unsure
    # model_type_bonus * P(type) is added to the model's typology (fanzha.screen.typology)
    model_type_bonus: float = 2.0
    type_model_min_fraud: float = Field(default=0.0, ge=0, le=1)  # the model's type votes only at P(fraud) >= this
    type_strong_rule: float = 1e9  # a typology with a composite or a rule hit of weight >= this beats the model's type
    model_spam_prob: float = 0.6  # model P(spam)/P(illegal) that alone makes the category
    illegal_margin: float = 1.5  # illegal beats fraud only when its rule score exceeds the fraud rule score by this
    high_needs_support: float = 3.0  # risk "high" needs rule score >= this or indicator evidence, not the model alone


class ScreenConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    thresholds: Thresholds
    combiner: Combiner
    default_window: int = Field(ge=2)
    default_group_max: float = Field(gt=0)
    groups: dict[str, float] = Field(default_factory=dict)
    max_evidence_per_rule: int = 3
    context: dict[str, float] = Field(default_factory=dict)

    def with_overrides(self, ov: Overrides, where: str) -> ScreenConfig:
        try:
            th = Thresholds(**{**self.thresholds.model_dump(), **ov.thresholds})
            cb = Combiner(**{**self.combiner.model_dump(), **ov.combiner})
        except ValidationError as exc:
            raise RuleLoadError(f"{where}: overrides: {_fmt_validation(exc)}") from exc
        return self.model_copy(update={"thresholds": th, "combiner": cb, "groups": {**self.groups, **ov.groups}})


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    typology: Typology | None = None
    category: Category | None = None
    subtype: str | None = None
    group: str | None = None
    description: str | None = None
    concepts: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)
    composites: list[dict[str, Any]] = Field(default_factory=list)
    overrides: Overrides | None = None

    @field_validator("concepts", mode="before")
    @classmethod
    def _numbers_are_keywords(cls, v: Any) -> Any:
        return {k: _stringify(x) for k, x in v.items()} if isinstance(v, dict) else v

    @field_validator("concepts")
    @classmethod
    def _concept_names(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, kws in v.items():
            if not re.match(_ID_RE, name):
                raise ValueError(f"concept name {name!r} must be UPPER_SNAKE")
            if not kws or any(not isinstance(k, str) or not k.strip() for k in kws):
                raise ValueError(f"concept {name}: needs a non-empty list of non-empty keywords")
        return v


def _fmt_validation(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts)


def load_config(path: Path = CONFIG_PATH) -> ScreenConfig:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ScreenConfig(**raw)
    except (OSError, yaml.YAMLError, TypeError) as exc:
        raise RuleLoadError(f"{path}: cannot read screening config: {exc}") from exc
    except ValidationError as exc:
        raise RuleLoadError(f"{path}: {_fmt_validation(exc)}") from exc


# --------------------------------------------------------------------------------------------------------------------
# Compiled form


@dataclass(frozen=True, slots=True)
class CompiledRule:
    id: str
    kind: Literal["rule", "composite"]
    typology: str | None
    subtype: str | None
    category: str
    group: str
    weight: float
    why: str
    advice: str | None
    source: str
    any_term: frozenset[int] | None = None
    all_terms: tuple[frozenset[int], ...] = ()
    window: int = 60
    regex: re.Pattern[str] | None = None
    regex_on: str = "view"
    none_term: frozenset[int] | None = None
    negatable: bool = True
    expr: Any = None  # composite AST
    absorb: bool = False
    parts: tuple[str, ...] = ()
    examples: Examples = field(default_factory=Examples)


class KeywordHit(NamedTuple):
    vstart: int  # match-view offsets (noise removed)
    vend: int
    start: int  # normalised-text offsets
    end: int


@dataclass(frozen=True, slots=True)
class Scan:
    """One Aho-Corasick pass over the match view of a normalised text."""

    n: Normalized
    view: str
    vmap: tuple[int, ...] | None  # view index -> normalised index (None: view == normalised text)
    hits: dict[int, list[KeywordHit]]  # concept id -> hits in text order

    def concept_hits(self, cid: int) -> list[KeywordHit]:
        return self.hits.get(cid, [])


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule_id: str
    kind: str  # rule | composite
    weight: float  # weight after absorption by a composite
    base_weight: float
    spans: tuple[tuple[int, int], ...]  # NORMALISED-text spans; map with Normalized.to_original
    typology: str | None
    subtype: str | None
    category: str
    group: str
    why: str
    advice: str | None
    negatable: bool = True
    absorbed_by: str | None = None
    parts: tuple[str, ...] = ()
    negated: bool = False  # fired only thanks to keywords inside a negation scope (切勿 / 不会要求 ...)

    @property
    def span(self) -> tuple[int, int]:
        return self.spans[0]


def build_view(text: str) -> tuple[str, tuple[int, ...] | None]:
    """Drop spaces, punctuation, symbols and emoji (keep letters, CJK, digits); return the view and its index map."""
    pieces = _KEEP_RE.findall(text)
    if len(pieces) == 1 and len(pieces[0]) == len(text):
        return text, None
    vmap: list[int] = []
    for m in _KEEP_RE.finditer(text):
        vmap.extend(range(m.start(), m.end()))
    return "".join(pieces), tuple(vmap)


@lru_cache(maxsize=65536)
def _keyword_view(kw: str) -> str:
    return build_view(normalize(kw).text)[0]


# --------------------------------------------------------------------------------------------------------------------
# Composite expressions: & | ! ( ) over ids


_TOKEN_RE = re.compile(r"\s*(?:([A-Z][A-Z0-9_]*)|(&&?|\|\|?|!|\(|\)|and\b|or\b|not\b))")


def parse_expr(expr: str) -> Any:
    tokens: list[str] = []
    pos = 0
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(expr, pos)
        if not m:
            raise ValueError(f"cannot parse composite expression at {expr[pos:]!r}")
        tok = m.group(1) or {"&&": "&", "and": "&", "||": "|", "or": "|", "not": "!"}.get(m.group(2), m.group(2))
        tokens.append(tok)
        pos = m.end()
    i = 0

    def peek() -> str | None:
        return tokens[i] if i < len(tokens) else None

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise ValueError(f"unexpected end of composite expression {expr!r}")
        i += 1
        return tokens[i - 1]

    def p_or() -> Any:
        node = p_and()
        while peek() == "|":
            take()
            node = ("|", node, p_and())
        return node

    def p_and() -> Any:
        node = p_not()
        while peek() == "&":
            take()
            node = ("&", node, p_not())
        return node

    def p_not() -> Any:
        if peek() == "!":
            take()
            return ("!", p_not())
        tok = take()
        if tok == "(":
            node = p_or()
            if take() != ")":
                raise ValueError(f"missing ')' in {expr!r}")
            return node
        if not re.match(_ID_RE, tok):
            raise ValueError(f"unexpected {tok!r} in {expr!r}")
        return ("id", tok)

    node = p_or()
    if i != len(tokens):
        raise ValueError(f"trailing tokens in {expr!r}")
    return node


def expr_ids(node: Any) -> list[str]:
    if node[0] == "id":
        return [node[1]]
    return [x for child in node[1:] for x in expr_ids(child)]


def _positive_ids(node: Any) -> list[str]:
    """Ids that must be present for the expression to be true along some branch (not under !)."""
    if node[0] == "id":
        return [node[1]]
    if node[0] == "!":
        return []
    return [x for child in node[1:] for x in _positive_ids(child)]


def eval_expr(node: Any, fired: set[str] | dict[str, Any]) -> bool:
    op = node[0]
    if op == "id":
        return node[1] in fired
    if op == "!":
        return not eval_expr(node[1], fired)
    if op == "&":
        return eval_expr(node[1], fired) and eval_expr(node[2], fired)
    return eval_expr(node[1], fired) or eval_expr(node[2], fired)


# --------------------------------------------------------------------------------------------------------------------
# The rule set


def _min_window(term_hits: list[list[KeywordHit]], window: int) -> tuple[int, int, int, int] | None:
    """Smallest span (view coords) holding one hit of every term, if it fits in ``window``; returns v/n bounds."""
    k = len(term_hits)
    if all(len(hs) == 1 for hs in term_hits):
        # one hit per term (the usual case): the only window holding all terms is all of them
        hits = [hs[0] for hs in term_hits]
        lo_v = min(h.vstart for h in hits)
        vend = max(h.vend for h in hits)
        if vend - lo_v <= window:
            return lo_v, vend, min(h.start for h in hits), max(h.end for h in hits)
        return None
    events = sorted(((h.vstart, ti, h) for ti, hs in enumerate(term_hits) for h in hs), key=lambda e: (e[0], e[1]))
    counts = [0] * k
    covered = 0
    left = 0
    for right in range(len(events)):
        ti = events[right][1]
        if counts[ti] == 0:
            covered += 1
        counts[ti] += 1
        while covered == k:
            lo = events[left][2]
            hi_hits = [e[2] for e in events[left : right + 1]]
            vend = max(h.vend for h in hi_hits)
            if vend - lo.vstart <= window:
                return lo.vstart, vend, min(h.start for h in hi_hits), max(h.end for h in hi_hits)
            lt = events[left][1]
            counts[lt] -= 1
            if counts[lt] == 0:
                covered -= 1
            left += 1
    return None


class RuleSet:
    """The compiled rules of one or more folders: build once (``RuleSet.load``), match many texts."""

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        concept_names: Sequence[str],
        automaton: Any,
        config: ScreenConfig,
        sources: Sequence[str],
    ) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(r for r in rules if r.kind == "rule")
        self.composites: tuple[CompiledRule, ...] = tuple(r for r in rules if r.kind == "composite")
        self.by_id: dict[str, CompiledRule] = {r.id: r for r in rules}
        self.concept_names = tuple(concept_names)
        self.concept_ids = {name: i for i, name in enumerate(concept_names)}
        self._automaton = automaton
        self.config = config
        self.sources = tuple(sources)
        by_concept: dict[int, list[tuple[int, CompiledRule]]] = {}
        rank = {rid: i for i, rid in enumerate(sorted(r.id for r in self.rules))}  # candidates are tried in id order
        for r in self.rules:
            gate = r.any_term if r.any_term is not None else r.all_terms[0]
            # a rule is a candidate when any concept of its gate term was hit: any-term, or the first all-term
            # (every all-term must be present anyway)
            for cid in gate:
                by_concept.setdefault(cid, []).append((rank[r.id], r))
        self._by_concept = {c: tuple(rs) for c, rs in by_concept.items()}
        self._composites_by_part: dict[str, set[int]] = {}
        for i, c in enumerate(self.composites):
            for part in c.parts:
                self._composites_by_part.setdefault(part, set()).add(i)

    # ---------------------------------------------------------------------------------------------------- loading
    @classmethod
    def load(cls, dirs: Iterable[str | Path] | None = None, *, include_packaged: bool = True) -> RuleSet:
        """Load the packaged rules, then each folder of ``dirs`` in order (later folders may extend concepts,
        replace rules of the same id and carry ``overrides``)."""
        folders: list[Path] = [PACKAGED_RULES_DIR] if include_packaged else []
        for d in dirs or ():
            p = Path(d).expanduser()
            if not p.is_dir():
                raise RuleLoadError(f"rules folder {p} does not exist or is not a folder")
            folders.append(p)
        config = load_config()
        concepts: dict[str, list[str]] = {}
        specs: dict[str, tuple[RuleSpec | CompositeSpec, str, RuleFile]] = {}
        overrides: list[tuple[Overrides, str]] = []
        sources: list[str] = []
        for fi, folder in enumerate(folders):
            for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
                where = str(path)
                sources.append(where)
                try:
                    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                    raise RuleLoadError(f"{where}: cannot read YAML: {exc}") from exc
                if raw is None:
                    continue
                if not isinstance(raw, dict):
                    raise RuleLoadError(f"{where}: top level must be a mapping (concepts / rules / composites)")
                try:
                    rf = RuleFile(**raw)
                except ValidationError as exc:
                    raise RuleLoadError(f"{where}: {_fmt_validation(exc)}") from exc
                for name, kws in rf.concepts.items():
                    concepts.setdefault(name, []).extend(kws)
                for kind, items in (("rule", rf.rules), ("composite", rf.composites)):
                    for idx, item in enumerate(items):
                        rid = item.get("id", f"#{idx}") if isinstance(item, dict) else f"#{idx}"
                        if not isinstance(item, dict):
                            raise RuleLoadError(f"{where}: {kind} {rid}: must be a mapping")
                        data = dict(item)
                        for key in ("typology", "category", "subtype", "group"):
                            if key not in data and getattr(rf, key) is not None:
                                data[key] = getattr(rf, key)
                        try:
                            spec: RuleSpec | CompositeSpec = (
                                RuleSpec(**data) if kind == "rule" else CompositeSpec(**data)
                            )
                        except ValidationError as exc:
                            raise RuleLoadError(f"{where}: {kind} {rid}: {_fmt_validation(exc)}") from exc
                        if spec.id in specs:
                            prev = specs[spec.id][1]
                            same_folder = Path(prev).is_relative_to(folder)
                            if fi == 0 or same_folder:
                                raise RuleLoadError(f"{where}: {kind} {spec.id}: duplicate id (also in {prev})")
                            log.info("rule %s from %s replaces the one in %s", spec.id, where, prev)
                        specs[spec.id] = (spec, where, rf)
                if rf.overrides is not None:
                    overrides.append((rf.overrides, where))
        for ov, where in overrides:
            config = config.with_overrides(ov, where)
            for rid in [*ov.weights, *ov.disable]:
                if rid not in specs:
                    raise RuleLoadError(f"{where}: overrides: unknown rule id {rid}")
        weights = {k: v for ov, _ in overrides for k, v in ov.weights.items()}
        disabled = {k for ov, _ in overrides for k in ov.disable}
        return cls._compile(concepts, specs, config, weights, disabled, sources)

    @classmethod
    def _compile(
        cls,
        concepts: dict[str, list[str]],
        specs: dict[str, tuple[RuleSpec | CompositeSpec, str, RuleFile]],
        config: ScreenConfig,
        weights: dict[str, float],
        disabled: set[str],
        sources: list[str],
    ) -> RuleSet:
        names: list[str] = []
        keywords: dict[int, list[str]] = {}

        def add_concept(name: str, kws: Iterable[str]) -> int:
            cid = len(names)
            names.append(name)
            keywords[cid] = list(kws)
            return cid

        named = {name: add_concept(name, kws) for name, kws in concepts.items()}

        def term(items: Sequence[str], label: str, where: str, rid: str) -> frozenset[int]:
            ids: set[int] = set()
            literals: list[str] = []
            for it in items:
                if it.startswith("@"):
                    ref = it[1:]
                    if ref not in named:
                        raise RuleLoadError(f"{where}: rule {rid}: unknown concept @{ref} in `{label}`")
                    ids.add(named[ref])
                else:
                    literals.append(it)
            if literals:
                ids.add(add_concept(f"{rid}#{label}", literals))
            return frozenset(ids)

        compiled: list[CompiledRule] = []
        known: set[str] = set()
        for rid, (spec, where, _rf) in specs.items():
            if rid in disabled:
                continue
            group = spec.group or (spec.typology.value if spec.typology else None)
            if group is None:
                group = "generic" if spec.category == Category.FRAUD else spec.category.value
            common: dict[str, Any] = {
                "id": rid,
                "typology": spec.typology.value if spec.typology else None,
                "subtype": spec.subtype,
                "category": spec.category.value,
                "group": group,
                "weight": float(weights.get(rid, spec.weight)),
                "why": spec.why,
                "advice": spec.advice,
                "source": where,
                "examples": spec.examples,
            }
            if isinstance(spec, RuleSpec):
                any_term = term(spec.any, "any", where, rid) if spec.any else None
                all_terms = tuple(
                    term([t] if isinstance(t, str) else t, f"all{i}", where, rid) for i, t in enumerate(spec.all)
                )
                none_term = term(spec.none, "none", where, rid) if spec.none else None
                compiled.append(
                    CompiledRule(
                        kind="rule",
                        any_term=any_term,
                        all_terms=all_terms,
                        window=spec.window or config.default_window,
                        regex=re.compile(spec.regex) if spec.regex else None,
                        regex_on=spec.regex_on,
                        none_term=none_term,
                        negatable=spec.negatable,
                        **common,
                    )
                )
                known.add(rid)
        for rid, (spec, where, _rf) in specs.items():
            if rid in disabled or not isinstance(spec, CompositeSpec):
                continue
            try:
                ast = parse_expr(spec.expr)
            except ValueError as exc:
                raise RuleLoadError(f"{where}: composite {rid}: {exc}") from exc
            for ref in expr_ids(ast):
                if ref not in known and ref not in disabled:
                    raise RuleLoadError(
                        f"{where}: composite {rid}: unknown id {ref} (rules, or composites defined before it)"
                    )
            if not _positive_ids(ast):
                raise RuleLoadError(f"{where}: composite {rid}: needs at least one non-negated id")
            group = spec.group or (spec.typology.value if spec.typology else None)
            if group is None:
                group = "generic" if spec.category == Category.FRAUD else spec.category.value
            compiled.append(
                CompiledRule(
                    id=rid,
                    kind="composite",
                    typology=spec.typology.value if spec.typology else None,
                    subtype=spec.subtype,
                    category=spec.category.value,
                    group=group,
                    weight=float(weights.get(rid, spec.weight)),
                    why=spec.why,
                    advice=spec.advice,
                    source=where,
                    expr=ast,
                    absorb=spec.absorb,
                    parts=tuple(dict.fromkeys(_positive_ids(ast))),
                    examples=spec.examples,
                )
            )
            known.add(rid)

        # context cues (fanzha/screen/context.yaml) ride in the same automaton: one pass for everything
        from fanzha.screen.context import AC_CUES, load_cues

        for cue_name, kws in load_cues().items():
            if cue_name in AC_CUES:
                add_concept(f"ctx.{cue_name}", kws)

        automaton = ahocorasick.Automaton()
        table: dict[str, set[int]] = {}
        for cid, kws in keywords.items():
            for kw in kws:
                v = _keyword_view(kw)
                if not v:
                    raise RuleLoadError(f"keyword {kw!r} of {names[cid]} is empty after normalisation")
                table.setdefault(v, set()).add(cid)
                if kw.isascii():
                    # the normaliser maps contiguous pinyin ("shuadan" -> 刷单); spaced pinyin ("shua dan") reaches the
                    # view as plain letters, so the raw ASCII form is matched too
                    raw = build_view(kw.lower())[0]
                    if raw and raw != v:
                        table.setdefault(raw, set()).add(cid)
        for v, cids in table.items():
            # short ASCII words ("app", "vx", "etc") and numbers ("95588") need a boundary; long pinyin
            # ("anquanzhanghu") does not: the normaliser may have removed the spaces around it
            strict = len(v) <= 4 or v.isdigit() or not v.isascii()
            automaton.add_word(v, (len(v), tuple(sorted(cids)), strict and v[0] in _ALNUM, strict and v[-1] in _ALNUM))
        if table:
            automaton.make_automaton()
        return cls(compiled, names, automaton if table else None, config, sources)

    # ---------------------------------------------------------------------------------------------------- matching
    def concept_id(self, name: str) -> int | None:
        return self.concept_ids.get(name)

    def scan(self, n: Normalized) -> Scan:
        view, vmap = build_view(n.text)
        hits: dict[int, list[KeywordHit]] = {}
        if self._automaton is None or not view:
            return Scan(n, view, vmap, hits)
        lv = len(view)
        for end, (klen, cids, left_an, right_an) in self._automaton.iter(view):
            start = end - klen + 1
            # ASCII keywords need a boundary: "app" must not match inside "happy", "95588" not inside a longer number
            if left_an and start > 0:
                prev = view[start - 1]
                first = view[start]
                if prev in _ALNUM and (prev in _DIGITS) == (first in _DIGITS):
                    if vmap is None or vmap[start - 1] == vmap[start] - 1:
                        continue
            if right_an and end + 1 < lv:
                nxt = view[end + 1]
                last = view[end]
                if nxt in _ALNUM and (nxt in _DIGITS) == (last in _DIGITS):
                    if vmap is None or vmap[end + 1] == vmap[end] + 1:
                        continue
            if vmap is None:
                h = _tnew(KeywordHit, (start, end + 1, start, end + 1))
            else:
                h = _tnew(KeywordHit, (start, end + 1, vmap[start], vmap[end] + 1))
            for cid in cids:
                lst = hits.get(cid)
                if lst is None:
                    hits[cid] = [h]
                else:
                    lst.append(h)
        return Scan(n, view, vmap, hits)

    def _term_hits(self, scan: Scan, term: frozenset[int]) -> list[KeywordHit]:
        if len(term) == 1:
            return scan.hits.get(next(iter(term)), [])
        out: list[KeywordHit] = []
        for cid in term:
            out.extend(scan.hits.get(cid, ()))
        out.sort(key=lambda h: h.vstart)
        return out

    def _suppressed(self, scan: Scan, rule: CompiledRule, vstart: int, vend: int) -> bool:
        if rule.none_term is None:
            return False
        w = rule.window
        for h in self._term_hits(scan, rule.none_term):
            if h.vend >= vstart - w and h.vstart <= vend + w:
                return True
        return False

    def _eval_rule(self, scan: Scan, rule: CompiledRule) -> list[tuple[int, int]] | None:
        spans: list[tuple[int, int]] = []
        vspan: tuple[int, int] | None = None
        if rule.any_term is not None:
            any_hits = self._term_hits(scan, rule.any_term)
            if not any_hits:
                return None
            for h in any_hits:
                if not self._suppressed(scan, rule, h.vstart, h.vend):
                    spans.append((h.start, h.end))
                    if vspan is None:
                        vspan = (h.vstart, h.vend)
            if not spans:
                return None
        if rule.all_terms:
            term_hits = [self._term_hits(scan, t) for t in rule.all_terms]
            if any(not th for th in term_hits):
                return None
            found = _min_window(term_hits, rule.window)
            if found is None:
                return None
            vs, ve, ns, ne = found
            if self._suppressed(scan, rule, vs, ve):
                return None
            if rule.any_term is None:
                spans = [(ns, ne)]
                vspan = (vs, ve)
        if rule.regex is not None:
            if rule.regex_on == "text":
                m = rule.regex.search(scan.n.text)
                if m is None:
                    return None
                return [(m.start(), max(m.end(), m.start() + 1))]
            m = rule.regex.search(scan.view)
            if m is None:
                return None
            if scan.vmap is None:
                spans = [(m.start(), m.end())]
            elif m.end() > m.start():
                spans = [(scan.vmap[m.start()], scan.vmap[m.end() - 1] + 1)]
        return spans

    def match(
        self,
        n: Normalized,
        scan: Scan | None = None,
        *,
        unnegated: Scan | None = None,
        undescribed: Scan | None = None,
    ) -> list[RuleHit]:
        """Every rule and composite that fires on ``n`` (spans in normalised-text offsets), in a stable order.

        ``unnegated`` is the scan without the keyword hits inside negation scopes (fanzha.screen.context): a
        negatable rule that fires only with those hits comes back with ``negated=True``. ``undescribed`` is the scan
        without the hits inside the scopes that describe (reported speech, a whole notice): it does the same for the
        rules marked ``negatable: false``, whose own words are negations but which can still be retold.
        """
        if scan is None:
            scan = self.scan(n)
        by_concept = self._by_concept
        candidates: dict[int, CompiledRule] = {}  # rank in id order -> rule
        for cid in scan.hits:
            rules = by_concept.get(cid)
            if rules is not None:
                for rank, r in rules:
                    candidates[rank] = r
        fired: dict[str, RuleHit] = {}
        present = scan.hits.keys()
        for rank in sorted(candidates):
            r = candidates[rank]
            if r.all_terms and _missing_term(present, r.all_terms):
                continue  # some co-occurrence term has no keyword in the text at all
            negated = False
            reduced = unnegated if r.negatable else undescribed
            if reduced is not None:
                spans = self._eval_rule(reduced, r)
                if not spans:
                    spans = self._eval_rule(scan, r)
                    negated = bool(spans)
            else:
                spans = self._eval_rule(scan, r)
            if spans:
                fired[r.id] = RuleHit(
                    rule_id=r.id,
                    kind="rule",
                    weight=r.weight,
                    base_weight=r.weight,
                    spans=tuple(spans),
                    typology=r.typology,
                    subtype=r.subtype,
                    category=r.category,
                    group=r.group,
                    why=r.why,
                    advice=r.advice,
                    negatable=r.negatable,
                    negated=negated,
                )
        if fired and self.composites:
            todo: set[int] = set()
            for rid in fired:
                todo |= self._composites_by_part.get(rid, set())
            for ci, c in enumerate(self.composites):  # definition order: a composite may use an earlier one
                if ci not in todo or not eval_expr(c.expr, fired):
                    continue
                parts = [fired[p] for p in c.parts if p in fired]
                if not parts:
                    continue
                firsts = sorted({s for p in parts for s in p.spans[:1]})
                lo, hi = firsts[0][0], max(e for _, e in firsts)
                cspans = ((lo, hi),) if hi - lo <= 120 else tuple(firsts)
                negated = any(p.negated for p in parts)
                if c.absorb:
                    # a composite that holds only because of negated keywords is weak evidence (the engine keeps
                    # negation_factor of it): it must not erase the full weight of its parts that are not negated
                    for p in parts:
                        if p.absorbed_by is None and (p.negated or not negated):
                            fired[p.rule_id] = _replace(p, weight=0.0, absorbed_by=c.id)
                todo |= self._composites_by_part.get(c.id, set())
                fired[c.id] = RuleHit(
                    rule_id=c.id,
                    kind="composite",
                    weight=c.weight,
                    base_weight=c.weight,
                    spans=cspans,
                    typology=c.typology,
                    subtype=c.subtype,
                    category=c.category,
                    group=c.group,
                    why=c.why,
                    advice=c.advice,
                    negatable=all(p.negatable for p in parts),
                    parts=tuple(p.rule_id for p in parts),
                    negated=negated,
                )
        return list(fired.values())

    def stats(self) -> dict[str, int]:
        return {
            "rules": len(self.rules),
            "composites": len(self.composites),
            "concepts": sum(1 for n in self.concept_names if "#" not in n and not n.startswith("ctx.")),
            "keywords": len(self._automaton) if self._automaton is not None else 0,
            "files": len(self.sources),
        }


def _missing_term(present: Any, terms: tuple[frozenset[int], ...]) -> bool:
    for t in terms:
        if present.isdisjoint(t):
            return True
    return False


def _replace(hit: RuleHit, **changes: Any) -> RuleHit:
    from dataclasses import replace

    return replace(hit, **changes)


def configured_dirs(rules_dirs: str | Sequence[str | Path] | None = None) -> tuple[str, ...]:
    if rules_dirs is None:
        from fanzha.config import get_settings

        rules_dirs = get_settings().rules_dirs
    if isinstance(rules_dirs, str):
        return tuple(p for p in rules_dirs.split(os.pathsep) if p.strip())
    return tuple(str(p) for p in rules_dirs)


@lru_cache(maxsize=8)
def _cached(dirs: tuple[str, ...]) -> RuleSet:
    return RuleSet.load(dirs)


def default_ruleset(rules_dirs: str | Sequence[str | Path] | None = None) -> RuleSet:
    """The packaged rules plus ``settings.rules_dirs`` (or the given folders); compiled once and cached."""
    return _cached(configured_dirs(rules_dirs))
