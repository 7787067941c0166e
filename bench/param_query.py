"""``kgraph query NAME --param K=V`` on a warm cache against a bare pyoxigraph script, same run.

Not part of the test suite. Both are run as fresh processes, interleaved (so that both meet the
same load), ``--runs`` times each; the medians and minima are printed with the machine and date.
``--kgraph`` may name another installation's console script (a before/after comparison).

    python bench/param_query.py --runs 20
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
#: What a user would write without kgraph: open the store, bind the actor, write CSV.
BARE = r"""
import csv, sys
import pyoxigraph
store = pyoxigraph.Store.read_only(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
text = text.replace("WHERE {", "WHERE { VALUES ?actor { <%s> }" % sys.argv[3], 1)
prefixes = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "kg": "https://w3id.org/kgraph/ontology#"}
answer = store.query(text, prefixes=prefixes)
out = csv.writer(sys.stdout, lineterminator="\r\n")
names = [v.value for v in answer.variables]
out.writerow(names)
for row in answer:
    out.writerow(["" if row[n] is None else row[n].value for n in names])
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--kgraph", default=os.path.join(os.path.dirname(sys.executable), "kgraph"))
    parser.add_argument("--actor", default="north-korea")
    args = parser.parse_args()
    data = os.path.join(ROOT, "data")
    cache = tempfile.mkdtemp(prefix="kgraph-param-bench-")
    env = {**os.environ, "KGRAPH_CACHE": cache}
    env.pop("KGRAPH_NO_FASTPATH", None)
    # Byte-compiled first, as an installed package is (PYTHONDONTWRITEBYTECODE would otherwise
    # leave each run compiling kgraph from source, about 100 ms).
    subprocess.run(
        [os.path.join(os.path.dirname(args.kgraph), "python"), "-m", "compileall", "-q", os.path.join(ROOT, "src")],
        check=False,
        capture_output=True,
    )
    subprocess.run([args.kgraph, "--data", data, "build"], check=True, env=env, capture_output=True)
    store = next(os.path.join(p, d) for p, dirs, _f in os.walk(cache) for d in dirs if d == "oxigraph")
    bare = os.path.join(cache, "bare.py")
    with open(bare, "w", encoding="utf-8") as handle:
        handle.write(BARE)
    query = os.path.join(ROOT, "queries", "relations-of.rq")
    kgraph = [args.kgraph, "--data", data, "query", "relations-of", "--param", f"actor={args.actor}", "-f", "csv"]
    typer = {**env, "KGRAPH_NO_FASTPATH": "1"}
    pure = [sys.executable, bare, store, query, f"https://w3id.org/kgraph/resource/{args.actor}"]
    times: dict[str, list[float]] = {"kgraph (fast path)": [], "kgraph (Typer path)": [], "bare pyoxigraph": []}
    for _ in range(args.runs):
        times["kgraph (fast path)"].append(timed(kgraph, env))
        times["kgraph (Typer path)"].append(timed(kgraph, typer))
        times["bare pyoxigraph"].append(timed(pure, env))
    cpu = subprocess.run(
        "lscpu | sed -n 's/^Model name: *//p' | head -1", shell=True, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU(s), {cpu}, "
        f"Python {platform.python_version()}, load {Path('/proc/loadavg').read_text().split()[:3]}"
    )
    print(f"{' '.join(kgraph[3:])}: {args.runs} runs each, interleaved")
    for name, found in times.items():
        print(f"  {name:<22} median {statistics.median(found) * 1000:6.1f} ms   min {min(found) * 1000:6.1f} ms")
    floor = statistics.median(times["bare pyoxigraph"])
    print(f"  ratio (fast path / bare) {statistics.median(times['kgraph (fast path)']) / floor:.2f}")


if __name__ == "__main__":
    main()
