"""Pictures of (parts of) the entity graph: Graphviz DOT, Mermaid, SVG/PNG through Graphviz, and a
self-contained interactive explorer (HTML with Cytoscape.js vendored into the package, no network).

Relations between the same two entities are drawn as one bundled edge per pair and direction (one
per pair for symmetric predicates such as ``met``): thirty parallel arrows with thirty labels cannot
be read, one arrow saying "cooperated with ×12 (1991–2017)" can.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from kgraph.entitygraph import EntityGraph, EntityInfo
from kgraph.errors import KgraphError, ToolMissingError
from kgraph.statement import Statement

if TYPE_CHECKING:
    from kgraph.network import Ego
    from kgraph.pathfilters import Filter
    from kgraph.paths import Path
    from kgraph.vocabulary import Vocabulary

#: Fill colours for entity types: light hues that keep dark text readable (contrast 11:1 or
#: more) and tell each other apart. A vocabulary's types take them in the order it declares them
#: (core's and politics' nine first: each its own hue), so the same vocabulary colours a type the
#: same in every picture, and adding a type never recolours the others.
PALETTE = (
    "#e6ccb2",  # tan
    "#f9e79f",  # yellow
    "#f5b7b1",  # pink
    "#d2b4de",  # lilac
    "#f4b183",  # orange
    "#d5dbdb",  # grey
    "#9ecae9",  # blue
    "#a3e4d7",  # teal
    "#c5e1a5",  # green
    "#aed6f1",
    "#f5cba7",
    "#a9dfbf",
    "#f7dc6f",
    "#e6b0aa",
    "#e5e7e9",
    "#fad7a0",
)


def type_colours(vocabulary: Vocabulary) -> dict[str, str]:
    """The fill colour of each type of ``vocabulary``, by declaration order."""
    return {name: PALETTE[number % len(PALETTE)] for number, name in enumerate(vocabulary.types)}


def colour(type_name: str, colours: dict[str, str] | None = None) -> str:
    """The fill colour of a type: from ``colours`` (``type_colours``), else from a hash of its
    name, so a type no vocabulary declares still gets one, stable across runs and hash seeds."""
    if colours and type_name in colours:
        return colours[type_name]
    import hashlib

    digest = hashlib.sha256(type_name.encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def legend(pic: Picture) -> dict[str, str]:
    """The colour of each type drawn, by type name."""
    return {t: colour(t, pic.colours) for t in sorted({info.type for info in pic.entities})}


ENGINES = ("auto", "dot", "neato", "sfdp", "fdp", "circo", "twopi")
#: Above this many entities a layered (``dot``) layout turns into a long unreadable band; a
#: force-directed one (``neato``, then ``sfdp`` for the largest) keeps the picture near square.
#: How ``--group`` may gather entities into boxes (Graphviz clusters).
GROUPS = ("type", "community")
#: The layouts that draw clusters; the others ignore them.
CLUSTER_ENGINES = ("dot", "fdp")
NEATO_ABOVE = 40
SFDP_ABOVE = 150
#: A bundle lists at most this many predicates in its label; the tooltip has them all.
LABEL_PREDICATES = 4
INSTALL_HINT = (
    "Graphviz is not installed (the 'dot' program is needed for SVG and PNG): "
    "install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), "
    "'brew install graphviz' (macOS) or from https://graphviz.org/download/; "
    "an HTML picture (-o FILE.html) needs no Graphviz"
)


@dataclass(frozen=True)
class Picture:
    """What to draw: entities, the relations between them, a title, and which predicates are
    symmetric (drawn without arrowheads)."""

    title: str
    entities: list[EntityInfo]
    edges: list[Statement]
    symmetric: frozenset[str] = field(default=frozenset())
    colours: dict[str, str] = field(default_factory=dict)


def symmetric_predicates(eg: EntityGraph) -> frozenset[str]:
    """The predicates the project's vocabulary calls symmetric ("met"): the one place pictures ask."""
    predicates = eg.vocabulary.predicates
    return frozenset(p for p in {e.predicate for e in eg.edges} if p in predicates and predicates[p].symmetric)


