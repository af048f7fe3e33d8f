"""Hostile input: arbitrary bytes never crash the CSV parser; arbitrary leads always grade consistently."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanzha.cases.warning_schemas import LeadCreate
from fanzha.cases.warnings import CsvImportError, grade_lead, load_rules, parse_leads_csv, split_reason
from fanzha.cases.warnings import _reason_with_grade as reason_with_grade

CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_a_clear_error_or_leads(data: bytes) -> None:
    try:
        out = parse_leads_csv(b"phone,reason\n" + data)
    except CsvImportError as exc:
        assert str(exc)
    else:
        assert all(lead.subject_phone and lead.reason for _, _, lead in out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6))
def test_random_rows_give_a_clear_error_or_leads(rows: list[list[str]]) -> None:
    text = "phone,reason,typology\n" + "\n".join(",".join(r) for r in rows) + "\n"
    for enc in ("utf-8", "utf-8-sig"):
        try:
            out = parse_leads_csv(text.encode(enc))
        except CsvImportError as exc:
            assert exc.row is None or exc.row >= 1
        else:
            keys = [k for _, k, _ in out]
            assert all(len(k) <= 128 for k in keys)


@settings(max_examples=300, deadline=None)
@given(
    reason=st.text(min_size=1, max_size=80).filter(lambda s: s.strip()),
    source=st.sampled_from(["screening", "bank", "citizen_report", "import", "manual"]),
    age=st.one_of(st.none(), st.integers(0, 120)),
    typology=st.sampled_from([None, "刷单", "投资", "公检法", "婚恋", "征信", "其他"]),
    money=st.booleans(),
    student=st.booleans(),
    confirmed=st.booleans(),
    contacts=st.integers(0, 50),
    amount=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2)),
    risk=st.sampled_from([None, "high", "medium", "low", "none"]),
)
def test_grading_is_consistent(
    reason: str,
    source: str,
    age: int | None,
    typology: str | None,
    money: bool,
    student: bool,
    confirmed: bool,
    contacts: int,
    amount: Decimal | None,
    risk: str | None,
) -> None:
    lead = LeadCreate.model_validate(
        dict(
            reason=reason,
            source=source,
            subject_age=age,
            typology=typology,
            money_moving=money,
            student=student,
            fraud_number_confirmed=confirmed,
            contact_count=contacts,
            amount=amount,
            screening_risk=risk,
        )
    )
    rules = load_rules()
    grade, reasons = grade_lead(lead)
    score = sum(r.points for r in reasons)
    expected = "高" if score >= rules.thresholds["高"] else "中" if score >= rules.thresholds["中"] else "低"
    assert grade == expected
    for group, cap in rules.group_caps.items():
        ids = {s.id for s in rules.signals if s.group == group}
        assert sum(r.points for r in reasons if r.id in ids) <= cap
    if money or source == "bank":
        assert grade == "高"
    own, back_score, back = split_reason(reason_with_grade(lead.reason, grade, reasons))
    assert own == lead.reason and back_score == score and [r.id for r in back] == [r.id for r in reasons]
