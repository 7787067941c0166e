#!/usr/bin/env python3
"""Time kgraph against its floors and peers on generated data; write docs/benchmarks.md.

    python bench/run.py                      # 1k, 10k and 100k relations
    python bench/run.py --sizes 1000 --runs 3 --out /tmp/bench.md

Every measurement is a fresh process (wall time and peak memory from wait4), repeated and
reported as the median. Peers and floors run on the same graph in the same run: the `oxigraph`
CLI (pip install '.[bench]'), a bare pyoxigraph script, an rdflib script, PyYAML's C loader,
networkx, and Jena's arq when Debian's libapache-jena-java works. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
KGRAPH = [os.path.join(BIN, "kgraph")]
PY = sys.executable
QUERIES = ["count_by_type", "two_hop", "date_range", "property_path"]
sys.path.insert(0, os.path.join(ROOT, "src"))
from kgraph.vocab import PREFIXES  # noqa: E402

PROLOGUE = "".join(
    f"PREFIX {p}: <{ns}>\n" for p, ns in {**PREFIXES, "kgr": "https://w3id.org/kgraph/resource/"}.items()
)


def timed(
    cmd: list[str], runs: int, env: dict[str, str] | None = None, before: object = None, limit: int | None = None
) -> dict[str, float]:
    """Median wall time and the largest peak memory over ``runs`` runs."""
    walls, peaks, cpus = [], [], []
    for _ in range(runs):
        if callable(before):
            before()
        wall, peak, _out, cpu = _measure(cmd, env, limit)
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    return {"s": statistics.median(walls), "mb": max(peaks), "runs": runs, "cpu": statistics.median(cpus)}


def _generated(relations: int, split: int, work: str) -> str:
    """The generated project for a scale point (seed 7; ``split`` relations per file, 0 for one
    file), made once and shared by the edit loop and the build point."""
    data = os.path.join(work, f"edit-{relations}-{split}")
    if not os.path.isdir(data):
        subprocess.run(
            [
                PY,
                os.path.join(HERE, "generate.py"),
                "--relations",
                str(relations),
                "--seed",
                "7",
                "--out",
                data,
                *(["--split", str(split)] if split else []),
            ],
            check=True,
        )
    return data


def edit_loop(relations: int, split: int, runs: int, work: str, results: dict) -> None:
    """Issue 15's edit loop: a full build, then one record edited and the next query timed, ``runs``
    times; each edit changes one relation of one file (``split``: relations per file, 0 for one file)."""
    label = f"edit loop {relations:,} relations, " + (f"files of {split:,}" if split else "one file")
    data = _generated(relations, split, work)
    cache = os.path.join(work, f"edit-cache-{relations}-{split}")
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "KGRAPH_CACHE": cache}
    count = os.path.join(HERE, "queries", "count_by_type.rq")
    query = [*KGRAPH, "--data", data, "query", count, "-f", "csv"]
    row: dict[str, object] = {}
    results[label] = row
    print(f"== {label}", file=sys.stderr)
    row["full build (cold cache, kgraph query)"] = timed(query, 1, env)
    files = sorted(_walk(os.path.join(data, "relations"))) if split else [os.path.join(data, "relations.yaml")]
    target = files[len(files) // 2]
    walls, peaks, cpus = [], [], []
    for index in range(runs):
        with open(target, encoding="utf-8") as handle:
            text = handle.read()
        with open(target, "w", encoding="utf-8") as handle:  # one record: a note added, then changed
            handle.write(
                text.replace("  quote:", f"  note: edit {index}\n  quote:", 1)
                if index == 0
                else text.replace(f"  note: edit {index - 1}\n", f"  note: edit {index}\n", 1)
            )
        wall, peak, _out, cpu = _measure(query, env)
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    row["query after a one-record edit"] = {
        "s": statistics.median(walls),
        "mb": max(peaks),
        "runs": runs,
        "cpu": statistics.median(cpus),
    }
    row["query, nothing changed"] = timed(query, runs, env)


#: Every process of a --build point is killed when its resident memory passes this (MB): the
#: 1M point must not take a shared machine's memory from everyone else (--max-rss).
MAX_RSS_MB = 9000


def build_point(
    relations: int, split: int, work: str, results: dict, runs: int = 3, queries_only: bool = False
) -> None:
    """A cold ``kgraph build`` against the floor (PyYAML's C loader over the same files plus
    pyoxigraph's bulk load of the same triples into an on-disk store, as kgraph's), one run each;
    then, on that cache, the queries against a bare pyoxigraph script and ``path`` against
    networkx on the cached edges (``runs`` each): the scale points of issue 15."""
    label = f"build {relations:,} relations, " + (f"files of {split:,}" if split else "one file")
    data = _generated(relations, split, work)
    cache = os.path.join(work, f"build-cache-{relations}-{split}")
    env = {**os.environ, "KGRAPH_CACHE": cache}
    print(f"== {label}", file=sys.stderr)
    row: dict[str, object] = {"load before": _loadavg()}
    results[label] = row
    if not queries_only:
        shutil.rmtree(cache, ignore_errors=True)
        row["kgraph build"] = timed([*KGRAPH, "--data", data, "build"], 1, env, limit=MAX_RSS_MB)
        row["load after build"] = _loadavg()
    entry = os.path.dirname(next(p for p in _walk(cache) if p.endswith("manifest.json")))
    with open(os.path.join(entry, "manifest.json"), encoding="utf-8") as handle:
        row["triples"] = json.load(handle)["triples"]
    if not queries_only:
        _floor(relations, split, work, entry, data, row)
    _cached_queries(data, entry, env, work, runs, row)


def _floor(relations: int, split: int, work: str, entry: str, data: str, row: dict[str, object]) -> None:
    """PyYAML's C loader over the data files, then pyoxigraph's bulk load into an on-disk store."""
    # The floor loads the very N-Triples kgraph bulk-loaded: the entry's parts, joined (kgraph's
    # export sorts in memory, which at a million relations would hold the graph whole, and
    # pyoxigraph's dump through Python took 3 minutes of CPU for 8.6 M triples).
    nt = os.path.join(work, f"build-{relations}-{split}.nt")
    with open(os.path.join(entry, "manifest.json"), encoding="utf-8") as handle:
        parts = [name for name, _sha in json.load(handle)["parts"]]
    folder = os.path.join(os.path.dirname(entry), ".parts")
    with open(nt, "wb") as out:
        for name in parts:
            with open(os.path.join(folder, name + ".nt"), "rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    store = os.path.join(work, f"floor-store-{relations}-{split}")
    shutil.rmtree(store, ignore_errors=True)
    row["floor"] = timed([PY, script(FLOOR_BUILD_DISK), data, nt, store], 1, limit=MAX_RSS_MB)
    row["load after floor"] = _loadavg()
    shutil.rmtree(store, ignore_errors=True)
    os.unlink(nt)


def _query_against_bare(
    row: dict[str, object],
    kg: list[str],
    name: str,
    entry: str,
    env: dict[str, str],
    work: str,
    runs: int,
    prefix: str = "",
) -> str:
    """Time ``kgraph query`` on bench/queries/NAME.rq against the bare pyoxigraph script on the
    cache entry's store, both answering on stdout (``-o /dev/null`` would take kgraph off its fast
    path); the script reads the query with kgraph's prefixes written out. Returns that file."""
    path = os.path.join(HERE, "queries", f"{name}.rq")
    full = os.path.join(work, f"{prefix}{name}.rq")
    with open(path) as src, open(full, "w") as dst:
        dst.write(PROLOGUE + src.read())
    row[f"query {name}"] = timed([*kg, "query", path, "-f", "csv"], runs, env)
    row[f"pyoxigraph query {name}"] = timed([PY, script(BARE_QUERY), os.path.join(entry, "oxigraph"), full], runs)
    return full


