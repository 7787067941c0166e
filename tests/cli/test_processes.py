"""Processes that stop, and a cache shared by processes while the data changes (#17 item 6).

Real subprocesses: signals, a killed parent, and builds, queries and data swaps running together.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DATA, MINI, integration
from servers import alive

pytestmark = [
    integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc as on Linux"),
]

#: A count over a three-way cross product of the bundled graph: about 5e10 solutions, hours of work.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def kgraph(folder: Path, cache: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    env = {**os.environ, "KGRAPH_CACHE": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-m", "kgraph", "--data", str(folder), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )  # type: ignore[call-overload]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone already
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy(pid: int, child: bool = False) -> int:
    """``pid`` (or, with ``child``, its child: the forked evaluator) once it has used CPU for a
    while, well past the cache check: it is evaluating."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for candidate in children(pid) if child else [pid]:
            if cpu_seconds(candidate) > 1.5:
                return candidate
        time.sleep(0.1)
    raise AssertionError("the query never got busy")


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    folder, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(DATA, folder)
    done = kgraph(folder, cache, "build")
    assert done.wait(120) == 0, done.communicate()
    return folder, cache


#: The same, in the forked child cut off from the network (the text spells "service").
SANDBOXED = ENDLESS + "\n# no service here"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [("csv", ENDLESS), ("table", ENDLESS), ("csv", SANDBOXED)],
    ids=["fast-path", "typer-path", "sandboxed"],
)
def test_ctrl_c_stops_a_long_local_query_without_a_timeout(built: tuple[Path, Path], fmt: str, text: str) -> None:
    folder, cache = built
    query = kgraph(folder, cache, "query", text, "-f", fmt)
    try:
        busy(query.pid, child=text == SANDBOXED)
        query.send_signal(signal.SIGINT)
        began = time.monotonic()
        _out, err = query.communicate(timeout=10)
        assert query.returncode == 130 and err.strip().endswith("interrupted")
        assert time.monotonic() - began < 5
    finally:
        query.kill()
        query.wait()


@pytest.mark.parametrize("text", [ENDLESS, SANDBOXED], ids=["plain", "sandboxed"])
def test_the_timeout_evaluator_dies_with_kgraph(built: tuple[Path, Path], text: str) -> None:
    folder, cache = built
    query = kgraph(folder, cache, "query", text, "-f", "csv", "--timeout", "600")
    try:
        evaluator = busy(query.pid, child=True)
        query.kill()  # SIGKILL: no clean-up code runs in kgraph
        query.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and alive(evaluator):
            time.sleep(0.1)
        assert not alive(evaluator)
    finally:
        query.kill()
        query.wait()
        for pid in children(query.pid):
            os.kill(pid, signal.SIGKILL)


# --- builds, queries and data swaps together ---

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s kg:signed ?o }"


def test_builds_and_queries_sharing_a_cache_while_the_data_changes(tmp_path: Path) -> None:
    """Every command succeeds and answers for one of the two versions of the data, never a mix
    and never a half-written entry."""
    folder, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(MINI, folder)
    one = (folder / "relations.yaml").read_text()
    two = one.replace(
        "predicate: signed\n  object: friendship-treaty", "predicate: partyTo\n  object: friendship-treaty"
    )
    versions = {"3", "2"}  # kg:signed in version one and in version two
    stop = time.monotonic() + 15
    failures: list[str] = []
    answers: list[str] = []

    def swap() -> None:
        turn = 0
        while time.monotonic() < stop:
            staged = folder / f".relations.{turn}"
            staged.write_text(two if turn % 2 == 0 else one)
            os.replace(staged, folder / "relations.yaml")  # a reader sees one version or the other
            turn += 1
            time.sleep(random.uniform(0.05, 0.4))

    def run(*args: str) -> None:
        while time.monotonic() < stop:
            process = kgraph(folder, cache, *args)
            out, err = process.communicate(timeout=120)
            if process.returncode != 0:
                failures.append(f"{args}: exit {process.returncode}: {err[-500:]}")
            elif args[0] == "query":
                answers.append(out.splitlines()[1])
                if answers[-1] not in versions:
                    failures.append(f"{args}: wrong answer {out!r}")

    workers = [
        threading.Thread(target=swap),
        threading.Thread(target=run, args=("build",)),
        threading.Thread(target=run, args=("query", COUNT, "-f", "csv")),  # the fast path
        threading.Thread(target=run, args=("query", COUNT, "-f", "csv", "--timeout", "60")),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert len(answers) >= 4
    entries = [p for p in cache.glob("*/*") if p.is_dir()]
    assert len(entries) <= 4  # old entries are removed once nobody reads them
