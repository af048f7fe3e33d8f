"""The FastAPI application: API routers under /api/v1, the web console and the public page."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from fanzha import __version__

# Each module defines ``router`` (an APIRouter); a new resource adds one line here.
ROUTER_MODULES = (
    "fanzha.api.routes.health",
    "fanzha.api.routes.screen",
    "fanzha.api.routes.indicators",
    "fanzha.api.routes.extract",
    "fanzha.api.routes.auth",
    "fanzha.api.routes.register",
    "fanzha.api.routes.cases",
    "fanzha.api.routes.warnings",
    "fanzha.api.routes.stats",
    "fanzha.web.views",
)


def _bytes_safe(v: Any) -> Any:
    if isinstance(v, bytes | bytearray):
        return bytes(v[:200]).decode("utf-8", "replace")
    if isinstance(v, dict):
        return {k: _bytes_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_bytes_safe(x) for x in v]
    return v


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's default 422, but a non-UTF-8 body (echoed back as ``input``) no longer crashes it into a 500."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else [{"msg": str(exc)}]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(_bytes_safe(errors))})


def create_app() -> FastAPI:
    app = FastAPI(
        title="fanzha 反诈",
        version=__version__,
        description="Screening, indicator checks, case intake / linking and early warnings against telecom fraud.",
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)
    return app
