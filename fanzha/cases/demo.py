"""Clearly synthetic demo data for development and the README's ``./run.sh`` (never for production).

Everything is invented here from templates: names start with 演示, narratives with 【示例】, phone numbers come
from test-looking ranges (170 0000 xxxx, 199 0000 xxxx), bank cards start 6200 0000, URLs use the reserved
``.example`` top-level domain. About 200 cases over the last 6 months across typologies, channels and age bands;
gangs re-use indicators so linked cases and clusters exist; transfers. Cases, victims, transfers, register entries
and links are written in bulk (one INSERT per table).

120 warning leads (bank escalations, citizen reports, operator imports, screening hits, officers' own) are created
with ``fanzha.cases.warnings.create_lead(now=created)`` and worked with ``record_action(now=...)``, so grades, due
times, statuses and closing follow the real rules: about 75 % closed with every outcome (losses avoided on the
reached / fraud-confirmed ones, cases linked to money_sent), the rest new or in progress, some of them overdue.
Totals look like a county's: 100+ leads, several hundred thousand yuan avoided, a few dozen suspects identified.

``ensure_demo_data(url)`` is idempotent and runs in one transaction: it seeds only an empty database and does nothing
once demo data exists (nor on a database holding real cases). Seeding takes about 1.5 s on SQLite, 3 s on PostgreSQL.
"""

from __future__ import annotations

import logging
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from fanzha.api.security import hash_password
from fanzha.cases.crud import _transfer_refs
from fanzha.cases.register import is_allowlisted, normalize
from fanzha.cases.schemas import CaseCreate, IndicatorRef, TransferIn, VictimIn, yuan_to_fen
from fanzha.cases.warning_schemas import ActionCreate, LeadCreate
from fanzha.cases.warnings import create_lead, record_action
from fanzha.db.models import AuditLog, Case, CaseIndicator, Indicator, Transfer, User, Victim, Warning
from fanzha.db.session import session_scope, upgrade
from fanzha.domain import Typology

log = logging.getLogger(__name__)

DEMO_CASE_PREFIX = "DEMO-"
N_CASES = 200
SEED = 20240601


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    display_name: str


DEMO_USERS = (
    DemoUser("admin", "admin123", "admin", "演示管理员"),
    DemoUser("desk", "desk123", "desk_officer", "演示接警民警"),
    DemoUser("warn", "warn123", "warning_officer", "演示预警劝阻员"),
    DemoUser("bank", "bank123", "bank_teller", "演示银行柜员"),
    DemoUser("analyst", "analyst123", "analyst", "演示研判分析员"),
)

