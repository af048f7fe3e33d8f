"""Homophone spellings that are unsafe on their own (they are names or sit across word boundaries) are undone only
inside a contact / account / job phrase (fanzha/text/disguises.yaml)."""

from __future__ import annotations

import pytest

from fanzha.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有问题请联系课服处理", "联系客服"),
        ("官方刻服电话是多少", "官方客服"),
        ("您的账户冻洁了，需要解冻", "账户冻结"),
        ("招兼只，日结工资", "招兼职"),
        ("把银行卡密玛告诉我", "密码"),
    ],
)
def test_phrase_homophone_is_undone(text: str, expected: str) -> None:
    n = normalize(text)
    assert expected in n.text
    start = n.text.index(expected)
    a, b = n.to_original(start, start + len(expected))
    assert text[a:b]  # the evidence still points into what the person saw


@pytest.mark.parametrize("text", ["上课服装要统一", "冻洁同学你好", "他身兼只要一份工", "秘密吗"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert not any(k in normalize(text).text for k in ("客服", "冻结", "兼职", "密码"))
