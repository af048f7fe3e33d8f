"""Advice texts (fanzha/screen/advice.yaml): general lines, per typology, per category."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ADVICE_PATH = Path(__file__).resolve().parent / "advice.yaml"


@lru_cache(maxsize=1)
def load_advice(path: Path = ADVICE_PATH) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("general"), list):
        raise ValueError(f"{path}: needs a `general` list, `typology` and `category` mappings")
    return raw


def advice_for(*, category: str, typology: str | None, risk: str, rule_advice: Iterable[str | None] = ()) -> list[str]:
    """The advice lines of a verdict, most specific first, without duplicates."""
    data = load_advice()
    lines: list[str] = []
    if category == "fraud":
        lines.extend(a for a in rule_advice if a)
        if typology:
            lines.extend(data.get("typology", {}).get(typology, []))
        lines.extend(data["general"])
    elif category in ("spam", "illegal"):
        lines.extend(data.get("category", {}).get(category, []))
        if risk in ("low", "medium", "high"):
            lines.extend(data.get("category", {}).get("low", []))
    elif risk in ("low", "medium", "high"):
        lines.extend(a for a in rule_advice if a)
        lines.extend(data.get("category", {}).get("low", []))
    return list(dict.fromkeys(lines))
