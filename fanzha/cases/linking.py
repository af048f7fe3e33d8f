"""串并案: cases linked through shared indicators (phone, account, URL, QQ, WeChat, app ...).

- ``linked_cases(session, case_id, depth=2)``: direct links (cases sharing an indicator with the case) and
  second-degree links (sharing one with a directly linked case), each with the indicators in common.
  Two index lookups: the case's own links come from the primary key (case_id, indicator_id); the other cases
  holding those indicators from ``ix_case_indicators_indicator_id`` (indicator_id, case_id) — an index-only scan.
- ``clusters(session, min_cases=2)``: connected groups of cases (any chain of shared indicators) with case count,
  total loss and time span. SQL selects only the links of indicators that at least two cases share (GROUP BY on the
  indicator_id index); they stream into compact numpy arrays and scipy's connected_components finds the groups
  (no Python object per case or link); only the clusters returned are looked up further.

Allowlisted indicators (official numbers and domains such as 96110 or a bank's hotline) never link cases.
See docs/linking.md for the plans and the benchmark.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.orm import Session, aliased

from fanzha.db.base import UTCDateTime
from fanzha.db.models import Case, CaseIndicator, Indicator

MAX_LINK_ROWS = 5000  # per degree; hub indicators (thousands of cases) are truncated, flagged in the result
MAX_DIRECT_FOR_SECOND = 1000
_PARTITION = 50_000  # link rows converted to numpy at a time


@dataclass(frozen=True)
class Shared:
    indicator_id: int
    kind: str
    value: str


@dataclass(frozen=True)
class Link:
    case_id: int
    case_no: str
    degree: int
    shared: tuple[Shared, ...]
    via_case_ids: tuple[int, ...] = ()
    typology: str | None = None
    reported_at: datetime | None = None
    amount_lost_fen: int = 0


@dataclass(frozen=True)
class LinkResult:
    case_id: int
    direct: tuple[Link, ...]
    second_degree: tuple[Link, ...]
    truncated: bool = False

    @property
    def all_case_ids(self) -> set[int]:
        return {link.case_id for link in self.direct} | {link.case_id for link in self.second_degree}


@dataclass(frozen=True)
class Cluster:
    case_ids: tuple[int, ...]
    total_loss_fen: int
    first_reported_at: datetime
    last_reported_at: datetime
    indicators: tuple[Shared, ...]
    typologies: dict[str, int] = field(default_factory=dict)

    @property
    def case_count(self) -> int:
        return len(self.case_ids)

    @property
    def span_days(self) -> float:
        return (self.last_reported_at - self.first_reported_at).total_seconds() / 86400


def direct_links_stmt(case_id: int, limit: int = MAX_LINK_ROWS) -> Select[int, int, str, str]:
    """(case_id, indicator_id, kind, value) of the other cases sharing an indicator with ``case_id``."""
    mine, other = aliased(CaseIndicator), aliased(CaseIndicator)
    return (
        select(other.case_id, other.indicator_id, Indicator.kind, Indicator.value)
        .select_from(mine)
        .join(other, other.indicator_id == mine.indicator_id)
        .join(Indicator, Indicator.id == mine.indicator_id)
        .where(mine.case_id == case_id, other.case_id != case_id, Indicator.status != "allowlisted")
        .limit(limit)
    )


def second_links_stmt(
    case_id: int, direct_ids: list[int], limit: int = MAX_LINK_ROWS
) -> Select[int, int, int, str, str]:
    """(case_id, via_case_id, indicator_id, kind, value) of cases sharing an indicator with a direct link."""
    mid, far = aliased(CaseIndicator), aliased(CaseIndicator)
    exclude = [*direct_ids, case_id]
    return (
        select(far.case_id, mid.case_id, far.indicator_id, Indicator.kind, Indicator.value)
        .select_from(mid)
        .join(far, far.indicator_id == mid.indicator_id)
        .join(Indicator, Indicator.id == mid.indicator_id)
        .where(
            mid.case_id.in_(bindparam("direct", direct_ids, expanding=True)),
            far.case_id.not_in(bindparam("exclude", exclude, expanding=True)),
            Indicator.status != "allowlisted",
        )
        .limit(limit)
    )


def linked_cases(session: Session, case_id: int, *, depth: int = 2) -> LinkResult:
    """Direct (and, with depth >= 2, second-degree) links of ``case_id`` with the shared indicators."""
    truncated = False
    rows = session.execute(direct_links_stmt(case_id, MAX_LINK_ROWS + 1)).all()
    if len(rows) > MAX_LINK_ROWS:
        truncated, rows = True, rows[:MAX_LINK_ROWS]
    inds: dict[int, Shared] = {}
    direct_shared: dict[int, set[int]] = defaultdict(set)
    for cid, iid, kind, value in rows:
        direct_shared[cid].add(iid)
        inds[iid] = Shared(iid, kind, value)

    second_shared: dict[int, set[int]] = defaultdict(set)
    second_via: dict[int, set[int]] = defaultdict(set)
    if depth >= 2 and direct_shared:
        direct_ids = sorted(direct_shared)
        if len(direct_ids) > MAX_DIRECT_FOR_SECOND:
            truncated, direct_ids = True, direct_ids[:MAX_DIRECT_FOR_SECOND]
        rows2 = session.execute(second_links_stmt(case_id, direct_ids, MAX_LINK_ROWS + 1)).all()
        if len(rows2) > MAX_LINK_ROWS:
            truncated, rows2 = True, rows2[:MAX_LINK_ROWS]
        for cid, via, iid, kind, value in rows2:
            second_shared[cid].add(iid)
            second_via[cid].add(via)
            inds[iid] = Shared(iid, kind, value)

    cases = _case_meta(session, set(direct_shared) | set(second_shared))

    def build(cid: int, iids: set[int], degree: int, via: set[int]) -> Link:
        no, typ, rep, loss = cases.get(cid, ("", None, None, 0))
        shared = tuple(sorted((inds[i] for i in iids if i in inds), key=lambda s: (s.kind, s.value)))
        return Link(cid, no, degree, shared, tuple(sorted(via)), typ, rep, loss)

    def order(link: Link) -> tuple[int, float]:
        return (-len(link.shared), -(link.reported_at.timestamp() if link.reported_at else 0.0))

    direct = sorted((build(c, s, 1, set()) for c, s in direct_shared.items()), key=order)
    second = sorted((build(c, s, 2, second_via[c]) for c, s in second_shared.items()), key=order)
    return LinkResult(case_id, tuple(direct), tuple(second), truncated)


def _case_meta(session: Session, ids: set[int]) -> dict[int, tuple[str, str | None, datetime | None, int]]:
    out: dict[int, tuple[str, str | None, datetime | None, int]] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), 1000):
        chunk = id_list[i : i + 1000]
        stmt = select(Case.id, Case.case_no, Case.typology, Case.reported_at, Case.amount_lost_fen).where(
            Case.id.in_(chunk)
        )
        for cid, no, typ, rep, loss in session.execute(stmt):
            out[cid] = (no, typ, rep, int(loss or 0))
    return out


def _indicator_meta(session: Session, ids: set[int]) -> dict[int, Shared]:
    out: dict[int, Shared] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), 1000):
        chunk = id_list[i : i + 1000]
        for iid, kind, value in session.execute(
            select(Indicator.id, Indicator.kind, Indicator.value).where(Indicator.id.in_(chunk))
        ):
            out[iid] = Shared(iid, kind, value)
    return out


def clusters(
    session: Session,
    *,
    min_cases: int = 2,
    limit: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Cluster]:
    """Groups of cases connected by chains of shared indicators, largest first (ties: larger loss first, then the
    group's smallest case id). A cluster's indicators: at most 20, most-shared first (ties: lowest id).

    SQL returns only the links of indicators that at least two cases share (with each case's loss), streamed in
    partitions into compact numpy arrays (24 bytes a link, no Python object per row); the components come from
    scipy's connected_components on the case–indicator graph (C speed) and are ranked with numpy. Only the
    ``limit`` clusters returned are looked up further (dates, typologies, indicator values).
    """
    ci = aliased(CaseIndicator)
    window = []
    if since is not None:
        window.append(Case.reported_at >= literal(since, UTCDateTime()))
    if until is not None:
        window.append(Case.reported_at < literal(until, UTCDateTime()))
    shared_ids = (
        select(ci.indicator_id)
        .join(Indicator, Indicator.id == ci.indicator_id)
        .join(Case, Case.id == ci.case_id)
        .where(Indicator.status != "allowlisted", *window)
        .group_by(ci.indicator_id)
        .having(func.count() >= 2)
    )
    edges_stmt = (
        select(CaseIndicator.case_id, CaseIndicator.indicator_id, Case.amount_lost_fen)
        .join(Case, Case.id == CaseIndicator.case_id)
        .where(CaseIndicator.indicator_id.in_(shared_ids), *window)
        .execution_options(yield_per=_PARTITION)
    )
    conn = session.connection()  # Core rows, no ORM loading layer
    parts = [
        np.array([(c, i, loss or 0) for c, i, loss in part], dtype=np.int64).reshape(-1, 3)
        for part in conn.execute(edges_stmt).partitions(_PARTITION)
    ]
    if not parts or limit <= 0:
        return []
    edges = np.concatenate(parts)
    del parts
    case_u, case_idx = np.unique(edges[:, 0], return_inverse=True)
    ind_u, ind_idx = np.unique(edges[:, 1], return_inverse=True)
    nc, ni = len(case_u), len(ind_u)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (case_idx, nc + ind_idx)), shape=(nc + ni, nc + ni)).tocsr()
    _n, comp = connected_components(graph, directed=False)
    case_comp, ind_comp = comp[:nc], comp[nc:]
    case_loss = np.zeros(nc, dtype=np.int64)
    case_loss[case_idx] = edges[:, 2]
    n_comp = int(comp.max()) + 1
    size = np.bincount(case_comp, minlength=n_comp)
    loss = np.zeros(n_comp, dtype=np.int64)
    np.add.at(loss, case_comp, case_loss)
    first_id = np.full(n_comp, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_id, case_comp, case_u)
    keep = np.nonzero(size >= max(1, min_cases))[0]
    order = keep[np.lexsort((first_id[keep], -loss[keep], -size[keep]))][:limit]
    ind_cases = np.bincount(ind_idx, minlength=ni)

    chosen: list[tuple[list[int], int, list[int]]] = []
    for k in order:
        in_k = case_u[case_comp == k]
        inds = np.nonzero(ind_comp == k)[0]
        best = inds[np.lexsort((ind_u[inds], -ind_cases[inds]))][:20]
        chosen.append(([int(x) for x in in_k], int(loss[k]), [int(ind_u[j]) for j in best]))
    del edges, graph
    wanted = {cid for members, _, _ in chosen for cid in members}
    if len(wanted) <= 5000:
        meta = _case_meta(session, wanted)
    else:  # one pass over the cases of the shared links beats thousands of IN (...) look-ups
        meta = {}
        cases_stmt = select(Case.id, Case.case_no, Case.typology, Case.reported_at).where(
            Case.id.in_(select(CaseIndicator.case_id).where(CaseIndicator.indicator_id.in_(shared_ids))), *window
        )
        for cid, no, typ, rep in conn.execute(cases_stmt.execution_options(yield_per=_PARTITION)):
            if cid in wanted:
                meta[cid] = (no, typ, rep, 0)
    inds_meta = _indicator_meta(session, {iid for _, _, top in chosen for iid in top})
    out: list[Cluster] = []
    for members, total, top in chosen:
        times = [meta[c][2] for c in members]
        counts: dict[str, int] = defaultdict(int)
        for c in members:
            counts[meta[c][1] or "未分类"] += 1
        out.append(
            Cluster(
                case_ids=tuple(members),
                total_loss_fen=total,
                first_reported_at=min(t for t in times if t is not None),
                last_reported_at=max(t for t in times if t is not None),
                indicators=tuple(inds_meta[i] for i in top if i in inds_meta),
                typologies=dict(counts),
            )
        )
    return out
