"""``fanzha train`` end to end on a tiny corpus written here (our synthetic texts, no research corpus needed)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from fanzha.cli import app
from fanzha.screen.model import load_model
from fanzha.screen.trainsets import generate


def _write_corpus(d: Path) -> list[Path]:
    syn = generate(6, seed=5)
    fraud = d / "tiny_fraud.jsonl"
    normal = d / "tiny_normal.jsonl"
    with fraud.open("w", encoding="utf-8") as f, normal.open("w", encoding="utf-8") as n:
        for i, s in enumerate(syn):
            if s.category == "fraud":
                rec = {"id": i, "text": s.text, "fraud": True, "type": s.typology, "source": "tft8", "kind": "sms"}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                rec = {"id": i, "text": s.text, "fraud": False, "type": None, "source": "tft5-normal", "kind": "sms"}
                n.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n.write("{not json\n\n")  # a malformed line is skipped, not fatal
    # a few texts presented as conversations (a dialogue source): they train the conversation expert
    dialogue = d / "tiny_dialogue.jsonl"
    with dialogue.open("w", encoding="utf-8") as g:
        for i, s in enumerate(syn[::5]):
            rec = {"id": i, "text": s.text, "fraud": s.category == "fraud", "source": "afsft-eval0902"}
            g.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return [fraud, normal, dialogue]


def test_train_command_writes_a_loadable_artifact(tmp_path: Path) -> None:
    paths = _write_corpus(tmp_path)
    out = tmp_path / "m.npz"
    readme = tmp_path / "README.md"
    readme.write_text("# model\n\nhand-written intro\n", encoding="utf-8")
    args = ["train", "--out", str(out), "--seed", "3", "--readme", str(readme), "--conversation-expert"]
    for p in paths:
        args += ["--data", str(p)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "held-out" in res.output and "tiny_fraud.jsonl" in res.output
    m = load_model(out)
    assert m is not None and m.meta_["seed"] == 3
    assert set(m.meta_["files"]) == {"tiny_fraud.jsonl", "tiny_normal.jsonl", "tiny_dialogue.jsonl"}
    assert m.expert_calibration_ is not None
    text = readme.read_text(encoding="utf-8")
    assert "hand-written intro" in text and "sha256" in text and "--seed 3" in text
    # rerun: same artifact coefficients (seeded, deterministic order), README section replaced, not appended
    out2 = tmp_path / "m2.npz"
    args2 = [a if a != str(out) else str(out2) for a in args]
    assert CliRunner().invoke(app, args2).exit_code == 0
    m2 = load_model(out2)
    assert m2 is not None and np.array_equal(m.coef_, m2.coef_) and np.array_equal(m.intercept_, m2.intercept_)
    assert m2.expert_calibration_ is not None and np.array_equal(m.expert_calibration_, m2.expert_calibration_)
    assert readme.read_text(encoding="utf-8").count("BEGIN fanzha train summary") == 1


def test_train_command_missing_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "x.npz")])
    assert res.exit_code == 2
    assert "not found" in res.output
    assert not (tmp_path / "x.npz").exists()
