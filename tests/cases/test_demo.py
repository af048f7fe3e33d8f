"""Demo data: synthetic, varied, linked, idempotent; the platform CLI commands."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from fanzha.api.security import authenticate
from fanzha.cases.demo import DEMO_USERS, ensure_demo_data
from fanzha.cases.linking import clusters
from fanzha.db.models import Case, Indicator, Transfer, User, Victim, Warning, WarningAction
from fanzha.db.session import session_scope


def _counts(url: str) -> tuple[int, ...]:
    with session_scope(url) as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Case, Victim, Indicator, Transfer, Warning, WarningAction, User)
        )


def test_demo_data_is_synthetic_varied_and_idempotent(db_url: str) -> None:
    assert ensure_demo_data(db_url) is True
    first = _counts(db_url)
    assert ensure_demo_data(db_url) is False
    assert _counts(db_url) == first
    cases, victims, _inds, transfers, warnings, actions, _users = first
    assert 180 <= cases <= 220 and victims == cases and transfers >= cases and actions > 0
    assert 24 <= warnings <= 60
    with session_scope(db_url) as s:
        assert all(n.startswith("【示例】") for n in s.scalars(select(Case.narrative)))
        assert all(n and n.startswith("演示") for n in s.scalars(select(Victim.name)))
        assert len(set(s.scalars(select(Case.typology)))) >= 8
        assert len(set(s.scalars(select(Case.channel)))) >= 5
        assert len(set(s.scalars(select(Victim.age_band)))) == 7
        assert {w.status for w in s.scalars(select(Warning))} == {"new", "in_progress", "closed"}
        assert {w.grade for w in s.scalars(select(Warning))} == {"高", "中", "低"}
        for du in DEMO_USERS:
            u = authenticate(s, du.username, du.password)
            assert u is not None and u.role == du.role
        cl = clusters(s)
        assert len(cl) >= 5 and cl[0].case_count >= 4


def test_demo_not_added_to_a_real_database(db_url: str, make_user) -> None:
    from fanzha.cases.crud import create_case
    from fanzha.cases.schemas import CaseCreate

    with session_scope(db_url) as s:
        create_case(session=s, case_in=CaseCreate(case_no="REAL-1"), actor=None)
    assert ensure_demo_data(db_url) is False
    assert _counts(db_url)[0] == 1


def test_cli_db_upgrade_user_add(empty_db_url: str, monkeypatch) -> None:
    from fanzha.cli import app
    from fanzha.config import get_settings

    # --database-url sets FANZHA_DATABASE_URL for the process: let monkeypatch restore it afterwards
    monkeypatch.setenv("FANZHA_DATABASE_URL", empty_db_url)
    runner = CliRunner()
    r = runner.invoke(app, ["db", "upgrade", "--database-url", empty_db_url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "user",
            "add",
            "officer1",
            "--role",
            "desk_officer",
            "--password",
            "long-enough-pw",
            "--database-url",
            empty_db_url,
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app,
        [
            "user",
            "add",
            "officer1",
            "--role",
            "desk_officer",
            "--password",
            "long-enough-pw",
            "--database-url",
            empty_db_url,
        ],
    )
    assert r.exit_code == 1
    assert (
        runner.invoke(
            app, ["user", "add", "x", "--role", "king", "--password", "long-enough-pw", "--database-url", empty_db_url]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            app, ["user", "add", "y", "--role", "analyst", "--password", "short", "--database-url", empty_db_url]
        ).exit_code
        == 2
    )
    with session_scope(empty_db_url) as s:
        u = authenticate(s, "officer1", "long-enough-pw")
        assert u is not None and u.role == "desk_officer"
    r = runner.invoke(
        app, ["user", "passwd", "officer1", "--password", "another-long-pw", "--database-url", empty_db_url]
    )
    assert r.exit_code == 0, r.output
    with session_scope(empty_db_url) as s:
        assert authenticate(s, "officer1", "long-enough-pw") is None
        assert authenticate(s, "officer1", "another-long-pw") is not None
    get_settings.cache_clear()
