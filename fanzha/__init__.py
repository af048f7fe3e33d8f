"""fanzha (反诈): screening, indicators, cases and early warnings against telecom and online fraud."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fanzha.domain import Category, Evidence, Risk, Typology, Verdict

__version__ = "0.1.0"
__all__ = ["Category", "Evidence", "Risk", "Typology", "Verdict", "screen"]

if TYPE_CHECKING:
    from fanzha.screen import screen


def __getattr__(name: str) -> Any:
    # Lazy: importing fanzha must stay cheap (the CLI, Spark workers), the engine loads rules and the model.
    if name == "screen":
        from fanzha.screen import screen

        return screen
    raise AttributeError(name)
