"""Time `path` and `rank` on a synthetic entity graph of 100,000 relations.

Builds an EntityGraph directly (no YAML, no RDF): 20,000 entities of the article's types and
random relations with preferential attachment (a few hubs, like states in the article), 80 %
dated (half points, half intervals), 20 % undated. Run:

    .venv/bin/python bench/quick_graph.py [--relations 100000] [--entities 20000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kgraph.dates import PartialDate
from kgraph.entitygraph import EntityGraph, EntityInfo
from kgraph.errors import NoPathError
from kgraph.network import rank
from kgraph.pathfilters import Filter
from kgraph.paths import find_paths
from kgraph.statement import Statement, bounds
from kgraph.vocabulary import packaged

POLITICS = packaged("politics")
PREDICATES = POLITICS.predicates

T = TypeVar("T")
TYPES = ["State", "Person", "Organization", "Treaty", "Event", "Place", "Project"]


def build(entities: int, relations: int, seed: int = 1) -> EntityGraph:
    rng = random.Random(seed)
    infos = {f"e{i}": EntityInfo(f"e{i}", f"Entity {i}", TYPES[i % len(TYPES)]) for i in range(entities)}
    ids = list(infos)
    targets: list[str] = ids[:50]  # preferential attachment: endpoints are drawn from past endpoints
    predicates = list(PREDICATES)
    edges = []
    for n in range(relations):
        a = rng.choice(targets) if rng.random() < 0.5 else rng.choice(ids)
        b = rng.choice(ids)
        if a == b:
            b = ids[(ids.index(b) + 1) % entities]
        targets += (a, b)
        year = rng.randint(1884, 2018)
        kind = rng.random()
        date = start = end = None
        if kind < 0.4:
            date = PartialDate(year)
        elif kind < 0.8:
            start, end = PartialDate(year), PartialDate(min(2018, year + rng.randint(0, 40)))
        edges.append(
            Statement(
                f"s{n}",
                a,
                rng.choice(predicates),
                b,
                "rel",
                "q",
                "q",
                date,
                start,
                end,
                *bounds(date, start, end),
                "fact",
                "actual",
                "source",
            )
        )
    return EntityGraph(infos, edges, POLITICS)


def timed(label: str, func: Callable[[], T]) -> T | None:
    start = time.perf_counter()
    try:
        result: T | None = func()
        note = ""
    except NoPathError as exc:  # the diagnosis is part of what is timed
        result, note = None, f"\n{'':<52} (no path: {exc})"
    print(f"{label:<52} {time.perf_counter() - start:8.2f} s{note}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=20_000)
    args = parser.parse_args()
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if os.path.exists("/proc/cpuinfo")
        else platform.processor()
    )
    print(f"{datetime.date.today()}  {os.cpu_count()} CPU(s), {cpu}, Python {platform.python_version()}")
    eg = timed(
        f"build EntityGraph ({args.entities} entities, {args.relations} relations)",
        lambda: build(args.entities, args.relations),
    )
    a, b = eg.entities["e17"], eg.entities["e19999" if args.entities > 19999 else "e1"]
    found = timed("path: shortest", lambda: find_paths(eg, a, b))
    print(f"{'':<52} ({len(found[0].hops) if found else '-'} hops)")
    timed("path --k 3", lambda: find_paths(eg, a, b, k=3))
    timed("path --all-shortest", lambda: find_paths(eg, a, b, all_shortest=True))
    timed("path --at 1965 --undated drop", lambda: find_paths(eg, a, b, Filter(at=PartialDate(1965), undated="drop")))
    timed(
        "path --through-types State,Person --directed",
        lambda: find_paths(eg, a, b, Filter(through_types=frozenset({"State", "Person"}), directed=True)),
    )
    for metric in ("degree", "pagerank", "betweenness", "closeness"):
        result = timed(f"rank --metric {metric}", lambda metric=metric: rank(eg, metric, top=10))
        if result and result.sampled:
            print(f"{'':<52} (estimated from {result.sampled} sampled sources)")
    timed("rank --metric betweenness --at 1965", lambda: rank(eg, "betweenness", flt=Filter(at=PartialDate(1965))))


if __name__ == "__main__":
    main()
