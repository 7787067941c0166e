"""Exports that other tools accept: every RDF format through independent parsers (rapper, Oxigraph),
GraphML through igraph, GEXF with spells, the two-file CSV and the event table."""

from __future__ import annotations

import csv
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from conftest import DATA, MINI, ROOT, built_graph, integration, run_cli

RAPPER = shutil.which("rapper")
needs_rapper = pytest.mark.skipif(RAPPER is None, reason="rapper (Debian raptor2-utils) is not installed")
DATA_SETS = [MINI] + ([DATA] if (DATA / "relations.yaml").exists() else [])
GRAPH_NAME = "https://w3id.org/kgraph/resource/graph"


def export(tmp_path: Path, *args: str, data: Path = MINI, name: str = "out") -> Path:
    target = tmp_path / name
    run = run_cli("export", *args, "-o", str(target), data=data)
    assert run.code == 0, run
    return target


@integration
@pytest.mark.parametrize("data", DATA_SETS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "fmt,oxigraph_format",
    [
        ("turtle", "TURTLE"),
        ("nt", "N_TRIPLES"),
        ("xml", "RDF_XML"),
        ("jsonld", "JSON_LD"),
        ("nq", "N_QUADS"),
        ("trig", "TRIG"),
    ],
)
def test_oxigraph_parses_every_rdf_export(tmp_path: Path, data: Path, fmt: str, oxigraph_format: str) -> None:
    import pyoxigraph

    target = export(tmp_path, "--format", fmt, data=data)
    with open(target, "rb") as handle:
        quads = list(pyoxigraph.parse(handle, format=getattr(pyoxigraph.RdfFormat, oxigraph_format)))
    assert len(quads) == len(built_graph(data))
    graphs = {str(q.graph_name) for q in quads}
    if fmt in ("nq", "trig"):
        assert graphs == {f"<{GRAPH_NAME}>"}
    else:
        assert graphs == {"DEFAULT"}


