"""The contract between the screening engine and the statistical model (see fanzha.screen.model).

The model reads the NORMALISED text (fanzha.text.normalize(...).text); feature offsets refer to that text and the
engine maps them back to the original with Normalized.to_original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ModelFeature:
    ngram: str
    start: int
    end: int
    weight: float  # contribution to the fraud logit (coef * tf-idf value)


@dataclass(frozen=True, slots=True)
class ModelOutput:
    fraud_prob: float  # calibrated P(fraud)
    category_probs: dict[str, float]  # keys: fraud / spam / illegal / normal (fanzha.domain.Category values)
    type: str | None  # best fanzha.domain.Typology value, None when not fraud-like
    type_prob: float
    features: tuple[ModelFeature, ...] = field(default=())  # strongest contributing n-grams, for the evidence


class ScreeningModel(Protocol):
    def analyse(self, texts: Sequence[str], *, explain: bool = True) -> list[ModelOutput]: ...
