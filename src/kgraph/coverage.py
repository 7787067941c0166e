"""What of a source text the relations quote, and what they leave out: ``kgraph coverage``.

Plain records only (no printing, no rich). A text is read as lines, each one of:

* **heading**: the text's own section titles, found by a rule (``is_heading``) that works on
  plain-text extractions, where headings carry no mark-up:

  1. a numbered heading: ``2. Leadership``, ``4.13.1. July 2000: ...``, ``A.3. Why ...?``,
     ``Chapter 2``, ``Appendix A. ...``, ``Part IV``, ``Section 3``;
  2. an ALL-CAPS line (``CONCLUSION``): at least four letters, none of them lower case;
  3. a short title line: at most 8 words and 70 characters, starting with a capital, ending with a
     letter (not ``.``, ``,``, ``:`` or a footnote number) and not with a small word (*of*, *in*,
     *the*...), with at least half of its other words capitalised, that stands apart: after a blank
     line, a heading, or a line that ends a sentence; and before a blank line or the end, or (for a
     title of at most 4 words) before a line starting with a capital. A short lower-case line right
     after it (a title wrapped over two lines: ``Brief Historical overview of Russian-Korean`` /
     ``relations``) belongs to it.

  Title lines and ALL-CAPS lines start at the margin (at most one space in): indented lines are body
  text. Numbered lines are headings at any indentation (a table of contents lists them indented;
  its entries become sections without sentences, which the report leaves out).
* **footnote**: a line ``N) ...`` and the lines after it up to a blank line or a line that starts
  with a space (where the extraction resumes the body, as the bundled article's does);
* **blank**, or **body**.

Sentences are split in the body of each section: line breaks are spaces, a blank line or a heading
ends a sentence, and a sentence ends at ``.``, ``!`` or ``?`` (with any closing quote or bracket and
a footnote number glued to it: ``combined".2``) before a capital, a digit, an opening quote or the
end. A period does not end a sentence after a known abbreviation (``Dr.``, ``e.g.``, ``p.``,
``No.``...), an initial (``H. Rose``), or dotted letters (``Ph.D.``, ``U.S.``). Footnote lines inside a
sentence (a footnote block set in the middle of a wrapped paragraph) are left out of it.

A sentence is *quoted* when the span of at least one relation's quote overlaps it. Every occurrence
of a quote counts (a quote the text holds twice, as ``quote_ok: repeated`` accepts, covers both).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgraph.errors import UnknownSource
from kgraph.textmatch import SourceText

if TYPE_CHECKING:
    from kgraph.model import Dataset, Relation
    from kgraph.rows import Rows

_NUMBERED = re.compile(
    r"(?:(?:chapter|part|section|appendix)\s+[0-9IVXLC]+[A-Z]?\b\.?|[0-9]{1,3}(?:\.[0-9]{1,3})*\.|"
    r"[A-Z](?:\.[0-9]{1,3})+\.)(?:\s+\S.*)?$",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"([0-9]{1,3})\)\s")
_SMALL = frozenset("a an and as at by for from in into of on or over per the to under vs with".split())
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos vol vols p pp ed eds fig figs ch sec art para gen lt col capt sgt "
    "gov sen rep pres jr sr inc ltd co corp dept univ est approx ca cf etc al vs jan feb mar apr "
    "jun jul aug sep sept oct nov dec mt ft".split()
)


@dataclass
class Sentence:
    """One sentence of the body, with whether any quote overlaps it."""

    start: int  # offsets into the source text
    end: int
    line: int
    text: str  # line breaks as spaces, footnote lines left out
    section: str
    quoted: bool = False


@dataclass
class Section:
    """A heading's share of the sentences, and how many of them are quoted."""

    title: str  # "" for the text before the first heading
    line: int
    sentences: int = 0
    quoted: int = 0

    @property
    def share(self) -> float | None:
        return self.quoted / self.sentences if self.sentences else None


@dataclass
class Passage:
    """A stretch of the text that one or more quotes cover (overlapping quotes merged)."""

    start: int
    end: int
    line: int
    text: str  # the source's exact characters
    relations: list[str]  # "subject predicate object" of every relation quoting into it


@dataclass
class Mention:
    """A known entity's name in a sentence whose quoting relations leave the entity out (``entity``:
    its id, or ``a or b`` for a name several entities bear)."""

    entity: str
    name: str
    line: int


