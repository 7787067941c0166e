"""Read the entity graph's records back out of a compiled RDF graph: an independent derivation,
from the triples alone, to check that the statements kgraph derives once (statement.py) and the
graph written from them say the same (tests/test_engines.py, tests/test_properties.py).

kgraph itself never reads its records back from RDF: both the triples and the path edges are
projections of the same Statement records.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef

from kgraph.dates import Edtf
from kgraph.entitygraph import EntityGraph, EntityInfo, edge_order
from kgraph.model import Quantity
from kgraph.statement import Statement
from kgraph.vocab import ONTOLOGY, PREFIXES
from kgraph.vocabulary import Vocabulary, packaged

KG = {
    name: URIRef(ONTOLOGY + name)
    for name in (
        "date",
        "start",
        "end",
        "earliest",
        "latest",
        "quote",
        "kind",
        "status",
        "cites",
        "footnote",
        "note",
        "quantity",
        "measure",
        "approximate",
        "converse",
        "alias",
    )
}
SCHEMA, OA, PROV = PREFIXES["schema"], PREFIXES["oa"], PREFIXES["prov"]


def _text(graph: Graph, node: Any, prop: URIRef) -> str | None:
    value = graph.value(node, prop)
    return None if value is None else str(value)


def _date(graph: Graph, node: Any, name: str) -> Edtf | None:
    value = _text(graph, node, KG[name])
    return None if value is None else Edtf.parse(value)


def from_rdf(graph: Graph, base: str, vocabulary: Vocabulary | None = None) -> EntityGraph:
    """The entities and statements a compiled graph holds, as the entity graph's records."""
    vocabulary = vocabulary or packaged("core")

    def local(iri: Any) -> str:
        text = str(iri)
        return text.removeprefix(base)

    skos_alt = URIRef(PREFIXES["skos"] + "altLabel")
    description = URIRef(PREFIXES["dcterms"] + "description")
    entities: dict[str, EntityInfo] = {}
    for type_name, etype in vocabulary.types.items():
        for node in graph.subjects(RDF.type, URIRef(etype.iri)):
            date, start, end = (_text(graph, node, KG[n]) for n in ("date", "start", "end"))
            when = date or (f"{start or '..'}/{end or '..'}" if start or end else None)
            info = EntityInfo(
                local(node),
                str(graph.value(node, RDFS.label) or local(node)),
                type_name,
                tuple(sorted(str(a) for a in graph.objects(node, skos_alt))),
                _text(graph, node, description),
                when,
                _text(graph, node, KG["earliest"]),
                # names in time: kg:alias nodes, each with its label and its period
                tuple(
                    sorted(
                        (str(graph.value(n, RDFS.label)), str(graph.value(n, KG["date"])))
                        for n in graph.objects(node, KG["alias"])
                    )
                ),
            )
            entities[info.id] = info
    ids = {p.iri: p.id for p in vocabulary.predicates.values()}  # predicate ids by IRI
    records = []
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        subject, predicate, obj = (graph.value(stmt, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        status = graph.value(stmt, KG["status"])
        status_name = "actual" if status is None else str(status)[len(ONTOLOGY) :].lower()
        asserted = (subject, predicate, obj) in graph
        # A claim that is not actual asserts nothing; its triple is there only when an actual claim
        # says the same (South Korea's investment in the Far East: a fact, and one that "may" grow).
        also_actual = any(
            graph.value(other, KG["status"]) is None
            for other in graph.subjects(RDF.subject, subject)
            if (other, RDF.predicate, predicate) in graph and (other, RDF.object, obj) in graph
        )
        assert asserted == also_actual, f"{stmt}: asserted {asserted}, status {status}"
        quantities = sorted(
            graph.objects(stmt, KG["quantity"]), key=lambda q: int(re.search(r"/quantity(\d+)$", str(q)).group(1))
        )  # type: ignore[union-attr]
        evidence = URIRef(f"{stmt}/evidence")
        anchors = []
        for target in sorted(
            graph.objects(evidence, URIRef(OA + "hasTarget")), key=lambda t: int(str(t).rsplit("/", 1)[1])
        ):
            position = URIRef(f"{target}/position")
            anchors.append(
                (
                    int(graph.value(position, URIRef(OA + "start"))),  # type: ignore[arg-type]
                    int(graph.value(position, URIRef(OA + "end"))),
                )
            )  # type: ignore[arg-type]
        records.append(
            Statement(
                iri=str(stmt),
                subject=local(subject),
                predicate=ids[str(predicate)],
                object=local(obj),
                predicate_label=str(graph.value(predicate, RDFS.label)),
                quote=str(graph.value(stmt, KG["quote"])),
                folded_quote="",
                date=_date(graph, stmt, "date"),
                start=_date(graph, stmt, "start"),
                end=_date(graph, stmt, "end"),
                earliest=_text(graph, stmt, KG["earliest"]),
                latest=_text(graph, stmt, KG["latest"]),
                kind=str(graph.value(stmt, KG["kind"])),
                status=status_name,
                source=local(graph.value(stmt, URIRef(PROV + "wasDerivedFrom"))),
                cites=tuple(sorted(local(c) for c in graph.objects(stmt, KG["cites"]))),
                footnotes=tuple(sorted(int(n) for n in graph.objects(stmt, KG["footnote"]))),  # type: ignore[call-overload]
                note=_text(graph, stmt, KG["note"]),
                quantities=tuple(
                    Quantity(
                        _text(graph, q, URIRef(SCHEMA + "value")),
                        str(graph.value(q, URIRef(SCHEMA + "unitText"))),
                        _text(graph, q, KG["measure"]),
                        _text(graph, q, KG["approximate"]) == "true",
                        _text(graph, q, URIRef(SCHEMA + "minValue")),
                        _text(graph, q, URIRef(SCHEMA + "maxValue")),
                    )
                    for q in quantities
                ),
                anchors=tuple(anchors),
            )
        )
    return EntityGraph(entities, sorted(records, key=edge_order), vocabulary)


def without_folded(records: list[Statement]) -> list[Statement]:
    """The records less the folded quote, which the graph keeps only inside the statement's IRI."""
    return [replace(r, folded_quote="") for r in records]
