"""The query fast path (cli/fastquery.py): the same bytes, messages and exit codes as the Typer path.

Every case runs ``kgraph`` twice as a real process, once as users get it and once with
KGRAPH_NO_FASTPATH=1 (the Typer path), and compares stdout, stderr, exit code and output files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, integration

# Every test runs kgraph in real processes, both paths, and compares them byte for byte.
pytestmark = integration

LAUNCH = (
    "import os, sys\nsys.argv[0] = 'kgraph'\nfrom kgraph.cli.app import main\ntry:\n    main()\n"
    "finally:\n    probe = os.environ.get('PROBE')\n    if probe:\n"
    "        open(probe, 'w').write(str('typer' in sys.modules))\n"
)
COUNT = "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type ORDER BY ?type"
LABELS = "SELECT ?e ?label WHERE { ?e rdfs:label ?label } ORDER BY ?e LIMIT 7"
ASK = "ASK { ?s kg:signed ?o }"
LABEL_OF = "SELECT ?x ?l WHERE { ?x rdfs:label ?l }"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled data and named queries, with a warm cache."""
    home = tmp_path_factory.mktemp("fast")
    shutil.copytree(ROOT / "data", home / "data")
    shutil.copytree(ROOT / "queries", home / "queries")
    (home / "extra").mkdir()
    (home / "extra" / "labels.rq").write_text("# Labels\n" + LABELS + "\n")
    (home / "q.rq").write_text("# from a file\r\n" + COUNT + "\r\n")
    kgraph(home, ["--data", "data", "build"], fast=False)
    return home


def kgraph(
    home: Path, argv: list[str], *, fast: bool = True, stdin: bytes = b"", env: dict[str, str] | None = None
) -> tuple[int, bytes, bytes, str]:
    """Exit code, stdout, stderr and whether Typer was imported."""
    probe = home / "probe"
    full = {k: v for k, v in os.environ.items() if not k.startswith("KGRAPH_")}
    full.update({"KGRAPH_CACHE": str(home / "cache"), "PROBE": str(probe), **(env or {})})
    if not fast:
        full["KGRAPH_NO_FASTPATH"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *argv], input=stdin, capture_output=True, cwd=home, env=full, timeout=120
    )
    return done.returncode, done.stdout, done.stderr, probe.read_text()


