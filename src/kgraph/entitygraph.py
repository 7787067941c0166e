"""The entity graph: entities as nodes, relations as edges carrying their evidence.

The edges are the relations' compiled statements (statement.py), the same records the RDF
graph's triples are written from, so a path hop and the graph's statement node cannot disagree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from kgraph.errors import NotFoundError
from kgraph.statement import FIELDS as STATEMENT_FIELDS
from kgraph.statement import SCHEMA, Statement, from_columns, to_columns

if TYPE_CHECKING:
    import networkx as nx

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


ENTITY_FIELDS = tuple(f.name for f in fields(EntityInfo))


class EntityGraph:
    """Entities and the relations between them, as a networkx MultiDiGraph.

    ``vocabulary``: the project's, for what the edges alone do not say (which predicates are
    symmetric, which types are subtypes of which).
    """

    def __init__(self, entities: dict[str, EntityInfo], edges: list[Statement],
                 vocabulary: Vocabulary | None = None) -> None:
        self.entities = entities
        self.edges = edges
        if vocabulary is None:
            from kgraph.vocabulary import packaged

            vocabulary = packaged("core")
        self.vocabulary = vocabulary

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The MultiDiGraph, made on first use: paths and measures build their own simple graphs,
        so most commands never need it (on 100k relations it takes longer than the search)."""
        import networkx as nx

        graph: nx.MultiDiGraph = nx.MultiDiGraph()
        for entity in self.entities.values():
            graph.add_node(entity.id, label=entity.label, type=entity.type)
        for index, edge in enumerate(self.edges):
            graph.add_edge(edge.subject, edge.object, key=index, edge=edge)
        return graph

    @classmethod
    def of(cls, dataset: Dataset, records: list[Statement]) -> EntityGraph:
        """The entity graph of ``dataset`` whose relations' statements are ``records``."""
        return cls({i.id: i for i in entity_infos(dataset)}, sorted(records, key=edge_order), dataset.vocabulary)

    @classmethod
    def from_records(cls, payload: Any, vocabulary: Vocabulary | None = None) -> EntityGraph | None:
        """Rebuild from :func:`to_records` (as kept in the compiled-graph cache); None when the
        payload was written under another schema of the records."""
        if not (isinstance(payload, dict) and payload.get("schema") == SCHEMA
                and payload.get("entity_fields") == ENTITY_FIELDS
                and payload.get("statement_fields") == STATEMENT_FIELDS):
            return None
        columns = payload["entities"]
        infos = [EntityInfo(*row) for row in zip(*(columns[name] for name in ENTITY_FIELDS))]
        return cls({info.id: info for info in infos}, from_columns(payload["statements"]), vocabulary)

    def resolve(self, name: str) -> EntityInfo:
        """Find an entity by id, label or alias, case-insensitively; ambiguous or unknown names raise."""
        wanted = name.strip().casefold()
        matches = [e for e in self.entities.values()
                   if wanted in (n.casefold() for n in (e.id, e.label, *e.aliases))]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            listed = ", ".join(f"{e.id} ({e.label}, {e.type})" for e in sorted(matches, key=lambda e: e.id))
            raise NotFoundError(f"'{name}' is ambiguous: it names {listed}; give the id",
                                [e.id for e in matches])
        from kgraph.validate import closest

        by_name: dict[str, str] = {}
        for e in self.entities.values():
            for n in (e.id, e.label, *e.aliases):
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
        return ([e for e in self.edges if e.source == work_id],
                [e for e in self.edges if work_id in e.cites])


def entity_infos(dataset: Dataset) -> list[EntityInfo]:
    """The entities of ``dataset`` as the entity graph knows them (those of a declared type)."""
    from kgraph.vocabulary import packaged

    vocabulary = dataset.vocabulary or packaged("core")
    return [EntityInfo(e.id, e.label or e.id, e.type, tuple(sorted(set(e.aliases))), e.description or None,
                       *_when(e.date, e.start, e.end)) for e in dataset.entities.values()
            if e.type in vocabulary.types]


def edge_order(record: Statement) -> tuple[str, str, str, str, str]:
    """Edges in date order (undated last), then by claim: the order every listing of edges keeps."""
    return (record.earliest or "9999", record.subject, record.predicate, record.object, record.iri)


def to_records(entities: list[EntityInfo], records: list[Statement]) -> dict[str, Any]:
    """The entity graph's records as plain values, by field name, under the records' schema: what
    the compiled-graph cache keeps (marshal writes it; no class names, no positions)."""
    return {"schema": SCHEMA, "entity_fields": ENTITY_FIELDS, "statement_fields": STATEMENT_FIELDS,
            "entities": {name: [getattr(e, name) for e in entities] for name in ENTITY_FIELDS},
            "statements": to_columns(sorted(records, key=edge_order))}


def _when(date: Any, start: Any, end: Any) -> tuple[str | None, str | None]:
    """The entity's date or interval as written, and its first day."""
    when = str(date) if date else (f"{start or '..'}/{end or '..'}" if start or end else None)
    first = date or start
    return when, first.earliest.isoformat() if first else None