def of_paths(eg: EntityGraph, paths: list[Path], title: str) -> Picture:
    """The entities and relations of one or more paths."""
    ids: dict[str, None] = {}
    edges: dict[Statement, None] = {}
    for path in paths:
        ids.update(dict.fromkeys(path.nodes))
        edges.update(dict.fromkeys(h.edge for h in path.hops))
    return Picture(
        title, [eg.entities[i] for i in ids], list(edges), symmetric_predicates(eg), type_colours(eg.vocabulary)
    )


def of_ego(eg: EntityGraph, ego: Ego, title: str | None = None) -> Picture:
    """An ego network, nearest entities first."""
    order = sorted(ego.distances, key=lambda i: (ego.distances[i], eg.entities[i].label.casefold()))
    return Picture(
        title or f"{ego.center.label}: depth {ego.depth}",
        [eg.entities[i] for i in order],
        ego.edges,
        symmetric_predicates(eg),
        type_colours(eg.vocabulary),
    )


def of_graph(eg: EntityGraph, flt: Filter | None = None, title: str = "kgraph") -> Picture:
    """Every relation ``flt`` keeps, and the entities taking part in them."""
    edges = [e for e in eg.edges if e.subject != e.object and (flt is None or flt.keeps_edge(e))]
    used = {e.subject for e in edges} | {e.object for e in edges}
    entities = [e for e in eg.entities.values() if e.id in used]
    return Picture(title, entities, edges, symmetric_predicates(eg), type_colours(eg.vocabulary))


def top(pic: Picture, n: int, metric: str = "degree", keep: frozenset[str] = frozenset()) -> Picture:
    """Only the ``n`` entities ranked highest by ``metric`` within the picture (plus ``keep``,
    e.g. the centre of an ego network), and the relations among them: an overview that stays
    readable at screen size."""
    from kgraph.network import rank

    ranking = rank(EntityGraph({e.id: e for e in pic.entities}, pic.edges), metric)
    chosen = set(keep) | {info.id for info, _ in ranking.rows[:n]}
    edges = [e for e in pic.edges if e.subject in chosen and e.object in chosen]
    used = {e.subject for e in edges} | {e.object for e in edges} | (set(keep) & chosen)
    entities = [e for e in pic.entities if e.id in used]
    return Picture(f"{pic.title}, top {n} by {metric}", entities, edges, pic.symmetric, pic.colours)


@dataclass(frozen=True)
class Bundle:
    """The relations from one entity to another (either way when ``directed`` is False)."""

    subject: str
    object: str
    directed: bool
    edges: tuple[Statement, ...]

    @property
    def count(self) -> int:
        return len(self.edges)

    def span(self) -> str:
        """The years the relations cover: ``1991``, ``1961–2017``, or '' when none is dated."""
        years = sorted({d[:4] for e in self.edges for d in (e.earliest, e.latest) if d})
        if not years:
            return ""
        return years[0] if years[0] == years[-1] else f"{years[0]}\u2013{years[-1]}"

    def label(self) -> str:
        """The label's lines, one under the other."""
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """One line per predicate: the date when it is alone, else a count and the years."""
        groups: dict[str, list[Statement]] = {}
        for edge in self.edges:
            groups.setdefault(edge.predicate_label, []).append(edge)
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        lines = []
        for name, edges in ordered[:LABEL_PREDICATES]:
            if len(edges) == 1:
                lines.append(name + (f" ({edges[0].when})" if edges[0].when else ""))
            else:
                span = Bundle(self.subject, self.object, self.directed, tuple(edges)).span()
                lines.append(f"{name} \u00d7{len(edges)}" + (f" ({span})" if span else ""))
        if len(ordered) > LABEL_PREDICATES:
            rest = sum(len(edges) for _, edges in ordered[LABEL_PREDICATES:])
            lines.append(f"+{rest} more")
        return lines

    def width(self) -> float:
        """Pen width: grows with the logarithm of the count, so 30 relations do not blot out the rest."""
        return round(min(6.0, 1.0 + 1.5 * math.log2(self.count)), 2)


def bundles(pic: Picture) -> list[Bundle]:
    """One bundle per related pair and direction; symmetric predicates make one per pair."""
    groups: dict[tuple[str, str, bool], list[Statement]] = {}
    for edge in pic.edges:
        if edge.predicate in pic.symmetric:
            a, b = sorted((edge.subject, edge.object))
            groups.setdefault((a, b, False), []).append(edge)
        else:
            groups.setdefault((edge.subject, edge.object, True), []).append(edge)
    return [Bundle(s, o, d, tuple(edges)) for (s, o, d), edges in groups.items()]


