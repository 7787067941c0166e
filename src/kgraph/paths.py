"""Shortest paths between entities, each hop with its date and quote."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING

from kgraph.entitygraph import EntityGraph, EntityInfo
from kgraph.errors import KgraphError, NoPathError
from kgraph.pathfilters import Filter, relaxations, simple_graph
from kgraph.statement import Statement

if TYPE_CHECKING:
    import networkx as nx

#: The most paths one search returns (``--k``): each further path costs a search of its own.
MAX_PATHS = 100


@dataclass(frozen=True)
class Hop:
    """One step of a path: the relation used, and the direction it is walked in."""

    edge: Statement
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


def _best_edge(edges: list[Statement]) -> Statement:
    """Prefer actual claims (under --status), reported facts over the author's assessments, dated over
    undated, earlier first."""
    return min(
        edges, key=lambda e: (e.status != "actual", e.kind != "fact", e.earliest is None, e.earliest or "", e.predicate)
    )


def find_paths(
    eg: EntityGraph,
    source: EntityInfo,
    target: EntityInfo,
    flt: Filter | None = None,
    k: int = 1,
    all_shortest: bool = False,
) -> list[Path]:
    """Paths from ``source`` to ``target`` under ``flt``: the ``k`` shortest simple paths, shortest
    first, or every path of the minimum length. Raises NoPathError saying which constraint
    removed the last connection.
    """
    import networkx as nx

    if source.id == target.id:
        raise KgraphError(f"'{source.label}' and '{target.label}' are the same entity; give two different entities")
    if not 1 <= k <= MAX_PATHS:
        raise KgraphError(f"ask for 1 to {MAX_PATHS} paths, not {k}")
    flt = replace(flt or Filter(), ends=frozenset((source.id, target.id)))
    graph = simple_graph(eg, flt)
    try:
        if all_shortest:
            found = sorted(
                nx.all_shortest_paths(graph, source.id, target.id),
                key=lambda nodes: (_weight(graph, nodes), [_sort_key(eg, n) for n in nodes]),
            )
        elif k == 1:  # hop count first, then the strongest evidence (see pathfilters.evidence_cost)
            found = [nx.shortest_path(graph, source.id, target.id, weight="weight")]
        else:
            found = []
            for nodes in nx.shortest_simple_paths(graph, source.id, target.id, weight="weight"):
                if flt.max_hops is not None and len(nodes) - 1 > flt.max_hops or len(found) >= k:
                    break
                found.append(nodes)
    except nx.NetworkXNoPath:
        found = []
    found = [nodes for nodes in found if flt.max_hops is None or len(nodes) - 1 <= flt.max_hops]
    if not found:
        raise NoPathError(_why_not(eg, source, target, flt, graph))
    return [Path(tuple(_hop(graph, a, b) for a, b in zip(nodes, nodes[1:]))) for nodes in found]


def _weight(graph: nx.Graph[str], nodes: list[str]) -> float:
    return float(sum(graph[a][b]["weight"] for a, b in zip(nodes, nodes[1:])))


def _sort_key(eg: EntityGraph, entity_id: str) -> str:
    info = eg.entities.get(entity_id)
    return (info.label if info else entity_id).casefold()


def _distance(eg: EntityGraph, source: str, target: str, flt: Filter) -> int | None:
    import networkx as nx

    try:
        return int(nx.shortest_path_length(simple_graph(eg, flt), source, target))
    except nx.NetworkXNoPath:
        return None


def _why_not(eg: EntityGraph, source: EntityInfo, target: EntityInfo, flt: Filter, graph: nx.Graph[str]) -> str:
    """Which constraint removed the last connection, in the words of the options."""
    import networkx as nx

    between = f"between '{source.label}' and '{target.label}'"
    constraints = flt.describe()
    try:
        shortest: int | None = int(nx.shortest_path_length(graph, source.id, target.id))
    except nx.NetworkXNoPath:
        shortest = None
    if shortest is not None:  # only --max-hops stands in the way
        return f"no path within {flt.max_hops} hop(s) {between}; the shortest has {shortest}"
    if not constraints:
        return f"no path {between}: they are in separate parts of the graph"
    loose = replace(flt, max_hops=None)
    options = []
    for words, looser in relaxations(loose):
        hops = _distance(eg, source.id, target.id, looser)
        if hops is not None:
            options.append(f"connected {words} (shortest: {hops} hop(s))")
    head = f"no path {between} with {' '.join(constraints)}"
    if options:
        return f"{head}; " + "; ".join(options)
    free = Filter(ends=flt.ends)
    hops = _distance(eg, source.id, target.id, free)
    if hops is None:
        return f"{head}; they are in separate parts of the graph even without constraints"
    return f"{head}; no single constraint is to blame: lifting all of them connects them in {hops} hop(s)"


def _hop(graph: nx.Graph[str], a: str, b: str) -> Hop:
    best = _best_edge(graph[a][b]["edges"])
    return Hop(best, best.subject == a)


def relation_json(eg: EntityGraph, edge: Statement, flt: Filter | None = None) -> dict[str, object]:
    """One relation with its evidence, as path hops and other JSON answers show it; under a time
    window (``flt``), ``in_force`` says whether it is certainly or only possibly in force then."""
    out: dict[str, object] = {
        "subject": _ref(eg, edge.subject),
        "predicate": {"id": edge.predicate, "label": edge.predicate_label},
        "object": _ref(eg, edge.object),
        "date": edge.when,
        "quote": edge.quote,
        "source": edge.source,
        "status": edge.status,
    }
    if flt is not None and flt.window is not None:
        out["in_force"] = "certainly" if flt.certain(edge) else "possibly"
    return out


def _ref(eg: EntityGraph, entity_id: str) -> dict[str, str]:
    info = eg.entities.get(entity_id)
    return {"id": entity_id, "label": info.label if info else entity_id}


def path_json(
    eg: EntityGraph, source: EntityInfo, target: EntityInfo, paths: list[Path], flt: Filter | None = None
) -> dict[str, object]:
    """The documented JSON shape of a path answer: one entry per path, each with its hops."""
    return {
        "from": _ref(eg, source.id),
        "to": _ref(eg, target.id),
        "paths": [{"hops": [relation_json(eg, h.edge, flt) for h in p.hops]} for p in paths],
    }


def write_json(document: dict[str, object], out: IO[bytes]) -> None:
    """The registry's ``json`` writer for paths: :func:`path_json`'s document, indented."""
    import json

    out.write((json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
