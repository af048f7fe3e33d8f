"""Alembic environment: the URL comes from ``config.attributes['url']`` (fanzha.db.session.upgrade), else the
ini option ``sqlalchemy.url``, else the fanzha settings."""

from __future__ import annotations

from alembic import context

from fanzha.db import models  # noqa: F401 - registers the tables on Base.metadata
from fanzha.db.base import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from fanzha.config import get_settings

        url = get_settings().database_url
    return str(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    from fanzha.db.session import make_engine

    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
