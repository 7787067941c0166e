"""A project outside politics with a vocabulary of its own, through every command that reads it.

The project extends core with a type (Award), a predicate with a declared inverse (receivedAward,
'awarded to') and a symmetric one (collaboratedWith), and runs validate, build, query, path,
export, draw and check on it.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from kgraph.draw import type_colours
from kgraph.vocabulary import load_vocabulary

from conftest import complete, integration, run_cli

KG = "https://w3id.org/kgraph/ontology#"
KGR = "https://w3id.org/kgraph/resource/"

VOCABULARY = """\
    extends: core
    types:
      Award:
        label: award
        description: A prize or honour given to a person or an organization.
        parent: Thing
        matches: [schema:Thing, "http://www.wikidata.org/entity/Q618779"]
        fields:
          year: {range: gYear, property: schema:dateCreated}
    predicates:
      receivedAward:
        label: received
        inverse: awarded to
        description: The subject was given the award.
        subject: [Person, Organization]
        object: [Award]
      collaboratedWith:
        label: collaborated with
        description: The two worked together.
        subject: [Person]
        object: [Person]
        symmetric: true
    """

ENTITIES = """\
    - id: notes
      type: Publication
      label: Notes on the Curies
      text: sources/notes.txt
    - {id: marie, type: Person, label: Marie Curie}
    - {id: pierre, type: Person, label: Pierre Curie}
    - {id: becquerel, type: Person, label: Henri Becquerel}
    - {id: sorbonne, type: Organization, label: University of Paris, aliases: [Sorbonne]}
    - {id: nobel-physics-1903, type: Award, label: Nobel Prize in Physics 1903, year: 1903}
    """

RELATIONS = """\
    - subject: pierre
      predicate: receivedAward
      object: nobel-physics-1903
      date: 1903-12
      quote: In December 1903 Pierre Curie, Marie Curie and Henri Becquerel received the Nobel Prize in Physics.
    - subject: becquerel
      predicate: receivedAward
      object: nobel-physics-1903
      date: 1903-12
      quote: In December 1903 Pierre Curie, Marie Curie and Henri Becquerel received the Nobel Prize in Physics.
    - subject: marie
      predicate: collaboratedWith
      object: pierre
      start: 1895
      quote: From 1895 Marie Curie worked with Pierre Curie.
    - subject: marie
      predicate: memberOf
      object: sorbonne
      start: 1906
      quote: In 1906 Marie Curie joined the faculty of the University of Paris.
    """

TEXT = (
    "From 1895 Marie Curie worked with Pierre Curie. In December 1903 Pierre Curie, Marie Curie "
    "and Henri Becquerel received the Nobel Prize in Physics. In 1906 Marie Curie joined the "
    "faculty of the University of Paris.\n"
)

CHECK = """\
    # An award that nobody received.
    # severity: error
    SELECT ?award WHERE {
      ?a a kg:Award ; rdfs:label ?award .
      FILTER NOT EXISTS { ?x kg:receivedAward ?a }
    }
    """


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Started with kgraph init, as a newcomer would, then declared and annotated."""
    assert run_cli("init", str(tmp_path / "curie"), data=None).code == 0
    data = tmp_path / "curie" / "data"
    started = (data / "vocabulary.yaml").read_text(encoding="utf-8")
    assert started.endswith("\nextends: core\n")  # what VOCABULARY starts with: add the rest
    own = textwrap.dedent(VOCABULARY).removeprefix("extends: core\n")
    (data / "vocabulary.yaml").write_text(started + own, encoding="utf-8")
    (data / "entities.yaml").write_text(textwrap.dedent(ENTITIES), encoding="utf-8")
    (data / "relations.yaml").write_text(textwrap.dedent(RELATIONS), encoding="utf-8")
    (data / "sources" / "notes.txt").write_text(TEXT, encoding="utf-8")
    checks = tmp_path / "curie" / "queries" / "checks"
    (checks / "award-without-recipient.rq").write_text(textwrap.dedent(CHECK), encoding="utf-8")
    return data


def test_validate_and_build(cli, project: Path) -> None:
    run = cli("validate", "--shacl", data=project)
    assert run.code == 0, run
    assert run.out.startswith("ok: 6 entities, 4 relations") and "conforms to the SHACL shapes" in run.out
    build = cli("build", data=project)
    assert build.code == 0 and "from 6 entities and 4 relations" in build.out, build


def test_query_sees_the_declared_ontology(cli, project: Path) -> None:
    run = cli(
        "query",
        "SELECT ?inverse ?label WHERE { ?inverse owl:inverseOf kg:receivedAward ; rdfs:label ?label }",
        "-f",
        "csv",
        data=project,
    )
    assert run.out.splitlines() == ["inverse,label", f"{KG}awardedTo,awarded to"], run
    run = cli("query", "SELECT ?p WHERE { ?p a owl:SymmetricProperty } ORDER BY ?p", "-f", "csv", data=project)
    assert run.out.splitlines() == ["p", f"{KG}collaboratedWith"], run
    run = cli(
        "query",
        "SELECT ?label ?comment ?domain ?range WHERE { kg:receivedAward rdfs:label ?label ; "
        "rdfs:comment ?comment ; rdfs:domain ?domain ; rdfs:range ?range }",
        "-f",
        "csv",
        data=project,
    )
    assert run.out.splitlines()[1] == f"received,The subject was given the award.,{KG}Thing,{KG}Award", run
    # The declared field reaches the graph through the property its declaration names.
    run = cli("query", "SELECT ?y WHERE { kgr:nobel-physics-1903 schema:dateCreated ?y }", "-f", "csv", data=project)
    assert run.out.splitlines() == ["y", "1903"], run
    # An award is a Thing: the subclass chain is in the graph.
    run = cli("query", "ASK { kg:Award rdfs:subClassOf kg:Thing }", "-f", "json", data=project)
    assert json.loads(run.out)["boolean"] is True


