"""Indicator register API (线索库): list / add, export as CSV or MISP-style JSON, idempotent all-or-nothing import.

Roles: every staff role reads (bank tellers check payee accounts); desk officers and analysts add and import;
desk officers, analysts and bank tellers export. The engineer-I route ``POST /api/v1/indicators/check`` lives in
routes/indicators.py.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, Field

from fanzha.api.deps import CSV_MEDIA_TYPE, Page, PageDep, SessionDep, attachment, require_roles
from fanzha.api.security import Role
from fanzha.cases.audit import audit
from fanzha.cases.register import (
    MAX_IMPORT_BYTES,
    ImportFailed,
    all_indicators,
    export_csv,
    export_misp,
    import_bytes,
    list_indicators,
    to_record,
    update_entry,
    upsert_indicator,
)
from fanzha.cases.schemas import IndicatorKind
from fanzha.db.models import User

router = APIRouter(prefix="/api/v1/indicators", tags=["indicator register"])

Reader = Annotated[
    User,
    Depends(require_roles(Role.DESK_OFFICER, Role.WARNING_OFFICER, Role.ANALYST, Role.BANK_TELLER)),
]
Writer = Annotated[User, Depends(require_roles(Role.DESK_OFFICER, Role.ANALYST))]
Exporter = Annotated[User, Depends(require_roles(Role.DESK_OFFICER, Role.ANALYST, Role.BANK_TELLER))]
Status = Literal["confirmed", "suspected", "allowlisted"]


class IndicatorPublic(BaseModel):
    id: int
    kind: str
    value: str
    display_value: str
    status: str
    first_seen: datetime
    last_seen: datetime
    report_count: int
    source: str
    expires_at: datetime | None
    note: str | None


class IndicatorIn(BaseModel):
    kind: IndicatorKind
    value: str = Field(min_length=1, max_length=512)
    status: Status = "suspected"
    source: str = Field(default="manual", max_length=64)
    expires_at: datetime | None = None
    note: str | None = Field(default=None, max_length=2000)


class ImportOut(BaseModel):
    format: str
    rows: int
    created: int
    updated: int
    allowlisted: int
    total_in_register: int


@router.get("", response_model=Page[IndicatorPublic], summary="Search the register (paginated)")
def list_(
    session: SessionDep,
    user: Reader,
    page: PageDep,
    kind: IndicatorKind | None = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    include_expired: bool = True,
) -> Page[IndicatorPublic]:
    rows, total = list_indicators(
        session,
        kind=kind,
        status=status_,
        q=q,
        include_expired=include_expired,
        offset=page.offset,
        limit=page.limit,
    )
    return Page[IndicatorPublic](data=[IndicatorPublic(**to_record(r)) for r in rows], count=total)


@router.post("", response_model=IndicatorPublic, summary="Add or merge one indicator (official ones stay allowlisted)")
def add(ind: IndicatorIn, session: SessionDep, user: Writer) -> IndicatorPublic:
    try:
        row = upsert_indicator(
            session,
            kind=ind.kind,
            value=ind.value,
            source=ind.source,
            status=ind.status,
            report_count=1,
            expires_at=ind.expires_at,
            note=ind.note,
        )
    except ValueError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    audit(session, actor=user, action="create", entity="indicator", entity_id=row.id, detail=f"{row.kind} {row.status}")
    session.commit()
    return IndicatorPublic(**to_record(row))


@router.get("/export.csv", summary="The register as CSV", response_class=Response)
def export_as_csv(session: SessionDep, user: Exporter, include_expired: bool = True) -> Response:
    rows = all_indicators(session, include_expired=include_expired)
    audit(session, actor=user, action="export", entity="indicator", entity_id=None, detail=f"csv rows={len(rows)}")
    session.commit()
    return attachment(export_csv(rows), "indicators.csv", CSV_MEDIA_TYPE)


@router.get("/export.json", summary="The register as a MISP-style event (Attribute list)")
def export_as_json(session: SessionDep, user: Exporter, include_expired: bool = True) -> Response:
    rows = all_indicators(session, include_expired=include_expired)
    audit(session, actor=user, action="export", entity="indicator", entity_id=None, detail=f"misp rows={len(rows)}")
    session.commit()
    return attachment(
        json.dumps(export_misp(rows), ensure_ascii=False, indent=1), "indicators.misp.json", "application/json"
    )


@router.post(
    "/import",
    response_model=ImportOut,
    summary="Import CSV or MISP JSON (multipart file or raw body): idempotent, all-or-nothing",
    responses={400: {"description": "malformed file or row (named); nothing was written"}},
)
async def import_(
    request: Request,
    session: SessionDep,
    user: Writer,
    fmt: Annotated[Literal["csv", "json", "auto"], Query(alias="format")] = "auto",
    file: UploadFile | None = None,
) -> ImportOut:
    data = await file.read() if file is not None else await request.body()
    name = (file.filename or "") if file is not None else ""
    if not data:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="empty upload")
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(
            413,
            detail=f"file larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it",
        )
    if fmt == "auto":
        ctype = (file.content_type if file is not None else request.headers.get("content-type")) or ""
        looks_json = data.lstrip()[:1] in (b"{", b"[")
        fmt = "json" if name.endswith(".json") or "json" in ctype or looks_json else "csv"
    try:
        res = import_bytes(session, data, fmt=fmt, source="import")
        audit(
            session,
            actor=user,
            action="import",
            entity="indicator",
            entity_id=None,
            detail=f"{fmt} rows={res.rows} created={res.created} updated={res.updated}",
        )
        session.commit()
    except ImportFailed as exc:
        session.rollback()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"import refused, nothing written: {exc}") from exc
    except Exception:
        session.rollback()
        raise
    _, total = list_indicators(session, limit=1)
    return ImportOut(
        format=fmt,
        rows=res.rows,
        created=res.created,
        updated=res.updated,
        allowlisted=res.allowlisted,
        total_in_register=total,
    )


class IndicatorPatch(BaseModel):
    status: Status | None = None
    expires_at: datetime | None = None
    clear_expiry: bool = False
    note: str | None = Field(default=None, max_length=2000)


@router.patch(
    "/{indicator_id}",
    response_model=IndicatorPublic,
    summary="Set an entry's status / expiry / note (official values stay allowlisted)",
)
def patch(indicator_id: int, body: IndicatorPatch, session: SessionDep, user: Writer) -> IndicatorPublic:
    try:
        row = update_entry(
            session,
            indicator_id,
            status=body.status,
            expires_at=body.expires_at,
            clear_expiry=body.clear_expiry,
            note=body.note,
        )
    except ValueError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"indicator {indicator_id} not found")
    changed = ",".join(k for k, v in body.model_dump(exclude_unset=True).items() if v is not None)
    audit(session, actor=user, action="update", entity="indicator", entity_id=row.id, detail=f"set {changed}")
    session.commit()
    return IndicatorPublic(**to_record(row))
