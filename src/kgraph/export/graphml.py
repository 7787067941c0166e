"""GraphML of the entity graph: one node per entity, one edge per relation, scalar attributes only."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.entitygraph import EntityGraph


def to_networkx(eg: EntityGraph) -> nx.MultiDiGraph[str]:
    """A MultiDiGraph whose attributes are all strings (GraphML has no lists)."""
    import networkx as nx

    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for entity in sorted(eg.entities.values(), key=lambda e: e.id):
        out.add_node(
            entity.id,
            label=entity.label,
            type=entity.type,
            aliases="; ".join(entity.shown_aliases),
            description=entity.description or "",
        )
    for index, edge in enumerate(eg.edges):
        out.add_edge(
            edge.subject,
            edge.object,
            key=f"e{index}",
            predicate=edge.predicate,
            label=edge.predicate_label,
            date=edge.when or "",
            start=edge.earliest or "",
            end=edge.latest or "",
            quote=edge.quote or "",
            source=edge.source or "",
            kind=edge.kind,
            statement=edge.iri,
        )
    return out


def write(eg: EntityGraph, out: IO[bytes]) -> None:
    import networkx as nx

    nx.write_graphml(to_networkx(eg), out, encoding="utf-8", prettyprint=True)