# (typology, channels, amount range in yuan, weight, subtype, narrative template)
_SPECS: list[tuple[Typology, tuple[str, ...], tuple[int, int], int, str, str]] = [
    (
        Typology.SHUADAN,
        ("QQ", "微信", "短信"),
        (800, 60000),
        22,
        "刷单做任务",
        "【示例】受害人在{channel}上被拉进“兼职做任务”群，先做小额点赞任务拿到返利，随后被要求垫付“连单”，"
        "按对方指示向对方账户转账共{amount}元后无法提现，对方以“操作失误需解冻”为由继续要钱。",
    ),
    (
        Typology.INVESTMENT,
        ("微信", "抖音", "网站"),
        (5000, 500000),
        18,
        "虚假投资平台",
        "【示例】受害人通过{channel}结识自称“投资导师”的人，被引导下载所谓投资APP，"
        "前期小额盈利可提现，后追加投入共{amount}元，平台显示盈利但提示缴纳“保证金”才能出金，随后平台无法登录。",
    ),
    (
        Typology.LOAN,
        ("电话", "短信", "APP"),
        (1000, 30000),
        12,
        "无抵押快速贷款",
        "【示例】受害人收到{channel}推广“无抵押低息快速放款”，在对方提供的链接注册后被告知银行卡号填错、"
        "账户被冻结，需缴纳“解冻金”“流水证明”，先后转账{amount}元，贷款始终未到账。",
    ),
    (
        Typology.CREDIT,
        ("电话",),
        (3000, 80000),
        8,
        "注销校园贷",
        "【示例】受害人接到自称“金融平台客服”的{channel}，称其大学期间开通过校园贷账户，不注销将影响征信，"
        "要求在多个贷款平台借款后转入“安全账户”验证，共转账{amount}元。",
    ),
    (
        Typology.ECOMMERCE_CS,
        ("电话", "短信"),
        (500, 50000),
        14,
        "快递丢件理赔",
        "【示例】受害人接到自称某电商平台客服的{channel}，称其购买的商品快递丢失需要理赔，"
        "引导其打开仿冒网站填写银行卡信息和验证码，随后银行卡被转走{amount}元。",
    ),
    (
        Typology.SHOPPING,
        ("微信", "QQ", "二手平台"),
        (200, 8000),
        8,
        "低价购物",
        "【示例】受害人在{channel}看到低价出售的手机，对方要求脱离平台私下交易，受害人付款{amount}元后对方失联。",
    ),
    (
        Typology.POLICE,
        ("电话",),
        (10000, 900000),
        8,
        "冒充公安安全账户",
        "【示例】受害人接到自称“通信管理局”的{channel}称其名下号码涉嫌违法，随后被转接给自称“公安局民警”的人，"
        "称其涉嫌洗钱需配合调查、不得告知家人，要求将资金转入“安全账户”核查，共转账{amount}元。",
    ),
    (
        Typology.LEADER,
        ("QQ", "微信"),
        (5000, 200000),
        6,
        "冒充领导借钱",
        "【示例】受害人被拉入一个{channel}群，群内有人冒充单位领导，称有急事需要向合作方打款，"
        "要求受害人先行垫付，受害人向对方提供的账户转账{amount}元。",
    ),
    (
        Typology.GAME,
        ("QQ", "游戏平台"),
        (100, 6000),
        5,
        "游戏装备交易",
        "【示例】受害人在{channel}出售游戏账号，买家发来仿冒交易平台链接，称账户被冻结需缴纳保证金，"
        "受害人转账{amount}元。",
    ),
    (
        Typology.ROMANCE,
        ("婚恋网站", "微信"),
        (20000, 600000),
        6,
        "网恋后诱导投资",
        "【示例】受害人在{channel}认识自称“海外工作”的异性，交往一段时间后对方介绍“内部博彩/投资漏洞”，"
        "受害人陆续投入{amount}元后对方失联。",
    ),
    (
        Typology.MILITARY,
        ("电话", "微信"),
        (2000, 40000),
        3,
        "冒充部队采购",
        "【示例】受害人经营的商店接到自称部队采购人员的{channel}，要求代购指定物资并先垫付给“指定供应商”，"
        "受害人转账{amount}元后对方失联。",
    ),
]

_AGE_BANDS = ("<18", "18-25", "26-35", "36-45", "46-55", "56-65", "65+")
_AGE_WEIGHTS = {
    Typology.SHUADAN: (2, 30, 35, 18, 10, 4, 1),
    Typology.INVESTMENT: (0, 10, 30, 30, 20, 8, 2),
    Typology.LOAN: (0, 30, 40, 20, 8, 2, 0),
    Typology.CREDIT: (0, 45, 45, 8, 2, 0, 0),
    Typology.ECOMMERCE_CS: (2, 25, 30, 20, 13, 7, 3),
    Typology.SHOPPING: (10, 40, 25, 15, 7, 3, 0),
    Typology.POLICE: (0, 8, 15, 20, 25, 20, 12),
    Typology.LEADER: (0, 10, 30, 35, 20, 5, 0),
    Typology.GAME: (50, 35, 10, 5, 0, 0, 0),
    Typology.ROMANCE: (0, 10, 30, 30, 20, 8, 2),
    Typology.MILITARY: (0, 5, 20, 35, 30, 10, 0),
}
_OCCUPATIONS = ("学生", "企业职员", "个体经营者", "退休人员", "自由职业", "教师", "务农", "无业", "公司财务")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
_BANKS = ("演示银行", "示例商业银行", "演示农商行", "示例城商行")


def _phone(rng: random.Random) -> str:
    return rng.choice(("1700000", "1990000")) + f"{rng.randrange(10_000):04d}"


def _card(rng: random.Random) -> str:
    return "62000000" + f"{rng.randrange(10**11):011d}"


