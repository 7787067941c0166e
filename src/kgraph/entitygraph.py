"""The entity graph: entities as nodes, relations as edges carrying their evidence.

The edges are the relations' compiled statements (statement.py), the same records the RDF
graph's triples are written from, so a path hop and the graph's statement node cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from kgraph.errors import NotFoundError
from kgraph.statement import FIELDS as STATEMENT_FIELDS
from kgraph.statement import SCHEMA, Statement, from_columns, to_columns

if TYPE_CHECKING:
    from kgraph.model import Dataset
    from kgraph.vocabulary import Vocabulary


@dataclass(frozen=True)
class EntityInfo:
    id: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    #: The entity's own date as given (``1961``) or interval (``1950-06/1953-07``), for timelines.
    when: str | None = None
    earliest: str | None = None
    #: Names held for a period only: (name, period as EDTF), sorted.
    timed_aliases: tuple[tuple[str, str], ...] = ()

    @property
    def shown_aliases(self) -> list[str]:
        """The aliases as listed (``show``, exports, the explorer): those held always, then each
        name in time with its period (``Moscow (1922/1991)``)."""
        from kgraph.model import timed_name

        return [*self.aliases, *(timed_name(name, period) for name, period in self.timed_aliases)]

    def named(self, wanted: str, window: tuple[str, str] | None = None) -> bool:
        """Whether ``wanted`` (casefolded) names this entity: always by id, label or alias, or by
        a name in time when its period may meet ``window`` (any period when no window is given)."""
        if wanted in (n.casefold() for n in (self.id, self.label, *self.aliases)):
            return True
        return any(
            name.casefold() == wanted and (window is None or _meets(period, window))
            for name, period in self.timed_aliases
        )


def _meets(period: str, window: tuple[str, str]) -> bool:
    """Whether a name's period may meet the window: a name is looked up as possibly in force, so
    that a name whose period's end is unknown still finds its entity."""
    from kgraph.dates import in_force, ranges

    days = ranges(period, None, None)
    return days is not None and in_force(days, window, possibly=True)


ENTITY_FIELDS = tuple(f.name for f in fields(EntityInfo))


