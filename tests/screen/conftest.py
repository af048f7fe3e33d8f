"""Fixtures for the screening tests: the packaged rule set and engines with and without the statistical model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from fanzha.screen.engine import Engine, _load_indicators, _load_model
from fanzha.screen.rules import RuleSet

DATA = Path(__file__).resolve().parent / "data"


def load_data(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return RuleSet.load()


@pytest.fixture(scope="session")
def engine_rules_only(ruleset: RuleSet) -> Engine:
    """Rules + context only: no model, no indicators (the engine must work without them)."""
    return Engine(ruleset, None, None, max_chars=100_000)


@pytest.fixture(scope="session")
def engine_full(ruleset: RuleSet) -> Engine:
    """Everything installed here: rules + context + indicators + the model artifact when present."""
    return Engine(ruleset, _load_model(), _load_indicators(), max_chars=100_000)
