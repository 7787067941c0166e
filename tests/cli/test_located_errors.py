"""One located line where an internal error was (issue 17, item 17, the local cases): a full disk,
an invalid --base, argv that is not UTF-8, broken check files and shapes, a file that is not a
query, and exit 141 when the reader of stdout goes away."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, MINI, integration

KGRAPH = [sys.executable, "-m", "kgraph"]


def _run(*args: str, data: Path = MINI, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([*KGRAPH, "--data", str(data), *args], stderr=subprocess.PIPE, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("export", "-f", "nt"),
        ("query", "SELECT * WHERE { ?s ?p ?o }", "-f", "csv"),  # the fast path
        ("query", "SELECT * WHERE { ?s ?p ?o }"),
        ("timeline",),
    ],
)
def test_a_full_disk_is_one_line(args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(*args, stdout=full)
    assert done.returncode == 1, done
    assert done.stderr.decode() == "error: cannot write to stdout: No space left on device\n"
    done = _run(*args, "-o", "/dev/full") if "-f" in args else done  # tables have no -o
    assert done.returncode == 1
    assert done.stderr.decode().splitlines()[-1] in (
        "error: cannot write /dev/full: No space left on device",
        "error: cannot write to stdout: No space left on device",
    )


def test_a_file_too_big_for_the_disk_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "kg.nt"
    target.write_text("old\n", encoding="utf-8")

    def small_files() -> None:  # the disk (a quota) takes 4 KB per file at most
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = _run("export", "-o", str(target), preexec_fn=small_files)
    assert done.returncode == 1, done
    assert done.stderr.decode() == f"error: cannot write {target}: File too large\n"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nt"]


@pytest.mark.parametrize(
    "base, reason",
    [
        ("not an iri", "the base IRI must be absolute"),
        ("http://example.org/a b/", "the base IRI must be absolute"),
        ("http://example.org/<kg>/", "the base IRI must be absolute"),
        ("http://example.org/kg", "the base IRI must end with '/', '#' or ':'"),
    ],
)
def test_an_invalid_base_is_a_usage_error(cli, base: str, reason: str) -> None:
    run = cli("--base", base, "query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", data=None)
    assert run.code == 2, run
    assert f"Invalid value for --base: {reason}" in run.err


def test_a_good_base_still_works(cli) -> None:
    run = cli("--base", "urn:kg:", "query", "SELECT ?s WHERE { ?s a kg:State } ORDER BY ?s LIMIT 1", "-f", "csv")
    assert run.code == 0 and run.out.splitlines()[1] == "urn:kg:china", run


@pytest.mark.parametrize(
    "args",
    [
        (b"query", b'SELECT * WHERE { ?s ?p "\xff" }'),
        (b"query", b'SELECT * WHERE { ?s ?p "\xff" }', b"-f", b"csv"),
        (b"query", b"# @param t text\nSELECT * WHERE { ?s ?p ?t }", b"-p", b"t=\xfe"),
        (b"show", b"Rus\xffsia"),
    ],
)
def test_argv_that_is_not_utf8_is_named(args: tuple[bytes, ...]) -> None:
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"kgraph", b"--data", os.fsencode(MINI), *args],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1, done
    err = done.stderr.decode()
    assert err.count("\n") == 1 and "internal error" not in err, err
    assert "not valid UTF-8: '" in err or err.startswith("error: unknown entity 'Rus\\xffsia'"), err


@pytest.fixture
def checks(tmp_path: Path) -> Path:
    folder = tmp_path / "queries" / "checks"
    folder.mkdir(parents=True)
    return folder


def test_a_check_that_is_not_utf8_is_located(cli, checks: Path) -> None:
    (checks / "bad.rq").write_bytes(b'# Bad.\n# severity: warn\nSELECT ?x WHERE { ?x ?y "\xff" }\n')
    run = cli("--queries", str(checks.parent), "check")
    assert run.code == 1, run
    assert run.err == f"{checks}/bad.rq:3:26: error: not valid UTF-8 (byte 0xff)\n"


def test_a_check_with_a_syntax_error_names_its_file(cli, checks: Path) -> None:
    (checks / "ok.rq").write_text("# Fine.\n# severity: warn\nSELECT ?x WHERE { ?x a kg:Nothing }\n")
    (checks / "typo.rq").write_text("# Typo.\n# severity: warn\nSELEC ?x WHERE { ?x ?y ?z }\n")
    run = cli("--queries", str(checks.parent), "check")
    assert run.code == 1, run
    assert run.err.startswith(f"{checks}/typo.rq:3:10: error: SPARQL syntax error"), run


def test_a_folder_named_like_a_query_is_not_one(cli, checks: Path) -> None:
    (checks / "folder.rq").mkdir()
    (checks.parent / "folder.rq").mkdir()
    (checks / "ok.rq").write_text("# Fine.\n# severity: warn\nSELECT ?x WHERE { ?x a kg:Nothing }\n")
    run = cli("--queries", str(checks.parent), "check")
    assert run.code == 0 and "1 check(s)" in run.err, run
    assert cli("--queries", str(checks.parent), "queries").code == 0


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass <https://w3id.org/kgraph/ontology#State> ; {} .
"""


