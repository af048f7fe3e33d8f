"""Cases API: create / list / read / update (optimistic locking), linked cases (串并案), clusters, masked export.

Roles: desk officers create and update; desk officers, warning officers and analysts read; desk officers and
analysts export and see clusters. Admin passes every check. Every read and write is audited (fanzha.cases.audit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Response, status
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fanzha.api.deps import CSV_MEDIA_TYPE, Page, PageDep, SessionDep, attachment, require_roles
from fanzha.api.security import Role
from fanzha.cases.audit import audit
from fanzha.cases.crud import (
    CaseNotFound,
    DuplicateCaseNo,
    InvalidIndicator,
    VersionConflict,
    case_public,
    case_summary,
    create_case,
    export_cases_csv,
    get_case,
    link_result_public,
    list_cases,
    update_case,
)
from fanzha.cases.linking import clusters, linked_cases
from fanzha.cases.schemas import (
    CaseCreate,
    CasePublic,
    CaseStatus,
    CaseSummary,
    CaseUpdate,
    ClusterPublic,
    LinkResultPublic,
    SharedIndicator,
    fen_to_yuan,
    yuan_to_fen,
)
from fanzha.db.models import Case, User
from fanzha.domain import Typology

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

Writer = Annotated[User, Depends(require_roles(Role.DESK_OFFICER))]
Reader = Annotated[User, Depends(require_roles(Role.DESK_OFFICER, Role.WARNING_OFFICER, Role.ANALYST))]
Exporter = Annotated[User, Depends(require_roles(Role.DESK_OFFICER, Role.ANALYST))]


def _busy(exc: OperationalError) -> HTTPException:
    """SQLite's "database is locked" or a PostgreSQL deadlock/serialisation failure: nothing was written; retry."""
    msg = str(exc).lower()
    if any(w in msg for w in ("locked", "deadlock", "could not serialize")):
        return HTTPException(503, detail="database busy, nothing was written: retry", headers={"Retry-After": "1"})
    raise exc


def _not_found(case_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"case {case_id} not found")


@contextmanager
def _writing(session: Session, case_id: int | None = None) -> Iterator[None]:
    """Around a write: on a refused write roll back and answer 404 (no such case), 409 (duplicate case number, stale
    version), 422 (invalid indicator) or 503 (database busy)."""
    try:
        yield
    except CaseNotFound as exc:
        session.rollback()
        raise (_not_found(case_id) if case_id is not None else HTTPException(404, detail=str(exc))) from exc
    except (DuplicateCaseNo, VersionConflict) as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from exc
    except InvalidIndicator as exc:
        session.rollback()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    except OperationalError as exc:
        session.rollback()
        raise _busy(exc) from exc


class _Filters:
    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=200)] = None,
        typology: Typology | None = None,
        status: CaseStatus | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        min_amount: Annotated[Decimal | None, Query(ge=0, le=10_000_000_000, description="yuan")] = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "q": q,
            "typology": typology.value if typology else None,
            "status": status,
            "date_from": date_from,
            "date_to": date_to,
            "min_amount_fen": yuan_to_fen(min_amount) if min_amount is not None else None,
        }


FiltersDep = Annotated[_Filters, Depends()]


@router.post("", response_model=CasePublic, status_code=201, summary="Create a case (shows its linked cases at once)")
def create(case_in: CaseCreate, session: SessionDep, user: Writer) -> CasePublic:
    with _writing(session):
        case = create_case(session=session, case_in=case_in, actor=user)
    out = case_public(case, actor=user, session=session, with_links=True)
    with _writing(session):
        session.commit()
    return out


@router.get("", response_model=Page[CaseSummary], summary="Search cases (paginated, newest first)")
def list_(session: SessionDep, user: Reader, page: PageDep, filters: FiltersDep) -> Page[CaseSummary]:
    rows, total = list_cases(session=session, actor=user, offset=page.offset, limit=page.limit, **filters.values)
    session.commit()
    return Page[CaseSummary](data=[case_summary(c) for c in rows], count=total)


@router.get("/export.csv", summary="Export matching cases as CSV, personal data masked", response_class=Response)
def export(session: SessionDep, user: Exporter, filters: FiltersDep) -> Response:
    body, n = export_cases_csv(session=session, actor=user, **filters.values)
    session.commit()
    return attachment("\ufeff" + body, "cases.csv", CSV_MEDIA_TYPE, {"X-Row-Count": str(n)})


@router.get("/clusters", response_model=list[ClusterPublic], summary="Clusters of cases linked by shared indicators")
def list_clusters(
    session: SessionDep,
    user: Exporter,
    min_cases: Annotated[int, Query(ge=2, le=1000)] = 2,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
) -> list[ClusterPublic]:
    found = clusters(session, min_cases=min_cases, limit=limit, since=date_from, until=date_to)
    ids = sorted({c for cl in found for c in cl.case_ids})
    audit(session, actor=user, action="read", entity="case", entity_id=None, detail=f"clusters ids=[{ids[:500]}]")
    session.commit()
    return [
        ClusterPublic(
            case_count=cl.case_count,
            case_ids=list(cl.case_ids),
            total_loss=fen_to_yuan(cl.total_loss_fen),
            total_loss_fen=cl.total_loss_fen,
            first_reported_at=cl.first_reported_at,
            last_reported_at=cl.last_reported_at,
            span_days=round(cl.span_days, 2),
            indicators=[
                SharedIndicator(indicator_id=s.indicator_id, kind=s.kind, value=s.value) for s in cl.indicators
            ],
            typologies=cl.typologies,
        )
        for cl in found
    ]


@router.get("/{case_id}", response_model=CasePublic, summary="One case with indicators, transfers and linked cases")
def read(case_id: int, session: SessionDep, user: Reader) -> CasePublic:
    case = get_case(session=session, case_id=case_id, actor=user)
    if case is None:
        raise _not_found(case_id)
    out = case_public(case, actor=user, session=session, with_links=True)
    session.commit()
    return out


@router.patch(
    "/{case_id}",
    response_model=CasePublic,
    summary="Update a case; send the version you read (body version_id or If-Match) — 409 if it changed",
    responses={409: {"description": "the case was changed by someone else: reload and retry"}},
)
def patch(
    case_id: int,
    case_in: CaseUpdate,
    session: SessionDep,
    user: Writer,
    if_match: Annotated[str | None, Header(max_length=32)] = None,
) -> CasePublic:
    expected: int | None = None
    if if_match:
        try:
            expected = int(if_match.strip().strip('W/"').strip('"'))
        except ValueError as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="If-Match must be the case's version_id") from exc
    with _writing(session, case_id):
        case = update_case(session=session, case_id=case_id, case_in=case_in, actor=user, expected_version=expected)
        out = case_public(case, actor=user, session=session, with_links=True)
        session.commit()
    return out


@router.get("/{case_id}/links", response_model=LinkResultPublic, summary="Linked cases: direct and second degree")
def links(
    case_id: int, session: SessionDep, user: Reader, depth: Annotated[int, Query(ge=1, le=2)] = 2
) -> LinkResultPublic:
    if session.get(Case, case_id) is None:
        raise _not_found(case_id)
    res = linked_cases(session, case_id, depth=depth)
    audit(
        session,
        actor=user,
        action="read",
        entity="case",
        entity_id=case_id,
        detail=f"links ids=[{','.join(str(i) for i in sorted(res.all_case_ids))}]",
    )
    session.commit()
    return link_result_public(res)
