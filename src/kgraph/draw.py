"""Pictures of (parts of) the entity graph: Graphviz DOT, Mermaid, SVG/PNG through ``dot``, and a
self-contained interactive HTML page (inline script and style, no network)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgraph.entitygraph import Edge, EntityGraph, EntityInfo
from kgraph.errors import KgraphError, ToolMissingError

if TYPE_CHECKING:
    from kgraph.network import Ego
    from kgraph.pathfilters import Filter
    from kgraph.paths import Path

#: Fill colours for entity types: light hues that keep dark text readable. A type's colour comes
#: from a hash of its name, so any vocabulary's types get one, the same in every picture.
PALETTE = ("#9ecae9", "#f4b183", "#b7e1cd", "#f9e79f", "#d7bde2", "#f5b7b1", "#d5dbdb", "#e5e7e9",
           "#a9dfbf", "#fad7a0", "#aed6f1", "#f5cba7", "#d2b4de", "#a3e4d7", "#f7dc6f", "#e6b0aa")


def colour(type_name: str) -> str:
    """The fill colour of a type: stable across runs, projects and Python's hash seed."""
    import hashlib

    digest = hashlib.sha256(type_name.encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def legend(pic: Picture) -> dict[str, str]:
    """The colour of each type drawn, by type name."""
    return {t: colour(t) for t in sorted({info.type for info in pic.entities})}
FORMATS = ("svg", "png", "html", "dot", "mermaid")
INSTALL_HINT = ("Graphviz is not installed (the 'dot' program is needed for SVG and PNG): "
                "install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), "
                "'brew install graphviz' (macOS) or from https://graphviz.org/download/; "
                "an HTML picture (-o FILE.html) needs no Graphviz")


@dataclass(frozen=True)
class Picture:
    """What to draw: entities, the relations between them, and a title."""

    title: str
    entities: list[EntityInfo]
    edges: list[Edge]


def of_paths(eg: EntityGraph, paths: list[Path], title: str) -> Picture:
    """The entities and relations of one or more paths."""
    ids: dict[str, None] = {}
    edges: dict[Edge, None] = {}
    for path in paths:
        ids.update(dict.fromkeys(path.nodes))
        edges.update(dict.fromkeys(h.edge for h in path.hops))
    return Picture(title, [eg.entities[i] for i in ids], list(edges))


def of_ego(eg: EntityGraph, ego: Ego) -> Picture:
    """An ego network, nearest entities first."""
    order = sorted(ego.distances, key=lambda i: (ego.distances[i], eg.entities[i].label.casefold()))
    return Picture(f"{ego.center.label}: depth {ego.depth}", [eg.entities[i] for i in order], ego.edges)


def of_graph(eg: EntityGraph, flt: Filter | None = None, title: str = "kgraph") -> Picture:
    """Every relation ``flt`` keeps, and the entities taking part in them."""
    edges = [e for e in eg.edges if e.subject != e.object and (flt is None or flt.keeps_edge(e))]
    used = {e.subject for e in edges} | {e.object for e in edges}
    return Picture(title, [e for e in eg.entities.values() if e.id in used], edges)


def _edge_tip(eg_labels: dict[str, str], edge: Edge) -> str:
    head = f"{eg_labels.get(edge.subject, edge.subject)} {edge.predicate_label} " \
           f"{eg_labels.get(edge.object, edge.object)}"
    when = f" ({edge.when})" if edge.when else ""
    quote = f"\n\u201c{edge.quote}\u201d" if edge.quote else ""
    return head + when + quote


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(pic: Picture) -> str:
    """Graphviz DOT: nodes coloured by type, edges labelled by predicate and date, quotes as tooltips."""
    labels = {e.id: e.label for e in pic.entities}
    lines = [f"digraph {_dot_string(pic.title)} {{",
             "  graph [rankdir=LR, fontname=\"Helvetica\", label=" + _dot_string(pic.title)
             + ", labelloc=t];",
             "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];",
             "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];"]
    for info in pic.entities:
        lines.append(f"  {_dot_string(info.id)} [label={_dot_string(info.label)}, "
                     f"fillcolor=\"{colour(info.type)}\", "
                     f"tooltip={_dot_string(f'{info.label} ({info.type})')}];")
    key = legend(pic)
    if key:  # a legend: one swatch per type drawn, kept apart from the graph's own nodes
        lines.append("  subgraph cluster_legend {")
        lines.append("    label=\"types\"; fontsize=10; style=dashed; color=\"#999999\";")
        for type_name, fill in key.items():
            lines.append(f"    {_dot_string('legend:' + type_name)} [label={_dot_string(type_name)}, "
                         f"fillcolor=\"{fill}\", fontsize=9];")
        lines.append("  }")
    for edge in pic.edges:
        label = edge.predicate_label + (f"\n{edge.when}" if edge.when else "")
        tip = _edge_tip(labels, edge)
        lines.append(f"  {_dot_string(edge.subject)} -> {_dot_string(edge.object)} "
                     f"[label={_dot_string(label)}, tooltip={_dot_string(tip)}, "
                     f"labeltooltip={_dot_string(tip)}];")
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
    lines = ["flowchart LR"]
    for info in pic.entities:
        lines.append(f'  {ids[info.id]}["{text(info.label)}"]:::{info.type}')
    for edge in pic.edges:
        label = edge.predicate_label + (f" ({edge.when})" if edge.when else "")
        lines.append(f'  {ids[edge.subject]} -- "{text(label)}" --> {ids[edge.object]}')
    for type_name in sorted({info.type for info in pic.entities}):
        lines.append(f"  classDef {type_name} fill:{colour(type_name)},stroke:#555")
    return "\n".join(lines) + "\n"


def render_graphviz(dot_text: str, fmt: str) -> bytes:
    """Run Graphviz ``dot`` to make SVG or PNG bytes."""
    if fmt not in ("svg", "png"):
        raise KgraphError(f"Graphviz renders svg or png here, not '{fmt}'")
    program = shutil.which("dot")
    if program is None:
        raise ToolMissingError(INSTALL_HINT)
    done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode("utf-8"),
                          capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise KgraphError("Graphviz failed: " + done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def to_html(pic: Picture) -> str:
    """A self-contained page: a force layout drawn in SVG by inline script; hover shows the quote."""
    labels = {e.id: e.label for e in pic.entities}
    data = {
        "title": pic.title,
        "nodes": [{"id": e.id, "label": e.label, "type": e.type,
                   "colour": colour(e.type)} for e in pic.entities],
        "links": [{"source": e.subject, "target": e.object, "label": e.predicate_label,
                   "tip": _edge_tip(labels, e)} for e in pic.edges],
        "colours": legend(pic),
    }
    # No '<' may reach the script element: "</script" would end it and "<!--<script" would keep
    # the next "</script>" from ending it (the page stays blank); "\u003c" is the same JSON string.
    payload = (json.dumps(data, ensure_ascii=False)
               .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    title = pic.title.replace("&", "&amp;").replace("<", "&lt;")
    # One pass, so a title holding "%DATA%" (or data holding "%TITLE%") is never substituted again.
    return re.sub("%(TITLE|DATA)%", lambda m: title if m.group(1) == "TITLE" else payload, _HTML)


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%TITLE%</title>
<style>
body{font:14px Helvetica,Arial,sans-serif;margin:0;background:#fafafa}
header{padding:8px 12px;border-bottom:1px solid #ddd;background:#fff}
#legend span{display:inline-block;margin-right:10px}
#legend i{display:inline-block;width:12px;height:12px;border:1px solid #555;margin-right:4px;vertical-align:middle}
svg{width:100vw;height:calc(100vh - 60px);display:block}
.node rect{stroke:#555;rx:6;ry:6}
.node text{font-size:12px;pointer-events:none}
.link line{stroke:#777;stroke-width:1.4}
.link text{font-size:10px;fill:#333}
.link:hover line{stroke:#c00;stroke-width:3}
#tip{position:fixed;max-width:420px;background:#fff;border:1px solid #999;padding:6px 8px;
 white-space:pre-wrap;display:none;box-shadow:2px 2px 6px rgba(0,0,0,.2);pointer-events:none}
</style></head>
<body><header><b>%TITLE%</b> &nbsp; <span id="legend"></span>
<small>drag nodes; hover a relation for its quote</small></header>
<svg id="graph"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"
markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#777"/></marker></defs></svg>
<div id="tip"></div>
<script id="kgraph-data" type="application/json">%DATA%</script>
<script>
(function(){
var data=JSON.parse(document.getElementById("kgraph-data").textContent);
var NS="http://www.w3.org/2000/svg",svg=document.getElementById("graph"),tip=document.getElementById("tip");
var legend=document.getElementById("legend");
Object.keys(data.colours).forEach(function(t){var s=document.createElement("span");
 s.innerHTML='<i style="background:'+data.colours[t]+'"></i>';s.appendChild(document.createTextNode(t));legend.appendChild(s);});
function el(name,attrs,parent){var e=document.createElementNS(NS,name);for(var k in attrs)e.setAttribute(k,attrs[k]);
 if(parent)parent.appendChild(e);return e;}
var W=svg.clientWidth||960,H=svg.clientHeight||600,byId={};
data.nodes.forEach(function(n,i){var a=2*Math.PI*i/Math.max(1,data.nodes.length);
 n.x=W/2+Math.min(W,H)*0.35*Math.cos(a);n.y=H/2+Math.min(W,H)*0.35*Math.sin(a);n.vx=0;n.vy=0;byId[n.id]=n;});
var links=data.links.filter(function(l){return byId[l.source]&&byId[l.target];});
function show(text,ev){tip.textContent=text;tip.style.display="block";tip.style.left=(ev.clientX+12)+"px";tip.style.top=(ev.clientY+12)+"px";}
function hide(){tip.style.display="none";}
links.forEach(function(l){var g=el("g",{"class":"link"},svg);
 l.line=el("line",{"marker-end":"url(#arrow)"},g);l.text=el("text",{"text-anchor":"middle"},g);l.text.textContent=l.label;
 g.addEventListener("mousemove",function(ev){show(l.tip,ev);});g.addEventListener("mouseleave",hide);});
data.nodes.forEach(function(n){var g=el("g",{"class":"node"},svg);n.g=g;
 var t=el("text",{"text-anchor":"middle",dy:"4"},g);t.textContent=n.label;
 var w=Math.max(40,7*n.label.length+12);n.w=w;
 g.insertBefore(el("rect",{x:-w/2,y:-11,width:w,height:22,fill:n.colour}),t);
 g.addEventListener("mousemove",function(ev){show(n.label+" ("+n.type+")",ev);});g.addEventListener("mouseleave",hide);
 g.addEventListener("mousedown",function(ev){drag=n;ev.preventDefault();});});
var drag=null;
svg.addEventListener("mousemove",function(ev){if(!drag)return;var r=svg.getBoundingClientRect();
 drag.x=ev.clientX-r.left;drag.y=ev.clientY-r.top;drag.vx=drag.vy=0;heat=Math.max(heat,0.3);});
window.addEventListener("mouseup",function(){drag=null;});
var heat=1;
function step(){
 var ns=data.nodes;
 for(var i=0;i<ns.length;i++)for(var j=i+1;j<ns.length;j++){var a=ns[i],b=ns[j],dx=b.x-a.x,dy=b.y-a.y,
  d2=dx*dx+dy*dy+0.01,f=9000/d2,d=Math.sqrt(d2);a.vx-=f*dx/d;a.vy-=f*dy/d;b.vx+=f*dx/d;b.vy+=f*dy/d;}
 links.forEach(function(l){var a=byId[l.source],b=byId[l.target],dx=b.x-a.x,dy=b.y-a.y,d=Math.sqrt(dx*dx+dy*dy)+0.01,
  f=(d-160)*0.02;a.vx+=f*dx/d;a.vy+=f*dy/d;b.vx-=f*dx/d;b.vy-=f*dy/d;});
 ns.forEach(function(n){n.vx+=(W/2-n.x)*0.002;n.vy+=(H/2-n.y)*0.002;
  if(n!==drag){n.x+=Math.max(-20,Math.min(20,n.vx*heat));n.y+=Math.max(-20,Math.min(20,n.vy*heat));}
  n.vx*=0.5;n.vy*=0.5;n.x=Math.max(n.w/2,Math.min(W-n.w/2,n.x));n.y=Math.max(12,Math.min(H-12,n.y));
  n.g.setAttribute("transform","translate("+n.x+","+n.y+")");});
 links.forEach(function(l){var a=byId[l.source],b=byId[l.target],dx=b.x-a.x,dy=b.y-a.y,d=Math.sqrt(dx*dx+dy*dy)||1,
  s=Math.min(0.45,(b.w/2+4)/d);
  l.line.setAttribute("x1",a.x);l.line.setAttribute("y1",a.y);l.line.setAttribute("x2",b.x-dx*s);l.line.setAttribute("y2",b.y-dy*s);
  l.text.setAttribute("x",(a.x+b.x)/2);l.text.setAttribute("y",(a.y+b.y)/2-3);});
 heat=Math.max(0.02,heat*0.985);requestAnimationFrame(step);}
step();
})();
</script></body></html>
"""
