"""POST /api/v1/screen: one text -> the verdict; {"items": [...]} -> {"items": [...]} with per-item errors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from fanzha.api.deps import AnonymousBatchCap
from fanzha.screen.engine import KINDS, ScreenInputError, TextTooLongError, get_engine, screen_records

router = APIRouter(prefix="/api/v1", tags=["screen"])

MAX_BATCH = 1000
MAX_BATCH_CHARS = 2_000_000  # total text characters of one batch request


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, description="One text to screen")
    kind: str = Field(default="auto", description="auto|sms|chat|call|dialogue|narrative|email")
    items: list[Any] | None = Field(default=None, description='Batch: [{"id": ..., "text": ...}, ...]')


@router.post("/screen")
async def screen_endpoint(req: ScreenRequest, anonymous_cap: AnonymousBatchCap) -> dict[str, Any]:
    """Screen one text (``{"text", "kind"?}``) or a batch (``{"items": [{"id", "text"}]}``, at most 1000 with a token,
    fewer anonymously). Anonymous callers are rate-limited per client IP."""
    if req.kind not in KINDS:
        raise HTTPException(422, f"unknown kind {req.kind!r}; use one of {', '.join(KINDS)}")
    if (req.text is None) == (req.items is None):
        raise HTTPException(422, 'send either "text" or "items"')
    engine = get_engine()
    if req.items is not None:
        cap = MAX_BATCH if anonymous_cap is None else min(MAX_BATCH, anonymous_cap)
        if len(req.items) > cap:
            who = "" if anonymous_cap is None else " without a token"
            raise HTTPException(413, f"too many items: {len(req.items)} (at most {cap} per request{who})")
        total = sum(len(it["text"]) for it in req.items if isinstance(it, dict) and isinstance(it.get("text"), str))
        if total > MAX_BATCH_CHARS:
            raise HTTPException(413, f"batch too large: {total} characters (at most {MAX_BATCH_CHARS} per request)")
        records = await run_in_threadpool(screen_records, req.items, req.kind, engine=engine)
        return {"items": records}
    assert req.text is not None
    try:
        verdict = await run_in_threadpool(engine.screen, req.text, req.kind)
    except TextTooLongError as exc:
        raise HTTPException(413, str(exc)) from exc
    except ScreenInputError as exc:
        raise HTTPException(422, str(exc)) from exc
    return verdict.to_record()