def test_path_through_the_new_predicates(cli, project: Path) -> None:
    run = cli("path", "Becquerel", "Sorbonne", "-f", "json", data=project)
    assert run.code == 0, run
    hops = json.loads(run.out)["paths"][0]["hops"]
    assert [h["predicate"]["id"] for h in hops] == ["receivedAward", "receivedAward", "collaboratedWith", "memberOf"]
    # --through-types takes the project's types; --directed follows the symmetric one both ways.
    run = cli("path", "Pierre Curie", "Sorbonne", "--through-types", "Person", "--directed", "-f", "json", data=project)
    assert [h["predicate"]["id"] for h in json.loads(run.out)["paths"][0]["hops"]] == [
        "collaboratedWith",
        "memberOf",
    ], run
    run = cli("path", "Becquerel", "Sorbonne", "--through-types", "Person", data=project)
    assert run.code == 1 and "no path" in run.err.lower(), run  # the award is the only bridge
    run = cli("path", "Becquerel", "Sorbonne", "--via", "awarded", data=project)
    assert run.code == 2 and "unknown predicate 'awarded'" in run.err


def test_export_turtle_and_graphml(cli, project: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "kg.ttl"
    assert cli("export", "-o", str(ttl), data=project).code == 0
    graph = Graph().parse(ttl, format="turtle")
    assert (URIRef(KG + "awardedTo"), OWL.inverseOf, URIRef(KG + "receivedAward")) in graph
    assert (URIRef(KGR + "nobel-physics-1903"), RDF.type, URIRef(KG + "Award")) in graph
    assert (URIRef(KG + "Award"), RDFS.label, Literal("award")) in graph
    assert (URIRef(KG + "Award"), RDFS.subClassOf, URIRef("http://www.wikidata.org/entity/Q618779")) in graph
    assert (URIRef(KGR + "marie"), URIRef(KG + "collaboratedWith"), URIRef(KGR + "pierre")) in graph
    ontology = cli("export", "--ontology", "-f", "turtle", data=project).out
    assert "kg:awardedTo" in ontology and "kg:Award" in ontology
    shapes = cli("export", "--shapes", "-f", "turtle", data=project).out
    assert "receivedAward-object" in shapes
    graphml = tmp_path / "kg.graphml"
    assert cli("export", "-o", str(graphml), data=project).code == 0
    text = graphml.read_text(encoding="utf-8")
    assert '<data key="d1">Award</data>' in text or ">Award<" in text
    assert ">receivedAward<" in text and ">collaborated with<" in text


def test_draw_colours_the_new_type_with_a_legend(cli, project: Path) -> None:
    run = cli("draw", "-f", "dot", data=project)
    assert run.code == 0, run
    award = type_colours(load_vocabulary(str(project)))["Award"]
    assert f'fillcolor="{award}"' in run.out
    legend = next(line for line in run.out.splitlines() if line.startswith('  "legend:types"'))
    assert f'<td bgcolor="{award}" width="14"> </td><td align="left">Award</td>' in legend
    assert legend.count(f'bgcolor="{award}"') == 1  # no other type drawn shares it


def test_check(cli, project: Path) -> None:
    run = cli("check", data=project)
    assert run.code == 0, run
    assert "award-without-recipient: ok" in run.out
    (project / "entities.yaml").write_text(
        textwrap.dedent(ENTITIES) + "- {id: prize, type: Award, label: X}\n", encoding="utf-8"
    )
    run = cli("check", data=project)
    assert run.code == 1 and "award-without-recipient: 1 row(s)" in run.out, run


def test_editing_the_vocabulary_rebuilds_the_graph(cli, project: Path) -> None:
    query = "SELECT ?l WHERE { kg:receivedAward rdfs:label ?l }"
    assert cli("query", query, "-f", "csv", data=project).out.splitlines() == ["l", "received"]
    vocabulary = project / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("label: received", "label: was given"))
    assert cli("query", query, "-f", "csv", data=project).out.splitlines() == ["l", "was given"]


@integration
def test_completion_offers_the_projects_own_names(project: Path) -> None:
    assert complete("path marie pierre --via rec", data=project) == ["receivedAward"]
    assert complete("path marie pierre --through-types Person,Aw", data=project) == ["Person,Award"]
    assert complete("path marie pierre --via sign", data=project) == []  # core has no 'signed'
    assert "Notes on the Curies" not in complete("show No", data=project)  # a work, not an actor
