"""Pydantic schemas of the early-warning (预警劝阻) API: ``LeadCreate``, ``ActionCreate``, ``WarningPublic``.

Money enters in yuan (``Decimal``, at most 2 decimals) and is stored in integer fen.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fanzha.cases.schemas import MAX_YUAN
from fanzha.domain import Typology

LeadSource = Literal["screening", "bank", "citizen_report", "import", "manual"]
ActionKind = Literal["sms", "call", "visit", "note"]
Outcome = Literal["reached", "fraud_confirmed", "not_fraud", "unreachable", "money_sent"]
AgeBand = Literal["<18", "18-25", "26-35", "36-45", "46-55", "56-65", "65+"]
ScreeningRisk = Literal["high", "medium", "low", "none"]


# Short names people type (and operator files use) -> the MPS typology value.
TYPOLOGY_ALIASES: dict[str, str] = {
    "刷单": Typology.SHUADAN.value,
    "返利": Typology.SHUADAN.value,
    "投资": Typology.INVESTMENT.value,
    "理财": Typology.INVESTMENT.value,
    "贷款": Typology.LOAN.value,
    "网贷": Typology.LOAN.value,
    "信用卡": Typology.LOAN.value,
    "征信": Typology.CREDIT.value,
    "校园贷": Typology.CREDIT.value,
    "客服": Typology.ECOMMERCE_CS.value,
    "电商": Typology.ECOMMERCE_CS.value,
    "物流": Typology.ECOMMERCE_CS.value,
    "快递": Typology.ECOMMERCE_CS.value,
    "购物": Typology.SHOPPING.value,
    "公检法": Typology.POLICE.value,
    "冒充公安": Typology.POLICE.value,
    "政府机关": Typology.POLICE.value,
    "领导": Typology.LEADER.value,
    "熟人": Typology.LEADER.value,
    "好友借钱": Typology.LEADER.value,
    "游戏": Typology.GAME.value,
    "婚恋": Typology.ROMANCE.value,
    "交友": Typology.ROMANCE.value,
    "杀猪盘": Typology.ROMANCE.value,
    "军警": Typology.MILITARY.value,
    "其他": Typology.OTHER.value,
}
_TYPOLOGY_VALUES = {t.value for t in Typology}


def parse_typology(value: str | None) -> str | None:
    """'刷单' / '刷单返利类' / ' 冒充公检法 ' -> the Typology value; '' / None -> None; unknown -> ValueError."""
    if value is None:
        return None
    v = value.strip().replace("\u3000", "")
    if not v:
        return None
    if v in _TYPOLOGY_VALUES:
        return v
    for alias, full in TYPOLOGY_ALIASES.items():
        if alias in v:
            return full
    raise ValueError(f"unknown typology {value!r} (use one of: {', '.join(sorted(_TYPOLOGY_VALUES))})")


def age_band_of(age: int) -> str:
    if age < 18:
        return "<18"
    for lo, hi in ((18, 25), (26, 35), (36, 45), (46, 55), (56, 65)):
        if lo <= age <= hi:
            return f"{lo}-{hi}"
    return "65+"


def _check_yuan(v: Decimal | None) -> Decimal | None:
    if v is None:
        return None
    if not v.is_finite() or v < 0 or v > MAX_YUAN:
        raise ValueError("amount must be between 0 and 10,000,000,000 yuan")
    if v != v.quantize(Decimal("0.01")):
        raise ValueError("amount has more than 2 decimals (yuan.fen)")
    return v


class LeadCreate(BaseModel):
    """A lead (预警线索) from screening, a bank counter, a citizen report, an import or an officer.

    The flags feed the grading rules in grading.yaml; none of them is stored apart from what the table holds.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: LeadSource = "manual"
    reason: str = Field(min_length=1, max_length=2000, description="why this person is at risk (free text)")
    subject_name: str | None = Field(default=None, max_length=128)
    subject_phone: str | None = Field(default=None, max_length=32)
    subject_age: int | None = Field(default=None, ge=0, le=130)
    subject_age_band: AgeBand | None = None
    typology: str | None = Field(default=None, description="MPS typology (刷单返利类 …) or a short alias (刷单)")
    indicator_kind: str | None = Field(default=None, max_length=16, description="e.g. phone, url, qq, bank_card")
    indicator_value: str | None = Field(default=None, max_length=512)
    # grading signals
    money_moving: bool = Field(default=False, description="money transfer imminent or in progress (正在转账)")
    student: bool = False
    fraud_number_confirmed: bool = Field(default=False, description="set automatically from the indicator register")
    contact_count: int = Field(default=0, ge=0, le=100000, description="contacts with the fraud number")
    call_minutes: int = Field(default=0, ge=0, le=100000, description="longest call with the fraud number")
    amount: Decimal | None = Field(default=None, description="amount at stake in yuan")
    screening_risk: ScreeningRisk | None = None
    # routing / idempotence
    assigned_to: int | None = Field(default=None, description="user id of a warning officer; default: least loaded")
    external_id: str | None = Field(default=None, max_length=96, description="id in the sender's system")

    @field_validator("typology")
    @classmethod
    def _typology(cls, v: str | None) -> str | None:
        return parse_typology(v)

    @field_validator("amount")
    @classmethod
    def _amount(cls, v: Decimal | None) -> Decimal | None:
        return _check_yuan(v)

    @field_validator("subject_name", "subject_phone", "indicator_kind", "indicator_value", "external_id")
    @classmethod
    def _empty_none(cls, v: str | None) -> str | None:
        return v or None

    @model_validator(mode="after")
    def _band(self) -> LeadCreate:
        if self.subject_age is not None and self.subject_age_band is None:
            self.subject_age_band = age_band_of(self.subject_age)  # type: ignore[assignment]
        return self