def _edge_tip(eg_labels: dict[str, str], edge: Statement) -> str:
    head = (
        f"{eg_labels.get(edge.subject, edge.subject)} {edge.predicate_label} {eg_labels.get(edge.object, edge.object)}"
    )
    when = f" ({edge.when})" if edge.when else ""
    quote = f"\n\u201c{edge.quote}\u201d" if edge.quote else ""
    return head + when + quote


def _bundle_tip(labels: dict[str, str], bundle: Bundle, most: int = 12) -> str:
    tips = [_edge_tip(labels, e) for e in bundle.edges[:most]]
    if bundle.count > most:
        tips.append(f"\u2026 and {bundle.count - most} more")
    return "\n\n".join(tips)


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def engine_for(pic: Picture) -> str:
    """The Graphviz layout that keeps a picture of this size readable."""
    size = len(pic.entities)
    return "dot" if size <= NEATO_ABOVE else "neato" if size <= SFDP_ABOVE else "sfdp"


def groups_of(pic: Picture, group: str) -> dict[str, list[str]]:
    """Entity ids gathered by type, or by community (Louvain modularity on the drawn relations,
    seeded so the same picture comes out every time), each group named, largest first."""
    if group not in GROUPS:
        raise KgraphError(f"unknown grouping '{group}': choose one of {', '.join(GROUPS)}")
    if group == "type":
        by: dict[str, list[str]] = {}
        for info in pic.entities:
            by.setdefault(info.type, []).append(info.id)
        return dict(sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(sorted(info.id for info in pic.entities))
    for bundle in bundles(pic):
        if graph.has_edge(bundle.subject, bundle.object):
            graph[bundle.subject][bundle.object]["weight"] += bundle.count
        else:
            graph.add_edge(bundle.subject, bundle.object, weight=bundle.count)
    found = nx.community.louvain_communities(graph, weight="weight", seed=0)
    labels = {info.id: info.label for info in pic.entities}
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
    named: dict[str, list[str]] = {}
    for number, members in enumerate(ordered, 1):
        hub = max(members, key=lambda m: (graph.degree(m, weight="weight"), m))
        named[
            f"community {number}: {labels[hub]} and {len(members) - 1} more"
            if len(members) > 1
            else f"community {number}: {labels[hub]}"
        ] = members
    return named


def to_dot(pic: Picture, engine: str = "auto", group: str | None = None) -> str:
    """Graphviz DOT: nodes coloured by type, one labelled edge per bundle, quotes as tooltips, a
    legend of the types; ``layout`` names the engine so that the file draws alike anywhere.
    ``group`` ("type" or "community") boxes the entities of each group together."""
    if engine not in ENGINES:
        raise KgraphError(f"unknown layout engine '{engine}': choose one of {', '.join(ENGINES)}")
    layout = engine_for(pic) if engine == "auto" else engine
    if group is not None and layout not in CLUSTER_ENGINES:
        if engine != "auto":
            raise KgraphError(
                f"--group needs a layout that draws groups ({' or '.join(CLUSTER_ENGINES)}), not {engine}"
            )
        layout = "fdp"  # the large-graph layouts ignore clusters; fdp spreads them and keeps the boxes
    labels = {e.id: e.label for e in pic.entities}
    spread = "" if layout == "dot" else ', overlap=prism, overlap_scaling=-4, sep="+12", splines=true, esep="+6"'
    lines = [
        f"digraph {_dot_string(pic.title)} {{",
        f'  graph [layout={layout}, rankdir=LR, fontname="Helvetica", fontsize=16, '
        f"label={_dot_string(pic.title)}, labelloc=t, labeljust=l{spread}];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555", fontcolor="#333333"];',
    ]
    nodes = {
        info.id: (
            f"  {_dot_string(info.id)} [label={_dot_string(info.label)}, "
            f'fillcolor="{colour(info.type, pic.colours)}", '
            f"tooltip={_dot_string(f'{info.label} ({info.type})')}];"
        )
        for info in pic.entities
    }
    if group is None:
        lines.extend(nodes[info.id] for info in pic.entities)
    else:
        for number, (name, members) in enumerate(groups_of(pic, group).items(), 1):
            lines.append(f"  subgraph cluster_{number} {{")
            lines.append(
                f'    graph [label={_dot_string(name)}, style="rounded,dashed", color="#888888", fontsize=12];'
            )
            lines.extend("  " + nodes[member] for member in members)
            lines.append("  }")
    key = legend(pic)
    if key:  # one HTML-table node: a legend every layout engine places, none mistakes for data
        rows = "".join(
            f'<tr><td bgcolor="{fill}" width="14"> </td><td align="left">{html.escape(name)}</td></tr>'
            for name, fill in key.items()
        )
        lines.append(
            '  "legend:types" [shape=plain, fontsize=10, tooltip="types", label=<<table '
            'border="1" cellborder="0" cellspacing="2" color="#999999">'
            f'<tr><td colspan="2"><b>types</b></td></tr>{rows}</table>>];'
        )
    for bundle in bundles(pic):
        tip = _bundle_tip(labels, bundle)
        extra = "" if bundle.directed else ", dir=none"
        lines.append(
            f"  {_dot_string(bundle.subject)} -> {_dot_string(bundle.object)} "
            f"[label={_dot_string(bundle.label())}, penwidth={bundle.width()}, "
            f"tooltip={_dot_string(tip)}, labeltooltip={_dot_string(tip)}{extra}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


_MERMAID_PLAIN = frozenset(" -_.,()/'")


def to_mermaid(pic: Picture) -> str:
    """A Mermaid flowchart; node ids are numbered since Mermaid ids cannot hold every letter."""

    def text(value: str) -> str:
        # Mermaid's entity codes (#34;) for anything that could end the quoted label or the line
        # ('"', newlines, U+2028...), start an entity ('#') or read as HTML ('<', '>', '&').
        return "".join(c if c.isalnum() or c in _MERMAID_PLAIN else f"#{ord(c)};" for c in value)

    ids = {info.id: f"n{index}" for index, info in enumerate(pic.entities)}
    # The title as a YAML double-quoted scalar (JSON's escapes are YAML's); what YAML would read as a
    # line break or refuse as unprintable (U+2028, U+0085, U+FEFF...) is escaped as well.
    title = "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in json.dumps(pic.title, ensure_ascii=False))
    lines = ["---", f"title: {title}", "---", "flowchart LR"]
    for info in pic.entities:
        lines.append(f'  {ids[info.id]}["{text(info.label)}"]:::{info.type}')
    for bundle in bundles(pic):
        arrow = ("==" if bundle.count > 1 else "--") + (">" if bundle.directed else "-")
        opener = "==" if bundle.count > 1 else "--"
        label = "<br>".join(map(text, bundle.lines()))  # the only markup: our own line breaks
        lines.append(f'  {ids[bundle.subject]} {opener} "{label}" {arrow} {ids[bundle.object]}')
    for type_name, fill in legend(pic).items():
        lines.append(f"  classDef {type_name} fill:{fill},stroke:#555")
    return "\n".join(lines) + "\n"


def render_graphviz(dot_text: str, fmt: str) -> bytes:
    """Run Graphviz to make SVG or PNG bytes (the DOT text names its own layout engine)."""
    if fmt not in ("svg", "png"):
        raise KgraphError(f"Graphviz renders svg or png here, not '{fmt}'")
    program = shutil.which("dot")
    if program is None:
        raise ToolMissingError(INSTALL_HINT)
    done = subprocess.run(
        [program, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise KgraphError("Graphviz failed: " + done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def script_json(value: object) -> str:
    """JSON that can sit inside a <script> element: '<', '>' and '&' become \\u escapes, so no
    label can end the element or open a comment (the escapes are the same JSON strings)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graphviz_layout(pic: Picture) -> tuple[str, dict[str, tuple[float, float, float, float]]] | None:
    """Where Graphviz's force layout puts each entity (centre x, y and box width, height in
    pixels, y downwards), or None without Graphviz: the explorer then lays out with Cytoscape's
    own cose. Graphviz's neato with overlap removal keeps boxes apart and lays out the same every
    time, which cose (random starts) does not."""
    program = shutil.which("dot")
    if program is None or not pic.entities:
        return None
    engine = "sfdp" if len(pic.entities) > SFDP_ABOVE else "neato"
    done = subprocess.run(
        [program, "-Tjson0"], input=to_dot(pic, engine).encode("utf-8"), capture_output=True, timeout=300, check=False
    )
    if done.returncode != 0:
        return None
    out = {}
    for node in json.loads(done.stdout).get("objects", []):
        if "pos" in node and not node["name"].startswith("legend:"):
            x, y = (float(v) for v in node["pos"].split(","))
            out[node["name"]] = (x, -y, float(node["width"]) * 72, float(node["height"]) * 72)
    return engine, out


def explorer_data(pic: Picture) -> dict[str, object]:
    """What the explorer page shows: entities, every relation with its dates and quote, and the
    bundles that draw them; the time slider and the filters pick among the relations."""
    layout = graphviz_layout(pic)
    engine, boxes = layout if layout else ("cose", {})
    index = {id(edge): k for k, edge in enumerate(pic.edges)}
    related = {e.subject for e in pic.edges} | {e.object for e in pic.edges}
    years = sorted(
        {int(d[:4]) for e in pic.edges for d in (e.earliest, e.latest) if d}
        | {int(e.earliest[:4]) for e in pic.entities if e.earliest}
    )
    return {
        "title": pic.title,
        "types": legend(pic),
        "predicates": sorted({e.predicate_label for e in pic.edges}),
        "years": [years[0], years[-1]] if years else [2000, 2000],
        "layout": engine,
        "nodes": [
            {
                "id": e.id,
                "label": e.label,
                "type": e.type,
                "aliases": e.shown_aliases,
                "colour": colour(e.type, pic.colours),
                "related": e.id in related,
                # Without Graphviz, a box about as wide as 11 px Helvetica needs.
                "box": [round(v, 1) for v in boxes.get(e.id, (0, 0, 14 + 6.2 * len(e.label), 36))],
            }
            for e in pic.entities
        ],
        # "span": the days it is certainly in force (dates.ranges), for the slider's --at rule.
        "relations": [
            {
                "s": e.subject,
                "o": e.object,
                "predicate": e.predicate_label,
                "when": e.when,
                "earliest": e.earliest,
                "latest": e.latest,
                "span": _span(e),
                "quote": e.quote,
                "source": e.source,
            }
            for e in pic.edges
        ],
        "bundles": [
            {
                "s": b.subject,
                "o": b.object,
                "directed": b.directed,
                "width": b.width(),
                "rel": [index[id(e)] for e in b.edges],
            }
            for b in bundles(pic)
        ],
    }


def _span(edge: Statement) -> list[str] | None:
    """From the latest day a relation can start to the earliest it can end (None when undated)."""
    days = edge.days
    return [days[1], days[2]] if days else None


def to_html(pic: Picture) -> str:
    """The explorer: one offline page with Cytoscape.js (vendored, MIT) inlined and the data as
    JSON; nothing is fetched, and data only ever reaches the page as text (textContent)."""
    from importlib.resources import files

    package = files("kgraph")
    values = {
        "TITLE": html.escape(pic.title),
        "DATA": script_json(explorer_data(pic)),
        "CYTOSCAPE": package.joinpath("vendor/cytoscape.min.js").read_text(encoding="utf-8"),
    }
    template = package.joinpath("explorer.html").read_text(encoding="utf-8")
    # One pass, so a label that spells %DATA% is never itself replaced.
    return re.sub(r"%(TITLE|DATA|CYTOSCAPE)%", lambda m: values[m.group(1)], template)


# The writers of the registry's PICTURE formats (kgraph.formats): a picture to a binary stream.
# ``engine`` and ``group`` are the Graphviz layout and boxes; the explorer and Mermaid have their own.


def write_svg(pic: Picture, out: IO[bytes], engine: str = "auto", group: str | None = None) -> None:
    out.write(render_graphviz(to_dot(pic, engine, group), "svg"))


def write_png(pic: Picture, out: IO[bytes], engine: str = "auto", group: str | None = None) -> None:
    out.write(render_graphviz(to_dot(pic, engine, group), "png"))


def write_dot(pic: Picture, out: IO[bytes], engine: str = "auto", group: str | None = None) -> None:
    out.write(to_dot(pic, engine, group).encode("utf-8"))


def write_html(pic: Picture, out: IO[bytes], engine: str = "auto", group: str | None = None) -> None:
    out.write(to_html(pic).encode("utf-8"))


def write_mermaid(pic: Picture, out: IO[bytes], engine: str = "auto", group: str | None = None) -> None:
    out.write(to_mermaid(pic).encode("utf-8"))
