"""Indicators (涉诈要素): extraction, canonical forms and offline risk checks of URLs, numbers, accounts and apps.

One implementation shared by screening, case intake, the bank counter, the CLI and the API:

    extract(text, kinds=None) -> list[Indicator]
    normalize_value(kind, value) -> str
    detect_kind(value) -> str | None
    check(value, kind=None) -> CheckResult
    screening_evidence(text or its fanzha.text.Normalized) -> list[Evidence] (raw + normalised reading)
    analyse_card(number, claimed_bank=None) -> Analysis (Luhn, BIN bank / card type, claimed-bank mismatch)
    official.is_allowlisted(kind, normalized) -> bool
"""

from fanzha.indicators.analysis import analyse_card
from fanzha.indicators.check import check, check_item, screening_evidence
from fanzha.indicators.model import CHECK_KINDS, KINDS, CheckResult, Indicator
from fanzha.indicators.normalizers import detect_kind, normalize_value
from fanzha.indicators.recognizers import extract

__all__ = [
    "analyse_card",
    "CHECK_KINDS",
    "KINDS",
    "CheckResult",
    "Indicator",
    "check",
    "check_item",
    "detect_kind",
    "extract",
    "normalize_value",
    "screening_evidence",
]
