"""Records -> RDF graph. Pure and deterministic: the same data gives the same triples."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgraph.dates import PartialDate
from kgraph.model import Dataset, Entity, Relation
from kgraph.textmatch import normalize
from kgraph.vocab import (DEFAULT_BASE, ENTITY_TYPES, META_PROPERTIES, ONTOLOGY, PREDICATES, PREFIXES,
                          class_iri, entity_iri, predicate_iri, statement_iri)

if TYPE_CHECKING:
    from rdflib import Graph

# Publication fields and the standard property each becomes.
_PUBLICATION_FIELDS = {
    "title": "dcterms:title", "publisher": "dcterms:publisher", "year": "dcterms:issued",
    "url": "schema:url", "pages": "schema:pagination", "place": "schema:locationCreated",
    "container": "schema:isPartOf", "volume": "schema:volumeNumber", "issue": "schema:issueNumber",
    "citation": "dcterms:bibliographicCitation", "text": "kg:sourceText", "role": "schema:jobTitle",
}


def compile_graph(dataset: Dataset, base: str = DEFAULT_BASE, ontology: bool = True) -> Graph:
    """Build the RDF graph of ``dataset``: ontology, entities, direct triples and statement nodes."""
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("kgr", base, override=True)
    if ontology:
        add_ontology(graph)
    for entity in dataset.entities.values():
        _add_entity(graph, base, entity)
    for relation in dataset.relations:
        _add_relation(graph, base, relation)
    return graph


def _term(curie: str):  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def date_literal(value: PartialDate):  # type: ignore[no-untyped-def]
    """A typed literal keeping the date's precision (xsd:date, xsd:gYearMonth or xsd:gYear)."""
    from rdflib import Literal, URIRef

    return Literal(str(value), datatype=URIRef(PREFIXES["xsd"] + value.xsd_type))


def add_ontology(graph: Graph) -> None:
    """The project's classes and properties, each labelled and linked to standard terms."""
    from rdflib import OWL, RDF, RDFS, Literal, URIRef

    onto = URIRef(ONTOLOGY.rstrip("#"))
    graph.add((onto, RDF.type, OWL.Ontology))
    graph.add((onto, RDFS.label, Literal("kgraph ontology")))
    entity_class = URIRef(class_iri("Entity"))
    graph.add((entity_class, RDF.type, OWL.Class))
    graph.add((entity_class, RDFS.label, Literal("entity")))
    graph.add((entity_class, RDFS.comment, Literal("Anything annotated in a source text.")))
    assessment = URIRef(class_iri("Assessment"))
    graph.add((assessment, RDF.type, OWL.Class))
    graph.add((assessment, RDFS.subClassOf, RDF.Statement))
    graph.add((assessment, RDFS.label, Literal("assessment")))
    graph.add((assessment, RDFS.comment, Literal("A statement that is the author's own judgement.")))
    for etype in ENTITY_TYPES.values():
        cls = URIRef(class_iri(etype.name))
        graph.add((cls, RDF.type, OWL.Class))
        graph.add((cls, RDFS.label, Literal(etype.label)))
        graph.add((cls, RDFS.comment, Literal(etype.comment)))
        graph.add((cls, RDFS.subClassOf, entity_class))
        for match in etype.matches:
            graph.add((cls, RDFS.subClassOf, _term(match)))
    for pred in PREDICATES.values():
        prop = URIRef(predicate_iri(pred.id))
        graph.add((prop, RDF.type, OWL.ObjectProperty))
        if pred.symmetric:
            graph.add((prop, RDF.type, OWL.SymmetricProperty))
        graph.add((prop, RDFS.label, Literal(pred.label)))
        graph.add((prop, RDFS.comment, Literal(pred.description)))
        graph.add((prop, _term("kg:inverseLabel"), Literal(pred.inverse_label)))
        for t in pred.subject_types:
            graph.add((prop, _term("kg:subjectType"), URIRef(class_iri(t))))
        for t in pred.object_types:
            graph.add((prop, _term("kg:objectType"), URIRef(class_iri(t))))
    for name, (label, comment) in META_PROPERTIES.items():
        prop = URIRef(ONTOLOGY + name)
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
        graph.add((prop, RDFS.label, Literal(label)))
        graph.add((prop, RDFS.comment, Literal(comment)))


