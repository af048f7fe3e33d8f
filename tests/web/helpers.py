"""Helpers for the web tests: read the CSRF token of a page, log in through the real login form."""

from __future__ import annotations

import re
from typing import Any

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: Any, path: str = "/console/login") -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    m = CSRF_RE.search(r.text)
    assert m, f"no CSRF field on {path}"
    return m.group(1)


def login(client: Any, username: str, password: str = "pw-test-123") -> Any:
    token = csrf_of(client, "/console/login")
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def text_of(html: str) -> str:
    """Visible text, roughly (tags removed, blanks collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
