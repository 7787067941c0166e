"""Both directions, declared once: a symmetric predicate's triple holds both ways, and a predicate
with a declared inverse (owl:inverseOf) also yields the inverse property's triple. Statement nodes
stay one per claim, in the annotator's direction, and name the derived triple with kg:converse."""

from __future__ import annotations

import csv
import io

import pytest

from kgraph.engine import ENGINES

from conftest import DATA, needs_bundled_data, run_cli

KGR = "https://w3id.org/kgraph/resource/"


def claims() -> list[dict[str, object]]:
    import yaml

    return yaml.safe_load((DATA / "relations.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def select(engine: str, query: str) -> list[dict[str, str]]:
    run = run_cli("--engine", engine, "query", query, "-f", "csv", data=DATA)
    assert run.code == 0, run
    return list(csv.DictReader(io.StringIO(run.out)))


def ask(engine: str, query: str) -> str:
    run = run_cli("--engine", engine, "query", query, data=DATA)
    assert run.code == 0, run
    return run.out.strip()


@needs_bundled_data
@pytest.mark.parametrize("engine", ENGINES)
def test_a_symmetric_predicate_answers_both_ways(engine: str) -> None:
    partners = {
        str(c["object"] if c["subject"] == "russia" else c["subject"])
        for c in claims()
        if c["predicate"] == "cooperatedWith" and "russia" in (c["subject"], c["object"])
    }
    found = select(engine, "SELECT ?x WHERE { ?x kg:cooperatedWith kgr:russia }")
    assert {row["x"][len(KGR) :] for row in found} == partners and len(partners) >= 2
    assert ask(engine, "ASK { ?x kg:borders kgr:russia }") == "yes"
    assert ask(engine, "ASK { ?x kg:met kgr:vladimir-putin }") == "yes"
    assert ask(engine, "ASK { ?x kg:rivalOf kgr:russia }") == "yes"


@needs_bundled_data
@pytest.mark.parametrize("engine", ENGINES)
def test_a_declared_inverse_gives_the_inverse_triple(engine: str) -> None:
    assert ask(engine, "ASK { kgr:north-korea kg:ledBy kgr:kim-il-sung }") == "yes"
    assert ask(engine, "ASK { kg:ledBy owl:inverseOf kg:leaderOf }") == "yes"
    # every leaderOf triple has its ledBy twin, and no other
    pairs = select(engine, "SELECT (COUNT(*) AS ?n) WHERE { ?p kg:leaderOf ?s FILTER NOT EXISTS { ?s kg:ledBy ?p } }")
    assert pairs == [{"n": "0"}]


@needs_bundled_data
def test_statements_stay_one_per_claim_in_the_annotators_direction_and_derived_triples_are_marked() -> None:
    relations = claims()
    statements = select(
        "oxigraph", "SELECT ?s ?p ?o WHERE { ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"
    )
    assert len(statements) == len(relations)
    annotated = sorted((str(c["subject"]), str(c["predicate"]), str(c["object"])) for c in relations)
    kg = "https://w3id.org/kgraph/ontology#"
    assert sorted((r["s"][len(KGR) :], r["p"][len(kg) :], r["o"][len(KGR) :]) for r in statements) == annotated
    # A direct triple between entities is annotated (a statement names it) or derived (a statement's
    # kg:converse names it), and nothing else.
    unaccounted = select(
        "oxigraph",
        """
        SELECT ?s ?p ?o WHERE {
          ?s ?p ?o . ?s a kg:Entity . ?o a kg:Entity .
          FILTER NOT EXISTS { ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
          FILTER NOT EXISTS { ?d kg:converse ?p ; rdf:subject ?o ; rdf:object ?s }
        }""",
    )
    assert unaccounted == []
    derived = select("oxigraph", "SELECT ?s ?p ?o WHERE { ?st kg:converse ?p ; rdf:subject ?o ; rdf:object ?s }")
    assert {"s": KGR + "north-korea", "p": kg + "ledBy", "o": KGR + "kim-il-sung"} in derived
    assert all(ask("oxigraph", f"ASK {{ <{r['s']}> <{r['p']}> <{r['o']}> }}") == "yes" for r in derived[:20])
