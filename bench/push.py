"""`kgraph push` against Virtuoso's own bulk loader (issue #15, "Beyond one machine").

Usage: python bench/push.py DATA_DIR [--insert-data] [--no-oxigraph] [--empty-only] [--buffers PAGES]
(DATA_DIR built first: kgraph --data DATA_DIR build)

In one run, on one machine, each Virtuoso a fresh one (so no load finds the strings of another in
its dictionary):
1. Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run()``, then ``checkpoint``, through isql)
   loads the project's N-Triples file;
2. ``kgraph push --endpoint /sparql-graph-crud --update-endpoint /sparql --replace`` sends the same
   graph into a fresh Virtuoso: Graph Store Protocol batches straight into the empty graph;
3. the same push again into the now full graph: batches into a staging graph, then ``MOVE``;
4. with ``--insert-data``: ``kgraph push --update-endpoint`` (INSERT DATA batches; 20 times slower);
5. ``kgraph push --endpoint`` into an Oxigraph server (one streamed PUT).
Each push is a subprocess: its peak resident memory and CPU time come from ``wait4``; the store's
CPU time from /proc. Prints one line per step.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
GRAPH = "https://example.org/push"


def dump(data: str, out: Path) -> int:
    """The project's graph as N-Triples (what push sends); returns the triple count."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kgraph.project import Project; "
            "from kgraph.export.rdf import write_ntriples; "
            f"write_ntriples(Project({data!r}), open({str(out)!r}, 'wb'))",
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        sys.exit(run.stderr)
    with open(out, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed_push(data: str, *args: str) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds, peak RSS (MB) and last line of stderr of ``kgraph push ARGS``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "--data", data, "push", *args, "--timeout", "3600"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        text = out.read().decode()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(text)
    said = [line for line in text.strip().splitlines() if not line.startswith("pushed")]
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, said[-1] if said else ""


def isql(folder: Path, command: str) -> None:
    ini = (folder / "virtuoso.ini").read_text()
    port = next(
        line.split("=")[1].strip()
        for line in ini.splitlines()
        if line.startswith("ServerPort") and "127.0.0.1" in line and "=" in line
    )
    subprocess.run(
        [shutil.which("isql-vt") or "isql-vt", port, "dba", "dba", f"exec={command}"],
        check=True,
        capture_output=True,
        cwd=folder,
    )


def report(step: str, seconds: float, triples: int, bulk: float | None, server_cpu: float, extra: str = "") -> None:
    ratio = f"  ({seconds / bulk:.2f}x bulk)" if bulk else ""
    print(
        f"{step:<62} {seconds:8.1f} s {triples / seconds:9,.0f} triples/s{ratio}  "
        f"store CPU {server_cpu:6.1f} s  {extra}  [load {load()}]",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--insert-data", action="store_true", help="also time push --update-endpoint alone")
    parser.add_argument("--no-oxigraph", action="store_true", help="leave out the push into Oxigraph")
    parser.add_argument(
        "--empty-only",
        action="store_true",
        help="leave out the second push (staging graph, then MOVE): at a million relations Virtuoso refuses "
        "the MOVE under its default transaction log limit (SR325)",
    )
    parser.add_argument(
        "--buffers",
        type=int,
        default=None,
        metavar="PAGES",
        help="both Virtuosos' NumberOfBuffers (8 KB pages; the package ini has 10,000; 680,000 for 8 GB)",
    )
    args = parser.parse_args()
    from servers import start_oxigraph, start_virtuoso

    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {os.cpu_count()} CPU(s), "
        f"{platform.processor() or platform.machine()}, load average {load()}, "
        f"Virtuoso NumberOfBuffers {args.buffers or 'as the package ini (10,000)'}",
        flush=True,
    )
    # A cache made by other code is rebuilt on first use: build first, so no step times a build.
    subprocess.run([sys.executable, "-m", "kgraph", "--data", args.data, "build"], check=True, capture_output=True)
    work = Path(tempfile.mkdtemp(prefix="kgraph-push-bench-"))
    try:
        bulk_folder = work / "bulk"
        virtuoso = start_virtuoso(bulk_folder, args.buffers)
        try:
            nt = bulk_folder / "graph.nt"  # inside the server's folder: its DirsAllowed has "."
            start = time.perf_counter()
            triples = dump(args.data, nt)
            print(
                f"graph: {triples:,} triples, {nt.stat().st_size / 1e6:,.0f} MB of N-Triples, written in "
                f"{time.perf_counter() - start:.1f} s (the bulk loader starts from this file; push writes it too)",
                flush=True,
            )
            before, start = cpu(virtuoso.process.pid), time.perf_counter()
            isql(bulk_folder, f"ld_dir('.', 'graph.nt', '{GRAPH}'); rdf_loader_run();")
            loaded, loaded_cpu = time.perf_counter() - start, cpu(virtuoso.process.pid) - before
            isql(bulk_folder, "checkpoint;")
            bulk, bulk_cpu = time.perf_counter() - start, cpu(virtuoso.process.pid) - before
            report("virtuoso bulk loader: ld_dir + rdf_loader_run", loaded, triples, None, loaded_cpu)
            report("virtuoso bulk loader: ld_dir + rdf_loader_run + checkpoint", bulk, triples, None, bulk_cpu)
        finally:
            virtuoso.stop()
        virtuoso = start_virtuoso(work / "push", args.buffers)
        try:
            urls = ["--endpoint", virtuoso.graph_store, "--update-endpoint", virtuoso.update]
            steps = ["into the empty graph"] + ([] if args.empty_only else ["again: staging graph, then MOVE"])
            for step in steps:
                before = cpu(virtuoso.process.pid)
                seconds, client, rss, said = timed_push(args.data, *urls, "--graph", GRAPH, "--replace")
                report(
                    f"kgraph push, batches {step}",
                    seconds,
                    triples,
                    bulk,
                    cpu(virtuoso.process.pid) - before,
                    f"push CPU {client:5.1f} s  peak RSS {rss} MB  [{said}]",
                )
            if args.insert_data:
                before = cpu(virtuoso.process.pid)
                seconds, client, rss, said = timed_push(
                    args.data, "--update-endpoint", virtuoso.update, "--graph", GRAPH + "/i", "--replace"
                )
                report(
                    "kgraph push --update-endpoint (INSERT DATA, 1000 a request)",
                    seconds,
                    triples,
                    bulk,
                    cpu(virtuoso.process.pid) - before,
                    f"push CPU {client:5.1f} s  peak RSS {rss} MB",
                )
        finally:
            virtuoso.stop()
        if args.no_oxigraph:
            return
        oxigraph = start_oxigraph(work / "oxigraph")
        try:
            before = cpu(oxigraph.process.pid)
            seconds, client, rss, said = timed_push(
                args.data, "--endpoint", oxigraph.graph_store, "--graph", GRAPH, "--replace"
            )
            report(
                "kgraph push --endpoint (oxigraph, one streamed PUT)",
                seconds,
                triples,
                None,
                cpu(oxigraph.process.pid) - before,
                f"push CPU {client:5.1f} s  peak RSS {rss} MB",
            )
        finally:
            oxigraph.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
