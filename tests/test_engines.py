"""Differential tests: Oxigraph and rdflib give the same answers to every named and benchmark query.

Oxigraph's results are what users get by default; rdflib is the reference. Any divergence (a
wrong-result bug in either engine, or in our term conversion) fails here.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.compile import compile_graph
from kgraph.entitygraph import EntityGraph, edge_order, entity_infos, to_records
from kgraph.load import load
from kgraph.statement import statements

from conftest import DATA, MINI, ROOT, integration, run_cli
from rdf_records import from_rdf, without_folded

BENCH_QUERIES = sorted((ROOT / "bench" / "queries").glob("*.rq"))
NAMED_QUERIES = sorted((ROOT / "queries").glob("*.rq"))
EXTRA = {
    "ask": "ASK { ?s kg:signed ?t }",
    "optional": "SELECT ?e ?label ?d WHERE { ?e rdfs:label ?label OPTIONAL { ?e kg:date ?d } }",
    "filter-lang": "SELECT ?s ?q WHERE { ?s kg:quote ?q FILTER(CONTAINS(LCASE(?q), 'treaty')) }",
    "values": "SELECT ?t (COUNT(?s) AS ?n) WHERE { VALUES ?p { kg:signed kg:met } ?s ?p ?t } GROUP BY ?t",
    "dates": "SELECT ?s ?d WHERE { ?s kg:earliest ?d FILTER(YEAR(?d) < 1950) }",
    "union-minus": "SELECT DISTINCT ?x WHERE { { ?x a kg:State } UNION { ?x a kg:Person } "
    "MINUS { ?x kg:leaderOf ?y } }",
}


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data folder from bench/generate.py (hubs, chains, every entity type)."""
    out = tmp_path_factory.mktemp("generated") / "data"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--relations", "400", "--seed", "7", "--out", str(out)],
        check=True,
    )
    return out


def folders(generated: Path) -> list[Path]:
    found = [MINI, generated]
    if (DATA / "entities.yaml").exists():
        found.append(DATA)
    return found


def answer(engine: str, folder: Path, query: str, fmt: str = "csv", *params: str) -> str:
    run = run_cli("--engine", engine, "query", query, "-f", fmt, *params, data=folder)
    assert run.code == 0, run
    return run.out


def same(query: str, folder: Path, ordered: bool) -> None:
    oxigraph, rdflib = answer("oxigraph", folder, query), answer("rdflib", folder, query)
    if ordered:
        assert oxigraph == rdflib
    else:
        text = Path(query).read_text() if query.endswith(".rq") else query
        assert unordered(oxigraph, text) == unordered(rdflib, text)
    assert oxigraph.strip()


def unordered(answer_csv: str, query: str) -> list[list[str]]:
    """Rows in any order; GROUP_CONCAT's parts in any order (SPARQL leaves both unspecified)."""
    import csv
    import io
    import re

    separators = [a or b for a, b in re.findall(r"SEPARATOR\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", query, re.I)]
    if "GROUP_CONCAT" in query.upper() and not separators:
        separators = [" "]
    rows = []
    for row in csv.reader(io.StringIO(answer_csv)):
        cells = []
        for cell in row:
            for sep in separators:
                if sep and sep in cell:
                    cell = sep.join(sorted(cell.split(sep)))
            cells.append(cell)
        rows.append(cells)
    return sorted(rows)


@integration
@pytest.mark.parametrize("query", BENCH_QUERIES, ids=lambda p: p.stem)
def test_benchmark_queries_agree_in_order(generated: Path, query: Path) -> None:
    for folder in folders(generated):
        same(str(query), folder, ordered=True)


@integration
@pytest.mark.parametrize("query", NAMED_QUERIES, ids=lambda p: p.stem)
def test_named_queries_agree_in_order(generated: Path, query: Path) -> None:
    """Byte for byte: each named query has total ORDER BY keys and no GROUP_CONCAT."""
    from kgraph.params import declared

    for folder in folders(generated):
        params = [arg for p in declared(query.read_text()) for arg in ("--param", f"{p.name}={first_id(folder)}")]
        oxigraph, rdflib = (answer(engine, folder, str(query), "csv", *params) for engine in ("oxigraph", "rdflib"))
        assert oxigraph == rdflib


def first_id(folder: Path) -> str:
    """An entity of the folder, for a query's entity parameter."""
    import re

    found = re.search(r"^- id: *([^\s#]+)", (folder / "entities.yaml").read_text(encoding="utf-8"), re.M)
    assert found
    return found.group(1)


@integration
@pytest.mark.parametrize("name", sorted(EXTRA))
def test_other_query_shapes_agree(generated: Path, name: str) -> None:
    for folder in folders(generated):
        same(EXTRA[name], folder, ordered=False)


@integration
@pytest.mark.parametrize("fmt", ["json", "tsv", "xml"])
def test_every_result_format_agrees(generated: Path, fmt: str) -> None:
    query = str(BENCH_QUERIES[0])
    assert answer("oxigraph", generated, query, fmt) == answer("rdflib", generated, query, fmt)


