"""Context: why a text full of scam words can still be harmless.

A plain n-gram classifier flags bank verification-code SMS, police anti-fraud publicity and news reports as fraud,
because they contain the same words as the scams. This module finds the framing around those words:

* **negation scope** — 不会 / 切勿 / 不要 / 谨防 / 从不 / 绝不 ... switch off the risky keywords of the rest of the
  clause (up to the next ，。！？；or ``negation_scope`` characters): "切勿告知他人" does not ask for the code, "公安机关不会
  要求转账到安全账户" does not ask for a transfer. Rules marked ``negatable: false`` (e.g. "不要告诉家人" secrecy
  demands) ignore this.
* **warning framing** — 谨防, 警惕, 提醒您, 反诈, 骗局, "…都是诈骗", and "不会…要求 / 从不…索要" (an organisation saying what
  it never does).
* **news / reported speech** — 警方破获, 抓获, 据报道, 受害人, 典型案例 ...
* **official sender asking nothing** — a 【银行/快递/运营商】 signature or a 95xxx number, and no link, no number to call
  back, no transfer, no request (asks inside a negation scope do not count).
* **a whole text that describes** — a police notice, a lecture, a news or court report that walks through a scam step
  by step (two distinct framing cues, ``publicity`` markers for narratives and conversations) and makes no pitch of
  its own (:func:`makes_pitch`: no link, no phone number, no request for money, an install, a contact or a secret;
  money sent to "所谓的安全账户" / "陌生账户" is the notice's description, not its request): the whole text is one
  scope, and ``CTX_DESCRIBED`` also covers rules whose own words are negations. A chat or call counts too when its
  people tell each other what the matter is ("一看就是刷单", "那是骗子": :func:`_peer_verdict`) and nobody in it
  pitches, moves money or sells himself as the genuine one ("我们这才是正规的").
* **the platform's own flow** — 订单页面 / 申请退款 / 原路退回 ... with no warning voiced, no money moving and no
  pitch: a genuine agent sending you through the platform (``CTX_PLATFORM_FLOW``).
* **a chat the reader opened** — the first line is the reader's own question (我：…吗 / 怎么 / 请问) and nothing in
  the chat pitches or moves money (``CTX_READER_ASKED``): scams contact you, or answer with a pitch.

The cue words live in ``context.yaml`` and ride in the rules' Aho-Corasick automaton (one pass over the text). Each
finding is a :class:`ContextSignal` with a penalty; the engine shows it as ``Evidence(source="context")`` with a
negative weight and subtracts the capped sum in the logistic combination.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import yaml

if TYPE_CHECKING:
    from fanzha.screen.rules import KeywordHit, RuleSet, Scan
    from fanzha.text import Normalized

CUES_PATH = Path(__file__).resolve().parent / "context.yaml"

_CLAUSE_END = re.compile(r"[，。！？；,!?;\n\r…]|\.(?!\d)|[:：](?=\s*$)")
_SENTENCE_END = re.compile(r"[。！？!?\n\r；;：:]")
_REPORTED_END = re.compile(r"[。！？!?\n\r；;]")
# "凡是…的，都是诈骗" / "刷单就是诈骗" / "…都是骗局": what precedes is described, not requested
_IS_SCAM = re.compile(
    r"(?<![不非没])(?:都是|均是|均为|都为|一律是|就是|全是|全都是|都属于|属于|是典型的|肯定是|必定是|一定是)"
    r"(?:电信网络|电信|网络|典型的?)?(?:诈骗|骗局|骗子|陷阱|套路)"
    # "讲解了注销校园贷、游戏装备低价出售等骗局的套路": a list closed by 等…骗局 names scams, it does not run one
    r"|等(?:各类|多种|常见|新型)?(?:电信网络|电信|网络)?(?:诈骗|骗局|陷阱)(?:的|手法|套路|类型|案件|形式|方式)"
    # "一看就是刷单", "一听就是杀猪盘": the family named as the verdict on what precedes (the scope takes its word too)
    r"|(?P<family>(?<![不非没])(?:一看就是|一听就是|明显是|分明是|肯定是)(?:个|典型的)?"
    r"(?:刷单|杀猪盘|传销|钓鱼短信|钓鱼网站|钓鱼链接))"
)
_IS_SCAM_GATE = re.compile("骗|陷阱|套路|刷单|杀猪盘|传销|钓鱼")
_NEVER_ASKS = re.compile(
    r"(?:不会|不可能|从不|从来不|从未|绝不|决不|不存在)[^，。！？；,!?;\n]{0,16}?"
    r"(?:要求|索要|让您|让你|叫您|叫你|通过电话|打电话|电话|以[^，。]{0,8}名义|主动|私下|设立|设置|所谓|办案)"
)
_SIGNATURE = re.compile(r"^\s*[【\[]([^】\]]{2,16})[】\]]|[【\[]([^】\]]{2,16})[】\]]\s*$")
_URL = re.compile(
    r"https?://|www\.|\b[a-z0-9][a-z0-9-]{0,62}\.(?:com|cn|net|org|top|xyz|vip|cc|info|co|me|io|site|online|shop|app"
    r"|link|club|ltd|icu|fun|tk|ml|ga|cf|gq|work|wang|live|ren|pw|biz|asia|store|tech|win|bid|loan|ink|cyou|sbs)\b"
)
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4}|\+?86-?1[3-9]\d{9})(?!\d)")
_OFFICIAL_NUMBER = re.compile(r"(?<!\d)(?:95\d{3,4}|1\d{4}|96110|110)(?!\d)")


# cues matched in the rules' automaton; the others (request markers, sender names) are checked only when needed
AC_CUES = frozenset({"negator", "not_negator", "warning", "news", "reported", "ask", "publicity", "platform_flow"})


@lru_cache(maxsize=8)
def _cue_re(name: str) -> re.Pattern[str]:
    """One alternation of a cue list of context.yaml (longest first); a pattern that never matches when empty."""
    words = sorted(load_cues().get(name, ()), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")


def _request_re() -> re.Pattern[str]:
    return _cue_re("request")


@lru_cache(maxsize=1)
def load_cues() -> dict[str, list[str]]:
    raw = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{CUES_PATH}: must map cue names to keyword lists")
    out: dict[str, list[str]] = {}
    for name, kws in raw.items():
        if isinstance(kws, list):
            kws = [str(k) if isinstance(k, int) else k for k in kws]
        if not isinstance(kws, list) or not all(isinstance(k, str) and k.strip() for k in kws):
            raise ValueError(f"{CUES_PATH}: cue {name}: needs a list of non-empty strings")
        out[str(name)] = [str(k) for k in kws]
    return out


@dataclass(frozen=True, slots=True)
class ContextSignal:
    id: str
    span: tuple[int, int] | None  # ORIGINAL-text offsets
    penalty: float  # >= 0, subtracted (times the combiner's context weight)
    why: str


@dataclass(frozen=True, slots=True)
class ContextAnalysis:
    scopes: tuple[tuple[int, int], ...]  # negation scopes, normalised offsets
    signals: tuple[ContextSignal, ...]
    penalty: float  # capped sum of the signals' penalties
    asks: bool | None  # the text asks the reader to do something (computed only for official-looking senders)


def _cue_hits(scan: Scan, ruleset: RuleSet, name: str) -> list[KeywordHit]:
    cid = ruleset.concept_id(f"ctx.{name}")
    return [] if cid is None else scan.hits.get(cid, [])


def _negator_hits(scan: Scan, ruleset: RuleSet) -> list[KeywordHit]:
    """Negator hits, without those inside a ``not_negator`` phrase (小心 inside 不小心 negates nothing)."""
    negs = _cue_hits(scan, ruleset, "negator")
    if not negs:
        return negs
    nots = _cue_hits(scan, ruleset, "not_negator")
    if not nots:
        return negs
    return [h for h in negs if not any(x.start <= h.start and h.end <= x.end for x in nots)]


def _clause_ends(n: Normalized, pattern: re.Pattern[str] = _CLAUSE_END) -> list[int]:
    """Clause boundaries found in the ORIGINAL text (the normaliser may drop punctuation), as normalised offsets:
    the index of the first normalised character at or after each boundary."""
    offs = n.offsets
    return [bisect_left(offs, m.start()) for m in pattern.finditer(n.original)]


def _sentence_starts(n: Normalized) -> list[int]:
    offs = n.offsets
    return [bisect_left(offs, m.end()) for m in _SENTENCE_END.finditer(n.original)]


def _reaches(
    n: Normalized, hits: list[KeywordHit], bound: re.Pattern[str], limit: int, *, from_cue: bool
) -> list[tuple[int, int]]:
    """The [start, end) ranges of normalised text that cues reach: to the end of the clause or sentence (``bound``),
    at most ``limit`` characters after the cue; the cue included when ``from_cue``."""
    if not hits:
        return []
    ends = _clause_ends(n, bound)
    text_len = len(n.text)
    out = []
    for h in hits:
        i = bisect_right(ends, h.end - 1)
        end = min(ends[i] if i < len(ends) else text_len, h.end + limit)
        if end > h.end:
            out.append((h.start if from_cue else h.end, end))
    return out


def negation_reach(ruleset: RuleSet) -> int:
    """How far a negator reaches, in characters (config.yaml ``context.negation_scope``); reported speech reaches 3×."""
    return int(ruleset.config.context.get("negation_scope", 18))


def negation_scopes(
    scan: Scan, ruleset: RuleSet, max_len: int = 18, *, kind: str = "auto"
) -> tuple[tuple[int, int], ...]:
    """[start, end) normalised-text ranges whose keywords are negated or merely described (see :func:`scopes_of`)."""
    return scopes_of(scan, ruleset, max_len, kind=kind).all


class Scopes(NamedTuple):
    all: tuple[tuple[int, int], ...]  # negated or described
    described: tuple[tuple[int, int], ...]  # the part that describes
    document: str | None  # why the whole text is a description (described_document), else None


def scopes_of(scan: Scan, ruleset: RuleSet, max_len: int = 18, *, kind: str = "auto") -> Scopes:
    """[start, end) normalised-text ranges whose keywords are negated or merely described. ``described`` is the part
    that describes (every item below but the first): it also switches off rules whose own words are negations
    (``negatable: false``, "不能告诉任何人"), which a negator cannot, when somebody retells them ("他们说不能告诉任何人").

    * after a negator (不会 / 切勿 / 谨防 ...) up to the end of its clause (at most ``max_len`` characters);
    * before "都是诈骗 / 就是骗局 / 等骗局的套路" back to the start of the sentence ("凡是要求屏幕共享的，都是诈骗"), and
      through a family named as the verdict ("朋友发来一个点赞兼职，一看就是刷单");
    * in a text framed as a warning, a news report or a "they never …" statement (and not a victim's own narrative):
      from a reported-speech cue (冒充 / 骗子称 / 嫌疑人以 / 对方说 / 警察说 ..., the cue included: "警察说我涉嫌" names
      the speaker) up to the end of its sentence (at most 3 × ``max_len`` characters);
    * the whole text, when it is plainly publicity or a report (see :func:`described_document`): a lecture, a news
      item, a court report or a police notice that walks through a scam step by step and asks the reader for nothing.
    """
    n = scan.n
    negs = _negator_hits(scan, ruleset)
    framed = kind != "narrative" and bool(
        (kind == "email" and _scam_headline(scan.n.original))
        or _cue_hits(scan, ruleset, "warning")
        or _cue_hits(scan, ruleset, "news")
        or (negs and _NEVER_ASKS.search(n.original))  # "公安机关从不电话办案" frames the text as a warning too
        or (kind in _CONVERSATION_KINDS and _peer_verdict(n.original) is not None)
    )
    if framed or kind == "narrative":
        whole = described_document(scan, ruleset, negs, kind=kind)
        if whole is not None:
            return Scopes(((0, len(n.text)),), ((0, len(n.text)),), whole)
    reported = _cue_hits(scan, ruleset, "reported") if framed else []
    orig = n.original
    is_scam = list(_IS_SCAM.finditer(orig)) if _IS_SCAM_GATE.search(orig) else []
    if not negs and not reported and not is_scam:
        return Scopes((), (), None)
    scopes = _reaches(n, negs, _CLAUSE_END, max_len, from_cue=False)
    negated_only = len(scopes)
    # reported speech runs on past commas: "对方说是公安，说我涉嫌洗钱，要我转到安全账户。"
    scopes += _reaches(n, reported, _REPORTED_END, 3 * max_len, from_cue=True)
    if is_scam:
        starts = _sentence_starts(n)
        offs = n.offsets
        for m in is_scam:
            # the verdict's own words stay outside ("都是诈骗"), but a family named as the verdict is inside it
            end = bisect_left(offs, m.end() if m.group("family") else m.start())
            i = bisect_right(starts, end) - 1
            start = starts[i] if i >= 0 else 0
            start = max(start, end - 80)
            if end > start:
                scopes.append((start, end))
    return Scopes(merge_scopes(tuple(scopes)), merge_scopes(tuple(scopes[negated_only:])), None)


_OFFICIAL_TARGET = re.compile(r"反诈|96110|(?<!\d)110(?!\d)|官方|正规|本人|派出所|公安机关|营业厅|柜台|官网")
# a contact move is a pitch even without 请 / 需要 when it names the sender's own account or a handle:
# "可以添加我的微信xxx", "加我QQ 12345678"
_CONTACT_WORDS = frozenset({"加微信", "加qq", "加我", "添加", "联系我", "私聊", "加群", "进群"})
_MONEY_MOVES = frozenset({"转账", "汇款", "打款", "转入", "转到", "转给", "汇到", "打到"})
# asks that are a pitch after 请 / 需要 besides context.yaml's pitch_ask: moving money, a contact, calling back
_PITCH_EXTRA = (
    _MONEY_MOVES | _CONTACT_WORDS | {"拨打", "致电", "回电", "与我们联系", "和我们联系", "联系客服", "联系专员"}
)
_OWN_HANDLE = re.compile(r"[^，。！？；,!?;\n]{0,6}?(?:我的|我们的|本人的|[a-z0-9_-]{5,})")
_ORG_CUE = re.compile("反诈|96110")
_THIRD_PARTY = re.compile("(?:有人|有个人|他|她|对方|那人|骗子|陌生人)$")
_RECORD_NOUN = re.compile("凭证|记录|截图|流水|明细|回单|单据|信息")
# where a notice sends the money it warns about, in words no scam uses of its own account
_DISTANCED = re.compile("所谓|陌生|不明|骗子|嫌疑人|不法分子|犯罪分子")
# the first line of a pasted chat is the reader's own question: 我：你好，我想退货 / 我: 请问…
_READER_OPENS = re.compile(r"\s*我\s*[：:][^\n]*(?:吗|么|怎么|如何|请问|想|能不能|可以|[?？])")
_HAND_OVER = frozenset({"发给我", "发送给我", "发给我们", "告诉我"})
_SELF_INTRO = re.compile("我是|我们是|这里是|本人是")
_YOU = re.compile("[您你](?!们)")
_AUDIENCE = re.compile("大家|各位|同学们|广大|市民|群众|朋友们|家长们")
_BA = re.compile("[把将]")


def _framing_cues(scan: Scan, ruleset: RuleSet, names: tuple[str, ...]) -> set[str]:
    """Distinct framing cue words, counting a mention once (国家反诈中心 also holds 反诈中心 and 反诈) and the
    anti-fraud organisation's names once in all: "我是反诈中心的警员" names it, it does not frame a warning."""
    hits = sorted(
        ((h.start, -h.end, scan.n.text[h.start : h.end]) for name in names for h in _cue_hits(scan, ruleset, name)),
    )
    out: set[str] = set()
    reach = -1
    for _start, neg_end, word in hits:
        if -neg_end <= reach:
            continue  # inside a longer cue already counted
        reach = max(reach, -neg_end)
        out.add("反诈" if _ORG_CUE.search(word) else word)
    return out


_HOST = re.compile(r"(?<![a-z0-9.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?![a-z0-9-])")


def _links_elsewhere(low: str) -> bool:
    """A link in the (lower-cased) text to anywhere but a government site (*.gov.cn): "rsj-butie.gov.cn.com" and
    "gov.cn.vip" are look-alikes, not government sites."""
    if not _URL.search(low):
        return False
    hosts = [m.group(1) for m in _HOST.finditer(low)]
    return not hosts or any(not (h == "gov.cn" or h.endswith(".gov.cn")) for h in hosts)


def described_document(scan: Scan, ruleset: RuleSet, negs: list[KeywordHit], *, kind: str = "auto") -> str | None:
    """Why the whole text describes scams rather than running one (None when it does not).

    A lecture, a news item, a court report or a police notice walks through a scam step by step; sentences such as
    "假警察会出示伪造的通缉令，要求事主将资金转入安全账户" carry every keyword of the scam but no reported-speech
    cue. Such a text is *described* when it is clearly framed, by at least two distinct warning / news cues (one
    for a victim's narrative is not enough: only the ``publicity`` markers of a notice or a report count there, since
    a victim says 被骗 and 报警 too), and it makes no pitch of its own: no link (but .gov.cn), no phone number, and no
    request (请 / 需要 / 立即 ... before a transfer, an install, a link, a contact or a secret) that is not inside a
    negation scope and not aimed at an official channel ("请下载国家反诈中心App", "请拨打96110"). A scam that dresses
    itself as a warning still has to ask for something, and then nothing here applies. Nor does it to a speaker who
    introduces himself to one listener ("我是公安局的警官…请您配合", a recovery scam's "我是反诈中心的民警…为了追回您的
    损失"): a notice speaks to the public (大家 / 各位 / 广大市民)."""
    pub = _framing_cues(scan, ruleset, ("publicity",))
    orig = scan.n.original
    if _SELF_INTRO.search(orig) and _YOU.search(orig) and not _AUDIENCE.search(orig):
        return None  # "我是公安局的警官…请您配合": someone speaking to you, not a notice to the public
    if kind == "narrative":
        if len(pub) < 2:  # "后来看到反诈宣传，才知道被骗了" is still the victim's story
            return None
        cues = pub
    else:
        if kind in _CONVERSATION_KINDS and not pub:
            # in a call a suspicious listener says 骗局 / 被骗 too: only a notice, a lecture, or people who tell each
            # other "一看就是刷单" / "那是骗子" while nobody asks for or moves money count
            verdict = _peer_verdict(orig)
            if verdict is None or _OWN_CLAIM.search(orig) or makes_pitch(scan, ruleset, negs):
                return None
            reach = negation_reach(ruleset)
            if _moves_money(
                scan, ruleset, merge_scopes(tuple(_reaches(scan.n, negs, _CLAUSE_END, reach, from_cue=False)))
            ):
                return None
            return f"对话中有人识破骗局（“{verdict}”）"
        cues = _framing_cues(scan, ruleset, ("publicity", "warning", "news"))
        if negs and _NEVER_ASKS.search(scan.n.original):
            cues.add("never_asks")
        headline = kind == "email" and _scam_headline(orig)
        if headline:
            cues.add("标题")
        if len(cues) < 2 and not headline:  # an e-mail whose subject names a scam is framed by its subject
            return None
    return None if makes_pitch(scan, ruleset, negs) else "、".join(sorted(cues)[:4])


# a participant of a chat or call calls the matter a scam: "一看就是刷单", "那是骗子", "肯定是杀猪盘", "这就是游戏诈骗";
# not a worried or asking listener ("我怕这是诈骗", "这不会是骗子吧", "是不是骗局？")
_PEER_VERDICT = re.compile(
    r"(?:一看就是|一听就是|肯定是|明显是|绝对是|分明是|(?:这|那)(?:个|些|种)?(?:就|都|更|也)?是|都是|就是|也觉得是)"
    # "这就是游戏交易诈骗", "那是典型的冒充客服骗局"; not "都是为了防止诈骗", "这是涉嫌诈骗的账户"
    r"(?:(?:个|一个|一种|典型的|新型的?|那种)?[^\s，。！？；,!?;:：防反被涉嫌打击预识别]{0,6}?(?:诈骗|骗局)"
    r"|(?:个|一个|典型的)?(?:骗子|杀猪盘|刷单|传销|假的|陷阱))"
    r"(?![吧吗么呢？?啊]?[吧吗么呢？?])"
)
_UNSURE = re.compile("怕|担心|万一|是不是|会不会|不会|不是|以为|怀疑|不知道|如果|要是|可能|很多|大部分|有些|有的|不少")
# a scam runs others down to sell itself: "外面那些都是骗子，我们是正规平台"
_OWN_CLAIM = re.compile(r"(?:我们|我这|咱们|咱家|本)[^，。！？；,!?;\n]{0,6}?(?:正规|官方|真的|靠谱|合法|正品)")
_CLAUSE_START = re.compile(r"[，。！？；,!?;：:\n]")


def _peer_verdict(original: str) -> str | None:
    """The first assertive "this is a scam" of a conversation's participant, said of a third party (None when there
    is none): a victim telling the caller "你这明显是诈骗" reacts to a pitch, "很多都是诈骗" is no verdict."""
    if "是" not in original:
        return None
    for m in _PEER_VERDICT.finditer(original):
        start = m.start()
        clause = max((c.end() for c in _CLAUSE_START.finditer(original, max(0, start - 12), start)), default=0)
        clause = max(clause, start - 12)
        if _UNSURE.search(original, clause, start) or "你" in original[clause:start]:
            continue
        return m.group(0)
    return None


_SCAM_HEADLINE = re.compile("诈骗|骗局|骗子|受骗|被骗|防骗|反诈|骗术")


def _scam_headline(original: str) -> bool:
    """The first line of an e-mail or notice (its subject) names a scam: "主题：警惕针对未成年人的游戏诈骗"."""
    first = next((ln for ln in original.splitlines() if ln.strip()), "")
    return _SCAM_HEADLINE.search(first) is not None


def _moves_money(scan: Scan, ruleset: RuleSet, scopes: tuple[tuple[int, int], ...]) -> bool:
    """Money moves somewhere in the text (转账 / 汇款 / 转到 ...), outside the negation scopes and not to the reader's
    own account ("赔款打到您本人的银行卡")."""
    text = scan.n.text
    return any(
        text[h.start : h.end] in _MONEY_MOVES
        and not _RECORD_NOUN.match(text, h.end)  # "带上转账凭证" names a receipt, it moves nothing
        and not in_scopes(h.start, scopes)
        and not _OFFICIAL_TARGET.search(text, h.end, h.end + 16)
        for h in _cue_hits(scan, ruleset, "ask")
    )


def makes_pitch(scan: Scan, ruleset: RuleSet, negs: list[KeywordHit]) -> bool:
    """The text asks the reader for something a scam needs: a link (but .gov.cn), a phone number, or a request
    (请 / 需要 / 立即 ... right before a transfer, an install, a link, a contact, or a secret / full card or ID number
    in the same stretch) that is not inside a negator's reach and not aimed at an official channel ("请下载国家反诈中心
    App", "请拨打96110", "请到营业厅办理")."""
    n = scan.n
    low = n.original.lower()
    if _links_elsewhere(low) or _PHONE.search(n.original):
        return True
    # a negator's reach and reported speech's, as in scopes_of (whether or not the text is framed): "要求事主把存款
    # 转入安全账户" describes a demand, it does not make one
    reported = _cue_hits(scan, ruleset, "reported")
    reach = negation_reach(ruleset)
    scopes = merge_scopes(
        tuple(
            _reaches(n, negs, _CLAUSE_END, reach, from_cue=False)
            + _reaches(n, reported, _REPORTED_END, 3 * reach, from_cue=True)
        )
    )
    req = _request_re()
    pitch = _pitch_words()
    secret = _cue_re("pitch_secret")
    text = n.text
    for h in _cue_hits(scan, ruleset, "ask"):
        if in_scopes(h.start, scopes):
            continue
        word = text[h.start : h.end]
        if word in _MONEY_MOVES and _DISTANCED.search(text, h.end, h.end + 10):
            continue  # "把钱转到所谓的「安全账户」", "要求立即转账到陌生账户": no scam calls its own account that
        if (
            word in _CONTACT_WORDS
            and _OWN_HANDLE.match(text, h.end)
            and not _THIRD_PARTY.search(text, max(0, h.start - 4), h.start)  # "有人私聊我说…" reports a contact
            and not _OFFICIAL_TARGET.search(text, h.start, h.end + 16)
        ):
            return True
        if word in _MONEY_MOVES and _BA.search(text, max(0, h.start - 8), h.start):
            return True  # "把钱转到…", "将资金转入…": an order even without 请
        if not req.search(text, max(0, h.start - 6), h.start + 1):
            continue
        wants_secret = secret.search(text, h.end, h.end + 24) or (
            word in _HAND_OVER and secret.search(text, max(0, h.start - 16), h.start)  # 把验证码发给我
        )
        if (word in pitch or word in _PITCH_EXTRA or wants_secret) and not (
            _OFFICIAL_TARGET.search(text, h.start, h.end + 16)
        ):
            return True
    return False


def merge_scopes(scopes: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Sorted, non-overlapping scopes (so membership is one bisect)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(scopes):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return tuple(out)


def in_scopes(pos: int, scopes: tuple[tuple[int, int], ...]) -> bool:
    """``scopes`` must be merged (merge_scopes): sorted and non-overlapping."""
    i = bisect_right(scopes, (pos, 1 << 62)) - 1
    return i >= 0 and scopes[i][0] <= pos < scopes[i][1]


def negated_scan(scan: Scan, scopes: tuple[tuple[int, int], ...], cue_ids: frozenset[int]) -> Scan | None:
    """The scan without keyword hits that start inside a negation scope (None when nothing was negated)."""
    if not scopes:
        return None
    from fanzha.screen.rules import Scan as _Scan

    changed = False
    hits = {}
    for cid, lst in scan.hits.items():
        if cid in cue_ids:
            hits[cid] = lst
            continue
        kept = [h for h in lst if not in_scopes(h.start, scopes)]
        if len(kept) != len(lst):
            changed = True
        if kept:
            hits[cid] = kept
    if not changed:
        return None
    return _Scan(scan.n, scan.view, scan.vmap, hits)


def analyse(
    scan: Scan,
    ruleset: RuleSet,
    scopes: tuple[tuple[int, int], ...],
    *,
    kind: str = "auto",
    document: str | None = None,
) -> ContextAnalysis:
    """The context signals of a scanned text. ``scopes`` and ``document`` come from :func:`scopes_of`."""
    cfg = ruleset.config.context
    n = scan.n
    text = n.original
    low = text.lower()
    signals: list[ContextSignal] = []
    negs = _negator_hits(scan, ruleset)
    pitched: list[bool] = []

    def pitch() -> bool:
        """makes_pitch(), computed once and only when a signal below needs it."""
        if not pitched:
            pitched.append(makes_pitch(scan, ruleset, negs))
        return pitched[0]

    def asks() -> bool:
        """Non-negated request words right after a request marker, links, phone numbers (not short official ones)."""
        req = _request_re()
        for h in _cue_hits(scan, ruleset, "ask"):
            if not in_scopes(h.start, scopes) and req.search(n.text, max(0, h.start - 6), h.start + 1):
                return True
        return bool(_URL.search(low) or _PHONE.search(text))

    # 1. warning framing; a caller naming himself after the anti-fraud centre ("我是国家反诈中心的工作人员") warns nobody
    warn = [h for h in _cue_hits(scan, ruleset, "warning") if not _self_named(n, h)]
    distinct = {n.text[h.start : h.end] for h in warn}
    if warn:
        p = cfg.get("warning_strong", 3.5) if len(distinct) >= 2 else cfg.get("warning", 2.5)
        signals.append(
            ContextSignal(
                "CTX_WARNING_FRAMING",
                n.to_original(warn[0].start, warn[0].end),
                p,
                f"提醒/防骗宣传的措辞（{'、'.join(sorted(distinct)[:4])}）：文字在警示诈骗而非实施诈骗",
            )
        )
    if negs:
        m = _NEVER_ASKS.search(text)
        if m:
            signals.append(
                ContextSignal(
                    "CTX_NEVER_ASKS",
                    (m.start(), m.end()),
                    cfg.get("never_asks", 2.0),
                    f"“{m.group(0)}”：在说明正规机构不会做什么，属于提醒",
                )
            )

    # 2. news / reported speech (a victim's own narrative, kind="narrative", is not penalised)
    if kind != "narrative":
        news = _cue_hits(scan, ruleset, "news")
        nd = {n.text[h.start : h.end] for h in news}
        if nd:
            p = cfg.get("news_strong", 3.0) if len(nd) >= 2 else cfg.get("news", 1.5)
            signals.append(
                ContextSignal(
                    "CTX_NEWS_REPORT",
                    n.to_original(news[0].start, news[0].end),
                    p,
                    f"新闻/案例转述的措辞（{'、'.join(sorted(nd)[:4])}）：在报道案件而非向读者提出要求",
                )
            )

    # 3. official sender that asks for nothing
    sig = _SIGNATURE.search(low) if ("【" in text or "[" in text) else None
    official = None
    if sig:
        name = sig.group(1) or sig.group(2) or ""
        if any(k in name for k in _official_words()):
            official = (sig.start(), sig.end(), f"【{name}】")
    if official is None and "95" in text:
        m = _OFFICIAL_NUMBER.search(text)
        if m and text[m.start() : m.start() + 2] == "95":
            official = (m.start(), m.end(), m.group(0))
    asked = asks() if official is not None else None
    if official is not None and not asked:
        signals.append(
            ContextSignal(
                "CTX_OFFICIAL_NO_ASK",
                (official[0], official[1]),
                cfg.get("official_no_ask", 2.5),
                f"官方署名{official[2]}且没有链接、回拨号码、转账或其他要求，符合正规通知的特征",
            )
        )

    # 4. a notice or a report that walks through a scam (scopes_of made the whole text one scope); the penalty also
    # covers rules whose own words are negations (不要告诉家人) that nobody retells
    if document is not None:
        signals.append(
            ContextSignal(
                "CTX_DESCRIBED",
                None,
                cfg.get("described", 4.0),
                f"通篇是提醒、讲座或案件报道（{document}），在讲解骗局的步骤，没有向读者提出任何要求",
            )
        )

    # 5. the platform's own flow (订单页面 / 申请退款 / 原路退回 / 在App里) and no pitch: a genuine agent or notice
    flow = _cue_hits(scan, ruleset, "platform_flow")
    conversation = kind in _CONVERSATION_KINDS and "\n" in text
    if (
        flow
        and (conversation or not warn)  # in a call the agent may warn too; the turn check below drops it after a pitch
        and not _cue_hits(scan, ruleset, "news")
        and not _moves_money(scan, ruleset, scopes)  # "转账后钱会原路退回" is no platform flow
        and not pitch()
    ):
        fd = {n.text[h.start : h.end] for h in flow}
        signals.append(
            ContextSignal(
                "CTX_PLATFORM_FLOW",
                n.to_original(flow[0].start, flow[0].end),
                cfg.get("platform_flow", 2.0),
                f"引导走平台自己的流程（{'、'.join(sorted(fd)[:3])}），且没有要求转账、下载、点链接或提供密码验证码",
            )
        )

    # 6. a chat the reader opened ("我：你好，我的航班取消了怎么办"): a scam contacts you, or answers with a pitch
    if "\n" in text and _READER_OPENS.match(text) and not pitch():
        if not _moves_money(scan, ruleset, scopes):
            signals.append(
                ContextSignal(
                    "CTX_READER_ASKED",
                    (0, text.index("\n")),
                    cfg.get("reader_asked", 2.0),
                    "对话由您本人发起咨询，对方没有要求转账、下载、点链接或提供密码验证码",
                )
            )

    # 7. a call or chat in which someone talks the other out of paying ("您千万不要转账", "先别转", "把那个号码拉黑")
    # and nobody pitches: a bank's or 96110's dissuasion call, a family warning each other
    if conversation:
        m = _DISSUADE.search(text)
        if m and not pitch() and not _moves_money(scan, ruleset, scopes):
            signals.append(
                ContextSignal(
                    "CTX_DISSUASION",
                    (m.start(), m.end()),
                    cfg.get("dissuasion", 2.5),
                    f"“{m.group(0)}”：对话中有人在劝阻转账或下载，且没有人提出转账、下载、点链接或提供密码验证码的要求",
                )
            )

    if signals and conversation:
        signals = _listener_reaction_dropped(scan, ruleset, scopes, signals)

    total = sum(s.penalty for s in signals)
    cap = ruleset.config.combiner.max_context_penalty
    return ContextAnalysis(scopes=scopes, signals=tuple(signals), penalty=min(total, cap), asks=asked)


# the end of a self-introduction: "我是国家反诈中心的" / "这里是市反诈中心，我姓王" before a cue
_SELF_NAMING = re.compile(r"(?:我是|我们是|这里是|本人是|我这边是|我这里是|我们这边是)[^，。！？；,!?;\n]{0,14}$")


def _self_named(n: Normalized, h: KeywordHit) -> bool:
    """The cue is part of the speaker's own name for himself (the organisation he claims to be from)."""
    start = n.to_original(h.start, h.end)[0]
    return _SELF_NAMING.search(n.original, max(0, start - 20), start) is not None


@lru_cache(maxsize=1)
def _official_words() -> tuple[str, ...]:
    return tuple(load_cues().get("official_sender", ()))


_CONVERSATION_KINDS = frozenset({"dialogue", "call"})
# Talking someone out of paying: "千万不要转账", "先别转", "不要急着转钱", "别扫", "千万别碰", "别点链接", "把那个号码拉黑"
# (not "把我拉黑": the scammer blocking a victim). A scam script's own "不要挂电话" / "不要告诉别人" / "别信银行的人" is
# no dissuasion.
_DISSUADE = re.compile(
    r"(?:千万不要|千万别|先不要|先别|不要|别)(?:急着|再|给他|给对方|往)?"
    r"(?:转账|转钱|汇款|打钱|付款|充值|充钱|下载|扫码|扫|转了|投钱|交钱|碰|理他|理会|加他|点链接|点那个)"
    r"|(?:号码|电话|号|他|对方)(?:给)?拉黑|拉黑(?:他|对方|那个)"
    r"|(?:千万不要|千万别|先不要|先别)转"  # "千万不要转，那个APP是假的"
)
_NEWLINE = re.compile("\n")
_FRAMING_SIGNALS = frozenset(
    {"CTX_WARNING_FRAMING", "CTX_NEVER_ASKS", "CTX_NEWS_REPORT", "CTX_DESCRIBED", "CTX_DISSUASION", "CTX_PLATFORM_FLOW"}
)


def _listener_reaction_dropped(
    scan: Scan, ruleset: RuleSet, scopes: tuple[tuple[int, int], ...], signals: list[ContextSignal]
) -> list[ContextSignal]:
    """Turn-aware framing in a conversation: a warning, "they never ask…" or news cue voiced in one turn does not make
    another turn's request harmless. When a turn WITHOUT such a cue makes an un-negated request (a request marker
    before an ask word: 请您提供 / 需要转账 / 马上下载, or a link), the cue is the listener's reaction to a pitch ("我记得银行
    不会打电话要身份证…", "你是骗子吧，我要报警") and the framing signals are dropped. A warning call (96110, a bank's
    dissuasion) keeps them: its requests sit inside negation scopes or in the warning turns themselves. Only a pitch
    counts as the request (``pitch_ask`` words, or 提供 / 填写 ... of a ``pitch_secret``): a genuine agent asking for an
    order number or the last four digits does not make a caller's warning words the listener's."""
    n = scan.n
    text = n.text
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(n.original)]

    def line_of(norm_pos: int) -> int:
        return bisect_right(line_starts, n.to_original(norm_pos, norm_pos + 1)[0]) - 1

    cue_lines = {
        line_of(h.start) for name in ("warning", "news", "negator", "reported") for h in _cue_hits(scan, ruleset, name)
    }
    req = _request_re()
    pitch, secret = _pitch_words(), _cue_re("pitch_secret")
    asked = False
    for h in _cue_hits(scan, ruleset, "ask"):
        if in_scopes(h.start, scopes) or line_of(h.start) in cue_lines:
            continue
        if not req.search(text, max(0, h.start - 6), h.start + 1):
            continue
        word = text[h.start : h.end]
        if word in pitch or secret.search(text, h.end, h.end + 12):
            asked = True
            break
    if not asked:
        orig = n.original
        for m in _URL.finditer(orig.lower()):
            if bisect_right(line_starts, m.start()) - 1 not in cue_lines:
                asked = True
                break
    if not asked:
        return signals
    return [s for s in signals if s.id not in _FRAMING_SIGNALS]


@lru_cache(maxsize=1)
def _pitch_words() -> frozenset[str]:
    return frozenset(load_cues().get("pitch_ask", ()))
