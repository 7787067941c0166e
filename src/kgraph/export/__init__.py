"""Export formats, found through a small registry: a name maps to a module imported on first use."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from kgraph.errors import KgraphError

if TYPE_CHECKING:
    from kgraph.store import Project


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # kgraph.export.<module> defines write(project, out, fmt)
    suffixes: tuple[str, ...]
    description: str
    #: Formats written as several files name them ``BASE.PART.csv``; one file when empty.
    parts: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("turtle", "rdf", (".ttl",), "Turtle (RDF 1.1)"),
    Format("nt", "rdf", (".nt",), "N-Triples, one triple per line, sorted"),
    Format("jsonld", "rdf", (".jsonld", ".json"), "JSON-LD with the project's prefixes as context"),
    Format("xml", "rdf", (".rdf", ".xml", ".owl"), "RDF/XML"),
    Format("graphml", "graphml", (".graphml",), "GraphML entity graph for Gephi, yEd and Cytoscape"),
    Format("nq", "rdf", (".nq",), "N-Quads, the graph in a named graph, sorted"),
    Format("trig", "rdf", (".trig",), "TriG, the graph in a named graph"),
    Format("gexf", "gexf", (".gexf",), "GEXF for Gephi, relations dated as spells for the timeline"),
    Format("events", "tables", (".events.csv",),
           "CSV of dated relations: date, source actor, action, target actor, quote, source"),
    Format("csv", "tables", (".csv",), "two CSV files, BASE.nodes.csv and BASE.edges.csv",
           ("nodes", "edges")),
    Format("annotations", "annotations", (".annotations.jsonld",),
           "W3C Web Annotation JSON-LD: each statement's evidence, selectors into its source text"),
]}


def format_for(path: str | None, fmt: str | None) -> Format:
    """The format named by ``fmt``, or guessed from the suffix of ``path``."""
    if fmt:
        if fmt not in FORMATS:
            raise KgraphError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
        return FORMATS[fmt]
    if not path or path == "-":
        raise KgraphError("writing to stdout needs --format (one of " + ", ".join(FORMATS) + ")")
    lowered = path.lower()
    # The longest suffix first: ".events.csv" before ".csv", ".annotations.jsonld" before ".jsonld".
    by_length = sorted(((suffix, candidate) for candidate in FORMATS.values() for suffix in candidate.suffixes),
                       key=lambda pair: -len(pair[0]))
    for suffix, candidate in by_length:
        if lowered.endswith(suffix):
            return candidate
    suffix = os.path.splitext(path)[1].lower()
    raise KgraphError(f"cannot tell the format from '{suffix or path}'; give --format "
                      f"(one of {', '.join(FORMATS)})")


def write(project: Project, out: IO[bytes], fmt: Format) -> None:
    """Write the project's graph in ``fmt`` to a binary stream."""
    if fmt.parts:
        raise KgraphError(f"{fmt.name} writes {len(fmt.parts)} files: use "
                          f"kgraph export --format {fmt.name} -o BASE")
    module = importlib.import_module(f"kgraph.export.{fmt.module}")
    module.write(project, out, fmt.name)


def part_paths(path: str | None, fmt: Format) -> list[str]:
    """Where a several-file format goes: ``kg`` or ``kg.csv`` -> ``kg.nodes.csv``, ``kg.edges.csv``."""
    if not path or path == "-":
        raise KgraphError(f"{fmt.name} writes {len(fmt.parts)} files ({', '.join(fmt.parts)}); "
                          "give -o BASE to name them")
    stem = path[:-len(fmt.suffixes[0])] if path.lower().endswith(fmt.suffixes[0]) else path
    return [f"{stem}.{part}{fmt.suffixes[0]}" for part in fmt.parts]


def write_parts(project: Project, path: str | None, fmt: Format) -> list[str]:
    """Write every file of a several-file format, atomically as a set (all replaced or none);
    return their paths."""
    from kgraph.atomic import atomic_outputs

    paths = part_paths(path, fmt)
    module = importlib.import_module(f"kgraph.export.{fmt.module}")
    project.entity_graph()  # fail on bad data before any file is touched
    with atomic_outputs(paths, binary=True, keep_out=project.data_dir) as handles:
        for part, handle in zip(fmt.parts, handles):
            module.write_part(project, handle, fmt.name, part)
    return paths
