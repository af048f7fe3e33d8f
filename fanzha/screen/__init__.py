"""Fraud text screening: rules as data (Aho-Corasick), context, statistical model and indicators -> one Verdict.

from fanzha.screen import screen, screen_many
v = screen("【公安局】您涉嫌洗钱，请将资金转入安全账户配合调查")
v.fraud, v.risk, v.type, v.evidence, v.advice
"""

from __future__ import annotations

import sys
import types

from fanzha.domain import Verdict
from fanzha.screen.engine import (
    KINDS,
    EmptyTextError,
    Engine,
    ScreenInputError,
    TextTooLongError,
    get_engine,
    screen,
    screen_many,
)
from fanzha.screen.rules import RuleHit, RuleLoadError, RuleSet, default_ruleset

__all__ = [
    "KINDS",
    "EmptyTextError",
    "Engine",
    "RuleHit",
    "RuleLoadError",
    "RuleSet",
    "ScreenInputError",
    "TextTooLongError",
    "default_ruleset",
    "get_engine",
    "screen",
    "screen_many",
]


class _CallableModule(types.ModuleType):
    """``fanzha.screen`` is both this package and the function: once the package is imported, the attribute
    ``fanzha.screen`` is the module, so the module itself answers ``fanzha.screen(text, kind)``."""

    def __call__(self, text: str, kind: str = "auto") -> Verdict:
        return screen(text, kind)


sys.modules[__name__].__class__ = _CallableModule
