"""W3C SPARQL 1.1 result formats, exactly: TSV read back by parsers that are not kgraph's (rdflib's
TSV result parser, Oxigraph's) gives the very terms of the JSON result; numbers keep their datatype,
NaN and INF read back; a remote store's invalid blank-node labels come out valid in CSV and TSV."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from conftest import DATA, integration, needs_bundled_data, run_cli
from servers import Seen, scripted  # noqa: F401  (fixture)

XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN = (None, XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
Term = tuple[str, str, "str | None", "str | None"]
SPECIAL = (
    "SELECT ?nan ?inf ?minf ?dec ?whole ?int ?double ?float ?yes ?one ?text WHERE { "
    'BIND(xsd:double("NaN") AS ?nan) BIND("INF"^^xsd:double AS ?inf) BIND(xsd:float("-INF") AS ?minf) '
    'BIND("1500000000"^^xsd:decimal AS ?dec) BIND("2.50"^^xsd:decimal AS ?whole) '
    'BIND("007"^^xsd:integer AS ?int) BIND("15"^^xsd:double AS ?double) BIND("1.5"^^xsd:float AS ?float) '
    'BIND(true AS ?yes) BIND("1"^^xsd:boolean AS ?one) BIND("a\\tb \\"c\\"" AS ?text) }'
)


def from_json(text: str) -> list[dict[str, Term]]:
    rows = []
    for binding in json.loads(text)["results"]["bindings"]:
        rows.append({var: (t["type"], t["value"], t.get("datatype"), t.get("xml:lang")) for var, t in binding.items()})
    return rows


def from_rdflib(text: str) -> list[dict[str, Term]]:
    """rdflib's TSV result parser, the terms as JSON would give them."""

    def term(value: object) -> Term:
        if isinstance(value, URIRef):
            return ("uri", str(value), None, None)
        if isinstance(value, BNode):
            return ("bnode", str(value), None, None)
        assert isinstance(value, Literal)
        datatype = str(value.datatype) if value.datatype else None
        return ("literal", str(value), None if datatype in PLAIN else datatype, value.language)

    parsed = Result.parse(io.StringIO(text), format="tsv")
    return [{str(var): term(value) for var, value in row.asdict().items()} for row in parsed]


def from_oxigraph(text: str) -> list[dict[str, Term]]:
    """Oxigraph's TSV result parser, which keeps lexical forms as written."""

    def term(value: object) -> Term:
        if isinstance(value, pyoxigraph.NamedNode):
            return ("uri", value.value, None, None)
        if isinstance(value, pyoxigraph.BlankNode):
            return ("bnode", value.value, None, None)
        assert isinstance(value, pyoxigraph.Literal)
        datatype = value.datatype.value
        return ("literal", value.value, None if datatype in PLAIN else datatype, value.language)

    solutions = pyoxigraph.parse_query_results(text.encode(), format=pyoxigraph.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    return [{name: term(s[name]) for name in names if s[name] is not None} for s in solutions]


def answers(*args: str, data: object = DATA) -> tuple[str, str]:
    tsv, js = (run_cli("query", *args, "-f", fmt, data=data) for fmt in ("tsv", "json"))
    assert tsv.code == 0 and js.code == 0, (tsv, js)
    return tsv.out, js.out


@needs_bundled_data
@pytest.mark.parametrize("query", ["loans-and-debts", "quantities", "footnote-counts", "timeline"])
def test_tsv_reads_back_as_the_json_terms(query: str) -> None:
    tsv, js = answers(query)
    expected = from_json(js)
    assert len(expected) > 3
    assert from_oxigraph(tsv) == expected
    assert from_rdflib(tsv) == expected
    if query == "loans-and-debts":  # the case that went wrong: decimals read back as integers
        values = {row["value"] for row in expected}
        assert ("literal", "1500000000", XSD + "decimal", None) in values


def test_special_numbers_and_booleans_read_back() -> None:
    tsv, js = answers(SPECIAL)
    expected = from_json(js)
    assert from_oxigraph(tsv) == expected
    assert from_rdflib(tsv) == expected
    fields = dict(zip(tsv.splitlines()[0].split("\t"), tsv.splitlines()[1].split("\t")))
    # Bare only where the lexical form is the canonical one of its datatype.
    assert fields["?yes"] == "true" and fields["?dec"] == f'"1500000000"^^<{XSD}decimal>'
    assert fields["?nan"] == f'"NaN"^^<{XSD}double>' and fields["?minf"] == f'"-INF"^^<{XSD}float>'


#: A Virtuoso answer: its blank nodes are named nodeID://..., which no Turtle or TSV reader accepts.
VIRTUOSO_ROWS = {
    "head": {"vars": ["a", "b"]},
    "results": {
        "bindings": [
            {"a": {"type": "bnode", "value": "nodeID://b10000"}, "b": {"type": "bnode", "value": "nodeID://b10001"}},
            {"a": {"type": "bnode", "value": "nodeID://b10001"}, "b": {"type": "uri", "value": "http://example.org/x"}},
            {"a": {"type": "bnode", "value": "nodeID___b10000"}, "b": {"type": "bnode", "value": "nodeID://b10000"}},
        ]
    },
}


@integration
def test_invalid_remote_blank_node_labels_become_valid_and_consistent(scripted) -> None:  # noqa: F811
    body = json.dumps(VIRTUOSO_ROWS).encode()
    server = scripted(lambda seen: (200, {"Content-Type": "application/sparql-results+json"}, body))
    query = "SELECT ?a ?b WHERE { ?a ?p ?b }"
    tsv = run_cli("query", query, "--endpoint", server.url + "/sparql", "-f", "tsv")
    csv_run = run_cli("query", query, "--endpoint", server.url + "/sparql", "-f", "csv")
    assert tsv.code == 0 and csv_run.code == 0, (tsv, csv_run)
    assert "nodeID://" not in tsv.out + csv_run.out
    for rows in (from_rdflib(tsv.out), from_oxigraph(tsv.out)):
        labels = [rows[0]["a"][1], rows[0]["b"][1], rows[1]["a"][1], rows[2]["a"][1], rows[2]["b"][1]]
        # the same remote node, the same label; different nodes, different labels
        assert labels[0] == labels[4] and labels[1] == labels[2]
        assert len({labels[0], labels[1], labels[3]}) == 3
    cells = list(csv.reader(io.StringIO(csv_run.out)))[1:]
    assert all(re.fullmatch(r"_:\w+", c) for row in cells for c in row if c.startswith("_:"))
    assert cells[0][0] == cells[2][1] and cells[0][1] == cells[1][0] and cells[2][0] != cells[0][0]