@dataclass
class Candidate:
    """A capitalised name that is no entity's: something perhaps still to annotate."""

    name: str
    count: int
    line: int  # the first


@dataclass
class Footnote:
    """A numbered footnote of the text (``N) ...``)."""

    number: int
    line: int
    text: str


@dataclass
class SourceCoverage:
    """Everything ``kgraph coverage`` reports about one source text."""

    source: str  # the publication's id
    path: str
    sentences: int
    quoted: int
    sections: list[Section]
    unquoted: list[Sentence]
    uncovered: list[Mention]  # known entities named where no relation quoting there mentions them
    candidates: list[Candidate]  # capitalised names that match no entity
    uncited: list[Footnote]  # footnotes no relation cites
    footnotes: int
    passages: list[Passage]
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, title
    text: str = ""  # the source text itself (for the HTML page; not in JSON or CSV)

    @property
    def share(self) -> float | None:
        return self.quoted / self.sentences if self.sentences else None


class Lines:
    """Line numbers of offsets, by bisection over the line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


# --- reading the text --------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _title_case(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in _SMALL]
    capitals = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit())
    return bool(content) and capitals * 2 >= len(content)


def _ends_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?:][\"'\u201d\u2019)\]]*[0-9]{0,3}\s*$", line))


def is_heading(lines: list[str], index: int, previous_heading: bool = False) -> bool:
    """Whether ``lines[index]`` is a section heading, by the rule in the module's docstring."""
    raw = lines[index]
    line = raw.strip()
    if not line or len(line) > 80 or _FOOTNOTE.match(line):
        return False
    words = line.split()
    if (
        _NUMBERED.match(line)
        and len(words) <= 14
        and not re.search(r"[.,;]$", line)
        and (len(words) == 1 or words[1][:1].isupper() or words[1][:1].isdigit())
    ):
        return True
    if len(raw) - len(raw.lstrip()) > 1:
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 8:
        return True
    if len(words) > 8 or len(line) > 70 or not line[0].isupper() or not line[-1].isalpha():
        return False
    if not _title_case(words) or words[-1].lower() in _SMALL:
        return False
    before = lines[index - 1].strip() if index > 0 else ""
    if before and not previous_heading and not _ends_sentence(before):
        return False
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if not after:
        return True
    if after[0].isupper() and len(words) <= 4:
        return True
    return _wrapped_title(lines, index + 1)


def _wrapped_title(lines: list[str], index: int) -> bool:
    """A short lower-case line that ends a title wrapped over two lines."""
    line = lines[index].strip()
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return (
        bool(line)
        and line[0].islower()
        and len(line.split()) <= 3
        and line[-1].isalpha()
        and (not after or after[0].isupper())
    )


def _classify(text: str) -> list[str]:
    """The kind of every line: heading, heading+ (a title's second line), footnote, blank, body."""
    lines = text.split("\n")
    kinds: list[str] = []
    in_note = False
    for index, raw in enumerate(lines):
        if (
            kinds
            and kinds[-1] == "heading"
            and index > 0
            and _wrapped_title(lines, index)
            and not _NUMBERED.match(lines[index - 1].strip())
        ):
            kinds.append("heading+")
            continue
        if not raw.strip():
            kinds.append("blank")
            in_note = False
        elif _FOOTNOTE.match(raw):
            kinds.append("footnote")
            in_note = True
        elif in_note and not raw[:1].isspace():
            kinds.append("footnote")
        elif is_heading(lines, index, bool(kinds) and kinds[-1].startswith("heading")):
            kinds.append("heading")
            in_note = False
        else:
            kinds.append("body")
            in_note = False
    return kinds


_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*")
_NEXT = re.compile(r"\s+[\"'\u201c\u2018(\[]?[A-Z0-9]|\s*$")


def _is_boundary(buf: str, dot: int, end: int) -> bool:
    """Whether the mark at ``buf[dot]`` (closing marks up to ``end``) ends a sentence."""
    if buf[dot] == ".":
        word = re.search(r"[^\s(\[\"'\u201c\u2018]*$", buf[:dot]).group()  # type: ignore[union-attr]
        bare = word.lower().strip(".")
        if bare in ABBREVIATIONS or re.fullmatch(r"[A-Za-z]", word) or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
            return False
    return bool(_NEXT.match(buf, end))


