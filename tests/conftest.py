"""Shared test helpers: run the CLI as a user would, and build small data folders."""

from __future__ import annotations

import ast
import contextlib
import functools
import re
import shlex
import shutil
import socket
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
#: The package's source (tests that read the code itself: imports, vocabulary, exit codes).
SRC = ROOT / "src" / "kgraph"
#: The bundled data folder (the article's annotation).
DATA = ROOT / "data"
#: Small data sets made for the tests.
FIXTURES = Path(__file__).resolve().parent / "data"
MINI = FIXTURES / "mini"
#: A network of entities made for path, measure and picture tests.
NET = FIXTURES / "net"
#: The bundled project's vocabulary chain, from the shipped core to the data folder's own file.
BUNDLED_VOCABULARY = (
    SRC / "vocabularies" / "core.yaml",
    SRC / "vocabularies" / "politics.yaml",
    DATA / "vocabulary.yaml",
)


def declared(*chain: Path) -> tuple[set[str], set[str]]:
    """The type and predicate names a chain of vocabulary files declares, read with PyYAML rather
    than kgraph's loader: tests count what the vocabulary holds without restating its size, so
    adding a predicate touches the vocabulary, not the tests."""
    import yaml

    types: set[str] = set()
    predicates: set[str] = set()
    for file in chain:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        types |= set(document.get("types") or {})
        predicates |= set(document.get("predicates") or {})
    return types, predicates


#: Skip a test that needs the bundled annotation when it is not there (a trimmed checkout).
needs_bundled_data = pytest.mark.skipif(not (DATA / "relations.yaml").exists(), reason="the bundled data is not here")


class Run:
    """The outcome of one CLI invocation."""

    def __init__(self, result) -> None:  # type: ignore[no-untyped-def]
        self.code: int = result.exit_code
        self.out: str = result.stdout
        self.out_bytes: bytes = result.stdout_bytes
        self.err: str = result.stderr
        self.exception = result.exception

    def __repr__(self) -> str:
        return f"<Run code={self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


@functools.cache
def kgraph_command() -> Any:
    """kgraph's Click command, made from the Typer app once per test process, as the console script
    makes it once per run: ``CliRunner().invoke(app)`` remakes it on every call (about 15 ms of
    signature inspection, a quarter of the quick run's CPU time)."""
    import typer.main

    from kgraph.cli.app import app

    return typer.main.get_command(app)


def run_cli(*args: str, data: Path | str | None = MINI, input: str | None = None) -> Run:
    """Invoke ``kgraph [--data DATA] ARGS`` in-process and capture stdout and stderr apart.

    As ``typer.testing.CliRunner.invoke`` does, but on the command made once (kgraph_command)."""
    from typer.testing import CliRunner, Result  # here: xdist's controller process needs no Typer

    argv = (["--data", str(data)] if data is not None else []) + list(args)
    runner = CliRunner()
    code, exception, exc_info = 0, None, None
    with runner.isolation(input=input) as (stdout, stderr, output):
        try:
            command = kgraph_command()
            command.main(args=argv, prog_name=runner.get_default_prog_name(command))
        except SystemExit as exc:
            code = 0 if exc.code is None else exc.code
            if code != 0:
                exception, exc_info = exc, sys.exc_info()
            if not isinstance(code, int):  # sys.exit("message"): printed, exit code 1
                sys.stdout.write(f"{code}\n")
                code = 1
        except Exception as exc:  # what CliRunner's catch_exceptions=True records
            code, exception, exc_info = 1, exc, sys.exc_info()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        captured = stdout.getvalue(), stderr.getvalue(), output.getvalue()
    run = Run(Result(runner, *captured, None, code, exception, exc_info))
    assert "Traceback" not in run.err, run
    return run


def parsed(path: Path) -> ast.Module:
    """The syntax tree of a Python file, parsed once per test process while the file is unchanged.

    Six tests read the whole package's code (names, imports, vocabulary, exit codes): each parsing
    and walking every module again cost about five seconds of the quick run. Trees are shared, so
    a test must not change one."""
    st = path.stat()
    return _parsed(str(path), st.st_mtime_ns, st.st_size)


def walked(path: Path) -> tuple[ast.AST, ...]:
    """Every node of ``parsed(path)``, in ``ast.walk`` order, listed once per process."""
    st = path.stat()
    return _walked(str(path), st.st_mtime_ns, st.st_size)


