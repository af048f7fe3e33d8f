"""Platform commands: ``fanzha serve``, ``fanzha db upgrade``, ``fanzha user add|list|passwd``, ``fanzha demo``,
``fanzha warnings import|queue``, ``fanzha stats cases|rising``, ``fanzha indicators import|export``,
``fanzha cases export``.

Every command takes ``--database-url`` (default: FANZHA_DATABASE_URL / settings). Commands that read or write
people's data are audited like the API; ``--user NAME`` attributes them to a platform user (default: no user,
recorded as ``cli``). Bad input files exit with status 1 and the row's message; nothing is written.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from fanzha.db.models import User

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


def _register_core(app: typer.Typer) -> None:
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


# --------------------------------------------------------------------------------------------------------------------
# Warning officers, analysts, register keepers


DB_OPT = typer.Option(None, "--database-url", help="overrides FANZHA_DATABASE_URL")
USER_OPT = typer.Option(None, "--user", help="platform user the action is recorded for in the audit log")


def _out() -> Console:
    return Console(width=200, soft_wrap=False)


def _json_default(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, default=_json_default)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        console.print(f"[red]cannot read {path}: {exc.strerror or exc}[/red]")
        raise typer.Exit(2) from exc


def _write_file(path: Path, text: str) -> None:
    """Write to a temporary file next to ``path`` and rename (never a half-written export)."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        console.print(f"[red]cannot write {path}: {exc.strerror or exc}[/red]")
        raise typer.Exit(2) from exc


def _actor(session: Session, username: str | None, *, roles: tuple[str, ...] = ()) -> User | None:
    from sqlalchemy import select

    from fanzha.db.models import User

    if not username:
        return None
    u = session.scalar(select(User).where(User.username == username))
    if u is None or not u.active:
        console.print(f"[red]no active user {username!r}[/red]")
        raise typer.Exit(2)
    if roles and u.role not in (*roles, "admin"):
        console.print(f"[red]user {username!r} is a {u.role}; needs one of {', '.join(roles)}[/red]")
        raise typer.Exit(2)
    return u


def _error_exit(message: object, code: int, cause: BaseException) -> NoReturn:
    """Print ``message`` in red and exit with ``code`` (1: the input was refused, nothing written; 2: bad usage)."""
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(code) from cause


def _check_format(fmt: str) -> None:
    if fmt not in ("csv", "json"):
        console.print(f"[red]--format must be csv or json, not {fmt!r}[/red]")
        raise typer.Exit(2)


def _audit_cli(session: Session, actor: User | None, *, action: str, entity: str, detail: str) -> None:
    """One audit row for a CLI action on many entities (recorded as ``cli`` when no --user is given)."""
    from fanzha.cases.audit import audit

    audit(
        session,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None,
        username=None if actor else "cli",
        detail=detail,
    )


