"""The network around and across actors: ego networks, timelines, and rankings by centrality."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kgraph.entitygraph import EntityGraph, EntityInfo
from kgraph.errors import KgraphError
from kgraph.pathfilters import Filter, simple_graph
from kgraph.rows import Rows, columns, data_only, table_only
from kgraph.statement import Statement

if TYPE_CHECKING:
    import networkx as nx

METRICS = ("degree", "betweenness", "closeness", "pagerank")

#: Above this many entities, betweenness and closeness are estimated from this many sampled sources.
SAMPLE_ABOVE = 2000
SAMPLES = 200


@dataclass(frozen=True)
class Ego:
    """An entity, the entities within ``depth`` relations of it, and the relations among them."""

    center: EntityInfo
    depth: int
    distances: dict[str, int]
    edges: list[Statement]


def neighbors(eg: EntityGraph, center: EntityInfo, depth: int = 1, flt: Filter | None = None) -> Ego:
    """The ego network of ``center``: who is within ``depth`` relations, and through what."""
    import networkx as nx

    if depth < 1:
        raise KgraphError("--depth must be at least 1")
    flt = replace(flt or Filter(), ends=frozenset((center.id,)))
    graph = simple_graph(eg, flt)
    distances = dict(
        nx.single_source_shortest_path_length(
            graph.to_undirected(as_view=True) if flt.directed else graph, center.id, cutoff=depth
        )
    )
    edges = [
        e
        for e in eg.edges
        if e.subject in distances and e.object in distances and e.subject != e.object and flt.keeps_edge(e)
    ]
    return Ego(center, depth, distances, edges)


@dataclass(frozen=True)
class Moment:
    """One dated line of a timeline: a relation, or an entity with its own date (an event, a treaty)."""

    earliest: str
    when: str
    edge: Statement | None = None
    entity: EntityInfo | None = None
    #: With a time window, whether the relation is ``certainly`` or only ``possibly`` (kept by
    #: ``--possibly``) in force in it; None without a window, or for an entity.
    in_force: str | None = None

    @property
    def doubts(self) -> tuple[str, ...]:
        """What leaves its date unsure (``approximate``, ``end unknown``...: dates.doubts)."""
        from kgraph.dates import doubts

        return doubts(self.when)

    @property
    def marks(self) -> str:
        """The doubts and a relation only possibly in force, as a table shows them after the date."""
        said = [*self.doubts, *(["possibly in force"] if self.in_force == "possibly" else [])]
        return f" ({', '.join(said)})" if said else ""


def timeline(eg: EntityGraph, entity: EntityInfo | None = None, flt: Filter | None = None) -> list[Moment]:
    """Dated relations (and dated entities) in date order, for one entity or for all."""
    flt = replace(flt or Filter(), undated="drop")
    out: list[Moment] = []
    for edge in eg.edges:
        if entity is not None and entity.id not in (edge.subject, edge.object):
            continue
        if flt.keeps_edge(edge) and edge.when:
            in_force = None if flt.window is None else "certainly" if flt.certain(edge) else "possibly"
            out.append(Moment(edge.earliest or "0000-01-01", edge.when, edge=edge, in_force=in_force))
    window = flt.window
    for info in eg.entities.values():
        if info.when is None or eg.vocabulary.is_publication(info.type):
            continue
        if entity is not None and info.id != entity.id:
            continue
        if window is not None and info.earliest is not None and not window[0] <= info.earliest <= window[1]:
            continue
        out.append(Moment(info.earliest or "0000-01-01", info.when, entity=info))
    out.sort(
        key=lambda m: (
            m.earliest,
            m.entity is None,
            m.when,
            m.edge.subject if m.edge else "",
            m.edge.predicate if m.edge else "",
            m.edge.object if m.edge else m.entity.id if m.entity else "",
        )
    )
    return out


@dataclass(frozen=True)
class Ranking:
    """Entities by a network measure, highest first."""

    metric: str
    rows: list[tuple[EntityInfo, float]]
    nodes: int
    links: int
    #: Number of sampled sources when the measure was estimated, else None.
    sampled: int | None = None


def rank(
    eg: EntityGraph,
    metric: str = "degree",
    types: frozenset[str] = frozenset(),
    flt: Filter | None = None,
    top: int | None = None,
    seed: int = 0,
) -> Ranking:
    """Rank entities by ``metric`` on the undirected entity graph of the relations ``flt`` keeps.

    The measure is computed on every entity (treaties and events join their parties), then
    only entities of ``types`` are listed. Entities without any kept relation are left out.
    ``degree`` counts distinct neighbours; the others are networkx's normalised scores.
    """
    import networkx as nx

    if metric not in METRICS:
        raise KgraphError(f"unknown metric '{metric}': choose one of {', '.join(METRICS)}")
    graph = simple_graph(eg, replace(flt or Filter(), directed=False))
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    sampled = None
    if metric == "degree":
        scores: dict[str, float] = {n: float(d) for n, d in graph.degree()}
    elif metric == "betweenness":
        if graph.number_of_nodes() > SAMPLE_ABOVE:
            sampled = min(SAMPLES, graph.number_of_nodes())
            scores = nx.betweenness_centrality(graph, k=sampled, seed=seed)
        else:
            scores = nx.betweenness_centrality(graph)
    elif metric == "closeness":
        scores, sampled = _closeness(graph, seed)
    else:
        scores = _pagerank(graph)
    rows = [
        (eg.entities[n], s)
        for n, s in scores.items()
        if n in eg.entities and (not types or eg.entities[n].type in types)
    ]
    rows.sort(key=lambda r: (-r[1], r[0].label.casefold(), r[0].id))
    return Ranking(metric, rows[:top] if top else rows, graph.number_of_nodes(), graph.number_of_edges(), sampled)


def _closeness(graph: nx.Graph[str], seed: int) -> tuple[dict[str, float], int | None]:
    """Closeness with the Wasserman-Faust correction for disconnected graphs (as networkx).

    Exact below SAMPLE_ABOVE entities; above, the mean distance to a node is estimated from
    breadth-first searches out of sampled sources in its component (distances are symmetric).
    """
    import networkx as nx

    total = graph.number_of_nodes()
    if total <= SAMPLE_ABOVE:
        return dict(nx.closeness_centrality(graph)), None
    rng = random.Random(seed)
    scores: dict[str, float] = {}
    sampled = 0
    for component in nx.connected_components(graph):
        size = len(component)
        if size == 1:
            scores.update(dict.fromkeys(component, 0.0))
            continue
        members = sorted(component)
        count = min(size, max(2, round(SAMPLES * size / total)))
        sampled += count
        sums = dict.fromkeys(members, 0)
        hits = dict.fromkeys(members, 0)
        for pivot in rng.sample(members, count):
            for node, dist in nx.single_source_shortest_path_length(graph, pivot).items():
                if node != pivot:
                    sums[node] += dist
                    hits[node] += 1
        for node in members:
            mean = sums[node] / hits[node] if hits[node] else 0.0
            scores[node] = (size - 1) / (total - 1) / mean if mean else 0.0
    return scores, sampled


def _pagerank(graph: nx.Graph[str], alpha: float = 0.85, tol: float = 1e-10, rounds: int = 200) -> dict[str, float]:
    """PageRank by power iteration (networkx's own needs numpy and scipy, which kgraph does not)."""
    nodes = list(graph)
    if not nodes:
        return {}
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    degree = {v: graph.degree(v) for v in nodes}
    for _ in range(rounds):
        dangling = alpha * sum(rank[v] for v in nodes if degree[v] == 0) / n
        new = {}
        for v in nodes:
            new[v] = (1 - alpha) / n + dangling + alpha * sum(rank[u] / degree[u] for u in graph[v])
        change = sum(abs(new[v] - rank[v]) for v in nodes)
        rank = new
        if change < n * tol:
            break
    return rank


# --- rows for kgraph neighbors, timeline and rank (rendered by the CLI as a table, JSON, CSV, TSV) ---


def label_of(eg: EntityGraph, entity_id: str) -> str:
    info = eg.entities.get(entity_id)
    return info.label if info else entity_id


def quoted(edge: Statement) -> str:
    """A relation's quote as a table shows it: in quotation marks, an assessment or a claim that did
    not happen (planned, denied...) marked so."""
    text = f"\u201c{edge.quote}\u201d" if edge.quote else ""
    return (
        text
        + (" [assessment]" if edge.kind == "assessment" else "")
        + (f" [{edge.status}]" if edge.status != "actual" else "")
    )


#: What a program gets of a relation: ids to join on, labels to read, the evidence.
RELATION_DATA = data_only(
    "subject",
    "subject_label",
    "predicate",
    "predicate_label",
    "object",
    "object_label",
    "kind",
    "status",
    "quote",
    "source",
    "statement",
)


def relation_data(eg: EntityGraph, e: Statement) -> list[object]:
    return [
        e.subject,
        label_of(eg, e.subject),
        e.predicate,
        e.predicate_label,
        e.object,
        label_of(eg, e.object),
        e.kind,
        e.status,
        e.quote,
        e.source,
        e.iri,
    ]


def ego_rows(eg: EntityGraph, ego: Ego) -> list[Rows]:
    """An ego network in two parts: the entities by distance, then the relations among them."""
    order = sorted(ego.distances, key=lambda i: (ego.distances[i], label_of(eg, i).casefold()))
    people = Rows(
        columns("distance", "label", "type", "id", headings={"label": "entity"}),
        ([ego.distances[i], eg.entities[i].label, eg.entities[i].type, i] for i in order),
        title=f"Within {ego.depth} of {ego.center.label}",
        kind="entity",
    )
    shown = table_only("date", "subject", "predicate", "object", "quote", "source")
    relations = Rows(
        shown + data_only("date") + RELATION_DATA,
        (
            [
                e.when or "undated",
                label_of(eg, e.subject),
                e.predicate_label,
                label_of(eg, e.object),
                quoted(e),
                e.source or "",
                e.when,
                *relation_data(eg, e),
            ]
            for e in ego.edges
        ),
        title="Relations",
        kind="relation",
        lines=True,
    )
    return [people, relations]


def timeline_rows(eg: EntityGraph, moments: list[Moment]) -> Rows:
    """A timeline: what happened when, with its quote (a dated entity: its description). A date
    the text leaves unsure, or a relation only possibly in force in the window asked, is marked
    after the date in the table (``1896~ (approximate)``) and in ``date_doubt``/``in_force`` for
    programs."""
    shown = (*table_only("date"), *data_only("date"), *columns("what"), *table_only("quote", "source"))
    data = data_only("entity", "type", "description", "date_doubt", "in_force")

    def row(m: Moment) -> list[object]:
        marked = [m.when + m.marks, m.when]
        doubt = ", ".join(m.doubts) or None
        if m.edge is not None:
            e = m.edge
            what = f"{label_of(eg, e.subject)} {e.predicate_label} {label_of(eg, e.object)}"
            return [
                *marked,
                what,
                quoted(e),
                e.source or "",
                *relation_data(eg, e),
                None,
                None,
                None,
                doubt,
                m.in_force,
            ]
        info = m.entity
        assert info is not None
        return [
            *marked,
            f"{info.label} ({info.type})",
            info.description or "",
            "",
            *[None] * len(RELATION_DATA),
            info.id,
            info.type,
            info.description,
            doubt,
            None,
        ]

    return Rows(shown + RELATION_DATA + data, (row(m) for m in moments), lines=True, empty="No dated relations.")


def ranking_rows(ranking: Ranking) -> Rows:
    """Entities by the measure, highest first; the degree as a whole number."""
    degree = ranking.metric == "degree"
    return Rows(
        columns(
            "rank", "id", "label", "type", ranking.metric, data_only=("id",), headings={"rank": "#", "label": "entity"}
        ),
        (
            [n, info.id, info.label, info.type, int(score) if degree else score]
            for n, (info, score) in enumerate(ranking.rows, 1)
        ),
        title=f"{ranking.metric} on {ranking.nodes} entities, {ranking.links} links",
    )
