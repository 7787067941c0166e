"""SHACL shapes for the data model, generated from the project's vocabulary, and the validation
of the compiled graph against them (pySHACL).

The shapes say what the YAML validator says, in a form other tools understand: every entity has
one label, dates are xsd:date, gYearMonth or gYear, every statement has one subject, predicate,
object, quote and source, and each predicate links only the classes the vocabulary allows (a
subtype passes where its parent does: the data graph carries rdfs:subClassOf). Violations
are reported at the YAML record a focus node comes from (``data/relations.yaml:12:3: error: ...``).
"""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, Any

from kgraph.dates import EDTF_DATATYPE
from kgraph.errors import KgraphError, Problem
from kgraph.vocab import META_PROPERTIES, ONTOLOGY, PREFIXES, STATUSES, class_iri, entity_iri, status_iri

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.project import Project
    from kgraph.vocabulary import Vocabulary

SHAPES = ONTOLOGY.rstrip("#") + "/shapes#"
DATE_TYPES = ("date", "gYearMonth", "gYear")
#: Shape names for a predicate's subject and object constraints: ``shapes:signed-subject``.
_SUBJECT, _OBJECT = "-subject", "-object"


def shapes_graph(vocabulary: Vocabulary) -> Graph:
    """The SHACL shapes of kgraph's data model for a project's vocabulary."""
    from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

    sh = Namespace("http://www.w3.org/ns/shacl#")
    graph = Graph()
    for prefix, ns in {**PREFIXES, "sh": str(sh), "shapes": SHAPES}.items():
        graph.bind(prefix, ns, override=True)

    def term(curie: str) -> URIRef:
        prefix, local = curie.split(":", 1)
        return URIRef(PREFIXES[prefix] + local)

    # Blank nodes named by a counter, in the order the shapes are built: rdflib's own names are
    # random, so each export of the shapes (JSON-LD, RDF/XML) would differ from the last.
    numbers = itertools.count(1)

    def blank() -> BNode:
        return BNode(f"b{next(numbers)}")

    def listed(items: list[Any]) -> Any:
        """An RDF list (rdf:first/rdf:rest) of ``items``; its head."""
        cells = [blank() for _ in items]
        for cell, item, rest in zip(cells, items, [*cells[1:], RDF.nil]):
            graph.add((cell, RDF.first, item))
            graph.add((cell, RDF.rest, rest))
        return cells[0] if cells else RDF.nil

    def alternatives(key: Any, values: list[Any]) -> Any:
        options = []
        for value in values:
            option = blank()
            graph.add((option, key, value))
            options.append(option)
        return listed(options)

    def prop(
        shape: URIRef,
        path: URIRef,
        *,
        min_count: int = 0,
        max_count: int | None = None,
        datatype: URIRef | None = None,
        cls: URIRef | None = None,
        dates: bool = False,
        values: list[Any] | None = None,
        iri: bool = False,
        message: str | None = None,
    ) -> None:
        local = str(path).replace("#", "/").rsplit("/", 1)[-1]
        node = URIRef(f"{shape}-{local}")  # named, so that reports say which rule failed
        graph.add((shape, sh.property, node))
        if message:
            graph.add((node, sh.message, Literal(message)))
        graph.add((node, sh.path, path))
        if min_count:
            graph.add((node, sh.minCount, Literal(min_count)))
        if max_count is not None:
            graph.add((node, sh.maxCount, Literal(max_count)))
        if datatype is not None:
            graph.add((node, sh.datatype, datatype))
        if cls is not None:
            graph.add((node, sh["class"], cls))
        if iri:
            graph.add((node, sh.nodeKind, sh.IRI))
        if dates:
            graph.add(
                (node, sh["or"], alternatives(sh.datatype, [*(XSD[t] for t in DATE_TYPES), URIRef(EDTF_DATATYPE)]))
            )
        if values is not None:
            graph.add((node, sh["in"], listed(values)))

    def node_shape(name: str, label: str) -> URIRef:
        shape = URIRef(SHAPES + name)
        graph.add((shape, RDF.type, sh.NodeShape))
        graph.add((shape, RDFS.label, Literal(label)))
        return shape

    entity = node_shape("Entity", "every entity")
    graph.add((entity, sh.targetClass, URIRef(class_iri("Entity"))))
    prop(
        entity,
        RDFS.label,
        min_count=1,
        max_count=1,
        datatype=XSD.string,
        message="an entity has exactly one label, a plain string",
    )
    prop(entity, term("skos:altLabel"), datatype=XSD.string)
    prop(entity, term("dcterms:description"), max_count=1, datatype=XSD.string)

    statement = node_shape("Statement", "every relation (a reified statement)")
    graph.add((statement, sh.targetClass, RDF.Statement))
    for path in (RDF.subject, RDF.object):
        prop(
            statement,
            path,
            min_count=1,
            max_count=1,
            cls=URIRef(class_iri("Entity")),
            message=f"a relation has exactly one {local_name(path)}, an entity",
        )
    prop(statement, RDF.predicate, min_count=1, max_count=1, iri=True)
    prop(
        statement,
        term("kg:quote"),
        min_count=1,
        max_count=1,
        datatype=XSD.string,
        message="a relation has exactly one quote",
    )
    publication = vocabulary.publication
    prop(
        statement,
        term("prov:wasDerivedFrom"),
        min_count=1,
        max_count=1,
        cls=URIRef(publication.iri),
        message=f"a relation has exactly one source, a {publication.name}",
    )
    prop(
        statement,
        term("kg:kind"),
        min_count=1,
        max_count=1,
        values=[Literal("fact"), Literal("assessment")],
        message="a relation's kind is 'fact' or 'assessment'",
    )
    prop(statement, term("kg:cites"), cls=URIRef(publication.iri))
    prop(
        statement,
        term("kg:status"),
        max_count=1,
        values=[URIRef(status_iri(s)) for s in STATUSES if s != "actual"],
        message="a relation has at most one status, a kg:ClaimStatus other than kg:Actual (the default, not written)",
    )

    for shape in (entity, statement):
        for name in ("date", "start", "end"):
            prop(
                shape,
                term(f"kg:{name}"),
                max_count=1,
                dates=True,
                message=f"at most one {name}, an xsd:date, xsd:gYearMonth or xsd:gYear, or an EDTF date",
            )
        for name in ("earliest", "latest"):
            prop(shape, term(f"kg:{name}"), max_count=1, datatype=XSD.date)

    everything = set(vocabulary.types)
    for pred in vocabulary.predicates.values():
        for suffix, target, types, side in (
            (_SUBJECT, sh.targetSubjectsOf, pred.subject_types, "subject"),
            (_OBJECT, sh.targetObjectsOf, pred.object_types, "object"),
        ):
            if set(vocabulary.expand(types)) == everything:
                continue
            if side == "subject" and pred.id in META_PROPERTIES:
                continue  # kg:cites: statements cite works too, so its subjects are not all works
            shape = node_shape(pred.id + suffix, f"the {side} of '{pred.label}'")
            graph.add((shape, target, URIRef(pred.iri)))
            graph.add((shape, sh["or"], alternatives(sh["class"], [URIRef(vocabulary.types[t].iri) for t in types])))
            graph.add((shape, sh.message, Literal(f"the {side} of '{pred.id}' must be a {' or '.join(types)}")))
    return graph


