"""Auth: tokens, roles on every route, audit of logins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fanzha.api.security import hash_password, issue_token, revoke_token, user_for_token, verify_password
from fanzha.db.base import utcnow
from fanzha.db.models import ApiToken, AuditLog, User
from fanzha.db.session import session_scope

# Public by design (citizens, self-check): health, login, screening, indicator check, intake extraction. A route
# module may declare more with a module-level ``PUBLIC_PATHS`` (exact paths); everything else must refuse anonymity.
PUBLIC_BY_DESIGN = ("/api/v1/health", "/api/v1/screen", "/api/v1/indicators/check", "/api/v1/extract")


def _public_paths() -> set[str]:
    import importlib

    from fanzha.api.app import ROUTER_MODULES

    out = set(PUBLIC_BY_DESIGN)
    for name in ROUTER_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        out |= set(getattr(mod, "PUBLIC_PATHS", ()))
    return out


def test_password_hash_roundtrip() -> None:
    h = hash_password("秘密-pass-1")
    assert h.startswith("scrypt$") and "秘密" not in h
    assert verify_password("秘密-pass-1", h)
    assert not verify_password("秘密-pass-2", h)
    assert not verify_password("x", "garbage")
    assert not verify_password("x", "scrypt$1$2$3$!!$!!")
    assert hash_password("same") != hash_password("same")  # salted


def test_token_login_me_and_failures(client, make_user, db_url: str) -> None:
    make_user("analyst", username="ana", password="s3cret-pw")
    r = client.post("/api/v1/auth/token", data={"username": "ana", "password": "s3cret-pw"})
    assert r.status_code == 200, r.text
    tok = r.json()["access_token"]
    r2 = client.post("/api/v1/auth/token", json={"username": "ana", "password": "s3cret-pw"})
    assert r2.status_code == 200 and r2.json()["access_token"] != tok
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tok}"})
    assert me.status_code == 200 and me.json()["role"] == "analyst"
    bad = client.post("/api/v1/auth/token", data={"username": "ana", "password": "wrong"})
    assert bad.status_code == 401
    assert client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"}).status_code == 401
    assert client.post(
        "/api/v1/auth/token", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    ).status_code in (400, 422)
    assert client.post("/api/v1/auth/token", json=["a"]).status_code in (400, 422)
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    # revoke
    assert client.post("/api/v1/auth/revoke", headers={"Authorization": f"Bearer {tok}"}).status_code == 204
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tok}"}).status_code == 401
    with session_scope(db_url) as s:
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.entity == "user"))]
    assert actions.count("login") == 2 and actions.count("login_failed") == 2


def test_token_expiry_and_inactive_user(db_url: str, make_user) -> None:
    u = make_user("desk_officer")
    with session_scope(db_url) as s:
        user = s.get(User, u.id)
        assert user is not None
        tok = issue_token(s, user, ttl_minutes=10)
        stored = s.scalar(select(ApiToken.token_hash))
        assert stored is not None and tok not in stored  # only the hash is stored
        assert user_for_token(s, tok) is not None
        assert user_for_token(s, tok, now=utcnow() + timedelta(minutes=11)) is None
        user.active = False
        s.flush()
        assert user_for_token(s, tok) is None
        user.active = True
        s.flush()
        assert revoke_token(s, tok)
        assert user_for_token(s, tok) is None


def _api_routes(app) -> list[tuple[str, str]]:
    """(METHOD, path) of every non-public /api/v1 operation, from the OpenAPI schema (= what the app serves)."""
    out = []
    public = _public_paths()
    for path, ops in app.openapi()["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        if path in public:
            continue
        for m in ops:
            if m.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                out.append((m.upper(), path))
    return out


def _fill(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_private_route_refuses_anonymous_and_bogus_tokens(client, api_app) -> None:
    routes = _api_routes(api_app)
    mine = {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/indicators", "/api/v1/indicators/import"}
    assert mine <= {p for _, p in routes}
    for method, path in routes:
        r = client.request(method, _fill(path))
        assert r.status_code == 401, (method, path, r.status_code)
        r = client.request(method, _fill(path), headers={"Authorization": "Bearer forged-token"})
        assert r.status_code == 401, (method, path, r.status_code)


ROLE_RULES = {
    # (method, path): roles allowed (admin always allowed)
    ("POST", "/api/v1/cases"): {"desk_officer"},
    ("PATCH", "/api/v1/cases/{case_id}"): {"desk_officer"},
    ("GET", "/api/v1/cases"): {"desk_officer", "warning_officer", "analyst"},
    ("GET", "/api/v1/cases/{case_id}"): {"desk_officer", "warning_officer", "analyst"},
    ("GET", "/api/v1/cases/{case_id}/links"): {"desk_officer", "warning_officer", "analyst"},
    ("GET", "/api/v1/cases/export.csv"): {"desk_officer", "analyst"},
    ("GET", "/api/v1/cases/clusters"): {"desk_officer", "analyst"},
    ("GET", "/api/v1/indicators"): {"desk_officer", "warning_officer", "analyst", "bank_teller"},
    ("POST", "/api/v1/indicators"): {"desk_officer", "analyst"},
    ("POST", "/api/v1/indicators/import"): {"desk_officer", "analyst"},
    ("GET", "/api/v1/indicators/export.csv"): {"desk_officer", "analyst", "bank_teller"},
    ("GET", "/api/v1/indicators/export.json"): {"desk_officer", "analyst", "bank_teller"},
    ("PATCH", "/api/v1/indicators/{indicator_id}"): {"desk_officer", "analyst"},
}


@pytest.mark.parametrize("role", ["desk_officer", "warning_officer", "bank_teller", "analyst"])
def test_wrong_role_gets_403(client, auth_headers, role: str) -> None:
    h = auth_headers(role)
    for (method, path), allowed in ROLE_RULES.items():
        r = client.request(method, _fill(path), headers=h)
        if role in allowed:
            assert r.status_code != 403, (role, method, path)
        else:
            assert r.status_code == 403, (role, method, path, r.status_code)


def test_failed_logins_are_throttled(client, make_user) -> None:
    make_user("analyst", username="victim-of-guessing", password="right-password")
    for _ in range(10):
        r = client.post("/api/v1/auth/token", data={"username": "victim-of-guessing", "password": "guess"})
        assert r.status_code == 401
    r = client.post("/api/v1/auth/token", data={"username": "victim-of-guessing", "password": "right-password"})
    assert r.status_code == 429 and "Retry-After" in r.headers
    make_user("analyst", username="someone-else", password="right-password")
    ok = client.post("/api/v1/auth/token", data={"username": "someone-else", "password": "right-password"})
    assert ok.status_code == 200  # other accounts are not affected
