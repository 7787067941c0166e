"""Finding quotes in source texts, forgiving whitespace, quote marks and dashes."""

from __future__ import annotations

import functools
import re

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 18)  # a quote is normalised by validation, compilation and paths
def normalize(text: str) -> str:
    r"""Fold typographic quotes and dashes to ASCII and runs of whitespace to one space.

    >>> normalize("the \u201cpower\nfield\u201d \u2013 Korea")
    'the "power field" - Korea'
    """
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


class SourceText:
    """A source text prepared for repeated quote look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalized = normalize(text)

    def contains(self, quote: str) -> bool:
        return normalize(quote) in self.normalized
