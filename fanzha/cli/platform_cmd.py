"""Platform commands: ``fanzha serve``, ``fanzha db upgrade``, ``fanzha user add|list|passwd``, ``fanzha demo``."""

from __future__ import annotations

import logging
import os

import typer
from rich.console import Console

console = Console(stderr=True)

ROLES = ("desk_officer", "warning_officer", "bank_teller", "analyst", "admin")


def _use_database(database_url: str | None) -> str:
    """Make ``database_url`` (if given) THE configured database for this process and return the URL in use."""
    from fanzha.config import get_settings

    if database_url:
        os.environ["FANZHA_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return get_settings().database_url


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    demo: bool = typer.Option(False, "--demo", help="seed clearly synthetic demo data into an empty database"),
    database_url: str | None = typer.Option(None, "--database-url", help="overrides FANZHA_DATABASE_URL"),
    log_level: str = typer.Option("info", help="uvicorn log level"),
) -> None:
    """Migrate the database, optionally seed demo data, and run the API + web console (uvicorn)."""
    import uvicorn

    from fanzha.config import get_settings
    from fanzha.db.session import upgrade

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    url = _use_database(database_url)
    settings = get_settings()
    try:
        settings.check_production()
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"database: {_safe_url(url)}")
    upgrade(url)
    if demo:
        if settings.environment != "development":
            console.print("[red]--demo is for development only (FANZHA_ENVIRONMENT is not 'development')[/red]")
            raise typer.Exit(2)
        from fanzha.cases.demo import DEMO_USERS, ensure_demo_data

        audit_log = logging.getLogger("fanzha.audit")
        level = audit_log.level
        audit_log.setLevel(logging.WARNING)  # 600 "create" lines of seeding are noise; the audit table has them
        try:
            seeded = ensure_demo_data(url)
        finally:
            audit_log.setLevel(level)
        console.print("demo data: " + ("seeded" if seeded else "already present (or the database holds real cases)"))
        console.print(
            "demo logins (development only): " + ", ".join(f"{u.username}/{u.password} ({u.role})" for u in DEMO_USERS)
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(f"fanzha serving on http://{shown}:{port}/  (console /console, API docs /docs)")
    uvicorn.run(
        "fanzha.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        log_config=_log_config(),
    )


def _log_config() -> dict[str, object]:
    """uvicorn's logging config with personal data masked in the access log (fanzha.privacy.MaskingFilter)."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg.setdefault("filters", {})["mask_personal_data"] = {"()": "fanzha.privacy.MaskingFilter"}
    for handler in cfg.get("handlers", {}).values():
        handler.setdefault("filters", []).append("mask_personal_data")
    return cfg


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

    db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)

    @db_app.command("upgrade")
    def db_upgrade(
        database_url: str | None = typer.Option(None, "--database-url", help="overrides FANZHA_DATABASE_URL"),
        revision: str = typer.Option("head", help="target revision"),
    ) -> None:
        """Apply the Alembic migrations (creates the SQLite file under var/ when needed)."""
        from fanzha.db.session import current_revision, upgrade

        url = _use_database(database_url)
        upgrade(url, revision)
        console.print(f"{_safe_url(url)} at revision {current_revision(url)}")

    @db_app.command("downgrade")
    def db_downgrade(
        revision: str = typer.Argument(..., help="target revision, e.g. base"),
        database_url: str | None = typer.Option(None, "--database-url"),
        yes: bool = typer.Option(False, "--yes", help="confirm: this drops tables and data"),
    ) -> None:
        """Revert migrations (destructive)."""
        from fanzha.db.session import downgrade

        if not yes:
            console.print("[red]refusing without --yes: a downgrade drops tables and their data[/red]")
            raise typer.Exit(2)
        url = _use_database(database_url)
        downgrade(url, revision)
        console.print(f"{_safe_url(url)} downgraded to {revision}")

    app.add_typer(db_app, name="db")

    user_app = typer.Typer(help="Platform users (roles: " + ", ".join(ROLES) + ").", no_args_is_help=True)

    @user_app.command("add")
    def user_add(
        username: str = typer.Argument(..., help="login name"),
        role: str = typer.Option(..., "--role", help="|".join(ROLES)),
        password: str | None = typer.Option(None, "--password", help="prompted (hidden) when absent"),
        display_name: str = typer.Option("", "--display-name"),
        database_url: str | None = typer.Option(None, "--database-url"),
    ) -> None:
        """Create a user."""
        from sqlalchemy import select

        from fanzha.api.security import hash_password
        from fanzha.db.models import User
        from fanzha.db.session import session_scope, upgrade

        if role not in ROLES:
            console.print(f"[red]unknown role {role!r}; one of {', '.join(ROLES)}[/red]")
            raise typer.Exit(2)
        if not username.strip() or len(username) > 64:
            console.print("[red]username must be 1-64 characters[/red]")
            raise typer.Exit(2)
        if password is None:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        if len(password) < 8:
            console.print("[red]password must have at least 8 characters[/red]")
            raise typer.Exit(2)
        url = _use_database(database_url)
        upgrade(url)
        with session_scope(url) as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                console.print(f"[red]user {username!r} already exists[/red]")
                raise typer.Exit(1)
            s.add(
                User(
                    username=username,
                    role=role,
                    display_name=display_name or username,
                    password_hash=hash_password(password),
                )
            )
        console.print(f"user {username} ({role}) created")

    @user_app.command("list")
    def user_list(database_url: str | None = typer.Option(None, "--database-url")) -> None:
        """List users."""
        from rich.table import Table
        from sqlalchemy import select

        from fanzha.db.models import User
        from fanzha.db.session import session_scope

        url = _use_database(database_url)
        table = Table("id", "username", "role", "active", "display name")
        with session_scope(url) as s:
            for u in s.scalars(select(User).order_by(User.id)):
                table.add_row(str(u.id), u.username, u.role, "yes" if u.active else "no", u.display_name)
        Console().print(table)

    @user_app.command("passwd")
    def user_passwd(
        username: str = typer.Argument(...),
        password: str | None = typer.Option(None, "--password"),
        deactivate: bool = typer.Option(False, "--deactivate", help="disable the account and revoke its tokens"),
        database_url: str | None = typer.Option(None, "--database-url"),
    ) -> None:
        """Change a user's password (revokes their tokens), or deactivate the account."""
        from sqlalchemy import select

        from fanzha.api.security import hash_password, revoke_user_tokens
        from fanzha.db.models import User
        from fanzha.db.session import session_scope

        url = _use_database(database_url)
        with session_scope(url) as s:
            u = s.scalar(select(User).where(User.username == username))
            if u is None:
                console.print(f"[red]no user {username!r}[/red]")
                raise typer.Exit(1)
            if deactivate:
                u.active = False
            else:
                if password is None:
                    password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
                if len(password) < 8:
                    console.print("[red]password must have at least 8 characters[/red]")
                    raise typer.Exit(2)
                u.password_hash = hash_password(password)
            revoke_user_tokens(s, u.id)
        console.print(f"user {username} updated; their API tokens were revoked")

    app.add_typer(user_app, name="user")

    @app.command("demo")
    def demo_cmd(database_url: str | None = typer.Option(None, "--database-url")) -> None:
        """Migrate and seed the clearly synthetic demo data (only into an empty database; idempotent)."""
        from fanzha.cases.demo import DEMO_USERS, ensure_demo_data

        url = _use_database(database_url)
        seeded = ensure_demo_data(url)
        console.print(
            ("seeded demo data into " if seeded else "demo data already present / database not empty: ")
            + _safe_url(url)
        )
        console.print("demo logins: " + ", ".join(f"{u.username}/{u.password} ({u.role})" for u in DEMO_USERS))
