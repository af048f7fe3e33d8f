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
    assert 100 <= warnings <= 160
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


def test_demo_warnings_follow_the_grading_and_work_rules(db_url: str) -> None:
    """Every lead was graded, timed and worked by fanzha.cases.warnings: closed leads end with a closing action,
    open ones are due exactly when compute_due_at says, and the queue has overdue, fresh and closed leads."""
    from fanzha.cases.stats import warning_stats
    from fanzha.cases.warnings import CONTACT_ACTIONS, as_utc, compute_due_at, is_overdue, load_rules

    assert ensure_demo_data(db_url) is True
    rules = load_rules()
    with session_scope(db_url) as s:
        leads = list(s.scalars(select(Warning).order_by(Warning.id)))
        outcomes: set[str] = set()
        overdue = fresh = 0
        for w in leads:
            assert w.reason.startswith("【示例】") and (w.subject_name or "").startswith("演示")
            acts = sorted(w.actions, key=lambda a: as_utc(a.at))
            assert all(as_utc(a.at) >= as_utc(w.created_at) for a in acts)
            if w.status == "closed":
                assert acts, f"closed lead {w.id} without actions"
                last = acts[-1]
                assert last.outcome == w.outcome and w.outcome is not None
                assert w.outcome in rules.closing_outcomes or w.outcome == "unreachable"
                assert w.closed_at is not None and as_utc(w.closed_at) == as_utc(last.at)
                assert w.loss_avoided_fen == sum(a.loss_avoided_fen for a in acts)
                if w.outcome == "money_sent":
                    assert w.case_id is not None
                outcomes.add(w.outcome)
            else:
                assert w.outcome in (None, "unreachable") and w.closed_at is None
                assert (w.status == "new") == (not acts)
                contacts = [as_utc(a.at) for a in acts if a.action in CONTACT_ACTIONS]
                due = compute_due_at(w.grade, w.created_at, [a.action for a in acts], max(contacts, default=None))
                assert as_utc(w.due_at) == due, (w.id, w.grade, [a.action for a in acts])
                if is_overdue(w):
                    overdue += 1
                else:
                    fresh += 1
        assert outcomes == {"reached", "fraud_confirmed", "not_fraud", "unreachable", "money_sent"}
        assert overdue >= 3 and fresh >= 3
        by_status = {st: sum(w.status == st for w in leads) for st in ("new", "in_progress", "closed")}
        assert by_status["new"] >= 5 and by_status["in_progress"] >= 5 and by_status["closed"] >= 60
        sources = {w.source for w in leads}
        assert {"bank", "citizen_report", "screening", "import", "manual"} <= sources
        assert all(w.grade == "高" for w in leads if w.source == "bank")  # a counter escalation is always 高
        assert {w.grade for w in leads} == {"高", "中", "低"}
        assert all("【评级依据】" in w.reason for w in leads)  # graded by grade_lead, reasons kept
        # a county summary's figures: 100+ leads, hundreds of thousands of yuan avoided, a few dozen suspects
        totals = warning_stats(s)["totals"]
        assert totals["leads"] >= 100
        assert 300_000 <= float(totals["loss_avoided_yuan"]) <= 2_000_000
        assert 15 <= totals["suspects_identified"] <= 80


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
    add_officer1 = [
        "user",
        "add",
        "officer1",
        "--role",
        "desk_officer",
        "--password",
        "long-enough-pw",
        "--database-url",
        empty_db_url,
    ]
    r = runner.invoke(app, add_officer1)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, add_officer1)  # the same user again: refused
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
