"""clusters() (computed in the database) equals a plain Python reference on a generated dataset."""

from __future__ import annotations

import random
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from fanzha.cases.linking import Cluster, clusters
from fanzha.db.models import Case, CaseIndicator, Indicator
from fanzha.db.session import session_scope

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _generate(url: str, seed: int = 7, n_cases: int = 400) -> None:
    """Cases with 1-4 links each: to gang indicators (shared by many), to a pool (sometimes shared by 2-3), to
    chains (case i and i+1 share one: long paths), and to an allowlisted hotline that must never link."""
    rng = random.Random(seed)
    n_pool, n_gang, n_chain = 3 * n_cases, n_cases // 25, 30
    inds = [
        {"id": i + 1, "kind": "phone", "value": f"1700{i:07d}", "status": "suspected"}
        for i in range(n_pool + n_gang + n_chain)
    ]
    hotline = len(inds) + 1
    inds.append({"id": hotline, "kind": "phone", "value": "96110", "status": "allowlisted"})
    typologies = [None, "刷单返利类", "虚假网络投资理财类", "冒充公检法及政府机关类"]
    cases = [
        {
            "id": c,
            "case_no": f"GEN-{c}",
            "reported_at": T0 + timedelta(hours=rng.randrange(24 * 120)),
            "amount_lost_fen": rng.choice((0, 100, 5_000_00, rng.randrange(10**8))),
            "amount_recovered_fen": 0,
            "status": "open",
            "narrative": "",
            "typology": rng.choice(typologies),
            "suspects_identified": 0,
            "version_id": 1,
        }
        for c in range(1, n_cases + 1)
    ]
    links: set[tuple[int, int]] = set()
    for c in range(1, n_cases + 1):
        for _ in range(rng.randint(1, 3)):
            links.add((c, rng.randrange(1, n_pool + 1)))
        if rng.random() < 0.3:
            links.add((c, n_pool + rng.randrange(1, n_gang + 1)))
        if rng.random() < 0.1:
            links.add((c, hotline))
    # a chain of 31 cases: each shares one indicator with the next (the propagation needs many rounds)
    chain_cases = rng.sample(range(1, n_cases + 1), n_chain + 1)
    for k in range(n_chain):
        links.add((chain_cases[k], n_pool + n_gang + k + 1))
        links.add((chain_cases[k + 1], n_pool + n_gang + k + 1))
    with session_scope(url) as s:
        s.execute(insert(Indicator), inds)
        s.execute(insert(Case), cases)
        s.execute(insert(CaseIndicator), [{"case_id": c, "indicator_id": i, "role": None} for c, i in sorted(links)])


def _reference(url: str, *, min_cases: int, limit: int, since: datetime | None, until: datetime | None) -> list:
    """Breadth-first search over every link, in Python: the obvious definition."""
    with session_scope(url) as s:
        cases = {c.id: c for c in s.scalars(select(Case))}
        status = dict(s.execute(select(Indicator.id, Indicator.status)).all())
        links = s.execute(select(CaseIndicator.case_id, CaseIndicator.indicator_id)).tuples().all()

    def inside(cid: int) -> bool:
        rep = cases[cid].reported_at
        return (since is None or rep >= since) and (until is None or rep < until)

    by_ind: dict[int, set[int]] = defaultdict(set)
    for cid, iid in links:
        if status[iid] != "allowlisted" and inside(cid):
            by_ind[iid].add(cid)
    shared = {iid: cs for iid, cs in by_ind.items() if len(cs) >= 2}
    by_case: dict[int, set[int]] = defaultdict(set)
    for iid, cs in shared.items():
        for cid in cs:
            by_case[cid].add(iid)
    seen: set[int] = set()
    groups = []
    for start in sorted(by_case):
        if start in seen:
            continue
        comp, q = set(), deque([start])
        seen.add(start)
        while q:
            c = q.popleft()
            comp.add(c)
            for iid in by_case[c]:
                for o in shared[iid]:
                    if o not in seen:
                        seen.add(o)
                        q.append(o)
        groups.append(sorted(comp))
    groups = [g for g in groups if len(g) >= min_cases]
    groups.sort(key=lambda g: (-len(g), -sum(cases[c].amount_lost_fen for c in g), g[0]))
    out = []
    for g in groups[:limit]:
        gi = {iid for c in g for iid in by_case[c]}
        top = sorted(gi, key=lambda i: (-len(shared[i]), i))[:20]
        typ: dict[str, int] = defaultdict(int)
        for c in g:
            typ[cases[c].typology or "未分类"] += 1
        out.append(
            (
                tuple(g),
                sum(cases[c].amount_lost_fen for c in g),
                min(cases[c].reported_at for c in g),
                max(cases[c].reported_at for c in g),
                tuple(top),
                dict(typ),
            )
        )
    return out


def _as_tuple(c: Cluster) -> tuple:
    return (
        c.case_ids,
        c.total_loss_fen,
        c.first_reported_at,
        c.last_reported_at,
        tuple(i.indicator_id for i in c.indicators),
        c.typologies,
    )


def test_clusters_equal_the_reference(db_url: str) -> None:
    _generate(db_url)
    params = [
        {"min_cases": 2, "limit": 50, "since": None, "until": None},
        {"min_cases": 2, "limit": 1000, "since": None, "until": None},
        {"min_cases": 3, "limit": 7, "since": None, "until": None},
        {"min_cases": 2, "limit": 100, "since": T0 + timedelta(days=30), "until": T0 + timedelta(days=90)},
        {"min_cases": 1, "limit": 5, "since": T0 + timedelta(days=100), "until": None},
    ]
    for p in params:
        ref = _reference(db_url, **p)
        with session_scope(db_url) as s:
            got = [_as_tuple(c) for c in clusters(s, **p)]
        assert got == ref, p
        assert ref, p  # the dataset has clusters in every window tried
    # the chain of 31 cases ends up in one cluster, the allowlisted hotline links nothing
    with session_scope(db_url) as s:
        everything = clusters(s, limit=10_000)
        assert all(i.value != "96110" for c in everything for i in c.indicators)
        assert max(c.case_count for c in everything) >= 31
        assert clusters(s, min_cases=10_000) == []
