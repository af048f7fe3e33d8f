"""Cases: create (with victim, indicators and transfers), audited reads, search, optimistic-locked updates, export.

Every function works in the caller's session and does not commit (the API route or ``session_scope`` does), so a
failure anywhere leaves nothing half-written. Every read and write of a case or victim adds an audit row.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from fanzha.api.security import Role
from fanzha.cases.audit import audit
from fanzha.cases.linking import LinkResult, linked_cases
from fanzha.cases.register import _insert, normalize, upsert_indicator
from fanzha.cases.schemas import (
    CaseCreate,
    CaseIndicatorPublic,
    CasePublic,
    CaseSummary,
    CaseUpdate,
    IndicatorRef,
    LinkedCase,
    LinkResultPublic,
    SharedIndicator,
    TransferIn,
    TransferPublic,
    VictimIn,
    VictimPublic,
    account_kind,
    fen_to_yuan,
    yuan_to_fen,
)
from fanzha.db.base import UTCDateTime, utcnow
from fanzha.db.models import Case, CaseIndicator, Indicator, Transfer, User, Victim
from fanzha.db.session import SessionLocal
from fanzha.privacy import mask_account, mask_indicator, mask_name, mask_phone, mask_text

log = logging.getLogger(__name__)

# Roles that see victims' personal data in clear (others get it masked); everything is audited either way.
FULL_VIEW_ROLES = frozenset({Role.DESK_OFFICER.value, Role.ADMIN.value})


class CaseNotFound(LookupError):
    pass


class VersionConflict(Exception):
    """The case changed since it was read (optimistic locking): reload and retry. HTTP 409."""

    def __init__(self, case_id: int, expected: int | None, current: int | None) -> None:
        self.case_id, self.expected, self.current = case_id, expected, current
        super().__init__(f"case {case_id} was changed by someone else (you had version {expected}, now {current})")


class DuplicateCaseNo(ValueError):
    pass


class InvalidIndicator(ValueError):
    pass


def new_case_no(at: datetime | None = None) -> str:
    d = (at or utcnow()).strftime("%Y%m%d")
    return f"AJ{d}{secrets.token_hex(4).upper()}"


# --- indicators and transfers -------------------------------------------------------------------------------------


def link_indicators(session: Session, case: Case, refs: Iterable[IndicatorRef], *, seen_at: datetime) -> list[int]:
    """Upsert each indicator in the register and link it to ``case`` (idempotent; returns the linked ids).

    All values are normalised (and so validated) before anything is written, then written in (kind, value) order so
    that concurrent intakes lock register rows in the same order (no deadlocks on PostgreSQL). report_count rises
    by one only when the link is new, so re-sending the same indicator does not inflate it.
    """
    keyed: dict[tuple[str, str], IndicatorRef] = {}
    for ref in refs:
        try:
            key = normalize(ref.kind, ref.value)
        except ValueError as exc:
            raise InvalidIndicator(f"{ref.kind} {ref.value!r}: {exc}") from exc
        keyed.setdefault((ref.kind, key), ref)
    linked: list[int] = []
    for (kind, key), ref in sorted(keyed.items()):
        ind = upsert_indicator(
            session, kind=kind, value=key, normalized=True, display_value=ref.value, source="case", seen_at=seen_at
        )
        ins = _insert(session)(CaseIndicator).values(case_id=case.id, indicator_id=ind.id, role=ref.role)
        stmt = ins.on_conflict_do_nothing(index_elements=["case_id", "indicator_id"]).returning(CaseIndicator.case_id)
        if session.execute(stmt).first() is not None:  # a new link (RETURNING is empty on conflict)
            session.execute(
                update(Indicator)
                .where(Indicator.id == ind.id)
                .values(report_count=Indicator.report_count + 1)
                .execution_options(synchronize_session=False)
            )
        linked.append(ind.id)
    return linked


def _transfer_refs(transfers: Sequence[TransferIn]) -> list[IndicatorRef]:
    return [
        IndicatorRef(kind=account_kind(t.payee_account), value=t.payee_account.strip(), role="payee_account")
        for t in transfers
        if t.payee_account and t.payee_account.strip()
    ]


def _add_transfers(case: Case, transfers: Sequence[TransferIn]) -> None:
    for t in transfers:
        case.transfers.append(
            Transfer(
                payer_account=t.payer_account,
                payee_account=t.payee_account.strip() if t.payee_account else None,
                payee_bank=t.payee_bank,
                amount_fen=yuan_to_fen(t.amount),
                transferred_at=t.transferred_at,
            )
        )


def _victim(v: VictimIn) -> Victim:
    return Victim(
        name=v.name, age_band=v.age_band, gender=v.gender, occupation=v.occupation, contact_phone=v.contact_phone
    )


# --- create / read / list / update --------------------------------------------------------------------------------


def create_case(*, session: Session, case_in: CaseCreate, actor: User | None) -> Case:
    """Create a case with its victim, transfers and indicator links (register upserted). Not committed."""
    reported = case_in.reported_at or utcnow()
    case = Case(
        case_no=(case_in.case_no or "").strip() or new_case_no(reported),
        reported_at=reported,
        occurred_at=case_in.occurred_at,
        channel=case_in.channel,
        typology=case_in.typology.value if case_in.typology else None,
        subtype=case_in.subtype,
        amount_lost_fen=yuan_to_fen(case_in.amount_lost),
        amount_recovered_fen=yuan_to_fen(case_in.amount_recovered),
        status=case_in.status,
        narrative=case_in.narrative,
        officer_id=actor.id if actor is not None else None,
        suspects_identified=case_in.suspects_identified,
    )
    if case_in.victim is not None:
        case.victim = _victim(case_in.victim)
    _add_transfers(case, case_in.transfers)
    duplicate = f"case number {case.case_no!r} already exists"
    if session.scalar(select(Case.id).where(Case.case_no == case.case_no)) is not None:
        raise DuplicateCaseNo(duplicate)
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:
        raise DuplicateCaseNo(duplicate) from exc
    link_indicators(session, case, [*case_in.indicator_refs(), *_transfer_refs(case_in.transfers)], seen_at=reported)
    audit(session, actor=actor, action="create", entity="case", entity_id=case.id, detail=f"case_no={case.case_no}")
    if case.victim_id is not None:
        audit(session, actor=actor, action="create", entity="victim", entity_id=case.victim_id, detail="with case")
    session.flush()
    session.refresh(case)
    return case


def _load(session: Session, case_id: int) -> Case | None:
    return session.scalar(
        select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.indicator_links).selectinload(CaseIndicator.indicator),
            selectinload(Case.transfers),
            selectinload(Case.victim),
        )
        .execution_options(populate_existing=True)
    )


def get_case(*, session: Session, case_id: int, actor: User | None) -> Case | None:
    """The case with links, transfers and victim loaded; the read (and the victim's) is audited."""
    case = _load(session, case_id)
    if case is None:
        return None
    audit(session, actor=actor, action="read", entity="case", entity_id=case.id)
    if case.victim_id is not None:
        audit(session, actor=actor, action="read", entity="victim", entity_id=case.victim_id, detail="via case")
    return case


def _escape_like(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_cases(
    *,
    session: Session,
    actor: User | None,
    q: str | None = None,
    typology: str | None = None,
    status: str | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    min_amount_fen: int | None = None,
    offset: int = 0,
    limit: int = 50,
    audit_action: str = "read",
) -> tuple[list[Case], int]:
    """A page of cases (newest first) and the total count; the list read is audited with the ids returned."""
    stmt = select(Case)
    if q:
        pat = f"%{_escape_like(q.strip())}%"
        stmt = stmt.where(
            or_(
                Case.case_no.like(pat, escape="\\"),
                Case.narrative.like(pat, escape="\\"),
                Case.subtype.like(pat, escape="\\"),
                Case.channel.like(pat, escape="\\"),
            )
        )
    if typology:
        stmt = stmt.where(Case.typology == typology)
    if status:
        stmt = stmt.where(Case.status == status)
    if date_from is not None:
        stmt = stmt.where(Case.reported_at >= literal(date_from, UTCDateTime()))
    if date_to is not None:
        stmt = stmt.where(Case.reported_at < literal(date_to, UTCDateTime()))
    if min_amount_fen is not None:
        stmt = stmt.where(Case.amount_lost_fen >= min_amount_fen)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    rows = list(
        session.scalars(
            stmt.order_by(Case.reported_at.desc(), Case.id.desc())
            .offset(offset)
            .limit(limit)
            .options(selectinload(Case.victim))
        ).all()
    )
    filters = {"q": q, "typology": typology, "status": status, "from": date_from, "to": date_to}
    desc = " ".join(f"{k}={v}" for k, v in filters.items() if v)
    ids = ",".join(str(c.id) for c in rows)
    audit(
        session,
        actor=actor,
        action=audit_action,
        entity="case",
        entity_id=None,
        detail=f"list {desc} offset={offset} limit={limit} total={total} ids=[{ids}]",
    )
    return rows, total


_SIMPLE_FIELDS = ("occurred_at", "channel", "subtype", "status", "narrative", "suspects_identified")


def update_case(
    *,
    session: Session,
    case_id: int,
    case_in: CaseUpdate,
    actor: User | None,
    expected_version: int | None = None,
) -> Case:
    """Apply ``case_in`` (absent fields unchanged; indicators and transfers added) under optimistic locking.

    ``expected_version`` (or ``case_in.version_id``) must equal the stored version_id, else ``VersionConflict``;
    a concurrent writer committing in between is caught at flush (StaleDataError → VersionConflict).
    """
    case = _load(session, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    expected = expected_version if expected_version is not None else case_in.version_id
    if expected is not None and case.version_id != expected:
        raise VersionConflict(case_id, expected, case.version_id)
    changed: list[str] = []
    data = case_in.model_dump(exclude_unset=True)
    for name in _SIMPLE_FIELDS:
        if name in data and getattr(case, name) != data[name]:
            setattr(case, name, data[name])
            changed.append(name)
    if "typology" in data:
        typ = case_in.typology.value if case_in.typology else None
        if typ != case.typology:
            case.typology = typ
            changed.append("typology")
    for name in ("amount_lost", "amount_recovered"):
        if name in data:
            fen = yuan_to_fen(data[name])
            if getattr(case, f"{name}_fen") != fen:
                setattr(case, f"{name}_fen", fen)
                changed.append(name)
    if case_in.victim is not None:
        if case.victim is None:
            case.victim = _victim(case_in.victim)
        else:
            for k, v in case_in.victim.model_dump().items():
                setattr(case.victim, k, v)
        changed.append("victim")
    _add_transfers(case, case_in.transfers)
    if case_in.transfers:
        changed.append("transfers")
    refs = [*case_in.indicator_refs(), *_transfer_refs(case_in.transfers)]
    case.updated_at = utcnow()  # every update bumps version_id, also when only links are added
    try:
        session.flush()
        if refs:
            link_indicators(session, case, refs, seen_at=utcnow())
            changed.append("indicators")
    except StaleDataError as exc:
        session.rollback()
        current = session.scalar(select(Case.version_id).where(Case.id == case_id))
        raise VersionConflict(case_id, expected if expected is not None else -1, current) from exc
    audit(
        session, actor=actor, action="update", entity="case", entity_id=case.id, detail="changed " + ",".join(changed)
    )
    if "victim" in changed and case.victim_id is not None:
        audit(session, actor=actor, action="update", entity="victim", entity_id=case.victim_id, detail="via case")
    session.flush()
    loaded = _load(session, case_id)
    assert loaded is not None
    return loaded


T = TypeVar("T")


def retry_on_conflict(fn: Callable[[Session], T], *, url: str | None = None, attempts: int = 30) -> T:
    """Run ``fn(session)`` and commit; on a version conflict (or SQLite's busy lock) roll back and retry with a
    fresh session and jittered back-off. The pattern every concurrent writer uses so no update is lost."""
    last: Exception | None = None
    for attempt in range(attempts):
        session = SessionLocal(url)
        try:
            out = fn(session)
            session.commit()
            return out
        except (VersionConflict, StaleDataError) as exc:
            last = exc
        except OperationalError as exc:
            msg = str(exc).lower()
            if not any(w in msg for w in ("locked", "deadlock", "could not serialize")):
                raise
            last = exc
        except IntegrityError as exc:  # a concurrent insert of the same key: the retry will see it
            if "unique" not in str(exc).lower() and "duplicate" not in str(exc).lower():
                raise
            last = exc
        finally:
            session.rollback()
            session.close()
        time.sleep(min(0.5, 0.005 * (2 ** min(attempt, 6))) * random.random())
    assert last is not None
    raise last


# --- public shapes ------------------------------------------------------------------------------------------------


def victim_public(v: Victim | None, *, masked: bool) -> VictimPublic | None:
    if v is None:
        return None
    return VictimPublic(
        id=v.id,
        name=(mask_name(v.name) or None) if masked else v.name,
        age_band=v.age_band,
        gender=v.gender,
        occupation=v.occupation,
        contact_phone=(mask_phone(v.contact_phone) or None) if masked else v.contact_phone,
        masked=masked,
    )


def case_summary(c: Case) -> CaseSummary:
    return CaseSummary(
        id=c.id,
        case_no=c.case_no,
        reported_at=c.reported_at,
        occurred_at=c.occurred_at,
        channel=c.channel,
        typology=c.typology,
        subtype=c.subtype,
        amount_lost=fen_to_yuan(c.amount_lost_fen),
        amount_lost_fen=c.amount_lost_fen,
        amount_recovered=fen_to_yuan(c.amount_recovered_fen),
        amount_recovered_fen=c.amount_recovered_fen,
        status=c.status,
        suspects_identified=c.suspects_identified,
        officer_id=c.officer_id,
        version_id=c.version_id,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def link_result_public(res: LinkResult) -> LinkResultPublic:
    def one(link: Any) -> LinkedCase:
        return LinkedCase(
            case_id=link.case_id,
            case_no=link.case_no,
            degree=link.degree,
            via_case_ids=list(link.via_case_ids),
            shared=[SharedIndicator(indicator_id=s.indicator_id, kind=s.kind, value=s.value) for s in link.shared],
            typology=link.typology,
            reported_at=link.reported_at or utcnow(),
            amount_lost=fen_to_yuan(link.amount_lost_fen),
        )

    return LinkResultPublic(
        case_id=res.case_id,
        direct=[one(x) for x in res.direct],
        second_degree=[one(x) for x in res.second_degree],
        truncated=res.truncated,
    )


def case_public(c: Case, *, actor: User | None, session: Session | None = None, with_links: bool = False) -> CasePublic:
    """The API shape of a loaded case; victims masked for roles outside FULL_VIEW_ROLES."""
    masked = actor is None or actor.role not in FULL_VIEW_ROLES
    links = link_result_public(linked_cases(session, c.id)) if (with_links and session is not None) else None
    return CasePublic(
        **case_summary(c).model_dump(),
        narrative=mask_text(c.narrative) if masked else c.narrative,
        victim=victim_public(c.victim, masked=masked),
        indicators=[
            CaseIndicatorPublic(
                indicator_id=li.indicator.id,
                kind=li.indicator.kind,
                value=li.indicator.value,
                display_value=li.indicator.display_value,
                role=li.role,
                status=li.indicator.status,
                report_count=li.indicator.report_count,
            )
            for li in sorted(c.indicator_links, key=lambda li: (li.indicator.kind, li.indicator.value))
        ],
        transfers=[
            TransferPublic(
                id=t.id,
                payer_account=mask_account(t.payer_account) if masked else t.payer_account,
                payee_account=t.payee_account,
                payee_bank=t.payee_bank,
                amount=fen_to_yuan(t.amount_fen),
                amount_fen=t.amount_fen,
                transferred_at=t.transferred_at,
            )
            for t in c.transfers
        ],
        linked_cases=links,
    )


# --- export -------------------------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "case_no",
    "reported_at",
    "occurred_at",
    "typology",
    "subtype",
    "channel",
    "status",
    "amount_lost_yuan",
    "amount_recovered_yuan",
    "victim_name",
    "victim_age_band",
    "victim_gender",
    "victim_phone",
    "indicators",
    "payee_accounts",
    "narrative",
)


def _cell(s: str) -> str:
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


MAX_EXPORT_ROWS = 50_000  # narrow the filters for more


def export_cases_csv(*, session: Session, actor: User | None, **filters: Any) -> tuple[str, int]:
    """Cases matching ``filters`` (as for list_cases; at most MAX_EXPORT_ROWS) as CSV with personal data masked.

    Audited as ``export`` (one row per page of 500 with the ids). Returns (csv text, number of rows)."""
    rows: list[Case] = []
    offset = 0
    total = 0
    while True:
        page, total = list_cases(
            session=session, actor=actor, offset=offset, limit=500, audit_action="export", **filters
        )
        rows.extend(page)
        offset += len(page)
        if not page or offset >= total or offset >= MAX_EXPORT_ROWS:
            break
    rows = rows[:MAX_EXPORT_ROWS]
    ids = [c.id for c in rows]
    chunks = [ids[i : i + 1000] for i in range(0, len(ids), 1000)]  # bounded IN lists
    links: dict[int, list[tuple[str, str]]] = {}
    for chunk in chunks:
        stmt = (
            select(CaseIndicator.case_id, Indicator.kind, Indicator.value)
            .join(Indicator, Indicator.id == CaseIndicator.indicator_id)
            .where(CaseIndicator.case_id.in_(chunk))
            .order_by(CaseIndicator.case_id, Indicator.kind, Indicator.value)
        )
        for cid, kind, value in session.execute(stmt):
            links.setdefault(cid, []).append((kind, value))
    transfers: dict[int, list[str]] = {}
    for chunk in chunks:
        for cid, payee in session.execute(
            select(Transfer.case_id, Transfer.payee_account).where(Transfer.case_id.in_(chunk)).order_by(Transfer.id)
        ):
            if payee:
                transfers.setdefault(cid, []).append(payee)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_FIELDS)
    for c in rows:
        v = c.victim
        w.writerow(
            [
                _cell(c.case_no),
                c.reported_at.isoformat(),
                c.occurred_at.isoformat() if c.occurred_at else "",
                c.typology or "",
                _cell(c.subtype or ""),
                _cell(c.channel or ""),
                c.status,
                str(fen_to_yuan(c.amount_lost_fen)),
                str(fen_to_yuan(c.amount_recovered_fen)),
                mask_name(v.name) if v else "",
                v.age_band if v else "",
                v.gender if v else "",
                mask_phone(v.contact_phone) if v else "",
                _cell("; ".join(f"{k}:{mask_indicator(k, val)}" for k, val in links.get(c.id, []))),
                _cell(
                    "; ".join(
                        mask_account(p) if not p.isdigit() else mask_indicator("bank_card", p)
                        for p in transfers.get(c.id, [])
                    )
                ),
                _cell(mask_text(c.narrative)),
            ]
        )
    return buf.getvalue(), len(rows)