def _gang_pool(rng: random.Random, i: int) -> list[IndicatorRef]:
    pool = [
        IndicatorRef(kind="phone", value=_phone(rng), role="fraudster_phone"),
        IndicatorRef(kind="bank_card", value=_card(rng), role="payee_account"),
    ]
    if rng.random() < 0.6:
        pool.append(IndicatorRef(kind="qq", value=str(rng.randrange(100_000_000, 999_999_999)), role="fraudster_qq"))
    if rng.random() < 0.5:
        pool.append(
            IndicatorRef(kind="url", value=f"https://demo-gang{i}-{rng.randrange(1000)}.example/login", role="url")
        )
    if rng.random() < 0.3:
        pool.append(IndicatorRef(kind="wechat", value=f"demo_wx_{i}_{rng.randrange(1000)}", role="fraudster_wechat"))
    return pool


def _demo_cases(rng: random.Random, now: datetime) -> list[CaseCreate]:
    gangs = {spec[0]: [_gang_pool(rng, g * 20 + k) for k in range(2)] for g, spec in enumerate(_SPECS)}
    weights = [s[3] for s in _SPECS]
    out: list[CaseCreate] = []
    for n in range(N_CASES):
        typ, channels, (lo, hi), _w, subtype, template = rng.choices(_SPECS, weights=weights)[0]
        # more cases recently (a rising trend) and a few clusters
        days_ago = min(182.0, rng.expovariate(1 / 60))
        reported = now - timedelta(days=days_ago, hours=rng.randrange(24), minutes=rng.randrange(60))
        occurred = reported - timedelta(hours=rng.randrange(1, 72))
        amount = Decimal(int(rng.uniform(lo, hi) * 100)) / 100
        channel = rng.choice(channels)
        refs: list[IndicatorRef] = []
        if rng.random() < 0.55:  # part of a gang: shares some of its indicators
            pool = rng.choice(gangs[typ])
            refs.extend(rng.sample(pool, k=rng.randint(1, min(2, len(pool)))))
        refs.append(IndicatorRef(kind="phone", value=_phone(rng), role="fraudster_phone"))
        payee = next((r.value for r in refs if r.kind == "bank_card"), None) or _card(rng)
        n_tr = rng.randint(1, 3)
        parts = [amount / n_tr] * n_tr
        transfers = [
            TransferIn(
                payer_account="62000000" + f"{rng.randrange(10**11):011d}",
                payee_account=payee,
                payee_bank=rng.choice(_BANKS),
                amount=p.quantize(Decimal("0.01")),
                transferred_at=occurred + timedelta(minutes=15 * k),
            )
            for k, p in enumerate(parts)
        ]
        transfers[-1] = transfers[-1].model_copy(
            update={"amount": amount - sum((t.amount for t in transfers[:-1]), Decimal(0))}
        )
        age = rng.choices(_AGE_BANDS, weights=_AGE_WEIGHTS[typ])[0]
        status = rng.choices(("open", "investigating", "solved", "closed"), weights=(40, 35, 15, 10))[0]
        recovered = (amount * Decimal(rng.choice((0, 0, 0.2, 0.5, 1)))).quantize(Decimal("0.01"))
        out.append(
            CaseCreate(
                case_no=f"{DEMO_CASE_PREFIX}{reported:%Y%m%d}-{n + 1:04d}",
                reported_at=reported,
                occurred_at=occurred,
                channel=channel,
                typology=typ,
                subtype=subtype,
                amount_lost=amount,
                amount_recovered=recovered if status in ("solved", "closed") else Decimal(0),
                status=status,  # type: ignore[arg-type]
                narrative=template.format(channel=channel, amount=amount),
                suspects_identified=rng.choice((0, 0, 0, 1, 1, 2)) if status in ("solved", "closed") else 0,
                victim=VictimIn(
                    name=f"演示{rng.choice(_SURNAMES)}{n + 1:03d}",
                    age_band=age,  # type: ignore[arg-type]
                    gender=rng.choice(("男", "女")),
                    occupation="学生" if age in ("<18", "18-25") and rng.random() < 0.6 else rng.choice(_OCCUPATIONS),
                    contact_phone=_phone(rng),
                ),
                indicators=refs,
                transfers=transfers,
            )
        )
    return out


# --------------------------------------------------------------------------------------------------------------------
# Cases: written in bulk (one INSERT .. RETURNING per table), same rows as create_case() would write


