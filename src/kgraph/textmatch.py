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


_NOT_SPACE = re.compile(r"\S")
#: Characters normalised at a time in a long text: ``re.sub`` over a whole 200 MB text keeps one
#: string object per word and per space until it joins them (3.7 GB); a chunk at a time keeps ~1 MB.
_CHUNK = 1 << 20


def normalize_long(text: str) -> str:
    """``normalize`` for a whole source text, a chunk at a time and never remembered.

    Chunks end only where a whitespace run does, so the result is the same as ``normalize``'s:

    >>> normalize_long("a – " * 3) == normalize("a – " * 3)
    True
    """
    parts = []
    start, length = 0, len(text)
    while start < length:
        end = min(start + _CHUNK, length)
        after = _NOT_SPACE.search(text, end) if end < length else None
        end = after.start() if after else length
        parts.append(_SPACE.sub(" ", text[start:end].translate(_TRANSLATE)))
        start = end
    return "".join(parts).strip()


class SourceText:
    """A source text prepared for repeated quote look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalized = normalize_long(text)

    def contains(self, quote: str) -> bool:
        return normalize(quote) in self.normalized
