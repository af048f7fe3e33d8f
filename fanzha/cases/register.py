"""The indicator register (线索库): one row per (kind, normalised value), upserted by case intake and imports.

- Values are normalised with ``fanzha.indicators.normalize_value(kind, value)`` (engineer I), the register's key.
- Official numbers and domains (``fanzha.indicators.official.is_allowlisted``) are stored with status
  ``allowlisted`` and can never be flagged (confirmed / suspected), whatever an import or a case says.
- Merging is idempotent: first_seen = min, last_seen = max, report_count = max (imports) or +1 (a new case report),
  status only rises (suspected < confirmed; allowlisted wins).
- Imports (CSV or MISP-style JSON) are validated completely before anything is written and run in ONE transaction:
  a malformed row raises ``ImportFailed`` naming the row, nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fanzha.db.base import UTCDateTime, utcnow
from fanzha.db.models import INDICATOR_STATUSES, Indicator
from fanzha.indicators import detect_kind, normalize_value
from fanzha.indicators.official import is_allowlisted as official_is_allowlisted

KINDS: tuple[str, ...] = ("url", "domain", "ip", "phone", "qq", "wechat", "alipay", "bank_card", "app")
STATUS_RANK = {"suspected": 0, "confirmed": 1, "allowlisted": 2}
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 200_000
CSV_FIELDS = (
    "kind",
    "value",
    "display_value",
    "status",
    "first_seen",
    "last_seen",
    "report_count",
    "source",
    "expires_at",
    "note",
)

# MISP attribute types <-> register kinds. Kinds MISP has no type for travel as "text" with a fanzha:kind tag.
MISP_TYPE_OF_KIND = {
    "url": "url",
    "domain": "domain",
    "ip": "ip-dst",
    "phone": "phone-number",
    "bank_card": "bank-account-nr",
    "qq": "text",
    "wechat": "text",
    "alipay": "text",
    "app": "text",
}
KIND_OF_MISP_TYPE = {
    "url": "url",
    "link": "url",
    "uri": "url",
    "domain": "domain",
    "hostname": "domain",
    "ip-dst": "ip",
    "ip-src": "ip",
    "phone-number": "phone",
    "whois-registrant-phone": "phone",
    "bank-account-nr": "bank_card",
    "iban": "bank_card",
}


class ImportFailed(ValueError):
    """A malformed import: ``row`` is 1-based (CSV: the header is row 1; JSON: the attribute's position)."""

    def __init__(self, row: int | None, message: str) -> None:
        self.row = row
        self.message = message
        super().__init__(f"row {row}: {message}" if row is not None else message)


# --- normalisation and allowlist: engineer I's functions (fanzha.indicators) -------------------------------------


def normalize(kind: str, value: str) -> str:
    """The canonical register key of ``value`` (raises ValueError for an unknown kind or an empty value)."""
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not value or not value.strip():
        raise ValueError("empty indicator value")
    out = normalize_value(kind, value)
    if not out:
        raise ValueError(f"{kind} value {value!r} normalises to nothing")
    if len(out) > 512:
        raise ValueError("indicator value longer than 512 characters")
    return out


def is_allowlisted(kind: str, normalized: str) -> bool:
    return bool(official_is_allowlisted(kind, normalized))


# --- upsert -------------------------------------------------------------------------------------------------------


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _ts(v: datetime | None) -> datetime:
    if v is None:
        return utcnow()
    return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def upsert_indicator(
    session: Session,
    *,
    kind: str,
    value: str,
    source: str = "",
    status: str = "suspected",
    seen_at: datetime | None = None,
    first_seen: datetime | None = None,
    report_count: int | None = None,
    add_report: bool = False,
    display_value: str | None = None,
    expires_at: datetime | None = None,
    note: str | None = None,
    normalized: bool = False,
) -> Indicator:
    """Insert or merge one register row (safe under concurrent writers: INSERT .. ON CONFLICT DO NOTHING + UPDATE).

    ``add_report=True`` counts one more report (a case); otherwise ``report_count`` is merged with max().
    Returns the row (flushed, in ``session``).
    """
    if status not in INDICATOR_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    key = value if normalized else normalize(kind, value)
    if is_allowlisted(kind, key):
        status = "allowlisted"
    # Without a date nothing about "seen" changes on an existing row (re-importing a dateless file is a no-op).
    dated = seen_at is not None or first_seen is not None
    last = _ts(seen_at if seen_at is not None else first_seen)
    first = _ts(first_seen) if first_seen is not None else last
    if first > last:
        first, last = last, first
    count = report_count if report_count is not None else (1 if add_report else 0)
    disp = (display_value if display_value is not None else value.strip())[:512]
    ins = _insert(session)(Indicator).values(
        kind=kind,
        value=key,
        display_value=disp,
        first_seen=first,
        last_seen=last,
        report_count=0,
        source=(source or "")[:64],
        status=status,
        expires_at=_ts(expires_at) if expires_at else None,
        note=note,
    )
    session.execute(ins.on_conflict_do_nothing(index_elements=["kind", "value"]))
    t_first = literal(first, UTCDateTime())
    t_last = literal(last, UTCDateTime())
    rank = case(
        (Indicator.status == "allowlisted", 2),
        (Indicator.status == "confirmed", 1),
        else_=0,
    )
    new_status = case((rank >= STATUS_RANK[status], Indicator.status), else_=literal(status))
    values: dict[str, Any] = {
        "status": new_status,
        "report_count": (
            Indicator.report_count + 1
            if add_report
            else case((Indicator.report_count < count, count), else_=Indicator.report_count)
        ),
    }
    if dated:
        values["first_seen"] = case((Indicator.first_seen > t_first, t_first), else_=Indicator.first_seen)
        values["last_seen"] = case((Indicator.last_seen < t_last, t_last), else_=Indicator.last_seen)
    if expires_at is not None:
        values["expires_at"] = _ts(expires_at)
    if note:
        values["note"] = note
    where = and_(Indicator.kind == kind, Indicator.value == key)
    session.execute(update(Indicator).where(where).values(**values).execution_options(synchronize_session=False))
    row = session.scalar(select(Indicator).where(where).execution_options(populate_existing=True))
    assert row is not None
    return row


def update_entry(
    session: Session,
    indicator_id: int,
    *,
    status: str | None = None,
    expires_at: datetime | None = None,
    clear_expiry: bool = False,
    note: str | None = None,
) -> Indicator | None:
    """Set an entry's status / expiry / note explicitly (may lower the status, unlike merges).

    An official value stays ``allowlisted`` whatever is asked (ValueError), and a non-official value can be
    allowlisted by hand (e.g. a local bank branch number). None when the entry does not exist.
    """
    row = session.get(Indicator, indicator_id)
    if row is None:
        return None
    if status is not None:
        if status not in INDICATOR_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if status != "allowlisted" and is_allowlisted(row.kind, row.value):
            raise ValueError(f"{row.kind} {row.value} is an official value and can never be flagged")
        row.status = status
    if clear_expiry:
        row.expires_at = None
    elif expires_at is not None:
        row.expires_at = _ts(expires_at)
    if note is not None:
        row.note = note or None
    session.flush()
    return row


# --- queries ------------------------------------------------------------------------------------------------------


def find(session: Session, kind: str, value: str) -> Indicator | None:
    return session.scalar(select(Indicator).where(Indicator.kind == kind, Indicator.value == normalize(kind, value)))


def _filtered(
    stmt: Select[Any], *, kind: str | None, status: str | None, q: str | None, include_expired: bool
) -> Select[Any]:
    if kind:
        stmt = stmt.where(Indicator.kind == kind)
    if status:
        stmt = stmt.where(Indicator.status == status)
    if q:
        esc = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Indicator.value.like(f"%{esc}%", escape="\\"))
    if not include_expired:
        now = literal(utcnow(), UTCDateTime())
        stmt = stmt.where((Indicator.expires_at.is_(None)) | (Indicator.expires_at > now))
    return stmt


