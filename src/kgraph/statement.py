"""One compiled statement per claim: every value kgraph derives from a relation, derived once.

A :class:`Statement` is made from a validated :class:`~kgraph.model.Relation` by :func:`derive`
and never changes. Everything downstream is a projection of it: compile.py writes its triples
(the direct triple, the statement node, its quantities and its evidence), the entity graph uses
the records themselves as its edges (paths, show, timelines, rankings, the edge exports), and
the compiled-graph cache keeps them, by field name, under :data:`SCHEMA`. Before, the triples and
the path edges were derived separately and a test checked that they agreed; adding one piece of
evidence to a relation meant teaching both, and the positional cache rows, about it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from kgraph.dates import Edtf, bounds, ranges
from kgraph.model import Quantity

if TYPE_CHECKING:
    from kgraph.model import Dataset, Relation
    from kgraph.vocabulary import Vocabulary

#: The layout of the records the cache keeps (field names and what they hold). Bump it with any
#: change to :class:`Statement` or :class:`~kgraph.entitygraph.EntityInfo`: a cache entry written
#: under another schema is rebuilt, never read into the wrong fields.
SCHEMA = 4  # 4: dates are EDTF (Edtf), open or unknown ends have no bound


@dataclass(frozen=True, slots=True)
class Statement:
    """A relation as compiled: what the graph says about one claim and what supports it."""

    #: The statement node's IRI (stable: from the claim, not its place in the file).
    iri: str
    subject: str
    predicate: str
    object: str
    #: The predicate's label in the project's vocabulary (``cooperated with``).
    predicate_label: str
    #: What ``kg:quote`` holds: the source's own characters, as validation found them.
    quote: str
    #: The annotation's quote folded for matching (textmatch.normalize): part of the IRI's identity.
    folded_quote: str
    #: EDTF level 1 as the text gives it (``1896~``, ``196X``, in ``date`` an interval ``2000/..``).
    date: Edtf | None
    start: Edtf | None
    end: Edtf | None
    #: The first and last day the date or interval can mean (``kg:earliest``/``kg:latest``), as
    #: ISO day strings (dates.bounds): they compare as dates, and a missing side means open or unknown.
    earliest: str | None
    latest: str | None
    kind: str
    #: ``actual``, or what the text says instead (planned, denied...: load.RELATION_STATUSES).
    status: str
    #: The publication the quote is from (``prov:wasDerivedFrom``).
    source: str
    cites: tuple[str, ...] = ()
    footnotes: tuple[int, ...] = ()
    note: str | None = None
    quantities: tuple[Quantity, ...] = ()
    #: Where the quote stands in its source: ``[start, end)`` code-point spans, one per fragment.
    anchors: tuple[tuple[int, int], ...] = ()

    @property
    def when(self) -> str | None:
        """The date as given, or an ISO 8601 interval (``1961/..``) for start/end."""
        if self.date:
            return str(self.date)
        if self.start or self.end:
            return f"{self.start or '..'}/{self.end or '..'}"
        return None

    @property
    def days(self) -> tuple[str, str, str, str] | None:
        """When it can start and end (dates.ranges, cached by text): what ``--at`` and
        ``--possibly`` decide by; None when undated."""
        return ranges(*(None if d is None else str(d) for d in (self.date, self.start, self.end)))


def relation_iri(base: str, rel: Relation, folded: str | None = None) -> str:
    """The statement IRI of a relation (stable across builds and file reorderings); ``folded``:
    its quote already folded."""
    from kgraph.textmatch import normalize
    from kgraph.vocab import statement_iri

    dates = "/".join(str(d) if d else "" for d in (rel.date, rel.start, rel.end))
    return statement_iri(
        base, rel.subject, rel.predicate, rel.object, dates, normalize(rel.quote) if folded is None else folded
    )


def derive(rel: Relation, base: str, labels: dict[str, str]) -> Statement:
    """The statement of one validated relation; ``labels`` gives each predicate's label."""
    from kgraph.textmatch import normalize

    folded = normalize(rel.quote)
    earliest, latest = bounds(rel.date, rel.start, rel.end)
    return Statement(
        iri=relation_iri(base, rel, folded),
        subject=rel.subject,
        predicate=rel.predicate,
        object=rel.object,
        predicate_label=labels.get(rel.predicate, rel.predicate),
        quote=rel.passage if rel.passage is not None else rel.quote,
        folded_quote=folded,
        date=rel.date,
        start=rel.start,
        end=rel.end,
        earliest=earliest,
        latest=latest,
        kind=rel.kind or "fact",
        status=rel.status,
        source=rel.source,
        cites=tuple(sorted(set(rel.cites))),
        footnotes=tuple(sorted(set(rel.footnotes))),
        note=rel.note,
        quantities=tuple(rel.quantities),
        anchors=tuple((start, end) for start, end in rel.anchors),
    )


def statements(dataset: Dataset, base: str) -> list[Statement]:
    """Every relation's statement, in the order of the files."""
    labels = predicate_labels(dataset.vocabulary)
    return [derive(rel, base, labels) for rel in dataset.relations]


def predicate_labels(vocabulary: Vocabulary | None) -> dict[str, str]:
    if vocabulary is None:
        from kgraph.vocabulary import packaged

        vocabulary = packaged("core")
    return {pid: pred.label for pid, pred in vocabulary.predicates.items()}


# --- the cache's form: one column per field, by name ---

FIELDS = tuple(f.name for f in fields(Statement))
_DATES = ("date", "start", "end")
_QUANTITY_FIELDS = tuple(f.name for f in fields(Quantity))


def to_columns(records: list[Statement]) -> dict[str, list[Any]]:
    """The records as plain values marshal can write, one list per field name."""
    columns: dict[str, list[Any]] = {}
    for name in FIELDS:
        values = [getattr(s, name) for s in records]
        if name in _DATES:
            values = [None if d is None else str(d) for d in values]
        elif name == "quantities":
            values = [tuple({k: getattr(q, k) for k in _QUANTITY_FIELDS} for q in qs) for qs in values]
        columns[name] = values
    return columns


def from_columns(columns: dict[str, list[Any]]) -> list[Statement]:
    """The records back from :func:`to_columns`; KeyError when a field is missing."""
    parsed: dict[str, Edtf] = {}  # a few distinct dates repeat across many records

    def date(text: str | None) -> Edtf | None:
        if text is None:
            return None
        found = parsed.get(text)
        if found is None:
            found = parsed[text] = Edtf.parse(text)
        return found

    values = dict(columns)
    for name in _DATES:
        values[name] = [date(d) for d in columns[name]]
    values["quantities"] = [tuple(Quantity(**q) for q in qs) if qs else () for qs in columns["quantities"]]
    return [Statement(*row) for row in zip(*(values[name] for name in FIELDS))]