FAST_CASES = [
    (["--data", "data", "query", "treaties", "-f", "csv"], b"", {}),
    (["-d", "data", "query", "leaders", "--format", "json"], b"", {}),
    (["--data=data", "query", "--format=tsv", "timeline"], b"", {}),
    (["--data", "data", "query", "-f", "xml", "loans-and-debts"], b"", {}),
    (["--data", "data", "--engine", "oxigraph", "query", COUNT, "-f", "csv"], b"", {}),
    (["--data", "data", "query", ASK, "-f", "json"], b"", {}),
    (["--data", "data", "query", ASK, "-f", "csv"], b"", {}),
    (["--data", "data", "query", ASK, "-f", "xml"], b"", {}),
    (["--data", "data", "query", "-", "-f", "tsv"], LABELS.encode(), {}),
    (["--data", "data", "query", "-", "-f", "csv"], b"# crlf\r\n" + LABELS.encode() + b"\r\n", {}),
    (["--data", "data", "query", "q.rq", "-f", "json"], b"", {}),
    (["--data", "data", "query", "./q.rq", "-f", "csv", "-o", "-"], b"", {}),
    (["query", "treaties", "-f", "csv"], b"", {"KGRAPH_DATA": "data", "KGRAPH_ENGINE": "oxigraph"}),
    (["--data", "data", "query", "labels", "-f", "csv"], b"", {"KGRAPH_QUERIES": "extra"}),
    (["--data", "data", "--queries", "extra", "query", "labels", "-f", "csv"], b"", {}),
    (
        ["--data", "data", "query", "SELECT ?e WHERE { ?e a kg:Person } ORDER BY ?e LIMIT 3", "-f", "csv"],
        b"",
        {"KGRAPH_BASE": "http://example.org/k/"},
    ),
    (
        [
            "--data",
            "data",
            "--base",
            "http://example.org/k/",
            "query",
            "SELECT ?x WHERE { BIND(kgr:a AS ?x) }",
            "-f",
            "json",
        ],
        b"",
        {},
    ),
    # Parameters (issue 12: the fast path refused --param, so each such call paid for Typer).
    (["--data", "data", "query", "relations-of", "--param", "actor=Pyongyang", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "-p", "actor=soviet-union", "relations-of", "-f", "tsv"], b"", {}),
    (["--data", "data", "query", "relations-of", "--param=actor=Soviet Union", "-f", "json"], b"", {}),
    (["--data", "data", "query", LABEL_OF, "-p", "x=Russian Federation", "-f", "csv"], b"", {}),  # an alias
    # "Moscow" names the Soviet Union, then Russia: without a date, the same ambiguity error.
    (["--data", "data", "query", LABEL_OF, "-p", "x=Moscow", "-f", "csv"], b"", {}),
]
#: These go to the Typer path, which must still answer the same.
FALLBACK_CASES = [
    (["--data", "data", "query", "treaties"], b"", {}),
    (["--data", "data", "query", "no-such-query", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "missing.rq", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "SELECT ?x WHERE { ?x ?y }", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "SELECT ?x WHERE { ?x nope:y ?z }", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "INSERT DATA { <a:b> <a:c> <a:d> }", "-f", "csv"], b"", {}),
    (
        ["--data", "data", "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", "-f", "csv"],
        b"",
        {},
    ),
    (["--data", "data", "query", "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "-f", "csv"], b"", {}),
    (
        [
            "--data",
            "data",
            "query",
            "SELECT ?e WHERE { ?e a kg:Person } ORDER BY ?e # no service\rLIMIT 2",
            "-f",
            "csv",
        ],
        b"",
        {},
    ),  # spells "service": evaluated in a network namespace
    (["--data", "data", "query", "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 2", "-f", "csv"], b"", {}),
    # A kg: term the ontology does not declare: the Typer path prints the warning (issue 11).
    (["--data", "data", "query", "SELECT ?x WHERE { ?x kg:particpatedIn ?y }", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "CONSTRUCT { ?s a ?t } WHERE { ?s a kg:Treaty }", "-f", "xml"], b"", {}),
    (["--data", "data", "query", "-", "-f", "csv"], b"# nothing\n", {}),
    (["--data", "data", "query", "-", "-f", "csv"], b"SELECT ?x WHERE { ?x a \xff }", {}),
    (["--data", "data", "query", "treaties", "-f", "yaml"], b"", {}),
    (["--data", "data", "query", "treaties", "-f", "csv", "extra"], b"", {}),
    (["--data", "data", "query", "treaties", "-f"], b"", {}),
    (["--data", "data", "--engine", "rdflib", "query", ASK, "-f", "csv"], b"", {}),
    (["--data", "data", "--engine", "nope", "query", ASK, "-f", "csv"], b"", {}),
    (["--data", "nowhere", "query", ASK, "-f", "csv"], b"", {}),
    (["query", ASK, "-f", "csv"], b"", {"KGRAPH_DATA": "data", "KGRAPH_ENGINE": "rdflib"}),
    (["query", "--help"], b"", {}),
    # A name read at a date (the fast path leaves --at to the Typer path).
    (["--data", "data", "query", LABEL_OF, "-p", "x=Moscow", "--at", "1969", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "relations-of", "-f", "csv"], b"", {}),  # needs --param actor
    (["--data", "data", "query", "relations-of", "-p", "actor=Sovet Union", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "relations-of", "-p", "state=russia", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "relations-of", "-p", "russia", "-f", "csv"], b"", {}),
    (["--data", "data", "query", "relations-of", "-p", "actor=russia", "-p", "-f", "csv"], b"", {}),
    (["--data", "data", "query", ASK, "-f", "csv", "-o", "no/such/folder/x.csv"], b"", {}),
]


CASES = [(*case, True) for case in FAST_CASES] + [(*case, False) for case in FALLBACK_CASES]


@pytest.mark.parametrize("argv, stdin, env, taken", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_fast_and_typer_paths_agree(
    project: Path, argv: list[str], stdin: bytes, env: dict[str, str], taken: bool
) -> None:
    slow = kgraph(project, argv, stdin=stdin, env=env, fast=False)  # warms the cache (--base...)
    fast = kgraph(project, argv, stdin=stdin, env=env)
    slow = kgraph(project, argv, stdin=stdin, env=env, fast=False)
    assert fast[:3] == slow[:3]
    assert (fast[3], slow[3]) == (str(not taken), "True")
    assert b"Traceback" not in fast[2]


def test_output_files_are_the_same(project: Path) -> None:
    for name, fast in (("fast.json", True), ("slow.json", False)):
        code, out, err, _ = kgraph(
            project, ["--data", "data", "query", "treaties", "-f", "json", "-o", name], fast=fast
        )
        assert (code, out, err) == (0, b"", b"")
    data = (project / "fast.json").read_bytes()
    assert data == (project / "slow.json").read_bytes() and b"Treaty" in data


@pytest.mark.parametrize(
    "argv, env",
    [
        (["--data", "data", "query", "treaties", "-f", "csv"], {}),
        (["--data", "data", "query", "-", "-f", "json"], {}),
        (["query", ASK, "-f", "xml", "-o", "ask.xml"], {"KGRAPH_DATA": "data"}),
    ],
)
def test_the_fast_path_skips_typer(project: Path, argv: list[str], env: dict[str, str]) -> None:
    code, _out, err, typer_loaded = kgraph(project, argv, stdin=LABELS.encode(), env=env)
    assert (code, err, typer_loaded) == (0, b"", "False")


@pytest.mark.parametrize(
    "argv, env",
    [
        (["--data", "data", "query", "treaties"], {}),  # table
        (["--data", "data", "query", "treaties", "-f", "csv"], {"KGRAPH_NO_FASTPATH": "1"}),
        (["--data", "data", "query", "no-such-query", "-f", "csv"], {}),
        (["--data", "data", "query", "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "-f", "csv"], {}),
        (["--data", "data", "query", "SELECT ?s WHERE { ?s ?p 'service' }", "-f", "csv"], {}),
        (["--data", "data", "query", ASK, "-f", "csv", "--allow-network"], {}),
        (["--data", "data", "--debug", "query", ASK, "-f", "csv"], {}),
        (["--data", "data", "query", "treaties", "-f", "csv", "--time"], {}),  # phase times on stderr
        (["--data", "data", "query", ASK, "-f", "csv"], {"KGRAPH_ENGINE": "rdflib"}),
    ],
)
def test_the_fast_path_is_not_taken_otherwise(project: Path, argv: list[str], env: dict[str, str]) -> None:
    assert kgraph(project, argv, env=env)[3] == "True"


def test_a_changed_data_file_falls_back_and_rebuilds(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "data" / "mini", tmp_path / "data")
    query = ["--data", "data", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:signed ?o }", "-f", "csv"]
    first = kgraph(tmp_path, query)
    assert first[0] == 0 and first[3] == "True"  # cold: built by the Typer path
    again = kgraph(tmp_path, query)
    assert again[:3] == first[:3] and again[3] == "False"
    relations = tmp_path / "data" / "relations.yaml"
    relations.write_text(relations.read_text().replace("predicate: signed", "predicate: partyTo", 1))
    changed = kgraph(tmp_path, query)
    assert changed[3] == "True" and changed[1] != first[1]
    assert kgraph(tmp_path, query)[:3] == changed[:3]
