"""Plain records for the annotated data. No RDF here: compile.py turns these into triples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kgraph.dates import Edtf
from kgraph.errors import Problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kgraph.vocabulary import Vocabulary


class Location(NamedTuple):
    """Where a record or field sits in its YAML file (1-based line and column).

    A NamedTuple rather than a dataclass: loading makes one per field, a million on big data.
    """

    path: str
    line: int
    column: int


@dataclass(frozen=True)
class TimedAlias:
    """A name an entity bore for a period only (``Moscow`` for the Soviet Union, 1922/1991)."""

    name: str
    #: The period as an EDTF date or interval (``1922/1991``; ``start: 1991-12`` is ``1991-12/..``).
    period: Edtf
    location: Location | None = None


def timed_name(name: str, period: object) -> str:
    """A name held for a period as listings and exports show it: ``Moscow (1922/1991)``, so that
    a reader never takes it for a name held always."""
    return f"{name} ({period})"


@dataclass
class Entity:
    """One annotated thing: a state, person, treaty, event, publication..."""

    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    date: Edtf | None = None
    start: Edtf | None = None
    end: Edtf | None = None
    #: Names held for a period only (an ``aliases:`` item that is a mapping with a date).
    timed_aliases: list[TimedAlias] = field(default_factory=list)
    #: Type-specific fields (authors, title, publisher, url, text...), kept as given.
    extra: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    field_locations: dict[str, Location] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Every name the entity can be found by: id, label and aliases (at some time or always)."""
        return [self.id, self.label, *self.aliases, *(a.name for a in self.timed_aliases)]

    @property
    def shown_aliases(self) -> list[str]:
        """The aliases as listed: those held always, then each name in time with its period."""
        return [*self.aliases, *(timed_name(a.name, a.period) for a in self.timed_aliases)]


@dataclass(frozen=True)
class Quantity:
    """A number the text states, with its unit or currency (``1.2e9 USD``): a value, or only the
    bounds the text gives ("less than $1 million": ``max``), and whether it is approximate."""

    value: str | None  # decimal text, kept exact; None when the text gives only bounds
    unit: str
    of: str | None = None  # what is measured: "debt", "loans", "distance"
    #: "about $1 billion": the value (or bound) is the text's round figure.
    approximate: bool = False
    #: The bounds the text gives instead of a value ("at least", "less than"), decimal text.
    min: str | None = None
    max: str | None = None

    def __str__(self) -> str:
        """``1500000000 USD``, ``~90 percent``, ``<= 1000000 USD``, ``10-20 km`` (for listings)."""
        if self.value is not None:
            amount = self.value
        elif self.min is not None and self.max is not None:
            amount = f"{self.min}-{self.max}"
        else:
            amount = f">= {self.min}" if self.min is not None else f"<= {self.max}"
        return ("~" if self.approximate else "") + f"{amount} {self.unit}" + (f" ({self.of})" if self.of else "")


@dataclass
class Relation:
    """One claim of a source: subject predicate object, dated and quoted."""

    subject: str
    predicate: str
    object: str
    quote: str
    source: str
    #: EDTF level 1 (dates.py): ``1961``, ``1896~``, ``196X``, or in ``date`` an interval ``2000/..``.
    date: Edtf | None = None
    start: Edtf | None = None
    end: Edtf | None = None
    note: str | None = None
    kind: str = "fact"  # or "assessment": the author's judgement, not an event
    #: Whether the claim happened: "actual", or intended, planned, proposed, failed, hypothetical,
    #: denied (load.RELATION_STATUSES): such a claim is recorded but not asserted.
    status: str = "actual"
    cites: list[str] = field(default_factory=list)
    footnotes: list[int] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    #: Evidence warnings the annotator accepts on purpose: "short", "repeated" (``quote_ok:``).
    quote_ok: list[str] = field(default_factory=list)
    #: The source's own characters for the quote (line breaks as spaces), set by validation once
    #: the quote is found; the graph stores this, not the folded form used for matching.
    passage: str | None = None
    #: Where the quote stands in its source: one ``[start, end)`` span per fragment (several when
    #: words were left out), in code points of the text as read; set by validation.
    anchors: list[tuple[int, int]] = field(default_factory=list)
    #: At how many places of the source the quote stands (more than one: it is ambiguous).
    places: int = 0
    location: Location | None = None
    #: Locations of individual fields, for precise error messages.
    field_locations: dict[str, Location] = field(default_factory=dict)


@dataclass
class Dataset:
    """Everything loaded from a data folder."""

    root: str
    entities: dict[str, Entity]
    relations: list[Relation]
    #: Source texts by publication id (the text a quote must occur in).
    texts: dict[str, str] = field(default_factory=dict)
    #: Each source text's file: publication id -> (path as its ``text:`` field gives it, relative
    #: to the data folder; SHA-256 of the file's bytes).
    text_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Quotes whose place changed since the last build recorded them (also among the warnings
    #: and errors), so ``build`` can say what it accepts before recording the new places.
    moved: list[Problem] = field(default_factory=list)
    #: Non-fatal problems found while loading.
    warnings: list[Problem] = field(default_factory=list)
    #: The types and predicates the records were checked against (the project's vocabulary.yaml).
    vocabulary: Vocabulary | None = None
    #: SHA-256 of the bytes of every file read (YAML and source texts), by absolute path.
    files: dict[str, str] = field(default_factory=dict)