def _add_dates(graph: Graph, node, date, start, end) -> None:  # type: ignore[no-untyped-def]
    from rdflib import XSD, Literal

    for name, value in (("date", date), ("start", start), ("end", end)):
        if value is not None:
            graph.add((node, _term(f"kg:{name}"), date_literal(value)))
    first, last = (date or start), (date or end)
    if first is not None:
        graph.add((node, _term("kg:earliest"), Literal(first.earliest.isoformat(), datatype=XSD.date)))
    if last is not None:
        graph.add((node, _term("kg:latest"), Literal(last.latest.isoformat(), datatype=XSD.date)))


def _add_entity(graph: Graph, base: str, entity: Entity) -> None:
    from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef

    node = URIRef(entity_iri(base, entity.id))
    graph.add((node, RDF.type, URIRef(class_iri(entity.type))))
    graph.add((node, RDFS.label, Literal(entity.label)))
    for alias in entity.aliases:
        graph.add((node, _term("skos:altLabel"), Literal(alias)))
    if entity.description:
        graph.add((node, _term("dcterms:description"), Literal(entity.description)))
    _add_dates(graph, node, entity.date, entity.start, entity.end)
    for author in entity.extra.get("authors", []):
        graph.add((node, _term("dcterms:creator"), Literal(author)))
    for iri in entity.extra.get("same_as", []):
        graph.add((node, OWL.sameAs, URIRef(iri)))
    for name, curie in _PUBLICATION_FIELDS.items():
        value = entity.extra.get(name)
        if value is None:
            continue
        if name == "year":
            literal = Literal(str(value), datatype=XSD.gYear)
        elif name == "url":
            literal = Literal(str(value), datatype=XSD.anyURI)
        else:
            literal = Literal(str(value))
        graph.add((node, _term(curie), literal))


def relation_iri(base: str, rel: Relation) -> str:
    """The statement IRI of a relation (stable across builds and file reorderings)."""
    dates = "/".join(str(d) if d else "" for d in (rel.date, rel.start, rel.end))
    return statement_iri(base, rel.subject, rel.predicate, rel.object, dates, normalize(rel.quote))


def _add_relation(graph: Graph, base: str, rel: Relation) -> None:
    from rdflib import RDF, XSD, Literal, URIRef

    subject, obj = URIRef(entity_iri(base, rel.subject)), URIRef(entity_iri(base, rel.object))
    predicate = URIRef(predicate_iri(rel.predicate))
    graph.add((subject, predicate, obj))
    stmt = URIRef(relation_iri(base, rel))
    graph.add((stmt, RDF.type, RDF.Statement))
    if rel.kind == "assessment":
        graph.add((stmt, RDF.type, URIRef(class_iri("Assessment"))))
    graph.add((stmt, RDF.subject, subject))
    graph.add((stmt, RDF.predicate, predicate))
    graph.add((stmt, RDF.object, obj))
    graph.add((stmt, _term("kg:kind"), Literal(rel.kind)))
    _add_dates(graph, stmt, rel.date, rel.start, rel.end)
    graph.add((stmt, _term("kg:quote"), Literal(normalize(rel.quote))))
    graph.add((stmt, _term("prov:wasDerivedFrom"), URIRef(entity_iri(base, rel.source))))
    for cited in rel.cites:
        graph.add((stmt, _term("kg:cites"), URIRef(entity_iri(base, cited))))
    for number in rel.footnotes:
        graph.add((stmt, _term("kg:footnote"), Literal(number)))
    if rel.note:
        graph.add((stmt, _term("kg:note"), Literal(rel.note)))
    for index, quantity in enumerate(rel.quantities, 1):
        qnode = URIRef(f"{stmt}/quantity{index}")
        graph.add((stmt, _term("kg:quantity"), qnode))
        graph.add((qnode, RDF.type, _term("schema:QuantitativeValue")))
        graph.add((qnode, _term("schema:value"), Literal(quantity.value, datatype=XSD.decimal)))
        graph.add((qnode, _term("schema:unitText"), Literal(quantity.unit)))
        if quantity.of:
            graph.add((qnode, _term("kg:measure"), Literal(quantity.of)))
