"""Equivalence harness for the screening engine: every verdict of one source tree against another's, field by field.

    # dump the verdicts of a tree (default: this one) for the same texts, then compare two dumps
    .venv/bin/python bench/screen_equivalence.py dump --out /tmp/new.jsonl
    .venv/bin/python bench/screen_equivalence.py dump --root /tmp/base --out /tmp/base.jsonl
    .venv/bin/python bench/screen_equivalence.py diff /tmp/base.jsonl /tmp/new.jsonl

Why: a speed change of the engine (fast paths, gates, lazy evidence) must not change a single verdict. The texts are
always collected from THIS checkout, so both dumps see the same inputs; ``--root`` only chooses which ``fanzha``
package screens them (e.g. a ``git worktree`` of the commit before the change, with the rule data files synced).

Texts: the five research corpus files (settings.data_dir, read only), the strings of tests/screen (Python constants
and YAML data) and the rules' own examples. Corpus texts go through ``screen_many`` of the full engine in batches of
1000 (the bulk path); the test and example texts also through ``screen()`` (explanations for every verdict), through
``screen_many`` with each explicit kind, and through a rules-only engine. Dumps hold ``verdict.model_dump()`` and
stay outside the repository (they derive from the corpora).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent.parent
CORPUS = ["tft8_typed_fraud.jsonl", "tft5_normal_dev.jsonl", "fbs_sms.jsonl", "call_transcripts.jsonl",
          "dialogues_eval0902.jsonl"]  # fmt: skip
BATCH = 1000


def _yaml_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _yaml_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _yaml_strings(v)


def _has_cjk(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in s)


def test_texts() -> list[str]:
    """Strings of tests/screen (Python constants and YAML data) and the rules' examples that read like messages."""
    found: list[str] = []
    for py in sorted((HERE / "tests" / "screen").glob("*.py")):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    for y in sorted((HERE / "tests" / "screen" / "data").glob("*.yaml")):
        found.extend(_yaml_strings(yaml.safe_load(y.read_text(encoding="utf-8"))))
    for y in sorted((HERE / "fanzha" / "screen" / "rules").glob("*.yaml")):
        data = yaml.safe_load(y.read_text(encoding="utf-8")) or {}
        for section in ("rules", "composites"):
            for r in data.get(section) or []:
                found.extend(_yaml_strings(r.get("examples") or {}))
    keep = [s for s in found if s.strip() and (_has_cjk(s) or len(s) >= 8)]
    return list(dict.fromkeys(keep))


def corpus_texts(data_dir: Path) -> list[tuple[str, list[str]]]:
    out = []
    for name in CORPUS:
        with (data_dir / name).open(encoding="utf-8") as fh:
            out.append((name, [str(json.loads(x)["text"]) for x in fh if x.strip()]))
    return out


def dump(root: Path, out_path: Path, data_dir: Path | None, quick: bool) -> None:
    sys.path.insert(0, str(root))
    import fanzha
    from fanzha.config import get_settings
    from fanzha.screen.engine import Engine, _load_indicators, _load_model
    from fanzha.screen.rules import RuleSet

    print(f"fanzha from {Path(fanzha.__file__).parent}", file=sys.stderr)
    rs = RuleSet.load()
    full = Engine(rs, _load_model(), _load_indicators(), max_chars=10**6)
    rules_only = Engine(rs, None, None, max_chars=10**6)
    tests = test_texts()
    corpora = corpus_texts(data_dir or get_settings().data_dir)
    t0 = time.perf_counter()
    n = 0
    with out_path.open("w", encoding="utf-8") as fh:

        def emit(tag: str, i: int, v: Any) -> None:
            nonlocal n
            fh.write(json.dumps({"k": f"{tag}#{i}", "v": v.model_dump(mode="json")}, ensure_ascii=False) + "\n")
            n += 1

        for i, v in enumerate(full.screen_many(tests)):
            emit("tests/many", i, v)
        for i, t in enumerate(tests):
            emit("tests/one", i, full.screen(t))
        for kind in ("sms", "chat", "call", "dialogue", "narrative"):
            for i, v in enumerate(full.screen_many(tests, kind)):
                emit(f"tests/{kind}", i, v)
        for i, v in enumerate(rules_only.screen_many(tests)):
            emit("tests/rules", i, v)
        for name, texts in corpora:
            if quick:
                texts = texts[::10]
            for b in range(0, len(texts), BATCH):
                for i, v in enumerate(full.screen_many(texts[b : b + BATCH]), start=b):
                    emit(name, i, v)
    print(f"{n} verdicts ({len(tests)} test texts) in {time.perf_counter() - t0:.0f}s -> {out_path}", file=sys.stderr)


def diff(a: Path, b: Path, show: int) -> int:
    def load(p: Path) -> dict[str, Any]:
        with p.open(encoding="utf-8") as fh:
            return {r["k"]: r["v"] for r in map(json.loads, fh)}

    va, vb = load(a), load(b)
    if va.keys() != vb.keys():
        print(f"different keys: {len(va.keys() - vb.keys())} only in {a}, {len(vb.keys() - va.keys())} only in {b}")
        return 2
    bad = [k for k in va if va[k] != vb[k]]
    print(f"{len(va)} verdicts compared, {len(bad)} differ")
    for k in bad[:show]:
        fa, fb = va[k], vb[k]
        fields = [f for f in fa if fa[f] != fb.get(f)]
        print(f"- {k}: fields {fields}")
        for f in fields[:2]:
            print(f"    {a.name}: {json.dumps(fa[f], ensure_ascii=False)[:400]}")
            print(f"    {b.name}: {json.dumps(fb[f], ensure_ascii=False)[:400]}")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--root", type=Path, default=HERE, help="source tree whose fanzha package screens")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--data-dir", type=Path, default=None)
    d.add_argument("--quick", action="store_true", help="every 10th corpus text only")
    c = sub.add_parser("diff")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument("--show", type=int, default=10)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.root.resolve(), args.out, args.data_dir, args.quick)
        return 0
    return diff(args.a, args.b, args.show)


if __name__ == "__main__":
    sys.exit(main())
