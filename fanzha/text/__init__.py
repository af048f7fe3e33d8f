"""Text normalisation shared by screening, indicators and case intake."""

from fanzha.text.normalize import Normalized, normalize

__all__ = ["Normalized", "normalize"]
