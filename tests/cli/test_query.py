"""kgraph query: inline, file, named, stdin; W3C result formats; errors; no network."""

from __future__ import annotations

import csv
import io
import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kgraph.engine import ENGINES

TREATIES = "SELECT ?t ?date WHERE { ?t a kg:Treaty ; kg:date ?date } ORDER BY ?date"
KGR = "https://w3id.org/kgraph/resource/"


def test_inline_select_as_json_follows_the_w3c_format(cli) -> None:
    run = cli("query", TREATIES, "--format", "json")
    assert run.code == 0, run
    doc = json.loads(run.out)
    assert doc["head"] == {"vars": ["t", "date"]}
    assert doc["results"]["bindings"] == [
        {
            "t": {"type": "uri", "value": KGR + "treaty-1884"},
            "date": {"type": "literal", "value": "1884-07-07", "datatype": "http://www.w3.org/2001/XMLSchema#date"},
        },
        {
            "t": {"type": "uri", "value": KGR + "friendship-treaty"},
            "date": {"type": "literal", "value": "1961", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"},
        },
    ]


def test_csv_uses_plain_values_and_crlf(cli) -> None:
    run = cli("query", TREATIES, "--format", "csv")
    expected = f"t,date\r\n{KGR}treaty-1884,1884-07-07\r\n{KGR}friendship-treaty,1961\r\n"
    assert run.out_bytes.decode() == expected


def test_tsv_uses_sparql_term_syntax(cli) -> None:
    run = cli("query", TREATIES, "--format", "tsv")
    lines = run.out.splitlines()
    assert lines[0] == "?t\t?date"
    assert lines[1] == f'<{KGR}treaty-1884>\t"1884-07-07"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_xml_results_parse_and_carry_datatypes(cli) -> None:
    run = cli("query", TREATIES, "--format", "xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(run.out)
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["t", "date"]
    literals = root.findall(".//s:literal", ns)
    assert literals[1].text == "1961"
    assert literals[1].get("datatype") == "http://www.w3.org/2001/XMLSchema#gYear"


def test_table_shows_compact_names_and_counts_rows_on_stderr(cli) -> None:
    run = cli("query", TREATIES)
    assert "kgr:treaty-1884" in run.out and "1884-07-07" in run.out
    assert run.err.strip() == "2 row(s)"


def test_ask_and_construct(cli) -> None:
    assert cli("query", "ASK { kgr:russia kg:signed kgr:treaty-1884 }").out.strip() == "yes"
    assert json.loads(cli("query", "ASK { kgr:korea kg:signed kgr:friendship-treaty }", "-f", "json").out) == {
        "head": {},
        "boolean": False,
    }
    run = cli("query", "CONSTRUCT { ?s kg:signed ?o } WHERE { ?s kg:signed ?o }", "--format", "nt")
    assert sorted(run.out.splitlines()) == sorted(
        [
            f"<{KGR}russia> <https://w3id.org/kgraph/ontology#signed> <{KGR}treaty-1884> .",
            f"<{KGR}korea> <https://w3id.org/kgraph/ontology#signed> <{KGR}treaty-1884> .",
            f"<{KGR}russia> <https://w3id.org/kgraph/ontology#signed> <{KGR}friendship-treaty> .",
        ]
    )


def test_query_from_file_stdin_and_name(cli, tmp_path: Path, make_data) -> None:
    folder = make_data()
    (folder.parent / "queries").mkdir()
    (folder.parent / "queries" / "treaties.rq").write_text("# Which treaties are there?\n" + TREATIES)
    file = tmp_path / "q.rq"
    file.write_text(TREATIES)
    expected = cli("query", TREATIES, "-f", "csv", data=folder).out
    assert cli("query", str(file), "-f", "csv", data=folder).out == expected
    assert cli("query", "-", "-f", "csv", data=folder, input=TREATIES).out == expected
    assert cli("query", "treaties", "-f", "csv", data=folder).out == expected
    listing = cli("queries", data=folder)
    assert listing.out == "treaties  Which treaties are there?\n"


def test_unknown_named_query_suggests(cli, make_data) -> None:
    folder = make_data()
    (folder.parent / "queries").mkdir()
    (folder.parent / "queries" / "treaties.rq").write_text(TREATIES)
    run = cli("query", "treatys", data=folder)
    assert run.code == 1
    assert "no named query 'treatys'" in run.err and "did you mean treaties?" in run.err


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_error_reports_line_and_column(cli, engine: str) -> None:
    """Inline text is ``<query>``, stdin ``<stdin>``, as a file name would be (issue 12)."""
    run = cli("--engine", engine, "query", "SELECT ?s WHERE {\n  ?s ?p\n}")
    assert run.code == 1
    assert run.err == "<query>:2:3: error: SPARQL syntax error: Expected SelectQuery, found '?'\n"
    run = cli("--engine", engine, "query", "-", input="SELECT ?s WHERE {\n  ?s ?p\n}")
    assert run.code == 1
    assert run.err == "<stdin>:2:3: error: SPARQL syntax error: Expected SelectQuery, found '?'\n"


def test_unknown_prefix(cli) -> None:
    run = cli("query", "SELECT ?s WHERE { ?s foo:bar ?o }")
    assert run.code == 1
    assert "Unknown namespace prefix: foo" in run.err


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kgr:a kg:met kgr:b }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "PREFIX ex: <http://example.org/>\n# a comment: SELECT\nWITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(cli, update: str, engine: str) -> None:
    run = cli("--engine", engine, "query", update)
    assert run.code == 1
    assert "update operations" in run.err and "refused" in run.err


@pytest.mark.parametrize("engine", ENGINES)
def test_service_and_from_are_refused_without_a_connection(cli, recorder, engine: str) -> None:
    url = f"http://127.0.0.1:{recorder.port}/sparql"
    service = cli("--engine", engine, "query", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    hidden = cli(
        "--engine",
        engine,
        "query",
        f"PREFIX r: <{url}#>\nSELECT * WHERE {{ ?s ?p ?o .SERVICE r:x {{ ?s ?p ?o }} }} # SERVICE?",
    )
    from_graph = cli("--engine", engine, "query", f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}")
    named = cli("--engine", engine, "query", f"SELECT * FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}")
    for run in (service, hidden):
        assert run.code == 1 and "SERVICE" in run.err and "--allow-network" in run.err, run
    for run in (from_graph, named):
        assert run.code == 1 and "FROM" in run.err and "--allow-network" in run.err, run
    assert recorder.connections == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_keywords_inside_names_strings_and_comments_are_not_refused(cli, engine: str) -> None:
    query = (
        "PREFIX service: <http://example.org/service#>\n"
        'SELECT ?from WHERE { ?from kg:quote ?q FILTER(?q != "SERVICE <x>") } # FROM <y>'
    )
    run = cli("--engine", engine, "query", query, "-f", "csv")
    assert run.code == 0, run
    assert len(run.out.splitlines()) == 7


def test_sparql_scanner_sees_only_real_keywords() -> None:
    from kgraph.sparqlscan import operation, remote_clause

    assert remote_clause("SELECT * { ?s ex:a.SERVICE ?o }") is None  # one prefixed name
    assert remote_clause("SELECT * { ?s ?p '''it's\nSERVICE''' }") is None
    assert remote_clause("SELECT * { ?s <http://x/FROM> ?o }") is None
    assert remote_clause("SELECT * { ?s ?p ?o .service <x> {} }") == "SERVICE"
    assert remote_clause("SELECT * { FILTER(?a<?b) SERVICE SILENT <x> {} }") == "SERVICE"
    assert operation("# INSERT\nPREFIX a: <b>\nSELECT * {}") == "SELECT"
    assert operation("BASE <x> DELETE DATA {}") == "DELETE"


def test_network_guard_blocks_connections_during_local_work(recorder) -> None:
    from kgraph.netguard import NetworkBlocked, no_network

    with no_network("test"), pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", recorder.port), timeout=1)
    assert recorder.connections == 0
    socket.create_connection(("127.0.0.1", recorder.port), timeout=1).close()  # allowed outside


def test_csv_is_parseable_with_quotes_and_commas(cli, make_data) -> None:
    folder = make_data()
    run = cli("query", "SELECT ?q WHERE { ?s kg:quote ?q } ORDER BY ?q", "-f", "csv", data=folder)
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0] == ["q"]
    assert "In April 1895, when China lost control over Korea" in [r[0] for r in rows]


def test_query_output_file_is_written(cli, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    run = cli("query", TREATIES, "-f", "json", "-o", str(target))
    assert run.code == 0 and run.out == ""
    assert len(json.loads(target.read_text())["results"]["bindings"]) == 2


def test_the_format_follows_the_output_suffix_and_a_table_is_never_written_to_a_file(tmp_path) -> None:
    """`query treaties -o x.csv` printed a table, exited 0 and wrote no file: now the suffix decides."""
    import csv
    import subprocess
    import sys

    from conftest import DATA, run_cli

    target = tmp_path / "treaties.csv"
    run = run_cli("query", "treaties", "-o", str(target), data=DATA)
    assert run.code == 0 and run.out == "", run
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0][:2] == ["treaty", "date"] and len(rows) > 10
    graph = tmp_path / "treaties.ttl"
    run = run_cli("query", "CONSTRUCT { ?s a kg:Treaty } WHERE { ?s a kg:Treaty }", "-o", str(graph), data=DATA)
    assert run.code == 0 and "kg:Treaty" in graph.read_text(encoding="utf-8"), run
    for args, message in (
        (["-o", str(tmp_path / "x.foo")], "cannot tell the format"),
        (["-f", "table", "-o", str(tmp_path / "x.csv")], "a table is for the terminal"),
    ):
        run = run_cli("query", "treaties", *args, data=DATA)
        assert run.code == 2 and message in run.err, run
    assert not (tmp_path / "x.foo").exists() and not (tmp_path / "x.csv").exists()
    # The same through the real entry point (and its fast path, which answers warm scripted queries).
    again = tmp_path / "again.csv"
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(DATA), "query", "treaties", "-o", str(again)],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout == b"", done
    assert again.read_bytes() == target.read_bytes()


