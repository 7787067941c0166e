"""Shortest paths between entities, each hop with its date and quote."""

from __future__ import annotations

from dataclasses import dataclass

from kgraph.entitygraph import Edge, EntityGraph, EntityInfo
from kgraph.errors import KgraphError, NoPathError


@dataclass(frozen=True)
class Hop:
    """One step of a path: the relation used, and the direction it is walked in."""

    edge: Edge
    forward: bool  # False when the path walks the relation from object to subject


@dataclass(frozen=True)
class Path:
    hops: tuple[Hop, ...]

    @property
    def nodes(self) -> list[str]:
        if not self.hops:
            return []
        first = self.hops[0]
        out = [first.edge.subject if first.forward else first.edge.object]
        for hop in self.hops:
            out.append(hop.edge.object if hop.forward else hop.edge.subject)
        return out


def _best_edge(edges: list[Edge]) -> Edge:
    """Prefer reported facts over the author's assessments, dated over undated, earlier first."""
    return min(edges, key=lambda e: (e.kind != "fact", e.earliest is None, e.earliest or "", e.predicate))


def shortest_path(eg: EntityGraph, source: EntityInfo, target: EntityInfo,
                  max_hops: int | None = None) -> Path:
    """The shortest path from ``source`` to ``target``, ignoring edge direction."""
    import networkx as nx

    if source.id == target.id:
        raise KgraphError(f"'{source.label}' and '{target.label}' are the same entity; "
                          "give two different entities")
    undirected = eg.graph.to_undirected(as_view=True)
    try:
        nodes = nx.shortest_path(undirected, source.id, target.id)
    except nx.NetworkXNoPath:
        raise NoPathError(f"no path between '{source.label}' and '{target.label}': "
                          "they are in separate parts of the graph") from None
    if max_hops is not None and len(nodes) - 1 > max_hops:
        raise NoPathError(f"no path within {max_hops} hop(s) between '{source.label}' and "
                          f"'{target.label}'; the shortest has {len(nodes) - 1}")
    return Path(tuple(_hop(eg, a, b) for a, b in zip(nodes, nodes[1:])))


def _hop(eg: EntityGraph, a: str, b: str) -> Hop:
    forward = [data["edge"] for data in eg.graph.get_edge_data(a, b, default={}).values()]
    backward = [data["edge"] for data in eg.graph.get_edge_data(b, a, default={}).values()]
    best = _best_edge(forward + backward)
    return Hop(best, best.subject == a)


def path_json(eg: EntityGraph, source: EntityInfo, target: EntityInfo, paths: list[Path]) -> dict[str, object]:
    """The documented JSON shape of a path answer."""

    def ref(entity_id: str) -> dict[str, str]:
        info = eg.entities.get(entity_id)
        return {"id": entity_id, "label": info.label if info else entity_id}

    return {
        "from": ref(source.id),
        "to": ref(target.id),
        "paths": [{"hops": [{
            "subject": ref(h.edge.subject),
            "predicate": {"id": h.edge.predicate, "label": h.edge.predicate_label},
            "object": ref(h.edge.object),
            "date": h.edge.when,
            "quote": h.edge.quote,
            "source": h.edge.source,
        } for h in p.hops]} for p in paths],
    }
