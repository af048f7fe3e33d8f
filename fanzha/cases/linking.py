"""串并案: cases linked through shared indicators (phone, account, URL, QQ, WeChat, app ...).

- ``linked_cases(session, case_id, depth=2)``: direct links (cases sharing an indicator with the case) and
  second-degree links (sharing one with a directly linked case), each with the indicators in common.
  Two index lookups: the case's own links come from the primary key (case_id, indicator_id); the other cases
  holding those indicators from ``ix_case_indicators_indicator_id`` (indicator_id, case_id) — an index-only scan.
- ``clusters(session, min_cases=2)``: connected groups of cases (any chain of shared indicators) with case count,
  total loss and time span, computed in the database: the links of indicators that at least two cases share go to
  a temporary table, min-label propagation finds the components, GROUP BY ranks them; only the clusters returned
  reach Python.

Allowlisted indicators (official numbers and domains such as 96110 or a bank's hotline) never link cases.
See docs/linking.md for the plans and the benchmark.
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from fanzha.db.base import UTCDateTime
from fanzha.db.models import Case, CaseIndicator, Indicator

MAX_LINK_ROWS = 5000  # per degree; hub indicators (thousands of cases) are truncated, flagged in the result
MAX_DIRECT_FOR_SECOND = 1000


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


_tmp_counter = itertools.count()


def _temp_tables(suffix: str) -> tuple[MetaData, Table, Table, Table]:
    md = MetaData()
    links = Table(
        f"tmp_cl_links_{suffix}",
        md,
        Column("case_id", Integer, nullable=False),
        Column("indicator_id", Integer, nullable=False),
        Index(f"ix_tmp_cl_links_case_{suffix}", "case_id", "indicator_id"),
        Index(f"ix_tmp_cl_links_ind_{suffix}", "indicator_id", "case_id"),
        prefixes=["TEMPORARY"],
    )
    labels = Table(
        f"tmp_cl_labels_{suffix}",
        md,
        Column("case_id", Integer, primary_key=True),
        Column("label", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )
    ind_min = Table(
        f"tmp_cl_ind_{suffix}",
        md,
        Column("indicator_id", Integer, primary_key=True),
        Column("m", Integer, nullable=False),
        prefixes=["TEMPORARY"],
    )
    return md, links, labels, ind_min


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

    Runs in the database (temporary tables, min-label propagation): only the ``limit`` clusters returned are read
    into Python, so memory does not grow with the number of cases.
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
    md, links, labels, ind_min = _temp_tables(f"{os.getpid()}_{next(_tmp_counter)}")
    conn = session.connection()
    md.create_all(conn)
    try:
        conn.execute(
            insert(links).from_select(
                ["case_id", "indicator_id"],
                select(CaseIndicator.case_id, CaseIndicator.indicator_id)
                .join(Case, Case.id == CaseIndicator.case_id)
                .where(CaseIndicator.indicator_id.in_(shared_ids), *window),
            )
        )
        # every case starts with the smallest case id among those sharing one of its indicators
        conn.execute(
            insert(ind_min).from_select(
                ["indicator_id", "m"],
                select(links.c.indicator_id, func.min(links.c.case_id)).group_by(links.c.indicator_id),
            )
        )
        conn.execute(
            insert(labels).from_select(
                ["case_id", "label"],
                select(links.c.case_id, func.min(ind_min.c.m))
                .join(ind_min, ind_min.c.indicator_id == links.c.indicator_id)
                .group_by(links.c.case_id),
            )
        )
        # propagate the smallest label over indicator -> cases until nothing changes (about log(diameter) rounds)
        best = (
            select(func.min(ind_min.c.m))
            .select_from(links)
            .join(ind_min, ind_min.c.indicator_id == links.c.indicator_id)
            .where(links.c.case_id == labels.c.case_id)
            .scalar_subquery()
        )
        while True:
            conn.execute(delete(ind_min))
            conn.execute(
                insert(ind_min).from_select(
                    ["indicator_id", "m"],
                    select(links.c.indicator_id, func.min(labels.c.label))
                    .join(labels, labels.c.case_id == links.c.case_id)
                    .group_by(links.c.indicator_id),
                )
            )
            changed = conn.execute(update(labels).where(labels.c.label > best).values(label=best)).rowcount
            if not changed:
                break

        n_cases = func.count()
        loss = func.coalesce(func.sum(Case.amount_lost_fen), 0)
        ranked = conn.execute(
            select(labels.c.label, n_cases, loss, func.min(Case.reported_at), func.max(Case.reported_at))
            .join(Case, Case.id == labels.c.case_id)
            .group_by(labels.c.label)
            .having(n_cases >= max(1, min_cases))
            .order_by(n_cases.desc(), loss.desc(), labels.c.label)
            .limit(max(0, limit))
        ).all()
        chosen = [int(r[0]) for r in ranked]
        members: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
        top_inds: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i in range(0, len(chosen), 500):
            chunk = chosen[i : i + 500]
            for label, cid, typ in conn.execute(
                select(labels.c.label, labels.c.case_id, Case.typology)
                .join(Case, Case.id == labels.c.case_id)
                .where(labels.c.label.in_(chunk))
            ):
                members[int(label)].append((int(cid), typ))
            for label, iid, cnt in conn.execute(
                select(labels.c.label, links.c.indicator_id, func.count())
                .join(links, links.c.case_id == labels.c.case_id)
                .where(labels.c.label.in_(chunk))
                .group_by(labels.c.label, links.c.indicator_id)
            ):
                top_inds[int(label)].append((-int(cnt), int(iid)))
    finally:
        md.drop_all(conn)

    wanted = {label: [iid for _, iid in sorted(v)[:20]] for label, v in top_inds.items()}
    inds = _indicator_meta(session, {iid for v in wanted.values() for iid in v})
    out: list[Cluster] = []
    for label, _n, total, first, last in ranked:
        mem = sorted(members[int(label)])
        counts: dict[str, int] = defaultdict(int)
        for _cid, typ in mem:
            counts[typ or "未分类"] += 1
        out.append(
            Cluster(
                case_ids=tuple(cid for cid, _ in mem),
                total_loss_fen=int(total or 0),
                first_reported_at=first,
                last_reported_at=last,
                indicators=tuple(inds[i] for i in wanted.get(int(label), []) if i in inds),
                typologies=dict(counts),
            )
        )
    return out
