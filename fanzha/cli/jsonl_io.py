"""The JSONL ``--input`` / ``--output`` plumbing shared by ``fanzha screen``, ``fanzha check`` and ``fanzha extract``.

``-`` means stdin / stdout. Output files are written to a temporary file next to the target and renamed over it only
when the whole run succeeded, so a failed run never leaves a half-written file. Each command keeps its own per-line
parsing (and error messages) and its own record format; this module only opens, numbers and writes lines.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

MAX_LINE_BYTES = 1_000_000

_L = TypeVar("_L", str, bytes)


@contextmanager
def open_text_in(path: str) -> Iterator[IO[str]]:
    """stdin, or ``path`` read as UTF-8 (undecodable bytes replaced)."""
    if path == "-":
        yield sys.stdin
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        yield fh


@contextmanager
def open_bytes_in(path: str) -> Iterator[IO[bytes]]:
    """stdin's buffer, or ``path`` opened in binary (for callers that report undecodable lines themselves)."""
    if path == "-":
        yield sys.stdin.buffer
        return
    with Path(path).open("rb") as fh:
        yield fh


@contextmanager
def open_out(path: str) -> Iterator[IO[str]]:
    """stdout, or a temporary file renamed over ``path`` only when the whole run succeeded (no half-written file).
    An existing target that is not a regular file (``/dev/null``, a named pipe) is written to directly."""
    if path == "-":
        yield sys.stdout
        return
    target = Path(path)
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8") as fh:
            yield fh
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def capped_lines(fh: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines of a binary stream; an over-long line is cut at ``max_bytes + 1`` bytes (so the caller can report it as
    too long), never read whole."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line
                rest = fh.readline(max_bytes)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def numbered(lines: Iterable[_L]) -> Iterator[tuple[int, _L]]:
    """(1-based line number, line) for the non-blank lines; blank lines are skipped but still counted."""
    for lineno, line in enumerate(lines, 1):
        if line.strip():
            yield lineno, line


def parse_object(line: str | bytes, lineno: int, *, bad_json: str = "malformed JSON") -> dict[str, Any] | str:
    """The JSON object on input line ``lineno``, or the error message for it (``bad_json`` names a parse failure)."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"line {lineno}: {bad_json} ({exc.msg})"
    if not isinstance(obj, dict):
        return f"line {lineno}: expected a JSON object"
    return obj


def write_record(dst: IO[str], rec: dict[str, Any]) -> None:
    dst.write(json.dumps(rec, ensure_ascii=False) + "\n")


def count_lines(path: str) -> int | None:
    """Non-blank lines of ``path`` (for a progress total); None for stdin or an unreadable file."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return None
