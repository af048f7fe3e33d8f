"""POST /api/v1/indicators/check: one value -> its check record; {"items": [...]} -> {"items": [...]} (per-item errors).

(The indicator register, GET/POST /api/v1/indicators, lives in routes/register.py.)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from fanzha.api.deps import AnonymousBatchCap
from fanzha.indicators import CHECK_KINDS, check_item
from fanzha.indicators.check import MAX_BATCH, MAX_VALUE_CHARS

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str | None = Field(
        default=None, description="A link, phone number, bank card, QQ, WeChat ID, Alipay account or app"
    )
    kind: str | None = Field(default=None, description="|".join(CHECK_KINDS) + " (auto-detected when omitted)")
    claimed_bank: str | None = Field(default=None, description="For a bank card: the bank the text says it belongs to")
    items: list[Any] | None = Field(default=None, description='Batch: [{"id", "value", "kind"?}, ...]')


def _check_batch(items: list[Any]) -> list[dict[str, Any]]:
    return [check_item(it) for it in items]


@router.post("/check")
async def check_endpoint(req: CheckRequest, anonymous_cap: AnonymousBatchCap) -> dict[str, Any]:
    """Check one value (``{"value", "kind"?}``) or a batch (``{"items": [{"id", "value", "kind"?}]}``, at most 1000
    with a token, fewer anonymously). Anonymous callers are rate-limited per client IP."""
    if (req.value is None) == (req.items is None):
        raise HTTPException(422, 'send either "value" or "items"')
    if req.items is not None:
        cap = MAX_BATCH if anonymous_cap is None else min(MAX_BATCH, anonymous_cap)
        if len(req.items) > cap:
            who = "" if anonymous_cap is None else " without a token"
            raise HTTPException(413, f"too many items: {len(req.items)} (at most {cap} per request{who})")
        return {"items": await run_in_threadpool(_check_batch, req.items)}
    assert req.value is not None
    if len(req.value) > MAX_VALUE_CHARS:
        raise HTTPException(413, f"value longer than {MAX_VALUE_CHARS} characters")
    if req.kind is not None and req.kind not in (*CHECK_KINDS, "auto"):
        raise HTTPException(422, f"unknown kind {req.kind!r}; use one of {', '.join(CHECK_KINDS)}")
    rec = await run_in_threadpool(check_item, {"value": req.value, "kind": req.kind, "claimed_bank": req.claimed_bank})
    if "error" in rec:
        raise HTTPException(422, rec["error"])
    rec.pop("id", None)
    return rec