def _write_cases(session: Session, cases: list[CaseCreate], officer: User) -> tuple[list[int], list[str]]:
    """Insert victims, cases, transfers, register entries and links in bulk; returns (case ids, confirmed phones).

    The register is merged the way ``create_case`` merges it (first_seen / last_seen = earliest / latest report,
    report_count = number of cases, display value = first spelling). Indicators reported in 3 or more cases are
    marked ``confirmed`` (as an analyst would after 串并案), so leads naming them get CONFIRMED_FRAUD_CONTACT.
    """
    stamp = datetime.now(UTC)
    victim_rows = [
        {
            "name": c.victim.name,
            "age_band": c.victim.age_band,
            "gender": c.victim.gender,
            "occupation": c.victim.occupation,
            "contact_phone": c.victim.contact_phone,
            "created_at": stamp,
        }
        for c in cases
        if c.victim is not None
    ]
    victim_ids = iter(session.scalars(insert(Victim).returning(Victim.id, sort_by_parameter_order=True), victim_rows))
    case_rows = []
    for c in cases:
        assert c.reported_at is not None
        case_rows.append(
            {
                "case_no": c.case_no,
                "reported_at": c.reported_at,
                "occurred_at": c.occurred_at,
                "channel": c.channel,
                "typology": c.typology.value if c.typology else None,
                "subtype": c.subtype,
                "amount_lost_fen": yuan_to_fen(c.amount_lost),
                "amount_recovered_fen": yuan_to_fen(c.amount_recovered),
                "status": c.status,
                "narrative": c.narrative,
                "officer_id": officer.id,
                "victim_id": next(victim_ids) if c.victim is not None else None,
                "suspects_identified": c.suspects_identified,
                "created_at": stamp,
                "updated_at": stamp,
                "version_id": 1,
            }
        )
    case_ids = list(session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), case_rows))
    transfer_rows = [
        {
            "case_id": cid,
            "payer_account": t.payer_account,
            "payee_account": t.payee_account.strip() if t.payee_account else None,
            "payee_bank": t.payee_bank,
            "amount_fen": yuan_to_fen(t.amount),
            "transferred_at": t.transferred_at,
        }
        for cid, c in zip(case_ids, cases, strict=True)
        for t in c.transfers
    ]
    session.execute(insert(Transfer), transfer_rows)

    # register entries and links, merged in Python (the data is ours and small)
    reg: dict[tuple[str, str], dict[str, Any]] = {}
    links: list[tuple[int, tuple[str, str], str | None]] = []
    for cid, c in zip(case_ids, cases, strict=True):
        assert c.reported_at is not None
        mine: dict[tuple[str, str], IndicatorRef] = {}
        for ref in [*c.indicator_refs(), *_transfer_refs(c.transfers)]:
            mine.setdefault((ref.kind, normalize(ref.kind, ref.value)), ref)
        for key, ref in sorted(mine.items()):
            e = reg.get(key)
            if e is None:
                reg[key] = {"display_value": ref.value[:512], "first": c.reported_at, "last": c.reported_at, "n": 1}
            else:
                e["first"] = min(e["first"], c.reported_at)
                e["last"] = max(e["last"], c.reported_at)
                e["n"] += 1
            links.append((cid, key, ref.role))
    keys = sorted(reg)
    ind_rows = []
    for kind, value in keys:
        e = reg[(kind, value)]
        status = "allowlisted" if is_allowlisted(kind, value) else ("confirmed" if e["n"] >= 3 else "suspected")
        ind_rows.append(
            {
                "kind": kind,
                "value": value,
                "display_value": e["display_value"],
                "first_seen": e["first"],
                "last_seen": e["last"],
                "report_count": e["n"],
                "source": "case",
                "status": status,
            }
        )
    ind_ids = dict(
        zip(
            keys,
            session.scalars(insert(Indicator).returning(Indicator.id, sort_by_parameter_order=True), ind_rows),
            strict=True,
        )
    )
    session.execute(
        insert(CaseIndicator),
        [{"case_id": cid, "indicator_id": ind_ids[key], "role": role} for cid, key, role in links],
    )
    audit_rows = [
        {
            "at": stamp,
            "user_id": officer.id,
            "username": officer.username,
            "action": "create",
            "entity": "case",
            "entity_id": cid,
            "detail": f"case_no={c.case_no} (demo data)",
        }
        for cid, c in zip(case_ids, cases, strict=True)
    ]
    session.execute(insert(AuditLog), audit_rows)
    confirmed_phones = [
        v for (k, v), row in zip(keys, ind_rows, strict=True) if k == "phone" and row["status"] == "confirmed"
    ]
    return case_ids, confirmed_phones