class ActionCreate(BaseModel):
    """One step worked on a lead: an SMS, a call, a home visit or a note, with its outcome and the loss avoided."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: ActionKind
    outcome: Outcome | None = None
    note: str | None = Field(default=None, max_length=2000)
    loss_avoided: Decimal = Field(default=Decimal("0"), description="yuan kept from the fraudsters by this step")
    close: bool = Field(default=False, description="close the lead with this outcome even if it is not a closing one")
    case_id: int | None = Field(default=None, description="link the lead to a case (e.g. money already sent)")
    at: datetime | None = Field(default=None, description="when it happened (default: now)")

    @field_validator("loss_avoided")
    @classmethod
    def _loss(cls, v: Decimal) -> Decimal:
        checked = _check_yuan(v)
        assert checked is not None
        return checked

    @model_validator(mode="after")
    def _close_needs_outcome(self) -> ActionCreate:
        if self.close and self.outcome is None:
            raise ValueError("closing a lead needs an outcome")
        return self


class GradeReasonPublic(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    points: int
    why: str


class ActionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    outcome: str | None
    note: str | None
    loss_avoided: Decimal
    officer_id: int
    at: datetime


class WarningPublic(BaseModel):
    id: int
    source: str
    grade: str
    score: int | None
    grade_reasons: list[GradeReasonPublic]
    status: str
    subject_name: str | None
    subject_phone: str | None
    subject_age_band: str | None
    typology: str | None
    reason: str
    indicator_kind: str | None
    indicator_value: str | None
    assigned_to: int | None
    created_at: datetime
    due_at: datetime
    closed_at: datetime | None
    overdue: bool
    next_step: str | None
    next_step_label: str | None
    outcome: str | None
    loss_avoided: Decimal
    case_id: int | None
    actions: list[ActionPublic] = Field(default_factory=list)


class WarningsPublic(BaseModel):
    data: list[WarningPublic]
    count: int


class ImportReport(BaseModel):
    rows: int
    created: int
    duplicates: int
    warning_ids: list[int]
