"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against a real uvicorn
server on a free 127.0.0.1 port and a temporary SQLite database seeded with the demo data.

Screenshots of every page go to artifacts/screenshots/*.png (git-ignored; CI keeps them as test artifacts).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FANZHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--lang=zh-CN",
]
REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(url: str) -> None:
    """Migrate and fill ``url`` with the demo data (users admin/desk/warn/bank/analyst, cases, leads)."""
    from fanzha.cases.demo import ensure_demo_data
    from fanzha.db.session import dispose_engine, upgrade

    upgrade(url)
    ensure_demo_data(url)
    dispose_engine(url)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/system-deps.sh (installs Debian's chromium)")
    d = tmp_path_factory.mktemp("web-e2e")
    url = f"sqlite:///{d / 'e2e.db'}"
    seed(url)
    port = _free_port()
    env = {
        **os.environ,
        "FANZHA_DATABASE_URL": url,
        "FANZHA_PUBLIC_RATE_LIMIT_PER_MINUTE": "1000",
        "FANZHA_SECRET_KEY": "e2e-test-secret",
    }
    log = (d / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "fanzha.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("server did not start:\n" + (d / "server.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=server)
    external: list[str] = []

    def guard(route: Any) -> None:  # the pages must work offline: fail on any request that leaves the server
        if not route.request.url.startswith(server):
            external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "status of 40" not in msg.text else None,
    )
    yield pg
    ctx.close()
    assert not external, f"requests to outside the server: {external}"
    assert not errors, f"JavaScript errors (CSP?): {errors}"


def shot(pg: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def console_login(pg: Any, username: str, password: str) -> None:
    pg.goto("/console/login")
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    pg.wait_for_load_state()
    assert "/console/login" not in pg.url, pg.content()[:2000]


# ---------------------------------------------------------------- public


def test_public_check_shows_verdict_reasons_and_advice(page: Any) -> None:
    page.goto("/")
    shot(page, "public-check-form")
    msg = "【公安局】你的身份证涉嫌洗钱，马上把存款转到安全账户配合调查，不要告诉家人，验证码发给我。"
    page.get_by_label("要查的内容").fill(msg)
    page.get_by_role("button", name="查一查").click()
    verdict = page.locator(".verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-risk") in ("high", "medium")
    assert page.locator(".verdict .label").inner_text() in ("高度可疑", "可疑")
    marks = page.locator("#marked-text mark")
    assert marks.count() >= 1
    assert marks.first.get_attribute("title")
    assert "96110" in page.content() and "验证码" in page.locator("ol.todo").inner_text()
    shot(page, "public-check-result")


def test_public_check_single_value_and_keyboard_only(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_label("要查的内容").focus()
    page.keyboard.type("http://icbc-verify.top/login")
    page.keyboard.press("Tab")  # to the submit button
    assert page.evaluate("document.activeElement.textContent.trim()") == "查一查"
    page.keyboard.press("Enter")
    page.locator(".verdict").wait_for()
    assert page.locator(".verdict .label").inner_text() in ("高度可疑", "可疑", "未发现风险")
    page.goto("/")
    page.get_by_label("要查的内容").fill("明天下午三点开会，记得带材料。")
    page.get_by_label("要查的内容").press("Control+Enter")
    page.locator(".verdict").wait_for()
    assert page.locator(".verdict .label").inner_text() == "未发现风险"


def test_phone_viewport_and_learn_pages(browser: Any, server: str) -> None:
    ctx = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=server,
    )
    pg = ctx.new_page()
    try:
        pg.goto("/")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"horizontal scrolling on a phone: {width}px"
        shot(pg, "phone-public-check")
        pg.goto("/learn")
        shot(pg, "phone-learn-index")
        pg.goto("/learn/police")
        assert pg.get_by_role("heading", name="怎么防").is_visible()
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375
        shot(pg, "phone-learn-police")
        console_login(pg, "warn", "warn123")
        assert pg.locator("tr.lead").count() >= 1
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375  # the wide table scrolls inside its box
        shot(pg, "phone-console-warnings", full_page=False)
    finally:
        ctx.close()


def test_citizen_report_reaches_warning_queue(page: Any) -> None:
    page.goto("/report")
    content = "自称快递客服说要理赔，让我点 http://kuaidi-lipei.example-claim.top 填银行卡和验证码"
    page.get_by_label("可疑内容").fill(content)
    page.get_by_label("您的联系电话").fill("17000000123")
    page.get_by_label("正准备转").check()
    shot(page, "public-report-form")
    page.get_by_role("button", name="提交举报").click()
    done = page.locator("#report-done")
    done.wait_for()
    lead_id = re.search(r"编号 (\d+)", done.inner_text()).group(1)  # type: ignore[union-attr]
    shot(page, "public-report-done")
    page.context.clear_cookies()
    console_login(page, "warn", "warn123")
    row = page.locator(f"#lead-{lead_id}")
    row.wait_for()
    assert "群众举报" in row.inner_text() and "理赔" in row.inner_text()


# ---------------------------------------------------------------- console


def test_login_wrong_password_then_right(page: Any) -> None:
    page.goto("/console/login")
    page.get_by_label("用户名").fill("desk")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.locator("#login-error").is_visible()
    shot(page, "console-login-error")
    console_login(page, "desk", "desk123")
    assert page.url.endswith("/console/cases")
    shot(page, "console-cases")


def test_intake_extract_save_and_linked_case_shown(page: Any) -> None:
    console_login(page, "desk", "desk123")
    page.goto("/console/intake")
    narrative = (
        "报案人称：2026年11月20日上午10点，接到17012340001的电话，对方自称某快递客服，说包裹丢失要理赔，"
        "让其下载会议软件共享屏幕，随后按对方指示向银行卡6217001234567890123转账人民币28000元。"
    )
    page.get_by_label("报案人陈述").fill(narrative)
    shot(page, "console-intake-input")
    page.get_by_role("button", name="提取要素").click()
    page.locator("#marked-narrative").wait_for()
    assert page.locator("#marked-narrative mark").count() >= 2
    shot(page, "console-intake-extracted")
    # the form is editable: make sure the key indicators are there, then save
    phones = page.locator("#f-phones")
    if "17012340001" not in phones.input_value():
        phones.fill((phones.input_value() + "\n17012340001").strip())
    cards = page.locator("#f-bank_cards")
    if (
        "6217001234567890123" not in cards.input_value()
        and "6217001234567890123" not in page.locator("#f-payee_accounts").input_value()
    ):
        cards.fill((cards.input_value() + "\n6217001234567890123").strip())
    page.get_by_role("button", name="保存案件").click()
    page.wait_for_url(re.compile(r"/console/cases/\d+$"))
    first_url = page.url
    # a second victim of the same number: the new case links to the first one at once
    page.goto("/console/intake")
    page.get_by_label("报案人陈述").fill("报案人称昨天接到17012340001来电，对方自称快递客服要理赔，骗走5000元。")
    page.get_by_role("button", name="提取要素").click()
    page.locator("#case-form").wait_for()
    # before saving, the officer already sees that the number is known from the first case
    known = page.locator("#known-indicators tr.known", has_text="17012340001")
    assert known.count() == 1 and int(known.locator("td").nth(4).inner_text()) >= 1
    shot(page, "console-intake-known")
    phones = page.locator("#f-phones")
    if "17012340001" not in phones.input_value():
        phones.fill((phones.input_value() + "\n17012340001").strip())
    page.get_by_role("button", name="保存案件").click()
    page.wait_for_url(re.compile(r"/console/cases/\d+$"))
    assert page.url != first_url
    assert "关联案件" in page.locator("main .flash").first.inner_text()
    linked = page.locator("#linked-table a")
    assert linked.count() >= 1
    assert page.locator(".graph svg a.node").count() >= 1
    first_id = first_url.rsplit("/", 1)[1]
    assert page.locator(f'#linked-table a[href="/console/cases/{first_id}"]').count() == 1
    shot(page, "console-case-detail")


def test_cases_list_filters(page: Any) -> None:
    console_login(page, "desk", "desk123")
    page.goto("/console/cases")
    total = page.locator("#cases-table tbody tr").count()
    assert total >= 1
    page.get_by_label("损失金额不低于（元）").fill("1000000000")
    page.get_by_role("button", name="筛选").click()
    assert "没有符合条件的案件" in page.locator("#cases-table").inner_text()


def test_warning_queue_one_click_action(page: Any) -> None:
    console_login(page, "warn", "warn123")
    assert page.url.endswith("/console/warnings")
    rows = page.locator("tr.lead")
    assert rows.count() >= 1
    timers = page.locator(".timer[data-due]")
    assert all(re.match(r"^(剩余|已超时) ", t) for t in timers.all_inner_texts())  # live countdowns (app.js)
    if page.locator("tr.lead.overdue").count():
        assert page.locator("tr.lead").first.get_attribute("class") == "lead overdue"  # overdue first, marked
        assert "late" in (page.locator("tr.lead.overdue .timer").first.get_attribute("class") or "")
    shot(page, "console-warnings")
    first = rows.first
    lead_id = first.get_attribute("id")
    first.locator('button[data-action="sms"]').click()
    page.locator("#live-msg", has_text="已记录").wait_for()  # fetch + in-place refresh, no page load
    row = page.locator(f"#{lead_id}")
    assert "已发短信" in row.inner_text()
    row.locator("summary", has_text="登记结果").click()
    row.locator("select[name=outcome]").select_option("reached")
    row.locator("input[name=loss_avoided]").fill("12000")
    row.locator("input[name=close]").check()
    row.get_by_role("button", name="保存结果").click()
    page.locator("#live-msg", has_text="结果").wait_for()
    assert page.locator(f"#{lead_id}").count() == 0  # closed: off the open queue
    page.goto("/console/warnings?closed=1")
    assert "12,000.00" in page.locator(f"#{lead_id}").inner_text()


def test_dashboard_renders_plotly_charts(page: Any) -> None:
    console_login(page, "analyst", "analyst123")
    assert page.url.rstrip("/").endswith("/console")
    page.wait_for_selector("#fig-cases[data-rendered='1'] svg.main-svg", timeout=30_000)
    assert page.locator(".chart svg.main-svg").count() >= 5
    shot(page, "console-dashboard")


def test_indicator_lookup_shows_register_and_cases(page: Any) -> None:
    console_login(page, "desk", "desk123")
    page.goto("/console/indicators")
    page.get_by_label("网址 / 电话 / 银行卡 / QQ / 微信 / 支付宝").fill("17012340001")
    page.get_by_role("button", name="查询").click()
    page.locator("#check-result").wait_for()
    shot(page, "console-indicators")
    assert page.locator("#check-result .verdict").is_visible()


def test_role_pages_are_closed(page: Any) -> None:
    console_login(page, "warn", "warn123")
    resp = page.goto("/console/cases")
    assert resp is not None and resp.status == 403
    assert "无权访问" in page.content()


def test_every_form_control_has_a_label(page: Any) -> None:
    unlabeled_js = """() => Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => el.type !== 'hidden')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby'))
        .map(el => el.outerHTML.slice(0, 120))"""
    for path in ["/", "/report", "/console/login"]:
        page.goto(path)
        assert page.evaluate(unlabeled_js) == [], path
    console_login(page, "admin", "admin123")
    for path in ["/console", "/console/intake", "/console/cases", "/console/warnings", "/console/indicators"]:
        page.goto(path)
        assert page.evaluate(unlabeled_js) == [], path
    page.goto("/console/cases")
    page.locator("#cases-table a").first.click()
    assert page.evaluate(unlabeled_js) == [], page.url
    shot(page, "console-case-detail-demo")
