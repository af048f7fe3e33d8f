"""Early-warning API (预警劝阻): the officer's queue, new leads, actions on a lead, CSV import.

Roles: warning officers (and admins) see the queue, read leads, record actions and import files; desk officers and
bank tellers may create leads (a bank teller's lead is always a bank escalation). Logic in fanzha.cases.warnings.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from pydantic import BaseModel

from fanzha.api.deps import PageDep, SessionDep, require_roles
from fanzha.api.security import Role
from fanzha.cases.warning_schemas import (
    ActionCreate,
    ActionPublic,
    ImportReport,
    LeadCreate,
    WarningPublic,
    WarningsPublic,
)
from fanzha.cases.warnings import (
    MAX_IMPORT_BYTES,
    CsvImportError,
    InvalidLead,
    LeadClosed,
    LeadConflict,
    LeadNotFound,
    NotAllowed,
    create_lead,
    fen_to_yuan,
    get_lead,
    import_leads_csv,
    queue,
    record_action,
    to_public,
)
from fanzha.db.models import User

router = APIRouter(prefix="/api/v1/warnings", tags=["warnings"])

Worker = Annotated[User, Depends(require_roles(Role.WARNING_OFFICER))]
Creator = Annotated[User, Depends(require_roles(Role.WARNING_OFFICER, Role.DESK_OFFICER, Role.BANK_TELLER))]


class ActionResult(BaseModel):
    action: ActionPublic
    warning: WarningPublic


def _http(exc: Exception) -> HTTPException:
    if isinstance(exc, LeadNotFound):
        return HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc))
    if isinstance(exc, (LeadClosed, LeadConflict)):
        return HTTPException(status.HTTP_409_CONFLICT, detail=str(exc))
    if isinstance(exc, NotAllowed):
        return HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc))


@router.get("", response_model=WarningsPublic, summary="My queue: overdue first, then grade, then due time")
def list_warnings(
    session: SessionDep,
    user: Worker,
    page: PageDep,
    include_closed: bool = False,
) -> WarningsPublic:
    """A warning officer sees their own leads and unassigned ones; an admin sees every lead."""
    officer = None if user.role == Role.ADMIN else user
    rows, total = queue(
        session=session, officer=officer, include_closed=include_closed, offset=page.offset, limit=page.limit
    )
    return WarningsPublic(data=[to_public(w) for w in rows], count=total)


@router.post("", response_model=WarningPublic, status_code=status.HTTP_201_CREATED, summary="Create a lead")
def post_warning(session: SessionDep, user: Creator, lead_in: LeadCreate) -> WarningPublic:
    if user.role == Role.BANK_TELLER:
        lead_in = lead_in.model_copy(update={"source": "bank"})
    elif lead_in.source == "import":
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="use POST /api/v1/warnings/import for files")
    try:
        w = create_lead(session=session, lead_in=lead_in, actor=user)
    except (InvalidLead, LeadConflict) as exc:
        session.rollback()
        raise _http(exc) from exc
    session.commit()
    return to_public(w, with_actions=True)


def _limit_body(request: Request) -> None:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_IMPORT_BYTES + 64 * 1024:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"file too large (max {MAX_IMPORT_BYTES} bytes)")


@router.post(
    "/import",
    response_model=ImportReport,
    summary="Import at-risk people (CSV from an operator or bank): idempotent, all rows or none",
    dependencies=[Depends(_limit_body)],
)
async def import_warnings(
    session: SessionDep,
    user: Worker,
    file: Annotated[UploadFile, File(description="CSV, UTF-8 (BOM ok) or GBK")],
    source: Annotated[Literal["import", "bank"], Form()] = "import",
    provider: Annotated[str, Form(max_length=40)] = "",
) -> ImportReport:
    data = await file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"file too large (max {MAX_IMPORT_BYTES} bytes)")
    try:
        res = import_leads_csv(session=session, data=data, actor=user, source=source, provider=provider.strip())
    except CsvImportError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail={"error": str(exc), "row": exc.row}) from exc
    except LeadConflict as exc:
        session.rollback()
        raise _http(exc) from exc
    session.commit()
    return ImportReport(rows=res.rows, created=res.created, duplicates=res.duplicates, warning_ids=res.warning_ids)


@router.get("/{warning_id}", response_model=WarningPublic, summary="One lead with its actions (audited)")
def read_warning(session: SessionDep, user: Worker, warning_id: int) -> WarningPublic:
    try:
        w = get_lead(session=session, warning_id=warning_id, actor=user)
    except (LeadNotFound, NotAllowed) as exc:
        raise _http(exc) from exc
    session.commit()  # the audit row
    return to_public(w, with_actions=True)


@router.post(
    "/{warning_id}/actions",
    response_model=ActionResult,
    status_code=status.HTTP_201_CREATED,
    summary="Record an SMS / call / visit / note with its outcome and the loss avoided",
)
def post_action(session: SessionDep, user: Worker, warning_id: int, action_in: ActionCreate) -> ActionResult:
    try:
        act = record_action(session=session, warning_id=warning_id, action_in=action_in, actor=user)
    except (LeadNotFound, LeadClosed, NotAllowed, InvalidLead) as exc:
        session.rollback()
        raise _http(exc) from exc
    session.commit()
    w = act.warning
    return ActionResult(
        action=ActionPublic(
            id=act.id,
            action=act.action,
            outcome=act.outcome,
            note=act.note,
            loss_avoided=fen_to_yuan(act.loss_avoided_fen),
            officer_id=act.officer_id,
            at=act.at,
        ),
        warning=to_public(w, with_actions=True),
    )