def _split(buf: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph (line breaks already spaces)."""
    spans, start = [], 0
    for mark in _END.finditer(buf):
        end = mark.end()
        if buf[mark.start()] == "." and not buf[mark.start() - 1 : mark.start()].isdigit():
            # "cent.12 After" or, as extractions space it, "million. 11 Already"
            digits = re.match(r"[0-9]{1,3}(?=\s|$)|\s[0-9]{1,2}(?=\s+[A-Z])", buf[end:])
            if digits:  # a footnote number glued to the end of the sentence
                end += digits.end()
        if _is_boundary(buf, mark.start(), end):
            spans.append((start, end))
            start = end
    spans.append((start, len(buf)))
    out = []
    for a, b in spans:
        while a < b and buf[a].isspace():
            a += 1
        while b > a and buf[b - 1].isspace():
            b -= 1
        if any(c.isalpha() for c in buf[a:b]):
            out.append((a, b))
    return out


def body_only(text: str) -> str:
    """``text`` with every heading and footnote line blanked out (same length, same offsets)."""
    kinds = _classify(text)
    out = list(text)
    for kind, (a, b) in zip(kinds, _lines(text)):
        if kind not in ("body", "blank"):
            out[a:b] = " " * (b - a)
    return "".join(out)


def read_text(text: str) -> tuple[list[tuple[int, int, str, int]], list[Sentence], list[Footnote]]:
    """Headings (start, end, title, line), sentences and footnotes of a text."""
    kinds = _classify(text)
    spans = _lines(text)
    lines = Lines(text)
    headings: list[tuple[int, int, str, int]] = []
    sentences: list[Sentence] = []
    notes: list[Footnote] = []
    section = ""
    paragraph: list[int] = []  # line indexes of the current paragraph's body lines

    def flush() -> None:
        if not paragraph:
            return
        pieces, marks = [], []  # marks: (offset in buf, offset in text)
        at = 0
        for index in paragraph:
            a, b = spans[index]
            marks.append((at, a))
            pieces.append(text[a:b])
            at += b - a + 1
        buf = " ".join(pieces)
        starts = [m[0] for m in marks]

        def back(offset: int, closing: bool) -> int:
            i = bisect.bisect_right(starts, offset - (1 if closing else 0)) - 1
            return marks[i][1] + offset - marks[i][0]

        for a, b in _split(buf):
            start, end = back(a, False), back(b, True)
            line = lines.line(start)
            sentences.append(Sentence(start, end, line, re.sub(r"\s+", " ", buf[a:b]), section))
        paragraph.clear()

    for index, kind in enumerate(kinds):
        a, b = spans[index]
        if kind == "heading":
            flush()
            section = text[a:b].strip()
            headings.append((a, b, section, index + 1))
        elif kind == "heading+":
            section = f"{section} {text[a:b].strip()}"
            start, _end, _title, line = headings[-1]
            headings[-1] = (start, b, section, line)
        elif kind == "blank":
            # a blank line before a footnote block is the foot of a page, not the end of a paragraph
            following = next((k for k in kinds[index + 1 :] if k != "blank"), "body")
            if following != "footnote":
                flush()
        elif kind == "footnote":
            number = _FOOTNOTE.match(text[a:b])
            if number:
                notes.append(Footnote(int(number.group(1)), index + 1, text[a:b].strip()))
            elif notes:
                notes[-1].text += " " + text[a:b].strip()
        else:
            paragraph.append(index)
    flush()
    return headings, sentences, notes


# --- what the relations quote ------------------------------------------------------------------


def _quote_spans(source: SourceText, relations: list[Relation]) -> list[tuple[int, int, Relation]]:
    spans = []
    for rel in relations:
        if not rel.quote:
            continue
        # each part of a quote with left-out words ('A [...] B') quotes its own sentence
        for place in source.matches(rel.quote):
            for start, end in source.anchors(place):
                spans.append((start, end, rel))
    return sorted(spans, key=lambda s: (s[0], s[1]))


def _claim(rel: Relation) -> str:
    return f"{rel.subject} {rel.predicate} {rel.object}"


def _passages(text: str, spans: list[tuple[int, int, Relation]], lines: Lines) -> list[Passage]:
    merged: list[Passage] = []
    for start, end, rel in spans:
        if merged and start < merged[-1].end:
            last = merged[-1]
            last.end = max(last.end, end)
            if _claim(rel) not in last.relations:
                last.relations.append(_claim(rel))
        else:
            merged.append(Passage(start, end, 0, "", [_claim(rel)]))
    for passage in merged:
        passage.text = text[passage.start : passage.end]
        passage.line = lines.line(passage.start)
    return merged


def coverage(dataset: Dataset, source_id: str, path: str) -> SourceCoverage:
    """The coverage of one publication's text by the relations that cite it."""
    text = dataset.texts[source_id]
    source = SourceText(text)
    relations = [r for r in dataset.relations if r.source == source_id]
    spans = _quote_spans(source, relations)
    headings, sentences, notes = read_text(text)
    # The entities of the relations quoting into each sentence: each quote span marks the few
    # sentences it overlaps, found by bisection, so the work grows with the text, not its square.
    ends = [s.end for s in sentences]
    involved: list[set[str]] = [set() for _ in sentences]
    for start, end, rel in spans:
        i = bisect.bisect_right(ends, start)
        while i < len(sentences) and sentences[i].start < end:
            sentences[i].quoted = True
            involved[i].update((rel.subject, rel.object))
            i += 1
    sections = [Section("", 1)] + [Section(title, line) for _a, _b, title, line in headings]
    index = 0
    for sentence in sentences:
        while index + 1 < len(sections) and headings[index][0] < sentence.start:
            index += 1
        section = sections[index]
        section.sentences += 1
        section.quoted += sentence.quoted
    body = body_only(text)
    mentions = _mentions(dataset, body)
    lines = Lines(text)
    uncovered = _uncovered(mentions, sentences, involved, lines)
    candidates = _candidates(dataset, body, sentences, mentions, lines)
    cited = {n for r in relations for n in r.footnotes}
    return SourceCoverage(
        source=source_id,
        path=path,
        sentences=len(sentences),
        quoted=sum(s.quoted for s in sentences),
        sections=[s for s in sections if s.sentences],
        unquoted=[s for s in sentences if not s.quoted],
        uncovered=uncovered,
        candidates=candidates,
        uncited=[n for n in notes if n.number not in cited],
        footnotes=len(notes),
        passages=_passages(text, spans, lines),
        headings=[(a, b, t) for a, b, t, _l in headings],
        text=text,
    )


def _mentions(dataset: Dataset, text: str) -> list[tuple[int, int, tuple[str, ...], str]]:
    """Every occurrence of an entity's label or alias: start, end, the entities it names, name.

    One pattern of every name, longest first, so that where names overlap the longest wins
    (``North Korea`` over ``Korea``) and the text is read once however many entities there are.
    A name that several entities bear at different times (``Russian``: the Russian Empire to
    1917, Russia from 1991) names each of them: the sentence alone does not say which.
    """
    owner: dict[str, tuple[tuple[str, ...], str]] = {}  # a name's words, spaced one way -> (entities, name)
    for entity in dataset.entities.values():
        for name in entity.names[1:]:  # label and aliases, names in time too
            if len(name) >= 2:
                key = " ".join(name.split())
                ids, first = owner.get(key, ((), name))
                if entity.id not in ids:
                    owner[key] = ((*ids, entity.id), first)
    if not owner:
        return []
    names = sorted(owner, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(r"\s+".join(re.escape(w) for w in n.split()) for n in names) + r")(?![\w-])"
    )
    return [(m.start(), m.end(), *owner[" ".join(m.group().split())]) for m in pattern.finditer(text)]


def _uncovered(
    mentions: list[tuple[int, int, tuple[str, ...], str]],
    sentences: list[Sentence],
    involved: list[set[str]],
    lines: Lines,
) -> list[Mention]:
    """Mentions in a sentence that no relation quoting into that sentence has as subject or
    object (a name several entities bear is covered by any of them)."""
    starts = [s.start for s in sentences]
    out = []
    for start, end, entities, name in mentions:
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or sentences[i].end < end:
            continue  # in a heading or a footnote, not in a sentence
        if not involved[i].intersection(entities):
            out.append(Mention(" or ".join(entities), name, lines.line(start)))
    return out


_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][\w'\u2019-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'\u2019-]*)*")


