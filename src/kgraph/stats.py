"""``kgraph stats``: how many entities of each class and relations of each predicate."""

from __future__ import annotations

from collections import Counter

from kgraph.model import Dataset
from kgraph.rows import Column, Rows


def count_rows(dataset: Dataset) -> list[Rows]:
    """Entities by class, then relations by predicate, most first (ties by name); a table adds totals."""
    parts = []
    for kind, names in (
        ("class", [e.type for e in dataset.entities.values()]),
        ("predicate", [r.predicate for r in dataset.relations]),
    ):
        counts = sorted(Counter(names).items(), key=lambda kv: (-kv[1], kv[0]))
        parts.append(
            Rows(
                (Column("name", kind), Column("count")),
                [list(kv) for kv in counts],
                kind=kind,
                footer=("total", len(names)),
            )
        )
    return parts
