"""The official registries (data files next to this module): service numbers, official domains, BINs, apps.

``is_allowlisted(kind, normalized)`` is the one answer to "is this an official, never-risky value?" used by the
indicator checks, the screening engine and the indicator register.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DATA = resources.files("fanzha.indicators") / "data"


def _load_yaml(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True, slots=True)
class OfficialNumber:
    number: str
    owner: str
    category: str
    confirmed: bool
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Brand:
    brand: str
    domains: tuple[str, ...]
    keywords: tuple[str, ...]
    category: str
    confirmed: bool
    source: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BinRow:
    bin: str
    bank: str
    card_type: str
    source: str
    confirmed: bool


@lru_cache(maxsize=1)
def official_numbers() -> dict[str, OfficialNumber]:
    out: dict[str, OfficialNumber] = {}
    for row in _load_yaml("official_numbers.yaml"):
        num = str(row["number"])
        out[num] = OfficialNumber(
            number=num,
            owner=str(row["owner"]),
            category=str(row["category"]),
            confirmed=bool(row.get("confirmed", False)),
            source=str(row.get("source", "")),
            note=str(row.get("note", "") or ""),
        )
    return out


@lru_cache(maxsize=1)
def _domains_data() -> dict[str, Any]:
    data = _load_yaml("official_domains.yaml")
    assert isinstance(data, dict)
    return data


@lru_cache(maxsize=1)
def brands() -> tuple[Brand, ...]:
    return tuple(
        Brand(
            brand=str(b["brand"]),
            domains=tuple(str(d).lower() for d in b["domains"]),
            keywords=tuple(str(k).lower() for k in b.get("keywords", [])),
            category=str(b.get("category", "")),
            confirmed=bool(b.get("confirmed", False)),
            source=str(b.get("source", "")),
            names=tuple(str(n) for n in b.get("names", [])),
        )
        for b in _domains_data()["brands"]
    )


@lru_cache(maxsize=1)
def official_domains() -> dict[str, Brand]:
    """registrable domain -> brand (the first brand listing it)."""
    out: dict[str, Brand] = {}
    for b in brands():
        for d in b.domains:
            out.setdefault(d, b)
    return out


@lru_cache(maxsize=1)
def official_suffixes() -> dict[str, str]:
    return {str(s["suffix"]).lower(): str(s["owner"]) for s in _domains_data().get("suffix_allow", [])}


def official_domain_for_host(host: str) -> tuple[str, str] | None:
    """(official domain or suffix, owner) when ``host`` is that domain or one of its subdomains."""
    host = host.lower().rstrip(".")
    doms = official_domains()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        cand = ".".join(parts[i:])
        if cand in doms:
            return cand, doms[cand].brand
    suffixes = official_suffixes()
    for i in range(1, len(parts) - 1):
        cand = ".".join(parts[i:])
        if cand in suffixes:
            return cand, suffixes[cand]
    return None


@lru_cache(maxsize=1)
def bin_table() -> dict[str, BinRow]:
    out: dict[str, BinRow] = {}
    with (DATA / "bin_table.csv").open(encoding="utf-8") as fh:
        rows = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows):
            b = row["bin"].strip()
            out[b] = BinRow(
                bin=b,
                bank=row["bank"].strip(),
                card_type=row["card_type"].strip(),
                source=row["source"].strip(),
                confirmed=row["confirmed"].strip().lower() in ("1", "true", "yes"),
            )
    return out


def lookup_bin(card: str) -> BinRow | None:
    table = bin_table()
    for n in (8, 7, 6, 5, 4):
        row = table.get(card[:n])
        if row is not None:
            return row
    return None


@lru_cache(maxsize=1)
def apps_data() -> dict[str, Any]:
    data = _load_yaml("apps.yaml")
    assert isinstance(data, dict)
    return data


def is_allowlisted(kind: str, normalized: str) -> bool:
    """True when the normalised value is an official number / domain (never flagged as risky)."""
    if kind == "phone":
        if normalized in official_numbers():
            return True
        from fanzha.indicators.normalizers import parse_phone  # "96110-8888": official number + extension

        try:
            p = parse_phone(normalized)
        except ValueError:
            return False
        return p.prefix == "" and p.category == "service" and p.national in official_numbers()
    if kind in ("url", "domain"):
        from fanzha.indicators.normalizers import host_of

        host = host_of(normalized)
        if not host:
            return False
        if kind == "url" and "@" in normalized.split("/", 1)[0]:
            return False
        return official_domain_for_host(host) is not None
    return False
