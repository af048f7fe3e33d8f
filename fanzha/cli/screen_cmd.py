"""``fanzha screen "TEXT"`` (readable verdict) and ``fanzha screen --input IN.jsonl --output OUT.jsonl`` (bulk)."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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


def _records_of(batch: list[object], kind: str) -> list[dict[str, object]]:
    """The output records of one batch of parsed lines, in order (a line that did not parse keeps its error)."""
    from fanzha.screen.engine import get_engine, screen_records

    valid = [it for it in batch if not (isinstance(it, dict) and "_error" in it)]
    results = iter(screen_records(valid, kind, engine=get_engine())) if valid else iter(())
    out: list[dict[str, object]] = []
    for it in batch:
        if isinstance(it, dict) and "_error" in it:
            out.append({"id": it.get("id"), "error": it["_error"]})
        else:
            out.append(next(results))
    return out


def _warm_worker() -> None:
    """Worker start: load the engine once (inherited ready-made when the platform forks)."""
    from fanzha.screen.engine import get_engine

    get_engine()


class WorkerDied(RuntimeError):
    """A screening worker process ended abruptly (killed, out of memory)."""


def screen_jsonl(
    src: IO[str], dst: IO[str], *, kind: str = "auto", total: int | None = None, workers: int = 1
) -> tuple[int, int]:
    """Stream JSONL in, JSONL out (same order), in batches; returns (records, errors).

    ``workers`` > 1 screens the batches in that many processes, each with its own engine (forked from this one where
    the platform allows, so the rules and the model are loaded once and shared copy-on-write). At most two batches per
    worker are in flight, so memory stays flat on files of any size; the output order is the input order."""
    from fanzha.screen.engine import get_engine

    get_engine()  # load before forking: the workers inherit it
    err_console = Console(stderr=True)
    n_rec = n_err = 0

    def batches() -> Iterator[list[object]]:
        batch: list[object] = []
        for lineno, line in numbered(src):
            batch.append(_parse_line(line, lineno))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    with Progress(
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as progress:
        task = progress.add_task("screen", total=total)

        def emit(records: list[dict[str, object]]) -> None:
            nonlocal n_rec, n_err
            for rec in records:
                if "error" in rec:
                    n_err += 1
                write_record(dst, rec)
            n_rec += len(records)
            progress.advance(task, len(records))

        if workers <= 1:
            for batch in batches():
                emit(_records_of(batch, kind))
        else:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_worker) as pool:
                pending: deque[Future[list[dict[str, object]]]] = deque()
                try:
                    for batch in batches():
                        pending.append(pool.submit(_records_of, batch, kind))
                        if len(pending) >= 2 * workers:
                            emit(pending.popleft().result())
                    while pending:
                        emit(pending.popleft().result())
                except BrokenProcessPool as exc:
                    raise WorkerDied(
                        f"a screening worker ended abruptly after {n_rec} records (out of memory?); "
                        "the output holds the records before it"
                    ) from exc
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
        kind: Annotated[str, typer.Option(help="auto|sms|chat|call|dialogue|narrative|email")] = "auto",
        as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
        workers: Annotated[
            int,
            typer.Option(
                "--workers", "-j", min=0, max=256, help="With --input: processes to screen in (0 = one per CPU core)."
            ),
        ] = 1,
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
            n_workers = workers or os.cpu_count() or 1
            try:
                with open_text_in(input) as src, open_out(output) as dst:
                    n, bad = screen_jsonl(src, dst, kind=kind, total=count_lines(input), workers=n_workers)
            except WorkerDied as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(1) from exc
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
