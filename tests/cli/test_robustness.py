"""Commands under bad conditions: odd names, bad output paths, Ctrl-C, slow and huge queries."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from conftest import MINI, ROOT, integration

KGR = "https://w3id.org/kgraph/resource/"
NEVER_ENDS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def korean(tmp_path: Path) -> Path:
    """The mini data set with ids in Hangul and Cyrillic (tests/bad_inputs/data/korean-ids)."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    for name in ("entities.yaml", "relations.yaml"):
        shutil.copy(ROOT / "tests" / "bad_inputs" / "data" / "korean-ids" / name, folder / name)
    return folder


def test_ids_in_other_scripts_make_valid_iris_everywhere(cli, korean: Path, tmp_path: Path) -> None:
    run = cli("query", "SELECT ?s WHERE { ?s kg:signed kgr:treaty-1884 } ORDER BY ?s", "-f", "json", data=korean)
    assert run.code == 0, run
    assert [b["s"]["value"] for b in json.loads(run.out)["results"]["bindings"]] == [
        KGR + "россия",
        KGR + "대한민국",
    ]  # code point order: Cyrillic before Hangul
    for suffix, fmt in ((".ttl", "turtle"), (".nt", "nt"), (".rdf", "xml"), (".jsonld", "json-ld")):
        target = tmp_path / f"kg{suffix}"
        assert cli("export", "-o", str(target), data=korean).code == 0
        graph = Graph().parse(target, format=fmt)
        assert (URIRef(KGR + "조선"), None, None) in graph, fmt
    path = cli("path", "North Korea", "Россия", "-f", "json", data=korean)
    assert path.code == 0, path
    hops = json.loads(path.out)["paths"][0]["hops"]
    assert [h["subject"]["id"] for h in hops] == ["조선", "대한민국", "россия"]


def test_empty_data_folder_names_both_missing_files(cli, tmp_path: Path) -> None:
    run = cli("validate", data=tmp_path)
    assert run.code == 1
    assert run.err.splitlines() == [
        f"{tmp_path}/entities.yaml: error: file not found",
        f"{tmp_path}/relations.yaml: error: file not found",
        "2 error(s) found",
    ]


def test_data_path_that_is_a_file(cli) -> None:
    run = cli("validate", data=MINI / "entities.yaml")
    assert run.code == 1 and "data folder not found" in run.err


@pytest.mark.parametrize("name", ["", "   ", "Korea\n", "<script>"])
def test_odd_entity_names_are_plain_errors(cli, name: str) -> None:
    run = cli("show", name)
    if name == "Korea\n":  # surrounding whitespace is forgiven
        assert run.code == 0 and run.out.startswith("Korea  (State")
    else:
        assert run.code == 1 and run.err.startswith("error: unknown entity"), run


def test_show_ambiguous_name(cli, make_data) -> None:
    entities = (MINI / "entities.yaml").read_text().replace("label: China\n", "label: China\n  aliases: [Korea]\n")
    run = cli("show", "korea", data=make_data(entities=entities))
    assert run.code == 1 and "'korea' is ambiguous: it names china (China, State), korea (Korea, State)" in run.err


@pytest.mark.parametrize(
    "command,name",
    [
        (["export", "-f", "nt"], "out.nt"),
        (["build"], "out.nt"),
        (["query", "SELECT * WHERE { ?s ?p ?o }", "-f", "csv"], "out.csv"),
    ],
)  # a suffix that agrees with -f
def test_output_in_a_missing_folder(cli, tmp_path: Path, command: list[str], name: str) -> None:
    target = tmp_path / "missing" / name
    run = cli(*command, "-o", str(target))
    assert run.code == 1
    assert run.err.strip() == f"error: cannot write {target}: folder {target.parent} does not exist"


def test_output_that_is_a_folder(cli, tmp_path: Path) -> None:
    run = cli("export", "-f", "nt", "-o", str(tmp_path))
    assert run.code == 1 and run.err.strip() == f"error: cannot write {tmp_path}: it is a folder"


def _read_only_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        return folder
    if os.path.isdir("/sys/kernel"):
        return Path("/sys")  # root ignores permissions, but sysfs refuses new files
    pytest.skip("no read-only folder available")


def test_output_in_a_read_only_folder(cli, tmp_path: Path) -> None:
    folder = _read_only_folder(tmp_path)
    run = cli("export", "-f", "nt", "-o", str(folder / "kg.nt"))
    assert run.code == 1
    assert run.err.startswith(f"error: cannot write {folder / 'kg.nt'}: ")
    assert not (folder / "kg.nt").exists()


