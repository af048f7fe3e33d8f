"""The batched register import gives exactly what upserting the rows one by one gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from fanzha.cases import register
from fanzha.cases.register import IndicatorRow, apply_rows, apply_rows_one_by_one
from fanzha.db.models import Indicator
from fanzha.db.session import session_scope

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _rows(rng: random.Random, n: int) -> list[IndicatorRow]:
    """Rows over a small key space (many repeats inside the file), dated and undated, every status, official
    numbers (allowlisted whatever the row says), expiry dates and notes now and then."""
    out = []
    for _ in range(n):
        k = rng.randrange(60)
        kind, value = ("phone", f"1700000{k:04d}") if k < 50 else ("phone", ("96110", "95588", "110")[k % 3])
        first = T0 + timedelta(days=rng.randrange(90)) if rng.random() < 0.6 else None
        last = first + timedelta(days=rng.randrange(30)) if first is not None and rng.random() < 0.7 else None
        if rng.random() < 0.1:
            first, last = None, T0 + timedelta(days=rng.randrange(90))  # last_seen only
        out.append(
            IndicatorRow(
                kind=kind,
                value=value,
                display_value=f"{value} #{rng.randrange(100)}",
                status=rng.choice(("suspected", "suspected", "confirmed", "allowlisted")),
                first_seen=first,
                last_seen=last,
                report_count=rng.randrange(6),
                source=rng.choice(("import", "misp", "bank")),
                expires_at=T0 + timedelta(days=rng.randrange(400)) if rng.random() < 0.2 else None,
                note=f"备注{rng.randrange(10)}" if rng.random() < 0.3 else None,
            )
        )
    return out


def _one_by_one(session, rows: list[IndicatorRow]) -> tuple[int, int, int]:
    """The reference: the row-by-row merge the import did before it was batched."""
    res = apply_rows_one_by_one(session, rows)
    return res.created, res.updated, res.allowlisted


def _table(session, since: datetime) -> dict:
    """(kind, value) -> every column; a time set to "now" by an undated new row shows as "now"."""
    out = {}
    for i in session.scalars(select(Indicator)):

        def t(d):
            return "now" if d is not None and d >= since else d

        out[(i.kind, i.value)] = (
            i.display_value,
            t(i.first_seen),
            t(i.last_seen),
            i.report_count,
            i.source,
            i.status,
            i.expires_at,
            i.note,
        )
    return out


def test_batched_import_equals_row_by_row(db_url: str, monkeypatch) -> None:
    monkeypatch.setattr(register, "IMPORT_CHUNK", 7)  # many chunks, keys of one chunk repeated in others' rows
    rng = random.Random(11)
    preload, batch = _rows(rng, 40), _rows(rng, 400)
    since = datetime.now(UTC) - timedelta(seconds=1)
    results = []
    for apply in ("reference", "batched"):
        with session_scope(db_url) as s:
            s.query(Indicator).delete()
        with session_scope(db_url) as s:
            _one_by_one(s, preload)  # entries already in the register
        with session_scope(db_url) as s:
            if apply == "reference":
                counts = _one_by_one(s, batch)
            else:
                res = apply_rows(s, batch)
                counts = (res.created, res.updated, res.allowlisted)
        with session_scope(db_url) as s:
            results.append((counts, _table(s, since)))
    (ref_counts, ref_table), (got_counts, got_table) = results
    assert got_table == ref_table
    assert got_counts == ref_counts
    assert ref_counts[0] > 0 and ref_counts[1] > 0 and ref_counts[2] > 0
    assert {v[5] for v in ref_table.values()} == {"suspected", "confirmed", "allowlisted"}
