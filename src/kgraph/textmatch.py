"""Finding quotes in source texts, forgiving whitespace, quote marks, dashes and Unicode forms.

A quote and its source are compared after *folding* both: typographic quote marks and dashes
become ASCII, runs of whitespace one space, ligatures (``ﬁ``) their letters, soft hyphens
(and a line break after one) nothing, and every string is put in Unicode NFC, so a quote typed
in NFD (as macOS writes it) matches an NFC source. Folding is only for comparing: ``SourceText``
maps a match in the folded text back to the exact characters of the source (``passage``), which
is what the graph stores.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import difflib
    from collections.abc import Callable

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
# The spots where folding changes the length of the text: a soft hyphen (with the line break
# after it), a run of two or more whitespace characters, whitespace at either end, a ligature.
# Everywhere else one character folds to one character, which keeps the offset map sparse.
# A hyphen at a line end between two letters (``Denuclear-\nization``) is the typesetter's, not
# the word's: it goes with the line break, as a soft hyphen does.
_HYPHEN_BREAK = r"(?<=[^\W\d_])[-\u2010\u2011][^\S\n]*\n[^\S\n]*(?=[^\W\d_])"
_SPOTS = re.compile(
    rf"(?P<gone>{_HYPHEN_BREAK}|\A[\s\u00ad]+|[\s\u00ad]+\Z|\u00ad\s*)|(?P<space>\s{{2,}})"
    r"|[\ufb00-\ufb06]"
)
_SPACE = re.compile(r"\s")
_BREAKS = "\n\r\v\f\x1c-\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(rf"(\u00ad)?[^\S{_BREAKS}]*[{_BREAKS}]\s*")

# A segment of the map: (folded start, original start, folded length, original length, exact)
# where ``exact`` says the segment maps character for character.
Segment = tuple[int, int, int, int, bool]


def fold_map(text: str) -> tuple[str, list[list[Segment]]]:
    """``text`` folded, and the maps (lists of segments, applied in order) back to ``text``.

    One pass is enough unless removing a soft hyphen or expanding a ligature brought a letter
    next to an accent that NFC composes with it (an e, a soft hyphen, a combining acute); a second
    pass composes those, so folding a folded text changes nothing.
    """
    folded, segments = _fold(text)
    if unicodedata.is_normalized("NFC", folded):
        return folded, [segments]
    again, more = _fold(folded)
    return again, [more, segments]


_NOT_SPACE = re.compile(r"\S")
_CHUNK = 1 << 20


def _fold(text: str) -> tuple[str, list[Segment]]:
    """One folding pass: the folded text and the segments that map it back."""
    segments: list[Segment] = []
    pieces: list[str] = []
    folded_at = 0

    def plain(start: int, end: int) -> None:
        # A chunk at a time: re.sub over a whole 200 MB text keeps one string per word and per
        # space until it joins them (3.7 GB). Chunks end where a whitespace run does, and
        # contiguous plain segments merge, so the text and the map are the same as in one go.
        while start < end:
            stop = min(start + _CHUNK, end)
            after = _NOT_SPACE.search(text, stop, end) if stop < end else None
            stop = after.start() if after else end
            plain_chunk(start, stop)
            start = stop

    def plain_chunk(start: int, end: int) -> None:
        nonlocal folded_at
        if start >= end:
            return
        piece = _SPACE.sub(" ", text[start:end].translate(_TRANSLATE))
        pieces.append(piece)
        last = segments[-1] if segments else None
        if last and last[4] and last[0] + last[2] == folded_at and last[1] + last[3] == start:
            segments[-1] = (last[0], last[1], last[2] + len(piece), last[3] + len(piece), True)
        else:
            segments.append((folded_at, start, len(piece), end - start, True))
        folded_at += len(piece)

    def changed(start: int, end: int, piece: str) -> None:
        nonlocal folded_at
        if piece:
            pieces.append(piece)
            segments.append((folded_at, start, len(piece), end - start, False))
            folded_at += len(piece)

    nfc = unicodedata.is_normalized("NFC", text)
    at = 0
    for spot in _SPOTS.finditer(text):
        _between(text, at, spot.start(), nfc, plain, changed)
        kind = spot.lastgroup
        changed(
            spot.start(),
            spot.end(),
            "" if kind == "gone" else " " if kind == "space" else spot.group().translate(_TRANSLATE),
        )
        at = spot.end()
    _between(text, at, len(text), nfc, plain, changed)
    return "".join(pieces), segments


def _between(
    text: str,
    start: int,
    end: int,
    nfc: bool,
    plain: Callable[[int, int], None],
    changed: Callable[[int, int, str], None],
) -> None:
    """Fold ``text[start:end]``, which holds no spot; outside NFC, cluster by cluster."""
    if nfc:
        plain(start, end)
        return
    # A cluster is a character with everything NFC would compose into it (combining marks,
    # Hangul vowels and finals); rare, so this slow walk only runs on non-NFC text.
    at = start
    while at < end:
        stop = at + 1
        while stop < end and (
            unicodedata.combining(text[stop])
            or len(unicodedata.normalize("NFC", text[at : stop + 1]))
            < len(unicodedata.normalize("NFC", text[at:stop])) + 1
        ):
            stop += 1
        cluster = text[at:stop]
        composed = unicodedata.normalize("NFC", cluster)
        if composed == cluster:
            plain(at, stop)
        else:
            changed(at, stop, _SPACE.sub(" ", composed.translate(_TRANSLATE)))
        at = stop


_SOFT_HYPHEN = re.compile(r"\u00ad\s*")
_HYPHENATED = re.compile(_HYPHEN_BREAK)
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 18)  # a quote is normalised by validation, compilation and paths
def normalize(text: str) -> str:
    r"""Fold typographic quotes and dashes to ASCII, runs of whitespace to one space, NFC.

    The same as ``fold_map(text)[0]`` (a property test holds them together), without the map:
    every quote is folded, and most texts need none of the map's work.

    >>> normalize("the \u201cpower\nfield\u201d \u2013 Korea, de\ufb01ned, co\u00adoperation, Denuclear-\nization")
    'the "power field" - Korea, defined, cooperation, Denuclearization'
    """
    folded = _SPACES.sub(" ", _SOFT_HYPHEN.sub("", _HYPHENATED.sub("", text).translate(_TRANSLATE))).strip()
    return folded if unicodedata.is_normalized("NFC", folded) else unicodedata.normalize("NFC", folded)


def layout_free(passage: str) -> str:
    r"""A source passage as quoted: each line break (with the spaces around it) becomes one space,
    and a line break after a soft hyphen goes, since the word goes on; so does a hyphen at a line
    end between two letters, with its line break (``Denuclear-\nization`` reads ``Denuclearization``).
    Every other character stays.

    >>> layout_free("King\u2019s\n  power co\u00ad\noperation") == "King\u2019s power co\u00adoperation"
    True
    >>> layout_free("Denuclear-\nization talks")
    'Denuclearization talks'
    """
    return _LINE_BREAK.sub(lambda m: m.group(1) or " ", _HYPHENATED.sub("", passage))


def _word(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the whole words it touches."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


#: How an annotator marks words left out of a quote: an ellipsis or three dots, bracketed or not.
_ELISION = re.compile(r"\s*(?:\[\s*(?:\.{3,}|\u2026)\s*\]|\.{3,}|\u2026)\s*")
#: The fragments of one quote stand within this many characters of the source (folded).
FRAGMENT_SPAN = 1000
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def fragments(quote: str) -> list[str]:
    """The folded parts of a quote between the marks of left-out words (one part when none).

    >>> fragments("Russia supported [...] the sanctions \u2026 in 2009")
    ['Russia supported', 'the sanctions', 'in 2009']
    """
    return [part for part in _ELISION.split(normalize(quote)) if part]


class Miss(NamedTuple):
    """Where a quote that is not in the text departs from the passage nearest to it."""

    line: int  # of the first difference, in the source file (1-based)
    column: int
    quote: str  # the quote around the first difference, the differing characters [marked]
    text: str  # the source around the same place, its characters [marked]
    more: int  # how many further differences follow


class SourceText:
    """A source text prepared for repeated quote look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normalized, self._maps = fold_map(text)
        self._starts = [[s[0] for s in segments] for segments in self._maps]
        self._matcher: difflib.SequenceMatcher[str] | None = None  # made for the first miss

    def contains(self, quote: str) -> bool:
        return bool(self.matches(quote))

    def matches(self, quote: str) -> list[list[tuple[int, int]]]:
        """Every place ``quote`` stands, each as its fragments' folded spans, in order.

        A quote found as written is one fragment (an ellipsis the source itself prints included).
        Otherwise a quote with left-out words (``…``, ``...``, ``[...]``) is found as its fragments
        in their order, all within one paragraph (no blank line between) and within
        FRAGMENT_SPAN characters from the first's start to the last's end; each fragment is put
        at its nearest occurrence after the one before, so each place is the tightest one.
        """
        wanted = normalize(quote)
        found = self.find(quote)
        parts = fragments(quote)
        if found or len(parts) < 2:
            if not found and parts and parts[0] != wanted:  # only a leading or trailing ellipsis
                return [[(at, at + len(parts[0]))] for at in self._occurrences(parts[0])]
            return [[(at, at + len(wanted))] for at in found]
        places = []
        hay = self.normalized
        for first in self._occurrences(parts[0]):
            spans = [(first, first + len(parts[0]))]
            for part in parts[1:]:
                at = hay.find(part, spans[-1][1])
                if at < 0 or at + len(part) - first > FRAGMENT_SPAN:
                    break
                spans.append((at, at + len(part)))
            else:
                start, end = self.original(first, spans[-1][1])
                if not _PARAGRAPH_BREAK.search(self.text, start, end):
                    places.append(spans)
        return places

    def anchors(self, place: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The source spans ``[start, end)`` (code points of the text as read) of a place's fragments."""
        return [self.original(start, end) for start, end in place]

    def place_passage(self, place: list[tuple[int, int]]) -> str:
        """The source's own characters for a place (line breaks as spaces), its fragments joined
        by `` … `` where words were left out."""
        return " \u2026 ".join(layout_free(self.text[s:e]) for s, e in self.anchors(place))

    def find(self, quote: str) -> list[int]:
        """Folded offsets of every occurrence of ``quote`` (overlapping ones included)."""
        return self._occurrences(normalize(quote))

    def _occurrences(self, wanted: str) -> list[int]:
        """Folded offsets of every occurrence of the folded string ``wanted``."""
        found: list[int] = []
        if not wanted:
            return found
        at = self.normalized.find(wanted)
        while at >= 0:
            found.append(at)
            at = self.normalized.find(wanted, at + 1)
        return found

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source text that the folded span ``[start, end)`` came from."""
        for segments, starts in zip(self._maps, self._starts):
            seg = segments[bisect.bisect_right(starts, start) - 1]
            first = seg[1] + (start - seg[0] if seg[4] else 0)
            seg = segments[bisect.bisect_right(starts, end - 1) - 1]
            start, end = first, seg[1] + (end - seg[0] if seg[4] else seg[3])
        return start, end

    def passage(self, quote: str, at: int | None = None) -> str | None:
        """The source's own characters for ``quote`` found at folded offset ``at`` (by default its
        first occurrence), with line breaks as spaces; None when the quote is not in the text."""
        if at is None:
            found = self.find(quote)
            if not found:
                return None
            at = found[0]
        start, end = self.original(at, at + len(normalize(quote)))
        return layout_free(self.text[start:end])

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column (1-based) of an offset into the source text."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def _point(self, folded: int) -> int:
        """The source offset where the folded offset ``folded`` starts (or the end of the text)."""
        if folded >= len(self.normalized):
            return len(self.text)
        return self.original(folded, folded + 1)[0]

    def _chars(self, start: int, end: int) -> str:
        """The source's characters for the folded span ``[start, end)``, line breaks as spaces."""
        start, end = max(start, 0), min(end, len(self.normalized))
        if start >= end:
            return ""
        first, last = self.original(start, end)
        return layout_free(self.text[first:last])

    def nearest(self, quote: str, before: int = 30, after: int = 20) -> Miss | None:
        """How a quote that is not in the text differs from the passage most like it, or None
        when no passage comes close.

        The passage starts where the longest matching beginning of the quote occurs; when even
        the beginning differs, it is aligned on the longest run the quote shares with the text.
        """
        import difflib

        wanted, hay = normalize(quote), self.normalized
        low, high = 0, len(wanted)
        while low < high:  # the longest prefix of the quote that the text holds
            middle = (low + high + 1) // 2
            if wanted[:middle] in hay:
                low = middle
            else:
                high = middle - 1
        if low >= min(12, len(wanted) // 2) and low > 0:
            anchor = hay.find(wanted[:low])
        else:
            if self._matcher is None:
                self._matcher = difflib.SequenceMatcher(None, autojunk=False)
                self._matcher.set_seq2(hay)
            self._matcher.set_seq1(wanted)
            i, j, size = self._matcher.find_longest_match(0, len(wanted), 0, len(hay))
            if size < min(12, max(len(wanted) // 3, 4)):
                return None
            anchor = max(j - i, 0)
        # Some slack either side, for what the quote left out or added before the anchor.
        slack = max(after, len(wanted) // 4)
        anchor, window = max(anchor - slack, 0), hay[max(anchor - slack, 0) : anchor + len(wanted) + slack]
        diffs = [
            op
            for op in difflib.SequenceMatcher(None, wanted, window, autojunk=False).get_opcodes()
            if op[0] != "equal" and not (op[0] == "insert" and op[1] in (0, len(wanted)))
        ]
        if not diffs:
            return None
        _tag, i1, i2, j1, j2 = diffs[0]
        if i2 == len(wanted):  # the quote ends here: compare as many of the text's characters
            j2 = min(j2, j1 + max(i2 - i1, 1))
        # Whole words read better than letters: "two [countries]" against "two [states]".
        i1, i2 = _word(wanted, i1, i2)
        j1, j2 = _word(window, j1, j2)
        more = sum(1 for op in diffs[1:] if op[1] >= i2)
        j1, j2 = anchor + j1, anchor + j2
        lead = "..." if i1 > before else ""
        quoted = f"{lead}{wanted[max(i1 - before, 0) : i1]}[{wanted[i1:i2]}]{wanted[i2 : i2 + after]}"
        lead = "..." if j1 - before > 0 else ""
        text = f"{lead}{self._chars(j1 - before, j1)}[{self._chars(j1, j2)}]{self._chars(j2, j2 + after)}"
        line, column = self.position(self._point(j1))
        return Miss(line, column, quoted, text, more)
