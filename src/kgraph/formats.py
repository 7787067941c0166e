"""Every output format kgraph writes, in one registry: its names, what its writer consumes, its
file suffixes and its media type.

``export``, ``build -o``, ``query``, ``draw``, ``path`` and the SPARQL protocol client (what to
ask a store for, how to read its answer) all look formats up here, so a format name means one
kind of document wherever it is given, and a file suffix picks the same format in every command.
Writers are named as ``module:function`` and imported on first use (rdflib's plugin habit), so
this module stays cheap for ``--help`` and the query fast path: no typing, no dataclasses.

What a writer consumes decides how it is called:

- ``GRAPH``: ``write(graph, out, prefixes)``; an RDF graph, as an rdflib ``Graph``, an engine's
  store or an Oxigraph CONSTRUCT answer (``kgraph.engine``).
- ``DATASET``: ``write(graph, out, prefixes, name)``; the graph put in the named graph ``name``.
- ``ENTITIES``: ``write(entity_graph, out)``; several-file formats ``write(entity_graph, out, part)``.
- ``RECORDS``: ``write(dataset, base, statements, out)``; the validated records (texts, evidence
  offsets) and each claim's ``Statement`` record.
- ``RESULTS``: ``write(result, out)``; SELECT rows or an ASK boolean, to a text stream.
- ``PICTURE``: ``write(picture, out, engine, group)``; a ``kgraph.draw.Picture``.
- ``PATHS``: ``write(document, out)``; the documented JSON of a path answer.

Binary streams everywhere except ``RESULTS``, which stream rows as text.

>>> get("json-ld", (GRAPH,)).name
'jsonld'
>>> by_suffix("kg.events.csv", EXPORT).name
'events'
>>> choose(None, "answers.srj", (RESULTS, GRAPH), default="table")
'json'
"""

from __future__ import annotations

import os

from kgraph.errors import FormatError as FormatError  # re-exported: callers catch it from here
from kgraph.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

GRAPH = "RDF graph"
DATASET = "RDF dataset"
ENTITIES = "entity graph"
RECORDS = "records"
RESULTS = "SPARQL results"
PICTURE = "picture"
PATHS = "paths"
#: What ``kgraph export`` (and ``build -o``) write: the project's graph in any of these shapes.
EXPORT = (GRAPH, DATASET, ENTITIES, RECORDS)


class Format(Record):
    """One registered format.

    ``writer`` is ``module:function`` (see the module docstring for its call by ``consumes``);
    ``suffixes`` are file suffixes, the first the one kgraph gives; ``parts`` name the files of a
    format written as several (``BASE.PART.csv``); ``oxigraph`` is the ``pyoxigraph.RdfFormat``
    member when Oxigraph writes the format for kgraph (else rdflib does); ``rdflib`` the name of
    rdflib's parser for it (answers from stores, read-back checks).
    """

    __slots__ = (
        "name",
        "consumes",
        "writer",
        "suffixes",
        "media_type",
        "description",
        "aliases",
        "parts",
        "oxigraph",
        "rdflib",
    )

    def __init__(
        self,
        name: str,
        consumes: str,
        writer: str,
        suffixes: tuple[str, ...],
        media_type: str,
        description: str,
        aliases: tuple[str, ...] = (),
        parts: tuple[str, ...] = (),
        oxigraph: str | None = None,
        rdflib: str | None = None,
    ) -> None:
        self.name, self.consumes, self.writer, self.suffixes = name, consumes, writer, suffixes
        self.media_type, self.description, self.aliases, self.parts = media_type, description, aliases, parts
        self.oxigraph, self.rdflib = oxigraph, rdflib

    def write(self) -> Callable[..., None]:
        """The writer callable, imported on first use."""
        import importlib

        module, function = self.writer.split(":")
        found: Callable[..., None] = getattr(importlib.import_module(module), function)
        return found

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