# --------------------------------------------------------------------------------------------------------------------
# Warning leads: created and worked through the real API (grading, routing, deadlines, closing rules)


@dataclass(frozen=True)
class _LeadSpec:
    """A kind of lead the desk sees; ``who`` = the demo user who files it ("" = anonymous citizen report)."""

    who: str
    source: str
    typology: str | None
    reason: str
    fields: tuple[tuple[str, Any], ...] = ()


_LEADS: tuple[_LeadSpec, ...] = (
    _LeadSpec(
        "bank",
        "bank",
        "冒充公检法及政府机关类",
        "【示例】客户在柜台要求向陌生对公账户大额转账，称“民警”要求资金核查，神情紧张、不停看手机",
        (("amount", 50000),),
    ),
    _LeadSpec(
        "bank",
        "bank",
        "虚假网络投资理财类",
        "【示例】老年客户要求提前支取定期存款转往个人账户，称要投资“养老项目”，对方承诺高回报",
        (("age", 70), ("amount", 120000)),
    ),
    _LeadSpec(
        "",
        "screening",
        "冒充公检法及政府机关类",
        "【示例】筛查命中：短信自称“检察院”，称其涉嫌洗钱，要求将资金转入安全账户配合调查",
        (("screening_risk", "high"),),
    ),
    _LeadSpec(
        "",
        "screening",
        "虚假网络投资理财类",
        "【示例】筛查命中：“导师带单”投资群邀请链接，群内晒盈利截图",
        (("screening_risk", "high"),),
    ),
    _LeadSpec(
        "warn",
        "import",
        "刷单返利类",
        "【示例】运营商推送：用户多次访问刷单做任务网址，对方要求垫付连单",
        (("age", 21), ("contact_count", 4), ("student", True)),
    ),
    _LeadSpec(
        "warn",
        "import",
        "冒充公检法及政府机关类",
        "【示例】运营商推送：与境外改号电话通话，对方自称“公安局民警”",
        (("call_minutes", 25),),
    ),
    _LeadSpec(
        "warn",
        "import",
        "冒充电商物流客服类",
        "【示例】运营商推送：接到冒充快递客服的“理赔”来电",
        (("call_minutes", 8),),
    ),
    _LeadSpec(
        "",
        "citizen_report",
        "冒充公检法及政府机关类",
        "【示例】群众举报：家中老人接到自称“医保局”的电话，称医保卡被盗用，已转接“公安”",
        (("age", 72), ("fraud_number", True)),
    ),
    _LeadSpec(
        "",
        "citizen_report",
        "网络婚恋、交友类",
        "【示例】群众举报：亲属网恋对象引导其在“博彩平台”充值，已付款两次",
        (("age", 45),),
    ),
    _LeadSpec("", "citizen_report", "刷单返利类", "【示例】群众举报：收到“兼职点赞日结”的推广短信", ()),
    _LeadSpec(
        "desk",
        "manual",
        "贷款、代办信用卡类",
        "【示例】接警时发现其同事正在申请“无抵押贷款”，对方要求先交“手续费”",
        (("age", 33),),
    ),
    _LeadSpec(
        "desk",
        "manual",
        "虚假征信类",
        "【示例】大学生称接到“注销校园贷”电话，对方称不注销影响征信",
        (("age", 20), ("student", True)),
    ),
    _LeadSpec(
        "",
        "screening",
        "网络游戏产品虚假交易类",
        "【示例】筛查命中：游戏账号交易“平台客服”要求先交押金",
        (("age", 16),),
    ),
    _LeadSpec(
        "",
        "screening",
        "虚假购物、服务类",
        "【示例】筛查命中：低价手机广告，要求加微信私下交易",
        (("screening_risk", "medium"),),
    ),
)

N_LEADS = 120
FORMER_OFFICER = "warn_former"
_NOTES = {
    "sms": "【示例】已发送劝阻短信（96110 提醒）",
    "call": "【示例】电话联系本人，讲解该类诈骗手法",
    "visit": "【示例】会同社区民警上门劝阻",
}
_OUTCOME_NOTES = {
    "reached": "【示例】本人已知晓为诈骗，承诺不再转账",
    "fraud_confirmed": "【示例】确认正在被骗，已劝阻并协助银行止付",
    "not_fraud": "【示例】核实为正常业务往来，非诈骗",
    "unreachable": "【示例】多次联系未果",
    "money_sent": "【示例】本人已转账，已指导报案并登记案件",
}

