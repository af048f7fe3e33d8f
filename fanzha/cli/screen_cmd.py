"""``fanzha screen "TEXT"`` (readable verdict) and ``fanzha screen --input IN.jsonl --output OUT.jsonl`` (bulk)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from fanzha.cli.jsonl_io import count_lines, numbered, open_out, open_text_in, parse_object, write_record
from fanzha.domain import Verdict

BATCH = 256

_RISK_STYLE = {"high": "bold white on red", "medium": "bold black on yellow", "low": "black on cyan", "none": "green"}
_SOURCE_STYLE = {"rule": "bold red underline", "model": "magenta", "indicator": "bold yellow", "context": "green"}


def render_verdict(text: str, v: Verdict, console: Console) -> None:
    """Verdict headline, the text with evidence highlighted, the evidence table and the advice."""
    label = {"fraud": "疑似诈骗", "spam": "营销广告", "illegal": "违法信息", "normal": "未见诈骗特征"}[v.category.value]
    head = Text()
    head.append(f" 风险 {v.risk.value.upper()} ", style=_RISK_STYLE[v.risk.value])
    head.append(f"  {label}  score={v.score:.2f}")
    if v.type:
        head.append(f"  类型: {v.type}", style="bold")
    if v.subtype:
        head.append(f" / {v.subtype}")
    console.print(head)

    shown = text if len(text) <= 4000 else text[:4000]
    body = Text(shown)
    # weakest first so the strongest evidence's style wins where spans overlap
    for e in sorted(v.evidence, key=lambda e: abs(e.weight)):
        if e.span is None or e.span[0] >= len(shown) or (e.source == "model" and e.weight <= 0):
            continue
        if e.weight == 0 and e.source != "context":
            continue
        body.stylize(_SOURCE_STYLE.get(e.source, "bold"), e.span[0], min(e.span[1], len(shown)))
    console.print(Panel(body, title="原文（证据已标出）", subtitle="…已截断" if shown is not text else None))

    if v.evidence:
        table = Table(title="证据", show_lines=False, expand=False)
        for col in ("来源", "规则/特征", "位置", "原文", "权重", "说明"):
            table.add_column(col, overflow="fold")
        for e in v.evidence[:40]:
            where = (
                "" if e.span is None else f"{e.span[0]}-{e.span[1]}" + ("" if e.line is None else f" 行{e.line + 1}")
            )
            table.add_row(
                Text(e.source, style=_SOURCE_STYLE.get(e.source, "")),
                e.id,
                where,
                (e.matched or "")[:30],
                f"{e.weight:+.2f}",
                e.why,
            )
        console.print(table)
    if v.advice:
        console.print("[bold]建议：[/bold]")
        for a in v.advice:
            console.print(f"  • {a}")


def _parse_line(line: str, lineno: int) -> object:
    item = parse_object(line, lineno)
    return item if isinstance(item, dict) else {"id": None, "_error": item}


def screen_jsonl(src: IO[str], dst: IO[str], *, kind: str = "auto", total: int | None = None) -> tuple[int, int]:
    """Stream JSONL in, JSONL out (same order), in batches; returns (records, errors)."""
    from fanzha.screen.engine import get_engine, screen_records

    engine = get_engine()
    err_console = Console(stderr=True)
    n_rec = n_err = 0
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as progress:
        task = progress.add_task("screen", total=total)
        batch: list[object] = []

        def flush() -> None:
            nonlocal n_rec, n_err
            if not batch:
                return
            valid = [it for it in batch if not (isinstance(it, dict) and "_error" in it)]
            results = iter(screen_records(valid, kind, engine=engine)) if valid else iter(())
            for it in batch:
                if isinstance(it, dict) and "_error" in it:
                    rec: dict[str, object] = {"id": it.get("id"), "error": it["_error"]}
                else:
                    rec = next(results)
                if "error" in rec:
                    n_err += 1
                write_record(dst, rec)
                n_rec += 1
            progress.advance(task, len(batch))
            batch.clear()

        for lineno, line in numbered(src):
            batch.append(_parse_line(line, lineno))
            if len(batch) >= BATCH:
                flush()
        flush()
        dst.flush()
    return n_rec, n_err


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen_command(
        text: Annotated[str | None, typer.Argument(help="The text to screen (SMS, chat, transcript).")] = None,
        input: Annotated[
            str | None, typer.Option("--input", "-i", help="JSONL file of {id, text} ('-' = stdin).")
        ] = None,
        output: Annotated[str, typer.Option("--output", "-o", help="JSONL output ('-' = stdout).")] = "-",
        kind: Annotated[str, typer.Option(help="auto|sms|chat|call|dialogue|narrative")] = "auto",
        as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    ) -> None:
        """Screen a text for fraud, spam or illegal content: verdict, evidence and advice."""
        from fanzha.screen.engine import KINDS, ScreenInputError, get_engine

        console = Console()
        err = Console(stderr=True)
        if kind not in KINDS:
            err.print(f"[red]unknown --kind {kind!r}; use one of {', '.join(KINDS)}[/red]")
            raise typer.Exit(2)
        if input is not None:
            if text is not None:
                err.print("[red]give either TEXT or --input, not both[/red]")
                raise typer.Exit(2)
            if input != "-" and not Path(input).is_file():
                err.print(f"[red]input file not found: {input}[/red]")
                raise typer.Exit(2)
            with open_text_in(input) as src, open_out(output) as dst:
                n, bad = screen_jsonl(src, dst, kind=kind, total=count_lines(input))
            err.print(f"screened {n} records ({bad} with errors)")
            return
        if text is None:
            if sys.stdin.isatty():
                err.print("[red]give a TEXT to screen, or --input FILE.jsonl[/red]")
                raise typer.Exit(2)
            text = sys.stdin.read()
        try:
            verdict = get_engine().screen(text, kind)
        except ScreenInputError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        if as_json:
            typer.echo(json.dumps(verdict.to_record(), ensure_ascii=False))
        else:
            render_verdict(text, verdict, console)
