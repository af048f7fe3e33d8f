"""Grading rules and deadlines (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from fanzha.cases.warning_schemas import ActionCreate, LeadCreate, parse_typology
from fanzha.cases.warnings import (
    _reason_with_grade,
    compute_due_at,
    grade_lead,
    lead_from_verdict,
    load_rules,
    pending_steps,
    split_reason,
)
from fanzha.domain import Category, Evidence, Risk, Verdict

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in China


def lead(**kw: object) -> LeadCreate:
    kw.setdefault("reason", "线索")
    return LeadCreate.model_validate(kw)


# (inputs, expected grade, expected reason ids that must add points)
GRADING_TABLE = [
    (dict(source="bank", reason="老人在柜台要求汇款"), "高", {"BANK_ESCALATION"}),
    (dict(reason="对方让其马上转账到安全账户", typology="冒充公检法"), "高", {"MONEY_MOVING_WORDS", "TYPOLOGY_POLICE"}),
    (dict(reason="接到陌生来电", money_moving=True), "高", {"MONEY_MOVING"}),
    (dict(reason="收到冒充公安的短信", typology="冒充公检法及政府机关类"), "中", {"TYPOLOGY_POLICE"}),
    (dict(reason="接到刷单兼职广告", typology="刷单"), "低", {"TYPOLOGY_OTHER_FRAUD"}),
    (dict(reason="做任务被要求连单", typology="刷单"), "中", {"TYPOLOGY_SHUADAN_LIANDAN"}),
    (
        dict(reason="做任务被要求连单", typology="刷单", subject_age=20, amount=Decimal("60000")),
        "高",
        {"TYPOLOGY_SHUADAN_LIANDAN", "YOUNG_TARGETED", "AMOUNT_LARGE"},
    ),
    (dict(reason="兼职刷单", typology="刷单", student=True), "中", {"STUDENT_TARGETED", "TYPOLOGY_OTHER_FRAUD"}),
    (
        dict(reason="投资平台推荐", typology="投资", screening_risk="high"),
        "高",
        {"TYPOLOGY_INVESTMENT", "SCREENING_HIGH"},
    ),
    (dict(reason="保健品推销", subject_age=70), "低", {"ELDERLY"}),
    (
        dict(reason="保健品推销", subject_age_band="65+", fraud_number_confirmed=True),
        "中",
        {"ELDERLY", "CONFIRMED_FRAUD_CONTACT"},
    ),
    (
        dict(reason="与涉诈号码多次通话", fraud_number_confirmed=True, contact_count=5, call_minutes=40),
        "中",
        {"CONFIRMED_FRAUD_CONTACT", "REPEATED_CONTACT"},
    ),
    (dict(reason="普通咨询"), "低", set()),
    (dict(reason="准 备 轉 賬 给客服", typology="客服"), "高", {"MONEY_MOVING_WORDS"}),  # spaced + traditional
    (dict(reason="已提醒不要转账，对方未转账", typology="客服"), "低", set()),  # negated: no money signal
    (
        dict(reason="说不会被骗，仍准备转账", typology="客服"),
        "高",
        {"MONEY_MOVING_WORDS"},
    ),  # negation in another clause
]


@pytest.mark.parametrize(("inputs", "grade", "ids"), GRADING_TABLE)
def test_grading_table(inputs: dict[str, object], grade: str, ids: set[str]) -> None:
    g, reasons = grade_lead(lead(**inputs))
    assert g == grade, reasons
    scoring = {r.id for r in reasons if r.points > 0}
    assert ids <= scoring, reasons
    for r in reasons:
        assert r.why


def test_negated_keywords() -> None:
    from fanzha.cases.warnings import keyword_hit

    neg = load_rules().negations
    assert keyword_hit("准备转账", "准备转账", neg)
    assert not keyword_hit("不准备转账", "准备转账", neg)
    assert not keyword_hit("没有准备转账", "准备转账", neg)
    assert keyword_hit("不准备转账但马上转账", "转账", neg)  # the second occurrence is not negated
    assert keyword_hit("他说不，准备转账", "准备转账", neg)  # the negation belongs to the previous clause


def test_group_caps_stop_double_counting() -> None:
    rules = load_rules()
    _, reasons = grade_lead(lead(source="bank", money_moving=True, reason="正在转账"))
    assert sum(r.points for r in reasons) == rules.group_caps["money"]
    assert {r.id for r in reasons} >= {"BANK_ESCALATION", "MONEY_MOVING", "MONEY_MOVING_WORDS"}


def test_thresholds_are_the_boundaries() -> None:
    # 30 points exactly = 中; 29 would be 低 (screening medium 15 + typology 10 = 25 → 低)
    assert grade_lead(lead(typology="冒充公检法"))[0] == "中"
    assert grade_lead(lead(typology="购物", screening_risk="medium"))[0] == "低"


def test_age_band_derived_and_young_rule_needs_typology() -> None:
    lead_in = lead(subject_age=22, typology="投资")
    assert lead_in.subject_age_band == "18-25"
    assert "YOUNG_TARGETED" not in {r.id for r in grade_lead(lead_in)[1]}


def test_reason_round_trip() -> None:
    g, reasons = grade_lead(lead(source="bank", subject_age=70, typology="公检法", reason="柜台；拦截"))
    stored = _reason_with_grade("柜台；拦截", g, reasons)
    own, score, back = split_reason(stored)
    assert own == "柜台；拦截"
    assert score == sum(r.points for r in reasons)
    assert [(r.id, r.points) for r in back] == [(r.id, r.points) for r in reasons]


def test_bad_inputs_rejected() -> None:
    with pytest.raises(ValueError):
        lead(typology="外星人诈骗")
    with pytest.raises(ValueError):
        lead(amount=Decimal("-1"))
    with pytest.raises(ValueError):
        lead(amount=Decimal("1.001"))
    with pytest.raises(ValueError):
        LeadCreate.model_validate({"reason": ""})
    with pytest.raises(ValueError):
        ActionCreate.model_validate({"action": "call", "close": True})
    with pytest.raises(ValueError):
        ActionCreate.model_validate({"action": "fax"})
    assert parse_typology(" 刷单 ") == "刷单返利类"


def test_deadlines_per_grade() -> None:
    assert compute_due_at("高", T0) == T0 + timedelta(minutes=2)  # SMS immediately
    assert compute_due_at("高", T0, ["sms"]) == T0 + timedelta(minutes=10)  # call within 10 min
    # visit the same (China) day: 10:00 local -> 23:59:59 local = 15:59:59 UTC
    assert compute_due_at("高", T0, ["sms", "call"]) == datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC)
    assert compute_due_at("中", T0) == T0 + timedelta(hours=2)
    assert compute_due_at("低", T0) == T0 + timedelta(hours=24)
    # late evening: the same-day visit still gets min_minutes
    late = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)  # 23:30 local
    assert compute_due_at("高", late, ["call"]) == late + timedelta(minutes=120)


def test_visit_before_call_completes_the_plan() -> None:
    assert [s.step for s in pending_steps("高", ["visit"])] == []
    assert [s.step for s in pending_steps("高", ["call"])] == ["visit"]
    assert [s.step for s in pending_steps("中", ["sms"])] == ["call"]
    assert [s.step for s in pending_steps("低", ["sms"])] == []
    last = T0 + timedelta(minutes=30)
    assert compute_due_at("中", T0, ["call"], last) == last + timedelta(minutes=load_rules().followup_minutes)


def test_lead_from_verdict() -> None:
    v = Verdict(
        fraud=True,
        risk=Risk.HIGH,
        score=0.93,
        type="冒充公检法及政府机关类",
        category=Category.FRAUD,
        evidence=[Evidence(source="rule", id="SAFE_ACCOUNT", weight=0.8, why="要求转入安全账户")],
    )
    li = lead_from_verdict(v, subject_phone="13800000000", subject_age=68)
    assert li.source == "screening" and li.screening_risk == "high"
    assert li.typology == "冒充公检法及政府机关类"
    assert "安全账户" in li.reason
    g, reasons = grade_lead(li)
    assert g == "高"
    assert {"SCREENING_HIGH", "TYPOLOGY_POLICE", "ELDERLY"} <= {r.id for r in reasons}


def test_broken_rules_file_is_refused(tmp_path: Path) -> None:
    import yaml

    from fanzha.cases.warnings import GRADING_FILE

    good = yaml.safe_load(GRADING_FILE.read_text(encoding="utf-8"))
    cases = [
        ("signals", lambda d: d["signals"][0]["when"].update({"typology": ["不存在的类型"]}), "unknown typologies"),
        ("signals", lambda d: d["signals"][0].update({"group": "nogroup"}), "without a cap"),
        ("signals", lambda d: d["signals"][0]["when"].update({"colour": "red"}), "colour"),
        ("thresholds", lambda d: d["thresholds"].pop("中"), "高, 中, 低"),
        ("deadlines", lambda d: d["deadlines"]["高"][0].pop("within_minutes"), "within_minutes or same_day"),
    ]
    for i, (_, change, words) in enumerate(cases):
        d = yaml.safe_load(yaml.safe_dump(good, allow_unicode=True))
        change(d)
        p = tmp_path / f"r{i}.yaml"
        p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ValueError, match=words):
            load_rules(p)