def test_output_to_a_pipe_keeps_the_pipe(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    run = cli("export", "-f", "nt", "-o", str(fifo))
    reader.join(10)
    assert run.code == 0, run
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a regular file
    assert received[0] == cli("export", "-f", "nt").out_bytes


def _big_data(folder: Path, relations: int) -> Path:
    """A valid data set large enough that exporting it takes a few seconds."""
    (folder / "sources").mkdir(parents=True)
    (folder / "vocabulary.yaml").write_text("extends: politics\n", encoding="utf-8")
    entities = ["- id: article\n  type: Publication\n  label: Big\n  text: sources/text.txt\n"]
    entities += [f"- id: s{i}\n  type: State\n  label: State {i}\n" for i in range(relations)]
    lines, rels = [], []
    for i in range(relations):
        quote = f"State {i} met State {(i * 7 + 1) % relations} in {1900 + i % 100}."
        lines.append(quote)
        rels.append(
            f"- subject: s{i}\n  predicate: met\n  object: s{(i * 7 + 1) % relations}\n"
            f"  date: {1900 + i % 100}\n  quote: {quote}\n"
        )
    (folder / "entities.yaml").write_text("".join(entities), encoding="utf-8")
    (folder / "relations.yaml").write_text("".join(rels), encoding="utf-8")
    (folder / "sources" / "text.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@integration
def test_ctrl_c_during_export_keeps_the_previous_file(tmp_path: Path) -> None:
    data = _big_data(tmp_path / "data", 3000)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "kg.ttl"
    target.write_text("previous export\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgraph", "--data", str(data), "export", "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not [f for f in os.listdir(out) if f.endswith(".tmp")]:  # writing has begun
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "export never started writing"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted"
    assert target.read_text() == "previous export\n"
    assert os.listdir(out) == ["kg.ttl"]


def test_timeout_stops_a_query_that_never_ends(cli) -> None:
    started = time.monotonic()
    run = cli("query", NEVER_ENDS, "--timeout", "0.3")
    elapsed = time.monotonic() - started
    assert run.code == 1
    assert run.err.strip() == (
        "error: the query did not finish within 0.3 second(s) (--timeout); "
        "narrow it (more specific patterns, LIMIT) or allow more time"
    )
    assert elapsed < 10


@integration
def test_timeout_in_a_real_process_leaves_no_child_behind(tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(MINI), "query", NEVER_ENDS, "--timeout", "0.5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "did not finish within 0.5 second(s)" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s a kg:Treaty ; ?p ?o } ORDER BY ?s ?p ?o",
        "ASK { kgr:russia kg:signed kgr:treaty-1884 }",
        "CONSTRUCT { ?s kg:signed ?o } WHERE { ?s kg:signed ?o }",
    ],
)
def test_a_query_within_its_timeout_answers_as_without(cli, query: str) -> None:
    fmt = "nt" if query.startswith("CONSTRUCT") else "json"
    plain = cli("query", query, "-f", fmt)
    limited = cli("query", query, "-f", fmt, "--timeout", "30")
    assert plain.code == limited.code == 0, limited
    assert sorted(limited.out.splitlines()) == sorted(plain.out.splitlines())


def test_errors_found_while_evaluating_under_a_timeout(cli, recorder) -> None:
    run = cli("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--timeout", "0")
    assert run.code == 2 and "--timeout" in run.err
    service = cli(
        "query", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{recorder.port}/> {{ ?s ?p ?o }} }}", "--timeout", "5"
    )
    assert service.code == 1 and "--allow-network" in service.err and recorder.connections == 0


def _peak(cli, query: str, target: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        run = cli("query", query, "-f", "csv", "-o", str(target))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 0, run
    with open(target, encoding="utf-8") as handle:
        return peak, sum(1 for _ in handle) - 1


@integration
def test_huge_results_are_streamed(cli, tmp_path: Path) -> None:
    cross = "SELECT * WHERE { ?a ?b ?c . ?d a owl:Class }"  # every triple times every class
    cli("query", cross + " LIMIT 1")  # warm up imports and caches
    small_peak, small_rows = _peak(cli, cross + " LIMIT 50", tmp_path / "small.csv")
    big_peak, big_rows = _peak(cli, cross, tmp_path / "big.csv")
    assert small_rows == 50 and big_rows > 5000
    # Held in a list, 100 times the rows would need several times the memory; streamed, about the same.
    assert big_peak < 1.5 * small_peak, (small_peak, big_peak)
