"""Statistics API: cases by week / month × typology, channel, age band, gender; warnings worked / reached / losses
avoided; rising-type alerts. Analysts and admins only. Logic in fanzha.cases.stats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class _Window:
    """The query parameters shared by the per-period endpoints."""

    period: Literal["week", "month"]
    date_from: date | None
    date_to: date | None


def _window(
    period: PeriodQ = "week",
    date_from: date | None = None,
    date_to: Annotated[date | None, Query(description="inclusive")] = None,
) -> _Window:
    return _Window(period, date_from, date_to)


WindowDep = Annotated[_Window, Depends(_window)]


def _per_period(fn: Callable[..., dict[str, Any]], session: Session, w: _Window) -> dict[str, Any]:
    try:
        return fn(session, period=w.period, date_from=w.date_from, date_to=w.date_to)
    except StatsError as exc:
        raise _bad(exc) from exc


@router.get("/cases", summary="Cases and losses per week / month × typology, channel, age band, gender")
def stats_cases(session: SessionDep, user: Analyst, window: WindowDep) -> dict[str, Any]:
    return _per_period(case_stats, session, window)


@router.get("/warnings", summary="Warnings created, worked, reached, on time, losses avoided; suspects identified")
def stats_warnings(session: SessionDep, user: Analyst, window: WindowDep) -> dict[str, Any]:
    return _per_period(warning_stats, session, window)


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
        rows = rising_types(
            session, now=now, window_days=window_days, min_growth=min_growth, min_count=min_count, source=source
        )
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
