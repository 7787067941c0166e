"""Plain tables for spreadsheets, Cytoscape and event-data tools.

- ``csv``: two files, ``BASE.nodes.csv`` (one row per entity) and ``BASE.edges.csv`` (one row
  per relation, ``source``/``target`` as Gephi's and Cytoscape's importers expect).
- ``events``: one row per dated relation in the actor-action-actor shape of political event
  data sets (date, source actor, action, target actor, quote, source), in date order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from kgraph.entitygraph import EntityGraph

NODE_COLUMNS = ("id", "label", "type", "aliases", "description")
EDGE_COLUMNS = (
    "source",
    "target",
    "predicate",
    "label",
    "date",
    "earliest",
    "latest",
    "kind",
    "quote",
    "document",
    "statement",
)
EVENT_COLUMNS = (
    "date",
    "source_actor",
    "action",
    "target_actor",
    "quote",
    "source",
    "source_actor_id",
    "target_actor_id",
    "predicate",
    "earliest",
    "latest",
)


def node_rows(eg: EntityGraph) -> Iterator[tuple[str, ...]]:
    for e in sorted(eg.entities.values(), key=lambda e: e.id):
        yield e.id, e.label, e.type, "; ".join(e.shown_aliases), e.description or ""


def edge_rows(eg: EntityGraph) -> Iterator[tuple[str, ...]]:
    for e in eg.edges:
        yield (
            e.subject,
            e.object,
            e.predicate,
            e.predicate_label,
            e.when or "",
            e.earliest or "",
            e.latest or "",
            e.kind,
            e.quote or "",
            e.source or "",
            e.iri,
        )


def event_rows(eg: EntityGraph) -> Iterator[tuple[str, ...]]:
    """Every dated relation, by date, as ``kgraph timeline`` orders them: one known only to have
    ended (``../1979``) has no first day, and comes first, like an open start on a timeline."""

    def label(entity_id: str | None) -> str:
        info = eg.entities.get(entity_id or "")
        return info.label if info else (entity_id or "")

    dated = sorted((e for e in eg.edges if e.when), key=lambda e: e.earliest or "0000-01-01")  # stable
    for e in dated:
        yield (
            e.when or "",
            label(e.subject),
            e.predicate_label,
            label(e.object),
            e.quote or "",
            label(e.source),
            e.subject,
            e.object,
            e.predicate,
            e.earliest or "",
            e.latest or "",
        )


def to_csv(columns: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> bytes:
    """RFC 4180 CSV in UTF-8 with CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_events(eg: EntityGraph, out: IO[bytes]) -> None:
    """The events table (``csv`` writes two files through :func:`write_part`)."""
    out.write(to_csv(EVENT_COLUMNS, event_rows(eg)))


def write_part(eg: EntityGraph, out: IO[bytes], part: str) -> None:
    """One file of the two-file ``csv`` export: ``nodes`` or ``edges``."""
    if part == "nodes":
        out.write(to_csv(NODE_COLUMNS, node_rows(eg)))
    else:
        out.write(to_csv(EDGE_COLUMNS, edge_rows(eg)))
