"""CLI (`fanzha check`) and API (`POST /api/v1/indicators/check`) contracts, bad lines and bad requests included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fanzha.api.app import create_app
from fanzha.cli import app as cli_app

RECORD_KEYS = {"id", "kind", "normalized", "risky", "risk", "reasons", "details"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_cli_single_value_rich_output() -> None:
    res = CliRunner().invoke(cli_app, ["check", "taobao-refund点cc/pay"])
    assert res.exit_code == 0, res.output
    assert "HIGH" in res.output and "淘宝" in res.output and "URL_BRAND_LOOKALIKE" in res.output


def test_cli_single_value_json() -> None:
    res = CliRunner().invoke(cli_app, ["check", "+86 95533", "--json"])
    assert res.exit_code == 0
    rec = json.loads(res.stdout)
    assert rec["kind"] == "phone" and rec["risk"] == "high" and rec["normalized"] == "+8695533"


def test_cli_kind_and_bank_options() -> None:
    res = CliRunner().invoke(
        cli_app, ["check", "6228480402564890018", "--kind", "bank_card", "--bank", "工商银行", "--json"]
    )
    rec = json.loads(res.stdout)
    assert rec["risky"] and rec["details"]["bank"] == "农业银行"


def test_cli_whole_message_checks_each_indicator() -> None:
    text = "【建设银行】请登录 ccb-vip.cc 或致电 +86 95533"
    res = CliRunner().invoke(cli_app, ["check", text, "--json"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [(r["kind"], r["risk"]) for r in recs] == [("domain", "high"), ("phone", "high")]
    assert all(text[r["span"][0] : r["span"][1]] == r["raw"] for r in recs)


@pytest.mark.parametrize("args", [["check", "你好"], ["check", ""], ["check", "138", "--kind", "fax"], ["check"]])
def test_cli_bad_values_exit_2(args: list[str]) -> None:
    res = CliRunner().invoke(cli_app, args)
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_cli_jsonl_files_with_bad_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "value": "icbc-verify.com"}),
        "{not json",
        json.dumps({"id": "b", "value": "95533", "kind": "phone"}),
        json.dumps({"id": "c", "value": ""}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "d", "value": 12345}),
        json.dumps({"id": "e", "value": "17012345678", "kind": "phone"}),
        json.dumps({"id": "f", "value": "abc_123x", "kind": "wechat"}),
        json.dumps({"id": "g", "value": "13812345678", "kind": "nope"}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(cli_app, ["check", "--input", str(src), "--output", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 9  # the blank line is skipped, every other line gives exactly one record
    by_id = {r["id"]: r for r in recs if r.get("id") is not None}
    assert set(by_id["a"]) == RECORD_KEYS and by_id["a"]["risk"] == "high"
    assert by_id["b"]["risk"] == "none" and by_id["b"]["details"]["official"]["owner"] == "建设银行"
    assert by_id["e"]["risk"] == "medium"
    assert by_id["f"]["kind"] == "wechat"
    for bad in ("c", "d", "g"):
        assert set(by_id[bad]) == {"id", "error"}
    assert sum(1 for r in recs if "error" in r) == 5


def test_cli_stdin_stdout() -> None:
    res = CliRunner().invoke(
        cli_app, ["check", "--input", "-", "--output", "-"], input='{"id": 1, "value": "a1ipay.com"}\n'
    )
    assert res.exit_code == 0
    rec = json.loads(res.stdout.splitlines()[0])
    assert rec["id"] == 1 and rec["details"]["imitates"]["brand"] == "支付宝"


def test_cli_missing_input_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli_app, ["check", "--input", str(tmp_path / "nope.jsonl")])
    assert res.exit_code == 2


# ---------------------------------------------------------------- API


def test_api_single(client: TestClient) -> None:
    r = client.post("/api/v1/indicators/check", json={"value": "www.icbc.com.cn.verify-user.top"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == RECORD_KEYS - {"id"}
    assert body["risk"] == "high" and body["details"]["imitates"] == {"brand": "工商银行", "official": "icbc.com.cn"}


def test_api_single_with_kind(client: TestClient) -> None:
    r = client.post("/api/v1/indicators/check", json={"value": "12345678", "kind": "qq"})
    assert r.status_code == 200 and r.json()["kind"] == "qq"


def test_api_batch_with_item_errors(client: TestClient) -> None:
    items = [{"id": 1, "value": "+86 95533"}, {"id": 2}, "x", {"id": 4, "value": "你好"}, {"id": 5, "value": "95588"}]
    r = client.post("/api/v1/indicators/check", json={"items": items})
    assert r.status_code == 200
    out = r.json()["items"]
    assert len(out) == 5
    assert out[0]["risk"] == "high"
    assert [("error" in o) for o in out] == [False, True, True, True, False]
    assert out[4]["risk"] == "none"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"value": "a.com", "items": []}, 422),
        ({"value": "你好"}, 422),
        ({"value": ""}, 422),
        ({"value": "13812345678", "kind": "fax"}, 422),
        ({"value": "x" * 5000}, 413),
        ({"value": 5}, 422),
        ({"value": "a.com", "extra": 1}, 422),
        ({"items": [{"value": "a.com"}] * 1001}, 413),
        ({"items": "nope"}, 422),
    ],
)
def test_api_bad_requests(client: TestClient, payload: object, status: int) -> None:
    r = client.post("/api/v1/indicators/check", json=payload)
    assert r.status_code == status, r.text


def test_api_malformed_body(client: TestClient) -> None:
    r = client.post("/api/v1/indicators/check", content=b"\xff\xfe{", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
