"""The entity graph: entities as nodes, relations as edges carrying their evidence.

Derived from the compiled RDF graph (direct triples between entities, plus the statement
nodes that date and quote them), so it works on any graph kgraph builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgraph.errors import NotFoundError
from kgraph.vocab import ONTOLOGY

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.model import Dataset
    from kgraph.vocabulary import Vocabulary

Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


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


@dataclass(frozen=True)
class Edge:
    """One relation between two entities, with what supports it."""

    subject: str
    predicate: str
    object: str
    predicate_label: str
    statement: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    earliest: str | None = None
    latest: str | None = None
    quote: str | None = None
    source: str | None = None
    kind: str = "fact"
    cites: tuple[str, ...] = field(default=())

    @property
    def when(self) -> str | None:
        """The date as given, or an ISO 8601 interval (``1961/..``) for start/end."""
        if self.date:
            return self.date
        if self.start or self.end:
            return f"{self.start or '..'}/{self.end or '..'}"
        return None


def _entity_when(graph: Graph, node: Any) -> tuple[str | None, str | None]:
    """An entity's date or interval as written, and the first day it can mean."""
    from rdflib import URIRef

    def get(name: str) -> str | None:
        value = graph.value(node, URIRef(ONTOLOGY + name))
        return str(value) if value is not None else None

    date, start, end = get("date"), get("start"), get("end")
    when = date or (f"{start or '..'}/{end or '..'}" if start or end else None)
    return when, get("earliest")


class EntityGraph:
    """Entities and the relations between them (paths and measures build their own networkx graphs).

    ``vocabulary``: the project's, for what the edges alone do not say (which predicates are
    symmetric, which types are subtypes of which).
    """

    def __init__(self, entities: dict[str, EntityInfo], edges: list[Edge],
                 vocabulary: Vocabulary | None = None) -> None:
        self.entities = entities
        self.edges = edges
        if vocabulary is None:
            from kgraph.vocabulary import packaged

            vocabulary = packaged("core")
        self.vocabulary = vocabulary

    @classmethod
    def from_rdf(cls, graph: Graph, base: str, vocabulary: Vocabulary | None = None) -> EntityGraph:
        """Read entities and relations out of a compiled RDF graph."""
        from rdflib import RDF, RDFS, URIRef

        if vocabulary is None:
            from kgraph.vocabulary import packaged

            vocabulary = packaged("core")

        def local(iri: Any) -> str:
            text = str(iri)
            return text[len(base):] if text.startswith(base) else text

        skos_alt = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
        description = URIRef("http://purl.org/dc/terms/description")
        entities: dict[str, EntityInfo] = {}
        for type_name, etype in vocabulary.types.items():
            for node in graph.subjects(RDF.type, URIRef(etype.iri)):
                label = graph.value(node, RDFS.label)
                desc = graph.value(node, description)
                aliases = tuple(sorted(str(a) for a in graph.objects(node, skos_alt)))
                info = EntityInfo(local(node), str(label) if label else local(node), type_name, aliases,
                                  str(desc) if desc else None, *_entity_when(graph, node))
                entities[info.id] = info
        kg = {name: URIRef(ONTOLOGY + name) for name in
              ("date", "start", "end", "earliest", "latest", "quote", "kind", "cites")}
        source_of = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
        evidence: dict[tuple[Any, Any, Any], list[Any]] = {}
        for stmt in graph.subjects(RDF.type, RDF.Statement):
            key = (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.predicate),
                   graph.value(stmt, RDF.object))
            evidence.setdefault(key, []).append(stmt)
        # The other direction of a claim (kg:converse) is derived, not a relation of its own.
        derived = {(graph.value(stmt, RDF.object), p, graph.value(stmt, RDF.subject))
                   for stmt, p in graph.subject_objects(URIRef(ONTOLOGY + "converse"))}
        labels: dict[Any, str] = {}
        edges: list[Edge] = []
        ids = vocabulary.by_iri()
        for s, p, o in graph:
            pid = ids.get(str(p))
            if pid is None or local(s) not in entities or local(o) not in entities:
                continue
            if (s, p, o) in derived and (s, p, o) not in evidence:
                continue
            if p not in labels:
                lab = graph.value(p, RDFS.label)
                labels[p] = str(lab) if lab else vocabulary.predicates[pid].label
            stmts = evidence.get((s, p, o)) or [None]
            for stmt in stmts:
                values = {name: graph.value(stmt, term) if stmt is not None else None
                          for name, term in kg.items() if name != "cites"}
                text = {k: (str(v) if v is not None else None) for k, v in values.items()}
                source = graph.value(stmt, source_of) if stmt is not None else None
                cites = tuple(sorted(local(c) for c in graph.objects(stmt, kg["cites"]))) if stmt else ()
                edges.append(Edge(local(s), pid, local(o), labels[p], str(stmt) if stmt else None,
                                  text["date"], text["start"], text["end"], text["earliest"],
                                  text["latest"], text["quote"], local(source) if source else None,
                                  text["kind"] or "fact", cites))
        edges.sort(key=lambda e: (e.earliest or "9999", e.subject, e.predicate, e.object, e.statement or ""))
        return cls(entities, edges, vocabulary)

    @classmethod
    def from_rows(cls, rows: Rows, vocabulary: Vocabulary | None = None) -> EntityGraph:
        """Rebuild from ``dataset_rows`` (as kept in the compiled-graph cache)."""
        entities, edges = rows
        infos = {row[0]: EntityInfo(*row) for row in entities}
        return cls(infos, [Edge(*row) for row in edges], vocabulary)

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
        from kgraph.suggest import closest

        by_name: dict[str, str] = {}
        for e in self.entities.values():
            for n in (e.id, e.label, *e.aliases):
                by_name.setdefault(n.casefold(), e.id)
        contains = [by_name[n] for n in by_name if wanted in n][:5]
        ids = list(dict.fromkeys([*closest(wanted, by_name, n=5), *contains]))
        hint = f"; did you mean: {', '.join(self.entities[i].label + ' (' + i + ')' for i in ids)}" if ids else ""
        raise NotFoundError(f"unknown entity '{name}'{hint}", ids)

    def edges_of(self, entity_id: str) -> list[Edge]:
        """Every relation the entity takes part in, as subject or object, in date order."""
        return [e for e in self.edges if entity_id in (e.subject, e.object)]

    def supported_by(self, work_id: str) -> tuple[list[Edge], list[Edge]]:
        """The relations a work backs: those quoted from it (its source), and those citing it."""
        return ([e for e in self.edges if e.source == work_id],
                [e for e in self.edges if work_id in e.cites])