#: Capitalised words that name no one: a sentence may start with them, a date holds them.
_NOT_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday i".split()
)


def _candidates(
    dataset: Dataset,
    body: str,
    sentences: list[Sentence],
    mentions: list[tuple[int, int, tuple[str, ...], str]],
    lines: Lines,
) -> list[Candidate]:
    """Capitalised names in sentences that are no entity's name, by count.

    A sentence's first word is capitalised anyway: it is left out when the text also has it in
    lower case ("The", "Yet") or never capitalises it inside a sentence ("However", "Already").
    """
    known = {n.casefold() for e in dataset.entities.values() for n in e.names[1:]}
    lower = set(re.findall(r"(?<![\w-])[a-z][\w'\u2019-]*", body))
    masked = list(body)
    for start, end, _entity, _name in mentions:
        masked[start:end] = " " * (end - start)
    plain = "".join(masked)
    found: list[tuple[list[str], bool, int]] = []
    inside: set[str] = set()  # words capitalised somewhere other than a sentence's start
    for sentence in sentences:
        for match in _CAPITALISED.finditer(plain, sentence.start, sentence.end):
            if re.match(r"\.\w", plain[match.end() : match.end() + 2]):
                continue  # a dotted abbreviation: Ph.D., No.2
            words = match.group().split()
            first = not plain[sentence.start : match.start()].strip("\"'\u201c\u2018( ")
            inside.update(words[1:] if first else words)
            found.append((words, first, match.start()))
    counts: dict[str, list[int]] = {}
    for words, first, at in found:
        if first and (words[0].lower() in lower or words[0] not in inside):
            words = words[1:]
        words = [w for w in words if w.lower() not in _NOT_NAMES] if len(words) == 1 else words
        while words and words[-1].lower() in ("of", "the") or words and words[0].lower() in _NOT_NAMES:
            words = words[:-1] if words[-1].lower() in ("of", "the") else words[1:]
        name = re.sub(r"[\u2019']s$", "", " ".join(words))
        if len(name) < 2 or name.casefold() in known:
            continue
        counts.setdefault(name, []).append(lines.line(at))
    return sorted(
        (Candidate(n, len(lines), lines[0]) for n, lines in counts.items()), key=lambda c: (-c.count, c.name.casefold())
    )


