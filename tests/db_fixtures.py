"""Database fixtures shared by every DB test: each runs on SQLite AND PostgreSQL.

- ``db_url``: a freshly migrated database URL. ``sqlite``: a temp file. ``postgresql``: a fresh schema
  ``fanzha_t_<uuid>`` in database ``test`` at 127.0.0.1:5432 (override with FANZHA_TEST_PG_URL), selected through
  ``options=-csearch_path=...`` in the URL, dropped with CASCADE afterwards. PostgreSQL unreachable: the
  postgresql params FAIL when CI=true, otherwise they skip with the reason.
- ``session``: a Session on ``db_url`` (closed afterwards; commit yourself).
- ``make_user(role, username=None, password="pw-test-123")``: inserts and commits a user, returns it.
- ``api_app`` (create_app() with ``app.state.database_url = db_url``), ``client`` (TestClient on it),
  ``auth_headers(role)`` (a new user of that role and a bearer token header).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

PG_BASE_URL = os.environ.get("FANZHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_pg_error: str | None = None
_pg_checked = False


def pg_unavailable_reason() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per run)."""
    global _pg_checked, _pg_error
    if not _pg_checked:
        _pg_checked = True
        try:
            eng = create_engine(PG_BASE_URL, connect_args={"connect_timeout": 3})
            with eng.connect() as conn:
                conn.execute(text("SELECT 1"))
            eng.dispose()
        except Exception as exc:
            _pg_error = f"PostgreSQL not reachable at {PG_BASE_URL}: {type(exc).__name__}: {exc}"[:500]
    return _pg_error


def require_postgres() -> None:
    reason = pg_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI=true: PostgreSQL tests must run)")
    pytest.skip(reason)


def pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_BASE_URL else "?"
    return f"{PG_BASE_URL}{sep}options={quote('-csearch_path=' + schema)}"


def create_pg_schema() -> tuple[str, str]:
    """A new empty schema; returns (schema, url whose search_path is that schema)."""
    require_postgres()
    schema = f"fanzha_t_{uuid.uuid4().hex[:12]}"
    eng = create_engine(PG_BASE_URL)
    with eng.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return schema, pg_schema_url(schema)


def drop_pg_schema(schema: str, url: str) -> None:
    from fanzha.db.session import dispose_engine

    dispose_engine(url)
    eng = create_engine(PG_BASE_URL)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


DB_PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=DB_PARAMS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Like ``db_url`` but NOT migrated (for migration tests)."""
    from fanzha.db.session import dispose_engine

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fanzha-empty.db'}"
        yield url
        dispose_engine(url)
    else:
        schema, url = create_pg_schema()
        try:
            yield url
        finally:
            drop_pg_schema(schema, url)


@pytest.fixture(params=DB_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    from fanzha.db.session import dispose_engine, upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fanzha-test.db'}"
        upgrade(url)
        yield url
        dispose_engine(url)
    else:
        schema, url = create_pg_schema()
        try:
            upgrade(url)
            yield url
        finally:
            drop_pg_schema(schema, url)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    from fanzha.db.session import SessionLocal

    s = SessionLocal(db_url)
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def make_user(db_url: str) -> Callable[..., object]:
    """``make_user(role, username=None, password="pw-test-123", display_name=None) -> fanzha.db.models.User``."""
    from fanzha.db.models import User
    from fanzha.db.session import session_scope

    counter = {"n": 0}

    def _make(role: str, username: str | None = None, password: str = "pw-test-123", display_name: str | None = None):
        from fanzha.api.security import hash_password

        counter["n"] += 1
        name = username or f"{role}_{counter['n']}_{uuid.uuid4().hex[:6]}"
        with session_scope(db_url) as s:
            user = User(
                username=name,
                display_name=display_name or f"测试{role}",
                role=role,
                password_hash=hash_password(password),
                active=True,
            )
            s.add(user)
            s.flush()
            s.refresh(user)
            s.expunge(user)
        return user

    return _make


# --- API ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def api_app(db_url: str):
    """``fanzha.api.app.create_app()`` pointed at ``db_url`` (via ``app.state.database_url``)."""
    from fanzha.api.app import create_app

    app = create_app()
    app.state.database_url = db_url
    return app


@pytest.fixture
def client(api_app):
    """A fastapi TestClient on ``api_app``."""
    from fastapi.testclient import TestClient

    with TestClient(api_app) as c:
        yield c


@pytest.fixture
def auth_headers(db_url: str, make_user) -> Callable[..., dict[str, str]]:
    """``auth_headers(role, username=None) -> {"Authorization": "Bearer ..."}`` for a new user of ``role``."""
    from fanzha.api.security import issue_token
    from fanzha.db.models import User
    from fanzha.db.session import session_scope

    def _headers(role: str, username: str | None = None) -> dict[str, str]:
        user = make_user(role, username=username)
        with session_scope(db_url) as s:
            tok = issue_token(s, s.get(User, user.id))
        return {"Authorization": f"Bearer {tok}"}

    return _headers
