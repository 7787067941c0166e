"""kgraph export and build: every format parses back; files are written atomically."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from conftest import assert_isomorphic, built_graph

RAPPER = shutil.which("rapper")
needs_rapper = pytest.mark.skipif(RAPPER is None, reason="rapper (Debian raptor2-utils) is not installed")


@pytest.mark.parametrize(
    "fmt,rdflib_name,suffix",
    [
        ("turtle", "turtle", ".ttl"),
        ("nt", "nt", ".nt"),
        ("jsonld", "json-ld", ".jsonld"),
        ("xml", "xml", ".rdf"),
    ],
)
def test_rdf_exports_parse_back_isomorphic(cli, tmp_path: Path, fmt: str, rdflib_name: str, suffix: str) -> None:
    target = tmp_path / f"kg{suffix}"
    run = cli("export", "-o", str(target))  # format guessed from the suffix
    assert run.code == 0, run
    assert f"wrote {target}" in run.err
    parsed = Graph().parse(target, format=rdflib_name)
    assert_isomorphic(built_graph(), parsed)
    assert cli("export", "--format", fmt).out_bytes == target.read_bytes()


@needs_rapper
@pytest.mark.parametrize("fmt,rapper_name", [("turtle", "turtle"), ("nt", "ntriples"), ("xml", "rdfxml")])
def test_rdf_exports_pass_an_independent_parser(cli, tmp_path: Path, fmt: str, rapper_name: str) -> None:
    target = tmp_path / "kg.out"
    assert cli("export", "--format", fmt, "-o", str(target)).code == 0
    checked = subprocess.run([RAPPER, "-i", rapper_name, "-c", str(target)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert f"returned {len(built_graph())} triples" in checked.stderr


def test_turtle_is_deterministic(cli) -> None:
    first, second = cli("export", "-f", "turtle").out_bytes, cli("export", "-f", "turtle").out_bytes
    assert first == second and len(first) > 1000


def test_nt_is_sorted(cli) -> None:
    lines = cli("export", "-f", "nt").out.splitlines()
    assert lines == sorted(lines)


def test_graphml_reads_back_in_networkx(cli, tmp_path: Path) -> None:
    target = tmp_path / "kg.graphml"
    assert cli("export", "-o", str(target)).code == 0
    graph = nx.read_graphml(target, force_multigraph=True)
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 6
    assert all(data.get("label") for _, data in graph.nodes(data=True))
    assert graph.nodes["russia"] == {
        "label": "Russia",
        "type": "State",
        "aliases": "Moscow; Russian Federation",
        "description": "",
    }
    edge = next(d for u, v, d in graph.edges(data=True) if u == "china")
    assert edge["predicate"] == "lostControlOf" and edge["label"] == "lost control of"
    assert edge["date"] == "1895-04" and edge["quote"] == "In April 1895, when China lost control over Korea"
    assert edge["source"] == "article"
    text = target.read_text()
    assert 'for="node"' in text
    assert 'for="edge"' in text


def test_stdout_needs_a_format(cli) -> None:
    run = cli("export")
    assert run.code == 2  # a usage error, as in every command that writes a format
    assert "writing to stdout needs --format" in run.err


def test_unknown_suffix_is_an_error(cli, tmp_path: Path) -> None:
    run = cli("export", "-o", str(tmp_path / "kg.docx"))
    assert run.code == 2 and "cannot tell the format from '.docx'" in run.err
    assert not (tmp_path / "kg.docx").exists()


def test_missing_output_folder(cli, tmp_path: Path) -> None:
    run = cli("export", "-o", str(tmp_path / "missing" / "kg.ttl"))
    assert run.code == 1 and "does not exist" in run.err


def test_invalid_data_leaves_the_previous_file_intact(cli, make_data, tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    target.write_text("previous")
    folder = make_data(relations="- subject: nobody\n  predicate: met\n  object: russia\n  quote: Russia\n")
    run = cli("export", "-o", str(target), data=folder)
    assert run.code == 1
    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == sorted(os.listdir(tmp_path)) and not [
        f for f in os.listdir(tmp_path) if f.endswith(".tmp")
    ]


def test_failure_during_write_leaves_no_partial_file(tmp_path: Path) -> None:
    from kgraph.atomic import atomic_output

    target = tmp_path / "kg.ttl"
    target.write_text("previous")
    with pytest.raises(KeyboardInterrupt), atomic_output(str(target)) as handle:
        handle.write("half of it")
        raise KeyboardInterrupt
    assert target.read_text() == "previous"
    assert os.listdir(tmp_path) == ["kg.ttl"]


def test_build_reports_size_and_writes(cli, tmp_path: Path) -> None:
    target = tmp_path / "kg.nt"
    run = cli("build", "-o", str(target))
    assert run.code == 0, run
    triples = len(built_graph())
    assert run.out.strip() == f"built {triples} triples from 8 entities and 6 relations; wrote {target}"
    assert len(target.read_text().splitlines()) == triples