# Closed leads: outcome -> weight. reached / fraud_confirmed carry the losses avoided.
_CLOSED_OUTCOMES = (
    ("reached", 40),
    ("fraud_confirmed", 22),
    ("not_fraud", 14),
    ("unreachable", 12),
    ("money_sent", 12),
)


def _lead_in(spec: _LeadSpec, n: int, rng: random.Random, confirmed_phones: list[str]) -> LeadCreate:
    f = dict(spec.fields)
    fraud_number = f.pop("fraud_number", False)
    payload: dict[str, Any] = {
        "source": spec.source,
        "reason": spec.reason,
        "typology": spec.typology,
        "subject_name": f"演示预警对象{n + 1:03d}",
        "subject_phone": _phone(rng),
        "external_id": f"demo-warning-{n + 1:03d}",
        **f,
    }
    if "age" in payload:
        payload["subject_age"] = max(0, int(payload.pop("age")) + rng.randint(-3, 3))
    else:
        payload["subject_age_band"] = rng.choice(_AGE_BANDS[1:])
    if "amount" in payload:
        payload["amount"] = Decimal(int(payload["amount"] * rng.uniform(0.5, 2)))
    if fraud_number and confirmed_phones:
        payload["indicator_kind"], payload["indicator_value"] = "phone", rng.choice(confirmed_phones)
    elif rng.random() < 0.6:
        payload["indicator_kind"], payload["indicator_value"] = "phone", _phone(rng)
    return LeadCreate.model_validate(payload)


def _plan(grade: str) -> list[tuple[str, float]]:
    """The grade's work plan as (action, minutes after creation) when done on time (docs/warnings.md §3)."""
    if grade == "高":
        return [("sms", 1), ("call", 8), ("visit", 150)]
    if grade == "中":
        return [("call", 50)]
    return [("sms", 300)]


def _work_closed(
    session: Session, rng: random.Random, w: Warning, officer: User, case_ids: list[int], created: datetime
) -> None:
    outcome = rng.choices([o for o, _ in _CLOSED_OUTCOMES], weights=[wt for _, wt in _CLOSED_OUTCOMES])[0]
    late = rng.random() < 0.15  # some leads are worked late (the on-time rate is not 100 %)
    steps = _plan(w.grade)
    if outcome == "unreachable":  # every step tried, nobody reached: closed after the home visit
        steps = [*steps, ("visit", steps[-1][1] + 60)] if steps[-1][0] != "visit" else steps
    else:  # the person is reached at a random step of the plan
        steps = steps[: rng.randint(1, len(steps))]
    at = created
    for i, (action, minutes) in enumerate(steps):
        planned = created + timedelta(minutes=minutes * (rng.uniform(3, 20) if late else rng.uniform(0.5, 1)))
        at = max(at + timedelta(minutes=1), planned)
        last = i == len(steps) - 1
        if not last:
            act = ActionCreate(action=action, note=_NOTES[action])  # type: ignore[arg-type]
        else:
            loss = Decimal(0)
            if outcome in ("reached", "fraud_confirmed") and (outcome == "fraud_confirmed" or rng.random() < 0.5):
                loss = Decimal(rng.randrange(2_000, 40_000))
            act = ActionCreate(
                action=action,  # type: ignore[arg-type]
                outcome=outcome,  # type: ignore[arg-type]
                note=_OUTCOME_NOTES[outcome],
                loss_avoided=loss,
                close=outcome == "unreachable",
                case_id=rng.choice(case_ids) if outcome == "money_sent" and case_ids else None,
            )
        record_action(session=session, warning_id=w.id, action_in=act, actor=officer, now=at)


def _work_open(
    session: Session, rng: random.Random, w: Warning, officer: User, created: datetime, now: datetime
) -> None:
    """An in-progress lead: some steps of the plan done (the first one maybe unanswered), none closing."""
    steps = _plan(w.grade)
    k = rng.randint(1, len(steps))
    at = created
    for action, minutes in steps[:k]:
        at = max(at, min(now, created + timedelta(minutes=minutes * rng.uniform(0.5, 3))))
        outcome = "unreachable" if action == "call" or rng.random() < 0.3 else None
        act = ActionCreate(action=action, outcome=outcome, note=_NOTES[action])  # type: ignore[arg-type]
        record_action(session=session, warning_id=w.id, action_in=act, actor=officer, now=at)


