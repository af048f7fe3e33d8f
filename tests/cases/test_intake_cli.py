"""``fanzha extract`` CLI contract: JSONL in → JSONL out, bad lines → {"id", "error"}, single-text table."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fanzha.cli import app

runner = CliRunner()

GOOD = {
    "id": "a1",
    "text": "报案人称昨天下午三点接到电话13912345678，先转了500，又转了3000元",
    "reported_at": "2024-03-08 10:00",
}


def _records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_batch_file_contract(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    out = tmp_path / "out.jsonl"
    lines = [
        json.dumps(GOOD, ensure_ascii=False).encode(),
        b"this is not json",
        json.dumps({"id": 7}).encode(),
        json.dumps({"id": 8, "text": "报案人转账5000元", "reported_at": "someday"}).encode(),
        b"\xff\xfe\x00garbage",
        b"",
        json.dumps({"id": 9, "text": "报案人转账5000元"}, ensure_ascii=False).encode(),
        b"[1, 2, 3]",
        json.dumps({"id": 10, "text": "x" * 60_000}).encode(),
    ]
    inp.write_bytes(b"\n".join(lines) + b"\n")
    res = runner.invoke(app, ["extract", "--input", str(inp), "--output", str(out)])
    assert res.exit_code == 0, res.output
    recs = _records(out.read_text(encoding="utf-8"))
    assert len(recs) == 8  # the blank line is skipped
    first = recs[0]
    assert set(first) == {"id", "type", "elements"} and first["id"] == "a1"
    el = first["elements"]
    assert el["amount_yuan"] == 3500
    assert el["occurred_at"] == "2024-03-07 15:00"
    assert el["channels"] == ["电话"] and el["phones"] == ["13912345678"]
    for key in ("qq", "wechat", "urls", "bank_cards", "apps", "payee_accounts"):
        assert el[key] == []
    errs = recs[1:5] + recs[6:]
    assert all(set(r) == {"id", "error"} for r in errs), errs
    assert [r["id"] for r in errs] == [None, 7, 8, None, None, 10]
    assert recs[5]["id"] == 9 and recs[5]["elements"]["amount_yuan"] == 5000


def test_stdin_stdout(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", "--input", "-", "--output", "-", "-q"], input=json.dumps(GOOD) + "\n")
    assert res.exit_code == 0
    recs = _records(res.stdout)
    assert recs[0]["elements"]["amount_yuan"] == 3500


def test_evidence_flag(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", "-i", "-", "-q", "--evidence"], input=json.dumps(GOOD) + "\n")
    rec = _records(res.stdout)[0]
    assert [t["amount"] for t in rec["transfers"]] == ["500", "3000"]
    assert any(e["field"] == "phones" and e["span"] for e in rec["evidence"])


def test_single_text_table() -> None:
    res = runner.invoke(app, ["extract", GOOD["text"], "--reported-at", "2024-03-08 10:00"])
    assert res.exit_code == 0
    assert "13912345678" in res.stdout and "3500" in res.stdout and "2024-03-07 15:00" in res.stdout


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["extract", "--input", str(tmp_path / "nope.jsonl")])
    assert res.exit_code == 2


def test_no_arguments_is_a_clear_error() -> None:
    res = runner.invoke(app, ["extract"])
    assert res.exit_code == 2


def test_output_is_replaced_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", "-i", "-", "-o", str(out), "-q"], input=json.dumps(GOOD) + "\n")
    assert res.exit_code == 0
    assert _records(out.read_text(encoding="utf-8"))[0]["id"] == "a1"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temporary file left behind
