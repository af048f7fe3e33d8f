"""``fanzha extract``: case elements (案情要素) from victims' narratives.

    fanzha extract "报案人称昨天下午三点接到电话…" [--reported-at 2024-03-08T10:20]   # a rich table
    fanzha extract --input IN.jsonl --output OUT.jsonl                              # '-' = stdin / stdout

Each input line {"id", "text", "reported_at"?} gives one output line {"id", "type", "elements": {...}} (see
``fanzha.cases.intake.CaseElements.to_record``); a line that cannot be read gives {"id", "error"} and the run goes on.
Progress and a summary go to stderr.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from fanzha.cli.jsonl_io import (
    MAX_LINE_BYTES,
    capped_lines,
    numbered,
    open_bytes_in,
    open_out,
    parse_object,
    write_record,
)

log = logging.getLogger(__name__)
err_console = Console(stderr=True)


def record_for_line(raw: bytes, lineno: int, *, evidence: bool = False) -> dict[str, Any]:
    """One JSONL input line → the output record (never raises)."""
    from fanzha.cases.intake import MAX_CHARS, extract

    id_: Any = None
    try:
        if len(raw) > MAX_LINE_BYTES:
            return {"id": None, "error": f"line {lineno}: longer than {MAX_LINE_BYTES} bytes"}
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            return {"id": None, "error": f"line {lineno}: not UTF-8"}
        obj = parse_object(line, lineno, bad_json="not JSON")
        if isinstance(obj, str):
            return {"id": None, "error": obj}
        id_ = obj.get("id")
        if isinstance(id_, (dict, list)):
            id_ = json.dumps(id_, ensure_ascii=False)[:200]
        text = obj.get("text")
        if not isinstance(text, str):
            return {"id": id_, "error": f"line {lineno}: 'text' must be a string"}
        if len(text) > MAX_CHARS:
            return {"id": id_, "error": f"line {lineno}: text longer than {MAX_CHARS} characters"}
        reported_at = obj.get("reported_at")
        if reported_at is not None and not isinstance(reported_at, str):
            return {"id": id_, "error": f"line {lineno}: 'reported_at' must be an ISO date-time string"}
        try:
            el = extract(text, reported_at=reported_at)
        except ValueError as exc:
            return {"id": id_, "error": f"line {lineno}: {exc}"}
        rec = el.to_record(id_)
        if evidence:
            detail = el.to_detail()
            rec["evidence"] = detail["evidence"]
            rec["transfers"] = detail["transfers"]
            rec["received"] = detail["received"]
        return rec
    except Exception as exc:  # one bad line must never stop a batch
        log.exception("extract failed on line %d", lineno)
        return {"id": id_, "error": f"line {lineno}: internal error ({type(exc).__name__})"}


def run_batch(inp: str, out: str, *, evidence: bool = False, quiet: bool = False) -> tuple[int, int]:
    """Process a JSONL file; returns (records written, error records)."""
    n = errors = 0
    with open_bytes_in(inp) as fin, open_out(out) as fout:
        for lineno, raw in numbered(capped_lines(fin, MAX_LINE_BYTES)):
            rec = record_for_line(raw.rstrip(b"\r\n"), lineno, evidence=evidence)
            write_record(fout, rec)
            n += 1
            errors += "error" in rec
            if not quiet and n % 100 == 0:
                err_console.print(f"extract: {n} lines ({errors} errors)")
        fout.flush()
    return n, errors


def _show(text: str, reported_at: str | None) -> None:
    from fanzha.cases.intake import extract

    el = extract(text, reported_at=reported_at)
    console = Console()
    table = Table(title=f"案情要素  (报案时间 {el.reported_at:%Y-%m-%d %H:%M})", show_lines=False)
    table.add_column("field")
    table.add_column("value")
    table.add_column("evidence", overflow="fold")

    def why(field: str) -> str:
        out = []
        for e in el.evidence:
            if e.field == field:
                quoted = text[e.span[0] : e.span[1]] if e.span else ""
                out.append(f"{quoted!r} {e.why}" if quoted else e.why)
        return "; ".join(out[:4])

    table.add_row("type", el.type or "—", "fanzha.screen (narrative)")
    table.add_row("amount_yuan", "—" if el.amount_yuan is None else str(el.amount_yuan), why("amount_yuan"))
    for t in el.transfers:
        table.add_row(
            "  transfer", f"{t.amount_yuan} {t.payee_account or ''} {t.time or ''}".strip(), f"{t.raw!r} {t.why}"
        )
    for t in el.received:
        table.add_row("  received back", f"{t.amount_yuan}", f"{t.raw!r} {t.why}")
    table.add_row("occurred_at", el.occurred_at_str() or "—", why("occurred_at"))
    for name in ("channels", "phones", "qq", "wechat", "urls", "bank_cards", "apps", "payee_accounts"):
        vals = getattr(el, name)
        table.add_row(name, ", ".join(vals) or "—", why(name) if name != "channels" else "")
    for o in el.other_numbers:
        table.add_row("  not the fraudster's", f"{o.kind} {o.value}", o.role)
    console.print(table)


def extract_command(
    text: str | None = typer.Argument(None, help="a narrative to analyse (omit with --input)"),
    input: str | None = typer.Option(None, "--input", "-i", help="JSONL input, '-' for stdin"),
    output: str = typer.Option("-", "--output", "-o", help="JSONL output, '-' for stdout"),
    reported_at: str | None = typer.Option(None, "--reported-at", help="report time for TEXT (default: now)"),
    evidence: bool = typer.Option(False, "--evidence", help="also write evidence spans and transfers per record"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress on stderr"),
) -> None:
    """Extract the case elements (time, channels, loss, phones, QQ, WeChat, URLs, cards, apps, payees) of narratives."""
    if input is None and text is None:
        err_console.print("[red]give a TEXT or --input IN.jsonl[/red]")
        raise typer.Exit(2)
    if input is not None:
        if input != "-" and not Path(input).is_file():
            err_console.print(f"[red]no such file: {input}[/red]")
            raise typer.Exit(2)
        try:
            n, errors = run_batch(input, output, evidence=evidence, quiet=quiet)
        except OSError as exc:
            err_console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        if not quiet:
            err_console.print(f"extract: {n} records written, {errors} with errors")
        return
    assert text is not None
    try:
        _show(text, reported_at)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def register(app: typer.Typer) -> None:
    app.command("extract")(extract_command)
