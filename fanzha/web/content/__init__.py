"""Content of the public pages as data: scam-type pages and the self-check advice (YAML next to this module)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

CONTENT_DIR = Path(__file__).resolve().parent


class ScamType(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    title: str
    typology: str | None = None
    summary: str
    how: list[str]
    signals: list[str]
    protect: list[str]
    if_scammed: list[str] = []


class ScamTypes(BaseModel):
    model_config = ConfigDict(frozen=True)

    types: list[ScamType]
    general_if_scammed: list[str]

    def by_slug(self, slug: str) -> ScamType | None:
        return next((t for t in self.types if t.slug == slug), None)

    def by_typology(self, typology: str | None) -> ScamType | None:
        if not typology:
            return None
        return next((t for t in self.types if t.typology == typology), None)


@lru_cache(maxsize=1)
def scam_types() -> ScamTypes:
    data = yaml.safe_load((CONTENT_DIR / "scam_types.yaml").read_text(encoding="utf-8"))
    return ScamTypes.model_validate(data)


@lru_cache(maxsize=1)
def public_advice() -> dict[str, Any]:
    data = yaml.safe_load((CONTENT_DIR / "public_advice.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("public_advice.yaml must be a mapping")
    return data
