"""`kgraph push` against the stores' own bulk loaders (issue #15, "Beyond one machine").

Usage: python bench/push.py DATA_DIR [--batch-size N]  (DATA_DIR built first: kgraph --data DATA_DIR build)

In one run, on one machine: Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run()`` through
isql) loads the project's N-Triples file; ``kgraph push --update-endpoint`` sends the same graph to
the same Virtuoso, and ``kgraph push --endpoint`` to an Oxigraph server. Each push is a subprocess
whose peak resident memory is read from ``wait4``. Prints one line per step.
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


def timed_push(data: str, *args: str) -> tuple[float, int, str]:
    """Seconds, peak RSS (MB) and output of ``kgraph push ARGS``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kgraph", "--data", data, "push", *args], stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        text = out.read().decode()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        sys.exit(text)
    return seconds, usage.ru_maxrss // 1024, text.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--batch-size", default="1000")
    args = parser.parse_args()
    from servers import start_oxigraph, start_virtuoso

    load = os.getloadavg()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {os.cpu_count()} CPU(s), "
        f"{platform.processor() or platform.machine()}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    work = Path(tempfile.mkdtemp(prefix="kgraph-push-bench-"))
    try:
        virtuoso = start_virtuoso(work / "virtuoso")
        try:
            nt = work / "virtuoso" / "graph.nt"  # inside the server's folder: its DirsAllowed has "."
            triples = dump(args.data, nt)
            print(f"graph: {triples:,} triples, {nt.stat().st_size / 1e6:,.0f} MB of N-Triples")
            ini = (work / "virtuoso" / "virtuoso.ini").read_text()
            port = next(
                line.split("=")[1].strip()
                for line in ini.splitlines()
                if line.startswith("ServerPort") and "127.0.0.1" in line
            )
            start = time.perf_counter()
            subprocess.run(
                [
                    shutil.which("isql-vt") or "isql-vt",
                    port,
                    "dba",
                    "dba",
                    "exec=ld_dir('.', 'graph.nt', 'https://example.org/bulk'); rdf_loader_run(); checkpoint;",
                ],
                check=True,
                capture_output=True,
                cwd=work / "virtuoso",
            )
            bulk = time.perf_counter() - start
            print(
                f"virtuoso bulk loader (ld_dir + rdf_loader_run + checkpoint)  {bulk:8.1f} s  "
                f"{triples / bulk:9,.0f} triples/s"
            )
            # Not its Graph Store Protocol: a GET of the graph stops at 10,001 triples (the
            # ResultSetMaxRows of its ini), so the read-back after --replace cannot confirm it.
            seconds, rss, said = timed_push(
                args.data,
                "--update-endpoint",
                virtuoso.update,
                "--graph",
                "https://example.org/push",
                "--replace",
                "--batch-size",
                args.batch_size,
                "--timeout",
                "600",
            )
            print(
                f"kgraph push --update-endpoint (virtuoso, batch {args.batch_size})  {seconds:8.1f} s  "
                f"{triples / seconds:9,.0f} triples/s  peak RSS {rss} MB  ({seconds / bulk:.2f}x bulk)  [{said}]"
            )
        finally:
            virtuoso.stop()
        oxigraph = start_oxigraph(work / "oxigraph")
        try:
            seconds, rss, said = timed_push(
                args.data,
                "--endpoint",
                oxigraph.graph_store,
                "--graph",
                "https://example.org/push",
                "--replace",
                "--timeout",
                "600",
            )
            print(
                f"kgraph push --endpoint (oxigraph, one streamed PUT)  {seconds:8.1f} s  "
                f"{triples / seconds:9,.0f} triples/s  peak RSS {rss} MB  [{said}]"
            )
        finally:
            oxigraph.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