_RDF = "kgraph.export.rdf:"
_DRAW = "kgraph.draw:"
#: The registry. Order is the order formats are listed in help and messages.
FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        GRAPH,
        _RDF + "write_turtle",
        (".ttl",),
        "text/turtle",
        "Turtle (RDF 1.1)",
        aliases=("ttl",),
        oxigraph="TURTLE",
        rdflib="turtle",
    ),
    Format(
        "nt",
        GRAPH,
        _RDF + "write_nt",
        (".nt",),
        "application/n-triples",
        "N-Triples, one triple per line, sorted",
        aliases=("ntriples",),
        oxigraph="N_TRIPLES",
        rdflib="nt",
    ),
    # JSON-LD is compacted with the project's prefixes as an inline context, which Oxigraph does
    # not do: rdflib writes it, for exports and CONSTRUCT answers alike.
    Format(
        "jsonld",
        GRAPH,
        _RDF + "write_jsonld",
        (".jsonld", ".json"),
        "application/ld+json",
        "JSON-LD with the project's prefixes as context",
        aliases=("json-ld",),
        rdflib="json-ld",
    ),
    Format(
        "xml",
        GRAPH,
        _RDF + "write_xml",
        (".rdf", ".xml", ".owl"),
        "application/rdf+xml",
        "RDF/XML",
        aliases=("rdfxml",),
        oxigraph="RDF_XML",
        rdflib="xml",
    ),
    Format(
        "graphml",
        ENTITIES,
        "kgraph.export.graphml:write",
        (".graphml",),
        "application/graphml+xml",
        "GraphML entity graph for Gephi, yEd and Cytoscape",
    ),
    Format(
        "nq",
        DATASET,
        _RDF + "write_nquads",
        (".nq",),
        "application/n-quads",
        "N-Quads, the graph in a named graph, sorted",
        aliases=("nquads",),
        oxigraph="N_QUADS",
        rdflib="nquads",
    ),
    Format(
        "trig",
        DATASET,
        _RDF + "write_trig",
        (".trig",),
        "application/trig",
        "TriG, the graph in a named graph",
        rdflib="trig",
    ),
    Format(
        "gexf",
        ENTITIES,
        "kgraph.export.gexf:write",
        (".gexf",),
        "application/gexf+xml",
        "GEXF for Gephi, relations dated as spells for the timeline",
    ),
    Format(
        "events",
        ENTITIES,
        "kgraph.export.tables:write_events",
        (".events.csv",),
        "text/csv",
        "CSV of dated relations: date, source actor, action, target actor, quote, source",
    ),
    Format(
        "csv",
        ENTITIES,
        "kgraph.export.tables:write_part",
        (".csv",),
        "text/csv",
        "two CSV files, BASE.nodes.csv and BASE.edges.csv",
        parts=("nodes", "edges"),
    ),
    Format(
        "annotations",
        RECORDS,
        "kgraph.export.annotations:write",
        (".annotations.jsonld",),
        "application/ld+json",
        "W3C Web Annotation JSON-LD: each statement's evidence, selectors into its source text",
    ),
    Format(
        "json",
        RESULTS,
        "kgraph.results:write_json",
        (".json", ".srj"),
        "application/sparql-results+json",
        "SPARQL 1.1 Query Results JSON",
    ),
    Format(
        "xml",
        RESULTS,
        "kgraph.results:write_xml",
        (".xml", ".srx"),
        "application/sparql-results+xml",
        "SPARQL Query Results XML",
    ),
    Format(
        "csv",
        RESULTS,
        "kgraph.results:write_csv",
        (".csv",),
        "text/csv",
        "SPARQL 1.1 Query Results CSV: plain values, CRLF line ends",
    ),
    Format(
        "tsv",
        RESULTS,
        "kgraph.results:write_tsv",
        (".tsv",),
        "text/tab-separated-values",
        "SPARQL 1.1 Query Results TSV: terms in SPARQL syntax",
    ),
    Format("svg", PICTURE, _DRAW + "write_svg", (".svg",), "image/svg+xml", "SVG through Graphviz"),
    Format("png", PICTURE, _DRAW + "write_png", (".png",), "image/png", "PNG through Graphviz"),
    Format(
        "html",
        PICTURE,
        _DRAW + "write_html",
        (".html", ".htm"),
        "text/html",
        "an offline explorer page (Cytoscape.js inlined)",
    ),
    Format("dot", PICTURE, _DRAW + "write_dot", (".dot", ".gv"), "text/vnd.graphviz", "Graphviz DOT"),
    Format(
        "mermaid", PICTURE, _DRAW + "write_mermaid", (".mmd", ".mermaid"), "text/vnd.mermaid", "a Mermaid flowchart"
    ),
    Format(
        "json",
        PATHS,
        "kgraph.paths:write_json",
        (".json",),
        "application/json",
        "the paths, every hop with its date, quote and source",
    ),
)


def registered(kinds: Iterable[str]) -> list[Format]:
    """The formats whose writers consume one of ``kinds``: kind by kind in the order given (a
    suffix two kinds share goes to the first), registry order within a kind."""
    return [f for kind in kinds for f in FORMATS if f.consumes == kind]