def publications_with_text(dataset: Dataset) -> dict[str, str]:
    """Publication id -> its text file, as entities.yaml names it."""
    return {
        pid: str(dataset.entities[pid].extra.get("text", pid)) if pid in dataset.entities else pid
        for pid in sorted(dataset.texts)
    }


def report(dataset: Dataset, source: str | None = None) -> list[SourceCoverage]:
    """Coverage of every source text, or of the one ``source`` names (its id or label)."""
    texts = publications_with_text(dataset)
    if source is not None:
        wanted = next(
            (pid for pid in texts if source in (pid, dataset.entities[pid].label if pid in dataset.entities else pid)),
            None,
        )
        if wanted is None:
            from kgraph.suggest import did_you_mean

            choices = ", ".join(texts) or "none"
            raise UnknownSource(
                f"no source text '{source}'{did_you_mean(source, list(texts))} (publications with a text: {choices})"
            )
        texts = {wanted: texts[wanted]}
    return [coverage(dataset, pid, path) for pid, path in texts.items()]


def share(value: float | None) -> str:
    """A share as a percentage with one decimal (``-`` when there is nothing to share)."""
    return "-" if value is None else f"{value * 100:.1f}%"


def as_plain(cov: SourceCoverage) -> dict[str, object]:
    """The JSON shape of one source's coverage."""
    return {
        "source": cov.source,
        "path": cov.path,
        "sentences": cov.sentences,
        "quoted": cov.quoted,
        "share": None if cov.share is None else round(cov.share, 4),
        "sections": [
            {
                "title": s.title,
                "line": s.line,
                "sentences": s.sentences,
                "quoted": s.quoted,
                "share": None if s.share is None else round(s.share, 4),
            }
            for s in cov.sections
        ],
        "unquoted": [{"line": s.line, "section": s.section, "text": s.text} for s in cov.unquoted],
        "uncovered_mentions": [{"entity": m.entity, "name": m.name, "line": m.line} for m in cov.uncovered],
        "candidates": [{"name": c.name, "count": c.count, "line": c.line} for c in cov.candidates],
        "footnotes": cov.footnotes,
        "uncited_footnotes": [{"number": n.number, "line": n.line, "text": n.text} for n in cov.uncited],
        "passages": [
            {"start": p.start, "end": p.end, "line": p.line, "text": p.text, "relations": p.relations}
            for p in cov.passages
        ],
    }


CSV_COLUMNS = ("source", "kind", "section", "line", "name", "count", "sentences", "quoted", "share", "text")


