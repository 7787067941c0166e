"""RDF serialisations, one writer per format of the registry (kgraph.formats).

A writer takes an RDF graph in any of the shapes kgraph holds one: an rdflib ``Graph`` (the
ontology, the shapes, rdflib's answers), or an engine's store or Oxigraph's CONSTRUCT answer
(``kgraph.engine``), which write the formats Oxigraph writes themselves (``write_rdf``; fast).
rdflib writes JSON-LD (compacted with the project's prefixes as an inline context, never a remote
one) and TriG. N-Triples and N-Quads are sorted so that output is byte-stable, whichever engine
writes them; every literal keeps its lexical form.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any

from kgraph.formats import GRAPH, get

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.project import Project


def graph_name(base: str) -> str:
    """The IRI naming the graph in N-Quads and TriG exports: ``BASE`` + ``graph``."""
    return base + "graph"


def sorted_ntriples(graph: Graph) -> bytes:
    """A graph as N-Triples, one triple per line, sorted."""
    lines = sorted(graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True))
    return b"".join(line for line in lines if line.strip())


def ntriples(project: Project) -> bytes:
    """The compiled graph as sorted N-Triples (what ``push`` and ``serve`` send)."""
    buffer = io.BytesIO()
    write_nt(project.engine_for("export"), buffer, project.prefixes)
    return buffer.getvalue()


def write_ntriples(project: Project, out: IO[bytes]) -> None:
    """The compiled graph as N-Triples into ``out``, in the store's order (what ``push`` sends).

    From the cache, Oxigraph writes the file itself, so the graph never sits in Python's memory
    whatever its size (a sorted dump would have to hold it whole).
    """
    store = project.engine_for("export")
    if store.name == "oxigraph":  # by name: engine.py writes through this module, so it is not imported
        import pyoxigraph

        # OxigraphEngine's own store (the Engine protocol does not name it).
        oxigraph_store = store.store  # type: ignore[attr-defined]
        oxigraph_store.dump(out, pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    else:
        store.write_rdf(get("nt", (GRAPH,)), out, project.prefixes)


def _engine_writes(graph: Any, name: str, out: IO[bytes], prefixes: dict[str, str]) -> bool:
    """Let an engine's store or answer write ``name`` itself; False for an rdflib Graph."""
    if not hasattr(graph, "write_rdf"):
        return False
    graph.write_rdf(get(name, (GRAPH,)), out, prefixes)
    return True


def _rdflib_graph(graph: Any) -> Graph:
    """An rdflib Graph of ``graph``, for the formats only rdflib writes."""
    convert = getattr(graph, "rdflib_graph", None)
    return convert() if convert is not None else graph  # type: ignore[no-any-return]


def write_turtle(graph: Any, out: IO[bytes], prefixes: dict[str, str]) -> None:
    if not _engine_writes(graph, "turtle", out, prefixes):
        from kgraph.export.lexical import register

        register()  # rdflib's own Turtle writer would spell "1500000000"^^xsd:decimal 1500000000.0
        out.write(graph.serialize(format="kgraph-turtle", encoding="utf-8"))


def write_nt(graph: Any, out: IO[bytes], prefixes: dict[str, str]) -> None:
    if not _engine_writes(graph, "nt", out, prefixes):
        out.write(sorted_ntriples(graph))


def write_xml(graph: Any, out: IO[bytes], prefixes: dict[str, str]) -> None:
    """RDF/XML; an rdflib graph goes through Oxigraph's writer, in sorted order.

    rdflib's own writer lists subjects, and names the namespaces it has no prefix for, in hash
    order: different with every PYTHONHASHSEED. Oxigraph's writes triples in the order given.
    """
    if not _engine_writes(graph, "xml", out, prefixes):
        import pyoxigraph

        triples = pyoxigraph.parse(sorted_ntriples(_rdflib_graph(graph)), pyoxigraph.RdfFormat.N_TRIPLES)
        pyoxigraph.serialize(triples, out, pyoxigraph.RdfFormat.RDF_XML, prefixes=prefixes)


def write_jsonld(graph: Any, out: IO[bytes], prefixes: dict[str, str]) -> None:
    """JSON-LD compacted with ``prefixes`` as an inline context, for exports and CONSTRUCT answers
    alike (Oxigraph writes it expanded, without a context: rdflib writes it here)."""
    data = _rdflib_graph(graph).serialize(format="json-ld", encoding="utf-8", context=prefixes, auto_compact=True)
    out.write(stable_jsonld(data))


def write_nquads(graph: Any, out: IO[bytes], prefixes: dict[str, str], name: str) -> None:
    """Sorted N-Triples lines, each put in the named graph ``name``."""
    buffer = io.BytesIO()
    write_nt(graph, buffer, prefixes)
    suffix = f" <{name}> .\n".encode()
    out.writelines(line.rstrip()[:-1].rstrip() + suffix for line in buffer.getvalue().splitlines())


def write_trig(graph: Any, out: IO[bytes], prefixes: dict[str, str], name: str) -> None:
    """TriG: the graph in the named graph ``name``, with the graph's own prefixes."""
    import warnings

    from rdflib import Dataset, URIRef

    from kgraph.export.lexical import register

    source = _rdflib_graph(graph)
    dataset = Dataset()
    for prefix, ns in source.namespaces():
        dataset.bind(prefix, ns, override=True)
    named = dataset.graph(URIRef(name))
    for triple in source:
        named.add(triple)
    with warnings.catch_warnings():  # rdflib's own TriG writer uses its deprecated names
        warnings.simplefilter("ignore", DeprecationWarning)
        register()
        out.write(dataset.serialize(format="kgraph-trig", encoding="utf-8"))


def serialize(graph: Any, name: str, prefixes: dict[str, str]) -> bytes:
    """One graph in a GRAPH format of the registry, as bytes."""
    buffer = io.BytesIO()
    get(name, (GRAPH,)).write()(graph, buffer, prefixes)
    return buffer.getvalue()


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
