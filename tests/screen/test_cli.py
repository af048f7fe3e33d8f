"""`fanzha screen` CLI: readable verdict and the JSONL contract (order, bad lines, stdin/stdout)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fanzha.cli import app

runner = CliRunner()


def test_screen_text_prints_verdict_with_evidence() -> None:
    res = runner.invoke(app, ["screen", "我是公安局的民警，你涉嫌洗钱，把钱转到安全账户"], env={"COLUMNS": "220"})
    assert res.exit_code == 0, res.output
    assert "HIGH" in res.output and "冒充公检法" in res.output
    assert "SAFE_ACCOUNT_TRANSFER" in res.output and "96110" in res.output


def test_screen_text_json() -> None:
    res = runner.invoke(app, ["screen", "--json", "代开各类发票，点数低"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout)
    assert rec["category"] == "illegal" and rec["fraud"] is False


def test_screen_too_long_is_a_clear_error(monkeypatch: object) -> None:
    res = runner.invoke(app, ["screen", "好" * 100_001])
    assert res.exit_code == 2
    assert "too long" in res.output


def test_jsonl_contract_with_bad_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps(
            {"id": "a", "text": "兼职刷单，先垫付本金，完成后本金加佣金一起返还", "extra": 1}, ensure_ascii=False
        ),
        "{not json",
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps({"id": "e", "text": "好" * 100_001}, ensure_ascii=False),
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "text": "【顺丰速运】您的快件已到驿站，取件码8-2-3301，请及时取件"}, ensure_ascii=False),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["screen", "--input", str(src), "--output", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in recs] == ["a", None, "c", "d", "e", None, 7]
    a, bad_json, missing, wrong_type, too_long, not_obj, ok = recs
    assert a["fraud"] is True and a["risk"] in ("high", "medium") and a["type"] == "刷单返利类"
    assert a["category"] == "fraud" and 0 <= a["score"] <= 1 and a["advice"]
    for e in a["evidence"]:
        assert {"source", "id", "span", "weight", "why"} <= set(e)
        assert e["source"] in ("rule", "model", "indicator", "context")
    assert "malformed JSON" in bad_json["error"] and "line 2" in bad_json["error"]
    assert "missing" in missing["error"] and "string" in wrong_type["error"]
    assert "too long" in too_long["error"] and "object" in not_obj["error"]
    assert ok["fraud"] is False and ok["category"] == "normal" and ok["risk"] in ("none", "low")


def test_jsonl_stdin_stdout() -> None:
    data = "\n".join(
        json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(["你好，明天见", "办证刻章"])
    )
    res = runner.invoke(app, ["screen", "--input", "-", "--output", "-"], input=data + "\n")
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [r["id"] for r in recs] == [0, 1]
    assert recs[1]["category"] == "illegal"


def test_missing_input_file() -> None:
    res = runner.invoke(app, ["screen", "--input", "/nonexistent/x.jsonl"])
    assert res.exit_code == 2 and "not found" in res.output


def _mixed_lines(n: int) -> list[str]:
    texts = [
        "兼职刷单，先垫付本金，完成后本金加佣金一起返还",
        "【顺丰速运】您的快件已到驿站，取件码8-2-3301，请及时取件",
        "我是公安局的民警，你涉嫌洗钱，把钱转到安全账户",
        "代开各类发票，点数低",
    ]
    lines = []
    for i in range(n):
        if i % 97 == 5:
            lines.append("{not json")
        elif i % 131 == 7:
            lines.append(json.dumps({"id": i}))
        else:
            lines.append(json.dumps({"id": i, "text": f"{texts[i % len(texts)]} {i}"}, ensure_ascii=False))
    return lines


def test_jsonl_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    """-j 2 screens in two worker processes: the output is byte-for-byte the single-process output (order kept,
    across several batches, bad lines included)."""
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_mixed_lines(700)) + "\n", encoding="utf-8")
    outs = []
    for j in ("1", "2"):
        out = tmp_path / f"out{j}.jsonl"
        res = runner.invoke(app, ["screen", "--input", str(src), "--output", str(out), "-j", j])
        assert res.exit_code == 0, res.output
        assert "screened 700 records" in res.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    recs = [json.loads(x) for x in outs[1].decode("utf-8").splitlines()]
    assert len(recs) == 700
    assert [r["id"] for r in recs] == [None if i % 97 == 5 else i for i in range(700)]  # a malformed line has no id
    assert sum("error" in r for r in recs) == 8 + 6  # 8 malformed lines (i % 97 == 5), 6 without a text


def _die(batch: list[object], kind: str) -> list[dict[str, object]]:
    os._exit(3)  # a worker killed mid-run (the OOM killer, a crash in a C extension)


def test_jsonl_worker_death_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fanzha.cli.screen_cmd as screen_cmd

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(_mixed_lines(40)) + "\n", encoding="utf-8")
    monkeypatch.setattr(screen_cmd, "_records_of", _die)  # the forked workers inherit the patch
    res = runner.invoke(app, ["screen", "--input", str(src), "--output", str(tmp_path / "o.jsonl"), "-j", "2"])
    assert res.exit_code == 1
    assert "worker ended abruptly" in res.output