@functools.cache
def _parsed(path: str, _mtime_ns: int, _size: int) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"), path)


@functools.cache
def _walked(path: str, mtime_ns: int, size: int) -> tuple[ast.AST, ...]:
    return tuple(ast.walk(_parsed(path, mtime_ns, size)))


#: Mark a test that needs more than this process: a real server, a browser, other processes, both
#: engines over every query, big data. The default run leaves these out; ``--integration`` runs all.
integration = pytest.mark.integration


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--integration",
        action="store_true",
        help="also run the tests marked integration (servers, browsers, processes, scale): what .ci/run runs",
    )


#: Where temporary folders go when TMPDIR names none: memory, if the machine has this much room there.
IN_MEMORY, IN_MEMORY_ROOM = Path("/dev/shm"), 2 * 1024**3


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders (tmp_path, the test cache, the tests' processes) go to memory when TMPDIR
    names no place: RocksDB syncs every store it makes to disk, 150 ms of waiting per build on this
    machine against 10 ms in memory, and the quick run makes about 150 stores. What reaches the disk
    is not what the tests check; a killed process leaves the same files in memory as on disk."""
    import os
    import tempfile

    if "PYTEST_XDIST_WORKER" in os.environ:
        # GNU readline, set up in each pytest-xdist worker, exports COLUMNS=80 and LINES=24; the tests
        # check tables as kgraph prints them into a pipe (160 columns unless COLUMNS says otherwise).
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)
    if "TMPDIR" in os.environ or not os.access(IN_MEMORY, os.W_OK):
        return
    if shutil.disk_usage(IN_MEMORY).free >= IN_MEMORY_ROOM:
        os.environ["TMPDIR"] = str(IN_MEMORY)
        tempfile.tempdir = None  # gettempdir() asks the environment again


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The whole quick run (no paths, no ``--integration``) spreads over the cores through
    pytest-xdist (``-n auto``) when it is installed and ``-n`` is not given. A run of chosen files
    stays in this process (starting workers would cost more than it saves), and so does the
    ``--integration`` run, whose servers, browser and scale tests would compete for memory and ports
    in several workers. ``-n 0`` keeps any run in one process; ``-n N`` chooses for any run.

    This runs before xdist's own pytest_cmdline_main, which turns ``auto`` into a count."""
    import os

    if hasattr(config, "workerinput") or "PYTEST_XDIST_WORKER" in os.environ:
        # A worker (xdist calls this hook in each, with -n reset), or a pytest a test started in
        # one: it must not start workers of its own, which would start theirs, and so on.
        return
    if getattr(config.option, "numprocesses", "no xdist") is not None:
        return  # pytest-xdist is not installed, or -n was given
    if config.getoption("--integration") or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    config.option.numprocesses = "auto"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the integration tests out unless ``--integration`` is given, or ``-m`` chooses by marker.

    A case run on each engine is an integration test on rdflib: the quick run checks kgraph's
    default engine (Oxigraph), ``--integration`` checks that rdflib answers the same."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(isinstance(v, str) and v == "rdflib" for v in callspec.params.values()):
            item.add_marker(integration)
    if config.getoption("--integration") or config.getoption("-m"):
        return
    left_out = [item for item in items if item.get_closest_marker("integration")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("integration")]


def pytest_report_header(config: pytest.Config) -> str:
    if config.getoption("--integration") or config.getoption("-m"):
        return "integration tests: included"
    return "integration tests: left out (servers, browsers, processes, scale); --integration runs them"


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_repo(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled graphs go to a temporary folder, not beside tests/data."""
    import os

    os.environ.setdefault("KGRAPH_CACHE", str(tmp_path_factory.mktemp("kgraph-cache")))


@pytest.fixture(autouse=True)
def _progress_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command's stderr in a test is what it says, not how long it took: on a loaded machine a
    small build can pass the one second after which a build shows its progress, and the progress
    lines would break every exact-stderr check. In-process commands show it after a minute here;
    tests/cli/test_build_scale.py lowers the threshold to check the progress itself."""
    import kgraph.cli.context

    monkeypatch.setattr(kgraph.cli.context, "PROGRESS_AFTER", 60.0)


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[..., Path]:
    """Write a data folder with the mini source text and the given YAML (dedented)."""

    def make(entities: str | None = None, relations: str | None = None) -> Path:
        folder = tmp_path / "data"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(MINI, folder)
        if entities is not None:
            (folder / "entities.yaml").write_text(textwrap.dedent(entities), encoding="utf-8")
        if relations is not None:
            (folder / "relations.yaml").write_text(textwrap.dedent(relations), encoding="utf-8")
        return folder

    return make


class RecordingServer:
    """A local TCP port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        # Wake the accept() at once (on Linux shutting a listening socket down ends it) instead of
        # waiting out its timeout: 0.2 s a test, over four seconds of the quick run.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join()
        self.sock.close()


@pytest.fixture
def recorder():
    server = RecordingServer()
    yield server
    server.close()


def readme_example(command: str) -> str:
    """The output the README shows under ``$ COMMAND`` in a ```text block (examples the README test
    cannot run as they stand: they need files a test makes first)."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        if block.startswith(f"$ {command}\n"):
            return block[len(command) + 3 :]
    raise AssertionError(f"the README shows no example of: {command}")


# --- Comparing graphs ---


def built_graph(folder: Path = MINI) -> Graph:
    """The graph kgraph compiles from ``folder``, made in-process (no cache)."""
    from kgraph.compile import compile_graph
    from kgraph.load import load

    return compile_graph(load(str(folder)))


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Fail with the triples only one graph has, as N-Triples, when the graphs differ."""
    from rdflib.compare import graph_diff, isomorphic

    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(expected, actual)
        raise AssertionError(
            "graphs differ:\nmissing:\n"
            + only_expected.serialize(format="nt")
            + "\nextra:\n"
            + only_actual.serialize(format="nt")
        )


# --- The README's examples (test_readme.py; examples/*/README.md in test_example_projects.py) ---

SKIP = ("--endpoint", " push ", " serve", " -o ", " draw ")
#: A walk-through in a project of its own, run by test_your_own_text rather than on the bundled data.
OWN_TEXT = "## Your own text"


def readme_section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start : end + 1]


def _without_section(text: str, heading: str) -> str:
    return text.replace(readme_section(text, heading), "") if heading + "\n" in text else text


def examples(readme: Path = ROOT / "README.md") -> list[tuple[str, str]]:
    """(command, expected output) pairs from a README's code blocks (the walk-through aside)."""
    text = _without_section(readme.read_text(encoding="utf-8"), OWN_TEXT)
    found = []
    # Fences are paired line by line, so a ```text or ```yaml block is skipped whole (not mistaken
    # for the end of one block and the start of another).
    for language, block in re.findall(r"^```([\w-]*)\n(.*?)^```[ \t]*$", text, re.S | re.M):
        if language:
            continue
        parts = re.split(r"^\$ ", block, flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            if not command.startswith("kgraph ") or any(s in f" {command} " for s in SKIP):
                continue
            if "\u250f" in output:  # a rich table: its layout depends on the terminal
                continue
            found.append((command.strip(), output.rstrip("\n")))
    return found


def output_of(command: str, data: Path | None) -> list[str]:
    """The lines a README command prints (stdout then stderr), through its ``| head -N`` if any."""
    pipeline = command.split(" | ")
    argv = shlex.split(pipeline[0])[1:]
    run = run_cli(*argv, data=data)
    lines = (run.out + run.err).rstrip("\n").splitlines()
    for stage in pipeline[1:]:
        match = re.fullmatch(r"head -(\d+)", stage.strip())
        assert match, f"unsupported pipe in README example: {stage}"
        lines = lines[: int(match.group(1))]
    return [line.rstrip() for line in lines]


# --- Tab completion, driven as a shell drives it (test_complete.py, test_own_vocabulary.py) ---


def complete(words: str, data: Path | None = NET) -> list[str]:
    """What bash completion offers for the last word of ``kgraph [--data DIR] WORDS``."""
    import os
    import subprocess
    import sys

    line = ["kgraph"] + (["--data", str(data)] if data else []) + words.split(" ")
    env = {
        **os.environ,
        "_KGRAPH_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(line),
        "COMP_CWORD": str(len(line) - 1),
    }
    code = "import sys; sys.argv[0] = 'kgraph'\nfrom kgraph.cli.app import main; main()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stdout.splitlines() if line]