@pytest.mark.parametrize(
    "body, reason",
    [
        ('sh:property [ sh:path "p" ; sh:minCount 1 ]', "Values of a property path cannot be a Literal."),
        ('sh:property [ sh:path ex:p ; sh:minCount "many" ]', "sh:minCount must be a literal"),
        ('sh:pattern "(["', "unterminated character set"),
        ('sh:sparql [ sh:select "SELECT $this WHERE {{ x" ]', "Expected SelectQuery"),
    ],
)
def test_ill_formed_shapes_are_named(cli, tmp_path: Path, body: str, reason: str) -> None:
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(SHAPES.replace("{}", body).replace("{{", "{"), encoding="utf-8")
    run = cli("validate", "--shapes", str(shapes))
    assert run.code == 1, run
    assert run.err.startswith(f"error: the SHACL shapes in {shapes} are not well-formed: "), run
    assert reason in run.err and run.err.count("\n") == 1, run


def test_a_file_that_is_not_a_query_is_not_echoed(cli, tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$secret-hash:19000:0:99999:7:::\n", encoding="utf-8")
    run = cli("query", str(secret))
    assert run.code == 1
    assert run.err == (
        f"{secret}:1:1: error: not a SPARQL query (its text is not shown: query files end in .rq or .sparql)\n"
    ), run
    plain = tmp_path / "q.txt"  # a query in a file of another suffix still runs
    plain.write_text("SELECT ?s WHERE { ?s a kg:State } ORDER BY ?s LIMIT 1\n", encoding="utf-8")
    assert cli("query", str(plain), "-f", "csv").out.splitlines()[1].endswith("/china")


@integration
@pytest.mark.parametrize(
    "args",
    [
        ("export", "-f", "jsonld"),
        ("export", "-f", "nt"),
        ("export", "-f", "trig"),
        ("export", "-f", "xml"),
        ("export", "-f", "gexf"),
        ("export", "-f", "graphml"),
        ("export", "-f", "nq"),
        ("timeline",),
        ("timeline", "-f", "json"),
        ("neighbors", "Russia", "--depth", "3"),
        ("query", "SELECT * WHERE { ?s ?p ?o }"),
        ("query", "SELECT * WHERE { ?s ?p ?o }", "-f", "csv"),
        ("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
        ("show", "Russia"),
        ("draw", "-f", "dot"),
    ],
)
def test_a_closed_pipe_gives_141(args: tuple[str, ...]) -> None:
    # Each output is over 64 KB and the pipe holds 4 KB, so kgraph is still writing when the
    # reader leaves.
    import fcntl

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    proc = subprocess.Popen([*KGRAPH, "--data", str(DATA), *args], stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    assert proc.stderr is not None
    with os.fdopen(read_end, "rb") as reader:
        assert len(reader.read(10)) == 10
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141, err
    assert err == b""
