"""Mark evidence spans in the ORIGINAL text with ``<mark title="why">``, escaping everything else.

Spans may overlap or nest: overlapping spans are merged into one mark whose title lists every reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    why: str
    css: str = ""  # an extra class, e.g. the kind of element ("amount", "phone")


def merge_spans(spans: Iterable[Span], length: int) -> list[tuple[int, int, list[str], list[str]]]:
    """Clip spans to [0, length), drop empty ones, merge overlaps -> (start, end, reasons, classes), sorted."""
    clean = sorted(
        (max(0, s.start), min(length, s.end), s.why, s.css) for s in spans if min(length, s.end) > max(0, s.start)
    )
    merged: list[tuple[int, int, list[str], list[str]]] = []
    for start, end, why, css in clean:
        if merged and start < merged[-1][1]:
            ms, me, reasons, classes = merged[-1]
            if why and why not in reasons:
                reasons.append(why)
            if css and css not in classes:
                classes.append(css)
            merged[-1] = (ms, max(me, end), reasons, classes)
        else:
            merged.append((start, end, [why] if why else [], [css] if css else []))
    return merged


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """HTML of ``text`` with each (merged) span wrapped in ``<mark title="...">``; line breaks kept by CSS."""
    out: list[str] = []
    pos = 0
    for start, end, reasons, classes in merge_spans(spans, len(text)):
        out.append(str(escape(text[pos:start])))
        title = "；".join(reasons)
        cls = f' class="{escape(" ".join(classes))}"' if classes else ""
        out.append(f'<mark title="{escape(title)}"{cls}>{escape(text[start:end])}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))  # every piece above is escaped


def spans_from_evidence(evidence: Iterable[object]) -> list[Span]:
    """Spans of ``fanzha.domain.Evidence`` objects (those without a span are skipped)."""
    spans: list[Span] = []
    for ev in evidence:
        span = getattr(ev, "span", None)
        if span and len(span) == 2:
            spans.append(Span(int(span[0]), int(span[1]), str(getattr(ev, "why", "") or ""), "ev"))
    return spans
