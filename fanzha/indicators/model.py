"""Result types of the indicator package (frozen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fanzha.domain import Evidence

KINDS: tuple[str, ...] = ("url", "domain", "ip", "phone", "qq", "wechat", "alipay", "bank_card", "app", "amount")
CHECK_KINDS: tuple[str, ...] = ("url", "domain", "ip", "phone", "bank_card", "qq", "wechat", "alipay", "app")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator found in a text.

    ``span`` is a [start, end) span of the ORIGINAL text; ``raw`` is ``text[span[0]:span[1]]``.
    ``recognizer`` and ``why`` explain which recognizer found it and on what grounds (presidio-style).
    """

    kind: str
    raw: str
    normalized: str
    span: tuple[int, int]
    context: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    recognizer: str = ""
    why: str = ""
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "raw": self.raw,
            "normalized": self.normalized,
            "span": list(self.span),
            "context": dict(self.context) if self.context else {},
            "recognizer": self.recognizer,
            "why": self.why,
            "score": self.score,
        }


RISK_ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one indicator value (``fanzha.indicators.check``)."""

    kind: str
    normalized: str
    risky: bool
    risk: str  # high | medium | low | none
    reasons: list[str]
    details: dict[str, Any]
    evidence: list[Evidence]

    def to_record(self, id_: object = None) -> dict[str, Any]:
        """The JSONL / API record: {"id", "kind", "normalized", "risky", "risk", "reasons", "details"}."""
        rec: dict[str, Any] = {} if id_ is None else {"id": id_}
        rec.update(
            {
                "kind": self.kind,
                "normalized": self.normalized,
                "risky": self.risky,
                "risk": self.risk,
                "reasons": list(self.reasons),
                "details": self.details,
            }
        )
        return rec
