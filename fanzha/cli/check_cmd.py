"""``fanzha check VALUE`` (readable verdict on a link / number / card / account / app) and
``fanzha check --input IN.jsonl --output OUT.jsonl`` (bulk; ``-`` = stdin / stdout).

Input lines: {"id", "value", "kind"?: "url|domain|ip|phone|bank_card|qq|wechat|alipay|app", "claimed_bank"?}.
Output lines: {"id", "kind", "normalized", "risky", "risk", "reasons", "details"}; a bad line gives {"id", "error"}
and the run goes on.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fanzha.cli.jsonl_io import numbered, open_out, open_text_in, write_record

_RISK_STYLE = {"high": "bold white on red", "medium": "bold black on yellow", "low": "black on cyan", "none": "green"}
_RISK_LABEL = {"high": "高风险", "medium": "中风险", "low": "低风险", "none": "未见风险"}
_ADVICE = [
    "不要点击陌生链接、不要向陌生账户转账，不要透露密码和验证码，不要开启屏幕共享。",
    "拿不准就拨打 96110 反诈专线咨询；已转账请立即拨打 110 报警，并联系银行冻结收款账户。",
]


def render_check(value: str, rec: dict[str, Any], console: Console) -> None:
    head = Text()
    head.append(f" {_RISK_LABEL[rec['risk']]} {rec['risk'].upper()} ", style=_RISK_STYLE[rec["risk"]])
    head.append(f"  {rec['kind']}  ")
    head.append(rec["normalized"], style="bold")
    console.print(head)
    details = rec["details"]
    if details.get("imitates"):
        im = details["imitates"]
        console.print(f"[bold red]仿冒[/bold red] {im.get('brand') or im.get('owner')}（官方：{im.get('official')}）")
    if details.get("official"):
        off = details["official"]
        console.print(f"[green]官方[/green] {off.get('owner')}（{off.get('domain') or off.get('number')}）")
    table = Table(show_header=True, title="判断依据")
    table.add_column("信号")
    table.add_column("等级")
    table.add_column("权重", justify="right")
    table.add_column("说明", overflow="fold")
    signals = details.get("signals", [])
    for sig, why in zip(signals, rec["reasons"], strict=False):
        table.add_row(sig["id"], sig["level"], f"{sig['weight']:+.1f}", why)
    if not signals:
        table.add_row("-", "-", "-", rec["reasons"][0])
    console.print(table)
    facts = {
        k: v
        for k, v in details.items()
        if k not in ("signals", "imitates", "official", "official_value") and v not in (None, "", [])
    }
    if facts:
        console.print("  ".join(f"[dim]{k}[/dim]={v}" for k, v in facts.items()))
    if rec["risky"]:
        for a in _ADVICE:
            console.print(f"  • {a}")


def check_jsonl(src: IO[str], dst: IO[str]) -> tuple[int, int]:
    """Stream JSONL in, JSONL out (same order); returns (records, errors)."""
    from fanzha.indicators import check_item

    n = errors = 0
    for lineno, line in numbered(src):
        try:
            item: object = json.loads(line)
        except json.JSONDecodeError as exc:
            rec: dict[str, Any] = {"id": None, "error": f"line {lineno}: malformed JSON ({exc.msg})"}
        else:
            rec = check_item(item)
            if "error" in rec and isinstance(item, dict) and not isinstance(item.get("value"), str):
                rec["error"] = f"line {lineno}: {rec['error']}"
        if "error" in rec:
            errors += 1
        write_record(dst, rec)
        n += 1
    dst.flush()
    return n, errors


def _check_all_in_text(text: str, as_json: bool) -> bool:
    """When VALUE is a whole message, check every link / number / account / app found in it. False if none."""
    from fanzha.indicators import CHECK_KINDS, check, extract

    inds = [i for i in extract(text) if i.kind in CHECK_KINDS]
    if not inds:
        return False
    console = Console()
    for ind in inds:
        rec = check(ind.normalized, ind.kind, claimed_bank=(ind.context or {}).get("claimed_bank")).to_record()
        rec["raw"], rec["span"] = ind.raw, list(ind.span)
        if as_json:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            console.rule(f"{ind.raw}  [dim]({ind.span[0]}-{ind.span[1]})[/dim]")
            render_check(ind.raw, rec, console)
    return True


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_cmd(
        value: Annotated[
            str | None, typer.Argument(help="a link, phone number, bank card, QQ, WeChat ID or app name")
        ] = None,
        kind: Annotated[
            str | None,
            typer.Option("--kind", "-k", help="url|domain|ip|phone|bank_card|qq|wechat|alipay|app (auto-detected)"),
        ] = None,
        claimed_bank: Annotated[
            str | None, typer.Option("--bank", help="the bank the card is said to belong to")
        ] = None,
        input_: Annotated[str | None, typer.Option("--input", "-i", help="JSONL input ('-' = stdin)")] = None,
        output: Annotated[str, typer.Option("--output", "-o", help="JSONL output ('-' = stdout)")] = "-",
        as_json: Annotated[bool, typer.Option("--json", help="print the JSON record instead of the table")] = False,
    ) -> None:
        """Check an indicator offline: lookalike sites, spoofed or foreign numbers, card BINs, risky apps."""
        if input_ is not None:
            try:
                with open_text_in(input_) as src, open_out(output) as dst:
                    n, errors = check_jsonl(src, dst)
            except OSError as exc:
                Console(stderr=True).print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from None
            Console(stderr=True).print(f"checked {n} records, {errors} errors")
            return
        if value is None:
            Console(stderr=True).print("[red]error:[/red] give a VALUE or --input FILE")
            raise typer.Exit(2)
        from fanzha.indicators import check

        try:
            rec = check(value, kind, claimed_bank=claimed_bank).to_record()
        except ValueError as exc:
            if kind is None and _check_all_in_text(value, as_json):  # a whole message pasted: check what is in it
                return
            Console(stderr=True).print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        if as_json:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            render_check(value, rec, Console())
