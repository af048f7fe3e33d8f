"""Clearly synthetic demo data for development and the README's ``./run.sh`` (never for production).

Everything is invented here from templates: names start with 演示, narratives with 【示例】, phone numbers come
from test-looking ranges (170 0000 xxxx, 199 0000 xxxx), bank cards start 6200 0000, URLs use the reserved
``.example`` top-level domain. About 200 cases over the last 6 months across typologies, channels and age bands;
gangs re-use indicators so linked cases and clusters exist; transfers; a few dozen warnings in every state.

``ensure_demo_data(url)`` is idempotent: it seeds only an empty database and does nothing once demo data exists
(nor on a database holding real cases).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.api.security import hash_password
from fanzha.cases.crud import create_case
from fanzha.cases.schemas import CaseCreate, IndicatorRef, TransferIn, VictimIn
from fanzha.db.models import Case, User, Warning, WarningAction
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
                suspects_identified=rng.choice((0, 0, 0, 1, 2)) if status != "open" else 0,
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


_DUE = {"高": timedelta(hours=2), "中": timedelta(hours=24), "低": timedelta(hours=72)}


def _demo_warnings(session: Session, rng: random.Random, now: datetime, officer: User, case_ids: list[int]) -> None:
    typologies = [s[0].value for s in _SPECS]
    for n in range(36):
        grade = ("高", "中", "低")[n % 3]
        state = ("new", "in_progress", "closed")[(n // 3) % 3]
        created = now - timedelta(hours=rng.uniform(0.2, 24 * 20 if state == "closed" else 30))
        w = Warning(
            external_key=f"demo-warning-{n + 1:03d}",
            source=rng.choice(("screening", "bank", "citizen_report", "import", "manual")),
            grade=grade,
            status=state,
            subject_name=f"演示预警对象{n + 1:02d}",
            subject_phone=_phone(rng),
            subject_age_band=rng.choice(_AGE_BANDS),
            typology=rng.choice(typologies),
            reason="【示例】"
            + rng.choice(
                (
                    "与涉诈号码通话超过10分钟",
                    "访问了仿冒投资平台网址",
                    "向涉诈账户发起转账（银行拦截）",
                    "群众举报疑似被刷单诱导",
                    "下载了涉诈APP",
                )
            ),
            indicator_kind="phone",
            indicator_value=_phone(rng),
            assigned_to=officer.id,
            created_at=created,
            due_at=created + _DUE[grade],
        )
        if state != "new":
            w.actions.append(
                WarningAction(
                    action="sms",
                    officer_id=officer.id,
                    note="【示例】已发送劝阻短信",
                    at=created + timedelta(minutes=5),
                )
            )
            w.actions.append(
                WarningAction(
                    action="call" if grade != "高" else "visit",
                    officer_id=officer.id,
                    outcome="reached",
                    note="【示例】已联系本人说明诈骗手法",
                    at=created + timedelta(minutes=40),
                )
            )
        if state == "closed":
            outcome = rng.choice(("reached", "fraud_confirmed", "not_fraud", "unreachable", "money_sent"))
            w.outcome = outcome
            w.closed_at = created + timedelta(hours=rng.uniform(1, 20))
            if outcome in ("reached", "fraud_confirmed"):
                w.loss_avoided_fen = rng.randrange(1_000, 200_000) * 100
                w.actions[-1].loss_avoided_fen = w.loss_avoided_fen
            if outcome == "money_sent" and case_ids:
                w.case_id = rng.choice(case_ids)
        session.add(w)


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
    ids: list[int] = []
    for case_in in _demo_cases(rng, now):
        ids.append(create_case(session=session, case_in=case_in, actor=users["desk"]).id)
    _demo_warnings(session, rng, now, users["warn"], ids)
    session.flush()
    return len(ids)


def ensure_demo_data(url: str | None = None) -> bool:
    """Migrate ``url`` and seed the demo data if the database has no cases yet. Returns True when it seeded.

    Idempotent: a second call (or a database that already holds demo or real cases) changes nothing.
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