def local_name(iri: Any) -> str:
    return str(iri).replace("#", "/").rsplit("/", 1)[-1]


def validate(project: Project, extra: list[str] | None = None) -> list[Problem]:
    """Validate the compiled graph against the shapes (plus ``extra`` shape files) with pySHACL."""
    import pyshacl
    from rdflib.util import guess_format

    from kgraph.netguard import no_network

    shapes = shapes_graph(project.vocabulary())
    # Validation reads local files only: a JSON-LD @context URL or an owl:imports is not fetched.
    guard = "validation never fetches what a shapes file points at"
    for path in extra or []:
        if not os.path.isfile(path):
            raise KgraphError(f"shapes file not found: {path}")
        try:
            with no_network(guard):
                shapes.parse(path, format=guess_format(path) or "turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            raise KgraphError(f"cannot read shapes from {path}: {exc}") from None
    data = project.graph()
    import logging

    # pySHACL logs its errors to stderr itself; kgraph says them once, in its own words, below.
    logging.getLogger("pyshacl-validate").disabled = True
    try:
        with no_network(guard):
            _conforms, report, _text = pyshacl.validate(
                data, shacl_graph=shapes, inference="none", allow_warnings=True, abort_on_first=False
            )
    except KgraphError:
        raise  # the network guard's refusal, already in kgraph's words
    except Exception as exc:  # pySHACL raises ShapeLoadError, ConstraintLoadError, re.error...
        if not extra:
            raise  # kgraph's own shapes: a bug, not the user's
        # Only the user's shapes can be ill-formed: name them, with pySHACL's reason (first line).
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise KgraphError(f"the SHACL shapes in {', '.join(extra)} are not well-formed: {reason}") from None
    return _problems(project, report)  # warnings too, which do not stop conformance


def _problems(project: Project, report: Graph) -> list[Problem]:
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    where = _locations(project)
    problems = []
    for result in report.subjects(sh.resultSeverity, None):
        focus = report.value(result, sh.focusNode)
        path, value = report.value(result, sh.resultPath), report.value(result, sh.value)
        shape = str(report.value(result, sh.sourceShape) or "")
        message = str(report.value(result, sh.resultMessage) or "violates a shape")
        severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1].lower()
        detail = f"shacl: {_short(project, focus)}"
        if path is not None:
            detail += f" {_short(project, path)}"
        detail += f": {message}"
        if value is not None and value != focus:
            detail += f" (value {_short(project, value)})"
        if shape.startswith(SHAPES):
            detail += f" [shape {shape[len(SHAPES) :]}]"
        level = "error" if severity == "violation" else "warning"
        for file, line, column in _records(where, str(focus), shape) or [("<graph>", 0, 0)]:
            problems.append(Problem(file, line, column, detail, level))
    unique = {str(p): p for p in problems}  # Problems compare by place only; keep each message
    return sorted(unique.values(), key=lambda p: (p.path, p.line, p.column, p.message))


