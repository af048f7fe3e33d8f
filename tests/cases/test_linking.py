"""串并案: direct and second-degree links, clusters; allowlisted indicators never link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fanzha.cases.crud import create_case
from fanzha.cases.linking import clusters, linked_cases
from fanzha.cases.schemas import CaseCreate
from fanzha.db.session import session_scope

T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def _mk(s, no: str, day: int, loss: str, **ind) -> int:
    c = create_case(
        session=s,
        case_in=CaseCreate(
            case_no=no, reported_at=T0 + timedelta(days=day), amount_lost=Decimal(loss), narrative="示例", **ind
        ),
        actor=None,
    )
    return c.id


def test_direct_second_degree_and_clusters(db_url: str) -> None:
    with session_scope(db_url) as s:
        a = _mk(s, "A", 0, "1000", phones=["17000000001"], qq=["900000001"])
        b = _mk(s, "B", 3, "2000.50", qq=["900000001"], bank_cards=["6200000000000000001"])
        c = _mk(s, "C", 10, "300", bank_cards=["6200 0000 0000 0000 001"], urls=["https://demo-x.example/a"])
        d = _mk(s, "D", 12, "50", urls=["https://DEMO-X.example/a"])
        e = _mk(s, "E", 1, "7", phones=["17000000009"])  # alone
        # two cases that only share an official number: NOT linked
        f = _mk(s, "F", 2, "10", phones=["96110", "17000000010"])
        g = _mk(s, "G", 2, "10", phones=["96110"])
        # a second, smaller cluster
        h = _mk(s, "H", 20, "5", wechat=["demo_wx_1"])
        i = _mk(s, "I", 21, "5", wechat=["Demo_WX_1"])

    with session_scope(db_url) as s:
        ra = linked_cases(s, a)
        assert [x.case_id for x in ra.direct] == [b]
        assert [(sh.kind, sh.value) for sh in ra.direct[0].shared] == [("qq", "900000001")]
        assert [x.case_id for x in ra.second_degree] == [c]
        assert ra.second_degree[0].via_case_ids == (b,)
        assert ra.second_degree[0].shared[0].kind == "bank_card"
        assert d not in ra.all_case_ids  # third degree is not reported
        rb = linked_cases(s, b)
        assert {x.case_id for x in rb.direct} == {a, c} and {x.case_id for x in rb.second_degree} == {d}
        assert linked_cases(s, b, depth=1).second_degree == ()
        assert linked_cases(s, e).direct == ()
        assert linked_cases(s, f).direct == () and linked_cases(s, g).direct == ()

        cl = clusters(s)
        assert [x.case_ids for x in cl] == [tuple(sorted((a, b, c, d))), tuple(sorted((h, i)))]
        big = cl[0]
        assert big.case_count == 4 and big.total_loss_fen == 100_000 + 200_050 + 30_000 + 5_000
        assert big.first_reported_at == T0 and big.last_reported_at == T0 + timedelta(days=12)
        assert round(big.span_days) == 12
        assert {sh.kind for sh in big.indicators} == {"qq", "bank_card", "url"}
        assert clusters(s, min_cases=3) == [big]
        # a time window cuts the chain: only cases reported from day 3 on
        later = clusters(s, since=T0 + timedelta(days=3))
        assert [x.case_ids for x in later][0] == tuple(sorted((b, c, d)))


def test_links_api_and_clusters_api(client, auth_headers) -> None:
    desk = auth_headers("desk_officer")
    ids = []
    for n in range(3):
        r = client.post(
            "/api/v1/cases", json={"case_no": f"L{n}", "amount_lost": "100", "phones": ["17000000123"]}, headers=desk
        )
        assert r.status_code == 201
        ids.append(r.json()["id"])
        assert len(r.json()["linked_cases"]["direct"]) == n  # shows its links at once
    cl = client.get("/api/v1/cases/clusters", headers=auth_headers("analyst")).json()
    assert cl[0]["case_count"] == 3 and cl[0]["total_loss"] == "300.00"
    assert client.get("/api/v1/cases/999/links", headers=desk).status_code == 404
