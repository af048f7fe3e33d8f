"""Case-intake API: ``POST /api/v1/extract`` {"text", "reported_at"?, "id"?} → {"id", "type", "elements"}.

It stores nothing and returns only what was derived from the text sent, but it is an officers' tool: a bearer token
with role desk_officer (or admin) is required, like the rest of case intake. ``?detail=true`` adds the evidence spans,
the transfers and the numbers judged not to be the fraudster's (victim's own, official hotlines). Logic in
``fanzha.cases.intake.extract`` (the same function as ``fanzha extract`` and the console's intake page).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from fanzha.api.deps import require_roles
from fanzha.api.security import Role
from fanzha.cases.intake import MAX_CHARS, extract
from fanzha.db.models import User

router = APIRouter(prefix="/api/v1", tags=["intake"])

Officer = Annotated[User, Depends(require_roles(Role.DESK_OFFICER))]


class ExtractIn(BaseModel):
    text: str = Field(description="the victim's narrative as recorded by the desk officer")
    reported_at: str | None = Field(None, description="ISO date-time of the report (default: now, Beijing time)")
    id: str | int | None = Field(None, description="echoed back")


@router.post("/extract", summary="Case elements (time, channels, loss, indicators) from a narrative")
def extract_elements(
    body: ExtractIn,
    user: Officer,
    detail: Annotated[bool, Query(description="add evidence spans, transfers and other numbers")] = False,
) -> dict[str, Any]:
    text = body.text.replace("\x00", "")
    if not text.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="text is empty")
    if len(text) > MAX_CHARS:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, detail=f"text is {len(text)} characters; at most {MAX_CHARS}"
        )
    try:
        el = extract(text, reported_at=body.reported_at)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(exc)) from exc
    rec = el.to_record(body.id)
    if detail:
        d = el.to_detail()
        rec.update({k: d[k] for k in ("evidence", "transfers", "received", "other_numbers", "occurred_precision")})
    return rec