def _short(project: Project, term: Any) -> str:
    text = str(term)
    for prefix, ns in sorted(project.prefixes.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>" if "://" in text else repr(text)


def _locations(project: Project) -> dict[str, list[tuple[str, int, int]]]:
    """Which YAML record each entity, statement and (subject, predicate) comes from."""
    from kgraph.statement import relation_iri

    dataset = project.dataset()
    where: dict[str, list[tuple[str, int, int]]] = {}

    def add(key: str, loc: Any) -> None:
        if loc is not None:
            where.setdefault(key, []).append((loc.path, loc.line, loc.column))

    for entity in dataset.entities.values():
        add(entity_iri(project.base, entity.id), entity.location)
    for rel in dataset.relations:
        add(relation_iri(project.base, rel), rel.location)
        add(f"{entity_iri(project.base, rel.subject)} {rel.predicate}{_SUBJECT}", rel.location)
        add(f"{entity_iri(project.base, rel.object)} {rel.predicate}{_OBJECT}", rel.location)
    return where


def _records(where: dict[str, list[tuple[str, int, int]]], focus: str, shape: str) -> list[tuple[str, int, int]]:
    """A predicate's shape points at the relations using it; any other at the focus node's record."""
    local = shape[len(SHAPES) :] if shape.startswith(SHAPES) else ""
    if local.endswith((_SUBJECT, _OBJECT)):
        found = where.get(f"{focus} {local}")
        if found:
            return found
    return where.get(focus, [])
