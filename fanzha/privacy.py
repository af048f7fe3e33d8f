"""Masking of personal data for logs, audit details and exports (个人信息保护).

The rule of thumb: keep enough to recognise a record in context (prefix / suffix), hide the rest with ``*``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; ``+86 138-1234-5678`` → ``+86 138****5678``; short numbers keep 2+2."""
    if not phone:
        return ""
    s = phone.strip()
    digits = re.sub(r"\D", "", s)
    prefix = ""
    if s.startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        prefix, digits = "+86 ", digits[2:]
    if len(digits) >= 11:
        return f"{prefix}{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    if len(digits) >= 7:
        return f"{prefix}{digits[:3]}{'*' * (len(digits) - 5)}{digits[-2:]}"
    if len(digits) >= 4:
        return f"{prefix}{digits[:1]}{'*' * (len(digits) - 2)}{digits[-1:]}"
    return "*" * len(digits) if digits else "*" * min(len(s), 8)


def mask_name(name: str | None) -> str:
    """``张三丰`` → ``张**``; ``Alice Smith`` → ``A**********``: first character only."""
    if not name:
        return ""
    s = name.strip()
    return s[:1] + "*" * max(len(s) - 1, 1)


def mask_card(card: str | None) -> str:
    """Bank card: first 6 and last 4 digits (``6222021234567890123`` → ``622202*********0123``)."""
    if not card:
        return ""
    digits = re.sub(r"[\s-]", "", card.strip())
    if len(digits) <= 10:
        return mask_account(digits)
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_account(account: str | None) -> str:
    """Any other account (Alipay, WeChat, QQ, e-mail): a quarter at each end at most, the middle starred."""
    if not account:
        return ""
    s = account.strip()
    if "@" in s:
        local, _, domain = s.partition("@")
        return (local[:1] + "*" * max(len(local) - 1, 1)) + "@" + domain
    if len(s) <= 4:
        return s[:1] + "*" * max(len(s) - 1, 1)
    keep = max(1, min(4, len(s) // 4))
    return s[:keep] + "*" * (len(s) - 2 * keep) + s[-keep:]


def mask_id_number(idno: str | None) -> str:
    """Resident ID (18 chars): region (6) and check char kept, birth date and sequence hidden."""
    if not idno:
        return ""
    s = idno.strip()
    if len(s) < 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 7) + s[-1:]


# Order matters: ID numbers (18) before cards (16-19) before phones (11).
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mask_text(text: str | None) -> str:
    """Mask phone numbers, bank cards, resident ID numbers, landlines and e-mail addresses inside free text."""
    if not text:
        return ""
    s = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    s = _CARD_RE.sub(lambda m: mask_card(m.group(0)), s)
    s = _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), s)
    s = _LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), s)
    s = _EMAIL_RE.sub(lambda m: mask_account(m.group(0)), s)
    return s


def mask_indicator(kind: str, value: str | None) -> str:
    """Mask an indicator value by kind (phones, cards and personal accounts; URLs/domains/IPs/apps stay visible)."""
    if not value:
        return ""
    if kind == "phone":
        return mask_phone(value)
    if kind == "bank_card":
        return mask_card(value)
    if kind in {"qq", "wechat", "alipay", "account", "bank_account"}:
        return mask_account(value)
    return value


class MaskingFilter(logging.Filter):
    """A logging filter that masks phones, cards, ID numbers and e-mails in every record (message and args).

    Installed on the uvicorn access log by ``fanzha serve`` so that search strings in URLs
    (``/api/v1/cases?q=138...``) never reach a log file in clear.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(unquote(a)) if isinstance(a, str) else a for a in record.args)
        return True