@integration
def test_construct_agrees(generated: Path) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    query = "CONSTRUCT { ?s kg:met ?o } WHERE { ?s kg:met ?o }"
    graphs = [
        Graph().parse(data=answer(e, generated, query, "turtle"), format="turtle") for e in ("oxigraph", "rdflib")
    ]
    assert len(graphs[0]) > 10 and isomorphic(graphs[0], graphs[1])


@integration
def test_statements_match_the_rdf_graph(generated: Path, tmp_path: Path) -> None:
    """The statements kgraph derives once from the records, which the entity graph uses as its
    edges and the cache keeps, equal what an independent reader finds in the compiled RDF:
    dates, bounds, quote, kind, status, source, cites, footnotes, note, quantities and anchors."""
    import shutil

    planned = tmp_path / "planned"
    shutil.copytree(MINI, planned)
    with open(planned / "relations.yaml", "a", encoding="utf-8") as handle:
        handle.write(
            "- {subject: china, predicate: invaded, object: russia, status: denied,\n"
            "   quote: Russia used this opportunity., quantities: [{value: 3, unit: km, approximate: true},\n"
            "   {max: 1000000, unit: USD, of: loans}, {min: 1, max: 2.50, unit: km}]}\n"
        )
        # EDTF dates (an unknown end, an approximate day, an open start, unspecified digits) and
        # names in time: the reader finds them in the EDTF literals and the kg:alias nodes.
        for subject, date in (
            ("china", "date: 2000/"),
            ("russia", "date: 1896~"),
            ("korea", "date: ../1978"),
            ("putin", "start: 196X, end: 1985?"),
        ):
            handle.write(
                f"- {{subject: {subject}, predicate: met, object: ussr, {date},\n"
                "   quote: Russia used this opportunity.}\n"
            )
    with open(planned / "entities.yaml", "a", encoding="utf-8") as handle:
        handle.write(
            "- {id: ussr, type: State, label: Soviet Union, start: 1922~, end: 1991-12,\n"
            '   aliases: [USSR, {name: Union, date: "1922/1991"}, {name: Red, start: 1917?}]}\n'
        )
    for folder in (MINI, DATA, ROOT / "examples" / "debian-history", generated, planned):
        dataset = load(str(folder))
        base = "https://w3id.org/kgraph/resource/"
        records = statements(dataset, base)
        read = from_rdf(compile_graph(dataset, base), base, dataset.vocabulary)
        cached = EntityGraph.from_records(to_records(entity_infos(dataset), records), dataset.vocabulary)
        assert cached is not None
        assert cached.entities == read.entities
        assert without_folded(cached.edges) == read.edges
        assert cached.edges == sorted(records, key=edge_order)
        assert any(r.quantities for r in records) or folder != DATA
        if folder == planned:
            assert read.entities["ussr"].timed_aliases == (("Red", "1917?/.."), ("Union", "1922/1991"))
            assert {str(r.date) for r in read.edges if r.object == "ussr"} >= {"2000/", "1896~", "../1978"}


@integration
def test_triple_counts_agree(generated: Path) -> None:
    counts = {e: run_cli("--engine", e, "build", data=generated).out for e in ("oxigraph", "rdflib")}
    assert counts["oxigraph"] == counts["rdflib"] and "triples" in counts["rdflib"]


@integration
@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml"])
def test_exports_agree(generated: Path, fmt: str) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    name = {"turtle": "turtle", "nt": "nt", "xml": "xml"}[fmt]
    runs = [run_cli("--engine", e, "export", "-f", fmt, data=generated) for e in ("oxigraph", "rdflib")]
    graphs = [Graph().parse(data=r.out, format=name) for r in runs]
    assert isomorphic(graphs[0], graphs[1])
    assert isomorphic(graphs[0], compile_graph(load(str(generated))))
    if fmt == "nt":  # sorted N-Triples are byte-identical across engines
        assert runs[0].out == runs[1].out


def test_results_text_is_engine_neutral() -> None:
    from kgraph.results import QueryResult, Term, write_tsv

    result = QueryResult("SELECT", ["x"], [{"x": Term("literal", "1", "http://www.w3.org/2001/XMLSchema#integer")}])
    buffer = io.StringIO()
    write_tsv(result, buffer)
    assert buffer.getvalue() == "?x\n1\n"


def test_group_by_over_no_solutions_gives_no_rows_on_both_engines() -> None:
    """SPARQL: no solutions, no groups. rdflib alone would answer one empty row."""
    query = "SELECT ?o (COUNT(?x) AS ?n) WHERE { ?x kg:successorOf ?o } GROUP BY ?o"
    for engine in ("oxigraph", "rdflib"):
        assert answer(engine, MINI, query).splitlines() == ["o,n"]
    total = "SELECT (COUNT(?x) AS ?n) WHERE { ?x kg:successorOf ?o }"  # no GROUP BY: one row, 0
    assert answer("oxigraph", MINI, total).splitlines() == answer("rdflib", MINI, total).splitlines() == ["n", "0"]
