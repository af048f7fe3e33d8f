"""Dashboard charts: plotly figures built server-side from ``fanzha.cases.stats`` and drawn in the browser by the
plotly.js that ships inside the plotly package (served at /static/vendor/plotly.min.js; no CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

MAX_TYPES = 8
PALETTE = ["#0b4f9c", "#a4000f", "#1b7f3b", "#b36b00", "#6a3d9a", "#00838f", "#c2185b", "#5d4037", "#546e7a"]


@dataclass(frozen=True)
class Figure:
    id: str
    title: str
    json: Markup  # safe inside <script type="application/json">
    summary: str  # a text equivalent for screen readers
    wide: bool = True  # spans the whole width (time series); False: half width on wide screens


def _num(v: Any) -> float:
    if isinstance(v, Decimal):
        return float(v)
    return float(v or 0)


def _to_json(fig: Any) -> Markup:
    import plotly.io as pio

    text = pio.to_json(fig, validate=True, pretty=False)
    # inside a <script> element: never let "</script>" or "<!--" appear
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _layout(title: str, *, barmode: str | None = None, ytitle: str = "") -> dict[str, Any]:
    lay: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 16}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.3, "x": 0},
        "yaxis": {"title": {"text": ytitle}, "rangemode": "tozero"},
        "xaxis": {"type": "category", "tickangle": -45, "automargin": True},
        "height": 460,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 20},
        "colorway": PALETTE,
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
    }
    if barmode:
        lay["barmode"] = barmode
    return lay


def _top_types(cs: dict[str, Any]) -> list[str]:
    return [row["key"] for row in cs.get("by_typology", [])][:MAX_TYPES]


def _by_type_series(cs: dict[str, Any], metric: str) -> tuple[list[str], dict[str, list[float]]]:
    series = cs.get("series", [])
    x = [row["period"] for row in series]
    top = _top_types(cs)
    out: dict[str, list[float]] = {t: [] for t in top}
    other: list[float] = []
    for row in series:
        by = row.get("by_typology", {})
        for t in top:
            out[t].append(_num((by.get(t) or {}).get(metric)))
        other.append(sum(_num(v.get(metric)) for k, v in by.items() if k not in top))
    if any(other):
        out["其余类型"] = other
    return x, out


def dashboard_figures(cs: dict[str, Any], ws: dict[str, Any]) -> list[Figure]:
    import plotly.graph_objects as go

    figs: list[Figure] = []
    unit = "周" if cs.get("period") == "week" else "月"

    x, by = _by_type_series(cs, "cases")
    f = go.Figure(
        [go.Bar(name=t, x=x, y=v) for t, v in by.items()],
        layout=_layout(f"案件数（按{unit}、类型）", barmode="stack", ytitle="起"),
    )
    total = int(_num(cs.get("totals", {}).get("cases")))
    figs.append(Figure("fig-cases", "案件数", _to_json(f), f"共 {total} 起案件；按{unit}分类型堆叠柱状图。"))

    x, by = _by_type_series(cs, "loss_yuan")
    f = go.Figure(
        [go.Bar(name=t, x=x, y=[round(v / 10000, 2) for v in vals]) for t, vals in by.items()],
        layout=_layout(f"损失金额（万元，按{unit}、类型）", barmode="stack", ytitle="万元"),
    )
    loss = _num(cs.get("totals", {}).get("loss_yuan"))
    figs.append(Figure("fig-loss", "损失金额", _to_json(f), f"损失合计 {loss / 10000:,.2f} 万元。"))

    ages = cs.get("by_age_band", [])
    genders = cs.get("by_gender", [])
    f = go.Figure(
        [go.Bar(name="案件数", x=[a["key"] for a in ages], y=[a["cases"] for a in ages], marker_color=PALETTE[0])],
        layout=_layout("受害人年龄段", ytitle="起"),
    )
    figs.append(
        Figure(
            "fig-age",
            "受害人年龄段",
            _to_json(f),
            "；".join(f"{a['key']}：{a['cases']} 起" for a in ages) or "暂无数据",
            wide=False,
        )
    )
    f = go.Figure(
        [go.Pie(labels=[g["key"] for g in genders], values=[g["cases"] for g in genders], hole=0.4, sort=False)],
        layout={"title": {"text": "受害人性别"}, "colorway": PALETTE},
    )
    figs.append(
        Figure(
            "fig-gender",
            "受害人性别",
            _to_json(f),
            "；".join(f"{g['key']}：{g['cases']} 起" for g in genders) or "暂无数据",
            wide=False,
        )
    )

    wseries = ws.get("series", [])
    wx = [r["period"] for r in wseries]
    f = go.Figure(
        [
            go.Bar(name="预警线索", x=wx, y=[r["leads"] for r in wseries], marker_color="#9fb8d9"),
            go.Scatter(name="已处置", x=wx, y=[r["worked"] for r in wseries], mode="lines+markers"),
            go.Scatter(name="已劝阻", x=wx, y=[r["reached"] for r in wseries], mode="lines+markers"),
            go.Scatter(
                name="避免损失（万元）",
                x=wx,
                y=[round(_num(r["loss_avoided_yuan"]) / 10000, 2) for r in wseries],
                mode="lines+markers",
                yaxis="y2",
                line={"dash": "dot", "color": PALETTE[2]},
            ),
        ],
        layout={
            **_layout(f"预警劝阻与避免损失（按{unit}）", ytitle="条"),
            "yaxis2": {"title": {"text": "万元"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
        },
    )
    wt = ws.get("totals", {})
    figs.append(
        Figure(
            "fig-warnings",
            "预警劝阻",
            _to_json(f),
            f"预警 {wt.get('leads', 0)} 条，已处置 {wt.get('worked', 0)} 条，已劝阻 {wt.get('reached', 0)} 条，"
            f"避免损失 {_num(wt.get('loss_avoided_yuan')):,.2f} 元。",
        )
    )
    return figs
