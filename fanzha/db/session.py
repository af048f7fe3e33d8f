"""Engines, sessions and programmatic migrations.

One setting picks the database: ``FANZHA_DATABASE_URL`` (``settings.database_url``), embedded SQLite under
``var/`` by default, PostgreSQL (``postgresql+psycopg://...``) in production. Every function takes an optional
``url``; ``None`` means the configured one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fanzha.config import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_makers: dict[str, sessionmaker[Session]] = {}


def resolve_url(url: str | None = None) -> str:
    return url or get_settings().database_url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:
        pass
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """The (cached) engine for ``url``. SQLite gets foreign keys, WAL and a busy timeout; its folder is created."""
    url = resolve_url(url)
    with _lock:
        eng = _engines.get(url)
        if eng is not None:
            return eng
        u = make_url(url)
        kwargs: dict[str, Any] = {"future": True}
        if u.get_backend_name() == "sqlite":
            if u.database and u.database != ":memory:":
                Path(u.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
        eng = create_engine(url, **kwargs)
        if u.get_backend_name() == "sqlite":
            event.listen(eng, "connect", _sqlite_pragmas)
        _engines[url] = eng
        return eng


def dispose_engine(url: str | None = None) -> None:
    """Close the pooled connections of ``url`` and forget its engine (tests drop their schema afterwards)."""
    url = resolve_url(url)
    with _lock:
        eng = _engines.pop(url, None)
        _makers.pop(url, None)
    if eng is not None:
        eng.dispose()


def get_sessionmaker(url: str | None = None) -> sessionmaker[Session]:
    url = resolve_url(url)
    maker = _makers.get(url)
    if maker is None:
        maker = sessionmaker(bind=make_engine(url), expire_on_commit=False, future=True)
        _makers[url] = maker
    return maker


def SessionLocal(url: str | None = None) -> Session:
    """A new Session on ``url`` (the caller commits and closes it; prefer ``session_scope``)."""
    return get_sessionmaker(url)()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A Session that commits when the block ends normally and rolls back on any exception."""
    session = SessionLocal(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute (not the ini option) so that '%' in URLs needs no escaping.
    cfg.attributes["url"] = resolve_url(url)
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """``alembic upgrade head`` on ``url`` (creates the SQLite file and its folder when needed)."""
    from alembic import command

    url = resolve_url(url)
    make_engine(url)  # creates the SQLite folder
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with make_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
