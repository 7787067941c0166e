"""Which relations and entities a path (or a network measure) may use.

A :class:`Filter` keeps or drops each :class:`~kgraph.statement.Statement` (a relation) by predicate,
status and date, and each intermediate entity by id and type. Dates compare as ``xsd:date`` strings
(the days an edge's date can mean, dates.ranges), so ``1961`` covers the whole year.

A time window keeps the relations *certainly* in force in it by default: a relation dated
``2000/`` (it ended, the text does not say when) is not taken to hold in 2015, nor ``1945?`` in
1945. ``possibly`` (``--possibly``) keeps every relation the dates allow, and ``certain`` tells
which of them are only possible, so that paths and timelines can mark them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kgraph.dates import PartialDate, in_force
from kgraph.vocab import STATUSES

if TYPE_CHECKING:
    import networkx as nx

    from kgraph.entitygraph import EntityGraph
    from kgraph.statement import Statement

UNDATED_CHOICES = ("keep", "drop")
#: The statuses a filter keeps unless asked for more: what happened, not what was planned or denied.
ACTUAL = frozenset({"actual"})
ALL_STATUSES = frozenset(STATUSES)


@dataclass(frozen=True)
class Filter:
    """Constraints on the relations and entities a path or measure may use."""

    via: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    avoid: frozenset[str] = frozenset()
    through_types: frozenset[str] = frozenset()
    directed: bool = False
    at: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    undated: str = "keep"
    #: Keep relations possibly in force in the window too, not only those certainly in force.
    possibly: bool = False
    #: The claim statuses used (statement.Statement.status): only actual claims unless asked.
    statuses: frozenset[str] = ACTUAL
    #: Longest path to accept (paths only).
    max_hops: int | None = None
    #: Entities exempt from ``avoid``/``through_types`` (a path's two ends).
    ends: frozenset[str] = field(default=frozenset(), compare=False)
    #: ``through_types`` and their subtypes (the vocabulary's ``parent:``), when given.
    type_closure: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def window(self) -> tuple[str, str] | None:
        """The period a relation must overlap, as inclusive ISO day strings; None for no time filter."""
        if self.at is not None:
            return self.at.earliest.isoformat(), self.at.latest.isoformat()
        if self.start is not None or self.end is not None:
            low = self.start.earliest.isoformat() if self.start else "0000-01-01"
            high = self.end.latest.isoformat() if self.end else "9999-12-31"
            return low, high
        return None

    def keeps_edge(self, edge: Statement) -> bool:
        """Whether the relation passes the status, predicate and time constraints."""
        if edge.status not in self.statuses:
            return False
        if self.via and edge.predicate not in self.via:
            return False
        if edge.predicate in self.exclude:
            return False
        if edge.earliest is None and edge.latest is None:
            return self.undated == "keep"
        window = self.window
        if window is None:
            return True
        # Only a start: in force from then on. Only an end: in force until then.
        days = edge.days
        return days is None or in_force(days, window, self.possibly)

    def certain(self, edge: Statement) -> bool:
        """Whether the relation is certainly in force in the window (always, without a window):
        False marks one that ``possibly`` kept although its dates leave it unsure."""
        window = self.window
        days = edge.days if window is not None else None
        return days is None or window is None or in_force(days, window)

    def keeps_node(self, entity_id: str, entity_type: str) -> bool:
        """Whether a path may pass through the entity (a path's ends always may)."""
        if entity_id in self.ends:
            return True
        if entity_id in self.avoid:
            return False
        return not self.through_types or entity_type in (self.type_closure or self.through_types)

    def describe(self) -> list[str]:
        """The active constraints in the words of the command-line options."""
        out = []
        if self.via:
            out.append("--via " + ",".join(sorted(self.via)))
        if self.exclude:
            out.append("--exclude-predicate " + ",".join(sorted(self.exclude)))
        if self.avoid:
            out.append("--avoid " + ",".join(sorted(self.avoid)))
        if self.through_types:
            out.append("--through-types " + ",".join(sorted(self.through_types)))
        if self.directed:
            out.append("--directed")
        if self.at:
            out.append(f"--at {self.at}")
        if self.start or self.end:
            out.append(f"--from {self.start or '..'} --to {self.end or '..'}")
        if self.undated == "drop":
            out.append("--undated drop")
        if self.possibly and self.window is not None:
            out.append("--possibly")
        if self.statuses != ACTUAL:
            out.append("--status " + status_option(self.statuses))
        return out


def simple_graph(eg: EntityGraph, flt: Filter) -> nx.Graph[str]:
    """A simple (di)graph of the entities ``flt`` allows, joined where some allowed relation joins them.

    Each edge carries ``edges``: the allowed relations between the pair, in either direction
    unless ``flt.directed`` (symmetric relations such as ``met`` go both ways even then), and
    ``weight``: one hop plus a small penalty when its best evidence is weak (see ``evidence_cost``).
    """
    import networkx as nx

    graph: nx.Graph[str] = nx.DiGraph() if flt.directed else nx.Graph()
    for info in eg.entities.values():
        if flt.keeps_node(info.id, info.type):
            graph.add_node(info.id)
    for edge in eg.edges:
        if edge.subject == edge.object or not flt.keeps_edge(edge):
            continue
        if edge.subject not in graph or edge.object not in graph:
            continue
        pairs = [(edge.subject, edge.object)]
        pred = eg.vocabulary.predicates.get(edge.predicate)
        if flt.directed and pred is not None and pred.symmetric:
            pairs.append((edge.object, edge.subject))  # "met" has no direction to respect
        cost = 1.0 + evidence_cost(edge)
        for a, b in pairs:
            if graph.has_edge(a, b):
                data = graph[a][b]
                data["edges"].append(edge)
                data["weight"] = min(data["weight"], cost)
            else:
                graph.add_edge(a, b, edges=[edge], weight=cost)
    return graph


#: Penalties far below one hop: they only order paths of the same length (up to 1,000 hops).
ASSESSMENT_COST, UNDATED_COST = 1e-4, 1e-5


def evidence_cost(edge: Statement) -> float:
    """How much weaker than a dated, reported fact this relation is as evidence for a hop.

    Among paths of equal length, kgraph prefers those resting on reported facts over the
    author's assessments, and dated relations over undated ones.
    """
    return (ASSESSMENT_COST if edge.kind == "assessment" else 0.0) + (
        UNDATED_COST if edge.earliest is None and edge.latest is None else 0.0
    )


def relaxations(flt: Filter) -> list[tuple[str, Filter]]:
    """Each active constraint, lifted on its own: (what lifting it means, the looser filter)."""
    out: list[tuple[str, Filter]] = []
    if flt.undated == "drop":
        out.append(("if undated relations are kept", replace(flt, undated="keep")))
    if flt.window is not None and not flt.possibly:
        out.append(("with relations possibly in force (--possibly)", replace(flt, possibly=True)))
    if flt.at:
        out.append((f"without --at {flt.at}", replace(flt, at=None)))
    if flt.statuses != ALL_STATUSES:
        out.append(
            ("with --status any (claims that did not happen: planned, denied...)", replace(flt, statuses=ALL_STATUSES))
        )
    if flt.start or flt.end:
        out.append(("without --from/--to", replace(flt, start=None, end=None)))
    if flt.via:
        out.append(("without --via", replace(flt, via=frozenset())))
    if flt.exclude:
        out.append(("without --exclude-predicate", replace(flt, exclude=frozenset())))
    if flt.avoid:
        out.append(("without --avoid", replace(flt, avoid=frozenset())))
    if flt.through_types:
        out.append(("without --through-types", replace(flt, through_types=frozenset())))
    if flt.directed:
        out.append(("if relations may be followed both ways (without --directed)", replace(flt, directed=False)))
    return out


def parse_statuses(text: str) -> frozenset[str]:
    """The statuses ``--status`` names: a comma-separated list, or ``any``; ValueError says what is
    wrong, with the closest status."""
    from kgraph.suggest import did_you_mean

    wanted = frozenset(s.strip() for s in text.split(",") if s.strip())
    if wanted == {"any"}:
        return ALL_STATUSES
    for name in sorted(wanted):
        if name not in ALL_STATUSES:
            raise ValueError(
                f"unknown status '{name}'"
                + did_you_mean(name, [*STATUSES, "any"])
                + f"; choose from {', '.join(STATUSES)}, or any"
            )
    if not wanted:
        raise ValueError(f"name a status: {', '.join(STATUSES)}, or any")
    return wanted


def status_option(statuses: frozenset[str]) -> str:
    """``--status`` as the user would write it for ``statuses``."""
    return "any" if statuses == ALL_STATUSES else ",".join(s for s in STATUSES if s in statuses)


def parse_date(text: str) -> PartialDate:
    """A user's date (``1965``, ``1991-09``, ``2000-07-19``); ValueError says what is wrong."""
    return PartialDate.parse(text)
