"""Shared fixtures. Database fixtures (SQLite + PostgreSQL) live in tests/db_fixtures.py."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fanzha.config import get_settings

pytest_plugins = ["tests.db_fixtures"]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def corpus_dir() -> Path:
    return Path(os.environ.get("FANZHA_DATA_DIR", str(get_settings().data_dir)))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The research corpora in ../shared/data (never committed). Tests that need them skip when absent."""
    d = corpus_dir()
    if not (d / "tft8_typed_fraud.jsonl").exists():
        pytest.skip(f"research corpora not found at {d} (set FANZHA_DATA_DIR); corpus tests skipped")
    return d


def read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _fresh_anonymous_api_limiter() -> Iterator[None]:
    """Each test starts with an empty anonymous-API rate-limit window (the limiter is per process)."""
    from fanzha.api.deps import anonymous_api_limiter

    anonymous_api_limiter.reset()
    yield
    anonymous_api_limiter.reset()
