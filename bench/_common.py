"""What the corpus benchmarks share: the repository on sys.path, the corpus files and how their records are read.

    from _common import corpus_files, iter_records   # first import in a bench script (puts the repo on sys.path)

Texts are read from settings.data_dir (../shared/data, env FANZHA_DATA_DIR) and never written anywhere.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fanzha.config import get_settings  # noqa: E402
from fanzha.screen.labels import DEFAULT_FILES  # noqa: E402


def corpus_files(data_dir: Path | None = None) -> list[tuple[str, Path]]:
    """(file name, path) of every research corpus file, in the usual order; the path may not exist."""
    base = get_settings().data_dir if data_dir is None else data_dir
    return [(name, base / name) for name in DEFAULT_FILES]


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON records of a corpus file, blank lines skipped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def write_generated_section(path: Path, block: str, begin: str, end: str, heading: str) -> None:
    """Put ``block`` (which starts with ``begin`` and ends with ``end``) in place of the file's generated section
    between those markers, or append it under ``## heading`` when the file has none yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {heading}\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def naive_pipeline() -> Any:
    """The naive baseline the screening targets are measured against (issue #3): TF-IDF over character 1-3-grams +
    LinearSVC, scikit-learn defaults, unfitted. Every bench that reports "× naive" builds it here."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LinearSVC())