def list_indicators(
    session: Session,
    *,
    kind: str | None = None,
    status: str | None = None,
    q: str | None = None,
    include_expired: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Indicator], int]:
    base = _filtered(select(Indicator), kind=kind, status=status, q=q, include_expired=include_expired)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(Indicator.last_seen.desc(), Indicator.id.desc()).offset(offset).limit(limit)
    ).all()
    return list(rows), int(total)


def all_indicators(session: Session, *, include_expired: bool = True) -> Sequence[Indicator]:
    stmt = _filtered(select(Indicator), kind=None, status=None, q=None, include_expired=include_expired)
    return session.scalars(stmt.order_by(Indicator.kind, Indicator.value)).all()


# --- import / export ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    kind: str
    value: str  # normalised
    display_value: str
    status: str
    first_seen: datetime | None
    last_seen: datetime | None
    report_count: int
    source: str
    expires_at: datetime | None
    note: str | None


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    allowlisted: int = 0
    errors: list[str] = field(default_factory=list)


def _parse_dt(s: Any, what: str) -> datetime | None:
    if s is None or (isinstance(s, str) and not s.strip()):
        return None
    if isinstance(s, int | float) and not isinstance(s, bool):
        try:
            return datetime.fromtimestamp(float(s), UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"bad {what} timestamp {s!r}") from exc
    if not isinstance(s, str):
        raise ValueError(f"bad {what}: {s!r}")
    try:
        d = datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"bad {what} date {s!r} (ISO 8601 expected)") from exc
    return _ts(d)


