"""RDF serialisations: Oxigraph writes the data graph as Turtle, N-Triples and RDF/XML (fast);
rdflib writes JSON-LD, TriG and the ontology/shapes graphs. N-Triples and N-Quads are sorted so
that output is byte-stable, whichever engine writes them."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.store import Project

#: rdflib's writers for the graph formats (JSON-LD and N-Triples have their own steps below);
#: Turtle and TriG through kgraph.export.lexical, which keeps every literal's lexical form.
_RDFLIB_WRITERS = {"turtle": "kgraph-turtle", "xml": "xml"}
#: Formats for graphs that are not the data (the ontology, the shapes): one graph, no named graph.
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "xml")


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


def write_ntriples(project: Project, out: IO[bytes]) -> None:
    """The compiled graph as N-Triples into ``out``, in the store's order (what ``push`` sends).

    From the cache, Oxigraph writes the file itself, so the graph never sits in Python's memory
    whatever its size (a sorted dump would have to hold it whole).
    """
    store = project.store("export")
    if store.name == "oxigraph":  # by name: engine.py writes through this module, so it is not imported
        import pyoxigraph

        store.store.dump(out, pyoxigraph.RdfFormat.N_TRIPLES,  # type: ignore[attr-defined]  # OxigraphStore's
                         from_graph=pyoxigraph.DefaultGraph())
    else:
        store.serialize("nt", out, project.prefixes)


def serialize(graph: Graph, fmt: str, prefixes: dict[str, str]) -> bytes:
    """One graph in turtle, nt, jsonld or xml; JSON-LD with an inline context of ``prefixes``,
    never a remote one. Every literal keeps its lexical form; every format is byte-stable."""
    if fmt == "nt":
        return sorted_ntriples(graph)
    if fmt == "jsonld":
        return stable_jsonld(graph.serialize(format="json-ld", encoding="utf-8", context=prefixes,
                                             auto_compact=True))
    from kgraph.export.lexical import register

    register()
    data: bytes = graph.serialize(format=_RDFLIB_WRITERS[fmt], encoding="utf-8")
    return data


def serialize_answer(graph: object, fmt: str, prefixes: dict[str, str]) -> bytes:
    """A CONSTRUCT or DESCRIBE answer in turtle, nt, jsonld or xml, from either engine."""
    from kgraph.oxigraph_rdf import TripleGraph

    if isinstance(graph, TripleGraph):  # Oxigraph's answer (without importing rdflib)
        return graph.serialize(fmt)
    return serialize(graph, fmt, prefixes)  # type: ignore[arg-type]  # rdflib's, written like the exports


def stable_jsonld(data: bytes) -> bytes:
    """JSON-LD in one order: rdflib writes nodes and values in hash order, different on every run.

    Node objects and the values of a property are sets in JSON-LD (only ``@list`` is ordered), so
    sorting them changes nothing that a JSON-LD reader sees.
    """
    import json

    def ordered(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            return {k: ordered(v, k) for k, v in value.items()}
        if isinstance(value, list):
            items = [ordered(v) for v in value]
            return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return value

    document = ordered(json.loads(data))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def write(project: Project, out: IO[bytes], fmt: str) -> None:
    from kgraph.oxigraph_rdf import OXIGRAPH_FORMATS

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

        from kgraph.export.lexical import register

        dataset = Dataset()
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns, override=True)
        named = dataset.graph(URIRef(graph_name(project)))
        for triple in graph:
            named.add(triple)
        with warnings.catch_warnings():  # rdflib's own TriG writer uses its deprecated names
            warnings.simplefilter("ignore", DeprecationWarning)
            register()
            out.write(dataset.serialize(format="kgraph-trig", encoding="utf-8"))
        return
    out.write(serialize(graph, fmt, project.prefixes))
