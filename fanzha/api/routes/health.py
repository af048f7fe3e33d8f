from __future__ import annotations

from fastapi import APIRouter

from fanzha import __version__

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}
