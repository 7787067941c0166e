"""The format registry (kgraph.formats): every registered format is written through the CLI, the
format chosen by the ``-o`` suffix alone, and read back by an independent reader (rdflib,
networkx, csv, json, xml, Graphviz) and compared with what it was written from. A format
registered without a read-back check fails ``test_every_format_reads_back``.

Also the one rule every command follows for ``--format`` and ``-o`` (oxigraph's CLI rule).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from kgraph import formats
from kgraph.engine import ENGINES
from kgraph.formats import FORMATS, Format

from conftest import MINI, run_cli

EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
SELECT = "SELECT ?s ?label ?n WHERE { ?s rdfs:label ?label OPTIONAL { ?s kg:quote ?n } } ORDER BY ?s ?label ?n"
ASK = "ASK { ?s a kg:Treaty }"
BASE = "https://w3id.org/kgraph/resource/"
DOT = shutil.which("dot")


def _project():  # type: ignore[no-untyped-def]
    from kgraph.project import Project

    return Project(data_dir=str(MINI))


def compiled() -> Graph:
    from kgraph.compile import compile_graph
    from kgraph.load import load

    return compile_graph(load(str(MINI)))


def written(tmp_path: Path, fmt: Format, *command: str) -> Path:
    """Run ``kgraph COMMAND -o FILE`` with ``fmt``'s first suffix and no --format."""
    target = tmp_path / f"out{fmt.suffixes[0]}"
    run = run_cli(*command, "-o", str(target))
    assert run.code == 0, run
    return target


# --- read-back checks, one per (what it consumes, name) --------------------------------------------


def rdf_graph(fmt: Format, tmp_path: Path) -> None:
    """The export and a CONSTRUCT answer parse back (rdflib's parser) as the compiled graph."""
    expected = compiled()
    export = Graph().parse(written(tmp_path, fmt, "export"), format=fmt.rdflib)
    assert isomorphic(expected, export)
    answer = run_cli("query", EVERYTHING, "--format", fmt.name)
    assert answer.code == 0, answer
    assert isomorphic(expected, Graph().parse(data=answer.out_bytes, format=fmt.rdflib))


def rdf_dataset(fmt: Format, tmp_path: Path) -> None:
    """The graph, in the named graph BASE + 'graph', and nothing in any other graph."""
    dataset = Dataset()
    dataset.parse(written(tmp_path, fmt, "export"), format=fmt.rdflib)
    named = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert named == {BASE + "graph"}
    assert isomorphic(compiled(), dataset.graph(URIRef(BASE + "graph")))


def entity_network(fmt: Format, tmp_path: Path) -> None:
    """GraphML and GEXF: one node per entity with its label, one edge per relation."""
    eg = _project().entity_graph()
    path = written(tmp_path, fmt, "export")
    graph = nx.read_graphml(path) if fmt.name == "graphml" else nx.read_gexf(path)
    assert set(graph.nodes) == set(eg.entities)
    assert {graph.nodes[n]["label"] for n in graph.nodes} == {e.label for e in eg.entities.values()}
    assert graph.number_of_edges() == len(eg.edges)


