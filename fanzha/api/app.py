"""The FastAPI application: API routers under /api/v1, the web console and the public page."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

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


def create_app() -> FastAPI:
    app = FastAPI(
        title="fanzha 反诈",
        version=__version__,
        description="Screening, indicator checks, case intake / linking and early warnings against telecom fraud.",
    )
    for name in ROUTER_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a capability not built yet must not break the others
            if exc.name != name:
                raise
            continue
        app.include_router(mod.router)
    return app