def _date(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        console.print(f"[red]{what}: expected a date like 2026-01-31, got {value!r}[/red]")
        raise typer.Exit(2) from exc


def _register_warnings(app: typer.Typer) -> None:
    w_app = typer.Typer(
        help="Early-warning leads (预警劝阻): import operator/bank files, show a queue.", no_args_is_help=True
    )

    @w_app.command("import")
    def warnings_import(
        file: Path = typer.Argument(..., help="CSV of at-risk people (see docs/warnings.md §5)"),
        source: str = typer.Option("import", "--source", help="import (telecom operator) | bank"),
        provider: str = typer.Option("", "--provider", help="the sender's name (part of the idempotency key)"),
        user: str | None = USER_OPT,
        database_url: str | None = DB_OPT,
    ) -> None:
        """Import leads from a CSV: all rows or none, idempotent (the same file twice creates nothing)."""
        from fanzha.cases.warnings import CsvImportError, LeadConflict, import_leads_csv
        from fanzha.db.session import session_scope, upgrade

        if source not in ("import", "bank"):
            console.print(f"[red]--source must be import or bank, not {source!r}[/red]")
            raise typer.Exit(2)
        data = _read_file(file)
        url = _use_database(database_url)
        upgrade(url)
        try:
            with session_scope(url) as s:
                actor = _actor(s, user, roles=("warning_officer", "bank_teller"))
                res = import_leads_csv(session=s, data=data, actor=actor, source=source, provider=provider)  # type: ignore[arg-type]
        except CsvImportError as exc:
            _error_exit(f"import refused, nothing written: {exc}", 1, exc)
        except LeadConflict as exc:
            _error_exit(exc, 1, exc)
        _out().print(f"rows {res.rows}, created {res.created}, duplicates {res.duplicates}")

    @w_app.command("queue")
    def warnings_queue(
        user: str | None = typer.Option(None, "--user", help="a warning officer's queue (default: every lead)"),
        include_closed: bool = typer.Option(False, "--closed", help="closed leads too (after the open ones)"),
        limit: int = typer.Option(50, "--limit", min=1, max=500),
        show_personal: bool = typer.Option(False, "--show-personal", help="names and phones in clear (audited)"),
        as_json: bool = typer.Option(False, "--json", help="JSON instead of a table"),
        database_url: str | None = DB_OPT,
    ) -> None:
        """The queue: overdue first (red), then 高 → 中 → 低, then due time. Personal data masked by default."""
        from rich.table import Table

        from fanzha.cases.warnings import LOCAL_TZ, as_utc, queue, to_public, utcnow
        from fanzha.db.session import session_scope
        from fanzha.privacy import mask_name, mask_phone

        url = _use_database(database_url)
        now = utcnow()
        with session_scope(url) as s:
            officer = _actor(s, user, roles=("warning_officer",))
            rows, total = queue(session=s, officer=officer, include_closed=include_closed, limit=limit, now=now)
            pubs = [to_public(w, now=now) for w in rows]
            _audit_cli(
                s,
                officer,
                action="read",
                entity="warning",
                detail=f"cli queue ids=[{','.join(str(p.id) for p in pubs)}] personal={'clear' if show_personal else 'masked'}",
            )
        if as_json:
            recs = []
            for p in pubs:
                r = p.model_dump(exclude={"actions"})
                if not show_personal:
                    r["subject_name"], r["subject_phone"] = mask_name(p.subject_name), mask_phone(p.subject_phone)
                recs.append(r)
            _out().print_json(_dump({"count": total, "data": recs}))
            return
        table = Table(
            "id",
            "grade",
            "status",
            "due (UTC+8)",
            "next step",
            "source",
            "typology",
            "subject",
            "phone",
            title=f"{len(pubs)} of {total} leads" + (f" for {user}" if user else ""),
        )
        for p in pubs:
            due = as_utc(p.due_at).astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
            style = "bold red" if p.overdue else ("dim" if p.status == "closed" else None)
            table.add_row(
                str(p.id),
                p.grade,
                p.status + (" OVERDUE" if p.overdue else ""),
                due,
                p.next_step_label or p.next_step or (p.outcome or ""),
                p.source,
                p.typology or "",
                (p.subject_name or "") if show_personal else mask_name(p.subject_name),
                (p.subject_phone or "") if show_personal else mask_phone(p.subject_phone),
                style=style,
            )
        _out().print(table)

    app.add_typer(w_app, name="warnings")


def _register_stats(app: typer.Typer) -> None:
    st_app = typer.Typer(help="Statistics for analysts (periods in China time).", no_args_is_help=True)

    @st_app.command("cases")
    def stats_cases(
        period: str = typer.Option("week", "--period", help="week | month"),
        date_from: str | None = typer.Option(None, "--from", help="first day, e.g. 2026-01-01"),
        date_to: str | None = typer.Option(None, "--to", help="last day (inclusive)"),
        as_json: bool = typer.Option(False, "--json", help="the full result as JSON"),
        database_url: str | None = DB_OPT,
    ) -> None:
        """Cases, losses and suspects per period and by typology."""
        from rich.table import Table

        from fanzha.cases.stats import StatsError, case_stats
        from fanzha.db.session import session_scope

        lo, hi = _date(date_from, "--from"), _date(date_to, "--to")
        url = _use_database(database_url)
        try:
            with session_scope(url) as s:
                res = case_stats(s, period=period, date_from=lo, date_to=hi)
        except StatsError as exc:
            _error_exit(exc, 2, exc)
        if as_json:
            _out().print_json(_dump(res))
            return
        t = res["totals"]
        out = _out()
        out.print(
            f"{t['cases']} cases, loss {t['loss_yuan']} yuan, recovered {t['recovered_yuan']} yuan, "
            f"{t['suspects_identified']} suspects identified"
        )
        per = Table("period", "start", "cases", "loss (yuan)", "recovered", "suspects", title=f"per {period}")
        for r in res["series"]:
            per.add_row(
                r["period"],
                r["start"],
                str(r["cases"]),
                str(r["loss_yuan"]),
                str(r["recovered_yuan"]),
                str(r["suspects_identified"]),
            )
        out.print(per)
        typ = Table("typology", "cases", "loss (yuan)", title="by typology")
        for r in res["by_typology"]:
            typ.add_row(r["key"], str(r["cases"]), str(r["loss_yuan"]))
        out.print(typ)

    @st_app.command("rising")
    def stats_rising(
        window_days: int = typer.Option(28, "--window-days", min=1, max=3660),
        min_growth: float = typer.Option(0.5, "--min-growth"),
        min_count: int = typer.Option(3, "--min-count", min=1),
        source: str = typer.Option("cases", "--source", help="cases | warnings"),
        as_json: bool = typer.Option(False, "--json"),
        database_url: str | None = DB_OPT,
    ) -> None:
        """Typologies rising in the last window against the window before (an alert list)."""
        from fanzha.cases.stats import StatsError, rising_types
        from fanzha.db.session import session_scope

        url = _use_database(database_url)
        try:
            with session_scope(url) as s:
                res = rising_types(
                    s, window_days=window_days, min_growth=min_growth, min_count=min_count, source=source
                )
        except StatsError as exc:
            _error_exit(exc, 2, exc)
        if as_json:
            _out().print_json(_dump([r.to_record() for r in res]))
            return
        if not res:
            _out().print(f"no rising typology in the last {window_days} days")
        for r in res:
            _out().print(r.why)

    app.add_typer(st_app, name="stats")


def _register_indicators(app: typer.Typer) -> None:
    i_app = typer.Typer(help="The indicator register (线索库): import and export.", no_args_is_help=True)

    @i_app.command("import")
    def indicators_import(
        file: Path = typer.Argument(..., help="CSV (header: kind,value,...) or MISP-style JSON"),
        fmt: str = typer.Option("auto", "--format", help="csv | json | auto (by extension / first byte)"),
        source: str = typer.Option("import", "--source", help="source recorded on new entries"),
        user: str | None = USER_OPT,
        database_url: str | None = DB_OPT,
    ) -> None:
        """Merge a file into the register: validated completely first, one transaction, idempotent."""
        from fanzha.cases.register import MAX_IMPORT_BYTES, ImportFailed, import_bytes
        from fanzha.db.session import session_scope, upgrade

        data = _read_file(file)
        if len(data) > MAX_IMPORT_BYTES:
            console.print(f"[red]file larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it[/red]")
            raise typer.Exit(1)
        if fmt == "auto":
            fmt = "json" if file.suffix.lower() == ".json" or data.lstrip()[:1] in (b"{", b"[") else "csv"
        _check_format(fmt)
        url = _use_database(database_url)
        upgrade(url)
        try:
            with session_scope(url) as s:
                actor = _actor(s, user)
                res = import_bytes(s, data, fmt=fmt, source=source)
                _audit_cli(
                    s,
                    actor,
                    action="import",
                    entity="indicator",
                    detail=f"cli {fmt} rows={res.rows} created={res.created} updated={res.updated}",
                )
        except ImportFailed as exc:
            _error_exit(f"import refused, nothing written: {exc}", 1, exc)
        _out().print(f"rows {res.rows}, created {res.created}, updated {res.updated}, allowlisted {res.allowlisted}")

    @i_app.command("export")
    def indicators_export(
        fmt: str = typer.Option(..., "--format", help="csv | json (MISP-style event)"),
        output: Path = typer.Option(..., "--output", help="file to write"),
        include_expired: bool = typer.Option(True, "--include-expired/--active-only"),
        user: str | None = USER_OPT,
        database_url: str | None = DB_OPT,
    ) -> None:
        """Export the whole register (CSV re-importable with ``indicators import``)."""
        from fanzha.cases.register import all_indicators, export_csv, export_misp
        from fanzha.db.session import session_scope

        _check_format(fmt)
        url = _use_database(database_url)
        with session_scope(url) as s:
            actor = _actor(s, user)
            rows = all_indicators(s, include_expired=include_expired)
            text = export_csv(rows) if fmt == "csv" else _dump(export_misp(rows))
            _audit_cli(s, actor, action="export", entity="indicator", detail=f"cli {fmt} rows={len(rows)}")
        _write_file(output, text)
        _out().print(f"{len(rows)} indicators written to {output}")

    app.add_typer(i_app, name="indicators")


def _register_cases(app: typer.Typer) -> None:
    c_app = typer.Typer(help="Cases (案件).", no_args_is_help=True)

    @c_app.command("export")
    def cases_export(
        output: Path = typer.Option(..., "--output", help="CSV file to write (personal data masked)"),
        typology: str | None = typer.Option(None, "--typology"),
        status: str | None = typer.Option(None, "--status"),
        date_from: str | None = typer.Option(None, "--from", help="reported on or after this day"),
        date_to: str | None = typer.Option(None, "--to", help="reported on or before this day"),
        user: str | None = USER_OPT,
        database_url: str | None = DB_OPT,
    ) -> None:
        """Export cases as CSV with names, phones, cards and accounts masked (audited as an export)."""
        from datetime import UTC, time, timedelta

        from fanzha.cases.crud import MAX_EXPORT_ROWS, export_cases_csv
        from fanzha.cases.warnings import LOCAL_TZ
        from fanzha.db.session import session_scope

        lo, hi = _date(date_from, "--from"), _date(date_to, "--to")
        filters: dict[str, Any] = {"typology": typology, "status": status}
        if lo is not None:
            filters["date_from"] = datetime.combine(lo, time(0), LOCAL_TZ).astimezone(UTC)
        if hi is not None:
            filters["date_to"] = datetime.combine(hi + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)
        url = _use_database(database_url)
        with session_scope(url) as s:
            actor = _actor(s, user, roles=("desk_officer", "analyst"))
            text, n = export_cases_csv(session=s, actor=actor, **filters)
        _write_file(output, text)
        more = f" (capped at {MAX_EXPORT_ROWS}: narrow the filters)" if n >= MAX_EXPORT_ROWS else ""
        _out().print(f"{n} cases written to {output}{more}")

    app.add_typer(c_app, name="cases")


def register(app: typer.Typer) -> None:
    _register_core(app)
    _register_warnings(app)
    _register_stats(app)
    _register_indicators(app)
    _register_cases(app)
