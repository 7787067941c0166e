"""One graph in every format: every RDF export and every CONSTRUCT answer, on both engines, is the
N-Triples export, term for term and literal forms included (``"1500000000"^^xsd:decimal`` stays so).

rdflib's isomorphism compares literals by value, which is the very slip this guards against; here
each output is read by a parser that keeps lexical forms (rapper where it reads the format, else
pyoxigraph) and compared as N-Triples lines.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from kgraph.engine import ENGINES

from conftest import DATA, integration, needs_bundled_data, run_cli

RAPPER = shutil.which("rapper")

#: kgraph's format name -> (pyoxigraph's, rapper's or None when rapper does not read it).
EXPORTS = {
    "nt": ("N_TRIPLES", "ntriples"),
    "turtle": ("TURTLE", "turtle"),
    "nq": ("N_QUADS", "nquads"),
    "trig": ("TRIG", "trig"),
    "jsonld": ("JSON_LD", None),
    "xml": ("RDF_XML", "rdfxml"),
}
ANSWERS = ["turtle", "nt", "jsonld", "xml"]
EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def triples(data: bytes, fmt: str) -> set[str]:
    """The triples of ``data`` as N-Triples lines, literals exactly as written (graph names dropped)."""
    oxigraph_format, rapper_format = EXPORTS[fmt]
    if rapper_format and RAPPER:  # an independent reader first: its N-Triples is read back below
        done = subprocess.run(
            [RAPPER, "-q", "-i", rapper_format, "-o", "ntriples", "-", "http://example.org/"],
            input=data,
            capture_output=True,
            check=True,
        )
        data, oxigraph_format = done.stdout, "N_TRIPLES"
    parsed = pyoxigraph.parse(data, format=getattr(pyoxigraph.RdfFormat, oxigraph_format))
    return {f"{t.subject} {t.predicate} {t.object} ." for t in parsed}


@pytest.fixture(scope="module")
def reference() -> set[str]:
    run = run_cli("export", "--format", "nt", data=DATA)
    assert run.code == 0, run
    found = triples(run.out_bytes, "nt")
    decimals = [t for t in found if t.endswith('"^^<http://www.w3.org/2001/XMLSchema#decimal> .')]
    assert '"1500000000"' in " ".join(decimals) and len(decimals) >= 11  # the case that went wrong
    return found


def assert_same(reference: set[str], found: set[str]) -> None:
    missing, extra = sorted(reference - found), sorted(found - reference)
    assert not missing and not extra, f"missing {missing[:3]}, extra {extra[:3]}"


@integration
@needs_bundled_data
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_every_export_is_the_ntriples_graph(reference: set[str], engine: str, fmt: str) -> None:
    run = run_cli("--engine", engine, "export", "--format", fmt, data=DATA)
    assert run.code == 0, run
    assert_same(reference, triples(run.out_bytes, fmt))


@integration
@needs_bundled_data
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fmt", ANSWERS)
def test_every_construct_answer_is_the_ntriples_graph(reference: set[str], engine: str, fmt: str) -> None:
    run = run_cli("--engine", engine, "query", EVERYTHING, "--format", fmt, data=DATA)
    assert run.code == 0, run
    assert_same(reference, triples(run.out_bytes, fmt))


def test_every_rdf_format_has_a_case() -> None:
    from kgraph.formats import DATASET, GRAPH, registered

    assert {f.name for f in registered((GRAPH, DATASET))} == set(EXPORTS)
    assert {f.name for f in registered((GRAPH,))} == set(ANSWERS)


#: What an export can hold besides the graph; each is written by rdflib on both engines.
PARTS = [[], ["--ontology"], ["--shapes"]]


@integration
@pytest.mark.parametrize("engine", ENGINES)
def test_every_rdf_export_is_byte_identical_from_run_to_run(tmp_path: Path, engine: str) -> None:
    """README: "byte-identical output in every format, from run to run". Separate processes:
    rdflib's order follows Python's string hashing, seeded per process (its RDF/XML varied)."""
    outputs: dict[tuple[str, ...], set[bytes]] = {}
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "KGRAPH_CACHE": str(tmp_path / "cache")}
        for fmt in EXPORTS:
            for part in PARTS if fmt in ("xml", "jsonld", "turtle") else PARTS[:1]:
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "kgraph",
                        "--data",
                        str(DATA),
                        "--engine",
                        engine,
                        "export",
                        "-f",
                        fmt,
                        *part,
                    ],
                    check=True,
                    capture_output=True,
                    env=env,
                )
                outputs.setdefault((fmt, *part), set()).add(done.stdout)
    assert [case for case, seen in outputs.items() if len(seen) != 1] == []
