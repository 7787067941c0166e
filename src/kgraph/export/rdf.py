"""RDF serialisations: Oxigraph writes the data graph as Turtle, N-Triples and RDF/XML (fast);
rdflib writes JSON-LD, TriG and the ontology/shapes graphs. N-Triples and N-Quads are sorted so
that output is byte-stable, whichever engine writes them."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.store import Project

_RDFLIB_NAMES = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
#: Formats for graphs that are not the data (the ontology, the shapes): one graph, no named graph.
GRAPH_FORMATS = tuple(_RDFLIB_NAMES)


def graph_name(project: Project) -> str:
    """The IRI naming the graph in N-Quads and TriG exports: ``BASE`` + ``graph``."""
    return project.base + "graph"


def sorted_ntriples(graph: Graph) -> bytes:
    """A graph as N-Triples, one triple per line, sorted."""
    lines = sorted(graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True))
    return b"".join(line for line in lines if line.strip())


def ntriples(project: Project) -> bytes:
    """The compiled graph as sorted N-Triples (what ``push`` and ``serve`` send)."""
    import io

    buffer = io.BytesIO()
    project.store("export").serialize("nt", buffer, project.prefixes)
    return buffer.getvalue()


def serialize(graph: Graph, fmt: str, prefixes: dict[str, str]) -> bytes:
    """One graph in turtle, nt, jsonld or xml; JSON-LD with an inline context of ``prefixes``,
    never a remote one."""
    if fmt == "nt":
        return sorted_ntriples(graph)
    options: dict[str, object] = {}
    if fmt == "jsonld":
        options = {"context": prefixes, "auto_compact": True}
    data: bytes = graph.serialize(format=_RDFLIB_NAMES[fmt], encoding="utf-8", **options)  # type: ignore[call-overload]
    return data


def write(project: Project, out: IO[bytes], fmt: str) -> None:
    from kgraph.engine import OXIGRAPH_FORMATS

    if fmt in OXIGRAPH_FORMATS:
        project.store("export").serialize(fmt, out, project.prefixes)
        return
    if fmt == "nq":  # sorted N-Triples lines, each put in the named graph
        name = f" <{graph_name(project)}> .\n".encode()
        out.writelines(line.rstrip()[:-1].rstrip() + name for line in ntriples(project).splitlines())
        return
    graph = project.graph()
    if fmt == "trig":
        import warnings

        from rdflib import Dataset, URIRef

        dataset = Dataset()
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns, override=True)
        named = dataset.graph(URIRef(graph_name(project)))
        for triple in graph:
            named.add(triple)
        with warnings.catch_warnings():  # rdflib's own TriG writer uses its deprecated names
            warnings.simplefilter("ignore", DeprecationWarning)
            out.write(dataset.serialize(format="trig", encoding="utf-8"))
        return
    out.write(serialize(graph, fmt, project.prefixes))
