"""``kgraph export``: the project's graph in any export format of the registry (kgraph.formats).

The writers take what they consume, not a project: this module is the one place that feeds
each its input (the engine's store or the rdflib graph, the entity graph, the records).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from kgraph.errors import KgraphError
from kgraph.formats import DATASET, ENTITIES, GRAPH, RECORDS, Format

if TYPE_CHECKING:
    from kgraph.project import Project


def _rdf_source(project: Project, fmt: Format) -> Any:
    """The engine's store for the formats Oxigraph writes (fast), else rdflib's graph."""
    return project.engine_for("export") if fmt.oxigraph else project.graph()


def write(project: Project, out: IO[bytes], fmt: Format) -> None:
    """Write the project's graph in ``fmt`` to a binary stream."""
    from kgraph.export.rdf import graph_name

    if fmt.parts:
        raise KgraphError(f"{fmt.name} writes {len(fmt.parts)} files: use kgraph export --format {fmt.name} -o BASE")
    writer = fmt.write()
    if fmt.consumes == GRAPH:
        writer(_rdf_source(project, fmt), out, project.prefixes)
    elif fmt.consumes == DATASET:
        writer(_rdf_source(project, fmt), out, project.prefixes, graph_name(project.base))
    elif fmt.consumes == ENTITIES:
        writer(project.entity_graph(), out)
    elif fmt.consumes == RECORDS:
        writer(project.dataset(), project.base, project.statements(), out)
    else:
        raise KgraphError(f"{fmt.name} ({fmt.consumes}) is not an export format")


def part_paths(path: str | None, fmt: Format) -> list[str]:
    """Where a several-file format goes: ``kg`` or ``kg.csv`` -> ``kg.nodes.csv``, ``kg.edges.csv``."""
    if not path or path == "-":
        raise KgraphError(
            f"{fmt.name} writes {len(fmt.parts)} files ({', '.join(fmt.parts)}); give -o BASE to name them"
        )
    stem = path[: -len(fmt.suffixes[0])] if path.lower().endswith(fmt.suffixes[0]) else path
    return [f"{stem}.{part}{fmt.suffixes[0]}" for part in fmt.parts]


def write_parts(project: Project, path: str | None, fmt: Format) -> list[str]:
    """Write every file of a several-file format, atomically as a set (all replaced or none);
    return their paths."""
    from kgraph.atomic import atomic_outputs

    paths = part_paths(path, fmt)
    writer = fmt.write()
    eg = project.entity_graph()  # fail on bad data before any file is touched
    with atomic_outputs(paths, binary=True, keep_out=project.data_dir) as handles:
        for part, handle in zip(fmt.parts, handles):
            writer(eg, handle, part)
    return paths