def _demo_warnings(
    session: Session,
    rng: random.Random,
    now: datetime,
    users: dict[str, User],
    case_ids: list[int],
    confirmed_phones: list[str],
) -> None:
    """N_LEADS leads over the last ~6 months: ~75 % closed (each outcome), the rest new or in progress (some
    overdue) — all graded, routed and timed by fanzha.cases.warnings.

    Most of the history was worked by a colleague who has since moved on (``warn_former``, deactivated before the
    recent leads arrived, so routing sends those to ``warn``): the demo officer's queue holds the open leads and a
    few closed ones, as a real desk's would."""
    officer = users["warn"]
    former = session.scalar(select(User).where(User.username == FORMER_OFFICER))
    if former is None:
        former = User(
            username=FORMER_OFFICER,
            display_name="演示预警劝阻员（已调离）",
            role="warning_officer",
            password_hash=hash_password(secrets.token_urlsafe(24)),  # no known password: cannot log in
            active=True,
        )
        session.add(former)
        session.flush()
    plans: list[tuple[datetime, str]] = []
    for _ in range(N_LEADS):
        fate = rng.choices(("closed", "in_progress", "new"), weights=(75, 12, 13))[0]
        if fate == "closed":
            created = now - timedelta(days=rng.uniform(2, 180), minutes=rng.randrange(600))
        else:  # recent: some still within their deadline, others overdue
            created = now - timedelta(minutes=rng.choice((5, 30, 90, 200, 600, 1500, 2400)) * rng.uniform(0.8, 1.2))
        plans.append((created, fate))
    # created in time order (as they arrived); each worked right after it was created
    order = sorted(range(N_LEADS), key=lambda i: plans[i][0])
    for n in order:
        created, fate = plans[n]
        spec = _LEADS[n % len(_LEADS)]
        lead = _lead_in(spec, n, rng, confirmed_phones)
        if fate == "closed":
            worker = former if former.active and rng.random() < 0.9 else officer
            lead = lead.model_copy(update={"assigned_to": worker.id})
        elif former.active:
            former.active = False  # moved on: from now on routing only knows ``warn``
            session.flush()
        w = create_lead(session=session, lead_in=lead, actor=users.get(spec.who), now=created)
        if fate == "closed":
            _work_closed(session, rng, w, worker, case_ids, created)
        elif fate == "in_progress":
            _work_open(session, rng, w, officer, created, now)
    former.active = False


def _ensure_users(session: Session) -> dict[str, User]:
    users: dict[str, User] = {}
    for du in DEMO_USERS:
        u = session.scalar(select(User).where(User.username == du.username))
        if u is None:
            u = User(
                username=du.username,
                display_name=du.display_name,
                role=du.role,
                password_hash=hash_password(du.password),
                active=True,
            )
            session.add(u)
            session.flush()
        users[du.username] = u
    return users


def has_demo_data(session: Session) -> bool:
    return session.scalar(select(Case.id).where(Case.case_no.like(f"{DEMO_CASE_PREFIX}%")).limit(1)) is not None


def seed(session: Session, *, now: datetime | None = None, seed: int = SEED) -> int:
    """Write the demo users, cases and warnings into ``session`` (not committed); returns the number of cases."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    users = _ensure_users(session)
    ids, confirmed_phones = _write_cases(session, _demo_cases(rng, now), users["desk"])
    # One INFO line per created lead is right for real leads, noise for 120 synthetic ones on the first start.
    warnings_log = logging.getLogger("fanzha.cases.warnings")
    level = warnings_log.level
    warnings_log.setLevel(max(level, logging.WARNING))
    try:
        _demo_warnings(session, rng, now, users, ids, confirmed_phones)
    finally:
        warnings_log.setLevel(level)
    session.flush()
    return len(ids)


def ensure_demo_data(url: str | None = None) -> bool:
    """Migrate ``url`` and seed the demo data if the database has no cases yet. Returns True when it seeded.

    Idempotent: a second call (or a database that already holds demo or real cases) changes nothing. Everything is
    written in one transaction.
    """
    upgrade(url)
    with session_scope(url) as session:
        if has_demo_data(session):
            return False
        if (session.scalar(select(func.count()).select_from(Case)) or 0) > 0:
            log.warning("database already holds cases that are not demo data: demo data not added")
            return False
        n = seed(session)
    log.info("seeded %d demo cases", n)
    return True
