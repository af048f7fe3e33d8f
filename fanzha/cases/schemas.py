"""Pydantic schemas of the case API: ``CaseCreate``, ``CaseUpdate``, ``CasePublic`` and friends.

Money enters and leaves the API in yuan (``Decimal``, at most 2 decimals) and is stored in integer fen.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fanzha.domain import Typology

AgeBand = Literal["<18", "18-25", "26-35", "36-45", "46-55", "56-65", "65+"]
Gender = Literal["男", "女", "未知"]
CaseStatus = Literal["open", "investigating", "solved", "closed"]
IndicatorKind = Literal["url", "domain", "ip", "phone", "qq", "wechat", "alipay", "bank_card", "app"]

MAX_YUAN = Decimal("10000000000")  # 100 亿: anything above is a typing error
MAX_NARRATIVE_CHARS = 20_000
MAX_INDICATORS_PER_CASE = 200


def yuan_to_fen(v: Decimal | None) -> int:
    if v is None:
        return 0
    return int((v * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def _check_yuan(v: Decimal | None) -> Decimal | None:
    if v is None:
        return v
    if not v.is_finite():
        raise ValueError("amount must be a finite number")
    if v < 0:
        raise ValueError("amount must not be negative")
    if v > MAX_YUAN:
        raise ValueError("amount is implausibly large")
    if v != v.quantize(Decimal("0.01")):
        raise ValueError("amount has more than 2 decimals (fen)")
    return v


class VictimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=128)
    age_band: AgeBand
    gender: Gender = "未知"
    occupation: str | None = Field(default=None, max_length=64)
    contact_phone: str | None = Field(default=None, max_length=32)


class VictimPublic(BaseModel):
    id: int
    name: str | None
    age_band: str
    gender: str
    occupation: str | None
    contact_phone: str | None
    masked: bool = False


class IndicatorRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IndicatorKind
    value: str = Field(min_length=1, max_length=512)
    role: str | None = Field(default=None, max_length=32)


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payer_account: str | None = Field(default=None, max_length=64)
    payee_account: str | None = Field(default=None, max_length=64)
    payee_bank: str | None = Field(default=None, max_length=64)
    amount: Decimal = Field(default=Decimal(0), description="yuan")
    transferred_at: datetime | None = None

    _amount = field_validator("amount")(_check_yuan)


class TransferPublic(BaseModel):
    id: int
    payer_account: str | None
    payee_account: str | None
    payee_bank: str | None
    amount: Decimal
    amount_fen: int
    transferred_at: datetime | None


class _IndicatorLists(BaseModel):
    phones: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    qq: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    wechat: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    alipay: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    urls: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    domains: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    ips: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    bank_cards: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    payee_accounts: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    apps: list[str] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    indicators: list[IndicatorRef] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)

    def indicator_refs(self) -> list[IndicatorRef]:
        """All indicators of the lists as (kind, value, role) references, in input order."""
        out: list[IndicatorRef] = []
        spec: list[tuple[list[str], str, str]] = [
            (self.phones, "phone", "fraudster_phone"),
            (self.qq, "qq", "fraudster_qq"),
            (self.wechat, "wechat", "fraudster_wechat"),
            (self.alipay, "alipay", "payee_account"),
            (self.urls, "url", "url"),
            (self.domains, "domain", "domain"),
            (self.ips, "ip", "ip"),
            (self.bank_cards, "bank_card", "payee_account"),
            (self.apps, "app", "app"),
        ]
        for values, kind, role in spec:
            for v in values:
                if v and v.strip():
                    out.append(IndicatorRef(kind=kind, value=v.strip()[:512], role=role))  # type: ignore[arg-type]
        for v in self.payee_accounts:
            if v and v.strip():
                out.append(IndicatorRef(kind=account_kind(v), value=v.strip()[:512], role="payee_account"))
        out.extend(self.indicators)
        return out


def account_kind(value: str) -> IndicatorKind:
    """The kind of a payee account: what ``fanzha.indicators.detect_kind`` says when that is an account kind,
    a phone number → alipay, other digits → bank_card, anything else → alipay."""
    from fanzha.indicators import detect_kind

    k = detect_kind(value)
    if k in ("bank_card", "alipay", "wechat", "qq"):
        return k  # type: ignore[return-value]
    if k == "phone":  # a payee "account" that is a phone number is an Alipay-style login
        return "alipay"
    compact = value.replace(" ", "").replace("-", "")
    return "bank_card" if compact.isdigit() else "alipay"


class CaseCreate(_IndicatorLists):
    model_config = ConfigDict(extra="forbid")

    case_no: str | None = Field(default=None, max_length=64, description="generated when empty")
    reported_at: datetime | None = None
    occurred_at: datetime | None = None
    channel: str | None = Field(default=None, max_length=64)
    typology: Typology | None = None
    subtype: str | None = Field(default=None, max_length=128)
    amount_lost: Decimal = Field(default=Decimal(0), description="yuan")
    amount_recovered: Decimal = Field(default=Decimal(0), description="yuan")
    status: CaseStatus = "open"
    narrative: str = Field(default="", max_length=MAX_NARRATIVE_CHARS)
    suspects_identified: int = Field(default=0, ge=0, le=100_000)
    victim: VictimIn | None = None
    transfers: list[TransferIn] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)

    _amounts = field_validator("amount_lost", "amount_recovered")(_check_yuan)


class CaseUpdate(_IndicatorLists):
    """Fields to change (absent = unchanged); indicator lists and transfers are ADDED to the case."""

    model_config = ConfigDict(extra="forbid")

    occurred_at: datetime | None = None
    channel: str | None = Field(default=None, max_length=64)
    typology: Typology | None = None
    subtype: str | None = Field(default=None, max_length=128)
    amount_lost: Decimal | None = None
    amount_recovered: Decimal | None = None
    status: CaseStatus | None = None
    narrative: str | None = Field(default=None, max_length=MAX_NARRATIVE_CHARS)
    suspects_identified: int | None = Field(default=None, ge=0, le=100_000)
    victim: VictimIn | None = None
    transfers: list[TransferIn] = Field(default_factory=list, max_length=MAX_INDICATORS_PER_CASE)
    version_id: int | None = Field(default=None, description="optimistic lock: the version you read (or If-Match)")

    _amounts = field_validator("amount_lost", "amount_recovered")(_check_yuan)


class CaseIndicatorPublic(BaseModel):
    indicator_id: int
    kind: str
    value: str
    display_value: str
    role: str | None
    status: str
    report_count: int


class SharedIndicator(BaseModel):
    indicator_id: int
    kind: str
    value: str


class LinkedCase(BaseModel):
    case_id: int
    case_no: str
    degree: int  # 1 = shares an indicator with the case, 2 = shares one with a directly linked case
    via_case_ids: list[int] = Field(default_factory=list)  # degree 2: the linked case(s) in between
    shared: list[SharedIndicator]
    typology: str | None
    reported_at: datetime
    amount_lost: Decimal


class LinkResultPublic(BaseModel):
    case_id: int
    direct: list[LinkedCase]
    second_degree: list[LinkedCase]
    truncated: bool = False


class CaseSummary(BaseModel):
    id: int
    case_no: str
    reported_at: datetime
    occurred_at: datetime | None
    channel: str | None
    typology: str | None
    subtype: str | None
    amount_lost: Decimal
    amount_lost_fen: int
    amount_recovered: Decimal
    amount_recovered_fen: int
    status: str
    suspects_identified: int
    officer_id: int | None
    version_id: int
    created_at: datetime
    updated_at: datetime


class CasePublic(CaseSummary):
    narrative: str
    victim: VictimPublic | None
    indicators: list[CaseIndicatorPublic]
    transfers: list[TransferPublic]
    linked_cases: LinkResultPublic | None = None


class ClusterPublic(BaseModel):
    case_count: int
    case_ids: list[int]
    total_loss: Decimal
    total_loss_fen: int
    first_reported_at: datetime
    last_reported_at: datetime
    span_days: float
    indicators: list[SharedIndicator]
    typologies: dict[str, int]