def _row(raw: dict[str, Any], *, default_source: str) -> IndicatorRow:
    kind = str(raw.get("kind") or "").strip().lower()
    value = raw.get("value")
    if not isinstance(value, str) or not value.strip():
        raise ValueError("missing value")
    key = normalize(kind, value)
    status = str(raw.get("status") or "suspected").strip().lower()
    if status not in INDICATOR_STATUSES:
        raise ValueError(f"unknown status {status!r} (expected {', '.join(INDICATOR_STATUSES)})")
    rc_raw = raw.get("report_count")
    try:
        rc = int(rc_raw) if rc_raw not in (None, "") else 0
    except (TypeError, ValueError) as exc:
        raise ValueError(f"report_count {rc_raw!r} is not an integer") from exc
    if rc < 0 or rc > 10_000_000:
        raise ValueError(f"report_count {rc} out of range")
    first = _parse_dt(raw.get("first_seen"), "first_seen")
    last = _parse_dt(raw.get("last_seen"), "last_seen")
    disp = raw.get("display_value")
    note = raw.get("note")
    return IndicatorRow(
        kind=kind,
        value=key,
        display_value=(disp if isinstance(disp, str) and disp else value.strip())[:512],
        status=status,
        first_seen=first,
        last_seen=last,
        report_count=rc,
        source=str(raw.get("source") or default_source)[:64],
        expires_at=_parse_dt(raw.get("expires_at"), "expires_at"),
        note=str(note)[:2000] if note else None,
    )


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFailed(None, f"file larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
    if b"\x00" in data:
        raise ImportFailed(None, "binary data (NUL bytes) is not a CSV/JSON text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(None, f"not UTF-8 text (byte {exc.start})") from exc


def parse_csv(data: bytes, *, default_source: str = "import") -> list[IndicatorRow]:
    """Validate every row of a register CSV (header with at least kind,value). Raises ImportFailed(row, why)."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"kind", "value"} <= {f.strip().lower() for f in reader.fieldnames if f}:
        raise ImportFailed(1, "header must name at least the columns kind and value")
    rows: list[IndicatorRow] = []
    try:
        for i, raw in enumerate(reader, start=2):
            if len(rows) >= MAX_IMPORT_ROWS:
                raise ImportFailed(i, f"more than {MAX_IMPORT_ROWS} rows")
            if None in raw:
                raise ImportFailed(i, "more fields than the header has")
            clean = {(k or "").strip().lower(): _csv_unsafe(v) for k, v in raw.items()}
            if not any(clean.values()):
                continue  # blank line
            try:
                rows.append(_row(clean, default_source=default_source))
            except ValueError as exc:
                raise ImportFailed(i, str(exc)) from exc
    except csv.Error as exc:
        raise ImportFailed(reader.line_num, f"malformed CSV: {exc}") from exc
    return rows


def _tags(attr: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    tags = attr.get("Tag") or []
    if not isinstance(tags, list):
        return out
    for t in tags:
        name = t.get("name") if isinstance(t, dict) else t
        if isinstance(name, str) and name.startswith("fanzha:") and "=" in name:
            k, _, v = name[len("fanzha:") :].partition("=")
            out[k] = v
    return out


def parse_misp(data: bytes, *, default_source: str = "misp") -> list[IndicatorRow]:
    """Validate a MISP-style event (``{"Event": {"Attribute": [...]}}``, or a bare attribute list)."""
    text = _decode(data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(None, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if isinstance(doc, dict) and isinstance(doc.get("response"), list) and doc["response"]:
        doc = doc["response"][0]
    event = doc.get("Event", doc) if isinstance(doc, dict) else None
    attrs = event.get("Attribute") if isinstance(event, dict) else doc if isinstance(doc, list) else None
    if not isinstance(attrs, list):
        raise ImportFailed(None, 'expected a MISP event {"Event": {"Attribute": [...]}}')
    if len(attrs) > MAX_IMPORT_ROWS:
        raise ImportFailed(None, f"more than {MAX_IMPORT_ROWS} attributes")
    rows: list[IndicatorRow] = []
    for i, attr in enumerate(attrs, start=1):
        try:
            if not isinstance(attr, dict):
                raise ValueError("attribute is not an object")
            tags = _tags(attr)
            mtype = str(attr.get("type") or "").strip().lower()
            kind = tags.get("kind") or KIND_OF_MISP_TYPE.get(mtype)
            value = attr.get("value")
            if kind is None and isinstance(value, str):
                kind = _detect_kind(value)
            if kind is None:
                raise ValueError(f"cannot map MISP type {mtype!r} to an indicator kind")
            raw = {
                "kind": kind,
                "value": value,
                "status": tags.get("status") or ("confirmed" if attr.get("to_ids") is True else "suspected"),
                "first_seen": attr.get("first_seen"),
                "last_seen": attr.get("last_seen"),
                "report_count": tags.get("reports"),
                "source": tags.get("source") or default_source,
                "expires_at": tags.get("expires"),
                "note": attr.get("comment") or None,
            }
            rows.append(_row(raw, default_source=default_source))
        except ValueError as exc:
            raise ImportFailed(i, str(exc)) from exc
    return rows


def _detect_kind(value: str) -> str | None:
    k = detect_kind(value)
    return k if k in KINDS else None


IMPORT_CHUNK = 1000  # distinct (kind, value) keys per SELECT / INSERT / UPDATE batch


@dataclass
class _Merged:
    """Several rows of one import for the same (kind, value), folded in file order like successive upserts."""

    first_row: IndicatorRow
    rows: int = 0
    first: datetime | None = None  # earliest first_seen of the dated rows (None: no dated row)
    last: datetime | None = None
    count: int = 0
    rank: int = 0
    expires_at: datetime | None = None  # the last one given wins
    note: str | None = None  # the last non-empty one wins
    undated_first: bool = False  # the first row had no date (a new entry then starts at "now")
    allow_from: int | None = None  # 0-based index of the first row whose own status is allowlisted

    def add(self, r: IndicatorRow) -> None:
        self.rows += 1
        seen = r.last_seen or r.first_seen
        if seen is not None:
            last = _ts(seen)
            first = _ts(r.first_seen) if r.first_seen is not None else last
            if first > last:
                first, last = last, first
            self.first = first if self.first is None else min(self.first, first)
            self.last = last if self.last is None else max(self.last, last)
        elif self.rows == 1:
            self.undated_first = True
        self.count = max(self.count, r.report_count)
        self.rank = max(self.rank, STATUS_RANK[r.status])
        if r.status == "allowlisted" and self.allow_from is None:
            self.allow_from = self.rows - 1
        if r.expires_at is not None:
            self.expires_at = _ts(r.expires_at)
        if r.note:
            self.note = r.note


_RANK_STATUS = {v: k for k, v in STATUS_RANK.items()}


def _merge_update_stmt(*, dated: bool) -> Any:
    """UPDATE of one existing entry by id, merged in SQL (safe against a concurrent writer): executemany-able."""
    t_first = bindparam("m_first", type_=UTCDateTime())
    t_last = bindparam("m_last", type_=UTCDateTime())
    rank = case((Indicator.status == "allowlisted", 2), (Indicator.status == "confirmed", 1), else_=0)
    values: dict[str, Any] = {
        "status": case((rank >= bindparam("m_rank"), Indicator.status), else_=bindparam("m_status")),
        "report_count": case(
            (Indicator.report_count < bindparam("m_count"), bindparam("m_count")), else_=Indicator.report_count
        ),
        "expires_at": func.coalesce(bindparam("m_expires", type_=UTCDateTime()), Indicator.expires_at),
        "note": func.coalesce(bindparam("m_note"), Indicator.note),
    }
    if dated:
        values["first_seen"] = case((Indicator.first_seen > t_first, t_first), else_=Indicator.first_seen)
        values["last_seen"] = case((Indicator.last_seen < t_last, t_last), else_=Indicator.last_seen)
    return update(Indicator).where(Indicator.id == bindparam("m_id")).values(**values)


def _merge_existing(session: Session, merged: list[tuple[int, _Merged]]) -> None:
    for dated in (True, False):
        params = [
            {
                "m_id": iid,
                "m_first": m.first,
                "m_last": m.last,
                "m_rank": m.rank,
                "m_status": _RANK_STATUS[m.rank],
                "m_count": m.count,
                "m_expires": m.expires_at,
                "m_note": m.note,
            }
            for iid, m in merged
            if (m.first is not None) == dated
        ]
        if params:
            session.connection().execute(_merge_update_stmt(dated=dated), params)


def _existing(conn: Any, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, value) -> (id, status) of the keys already in the register: one index look-up per kind
    (``kind = :k AND value IN (...)`` uses the unique (kind, value) index; a row-value IN list does not on
    PostgreSQL)."""
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    out: dict[tuple[str, str], tuple[int, str]] = {}
    pg = conn.dialect.name == "postgresql"
    for kind, values in by_kind.items():
        stmt = select(Indicator.id, Indicator.value, Indicator.status).where(Indicator.kind == kind)
        if pg:
            # one array parameter joined as a table: linear whatever the planner's statistics say (an IN list of
            # 1000 parameters was re-scanned for every row when the register had just been filled: 0.3 s a query)
            vals = (
                func.unnest(bindparam("vals", values, type_=PG_ARRAY(String)))
                .table_valued("v")
                .render_derived(name="vals")
            )
            stmt = stmt.join(vals, Indicator.value == vals.c.v)
        else:
            stmt = stmt.where(Indicator.value.in_(values))
        for iid, value, status in conn.execute(stmt):
            out[(kind, value)] = (iid, status)
    return out


def apply_rows(session: Session, rows: Iterable[IndicatorRow]) -> ImportResult:
    """Merge validated rows into the register inside the caller's transaction (commit/rollback is the caller's).

    Batched: rows are grouped by (kind, value) and folded in file order; per chunk of IMPORT_CHUNK keys one SELECT
    finds the existing entries, one multi-row INSERT .. ON CONFLICT DO NOTHING adds the new ones and one executemany
    UPDATE merges the rest (in SQL, so a concurrent writer's change is merged, not overwritten). Same result as
    upserting the rows one by one (``upsert_indicator``); keys are written in sorted order (no lock-order deadlocks).
    """
    res = ImportResult()
    merged: dict[tuple[str, str], _Merged] = {}
    for r in rows:
        res.rows += 1
        m = merged.get((r.kind, r.value))
        if m is None:
            m = merged[(r.kind, r.value)] = _Merged(first_row=r)
        m.add(r)
    for key, m in merged.items():
        if is_allowlisted(*key):
            m.rank = STATUS_RANK["allowlisted"]
    keys = sorted(merged)
    ins = _insert(session)
    conn = session.connection()
    now = utcnow()
    for i in range(0, len(keys), IMPORT_CHUNK):
        chunk = keys[i : i + IMPORT_CHUNK]
        existing = _existing(conn, chunk)
        new_keys = [k for k in chunk if k not in existing]
        inserted: set[tuple[str, str]] = set()
        if new_keys:
            values = []
            for k in new_keys:
                m, r = merged[k], merged[k].first_row
                first, last = (now, now) if m.undated_first or m.first is None else (m.first, m.last)
                if m.undated_first and m.first is not None:  # later dated rows widen the span around "now"
                    first, last = min(now, m.first), max(now, m.last or now)
                values.append(
                    {
                        "kind": k[0],
                        "value": k[1],
                        "display_value": r.display_value[:512],
                        "first_seen": first,
                        "last_seen": last,
                        "report_count": m.count,
                        "source": (r.source or "")[:64],
                        "status": _RANK_STATUS[m.rank],
                        "expires_at": m.expires_at,
                        "note": m.note,
                    }
                )
            table = Indicator.__table__
            stmt = (
                ins(table)
                .on_conflict_do_nothing(index_elements=["kind", "value"])
                .returning(table.c.kind, table.c.value)
            )
            # executemany: one cached statement, sent as multi-row INSERTs (SQLAlchemy "insertmanyvalues")
            inserted = {(kind, value) for kind, value in conn.execute(stmt, values)}
        # entries that existed, plus any a concurrent writer inserted since the SELECT
        raced = [k for k in new_keys if k not in inserted]
        if raced:
            existing.update(_existing(conn, raced))
        _merge_existing(session, [(existing[k][0], merged[k]) for k in chunk if k in existing and k not in inserted])
        for k in chunk:
            m = merged[k]
            was_there = k not in inserted
            res.created += int(not was_there)
            res.updated += m.rows - int(not was_there)
            # rows after which the entry is allowlisted: all of them for an official value or an entry that was
            # allowlisted already, else those from the first row that says so
            if is_allowlisted(*k) or (was_there and existing[k][1] == "allowlisted"):
                res.allowlisted += m.rows
            elif m.allow_from is not None:
                res.allowlisted += m.rows - m.allow_from
    return res


def apply_rows_one_by_one(session: Session, rows: Iterable[IndicatorRow]) -> ImportResult:
    """The reference path: the row-by-row merge the import did before it was batched (a look-up and an
    ``upsert_indicator`` per row). Not used by the import itself; the tests check ``apply_rows`` against it and
    bench/register_bench.py times it as the naive baseline."""
    res = ImportResult()
    seen: set[tuple[str, str]] = set()
    for r in rows:
        res.rows += 1
        existed = (r.kind, r.value) in seen or session.scalar(
            select(Indicator.id).where(Indicator.kind == r.kind, Indicator.value == r.value)
        ) is not None
        seen.add((r.kind, r.value))
        row = upsert_indicator(
            session,
            kind=r.kind,
            value=r.value,
            normalized=True,
            source=r.source,
            status=r.status,
            seen_at=r.last_seen or r.first_seen,
            first_seen=r.first_seen,
            report_count=r.report_count,
            display_value=r.display_value,
            expires_at=r.expires_at,
            note=r.note,
        )
        res.updated += int(existed)
        res.created += int(not existed)
        res.allowlisted += int(row.status == "allowlisted")
    return res


def import_bytes(session: Session, data: bytes, *, fmt: str, source: str = "import") -> ImportResult:
    """Parse (all rows validated first) and merge; raises ImportFailed before writing anything on a bad row."""
    if fmt == "csv":
        rows = parse_csv(data, default_source=source)
    elif fmt in {"json", "misp"}:
        rows = parse_misp(data, default_source=source)
    else:
        raise ImportFailed(None, f"unknown format {fmt!r} (csv or json)")
    return apply_rows(session, rows)


def _iso(d: datetime | None) -> str:
    return d.astimezone(UTC).isoformat() if d else ""


def export_csv(indicators: Iterable[Indicator]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for i in indicators:
        w.writerow(
            [
                i.kind,
                i.value,
                _csv_safe(i.display_value),
                i.status,
                _iso(i.first_seen),
                _iso(i.last_seen),
                i.report_count,
                _csv_safe(i.source),
                _iso(i.expires_at),
                _csv_safe(i.note or ""),
            ]
        )
    return buf.getvalue()


def _csv_unsafe(v: Any) -> Any:
    """Undo ``_csv_safe`` on import (and strip whitespace)."""
    if not isinstance(v, str):
        return v
    v = v.strip()
    return v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@") else v


def _csv_safe(s: str) -> str:
    """Neutralise spreadsheet formula injection in free-text cells."""
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def export_misp(indicators: Iterable[Indicator], *, info: str = "fanzha 反诈 indicator register") -> dict[str, Any]:
    now = utcnow()
    attrs = []
    for i in indicators:
        tags = [
            {"name": f"fanzha:kind={i.kind}"},
            {"name": f"fanzha:status={i.status}"},
            {"name": f"fanzha:reports={i.report_count}"},
        ]
        if i.source:
            tags.append({"name": f"fanzha:source={i.source}"})
        if i.expires_at:
            tags.append({"name": f"fanzha:expires={_iso(i.expires_at)}"})
        attrs.append(
            {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"fanzha:{i.kind}:{i.value}")),
                "type": MISP_TYPE_OF_KIND.get(i.kind, "text"),
                "category": "Financial fraud" if i.kind in {"bank_card", "alipay"} else "Network activity",
                "value": i.value,
                "comment": i.note or "",
                "to_ids": i.status == "confirmed",
                "first_seen": _iso(i.first_seen),
                "last_seen": _iso(i.last_seen),
                "Tag": tags,
            }
        )
    return {
        "Event": {
            "info": info,
            "date": now.date().isoformat(),
            "timestamp": str(int(now.timestamp())),
            "analysis": "2",
            "threat_level_id": "2",
            "Attribute": attrs,
        }
    }


def to_record(i: Indicator) -> dict[str, Any]:
    return {
        "id": i.id,
        "kind": i.kind,
        "value": i.value,
        "display_value": i.display_value,
        "status": i.status,
        "first_seen": i.first_seen,
        "last_seen": i.last_seen,
        "report_count": i.report_count,
        "source": i.source,
        "expires_at": i.expires_at,
        "note": i.note,
    }