@needs_rapper
@pytest.mark.parametrize("fmt,rapper_name", [("nq", "nquads"), ("trig", "trig")])
def test_rapper_parses_the_named_graph_formats(tmp_path: Path, fmt: str, rapper_name: str) -> None:
    target = export(tmp_path, "--format", fmt)
    checked = subprocess.run([RAPPER, "-i", rapper_name, "-c", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert f"returned {len(built_graph())} triples" in checked.stderr


def test_nquads_is_sorted_ntriples_in_the_named_graph(cli) -> None:
    nt, nq = cli("export", "-f", "nt").out.splitlines(), cli("export", "-f", "nq").out.splitlines()
    assert nq == sorted(nq) and len(nq) == len(nt)
    assert nq == [line[:-2] + f" <{GRAPH_NAME}> ." for line in nt]


@pytest.mark.parametrize("data", DATA_SETS, ids=lambda p: p.name)
def test_graphml_reads_back_in_igraph_and_networkx(tmp_path: Path, data: Path) -> None:
    import igraph

    target = export(tmp_path, data=data, name="kg.graphml")
    ig = igraph.Graph.Read_GraphML(str(target))
    nxg = nx.read_graphml(target, force_multigraph=True)
    relations = run_cli("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }", "-f", "csv", data=data)
    count = int(relations.out.split()[1])
    assert ig.ecount() == nxg.number_of_edges() == count
    assert ig.vcount() == nxg.number_of_nodes()
    by_id = {v["id"]: v for v in ig.vs}
    for node, attrs in nxg.nodes(data=True):
        assert by_id[node]["label"] == attrs["label"] and by_id[node]["type"] == attrs["type"]
    ig_edges = sorted((by_id_name(ig, e.source), e["predicate"], by_id_name(ig, e.target), e["quote"]) for e in ig.es)
    nx_edges = sorted((u, d["predicate"], v, d["quote"]) for u, v, d in nxg.edges(data=True))
    assert ig_edges == nx_edges
    if data == MINI:
        assert by_id["russia"]["label"] == "Russia" and by_id["russia"]["type"] == "State"
        assert ("china", "lostControlOf", "korea", "In April 1895, when China lost control over Korea") in ig_edges


def by_id_name(ig, index: int) -> str:  # type: ignore[no-untyped-def]
    return str(ig.vs[index]["id"])


def test_gexf_dates_relations_as_spells(tmp_path: Path) -> None:
    target = export(tmp_path, data=MINI, name="kg.gexf")
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(target).getroot()
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    edges = {(e.get("source"), e.get("kind"), e.get("target")): e for e in root.iterfind(".//g:edge", ns)}
    china = edges[("china", "lostControlOf", "korea")]
    assert china.get("label") == "lost control of"
    spell = china.find("g:spells/g:spell", ns)
    assert spell is not None and (spell.get("start"), spell.get("end")) == ("1895-04-01", "1895-04-30")
    assert edges[("putin", "leaderOf", "russia")].find("g:spells", ns) is None  # undated: always shown
    read = nx.read_gexf(target)
    assert read.nodes["russia"]["label"] == "Russia" and read.nodes["russia"]["type"] == "State"
    assert read.edges["china", "korea"]["spells"] == [("1895-04-01", "1895-04-30")]
    assert read.edges["china", "korea"]["quote"] == "In April 1895, when China lost control over Korea"


def test_gexf_keeps_every_relation_of_the_bundled_graph(tmp_path: Path) -> None:
    if DATA not in DATA_SETS:
        pytest.skip("no bundled data yet")
    target = export(tmp_path, data=DATA, name="kg.gexf")
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.parse(target).getroot()
    edges = root.findall(".//g:edge", ns)
    run = run_cli("export", "-f", "csv", "-o", str(tmp_path / "kg"), data=DATA)
    assert run.code == 0, run
    assert len({e.get("id") for e in edges}) == len(edges) == len(read_csv(tmp_path / "kg.edges.csv"))
    # A relation known only to have ended ("before 1979") has a spell with an end and no start.
    starts = [s.get("start") for s in root.iterfind(".//g:spell", ns) if s.get("start")]
    assert starts and starts == sorted(starts) and starts[0].startswith("1884")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_writes_nodes_and_edges(tmp_path: Path) -> None:
    run = run_cli("export", "--format", "csv", "-o", str(tmp_path / "kg"))
    assert run.code == 0, run
    nodes_path, edges_path = tmp_path / "kg.nodes.csv", tmp_path / "kg.edges.csv"
    assert run.err == f"wrote {nodes_path}, {edges_path} (two CSV files, BASE.nodes.csv and BASE.edges.csv)\n"
    nodes, edges = read_csv(nodes_path), read_csv(edges_path)
    assert (
        len(nodes) == 8
        and {
            "id": "russia",
            "label": "Russia",
            "type": "State",
            "aliases": "Moscow; Russian Federation",
            "description": "",
        }
        in nodes
    )
    assert len(edges) == 6 and all(e["source"] in {n["id"] for n in nodes} for e in edges)
    china = next(e for e in edges if e["source"] == "china")
    assert (china["target"], china["predicate"], china["date"], china["earliest"], china["latest"]) == (
        "korea",
        "lostControlOf",
        "1895-04",
        "1895-04-01",
        "1895-04-30",
    )
    assert edges_path.read_bytes().count(b"\r\n") == 7
    # -o kg.csv names the same two files
    assert run_cli("export", "-o", str(tmp_path / "again.csv")).code == 0
    assert (tmp_path / "again.nodes.csv").read_bytes() == nodes_path.read_bytes()


def _old_pair(tmp_path: Path) -> dict[Path, bytes]:
    pair = {tmp_path / "kg.nodes.csv": b"old nodes\n", tmp_path / "kg.edges.csv": b"old edges\n"}
    for path, data in pair.items():
        path.write_bytes(data)
    return pair


def test_csv_pair_is_atomic_when_writing_the_second_file_fails(tmp_path: Path, monkeypatch) -> None:
    """A full disk while writing edges.csv: neither file is replaced (#17 item 13)."""
    import errno

    import kgraph.export.tables

    pair = _old_pair(tmp_path)
    real = kgraph.export.tables.write_part

    def disk_full_on_edges(project, out, fmt, part):  # type: ignore[no-untyped-def]
        if part == "edges":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(project, out, fmt, part)

    monkeypatch.setattr(kgraph.export.tables, "write_part", disk_full_on_edges)
    run = run_cli("export", "--format", "csv", "-o", str(tmp_path / "kg"))
    assert run.code == 1
    assert {path: path.read_bytes() for path in pair} == pair
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.edges.csv", "kg.nodes.csv"]


def test_csv_pair_is_atomic_when_replacing_the_second_file_fails(tmp_path: Path, monkeypatch) -> None:
    """The rename of edges.csv fails after nodes.csv was renamed into place: nodes.csv is put back."""
    import os

    pair = _old_pair(tmp_path)
    real = os.replace

    def refuse_edges(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(dst).endswith("kg.edges.csv"):
            raise PermissionError(13, "Permission denied", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", refuse_edges)
    run = run_cli("export", "--format", "csv", "-o", str(tmp_path / "kg"))
    assert run.code == 1
    assert {path: path.read_bytes() for path in pair} == pair
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.edges.csv", "kg.nodes.csv"]
    monkeypatch.setattr(os, "replace", real)
    assert run_cli("export", "--format", "csv", "-o", str(tmp_path / "kg")).code == 0
    assert all(path.read_bytes() != data for path, data in pair.items())


def test_csv_needs_a_base_name(cli) -> None:
    run = cli("export", "--format", "csv")
    assert run.code == 1 and "csv writes 2 files (nodes, edges); give -o BASE" in run.err


def test_events_one_row_per_dated_relation_in_date_order(cli, tmp_path: Path) -> None:
    target = tmp_path / "kg.events.csv"
    assert cli("export", "-o", str(target)).code == 0  # format from the .events.csv suffix
    rows = read_csv(target)
    assert list(rows[0])[:6] == ["date", "source_actor", "action", "target_actor", "quote", "source"]
    assert len(rows) == 5  # the undated 'putin leaderOf russia' is left out
    assert [r["earliest"] for r in rows] == sorted(r["earliest"] for r in rows)
    assert rows[-1] | {} == {
        **rows[-1],
        "date": "2000-07",
        "source_actor": "Vladimir Putin",
        "action": "met",
        "target_actor": "Kim Jong-il",
        "source": "Test article",
        "quote": "Vladimir Putin met Kim Jong-il in July 2000.",
    }
    assert cli("export", "-f", "events").out_bytes == target.read_bytes()


def test_events_of_the_bundled_article(tmp_path: Path) -> None:
    if DATA not in DATA_SETS:
        pytest.skip("no bundled data yet")
    rows = read_csv(export(tmp_path, "-f", "events", data=DATA))
    signed_1961 = [r for r in rows if r["date"] == "1961" and r["action"] == "signed"]
    assert {r["source_actor"] for r in signed_1961} >= {"Soviet Union", "North Korea"}
    assert any(r["source_actor"] == "Vladimir Putin" and r["date"].startswith("2000") for r in rows)


def test_events_hold_every_dated_relation_of_the_bundled_article(tmp_path: Path) -> None:
    """Open intervals included: 'soviet-union tradedWith south-korea', dated ../1978, was left out."""
    if DATA not in DATA_SETS:
        pytest.skip("no bundled data yet")
    import yaml

    def when(r: dict) -> str:  # type: ignore[type-arg]
        return str(r["date"]) if "date" in r else f"{r.get('start', '..')}/{r.get('end', '..')}"

    claims = yaml.safe_load((DATA / "relations.yaml").read_text(encoding="utf-8"))
    dated = sorted(
        (r["subject"], r["predicate"], r["object"], when(r)) for r in claims if {"date", "start", "end"} & set(r)
    )
    rows = read_csv(export(tmp_path, "-f", "events", data=DATA))
    assert len(rows) == len(dated) and len(dated) > 100
    assert sorted((r["source_actor_id"], r["predicate"], r["target_actor_id"], r["date"]) for r in rows) == dated
    assert ("soviet-union", "tradedWith", "south-korea", "../1978") in dated


def test_published_ontology_and_shapes_are_current(cli) -> None:
    for flag, name in (("--ontology", "kgraph.ttl"), ("--shapes", "shapes.ttl")):
        published = ROOT / "ontology" / name
        assert cli("export", flag, "-f", "turtle", data=None).out_bytes == published.read_bytes(), (
            f"regenerate with: kgraph export {flag} -o ontology/{name}"
        )


@needs_rapper
def test_ontology_file_passes_rapper_and_describes_the_classes(tmp_path: Path) -> None:
    target = tmp_path / "kgraph.ttl"
    run = run_cli("export", "--ontology", "-o", str(target), data=DATA)
    assert run.code == 0, run
    checked = subprocess.run([RAPPER, "-i", "turtle", "-c", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    text = target.read_text()
    assert "kg:Treaty a owl:Class" in text and "kg:signed a owl:ObjectProperty" in text
    assert "kgr:" not in text.replace("@prefix kgr:", "")  # no data in it
    # Without a data folder (or a vocabulary.yaml in it), the ontology is core's.
    run = run_cli("export", "--ontology", "-f", "turtle", data=tmp_path / "no-data-needed")
    assert run.code == 0 and "kg:partOf a owl:ObjectProperty" in run.out and "kg:Treaty" not in run.out


def test_ontology_refuses_table_formats(cli, tmp_path: Path) -> None:
    run = cli("export", "--ontology", "-f", "gexf")
    assert run.code == 2 and "the ontology is RDF" in run.err


def test_help_lists_the_new_formats(cli) -> None:
    text = cli("export", "--help", data=None).out
    for name in ("nq", "trig", "gexf", "csv", "events", "--ontology", "--shapes"):
        assert name in text