def finding_rows(covs: list[SourceCoverage]) -> Rows:
    """Every source's findings as rows (``CSV_COLUMNS``), for CSV and TSV."""
    from kgraph.rows import Column, Rows

    return Rows(tuple(map(Column, CSV_COLUMNS)), (row for cov in covs for row in csv_rows(cov)))


def csv_rows(cov: SourceCoverage) -> list[tuple[object, ...]]:
    """One CSV row per finding; ``kind`` tells them apart (total, section, unquoted, ...)."""
    rows: list[tuple[object, ...]] = [
        (cov.source, "total", "", "", "", "", cov.sentences, cov.quoted, share(cov.share), "")
    ]
    rows += [
        (cov.source, "section", s.title, s.line, "", "", s.sentences, s.quoted, share(s.share), "")
        for s in cov.sections
    ]
    rows += [(cov.source, "unquoted", s.section, s.line, "", "", "", "", "", s.text) for s in cov.unquoted]
    rows += [(cov.source, "uncovered", "", m.line, m.name, "", "", "", "", m.entity) for m in cov.uncovered]
    rows += [(cov.source, "candidate", "", c.line, c.name, c.count, "", "", "", "") for c in cov.candidates]
    rows += [(cov.source, "uncited-footnote", "", n.line, str(n.number), "", "", "", "", n.text) for n in cov.uncited]
    return rows


_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{white-space:pre-wrap;font:14px/1.55 ui-monospace,monospace;background:#fafafa;padding:1rem;border:1px solid #ddd}
mark.quoted{background:#c8f0c0;border-radius:2px}mark.quoted:hover{background:#8fd983}
.heading{font-weight:bold;color:#1a4d8f}td,th{padding:.1rem .6rem;text-align:left}"""


def to_html(covs: list[SourceCoverage], labels: dict[str, str]) -> str:
    """One self-contained page: each text with its quoted passages highlighted.

    Every quoted passage is one ``<mark class="quoted">`` holding the source's exact characters;
    its ``title`` (shown on hover) lists the relations it supports. Headings are set in bold.
    Everything from the data is escaped; nothing is fetched.
    """
    from html import escape

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>kgraph coverage</title>",
        f"<style>{_STYLE}</style></head><body>",
    ]
    for cov in covs:
        parts.append(f'<section class="source" id="{escape(cov.source)}">')
        parts.append(f"<h1>{escape(cov.source)} <small>({escape(cov.path)})</small></h1>")
        parts.append(
            f"<p>{cov.quoted} of {cov.sentences} sentences quoted ({share(cov.share)}); "
            f"{len(cov.passages)} quoted passages; {len(cov.uncited)} of {cov.footnotes} "
            "footnotes never cited. Highlighted: what relations quote (hover for them).</p>"
        )
        parts.append("<table><tr><th>section</th><th>sentences</th><th>quoted</th><th>share</th></tr>")
        for section in cov.sections:
            parts.append(
                f"<tr><td>{escape(section.title or '(before the first heading)')}</td>"
                f"<td>{section.sentences}</td><td>{section.quoted}</td><td>{share(section.share)}</td></tr>"
            )
        parts.append("</table>")
        parts.append(f"<pre>{_marked(cov, labels)}</pre></section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _marked(cov: SourceCoverage, labels: dict[str, str]) -> str:
    """The text as HTML: passages in ``<mark>``, headings outside them in bold."""
    from html import escape

    text, out, at = cov.text, [], 0

    def plain(start: int, end: int) -> None:
        for a, b, _title in cov.headings:  # the parts of headings inside [start, end)
            a, b = max(a, start), min(b, end)
            if a >= b:
                continue
            out.append(escape(text[start:a]))
            out.append(f'<span class="heading">{escape(text[a:b])}</span>')
            start = b
        out.append(escape(text[start:end]))

    for passage in cov.passages:
        plain(at, passage.start)
        supports = "\n".join(_readable(claim, labels) for claim in passage.relations)
        out.append(f'<mark class="quoted" title="{escape(supports)}">{escape(passage.text)}</mark>')
        at = passage.end
    plain(at, len(text))
    return "".join(out)


def _readable(claim: str, labels: dict[str, str]) -> str:
    subject, predicate, obj = claim.split(" ", 2)
    return f"{labels.get(subject, subject)} {predicate} {labels.get(obj, obj)}"
