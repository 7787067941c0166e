"""kgraph validate --shacl: pySHACL on the compiled graph, violations at the YAML record they come from."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from rdflib import Literal, URIRef

from kgraph.project import Project
from kgraph.shapes import validate

from conftest import DATA, MINI

KG = "https://w3id.org/kgraph/ontology#"
KGR = "https://w3id.org/kgraph/resource/"
PREFIXES = """\
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix kg: <https://w3id.org/kgraph/ontology#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix ex: <https://example.org/shapes#> .
"""


def local(text: str) -> list[str]:
    """Lines with the data folder's path (absolute or relative) cut to the file name."""
    return [re.sub(r"^\S*?((entities|relations)\.yaml)", r"\1", line) for line in text.splitlines()]


def shapes_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "extra.ttl"
    path.write_text(textwrap.dedent(PREFIXES) + textwrap.dedent(body))
    return path


def test_the_mini_and_bundled_graphs_conform(cli) -> None:
    run = cli("validate", "--shacl")
    assert run.code == 0, run
    assert run.out == (
        "ok: 8 entities, 6 relations, 6 quotes found in their sources; the graph conforms to the SHACL shapes\n"
    )
    if (DATA / "relations.yaml").exists():
        bundled = cli("validate", "--shacl", data=DATA)
        assert bundled.code == 0 and "conforms to the SHACL shapes" in bundled.out, bundled


def test_project_shapes_report_at_the_entity_records(cli, tmp_path: Path) -> None:
    extra = shapes_file(
        tmp_path,
        """
        ex:PersonDescribed a sh:NodeShape ;
            sh:targetClass kg:Person ;
            sh:property [ sh:path dcterms:description ; sh:minCount 1 ;
                          sh:message "describe every person" ] .
    """,
    )
    run = cli("validate", "--shapes", str(extra))
    assert run.code == 1
    assert run.out == ""
    assert local(run.err) == [
        "entities.yaml:22:3: error: shacl: kgr:putin dcterms:description: describe every person",
        "entities.yaml:25:3: error: shacl: kgr:kim-jong-il dcterms:description: describe every person",
        "2 error(s) found",
    ]


def test_relation_violations_point_at_relations_yaml_and_warnings_pass(cli, tmp_path: Path) -> None:
    extra = shapes_file(
        tmp_path,
        """
        ex:Dated a sh:NodeShape ;
            sh:targetClass rdf:Statement ;
            sh:severity sh:Warning ;
            sh:property [ sh:path kg:date ; sh:minCount 1 ; sh:message "date every relation" ;
                          sh:severity sh:Warning ] .
    """,
    )
    run = cli("validate", "--shacl", "--shapes", str(extra))
    assert run.code == 0, run
    assert local(run.err)[0].startswith("relations.yaml:21:3: warning: shacl: kgr:statement/putin.leaderOf.russia.")
    assert run.err.rstrip().endswith("kg:date: date every relation")
    assert "conforms to the SHACL shapes" in run.out


def test_the_bundled_shapes_catch_a_broken_graph() -> None:
    project = Project(str(MINI))
    graph = project.graph()
    graph.add((URIRef(KGR + "treaty-1884"), URIRef(KG + "signed"), URIRef(KGR + "russia")))
    graph.add((URIRef(KGR + "russia"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Rossiya")))
    graph.add((URIRef(KGR + "putin"), URIRef(KG + "date"), Literal("2000")))
    statement = next(s for s in graph.subjects(URIRef(KG + "quote"), None) if "russia.signed.treaty" in str(s))
    graph.remove((statement, URIRef(KG + "quote"), None))
    found = local("\n".join(str(p) for p in validate(project)))
    assert found == [
        "entities.yaml:7:3: error: shacl: kgr:russia rdfs:label: an entity has exactly one label, a plain string "
        "[shape Entity-label]",
        "entities.yaml:7:3: error: shacl: kgr:russia: the object of 'signed' must be a Treaty [shape signed-object]",
        "entities.yaml:18:3: error: shacl: kgr:treaty-1884: the subject of 'signed' must be a State or Person or "
        "Organization [shape signed-subject]",
        "entities.yaml:22:3: error: shacl: kgr:putin kg:date: at most one date, an xsd:date, xsd:gYearMonth or "
        "xsd:gYear, or an EDTF date (value '2000') [shape Entity-date]",
        f"relations.yaml:1:3: error: shacl: kgr:{str(statement)[len(KGR) :]} kg:quote: a relation has exactly one "
        "quote [shape Statement-quote]",
    ]


def test_a_missing_or_broken_shapes_file(cli, tmp_path: Path) -> None:
    missing = cli("validate", "--shapes", str(tmp_path / "none.ttl"))
    assert missing.code == 1 and missing.err == f"error: shapes file not found: {tmp_path / 'none.ttl'}\n"
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle")
    run = cli("validate", "--shapes", str(broken))
    assert run.code == 1 and run.err.startswith(f"error: cannot read shapes from {broken}:")
