"""The intake evidence is shown to Chinese-speaking desk officers (console tooltips): its `why` texts are Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fanzha.cases.intake import extract

_DATA = Path(__file__).parent / "data" / "narratives.jsonl"
_QUOTED = re.compile(r"“[^”]*”")
_ENGLISH_WORD = re.compile(r"(?<![A-Za-z])(?!APP\b|QQ\b)[A-Za-z]{3,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _whys() -> list[str]:
    out: list[str] = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        el = extract(r["text"], r["reported_at"])
        out += [e.why for e in el.evidence] + [t.why for t in el.transfers]
    return out


def test_every_evidence_why_is_chinese() -> None:
    whys = _whys()
    assert len(whys) > 200
    english = sorted({w for w in whys if _ENGLISH_WORD.search(_QUOTED.sub("", w)) or not _CJK.search(w)})
    assert not english, english[:10]


def test_why_examples() -> None:
    el = extract(
        "报案人称昨天接到15098765432的来电，对方自称快递客服，称其快递丢失要理赔，让其转账5000元到6217000261401419314，报案人照做。",
        "2024-03-15 10:00",
    )
    by_field = {(e.field, e.value): e.why for e in el.evidence}
    assert by_field[("phones", "15098765432")].startswith("对方")
    assert "报案人" in by_field[("payee_accounts", "6217000261401419314")]
    assert el.transfers and "报案人" in el.transfers[0].why
