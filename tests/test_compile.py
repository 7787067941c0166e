"""Compilation: typed dates, statement nodes, a labelled ontology, stable IRIs."""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from kgraph.compile import compile_graph
from kgraph.dates import PartialDate
from kgraph.load import load
from kgraph.statement import relation_iri
from kgraph.vocab import DEFAULT_BASE, ONTOLOGY
from kgraph.vocabulary import packaged

from conftest import MINI

KG = ONTOLOGY
R = DEFAULT_BASE


def graph():  # type: ignore[no-untyped-def]
    return compile_graph(load(str(MINI)))


def test_dates_keep_their_precision() -> None:
    g = graph()
    assert g.value(URIRef(R + "treaty-1884"), URIRef(KG + "date")) == Literal("1884-07-07", datatype=XSD.date)
    assert g.value(URIRef(R + "friendship-treaty"), URIRef(KG + "date")) == Literal("1961", datatype=XSD.gYear)
    stmt = next(s for s in g.subjects(RDF.predicate, URIRef(KG + "lostControlOf")))
    assert g.value(stmt, URIRef(KG + "date")) == Literal("1895-04", datatype=XSD.gYearMonth)
    assert g.value(stmt, URIRef(KG + "earliest")) == Literal("1895-04-01", datatype=XSD.date)
    assert g.value(stmt, URIRef(KG + "latest")) == Literal("1895-04-30", datatype=XSD.date)


def test_every_relation_is_a_direct_triple_and_a_statement() -> None:
    g = graph()
    data = load(str(MINI))
    for rel in data.relations:
        s, p, o = URIRef(R + rel.subject), URIRef(KG + rel.predicate), URIRef(R + rel.object)
        assert (s, p, o) in g
        stmt = URIRef(relation_iri(R, rel))
        assert (stmt, RDF.type, RDF.Statement) in g
        assert (stmt, RDF.subject, s) in g and (stmt, RDF.predicate, p) in g and (stmt, RDF.object, o) in g
        assert (stmt, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(R + "article")) in g
        assert g.value(stmt, URIRef(KG + "quote")) is not None


def test_statement_iris_do_not_depend_on_file_order(make_data) -> None:
    text = (MINI / "relations.yaml").read_text()
    records = ["- " + r for r in text.split("\n- ")]
    records[0] = records[0][2:]
    reversed_text = "\n".join(reversed([r.rstrip("\n") for r in records])) + "\n"
    folder = make_data(relations=reversed_text)
    assert sorted(compile_graph(load(str(folder)))) == sorted(graph())


def test_ontology_labels_every_class_and_predicate() -> None:
    g = graph()
    politics = packaged("politics")
    for name in politics.types:
        cls = URIRef(KG + name)
        assert g.value(cls, RDFS.label) and g.value(cls, RDFS.comment)
    for pid, pred in politics.predicates.items():
        prop = URIRef(KG + pid)
        assert g.value(prop, RDFS.label) == Literal(pred.label)
        assert g.value(prop, URIRef(KG + "inverseLabel")) == Literal(pred.inverse_label)
    assert (URIRef(KG + "Person"), RDFS.subClassOf, URIRef("https://schema.org/Person")) in g


def test_entities_have_type_label_and_aliases() -> None:
    g = graph()
    russia = URIRef(R + "russia")
    assert (russia, RDF.type, URIRef(KG + "State")) in g
    assert g.value(russia, RDFS.label) == Literal("Russia")
    aliases = set(g.objects(russia, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    assert aliases == {Literal("Moscow"), Literal("Russian Federation")}


def test_base_iri_is_configurable(cli) -> None:
    run = cli("query", "SELECT ?s WHERE { ?s a kg:Treaty } ORDER BY ?s", "-f", "csv")
    assert "https://w3id.org/kgraph/resource/treaty-1884" in run.out
    from conftest import run_cli

    other = run_cli("--base", "http://example.org/kg/", "query", "SELECT ?s WHERE { kgr:russia a ?s }", "-f", "csv")
    assert other.code == 0 and "https://w3id.org/kgraph/ontology#State" in other.out


def test_partial_dates() -> None:
    assert str(PartialDate.parse("1884-07-07")) == "1884-07-07"
    assert PartialDate.parse("2000-02").latest.isoformat() == "2000-02-29"
    assert PartialDate.parse("1961").xsd_type == "gYear"


def test_every_term_of_the_ontology_has_one_label() -> None:
    """Declared fields, inverses and kgraph's own properties never give a term a second label."""
    g = graph()
    subjects = {s for s in g.subjects(RDFS.label, None) if str(s).startswith(KG)}
    assert len(subjects) > 100
    assert [s for s in subjects if len(list(g.objects(s, RDFS.label))) != 1] == []


def test_declared_terms_are_what_the_ontology_declares() -> None:
    """The query warnings about unknown kg: terms read compile.declared_terms: every type, predicate,
    inverse property and kgraph's own properties of the project's vocabulary, and nothing else."""
    from kgraph.compile import declared_terms
    from kgraph.project import Project

    vocabulary = Project(str(MINI)).vocabulary()
    terms = declared_terms(vocabulary)
    assert set(vocabulary.types) <= terms and set(vocabulary.predicates) <= terms
    assert {"ledBy", "quote", "Entity"} <= terms
    assert "particpatedIn" not in terms
    g = graph()
    declared = {str(s)[len(KG) :] for s in g.subjects(RDF.type, None) if str(s).startswith(KG)}
    assert terms == declared
