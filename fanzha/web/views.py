"""The web front end, mounted by ``fanzha.api.app.create_app`` (``router``).

- ``/`` and ``/check``: public self-check (no login, rate-limited), ``/report``: 举报, ``/learn``: scam-type pages.
- ``/console/...``: the officers' console (login, role per page), server-rendered Jinja2 with a little vanilla JS.
- ``/static/...``: our CSS/JS; ``/static/vendor/plotly.min.js`` from the installed plotly package (no CDN).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse, Response

from fanzha.web.common import WEB_DIR
from fanzha.web.console import router as console_router
from fanzha.web.public import router as public_router

STATIC_DIR = WEB_DIR / "static"
_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}

router = APIRouter(include_in_schema=False)
router.include_router(public_router)
router.include_router(console_router)


@lru_cache(maxsize=1)
def plotly_js_path() -> Path | None:
    """plotly.min.js as shipped inside the plotly Python package (package_data)."""
    try:
        import plotly
    except ImportError:  # pragma: no cover - plotly is a dependency
        return None
    p = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    return p if p.is_file() else None


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    p = plotly_js_path()
    if p is None:
        return PlainTextResponse("plotly.min.js not installed", status_code=404)
    return FileResponse(
        p,
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@router.get("/static/{path:path}")
def static_file(path: str) -> Response:
    base = STATIC_DIR.resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or not target.is_file() or target.suffix not in _TYPES:
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(target, media_type=_TYPES[target.suffix], headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)