def _names(kinds: Iterable[str], extra: Iterable[str] = ()) -> str:
    seen = list(extra)
    for fmt in registered(kinds):
        if fmt.name not in seen:
            seen.append(fmt.name)
    return ", ".join(seen)


def get(name: str, kinds: Iterable[str]) -> Format:
    """The format called ``name`` (or one of its aliases) among ``kinds``."""
    wanted = tuple(kinds)
    for fmt in registered(wanted):
        if name in fmt.names():
            return fmt
    raise FormatError(f"unknown format '{name}'; choose from {_names(wanted)}")


def by_suffix(path: str, kinds: Iterable[str]) -> Format | None:
    """The format a file name's suffix names among ``kinds``, the longest suffix first
    (``.events.csv`` before ``.csv``); None when no registered suffix matches."""
    lowered = path.lower()
    candidates = [(suffix, fmt) for fmt in registered(kinds) for suffix in fmt.suffixes]
    for suffix, fmt in sorted(candidates, key=lambda pair: -len(pair[0])):  # stable: registry order
        if lowered.endswith(suffix):
            return fmt
    return None


def by_media_type(media_type: str, kinds: Iterable[str]) -> Format | None:
    """The format of a media type among ``kinds`` (a store's answer), or None."""
    for fmt in registered(kinds):
        if fmt.media_type == media_type:
            return fmt
    return None


def suffixes(kinds: Iterable[str]) -> str:
    """Every registered suffix among ``kinds``, for messages: ``.ttl .nt ...``."""
    found: list[str] = []
    for fmt in registered(kinds):
        found.extend(s for s in fmt.suffixes if s not in found)
    return " ".join(found)


def _to_file(out: str | None) -> bool:
    return out is not None and out != "-"


def choose(
    fmt: str | None, out: str | None, kinds: Iterable[str], default: str | None = None, terminal: Iterable[str] = ()
) -> str:
    """The name of the format to write, by oxigraph's CLI rule.

    ``--format`` when given (it must not contradict ``-o``'s suffix); else ``-o``'s suffix (an
    unknown one is an error naming it and the choices); else, for stdout, the command's
    ``default`` (None: stdout needs ``--format``). ``terminal`` names formats the command renders
    itself for a terminal (``table``): never written to a file.
    """
    wanted, shown = tuple(kinds), tuple(terminal)
    if fmt is not None:
        if fmt in shown:
            if _to_file(out):
                raise FormatError(f"a {fmt} is for the terminal: give --format {_names(wanted)} with -o")
            return fmt
        try:
            chosen = get(fmt, wanted)
        except FormatError:
            raise FormatError(f"unknown format '{fmt}'; choose from {_names(wanted, shown)}") from None
        if _to_file(out):
            _check_suffix(chosen, out or "", wanted)
        return chosen.name
    if _to_file(out):
        found = by_suffix(out or "", wanted)
        if found is None:
            suffix = os.path.splitext(out or "")[1].lower()
            raise FormatError(
                f"cannot tell the format from '{suffix or out}': give --format "
                f"({_names(wanted)}) or use a suffix: {suffixes(wanted)}",
                option="--output",
            )
        return found.name
    if default is None:
        raise FormatError(f"writing to stdout needs --format (one of {_names(wanted)})")
    return default


def _check_suffix(chosen: Format, out: str, kinds: tuple[str, ...]) -> None:
    """--format and a suffix that names another kind of document are an error; a suffix that names
    no format (``-o graph.out``, ``-o kg``) leaves --format alone."""
    named = by_suffix(out, kinds)
    if named is None or named.name == chosen.name or named.media_type == chosen.media_type:
        return
    if any(out.lower().endswith(suffix) for suffix in chosen.suffixes):
        return  # kg.csv is a base name for csv's two files as much as a CSV file
    raise FormatError(
        f"--format {chosen.name} contradicts the suffix of '{os.path.basename(out)}', "
        f"which names {named.name} ({named.description}): drop --format, or change the suffix"
    )


def accept(names: Iterable[str], kinds: Iterable[str]) -> str:
    """An HTTP Accept header asking for ``names`` in order of preference."""
    wanted = tuple(kinds)
    weights = ("", ";q=0.9", ";q=0.5", ";q=0.3", ";q=0.1")
    return ", ".join(get(name, wanted).media_type + weights[min(i, len(weights) - 1)] for i, name in enumerate(names))


def help_text(kinds: Iterable[str]) -> str:
    """The format names among ``kinds``, comma-separated, for option help."""
    return _names(kinds)