class EntityGraph:
    """Entities and the relations between them (paths and measures build their own networkx graphs).

    ``vocabulary``: the project's, for what the edges alone do not say (which predicates are
    symmetric, which types are subtypes of which).
    """

    def __init__(
        self, entities: dict[str, EntityInfo], edges: list[Statement], vocabulary: Vocabulary | None = None
    ) -> None:
        self.entities = entities
        self.edges = edges
        if vocabulary is None:
            from kgraph.vocabulary import packaged

            vocabulary = packaged("core")
        self.vocabulary = vocabulary

    @classmethod
    def of(cls, dataset: Dataset, records: list[Statement]) -> EntityGraph:
        """The entity graph of ``dataset`` whose relations' statements are ``records``."""
        return cls({i.id: i for i in entity_infos(dataset)}, sorted(records, key=edge_order), dataset.vocabulary)

    @classmethod
    def from_records(cls, payload: Any, vocabulary: Vocabulary | None = None) -> EntityGraph | None:
        """Rebuild from :func:`to_records` (as kept in the compiled-graph cache); None when the
        payload was written under another schema of the records."""
        if not (
            isinstance(payload, dict)
            and payload.get("schema") == SCHEMA
            and payload.get("entity_fields") == ENTITY_FIELDS
            and payload.get("statement_fields") == STATEMENT_FIELDS
        ):
            return None
        columns = payload["entities"]
        infos = [EntityInfo(*row) for row in zip(*(columns[name] for name in ENTITY_FIELDS))]
        return cls({info.id: info for info in infos}, from_columns(payload["statements"]), vocabulary)

    def resolve(self, name: str, window: tuple[str, str] | None = None) -> EntityInfo:
        """Find an entity by id, label or alias, case-insensitively; ambiguous or unknown names raise.

        ``window`` (ISO days, as ``Filter.window`` gives them): the time the name is meant at, so
        that a name held for a period (``Moscow``, 1922/1991) finds the entity that bore it then.
        """
        wanted = name.strip().casefold()
        matches = [e for e in self.entities.values() if e.named(wanted, window)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            listed = ", ".join(
                f"{e.id} ({e.label}, {e.type}{_periods(e, wanted)})" for e in sorted(matches, key=lambda e: e.id)
            )
            timed = any(_periods(e, wanted) for e in matches)
            hint = "give the id, or a date (--at) that picks one" if timed and window is None else "give the id"
            raise NotFoundError(f"'{name}' is ambiguous: it names {listed}; {hint}", [e.id for e in matches])
        held = [e for e in self.entities.values() if e.named(wanted)]
        if held and window is not None:
            listed = ", ".join(f"{e.id} ({e.label}{_periods(e, wanted)})" for e in sorted(held, key=lambda e: e.id))
            raise NotFoundError(
                f"'{name}' names no entity at {_shown_window(window)}: it names {listed}; give the id or another date",
                [e.id for e in held],
            )
        from kgraph.suggest import closest

        by_name: dict[str, str] = {}
        for e in self.entities.values():
            for n in (e.id, e.label, *e.aliases, *(a for a, _ in e.timed_aliases)):
                by_name.setdefault(n.casefold(), e.id)
        contains = [by_name[n] for n in by_name if wanted in n][:5]
        ids = list(dict.fromkeys([*closest(wanted, by_name, n=5), *contains]))
        hint = f"; did you mean: {', '.join(self.entities[i].label + ' (' + i + ')' for i in ids)}" if ids else ""
        raise NotFoundError(f"unknown entity '{name}'{hint}", ids)

    def edges_of(self, entity_id: str) -> list[Statement]:
        """Every relation the entity takes part in, as subject or object, in date order."""
        return [e for e in self.edges if entity_id in (e.subject, e.object)]

    def supported_by(self, work_id: str) -> tuple[list[Statement], list[Statement]]:
        """The relations a work backs: those quoted from it (its source), and those citing it."""
        return ([e for e in self.edges if e.source == work_id], [e for e in self.edges if work_id in e.cites])


def _periods(info: EntityInfo, wanted: str) -> str:
    """``; 'Moscow' 1922/1991`` for each period in which ``wanted`` names the entity (none when
    it names it for all time)."""
    if wanted in (n.casefold() for n in (info.id, info.label, *info.aliases)):
        return ""
    return "".join(f"; '{name}' {period}" for name, period in info.timed_aliases if name.casefold() == wanted)


def _shown_window(window: tuple[str, str]) -> str:
    return window[0] if window[0] == window[1] else f"{window[0]}/{window[1]}"


def entity_infos(dataset: Dataset) -> list[EntityInfo]:
    """The entities of ``dataset`` as the entity graph knows them (those of a declared type)."""
    from kgraph.vocabulary import packaged

    vocabulary = dataset.vocabulary or packaged("core")
    return [
        EntityInfo(
            e.id,
            e.label or e.id,
            e.type,
            tuple(sorted(set(e.aliases))),
            e.description or None,
            *_when(e.date, e.start, e.end),
            tuple(sorted({(a.name, str(a.period)) for a in e.timed_aliases})),
        )
        for e in dataset.entities.values()
        if e.type in vocabulary.types
    ]


def edge_order(record: Statement) -> tuple[str, str, str, str, str]:
    """Edges in date order (undated last), then by claim: the order every listing of edges keeps."""
    return edge_key(record.earliest, record.subject, record.predicate, record.object, record.iri)


def edge_key(earliest: str | None, subject: str, predicate: str, obj: str, iri: str) -> tuple[str, str, str, str, str]:
    """:func:`edge_order` from the values themselves (the incremental build sorts the cache's
    columns, never making record objects)."""
    return (earliest or "9999", subject, predicate, obj, iri)


def to_records(entities: list[EntityInfo], records: list[Statement]) -> dict[str, Any]:
    """The entity graph's records as plain values, by field name, under the records' schema: what
    the compiled-graph cache keeps (marshal writes it; no class names, no positions)."""
    return {
        "schema": SCHEMA,
        "entity_fields": ENTITY_FIELDS,
        "statement_fields": STATEMENT_FIELDS,
        "entities": {name: [getattr(e, name) for e in entities] for name in ENTITY_FIELDS},
        "statements": to_columns(sorted(records, key=edge_order)),
    }


def _when(date: Any, start: Any, end: Any) -> tuple[str | None, str | None]:
    """The entity's date or interval as written, and its first day (None where open or unknown)."""
    from kgraph.dates import bounds

    when = str(date) if date else (f"{start or '..'}/{end or '..'}" if start or end else None)
    return when, bounds(date, start, end)[0]
