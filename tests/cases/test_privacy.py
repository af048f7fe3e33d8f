"""Masking of personal data (fanzha.privacy)."""

from __future__ import annotations

from fanzha.privacy import mask_account, mask_card, mask_id_number, mask_indicator, mask_name, mask_phone, mask_text


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "+86 138****5678"
    assert mask_phone("") == ""
    assert "12345" not in mask_phone("010-12345678")


def test_mask_name_card_account_id() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
    assert mask_card("6222021234567890123") == "622202*********0123"
    assert mask_account("demo_wx_123456") == "dem********456"
    assert mask_account("someone@example.com") == "s******@example.com"
    assert mask_id_number("110101199003071234") == "110101***********4"
    assert mask_indicator("url", "demo.example/login") == "demo.example/login"
    assert mask_indicator("phone", "13812345678") == "138****5678"


def test_mask_text_hides_numbers_in_free_text() -> None:
    t = "受害人13812345678，身份证110101199003071234，向6222 0212 3456 7890 123转账，座机010-87654321，邮箱ab@demo.example"
    m = mask_text(t)
    for secret in (
        "13812345678",
        "110101199003071234",
        "6222 0212 3456 7890 123",
        "6222021234567890123",
        "87654321",
        "ab@demo",
    ):
        assert secret not in m, secret
    assert "受害人" in m and "转账" in m
    assert mask_text("金额5000元，2024年3月1日") == "金额5000元，2024年3月1日"  # amounts and dates untouched


def test_masking_filter_on_access_log_records() -> None:
    import logging

    from fanzha.privacy import MaskingFilter

    rec = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/cases?q=13912345678%20x", "1.1", 200),
        None,
    )
    assert MaskingFilter().filter(rec)
    out = rec.getMessage()
    assert "13912345678" not in out and "139****5678" in out and "200" in out