def _cached_queries(data: str, entry: str, env: dict[str, str], work: str, runs: int, row: dict[str, object]) -> None:
    """The queries on the built cache against a bare pyoxigraph script, and ``path`` against networkx."""
    for name in QUERIES:
        _query_against_bare(row, [*KGRAPH, "--data", data], name, entry, env, work, runs)
    row["path"] = timed(
        [*KGRAPH, "--data", data, "path", "chain-a-end", "chain-b-end", "-f", "json"], runs, env, limit=MAX_RSS_MB
    )
    row["floor path"] = timed(
        [PY, script(FLOOR_PATH), os.path.join(entry, "entities.marshal"), "chain-a-end", "chain-b-end"],
        runs,
        limit=MAX_RSS_MB,
    )
    row["load after"] = _loadavg()


def _loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return handle.read().strip()


def _measure_rss(cmd: list[str], env: dict[str, str] | None) -> tuple[float, int, str]:
    wall, peak, out, _cpu = _measure(cmd, env)
    return wall, peak, out


def _measure(cmd: list[str], env: dict[str, str] | None, limit: int | None = None) -> tuple[float, int, str, float]:
    """Wall time, peak memory (MB), stdout and CPU time (user + system) of one fresh process;
    killed when its resident memory passes ``limit`` MB (read from /proc every 0.2 s)."""
    import threading

    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    killed: list[int] = []

    def watch() -> None:
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status", encoding="ascii") as status:
                    rss = next((int(x.split()[1]) // 1024 for x in status if x.startswith("VmRSS")), 0)
            except (OSError, StopIteration):
                return
            if limit is not None and rss > limit:
                killed.append(rss)
                proc.kill()
                return
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    if limit is not None:
        watcher.start()
    out = proc.stdout.read()  # type: ignore[union-attr]
    err = proc.stderr.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if killed:
        raise RuntimeError(f"{' '.join(cmd)} killed: resident memory {killed[0]} MB passed {limit} MB")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024, out.decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime


FLOOR_BUILD = r"""
import glob, sys, yaml, pyoxigraph
data, nt = sys.argv[1], sys.argv[2]
for name in ("entities.yaml", "relations.yaml", "entities/**/*.yaml", "relations/**/*.yaml"):
    for path in sorted(glob.glob(f"{data}/{name}", recursive=True)):
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
store = pyoxigraph.Store()
store.bulk_load(path=nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
print(len(store))
"""
FLOOR_BUILD_NOGC = "import gc; gc.disable()\n" + FLOOR_BUILD
# The --build points' floor: the same, into an on-disk store (kgraph's cache is one; an
# in-memory store of 29 M triples would not fit beside the other engineers' work).
FLOOR_BUILD_DISK = FLOOR_BUILD.replace("pyoxigraph.Store()", "pyoxigraph.Store(sys.argv[3])")

BARE_QUERY = r"""
import sys, pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as handle:
    text = handle.read()
store.query(text).serialize(sys.stdout.buffer, pyoxigraph.QueryResultsFormat.CSV)
"""
FLOOR_PATH = r"""
import glob, marshal, os, sys, networkx as nx
with open(sys.argv[1], "rb") as handle:
    records = marshal.load(handle)
graph = nx.Graph()
graph.add_nodes_from(records["entities"]["id"])
# The statements are in the entry's edges/ segments (entities.marshal keeps them only when unsplit).
segments = sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "edges", "*.marshal")))
for segment in segments:
    with open(segment, "rb") as handle:
        columns = marshal.load(handle)
    graph.add_edges_from(zip(columns["subject"], columns["object"]))
if not segments:
    graph.add_edges_from(zip(records["statements"]["subject"], records["statements"]["object"]))
print(len(nx.shortest_path(graph, sys.argv[2], sys.argv[3])) - 1)
"""
RDFLIB_PEER = r"""
import json, sys, time
began = time.perf_counter()
import rdflib
graph = rdflib.Graph()
graph.parse(sys.argv[1], format="nt")
times = {"load": time.perf_counter() - began}
for path in sys.argv[3:]:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    began = time.perf_counter()
    rows = list(graph.query(text))
    times[path] = time.perf_counter() - began
began = time.perf_counter()
graph.serialize(sys.argv[2], format="turtle")
times["turtle"] = time.perf_counter() - began
print(json.dumps(times))
"""


def script(code: str) -> str:
    handle, path = tempfile.mkstemp(suffix=".py")
    with os.fdopen(handle, "w") as out:
        out.write(code)
    return path


def jena_classpath() -> str | None:
    """A classpath for Jena's arq from Debian's jars, if java and libapache-jena-java are there."""
    if not shutil.which("java") or not os.path.exists("/usr/share/java/jena-arq.jar"):
        return None
    jars = [
        os.path.join("/usr/share/java", j)
        for j in sorted(os.listdir("/usr/share/java"))
        if j.endswith(".jar") and not any(x in j for x in ("slf4j", "log4j", "logback", "jcl"))
    ]
    return ":".join(jars + ["/usr/share/java/slf4j-api.jar"])


def bench_size(relations: int, runs: int, work: str, results: dict, jena: str | None) -> None:
    data = os.path.join(work, f"data-{relations}")
    if not os.path.exists(os.path.join(data, "relations.yaml")):
        subprocess.run(
            [PY, os.path.join(HERE, "generate.py"), "--relations", str(relations), "--seed", "1", "--out", data],
            check=True,
        )
    cache = os.path.join(work, f"cache-{relations}")
    env = {**os.environ, "KGRAPH_CACHE": cache}
    kg = [*KGRAPH, "--data", data]
    row: dict[str, object] = {}
    results[relations] = row
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    print(f"== {relations} relations", file=sys.stderr)
    row["validate"] = timed([*kg, "validate"], runs, env)
    row["build"] = timed([*kg, "build"], runs, env, before=clear)
    nt = os.path.join(work, f"graph-{relations}.nt")
    subprocess.run([*kg, "export", "-f", "nt", "-o", nt], check=True, env=env, capture_output=True)
    with open(nt, "rb") as lines:
        row["triples"] = sum(1 for _ in lines)
    row["floor build"] = timed([PY, script(FLOOR_BUILD), data, nt], runs)
    row["floor build (gc off)"] = timed([PY, script(FLOOR_BUILD_NOGC), data, nt], runs)
    store = os.path.join(work, f"oxigraph-{relations}")
    shutil.rmtree(store, ignore_errors=True)
    oxigraph = os.path.join(BIN, "oxigraph")
    row["oxigraph load"] = timed([oxigraph, "load", "--location", store, "--file", nt], 1)
    manifest = next(p for p in _walk(cache) if p.endswith("manifest.json"))
    entry = os.path.dirname(manifest)
    full = {}
    for name in QUERIES:
        # To stdout, as the bare script answers and a script would read it (`-o /dev/null` is
        # written by the full CLI, not the fast path: about 130 ms against 57 ms).
        full[name] = _query_against_bare(row, kg, name, entry, env, work, runs)
        # A real file: the CLI refuses /dev/null ("Invalid argument", os error 22).
        row[f"oxigraph query {name}"] = timed(
            [
                oxigraph,
                "query",
                "--location",
                store,
                "--query-file",
                full[name],
                "--results-format",
                "csv",
                "--results-file",
                os.path.join(work, "oxigraph-out.csv"),
            ],
            runs,
        )
        if jena:
            try:
                row[f"jena arq {name}"] = timed(
                    ["java", "-cp", jena, "arq.sparql", "--data", nt, "--query", full[name]], 1
                )
            except RuntimeError as exc:
                causes = [line.strip() for line in str(exc).splitlines() if "Caused by" in line or "Exception" in line]
                row["jena error"] = (causes[-1] if causes else str(exc).splitlines()[0])[:240]
                jena = None
    row["path"] = timed([*kg, "path", "chain-a-end", "chain-b-end", "-f", "json"], runs, env)
    row["floor path"] = timed(
        [PY, script(FLOOR_PATH), os.path.join(entry, "entities.marshal"), "chain-a-end", "chain-b-end"], runs
    )
    row["export turtle"] = timed([*kg, "export", "-f", "turtle", "-o", os.path.join(work, "out.ttl")], runs, env)
    row["export graphml"] = timed([*kg, "export", "-f", "graphml", "-o", os.path.join(work, "out.graphml")], runs, env)
    row["oxigraph dump turtle"] = timed(
        [oxigraph, "dump", "--location", store, "--file", os.path.join(work, "peer.ttl"), "--graph", "default"], runs
    )
    if relations <= 10000 or os.environ.get("BENCH_RDFLIB_100K"):
        _wall, peak, out = _measure_rss(
            [PY, script(RDFLIB_PEER), nt, os.path.join(work, "rdflib.ttl"), *full.values()], None
        )
        times = json.loads(out)
        row["rdflib load"] = {"s": times["load"], "mb": peak, "runs": 1}
        for name in QUERIES:
            row[f"rdflib query {name}"] = {"s": times[full[name]], "mb": peak, "runs": 1}
        row["rdflib turtle"] = {"s": times["turtle"], "mb": peak, "runs": 1}


def _walk(folder: str) -> list[str]:
    return [os.path.join(p, f) for p, _d, files in os.walk(folder) for f in files]


def article(runs: int, work: str, results: dict) -> None:
    """The bundled article: warm-cache query against a bare pyoxigraph script; --help."""
    data = os.path.join(ROOT, "data")
    row: dict[str, object] = {}
    results["article"] = row
    row["--help"] = timed([*KGRAPH, "--help"], runs)
    row["--version"] = timed([*KGRAPH, "--version"], runs)
    if not os.path.exists(os.path.join(data, "relations.yaml")):
        return
    cache = os.path.join(work, "cache-article")
    env = {**os.environ, "KGRAPH_CACHE": cache}
    subprocess.run([*KGRAPH, "--data", data, "build"], check=True, env=env, capture_output=True)
    entry = os.path.dirname(next(p for p in _walk(cache) if p.endswith("manifest.json")))
    for name in ("count_by_type", "date_range"):
        _query_against_bare(row, [*KGRAPH, "--data", data], name, entry, env, work, runs, prefix="article-")
    row["validate"] = timed([*KGRAPH, "--data", data, "validate"], runs, env)
    row["path"] = (
        timed([*KGRAPH, "--data", data, "path", "vladimir-putin", "kim-jong-il"], runs, env)
        if _ok([*KGRAPH, "--data", data, "path", "vladimir-putin", "kim-jong-il"], env)
        else None
    )


def _ok(cmd: list[str], env: dict[str, str]) -> bool:
    return subprocess.run(cmd, env=env, capture_output=True).returncode == 0


def machine() -> dict[str, str]:
    def sh(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

    return {
        "nproc": sh("nproc"),
        "cpu": sh("lscpu | sed -n 's/^Model name: *//p' | head -1"),
        "memory": sh("free -g | awk '/Mem:/{print $2\" GiB\"}'"),
        "load": sh("cat /proc/loadavg"),
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "pyoxigraph": sh(f"{PY} -c 'import pyoxigraph; print(pyoxigraph.__version__)'"),
        "rdflib": sh(f"{PY} -c 'import rdflib; print(rdflib.__version__)'"),
        "pyyaml": sh(f"{PY} -c 'import yaml; print(yaml.__version__, yaml.__with_libyaml__)'"),
    }


def main() -> None:
    global MAX_RSS_MB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (3 at 100k)")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "kgraph-bench"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--json", default=None, help="also write the raw numbers here")
    parser.add_argument("--shared", default="", help="a note on what else ran on the machine")
    parser.add_argument(
        "--edit-loop",
        default="",
        metavar="RELATIONS:SPLIT,...",
        help="issue 15's edit loop, e.g. 100000:5000,100000:0 (0: one file); slow",
    )
    parser.add_argument("--edit-runs", type=int, default=3, help="edits timed per edit loop")
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="--build points: time only the queries and path on the cache an earlier run built",
    )
    parser.add_argument(
        "--max-rss",
        type=int,
        default=MAX_RSS_MB,
        metavar="MB",
        help=f"kill a --build point's process past this resident memory (default {MAX_RSS_MB})",
    )
    parser.add_argument(
        "--build",
        default="",
        metavar="RELATIONS:SPLIT,...",
        help="cold kgraph build against the floor only, e.g. 100000:0,1000000:5000; slow",
    )
    args = parser.parse_args()
    MAX_RSS_MB = args.max_rss
    os.makedirs(args.work, exist_ok=True)
    results: dict = {"machine": machine()}
    jena = jena_classpath()
    # Bytecode as `pip install` leaves it; with PYTHONDONTWRITEBYTECODE set, an editable install
    # would otherwise recompile kgraph's modules on every call (~10 ms).
    subprocess.run([PY, "-m", "compileall", "-q", os.path.join(ROOT, "src", "kgraph")], check=True)
    try:
        for point in filter(None, args.edit_loop.split(",")):
            relations, split = (int(x) for x in point.split(":"))
            edit_loop(relations, split, args.edit_runs, args.work, results)
        for point in filter(None, args.build.split(",")):
            relations, split = (int(x) for x in point.split(":"))
            build_point(relations, split, args.work, results, min(args.runs, 3), args.queries_only)
        if args.sizes:
            article(args.runs, args.work, results)
        for size in [int(s) for s in args.sizes.split(",") if s]:
            bench_size(size, min(args.runs, 3) if size >= 100000 else args.runs, args.work, results, jena)
    finally:
        # Whatever was measured is kept, even when a later step fails: the 1M point takes half an
        # hour, and a failure in its last step once lost every figure before it.
        results["machine"]["load after"] = subprocess.run(
            ["cat", "/proc/loadavg"], capture_output=True, text=True
        ).stdout.strip()
        if args.json:
            with open(args.json, "w") as handle:
                json.dump(results, handle, indent=1)
    from report import render  # bench/report.py

    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(render(results, args.shared, jena is not None))
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
