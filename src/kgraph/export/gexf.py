"""GEXF 1.3 for Gephi: the entity graph with every dated relation as a spell on the timeline.

Nodes carry label, type, aliases and description; edges carry the predicate, its label, the date
as given, the quote and the source. A relation's spell runs from the first to the last day its
date can mean (``1895-04`` -> 1895-04-01..1895-04-30; an interval with no end stays open), so
Gephi's timeline plays the relations in the order the text dates them. Undated relations have
no spell and are always shown. An edge's ``kind`` is its predicate, so that Gephi keeps two
different relations between the same pair apart instead of merging them; ``claim`` says whether
the source reports a fact or gives its own assessment.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from kgraph.entitygraph import EntityGraph
    from kgraph.statement import Statement

NAMESPACE = "http://gexf.net/1.3"
NODE_ATTRIBUTES = ("type", "aliases", "description")
EDGE_ATTRIBUTES = ("predicate", "date", "quote", "source", "claim", "statement")


def spell(edge: Statement) -> dict[str, str]:
    """The interval an edge is shown on Gephi's timeline; empty when it is undated."""
    bounds = {"start": edge.earliest, "end": edge.latest}
    return {name: value for name, value in bounds.items() if value}


def to_xml(eg: EntityGraph) -> str:
    """The whole GEXF document as text (deterministic: entities by id, edges by date)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{NAMESPACE}" version="1.3">',
        "  <meta>",
        "    <creator>kgraph</creator>",
        "    <description>Entities and dated, quoted relations</description>",
        "  </meta>",
        '  <graph defaultedgetype="directed" mode="dynamic" timeformat="date">',
    ]
    for cls, names in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        lines.append(f'    <attributes class="{cls}">')
        lines += [f'      <attribute id="{n}" title="{n}" type="string"/>' for n in names]
        lines.append("    </attributes>")
    lines.append("    <nodes>")
    for entity in sorted(eg.entities.values(), key=lambda e: e.id):
        values = {
            "type": entity.type,
            "aliases": "; ".join(entity.shown_aliases),
            "description": entity.description or "",
        }
        lines.append(f"      <node id={quoteattr(entity.id)} label={quoteattr(entity.label)}>")
        lines += _attvalues(values, "        ")
        lines.append("      </node>")
    lines.append("    </nodes>")
    lines.append("    <edges>")
    for index, edge in enumerate(eg.edges):
        values = {
            "predicate": edge.predicate,
            "date": edge.when or "",
            "quote": edge.quote or "",
            "source": edge.source or "",
            "claim": edge.kind,
            "statement": edge.iri,
        }
        lines.append(
            f'      <edge id="e{index}" source={quoteattr(edge.subject)} '
            f"target={quoteattr(edge.object)} label={quoteattr(edge.predicate_label)} "
            f"kind={quoteattr(edge.predicate)}>"
        )
        lines += _attvalues(values, "        ")
        bounds = spell(edge)
        if bounds:
            attrs = " ".join(f"{name}={quoteattr(value)}" for name, value in bounds.items())
            lines += ["        <spells>", f"          <spell {attrs}/>", "        </spells>"]
        lines.append("      </edge>")
    lines += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(lines)


def _attvalues(values: dict[str, str], indent: str) -> list[str]:
    items = [f"{indent}  <attvalue for={quoteattr(k)} value={quoteattr(v)}/>" for k, v in values.items() if v]
    return [f"{indent}<attvalues>", *items, f"{indent}</attvalues>"] if items else []


def write(eg: EntityGraph, out: IO[bytes]) -> None:
    out.write(to_xml(eg).encode("utf-8"))