def events_table(fmt: Format, tmp_path: Path) -> None:
    """One row per dated relation, its statement's subject, predicate and object."""
    eg = _project().entity_graph()
    with open(written(tmp_path, fmt, "export"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    dated = sorted((e.subject, e.predicate, e.object, e.when) for e in eg.edges if e.when)
    assert sorted((r["source_actor_id"], r["predicate"], r["target_actor_id"], r["date"]) for r in rows) == dated


def node_and_edge_tables(fmt: Format, tmp_path: Path) -> None:
    """Two files named from the base: every entity a node row, every relation an edge row."""
    eg = _project().entity_graph()
    written(tmp_path, fmt, "export")
    stem = tmp_path / "out"
    with open(f"{stem}.nodes.csv", newline="", encoding="utf-8") as handle:
        nodes = list(csv.DictReader(handle))
    with open(f"{stem}.edges.csv", newline="", encoding="utf-8") as handle:
        edges = list(csv.DictReader(handle))
    assert {(n["id"], n["label"]) for n in nodes} == {(e.id, e.label) for e in eg.entities.values()}
    assert sorted((e["source"], e["predicate"], e["target"]) for e in edges) == sorted(
        (e.subject, e.predicate, e.object) for e in eg.edges
    )


def web_annotations(fmt: Format, tmp_path: Path) -> None:
    """One annotation per quoted statement; each selector's exact text is that span of the source."""
    dataset = _project().dataset()
    page = json.loads(written(tmp_path, fmt, "export").read_text(encoding="utf-8"))
    assert len(page["items"]) == sum(1 for r in dataset.relations if r.anchors)
    for item in page["items"]:
        targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
        for target in targets:
            quote, position = target["selector"]
            text = (MINI / target["source"]["label"]).read_text(encoding="utf-8")
            assert text[position["start"] : position["end"]] == quote["exact"]


def _reference_rows(query: str) -> list[dict[str, str]]:
    """The rows as the engine gives them, straight from the library (not through a writer)."""
    result = _project().engine_for("query").query(query, prefixes=_project().prefixes)
    return [{k: v.value for k, v in row.items()} for row in result.rows]


def sparql_results(fmt: Format, tmp_path: Path) -> None:
    """SELECT rows and an ASK answer read back by rdflib's SPARQL results parsers."""
    target = tmp_path / f"rows{fmt.suffixes[0]}"
    run = run_cli("query", SELECT, "-o", str(target))
    assert run.code == 0, run
    parsed = Result.parse(io.BytesIO(target.read_bytes()), format=fmt.name)
    rows = [{str(k): str(v) for k, v in row.asdict().items()} for row in parsed]
    assert rows == _reference_rows(SELECT) and len(rows) > 5
    answer = run_cli("query", ASK, "--format", fmt.name)
    assert answer.code == 0, answer
    if fmt.name in ("csv", "tsv"):  # the W3C formats define no ASK form: kgraph writes the boolean
        assert answer.out.strip() == "true"
    else:
        assert Result.parse(io.BytesIO(answer.out_bytes), format=fmt.name).askAnswer is True


def _picture():  # type: ignore[no-untyped-def]
    from kgraph import draw

    return draw.of_graph(_project().entity_graph())


def svg_picture(fmt: Format, tmp_path: Path) -> None:
    """Graphviz SVG: a node titled by each entity id, an edge per bundle."""
    if DOT is None:
        pytest.skip("Graphviz is not installed")
    from kgraph.draw import bundles

    pic = _picture()
    root = ET.parse(written(tmp_path, fmt, "draw")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    groups = list(root.iter(f"{ns}g"))
    titles = {g.findtext(f"{ns}title") for g in groups if g.get("class") == "node"}
    assert {e.id for e in pic.entities} <= titles
    assert sum(1 for g in groups if g.get("class") == "edge") == len(bundles(pic))


def png_picture(fmt: Format, tmp_path: Path) -> None:
    """A PNG whose image data decompresses to exactly its header's width and height."""
    if DOT is None:
        pytest.skip("Graphviz is not installed")
    data = written(tmp_path, fmt, "draw").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunks[kind] = chunks.get(kind, b"") + data[at + 8 : at + 8 + length]
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + (width * channels * depth + 7) // 8)
    assert width > 100 and height > 50 and b"IEND" in chunks


def html_picture(fmt: Format, tmp_path: Path) -> None:
    """The explorer's embedded data: every entity and every relation of the picture."""
    pic = _picture()
    page = written(tmp_path, fmt, "draw").read_text(encoding="utf-8")
    found = re.search(r'<script id="kgraph-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert found
    data = json.loads(found.group(1))
    assert [(n["id"], n["label"]) for n in data["nodes"]] == [(e.id, e.label) for e in pic.entities]
    assert len(data["relations"]) == len(pic.edges)


def dot_picture(fmt: Format, tmp_path: Path) -> None:
    """Graphviz reads the DOT back (``dot -Tjson``): a node per entity, an edge per bundle."""
    if DOT is None:
        pytest.skip("Graphviz is not installed")
    from kgraph.draw import bundles

    pic = _picture()
    done = subprocess.run([DOT, "-Tjson", str(written(tmp_path, fmt, "draw"))], capture_output=True, check=True)
    read = json.loads(done.stdout)
    assert {e.id for e in pic.entities} <= {o["name"] for o in read["objects"]}
    assert len(read["edges"]) == len(bundles(pic))


def mermaid_picture(fmt: Format, tmp_path: Path) -> None:
    """A flowchart: a node per entity with its label, an edge line per bundle."""
    from kgraph.draw import bundles

    pic = _picture()
    text = written(tmp_path, fmt, "draw").read_text(encoding="utf-8")
    assert "flowchart" in text
    labels = re.findall(r'^\s+n\d+\["(.*)"\]', text, re.MULTILINE)
    assert labels == [e.label for e in pic.entities]
    assert len(re.findall(r"^\s+n\d+ -- .* (-->|---) n\d+$", text, re.MULTILINE)) == len(bundles(pic))


def path_document(fmt: Format, tmp_path: Path) -> None:
    """The path's JSON: its ends and its hops, each a relation of the graph."""
    eg = _project().entity_graph()
    run = run_cli("path", "Vladimir Putin", "Korea", "--format", fmt.name)
    assert run.code == 0, run
    document = json.loads(run.out)
    assert (document["from"]["id"], document["to"]["id"]) == ("putin", "korea")
    relations = {(e.subject, e.predicate, e.object) for e in eg.edges}
    hops = document["paths"][0]["hops"]
    assert hops and all((h["subject"]["id"], h["predicate"]["id"], h["object"]["id"]) in relations for h in hops)


READ_BACK: dict[tuple[str, str], Callable[[Format, Path], None]] = {
    (formats.GRAPH, "turtle"): rdf_graph,
    (formats.GRAPH, "nt"): rdf_graph,
    (formats.GRAPH, "jsonld"): rdf_graph,
    (formats.GRAPH, "xml"): rdf_graph,
    (formats.DATASET, "nq"): rdf_dataset,
    (formats.DATASET, "trig"): rdf_dataset,
    (formats.ENTITIES, "graphml"): entity_network,
    (formats.ENTITIES, "gexf"): entity_network,
    (formats.ENTITIES, "events"): events_table,
    (formats.ENTITIES, "csv"): node_and_edge_tables,
    (formats.RECORDS, "annotations"): web_annotations,
    (formats.RESULTS, "json"): sparql_results,
    (formats.RESULTS, "xml"): sparql_results,
    (formats.RESULTS, "csv"): sparql_results,
    (formats.RESULTS, "tsv"): sparql_results,
    (formats.PICTURE, "svg"): svg_picture,
    (formats.PICTURE, "png"): png_picture,
    (formats.PICTURE, "html"): html_picture,
    (formats.PICTURE, "dot"): dot_picture,
    (formats.PICTURE, "mermaid"): mermaid_picture,
    (formats.PATHS, "json"): path_document,
}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f"{f.consumes}:{f.name}")
def test_every_format_reads_back(fmt: Format, tmp_path: Path) -> None:
    check = READ_BACK.get((fmt.consumes, fmt.name))
    assert check is not None, f"{fmt.name} ({fmt.consumes}) is registered without a read-back check in READ_BACK"
    check(fmt, tmp_path)


def test_no_check_for_a_format_that_is_not_registered() -> None:
    registered = {(f.consumes, f.name) for f in FORMATS}
    assert set(READ_BACK) == registered


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f"{f.consumes}:{f.name}")
def test_every_entry_is_complete_and_its_writer_exists(fmt: Format) -> None:
    assert fmt.suffixes and all(s.startswith(".") for s in fmt.suffixes)
    assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", fmt.media_type)
    assert callable(fmt.write())
    if fmt.consumes in (formats.GRAPH, formats.DATASET):  # the parsers read-back and stores use
        import pyoxigraph

        assert fmt.rdflib and pyoxigraph.RdfFormat.from_media_type(fmt.media_type) is not None


def test_names_and_suffixes_are_unambiguous_within_a_kind() -> None:
    for kind in {f.consumes for f in FORMATS}:
        names = [n for f in formats.registered((kind,)) for n in f.names()]
        found = [s for f in formats.registered((kind,)) for s in f.suffixes]
        assert len(names) == len(set(names)) and len(found) == len(set(found)), kind


# --- the same name, the same document ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_construct_jsonld_is_the_export_jsonld(engine: str) -> None:
    """`query CONSTRUCT -f jsonld` is compacted with the export's context, byte for byte (it was
    expanded, without a context, on Oxigraph)."""
    exported = run_cli("--engine", engine, "export", "-f", "jsonld", data=MINI)
    answered = run_cli("--engine", engine, "query", EVERYTHING, "-f", "jsonld", data=MINI)
    assert exported.code == answered.code == 0
    assert json.loads(answered.out)["@context"]["kg"] == "https://w3id.org/kgraph/ontology#"
    assert answered.out_bytes == exported.out_bytes


# --- the rule: --format, else -o's suffix, else the command's default for stdout --------------------


def test_the_suffix_picks_the_format_in_every_command(tmp_path: Path) -> None:
    """One suffix, one format, whichever command writes: .json is JSON-LD for a graph."""
    graph = tmp_path / "answer.json"
    assert run_cli("query", EVERYTHING, "-o", str(graph)).code == 0
    assert isomorphic(compiled(), Graph().parse(graph, format="json-ld"))
    rows = tmp_path / "rows.srx"
    assert run_cli("query", SELECT, "-o", str(rows)).code == 0
    assert rows.read_text(encoding="utf-8").startswith("<?xml")
    built = tmp_path / "kg.nq"
    assert run_cli("build", "-o", str(built)).code == 0
    assert built.read_bytes() == run_cli("export", "-f", "nq").out_bytes


@pytest.mark.parametrize("command", [["export"], ["build"], ["query", SELECT], ["query", EVERYTHING], ["draw"]])
def test_an_unknown_suffix_names_itself_and_the_choices(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "out.docx"
    run = run_cli(*command, "-o", str(target))
    assert run.code == 2, run
    assert "cannot tell the format from '.docx'" in run.err and "--format" in run.err
    assert not target.exists()


@pytest.mark.parametrize(
    "command,fmt,suffix",
    [
        (["export"], "turtle", ".nt"),
        (["query", SELECT], "csv", ".json"),
        (["query", EVERYTHING], "turtle", ".rdf"),
        (["draw"], "svg", ".png"),
    ],
)
def test_format_and_a_contradicting_suffix_is_an_error(
    tmp_path: Path, command: list[str], fmt: str, suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    run = run_cli(*command, "--format", fmt, "-o", str(target))
    assert run.code == 2, run
    assert f"--format {fmt} contradicts the suffix of 'out{suffix}'" in run.err
    assert not target.exists()


@pytest.mark.parametrize(
    "command,fmt,name",
    [
        (["export"], "events", "kg.csv"),
        (["export"], "annotations", "kg.jsonld"),
        (["export"], "turtle", "kg.out"),
        (["query", SELECT], "csv", "rows.txt"),
        (["draw"], "dot", "picture.txt"),
    ],
)
def test_format_with_a_suffix_that_agrees_or_names_nothing(
    tmp_path: Path, command: list[str], fmt: str, name: str
) -> None:
    run = run_cli(*command, "--format", fmt, "-o", str(tmp_path / name))
    assert run.code == 0, run
    assert (tmp_path / name).stat().st_size > 0


def test_stdout_gets_the_command_default() -> None:
    assert "writing to stdout needs --format" in run_cli("export").err
    assert "writing to stdout needs --format" in run_cli("draw").err
    assert run_cli("query", ASK).out == "yes\n"
    assert run_cli("query", EVERYTHING).out.startswith("@prefix")
    assert "hop(s)" in run_cli("path", "Vladimir Putin", "Korea").out


def test_the_fast_path_follows_the_same_rule(tmp_path: Path) -> None:
    """The query fast path refuses (and leaves to the full CLI) what the rule refuses."""
    import os
    import sys

    env = {**os.environ, "KGRAPH_CACHE": str(tmp_path / "cache")}
    kgraph = [sys.executable, "-m", "kgraph", "--data", str(MINI)]
    subprocess.run([*kgraph, "build"], check=True, capture_output=True, env=env)
    target = tmp_path / "rows.json"
    done = subprocess.run(
        [*kgraph, "query", SELECT, "-f", "csv", "-o", str(target)], check=False, capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "contradicts" in done.stderr and not target.exists()


def test_accept_headers_come_from_the_registry() -> None:
    from kgraph import remote

    assert remote.ACCEPT_GRAPH == "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
    assert remote.ACCEPT_RESULTS == "application/sparql-results+json, application/sparql-results+xml;q=0.9"
    assert formats.by_media_type("application/ld+json", (formats.GRAPH,)).rdflib == "json-ld"  # type: ignore[union-attr]