def dataset_rows(dataset: Dataset, base: str) -> Rows:
    """Entities and edges straight from the records, as plain tuples (cheap to store and load).

    Gives what ``EntityGraph.from_rdf`` reads from the compiled graph, without building one;
    tests/test_engines.py checks the two agree.
    """
    from kgraph.compile import quote_text, relation_iri
    from kgraph.vocabulary import packaged

    vocabulary = dataset.vocabulary or packaged("core")
    entities = [(e.id, e.label or e.id, e.type, tuple(sorted(set(e.aliases))), e.description or None,
                 *_when(e.date, e.start, e.end)) for e in dataset.entities.values()
                if e.type in vocabulary.types]
    edges = []
    for rel in dataset.relations:
        first, last = rel.date or rel.start, rel.date or rel.end
        pred = vocabulary.predicates.get(rel.predicate)
        edges.append((rel.subject, rel.predicate, rel.object, pred.label if pred else rel.predicate,
                      relation_iri(base, rel), _text(rel.date), _text(rel.start), _text(rel.end),
                      first.earliest.isoformat() if first else None,
                      last.latest.isoformat() if last else None, quote_text(rel), rel.source,
                      rel.kind or "fact", tuple(sorted(set(rel.cites)))))
    edges.sort(key=lambda e: (e[8] or "9999", e[0], e[1], e[2], e[4]))
    return entities, edges


def _when(date: Any, start: Any, end: Any) -> tuple[str | None, str | None]:
    """As ``_entity_when`` reads them from RDF: the date or interval as written, and its first day."""
    when = str(date) if date else (f"{start or '..'}/{end or '..'}" if start or end else None)
    first = date or start
    return when, first.earliest.isoformat() if first else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
