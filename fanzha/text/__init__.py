"""Text normalisation shared by screening, indicators and case intake.

- :func:`normalize` — the canonical matching form of a text with a map back to the original offsets.
- :func:`parse_amount` / :func:`find_amounts` — the project's one money-amount parser (``fanzha.text.amounts``).
- ``disguises.yaml`` — disguised spellings (V信, 扣扣, shua单, taobao点com ...) and their canonical forms.
"""

from fanzha.text.amounts import AmountMatch, find_amounts, parse_amount
from fanzha.text.normalize import Normalized, load_disguises, normalize

__all__ = ["AmountMatch", "Normalized", "find_amounts", "load_disguises", "normalize", "parse_amount"]
