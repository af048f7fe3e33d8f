"""Map the research corpora's label vocabularies onto the project's Category + Typology.

One function, :func:`map_label`, used by training, the benchmark and the tests.  Decisions (each one explicit):

**tft8** (typed fraud SMS, all fraud): the label is already an MPS typology, except
``贷款、代办信用卡、虚假征信类`` which merges two MPS types.  It is split by keyword evidence
(:data:`CREDIT_KEYWORDS`): a message that talks about the victim's credit record or about closing a loan
account (征信 / 注销 / 校园贷 / 学生贷 / 京东金条 / 白条 / 花呗 / 借呗 / 信用记录 / 不良记录 / 逾期记录 …) is
``虚假征信类``; otherwise ``贷款、代办信用卡类``.  Loan-advert phrases that merely *mention* 征信 ("不上征信",
"不看征信", "征信花了也能贷" — :data:`LOAN_CREDIT_PHRASES`) are removed before the test, because they are the
hook of a fake-loan scam, not of a fake-credit-record scam.

**tft5_normal** → normal.

**fbs** (fake-base-station SMS): ``FR:*`` → fraud, ``AD:*`` → spam, ``IL:*`` → illegal, ``Other`` → normal.
``Other`` holds what the FBS annotators found neither fraud, nor advertising, nor illegal: holiday greetings,
news flashes, service notices (some even anti-fraud notices).  Their *content* is benign, and the verdict of this
project is about content, so they are normal (the broadcast channel itself is illegal, but that is not what the
reader needs to know).  Fraud types:

- ``FR:Financial`` (stock-tip groups, "操盘手建群") → 虚假网络投资理财类
- ``FR:Phishing(Bank)`` (fake bank / points-redemption / account-upgrade sites) → 其他: the MPS typology has no
  phishing-link class; impersonating a *bank* is not 冒充电商物流客服 nor 冒充公检法.
- ``FR:Phishing(Other)`` (fake Apple / carrier sites) → 其他
- ``FR:Other`` (prize winning, flight cancellation refunds, mixed) → 其他

**call_transcripts** (TeleAntiFraud, synthetic calls): fraud types

- 投资诈骗 → 虚假网络投资理财类
- 客服诈骗 → 冒充电商物流客服类
- 邮件诈骗 → 冒充电商物流客服类 (邮件 = postal items: the caller poses as the courier's customer service about a
  parcel and asks for fees / ID data)
- 银行诈骗 → 其他 (caller poses as the bank's security centre; no MPS class for it)
- 钓鱼诈骗 → 其他 (mixed phishing for card / ID data)
- 身份盗窃 → 其他 (asks for ID and card data)
- 彩票诈骗 → 其他 (虚假中奖 is listed under 其他 by the MPS)
- 绑架诈骗 → 其他 (虚假绑架)
- any other / unknown type → 其他.  Normal calls → normal.

**dialogues** (eval0902): binary only: fraud → fraud with typology None (unknown), else normal.

Unknown sources: ``fraud=True`` → fraud / None, else normal.  ``map_label`` never raises on a label it does not
know: it logs once and falls back, so a new corpus can be added without code changes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fanzha.domain import Category, Typology

log = logging.getLogger(__name__)

T = Typology

#: Evidence that a 贷款/征信 message is about the credit record (虚假征信类).
CREDIT_KEYWORDS: tuple[str, ...] = (
    "征信",
    "注销",
    "校园贷",
    "学生贷",
    "学生账户",
    "京东金条",
    "金条",
    "白条",
    "花呗",
    "借呗",
    "信用记录",
    "不良记录",
    "逾期记录",
    "影响信用",
    "信用分",
    "网贷账户",
    "关闭账户",
)

#: Loan-advert phrases that mention 征信 without being about repairing / cancelling a credit record.
LOAN_CREDIT_PHRASES = re.compile(
    r"(不上|不看|不查|无视|不问|不用|无需|不需要?)征信|征信(不好|花了?|差|黑|有问题|不良)也?(能|可以?)?"
)

TFT8_LABELS: dict[str, Typology | None] = {
    "冒充公检法及政府机关类": T.POLICE,
    "贷款、代办信用卡、虚假征信类": None,  # split by keywords, see split_loan_credit
    "冒充电商物流客服类": T.ECOMMERCE_CS,
    "冒充领导、熟人类": T.LEADER,
    "刷单返利类": T.SHUADAN,
    "网络婚恋、交友类": T.ROMANCE,
    "网络游戏产品虚假交易类": T.GAME,
    # the MPS names themselves are accepted too (e.g. a future corpus already split)
    **{t.value: t for t in Typology},
}

FBS_FRAUD: dict[str, Typology] = {
    "FR:Financial": T.INVESTMENT,
    "FR:Phishing(Bank)": T.OTHER,
    "FR:Phishing(Other)": T.OTHER,
    "FR:Other": T.OTHER,
}

CALL_TYPES: dict[str, Typology] = {
    "投资诈骗": T.INVESTMENT,
    "客服诈骗": T.ECOMMERCE_CS,
    "邮件诈骗": T.ECOMMERCE_CS,
    "银行诈骗": T.OTHER,
    "钓鱼诈骗": T.OTHER,
    "身份盗窃": T.OTHER,
    "彩票诈骗": T.OTHER,
    "绑架诈骗": T.OTHER,
}

_warned: set[tuple[str, str | None]] = set()


def _warn_once(source: str, label: str | None) -> None:
    if (source, label) not in _warned:
        _warned.add((source, label))
        log.warning("unknown label %r for source %r: using the fallback mapping", label, source)


def split_loan_credit(text: str) -> Typology:
    """贷款、代办信用卡、虚假征信类 → 虚假征信类 when credit-record evidence is present, else 贷款、代办信用卡类."""
    cleaned = LOAN_CREDIT_PHRASES.sub("", text)
    return T.CREDIT if any(k in cleaned for k in CREDIT_KEYWORDS) else T.LOAN


def source_family(source: str) -> str:
    """The corpus family of a ``source`` field value (tft8 / tft5 / fbs / call / dialogue / other)."""
    s = source.lower()
    if s.startswith("tft8"):
        return "tft8"
    if s.startswith("tft5"):
        return "tft5"
    if s.startswith("fbs"):
        return "fbs"
    if "teleantifraud" in s or s.startswith("call"):
        return "call"
    if s.startswith("afsft") or "dialog" in s:
        return "dialogue"
    return "other"


def map_label(source: str, label: str | None, text: str, fraud: bool | None = None) -> tuple[Category, Typology | None]:
    """(category, typology) of one corpus record.  ``fraud`` is the record's binary flag (used by binary sources)."""
    fam = source_family(source)
    if fam == "tft5":
        return Category.NORMAL, None
    if fam == "tft8":
        if label == "贷款、代办信用卡、虚假征信类":
            return Category.FRAUD, split_loan_credit(text)
        if label in TFT8_LABELS:
            return Category.FRAUD, TFT8_LABELS[label]
        _warn_once(source, label)
        return Category.FRAUD, T.OTHER
    if fam == "fbs":
        lab = label or ""
        if lab.startswith("FR:"):
            if lab not in FBS_FRAUD:
                _warn_once(source, label)
            return Category.FRAUD, FBS_FRAUD.get(lab, T.OTHER)
        if lab.startswith("AD:"):
            return Category.SPAM, None
        if lab.startswith("IL:"):
            return Category.ILLEGAL, None
        if lab != "Other":
            _warn_once(source, label)
        return Category.NORMAL, None
    if fam == "call":
        if label is None and not fraud:
            return Category.NORMAL, None
        if label not in CALL_TYPES:
            _warn_once(source, label)
        return Category.FRAUD, CALL_TYPES.get(label or "", T.OTHER)
    if fam == "dialogue":
        return (Category.FRAUD, None) if fraud else (Category.NORMAL, None)
    if fraud:
        return Category.FRAUD, (TFT8_LABELS.get(label) if label else None)
    return Category.NORMAL, None