def test_query_errors_name_the_file_like_data_errors(cli, tmp_path: Path, make_data, monkeypatch) -> None:
    """Issue 12: query errors carried no file name, even for named queries."""
    folder = make_data()
    queries = folder.parent / "queries"
    queries.mkdir()
    (queries / "treaties.rq").write_text(
        "# Which treaties?\nSELECT ?t\nWHERE {\n  ?t a kg:Treaty ;\n     dct:date ?d }\n"
    )
    (queries / "change.rq").write_text("# Not a query\nINSERT DATA { kgr:a kg:met kgr:b }\n")
    monkeypatch.chdir(folder.parent)
    run = cli("query", "treaties", data="data")
    assert run.code == 1 and run.out == ""
    assert run.err == (
        "queries/treaties.rq:5:6: error: Unknown namespace prefix: dct (declare it with PREFIX dct: <...>)\n"
    )
    run = cli("--engine", "rdflib", "query", "queries/treaties.rq", data="data")
    assert run.err.startswith("queries/treaties.rq:5:6: error: Unknown namespace prefix: dct"), run
    run = cli("query", "change", data="data")
    assert run.code == 1 and run.err.startswith("queries/change.rq: error: update operations"), run
    run = cli("query", "SELECT ?x WHERE { ?x a kg:State . FILTER( }", data="data")
    assert run.code == 1 and run.err.startswith("<query>:1:35: error: SPARQL syntax error"), run
    run = cli("query", "-", data="data", input="SELECT ?x\nWHERE { ?x a kg:State . FILTER( }")
    assert run.code == 1 and run.err.startswith("<stdin>:2:25: error: SPARQL syntax error"), run
