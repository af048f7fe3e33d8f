"""Server-side tests of the web pages (FastAPI TestClient on a real, migrated database; SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from fanzha.api.app import create_app
from fanzha.config import get_settings
from fanzha.web.content import scam_types
from fanzha.web.sessions import public_limiter
from tests.web.helpers import CSRF_RE, csrf_of, login, text_of

EXTERNAL_ASSET = re.compile(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=[\"']?(?:https?:)?//", re.I)


@pytest.fixture(autouse=True)
def _fresh_limiter() -> Iterator[None]:
    public_limiter.reset()
    yield
    public_limiter.reset()


@pytest.fixture
def public_client() -> Iterator[TestClient]:
    """The app without a database: the public pages that do not write need none."""
    with TestClient(create_app()) as c:
        yield c


# ---------------------------------------------------------------- public pages


def test_public_pages_render_in_chinese_without_external_assets(public_client: TestClient) -> None:
    paths = ["/", "/check", "/report", "/learn", "/console/login"] + [f"/learn/{t.slug}" for t in scam_types().types]
    for path in paths:
        r = public_client.get(path)
        assert r.status_code == 200, path
        assert '<html lang="zh-CN">' in r.text
        assert (
            "default-src 'self'" in r.headers["content-security-policy"]
            and "script-src 'self';" in r.headers["content-security-policy"]
        )
        assert not EXTERNAL_ASSET.search(r.text), f"external asset on {path}"
        assert "http://" not in r.text and "https://" not in r.text.replace("http://www.w3.org/2000/svg", ""), path
    assert "怎么防" in public_client.get("/learn/police").text
    assert public_client.get("/learn/no-such-type").status_code == 404


def test_static_assets_and_offline_plotly(public_client: TestClient) -> None:
    r = public_client.get("/static/vendor/plotly.min.js")
    assert r.status_code == 200 and "max-age=31536000" in r.headers["cache-control"]
    assert len(r.content) > 1_000_000 and b"plotly" in r.content[:2000].lower()
    assert public_client.get("/static/css/app.css").status_code == 200
    assert public_client.get("/static/js/app.js").status_code == 200
    for bad in ("/static/../config.py", "/static/%2e%2e/config.py", "/static/css/nope.css", "/static/js/"):
        assert public_client.get(bad).status_code == 404, bad


def test_posts_without_csrf_token_are_refused(public_client: TestClient) -> None:
    public_client.get("/")  # a session cookie exists, but the form token is missing or wrong
    for path, data in [
        ("/check", {"text": "hello"}),
        ("/", {"text": "hello"}),
        ("/report", {"content": "x"}),
        ("/console/login", {"username": "a", "password": "b"}),
        ("/console/logout", {}),
    ]:
        assert public_client.post(path, data=data).status_code == 403, path
        assert public_client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403, path


def test_public_check_is_rate_limited(public_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "public_rate_limit_per_minute", 3)
    token = csrf_of(public_client, "/")
    codes = [public_client.post("/check", data={"text": "", "csrf_token": token}).status_code for _ in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]
    r = public_client.post("/check", data={"text": "x", "csrf_token": token})
    assert r.status_code == 429 and "太频繁" in r.text and int(r.headers["retry-after"]) > 0
    assert public_client.post("/report", data={"content": "x", "csrf_token": token}).status_code == 429
    login_try = {"username": "a", "password": "b", "csrf_token": token}
    assert public_client.post("/console/login", data=login_try).status_code == 429  # password guessing too


def test_public_check_bad_input_gives_clear_4xx(public_client: TestClient) -> None:
    token = csrf_of(public_client, "/")
    r = public_client.post("/check", data={"text": "   ", "csrf_token": token})
    assert r.status_code == 400 and "请先粘贴" in r.text
    r = public_client.post("/check", data={"text": "\x00\x01\x1b", "csrf_token": token})
    assert r.status_code == 400 and "请先粘贴" in r.text  # control characters are dropped: nothing left
    r = public_client.post("/check", data={"text": "骗" * (get_settings().max_text_chars + 1), "csrf_token": token})
    assert r.status_code == 413 and "太长" in r.text
    huge = "骗" * (get_settings().max_text_chars * 5)
    r = public_client.post("/check", data={"text": huge, "csrf_token": token})
    assert r.status_code == 413  # refused from Content-Length, before the form is parsed
    r = public_client.post(
        "/check", content=b"\xff\xfe garbage", headers={"content-type": "multipart/form-data; boundary=zz"}
    )
    assert r.status_code in (400, 403)


# ---------------------------------------------------------------- console: login, roles, sessions


@pytest.fixture
def web(api_app: Any) -> Iterator[TestClient]:
    with TestClient(api_app) as c:
        yield c


def test_login_logout_and_wrong_password(web: TestClient, make_user: Any) -> None:
    u = make_user("desk_officer")
    r = login(web, u.username, "wrong-password")
    assert r.status_code == 401 and "不正确" in r.text
    r = login(web, u.username)
    assert r.status_code == 303 and r.headers["location"] == "/console/cases"
    assert "HttpOnly" in r.headers["set-cookie"] and "samesite=lax" in r.headers["set-cookie"].lower()
    page = web.get("/console/cases")
    assert page.status_code == 200 and "退出" in page.text
    token = CSRF_RE.search(page.text).group(1)  # type: ignore[union-attr]
    assert web.post("/console/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert web.get("/console/cases", follow_redirects=False).status_code == 303


def test_roles_decide_which_pages_open(web: TestClient, make_user: Any) -> None:
    r = web.get("/console/cases?q=x", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login?next=%2Fconsole%2Fcases")
    cases = {
        "desk_officer": {
            "/console/cases": 200,
            "/console/intake": 200,
            "/console/indicators": 200,
            "/console/warnings": 403,
        },
        "warning_officer": {"/console/warnings": 200, "/console/cases": 403, "/console/intake": 403},
        "analyst": {"/console": 200, "/console/cases": 403, "/console/warnings": 403},
        "bank_teller": {"/console/indicators": 200, "/console/cases": 403, "/console/intake": 403},
        "admin": {"/console": 200, "/console/cases": 200, "/console/warnings": 200, "/console/intake": 200},
    }
    for role, expected in cases.items():
        web.cookies.clear()
        assert login(web, make_user(role).username).status_code == 303
        for path, code in expected.items():
            assert web.get(path, follow_redirects=False).status_code == code, (role, path)
    web.cookies.clear()
    login(web, make_user("warning_officer").username)
    r = web.get("/console", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/warnings"


def test_login_next_cannot_leave_the_console(web: TestClient, make_user: Any) -> None:
    u = make_user("admin")
    for evil in ("//evil.example/x", "https://evil.example/", "/console@evil", "javascript:alert(1)"):
        web.cookies.clear()
        token = csrf_of(web)
        r = web.post(
            "/console/login",
            data={"username": u.username, "password": "pw-test-123", "csrf_token": token, "next": evil},
            follow_redirects=False,
        )
        assert r.status_code == 303
        loc = urlsplit(r.headers["location"])
        assert not loc.scheme and not loc.netloc and loc.path.startswith("/console"), evil


def test_expired_session_goes_back_to_login(web: TestClient, make_user: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import fanzha.web.sessions as sessions

    login(web, make_user("desk_officer").username)
    assert web.get("/console/cases").status_code == 200
    real = sessions.time.time
    monkeypatch.setattr(sessions.time, "time", lambda: real() + get_settings().session_ttl_minutes * 60 + 30)
    r = web.get("/console/cases", follow_redirects=False)
    assert r.status_code == 303 and "/console/login" in r.headers["location"]
    assert "登录已超时" in web.get(r.headers["location"]).text


# ---------------------------------------------------------------- console: intake, cases, hostile input


def test_intake_save_escapes_hostile_narrative_and_links_cases(web: TestClient, make_user: Any) -> None:
    login(web, make_user("desk_officer").username)
    token = csrf_of(web, "/console/intake")
    hostile = (
        '对方<script>alert("x")</script><img src=x onerror=alert(1)> 让我转账到 6222020200112233445，电话 17000000001'
    )
    form = {
        "csrf_token": token,
        "narrative": hostile,
        "typology": "冒充公检法及政府机关类",
        "amount_lost": "12000.50",
        "phones": "17000000001",
        "bank_cards": "6222020200112233445",
        "victim_age_band": "65+",
        "victim_gender": "女",
        "t0_amount": "12000.50",
        "t0_payee_account": "6222020200112233445",
        "t0_at": "2026-11-20T10:30",
    }
    r1 = web.post("/console/intake/save", data=form, follow_redirects=False)
    assert r1.status_code == 303, text_of(r1.text)[:500]
    r2 = web.post("/console/intake/save", data={**form, "phones": "17000000001"}, follow_redirects=False)
    detail = web.get(r2.headers["location"])
    assert detail.status_code == 200
    assert "<script>alert" not in detail.text and "&lt;script&gt;alert" in detail.text
    assert "<img src=x" not in detail.text
    assert "发现 1 起关联案件" in detail.text
    assert detail.text.count('class="linked-case"') == 1 and "<svg" in detail.text
    assert "12,000.50" in detail.text
    listing = web.get("/console/cases", params={"typology": "冒充公检法及政府机关类", "min_amount": "12000"})
    assert listing.text.count('href="/console/cases/') == 2
    none = web.get("/console/cases", params={"min_amount": "13000"})
    assert 'href="/console/cases/' not in none.text


def test_intake_save_rejects_bad_values_without_writing(web: TestClient, make_user: Any) -> None:
    login(web, make_user("desk_officer").username)
    token = csrf_of(web, "/console/intake")
    r = web.post(
        "/console/intake/save",
        data={"csrf_token": token, "narrative": "x", "amount_lost": "很多", "t0_amount": "abc"},
        follow_redirects=False,
    )
    assert r.status_code == 400 and "损失金额请填写数字" in r.text and "第 1 笔转账金额" in r.text
    r = web.post(
        "/console/intake/save",
        data={"csrf_token": token, "narrative": "x", "amount_lost": "1.234"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert 'href="/console/cases/' not in web.get("/console/cases").text


def test_case_detail_of_missing_case_is_404(web: TestClient, make_user: Any) -> None:
    login(web, make_user("admin").username)
    assert web.get("/console/cases/999999").status_code == 404
    assert web.get("/console/cases/abc").status_code == 422
    assert web.get(f"/console/cases/{2**70}").status_code == 404
    token = csrf_of(web, "/console/cases")
    assert web.post(f"/console/cases/{2**70}/update", data={"csrf_token": token}).status_code == 404
    r = web.post(f"/console/warnings/{2**70}/action", data={"csrf_token": token, "action": "sms"})
    assert r.status_code == 200 and "线索不存在" in r.text


# ---------------------------------------------------------------- console: dashboard, warnings


def test_dashboard_has_chart_data_for_plotly(web: TestClient, make_user: Any) -> None:
    login(web, make_user("analyst").username)
    r = web.get("/console")
    assert r.status_code == 200
    assert '<script src="/static/vendor/plotly.min.js"></script>' in r.text
    assert r.text.count('data-figure="fig-') == 5
    assert "</script" not in r.text.split('id="fig-cases-data">')[1].split("</script>")[0]
    assert web.get("/console?period=month").status_code == 200


def test_citizen_report_reaches_the_warning_queue_and_is_worked(web: TestClient, make_user: Any) -> None:
    officer = make_user("warning_officer")
    token = csrf_of(web, "/report")
    r = web.post(
        "/report",
        data={
            "csrf_token": token,
            "content": "有人自称公安让我把钱转到安全账户 6222020200998877665",
            "what": "对方说我涉嫌洗钱<script>x</script>",
            "phone": "17000000009",
            "name": "演示群众",
            "money": "about",
            "amount": "30000",
        },
    )
    assert r.status_code == 200 and "举报已收到" in r.text
    lead_id = int(re.search(r"编号 (\d+)", r.text).group(1))  # type: ignore[union-attr]
    bad = web.post("/report", data={"csrf_token": token, "content": "x", "amount": "1e99"})
    assert bad.status_code == 400

    web.cookies.clear()
    login(web, officer.username)
    queue = web.get("/console/warnings")
    assert queue.status_code == 200
    row = queue.text.split(f'id="lead-{lead_id}"')[1].split("</tr>")[0]
    assert "群众举报" in row and "安全账户" in row and "<script>x" not in row
    assert 'class="badge g-高"' in row  # money about to move: graded 高 by the warnings rules
    token = CSRF_RE.search(queue.text).group(1)  # type: ignore[union-attr]
    r = web.post(
        f"/console/warnings/{lead_id}/action", data={"csrf_token": token, "action": "call"}, follow_redirects=False
    )
    assert r.status_code == 303
    after = web.get("/console/warnings")
    assert "已记录：线索" in after.text
    row = after.text.split(f'id="lead-{lead_id}"')[1].split("</tr>")[0]
    assert "已电话劝阻" in row and "处置中" in row
    r = web.post(
        f"/console/warnings/{lead_id}/action",
        data={"csrf_token": token, "action": "visit", "outcome": "reached", "loss_avoided": "30000", "close": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert f'id="lead-{lead_id}"' not in web.get("/console/warnings").text  # closed leads leave the open queue
    closed = web.get("/console/warnings?closed=1").text.split(f'id="lead-{lead_id}"')[1].split("</tr>")[0]
    assert "30,000.00" in closed and "已办结" in closed
    # acting on a closed lead or a bad amount is refused with a message, not a crash
    r = web.post(f"/console/warnings/{lead_id}/action", data={"csrf_token": token, "action": "sms"})
    assert r.status_code == 200 and "已办结" in r.text
    r = web.post(
        f"/console/warnings/{lead_id}/action", data={"csrf_token": token, "action": "sms", "loss_avoided": "x"}
    )
    assert "请填写数字" in r.text
    r = web.post(f"/console/warnings/{lead_id}/action", data={"action": "sms"})
    assert r.status_code == 403
    # the JSON reply used by app.js's fetch
    r = web.post(
        f"/console/warnings/{lead_id}/action",
        data={"csrf_token": token, "action": "sms"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and r.json() == {"ok": False, "message": "操作未保存：线索已办结。"}


def test_overdue_leads_come_first_and_stand_out(web: TestClient, make_user: Any, db_url: str) -> None:
    from datetime import timedelta

    from fanzha.cases.warning_schemas import LeadCreate
    from fanzha.cases.warnings import create_lead, utcnow
    from fanzha.db.session import session_scope

    officer = make_user("warning_officer")
    with session_scope(db_url) as s:
        fresh = create_lead(
            session=s, lead_in=LeadCreate(reason="新线索：收到刷单兼职短信", assigned_to=officer.id), actor=None
        )
        old = create_lead(
            session=s,
            lead_in=LeadCreate(reason="旧线索：对方要求下载会议软件", assigned_to=officer.id),
            actor=None,
            now=utcnow() - timedelta(days=3),
        )
        ids = (fresh.id, old.id)
    login(web, officer.username)
    html = web.get("/console/warnings").text
    assert html.index(f'id="lead-{ids[1]}"') < html.index(f'id="lead-{ids[0]}"')
    assert f'id="lead-{ids[1]}" class="lead overdue"' in html
    assert f'id="lead-{ids[0]}" class="lead"' in html
    assert 'id="overdue-count"' in html


def test_public_check_verdicts_reasons_and_escaping(public_client: TestClient) -> None:
    token = csrf_of(public_client, "/")
    hostile = (
        "<script>alert(1)</script>【公安局】你涉嫌洗钱，马上把存款转到安全账户配合调查，不要告诉家人，把验证码发给我"
    )
    r = public_client.post("/check", data={"text": hostile, "csrf_token": token})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    verdict = re.search(r'class="verdict (\w+)"[^>]*>\s*<span class="label">([^<]+)</span>', r.text)
    assert verdict and verdict.group(1) in ("high", "medium") and verdict.group(2) in ("高度可疑", "可疑")
    marked = r.text.split('id="marked-text">')[1].split("</div>")[0]
    assert "<mark title=" in marked and "安全账户" in text_of(marked)
    assert "96110" in r.text and "验证码" in r.text and "冻结" in r.text
    # a single value goes to the indicator check
    r = public_client.post("/check", data={"text": "  http://icbc-verify.top/login  ", "csrf_token": token})
    assert 'class="verdict high"' in r.text or 'class="verdict medium"' in r.text
    assert "icbc" in text_of(r.text.split('id="marked-text">')[1].split("</div>")[0])
    # an ordinary message: no risk, no marks, but still the safety tips
    r = public_client.post(
        "/check", data={"text": "周六下午三点在小区门口集合，一起去爬山，记得带水。", "csrf_token": token}
    )
    assert 'class="verdict none"' in r.text and "未发现风险" in r.text
    assert 'id="marked-text"' not in r.text and "验证码" in r.text


def test_case_update_with_optimistic_lock(web: TestClient, make_user: Any) -> None:
    login(web, make_user("desk_officer").username)
    token = csrf_of(web, "/console/intake")
    r = web.post(
        "/console/intake/save",
        data={"csrf_token": token, "narrative": "测试：冒充客服退款", "amount_lost": "800"},
        follow_redirects=False,
    )
    url = r.headers["location"]
    page = web.get(url).text
    version = re.search(r'name="version_id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    upd = {
        "csrf_token": token,
        "version_id": version,
        "status": "solved",
        "amount_recovered": "300",
        "suspects_identified": "2",
        "phones": "17000000555",
    }
    assert web.post(url + "/update", data=upd, follow_redirects=False).status_code == 303
    page = web.get(url).text
    assert "案件已更新" in page and "已破案" in text_of(page.split('id="facts-h"')[1].split("</dl>")[0])
    assert "300.00 元" in page and "17000000555" in page
    stale = web.post(url + "/update", data={**upd, "status": "closed"})  # the old version: refused, nothing written
    assert "已被他人修改" in stale.text
    assert "已破案" in text_of(web.get(url).text.split('id="facts-h"')[1].split("</dl>")[0])
    assert "挽回金额请填写数字" in web.post(url + "/update", data={**upd, "amount_recovered": "x"}).text


def test_indicator_lookup_register_and_who_sees_cases(web: TestClient, make_user: Any, db_url: str) -> None:
    login(web, make_user("desk_officer").username)
    token = csrf_of(web, "/console/intake")
    r = web.post(
        "/console/intake/save",
        data={"csrf_token": token, "narrative": "对方用17000000777联系我", "phones": "17000000777"},
        follow_redirects=False,
    )
    case_url = r.headers["location"]
    page = web.get("/console/indicators", params={"q": "170 0000 0777"})
    assert page.status_code == 200 and 'id="register-entry"' in page.text
    assert f'href="{case_url}"' in page.text
    assert "虚拟运营商" in page.text  # the reasons of fanzha.indicators.check
    from fanzha.db.models import AuditLog
    from fanzha.db.session import session_scope

    with session_scope(db_url) as s:
        details = [a.detail for a in s.query(AuditLog).filter(AuditLog.entity == "case", AuditLog.action == "read")]
    assert any(d.startswith("indicator lookup phone") for d in details)  # the case list shown is audited
    unknown = web.get("/console/indicators", params={"q": "这不是号码也不是网址"})
    assert unknown.status_code == 200 and "无法识别" in unknown.text
    web.cookies.clear()
    login(web, make_user("bank_teller").username)
    page = web.get("/console/indicators", params={"q": "17000000777"})
    assert page.status_code == 200 and 'id="register-entry"' in page.text
    assert "/console/cases/" not in page.text  # bank staff see the register, not the cases behind it


def test_control_characters_never_reach_the_database(web: TestClient, make_user: Any) -> None:
    """PostgreSQL refuses NUL in text: queries and forms with control characters must still answer cleanly."""
    token = csrf_of(web, "/report")
    r = web.post(
        "/report",
        data={
            "csrf_token": token,
            "content": "可疑\x00链接 http://a.example/\x07",
            "name": "\x00张",
            "phone": "170\x000000001",
        },
    )
    assert r.status_code == 200 and "举报已收到" in r.text
    login(web, make_user("admin").username)
    assert web.get("/console/cases", params={"q": "a\x00b"}).status_code == 200
    assert web.get("/console/indicators", params={"q": "1700\x00000001"}).status_code == 200
    token = csrf_of(web, "/console/intake")
    r = web.post(
        "/console/intake/save",
        data={"csrf_token": token, "narrative": "案情\x00", "phones": "1700000\x000002"},
        follow_redirects=False,
    )
    assert r.status_code == 303