# FBS replaced contacts by upper-case placeholders.  Real messages carry real URLs / numbers, so for training the
# placeholders become neutral look-alikes of what they stand for (digits are folded by the featurizer anyway);
# NAME / PLACE become nothing.  Only applied to the fbs source.
_FBS_PLACEHOLDERS = re.compile(r"CELLPHONE|HOTLINE|PHONE|WECHAT|URL|DIGIT|NAME|PLACE|BANK")
_FBS_SURROGATE = {
    "CELLPHONE": " 13800000000 ",
    "HOTLINE": " 4000000000 ",
    "PHONE": " 01000000000 ",
    "WECHAT": " 微信wx000000 ",
    "URL": " http://x0.cn ",
    "DIGIT": "0",
    "NAME": "",
    "PLACE": "",
    "BANK": " 6222000000000000 ",
}


def training_text(source: str, text: str) -> str:
    """The text a model is trained on for one record (placeholders of fbs replaced, see above)."""
    if source_family(source) == "fbs":
        return _FBS_PLACEHOLDERS.sub(lambda m: _FBS_SURROGATE[m.group(0)], text)
    return text


@dataclass(frozen=True, slots=True)
class LabeledText:
    text: str  # training_text(...) applied, not normalised
    category: Category
    typology: Typology | None
    source: str
    file: str  # the file name it came from (per-file reporting)
    label: str | None  # the source's own label


def read_corpus(paths: Iterable[Path]) -> Iterator[LabeledText]:
    """Records of JSONL corpus files mapped to LabeledText, in file order (deterministic)."""
    for path in paths:
        with Path(path).open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("%s: skipping a malformed line", path)
                    continue
                text = d.get("text")
                if not isinstance(text, str) or not text.strip():
                    continue
                source = str(d.get("source") or Path(path).stem)
                label = d.get("type")
                cat, typ = map_label(source, label, text, bool(d.get("fraud")))
                yield LabeledText(training_text(source, text), cat, typ, source, Path(path).name, label)


DEFAULT_FILES: tuple[str, ...] = (
    "tft8_typed_fraud.jsonl",
    "tft5_normal_dev.jsonl",
    "fbs_sms.jsonl",
    "call_transcripts.jsonl",
    "dialogues_eval0902.jsonl",
)
