"""Statistics API: cases by week / month × typology, channel, age band, gender; warnings worked / reached / losses
avoided; rising-type alerts. Analysts and admins only. Logic in fanzha.cases.stats."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status

from fanzha.api.deps import SessionDep, require_roles
from fanzha.api.security import Role
from fanzha.cases.stats import StatsError, case_stats, rising_types, warning_stats
from fanzha.cases.warnings import utcnow
from fanzha.db.models import User

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

Analyst = Annotated[User, Depends(require_roles(Role.ANALYST))]
PeriodQ = Annotated[Literal["week", "month"], Query(description="ISO week or calendar month, China time")]


def _bad(exc: StatsError) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc))


@router.get("/cases", summary="Cases and losses per week / month × typology, channel, age band, gender")
def stats_cases(
    session: SessionDep,
    user: Analyst,
    period: PeriodQ = "week",
    date_from: date | None = None,
    date_to: Annotated[date | None, Query(description="inclusive")] = None,
) -> dict[str, Any]:
    try:
        return case_stats(session, period=period, date_from=date_from, date_to=date_to)
    except StatsError as exc:
        raise _bad(exc) from exc


@router.get("/warnings", summary="Warnings created, worked, reached, on time, losses avoided; suspects identified")
def stats_warnings(
    session: SessionDep,
    user: Analyst,
    period: PeriodQ = "week",
    date_from: date | None = None,
    date_to: Annotated[date | None, Query(description="inclusive")] = None,
) -> dict[str, Any]:
    try:
        return warning_stats(session, period=period, date_from=date_from, date_to=date_to)
    except StatsError as exc:
        raise _bad(exc) from exc


@router.get("/rising", summary="Typologies growing against the previous window (explained)")
def stats_rising(
    session: SessionDep,
    user: Analyst,
    window_days: Annotated[int, Query(ge=1, le=3660)] = 28,
    min_growth: Annotated[float, Query(ge=0, le=1000)] = 0.5,
    min_count: Annotated[int, Query(ge=1, le=1_000_000)] = 3,
    source: Literal["cases", "warnings"] = "cases",
) -> dict[str, Any]:
    now = utcnow()
    try:
        rows = rising_types(session, now=now, window_days=window_days, min_growth=min_growth, min_count=min_count,
                            source=source)
    except StatsError as exc:
        raise _bad(exc) from exc
    return {
        "now": now.isoformat(),
        "window_days": window_days,
        "min_growth": min_growth,
        "min_count": min_count,
        "source": source,
        "data": [r.to_record() for r in rows],
        "count": len(rows),
    }
