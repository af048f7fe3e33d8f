"""A server-side SVG drawing of linked cases (串并案): cases as nodes, shared indicators as edges. No JS, no CDN.

Layout: the case in view at the centre, directly linked cases on an inner ring, second-degree cases on an outer ring
next to the case that links them. Every node is a link to its case page and has a <title> for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 820, 700
R_INNER, R_OUTER = 190, 310
NODE_R = 32


@dataclass(frozen=True)
class Node:
    id: int
    label: str  # case number
    sub: str = ""  # e.g. typology / amount
    depth: int = 0  # 0 = the case in view, 1 = direct link, 2 = second degree
    href: str | None = None


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    label: str  # the shared indicator(s), e.g. "电话 170****0001"


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def layout(nodes: list[Node], edges: list[Edge]) -> dict[int, tuple[float, float]]:
    cx, cy = WIDTH / 2, HEIGHT / 2
    pos: dict[int, tuple[float, float]] = {}
    centre = [n for n in nodes if n.depth == 0]
    first = [n for n in nodes if n.depth == 1]
    second = [n for n in nodes if n.depth >= 2]
    for n in centre[:1]:
        pos[n.id] = (cx, cy)
    angle: dict[int, float] = {}
    # one or two links: left/right of the centre (labels sit above horizontal lines); more: around from the top
    start = 0.0 if len(first) <= 2 else -math.pi / 2
    for i, n in enumerate(first):
        a = start + 2 * math.pi * i / max(1, len(first))
        angle[n.id] = a
        pos[n.id] = (cx + R_INNER * math.cos(a), cy + R_INNER * math.sin(a))
    # second-degree nodes: grouped by the first-degree node they hang on, spread around its angle
    parent_of: dict[int, int] = {}
    for e in edges:
        for x, y in ((e.a, e.b), (e.b, e.a)):
            if x in angle and y not in angle and y not in parent_of:
                parent_of[y] = x
    groups: dict[int | None, list[Node]] = {}
    for n in second:
        groups.setdefault(parent_of.get(n.id), []).append(n)
    placed = 0
    total = max(1, len(second))
    for parent, members in groups.items():
        base = angle.get(parent, -math.pi / 2 + 2 * math.pi * placed / total) if parent is not None else None
        for j, n in enumerate(members):
            if base is None:
                a = -math.pi / 2 + 2 * math.pi * (placed + j) / total
            else:
                spread = min(0.9, 2 * math.pi / max(len(first), 1) * 0.8)
                a = base + (j - (len(members) - 1) / 2) * (spread / max(1, len(members)))
            pos[n.id] = (cx + R_OUTER * math.cos(a), cy + R_OUTER * math.sin(a))
        placed += len(members)
    for n in nodes:  # anything left (should not happen): stack at the bottom
        pos.setdefault(n.id, (cx, HEIGHT - NODE_R - 4))
    return pos


def render_svg(nodes: list[Node], edges: list[Edge], *, title: str = "串并案关系图") -> Markup:
    pos = layout(nodes, edges)
    ys = [y for _, y in pos.values()] or [HEIGHT / 2]
    pad = NODE_R + 30
    # the full width is kept so that the text keeps one size; only empty rows are cropped
    x0, y0 = 0.0, max(0.0, min(ys) - pad)
    w, h = float(WIDTH), min(float(HEIGHT), max(ys) + pad) - y0
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {w:.0f} {h:.0f}" role="img" '
        f'aria-labelledby="graph-title graph-desc" class="link-graph">',
        f'<title id="graph-title">{escape(title)}</title>',
        f'<desc id="graph-desc">{len(nodes)} 起案件，{len(edges)} 条共同要素连线。圆点是案件，连线上标注共同的涉诈要素。</desc>',
        '<g class="edges" stroke="#5b6470" stroke-width="2">',
    ]
    for e in edges:
        if e.a not in pos or e.b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.a], pos[e.b]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"><title>{escape(e.label)}</title></line>'
            f'<text x="{mx:.1f}" y="{my - 8:.1f}" text-anchor="middle" font-size="11" fill="#333" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{escape(_short(e.label, 16))}</text>'
        )
    parts.append('</g><g class="nodes">')
    colours = {0: ("#a4000f", "#fff"), 1: ("#0b4f9c", "#fff"), 2: ("#dbe6f5", "#0b2f5c")}
    for n in nodes:
        x, y = pos[n.id]
        fill, fg = colours.get(min(n.depth, 2), colours[2])
        node = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE_R}" fill="{fill}" stroke="#0b2f5c" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" font-weight="700" fill="{fg}">'
            f"{escape(n.label[-6:])}</text>"
            f'<text x="{x:.1f}" y="{y + NODE_R + 14:.1f}" text-anchor="middle" font-size="11" fill="#222">'
            f"{escape(_short(n.sub, 14))}</text>"
        )
        tip = f"<title>{escape(n.label)} {escape(n.sub)}</title>"
        if n.href:
            parts.append(f'<a href="{escape(n.href)}" class="node" data-case-id="{n.id}">{tip}{node}</a>')
        else:
            parts.append(f'<g class="node" data-case-id="{n.id}">{tip}{node}</g>')
    parts.append("</g></svg>")
    return Markup("".join(parts))  # every piece of text above is escaped
