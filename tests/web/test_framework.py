"""Unit tests of the web plumbing: highlighting, sessions, the rate limiter, the link graph, the content files."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from fanzha.domain import Typology
from fanzha.web.content import public_advice, scam_types
from fanzha.web.graph import Edge, Node, render_svg
from fanzha.web.highlight import Span, highlight, merge_spans
from fanzha.web.sessions import RateLimiter


def test_highlight_escapes_and_marks_the_original_text() -> None:
    text = "先转<b>5000</b>元到安全账户"
    start = text.index("安全账户")
    html = str(highlight(text, [Span(start, start + 4, 'why "quoted" <x>')]))
    assert "<b>" not in html and "&lt;b&gt;5000&lt;/b&gt;" in html
    assert '<mark title="why &#34;quoted&#34; &lt;x&gt;">安全账户</mark>' in html


def test_overlapping_spans_are_merged_with_all_reasons() -> None:
    text = "请把验证码发给我"
    merged = merge_spans([Span(2, 5, "验证码"), Span(3, 8, "索要"), Span(0, 1, "a"), Span(5, 3, "empty")], len(text))
    assert merged == [(0, 1, ["a"], []), (2, 8, ["验证码", "索要"], [])]
    html = str(highlight(text, [Span(2, 5, "验证码"), Span(3, 8, "索要")]))
    assert html.count("<mark") == 1 and 'title="验证码；索要"' in html


def test_spans_outside_the_text_are_clipped() -> None:
    assert str(highlight("abc", [Span(-5, 2, "x"), Span(1, 99, "y")])) == '<mark title="x；y">abc</mark>'
    assert (
        str(highlight("abc", [Span(-5, 1, "x"), Span(2, 99, "y")]))
        == '<mark title="x">a</mark>b<mark title="y">c</mark>'
    )


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-3, 70), st.integers(-3, 70)), max_size=6))
def test_highlight_keeps_every_character(text: str, raw: list[tuple[int, int]]) -> None:
    import html as html_mod
    import re

    out = str(highlight(text, [Span(a, b, "w") for a, b in raw]))
    assert html_mod.unescape(re.sub(r"</?mark[^>]*>", "", out)) == text
    assert "<" not in re.sub(r"</?mark[^>]*>", "", out)  # nothing of the input is left unescaped


def test_rate_limiter_sliding_window() -> None:
    rl = RateLimiter(window_seconds=60)
    t0 = 1000.0
    assert all(rl.hit("1.2.3.4", 3, now=t0 + i) for i in range(3))
    assert not rl.hit("1.2.3.4", 3, now=t0 + 10)
    assert rl.hit("5.6.7.8", 3, now=t0 + 10)  # other clients are not affected
    assert rl.retry_after("1.2.3.4", now=t0 + 10) == 51
    assert rl.hit("1.2.3.4", 3, now=t0 + 60.5)  # the first hit has left the window


def test_link_graph_svg_escapes_and_links_cases() -> None:
    nodes = [
        Node(1, "AJ1", "<script>", 0),
        Node(2, "AJ2", "刷单", 1, "/console/cases/2"),
        Node(3, "AJ3", "", 2, "/console/cases/3"),
    ]
    svg = str(render_svg(nodes, [Edge(1, 2, "电话 170<x>"), Edge(2, 3, "银行卡 6222")]))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<line") == 2 and 'href="/console/cases/2"' in svg and 'href="/console/cases/3"' in svg


def test_scam_type_pages_cover_every_typology_and_elderly_fraud() -> None:
    st_ = scam_types()
    covered = {t.typology for t in st_.types}
    assert {t.value for t in Typology if t is not Typology.OTHER} <= covered
    assert any("保健品" in t.title for t in st_.types)
    for t in st_.types:
        assert t.how and t.signals and t.protect, t.slug
    assert len({t.slug for t in st_.types}) == len(st_.types)


def test_public_advice_has_a_label_for_every_risk() -> None:
    adv = public_advice()
    assert adv["verdict_labels"] == {"high": "高度可疑", "medium": "可疑", "low": "可疑", "none": "未发现风险"}
    joined = "".join(adv["what_to_do"]["suspicious"])
    for must in ("转账", "验证码", "96110", "110", "官方客服", "冻结"):
        assert must in joined


def test_session_roundtrip_forgery_and_expiry() -> None:
    from itsdangerous import URLSafeTimedSerializer

    from fanzha.config import get_settings
    from fanzha.web.sessions import COOKIE_NAME

    forged = URLSafeTimedSerializer("not-the-secret", salt="fanzha.web.session").dumps(
        {"c": "x", "u": 1, "t": time.time()}
    )
    signer = URLSafeTimedSerializer(get_settings().secret_key, salt="fanzha.web.session")
    good = signer.dumps({"c": "tok", "u": 7, "t": time.time() - 5})
    idle = signer.dumps({"c": "tok", "u": 7, "t": time.time() - get_settings().session_ttl_minutes * 60 - 5})
    from starlette.requests import Request

    def req(cookie: str) -> Request:
        return Request({"type": "http", "headers": [(b"cookie", f"{COOKIE_NAME}={cookie}".encode())], "state": {}})

    from fanzha.web.sessions import load_session

    assert load_session(req(forged)).user_id is None
    ws = load_session(req(good))
    assert ws.user_id == 7 and ws.csrf == "tok"
    old = load_session(req(idle))
    assert old.user_id is None and old.expired  # sliding expiry: idle longer than session_ttl_minutes
