"""Our own synthetic training texts, expanded from ``templates.yaml`` (seeded, deterministic).

They teach the model the hard negatives a corpus-only model gets wrong (genuine verification-code SMS, anti-fraud
publicity that names the scams, news reports, logistics notices, ordinary marketing with links) and a few fraud
scripts of MPS types missing from the corpora.  Written by hand for fanzha; no corpus text is used.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATES = Path(__file__).with_name("templates.yaml")

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class SyntheticText:
    text: str
    category: str
    typology: str | None
    group: str


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    with TEMPLATES.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _computed(name: str, rng: random.Random) -> str | None:
    if name == "code4":
        return f"{rng.randrange(10000):04d}"
    if name == "code6":
        return f"{rng.randrange(1000000):06d}"
    if name == "tail4":
        return f"{rng.randrange(10000):04d}"
    if name == "amount":
        return rng.choice(
            [
                f"{rng.randrange(1, 500) * 100}",
                f"{rng.randrange(1000, 99999)}.{rng.randrange(100):02d}",
                f"{rng.randrange(1, 90)}万",
                f"{rng.randrange(2, 60) * 1000}",
            ]
        )
    if name == "small_amount":
        return str(rng.choice([9.9, 19, 29.9, 50, 88, 99, 128, 199, 200, 299, 399, 500]))
    if name == "date":
        return rng.choice(
            [
                f"{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
                f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}",
                "今天",
                "明天",
                "本周五",
                "下周一",
            ]
        )
    if name == "time":
        return f"{rng.randrange(7, 23)}:{rng.randrange(60):02d}"
    if name == "hour":
        return str(rng.randrange(17, 23))
    if name == "tracking":
        return rng.choice(["SF", "YT", "ZT", "JD", "EMS", "JT"]) + "".join(str(rng.randrange(10)) for _ in range(12))
    if name == "hotline_bank":
        return rng.choice(
            [
                "95588",
                "95533",
                "95599",
                "95566",
                "95559",
                "95555",
                "95580",
                "95528",
                "95558",
                "95561",
                "95568",
                "95595",
                "95511",
                "95577",
                "95508",
            ]
        )
    if name == "phone":
        return rng.choice(["0", "1"]) + "".join(str(rng.randrange(10)) for _ in range(10))
    if name == "short_url":
        host = rng.choice(["m.tb.cn", "u.jd.com", "dpurl.cn", "t.cn", "c.vip.com", "s.meituan.com", "url.cn"])
        return f"https://{host}/" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
    if name == "percent":
        return str(rng.randrange(5, 60))
    if name == "count":
        return str(rng.randrange(2, 60))
    return None


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random, depth: int = 0) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in slots:
            val = rng.choice(slots[name])
            return _fill(val, slots, rng, depth + 1) if depth < 3 and "{" in val else val
        got = _computed(name, rng)
        if got is None:
            raise KeyError(f"unknown template slot {{{name}}} in {TEMPLATES.name}")
        return got

    return _SLOT.sub(repl, template)


def generate(n_per_template: int = 40, seed: int = 0) -> list[SyntheticText]:
    """``n_per_template`` distinct fillings of each template (fewer when a template has fewer combinations)."""
    data = _load()
    slots: dict[str, list[str]] = {k: [str(x) for x in v] for k, v in data["slots"].items()}
    rng = random.Random(seed)
    out: list[SyntheticText] = []
    for tpl in data["templates"]:
        seen: set[str] = set()
        for _ in range(n_per_template * 4):
            if len(seen) >= n_per_template:
                break
            text = _fill(str(tpl["text"]), slots, rng)
            if text in seen:
                continue
            seen.add(text)
            out.append(SyntheticText(text, str(tpl["category"]), tpl.get("typology"), str(tpl.get("group", ""))))
    return out
