"""``fanzha train``: train the screening model (fanzha.screen.model) on the research corpora."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

console = Console()
log = logging.getLogger(__name__)


def _fmt(v: Any) -> str:
    return f"{v:.4f}" if isinstance(v, float) else str(v)


BEGIN = "<!-- BEGIN fanzha train summary (generated) -->"
END = "<!-- END fanzha train summary -->"


def summary_markdown(summary: dict[str, Any], size_bytes: int) -> str:
    """The training summary as Markdown (command, data checksums, counts, held-out metrics)."""
    lines = [
        BEGIN,
        f"Command: `{summary['command']}`  ",
        f"Artifact size: {size_bytes / 1e6:.1f} MB; training texts: {summary['n_train']} "
        f"(of which synthetic {summary['n_synthetic']} before the split), held out: {summary['n_heldout']}; "
        f"fit time {summary['fit_seconds']} s.",
        "",
        "| data file | sha256 |",
        "|---|---|",
        *(f"| {f} | `{h}` |" for f, h in summary["files"].items()),
        "",
        "| file | label | n |",
        "|---|---|---:|",
        *(f"| {f} | {k} | {n} |" for f, d in summary["counts"].items() for k, n in sorted(d.items())),
        "",
        f"Held-out ({summary['holdout']:.0%} stratified per file and label, seed {summary['seed']}), "
        "threshold P(fraud) ≥ 0.5 (model alone, no rules):",
        "",
        "| file | n | fraud | precision | recall | FPR | typology macro-F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {f} | {r['n']} | {r['positives']} | "
            + " | ".join(
                _fmt(r.get(c, "")) if r.get(c, "") == r.get(c, "") else "–"
                for c in ("precision", "recall", "fpr", "type_macro_f1")
            )
            + " |"
            for f, r in summary["heldout"].items()
        ),
        END,
    ]
    return "\n".join(lines)


def write_readme_section(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def train_cmd(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Corpus JSONL file(s); default: the five corpus files in settings.data_dir."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Artifact path (.npz); default settings.model_path.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the held-out split, synthetic texts, SGD.")] = 0,
    holdout: Annotated[float, typer.Option("--holdout", help="Held-out fraction (stratified per file/label).")] = 0.1,
    summary_json: Annotated[
        Path | None, typer.Option("--summary-json", help="Also write the summary (counts, metrics) as JSON.")
    ] = None,
    readme: Annotated[
        Path | None, typer.Option("--readme", help="Rewrite the generated summary section of this Markdown file.")
    ] = None,
    conversation_expert: Annotated[
        bool,
        typer.Option(
            "--conversation-expert",
            help="Add the conversation expert (gate + fraud head of the call / dialogue corpora); see docs/benchmarks.md.",
        ),
    ] = False,
) -> None:
    """Train the char n-gram screening model, print counts per label and held-out metrics, save the artifact."""
    from fanzha.config import get_settings
    from fanzha.screen.labels import DEFAULT_FILES
    from fanzha.screen.model import train

    settings = get_settings()
    paths = list(data) if data else [Path(settings.data_dir) / f for f in DEFAULT_FILES]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        console.print(f"[red]corpus file(s) not found: {', '.join(map(str, missing))} (set FANZHA_DATA_DIR)[/red]")
        raise typer.Exit(2)
    if not 0.0 <= holdout < 0.9:
        console.print("[red]--holdout must be in [0, 0.9)[/red]")
        raise typer.Exit(2)
    target = Path(out) if out else Path(settings.model_path)
    console.print(f"training on {len(paths)} file(s), seed={seed}, holdout={holdout} ...")
    params = {"conversation_expert": True} if conversation_expert else None
    model, summary = train(paths, seed=seed, holdout=holdout, params=params)
    summary["command"] = (
        "fanzha train"
        + "".join(f" --data {p}" for p in (data or []))
        + (f" --out {out}" if out else "")
        + f" --seed {seed}"
        + (f" --holdout {holdout}" if holdout != 0.1 else "")
        + (f" --readme {readme}" if readme else "")
        + (" --conversation-expert" if conversation_expert else "")
    )
    model.save(target, meta=summary)

    t = Table(title="training texts per file and label")
    t.add_column("file")
    t.add_column("label")
    t.add_column("n", justify="right")
    for f, d in summary["counts"].items():
        for k, n in sorted(d.items()):
            t.add_row(f, k, str(n))
    console.print(t)
    if summary["heldout"]:
        h = Table(title=f"held-out metrics ({summary['n_heldout']} texts, threshold P(fraud) ≥ 0.5)")
        for c in ("file", "n", "positives", "precision", "recall", "fpr", "type_macro_f1"):
            h.add_column(c)
        for f, row in summary["heldout"].items():
            h.add_row(
                f, *(_fmt(row.get(c, "")) for c in ("n", "positives", "precision", "recall", "fpr", "type_macro_f1"))
            )
        console.print(h)
    size = target.stat().st_size
    console.print(f"saved {target} ({size / 1e6:.1f} MB), fit {summary['fit_seconds']} s")
    if readme:
        write_readme_section(readme, summary_markdown(summary, size))
    if summary_json:
        summary_json.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command("train")(train_cmd)
