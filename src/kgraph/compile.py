"""Records -> RDF triples. Pure and deterministic: the same data gives the same triples.

The compiler emits each triple as three terms already in N-Triples syntax (no rdflib), so the
same triples feed every engine: ``to_ntriples`` gives the bytes Oxigraph bulk-loads, ``to_rdflib``
an rdflib Graph. Writing terms once, as text, is what keeps a million-triple build fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from kgraph.dates import EDTF_DATATYPE, Edtf, PartialDate, bounds
from kgraph.model import Dataset, Entity
from kgraph.statement import Statement, statements
from kgraph.vocab import (
    CONTEXT_CHARS,
    DEFAULT_BASE,
    META_PROPERTIES,
    ONTOLOGY,
    PREFIXES,
    STATUS_CLASS,
    STATUSES,
    TEXT_CLASS,
    class_iri,
    entity_iri,
    evidence_iri,
    status_iri,
    text_iri,
)

if TYPE_CHECKING:
    from rdflib import Graph

    from kgraph.vocabulary import Vocabulary

Triple = tuple[str, str, str]

_RDF, _RDFS, _XSD, _OWL = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["xsd"], PREFIXES["owl"]
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_IRI_UNSAFE = str.maketrans({c: f"%{ord(c):02X}" for c in ' <>"{}|^`\\'})
# str.translate looks every character up in a dict: a search for the few characters that need it
# is about four times faster, and most terms have none (29 M terms at a million relations).
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search
_NEEDS_ENCODING = re.compile(r'[ <>"{}|^`\\]').search


def iri(value: str) -> str:
    """An IRI term (characters N-Triples forbids in IRIs are percent-encoded)."""
    return "<" + (value.translate(_IRI_UNSAFE) if _NEEDS_ENCODING(value) else value) + ">"


def text(value: str) -> str:
    """A plain (xsd:string) literal term."""
    return '"' + (value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value) + '"'


def typed(value: str, datatype: str) -> str:
    """A literal term with a datatype IRI."""
    return '"' + (value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value) + '"^^<' + datatype + ">"


_TYPE, _LABEL, _COMMENT, _SUBCLASS = (
    iri(_RDF + "type"),
    iri(_RDFS + "label"),
    iri(_RDFS + "comment"),
    iri(_RDFS + "subClassOf"),
)
_DOMAIN, _RANGE, _SUBPROPERTY = iri(_RDFS + "domain"), iri(_RDFS + "range"), iri(_RDFS + "subPropertyOf")
_INVERSE = iri(_OWL + "inverseOf")
_META_IRIS = {ONTOLOGY + name for name in META_PROPERTIES}  # declared with their own label below
_DATE, _DECIMAL, _INTEGER = _XSD + "date", _XSD + "decimal", _XSD + "integer"
_STATEMENT = iri(_RDF + "Statement")
_KG = {
    name: iri(ONTOLOGY + name)
    for name in (
        "date",
        "start",
        "end",
        "earliest",
        "latest",
        "kind",
        "status",
        "quote",
        "cites",
        "footnote",
        "note",
        "alias",
        "quantity",
        "measure",
        "approximate",
        "inverseLabel",
        "subjectType",
        "objectType",
        "converse",
        "sha256",
    )
}


def _term(curie: str) -> str:
    """A prefixed name of a predeclared prefix, or a full IRI (a vocabulary's ``matches`` may hold either)."""
    prefix, local = curie.split(":", 1)
    return iri(PREFIXES[prefix] + local if prefix in PREFIXES else curie)


def date_literal(value: PartialDate | Edtf) -> str:
    """A typed literal keeping the date's precision (xsd:date, xsd:gYearMonth or xsd:gYear); what
    those cannot say (``1896~``, ``196X``, ``2000/..``) as an EDTF literal, its days in kg:earliest
    and kg:latest beside it."""
    xsd = value.xsd_type
    return typed(str(value), _XSD + xsd if xsd else EDTF_DATATYPE)


def _vocabulary(dataset: Dataset) -> Vocabulary:
    from kgraph.vocabulary import packaged

    return dataset.vocabulary or packaged("core")


def compile_triples(
    dataset: Dataset, base: str = DEFAULT_BASE, ontology: bool = True, records: list[Statement] | None = None
) -> list[Triple]:
    """Every triple of ``dataset``'s graph: ontology, entities, direct triples and statement nodes.

    ``records``: the relations' statements when already derived (statement.statements).
    """
    out: list[Triple] = []
    vocabulary = _vocabulary(dataset)
    if ontology:
        add_ontology(out, vocabulary)
    for entity in dataset.entities.values():
        _add_entity(out, base, entity, vocabulary)
    _add_texts(out, base, dataset)
    predicates = _predicate_iris(vocabulary)
    for record in statements(dataset, base) if records is None else records:
        _add_statement(out, base, record, predicates, dataset.texts)
    return out


def _predicate_iris(vocabulary: Vocabulary) -> dict[str, tuple[str, str | None]]:
    """Each predicate's IRI, and the IRI of its converse: the property that links object to
    subject (the predicate itself when symmetric, its declared inverse, or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    for pred in vocabulary.predicates.values():
        inverse = vocabulary.inverse_iri(pred)
        converse = iri(pred.iri) if pred.symmetric else (iri(inverse) if inverse else None)
        found[pred.id] = (iri(pred.iri), converse)
    return found


def ntriples_chunks(
    dataset: Dataset, base: str = DEFAULT_BASE, size: int = 5000, records: list[Statement] | None = None
) -> Iterator[bytes]:
    """The graph as N-Triples, a few thousand records at a time (big graphs never sit in memory twice).

    ``records``: the relations' statements when already derived (statement.statements).
    """
    out: list[Triple] = []
    vocabulary = _vocabulary(dataset)
    add_ontology(out, vocabulary)
    predicates = _predicate_iris(vocabulary)
    for entity in dataset.entities.values():
        _add_entity(out, base, entity, vocabulary)
        if len(out) > size:
            yield to_ntriples(out)
            out.clear()
    _add_texts(out, base, dataset)
    for record in statements(dataset, base) if records is None else records:
        _add_statement(out, base, record, predicates, dataset.texts)
        if len(out) > size:
            yield to_ntriples(out)
            out.clear()
    yield to_ntriples(out)


def compile_graph(dataset: Dataset, base: str = DEFAULT_BASE, ontology: bool = True) -> Graph:
    """Build the rdflib Graph of ``dataset`` (the reference engine's view of the triples)."""
    return to_rdflib(compile_triples(dataset, base, ontology), base)


def to_rdflib(triples: Iterable[Triple], base: str = DEFAULT_BASE) -> Graph:
    """An rdflib Graph holding ``triples``, with the project's prefixes bound."""
    from rdflib import Graph, Literal, URIRef

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("kgr", base, override=True)
    iris: dict[str, URIRef] = {}
    add = graph.add
    for s, p, o in triples:
        subject = iris.get(s) or iris.setdefault(s, URIRef(_unpercent(s[1:-1])))
        predicate = iris.get(p) or iris.setdefault(p, URIRef(p[1:-1]))
        if o[0] == "<":
            obj = iris.get(o) or iris.setdefault(o, URIRef(_unpercent(o[1:-1])))
            add((subject, predicate, obj))
        else:
            close = o.rindex('"')
            datatype = URIRef(o[close + 4 : -1]) if close + 1 < len(o) else None
            add((subject, predicate, Literal(_UNESCAPE.sub(_unescape, o[1:close]), datatype=datatype)))
    return graph


_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    return _UNESCAPED[match.group(1)]


def _unpercent(value: str) -> str:
    if "%" not in value:
        return value
    for char in ' <>"{}|^`\\':
        value = value.replace(f"%{ord(char):02X}", char)
    return value


def to_ntriples(triples: Iterable[Triple]) -> bytes:
    """The triples as N-Triples, in the order given (duplicates are left to the loader)."""
    return "".join([f"{s} {p} {o} .\n" for s, p, o in triples]).encode("utf-8")


def declared_terms(vocabulary: Vocabulary) -> frozenset[str]:
    """The local names of every class and property the ontology declares in the ``kg:`` namespace
    (``signed``, ``Treaty``, ``quote``...): what a query may name there. Read from add_ontology's
    own output, so the two cannot disagree."""
    triples: list[Triple] = []
    add_ontology(triples, vocabulary)
    head = "<" + ONTOLOGY
    return frozenset(s[len(head) : -1] for s, _p, _o in triples if s.startswith(head))


def add_ontology(out: list[Triple] | Graph, vocabulary: Vocabulary) -> None:
    """The project's classes and properties, each labelled and linked to standard terms.

    ``out`` is a list of triples, or an rdflib Graph (the ontology export) to add them to.
    Every type is a subclass of kg:Entity and of its parent; a predicate gets rdfs:domain and
    rdfs:range (the nearest type its subject or object types share: several domains would mean
    their intersection), kg:subjectType/kg:objectType for every class it accepts (subtypes
    included), and, unless symmetric, an inverse property named from its inverse label.
    """
    if not isinstance(out, list):
        triples: list[Triple] = []
        add_ontology(triples, vocabulary)
        for triple in to_rdflib(triples):
            out.add(triple)
        return
    onto = iri(ONTOLOGY.rstrip("#"))
    owl_class, object_property = iri(_OWL + "Class"), iri(_OWL + "ObjectProperty")
    out.append((onto, _TYPE, iri(_OWL + "Ontology")))
    out.append((onto, _LABEL, text("kgraph ontology")))
    entity_class = iri(class_iri("Entity"))
    out.append((entity_class, _TYPE, owl_class))
    out.append((entity_class, _LABEL, text("entity")))
    out.append((entity_class, _COMMENT, text("Anything annotated in a source text.")))
    assessment = iri(class_iri("Assessment"))
    out.append((assessment, _TYPE, owl_class))
    out.append((assessment, _SUBCLASS, _STATEMENT))
    out.append((assessment, _LABEL, text("assessment")))
    out.append((assessment, _COMMENT, text("A statement that is the author's own judgement.")))
    status_class = iri(class_iri(STATUS_CLASS))
    out.append((status_class, _TYPE, owl_class))
    out.append((status_class, _LABEL, text("claim status")))
    out.append((status_class, _COMMENT, text("Whether a claim happened (kg:status): planned, denied...")))
    for status, meaning in STATUSES.items():
        member = iri(status_iri(status))
        out.append((member, _TYPE, status_class))
        out.append((member, _TYPE, iri(_OWL + "NamedIndividual")))
        out.append((member, _LABEL, text(status)))
        out.append((member, _COMMENT, text(meaning)))
    types = vocabulary.types
    declared_fields: dict[str, str] = {}
    for etype in types.values():
        cls = iri(etype.iri)
        out.append((cls, _TYPE, owl_class))
        out.append((cls, _LABEL, text(etype.label)))
        if etype.comment:
            out.append((cls, _COMMENT, text(etype.comment)))
        out.append((cls, _SUBCLASS, entity_class))
        if etype.parent in types:
            out.append((cls, _SUBCLASS, iri(types[etype.parent].iri)))
        for match in etype.matches:
            out.append((cls, _SUBCLASS, _term(match)))
        for spec in etype.fields.values():
            if spec.property.startswith(vocabulary.namespace) and spec.property not in _META_IRIS:
                declared_fields.setdefault(spec.property, spec.name)

    def cls_of(names: tuple[str, ...]) -> str:
        common = vocabulary.common_ancestor(names)
        return iri(types[common].iri) if common else entity_class

    for pred in vocabulary.predicates.values():
        prop = iri(pred.iri)
        out.append((prop, _TYPE, object_property))
        if pred.symmetric:
            out.append((prop, _TYPE, iri(_OWL + "SymmetricProperty")))
        out.append((prop, _LABEL, text(pred.label)))
        if pred.description:
            out.append((prop, _COMMENT, text(pred.description)))
        if pred.inverse_label:
            out.append((prop, _KG["inverseLabel"], text(pred.inverse_label)))
        for t in vocabulary.expand(pred.subject_types):
            out.append((prop, _KG["subjectType"], iri(types[t].iri)))
        for t in vocabulary.expand(pred.object_types):
            out.append((prop, _KG["objectType"], iri(types[t].iri)))
        domain, range_ = cls_of(pred.subject_types), cls_of(pred.object_types)
        if pred.id not in META_PROPERTIES:  # kg:cites also links statements to works: no domain
            out.append((prop, _DOMAIN, domain))
        out.append((prop, _RANGE, range_))
        for match in pred.matches:
            out.append((prop, _SUBPROPERTY, _term(match)))
        inverse = vocabulary.inverse_iri(pred)
        if inverse is not None:
            inv = iri(inverse)
            out.append((inv, _TYPE, object_property))
            out.append((inv, _LABEL, text(pred.inverse_label)))
            out.append((inv, _INVERSE, prop))
            out.append((inv, _DOMAIN, range_))
            out.append((inv, _RANGE, domain))
    for prop_iri, name in declared_fields.items():
        out.append((iri(prop_iri), _TYPE, iri(_OWL + "DatatypeProperty")))
        out.append((iri(prop_iri), _LABEL, text(name)))
    for name, (label, comment) in META_PROPERTIES.items():
        prop = iri(ONTOLOGY + name)
        out.append((prop, _TYPE, iri(_OWL + "AnnotationProperty")))
        out.append((prop, _LABEL, text(label)))
        out.append((prop, _COMMENT, text(comment)))


def _add_dates(
    out: list[Triple],
    node: str,
    date: Edtf | None,
    start: Edtf | None,
    end: Edtf | None,
    earliest: str | None,
    latest: str | None,
) -> None:
    """The dates as given, and the first and last day they can mean (none where open or unknown)."""
    for name, value in (("date", date), ("start", start), ("end", end)):
        if value is not None:
            out.append((node, _KG[name], date_literal(value)))
    if earliest is not None:
        out.append((node, _KG["earliest"], typed(earliest, _DATE)))
    if latest is not None:
        out.append((node, _KG["latest"], typed(latest, _DATE)))


def _add_entity(out: list[Triple], base: str, entity: Entity, vocabulary: Vocabulary) -> None:
    node = iri(entity_iri(base, entity.id))
    etype = vocabulary.types.get(entity.type)
    out.append((node, _TYPE, iri(etype.iri if etype else class_iri(entity.type))))
    out.append((node, _LABEL, text(entity.label)))
    for alias in entity.aliases:
        out.append((node, _term("skos:altLabel"), text(alias)))
    # A name held for a period is no skos:altLabel (that holds for all time): a node of its own,
    # labelled with the name and dated like a relation.
    for index, timed in enumerate(entity.timed_aliases, 1):
        name_node = iri(f"{entity_iri(base, entity.id)}/alias{index}")
        out.append((node, _KG["alias"], name_node))
        out.append((name_node, _LABEL, text(timed.name)))
        _add_dates(out, name_node, timed.period, None, None, *bounds(timed.period, None, None))
    if entity.description:
        out.append((node, _term("dcterms:description"), text(entity.description)))
    _add_dates(out, node, entity.date, entity.start, entity.end, *bounds(entity.date, entity.start, entity.end))
    for same in entity.extra.get("same_as", []):
        out.append((node, iri(_OWL + "sameAs"), iri(same)))
    # Each declared field becomes the property its declaration names (vocabulary.yaml).
    for name, spec in vocabulary.fields(entity.type).items():
        value = entity.extra.get(name)
        if value is None:
            continue
        prop = iri(spec.property)
        for item in value if isinstance(value, list) else [value]:
            out.append((node, prop, _field_literal(item, spec.range)))


def _field_literal(value: object, range_: str) -> str:
    from kgraph.vocabulary import RANGES

    if range_ == "date":
        return date_literal(PartialDate.parse(str(value)))
    if range_ == "boolean":
        return typed("true" if value is True else "false", _XSD + "boolean")
    datatype = RANGES.get(range_)
    return typed(str(value), _XSD + datatype) if datatype else text(str(value))


_SUBJECT, _PREDICATE, _OBJECT = iri(_RDF + "subject"), iri(_RDF + "predicate"), iri(_RDF + "object")
_DERIVED = iri(PREFIXES["prov"] + "wasDerivedFrom")
_ASSESSMENT = iri(class_iri("Assessment"))


_OA = {
    name: iri(PREFIXES["oa"] + name)
    for name in (
        "Annotation",
        "SpecificResource",
        "TextQuoteSelector",
        "TextPositionSelector",
        "hasBody",
        "hasTarget",
        "hasSource",
        "hasSelector",
        "motivatedBy",
        "describing",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
    )
}
_HAS_FORMAT, _FORMAT = iri(PREFIXES["dcterms"] + "hasFormat"), iri(PREFIXES["dcterms"] + "format")
# oa:start and oa:end as xsd:integer, not the vocabulary's xsd:nonNegativeInteger: Oxigraph 0.5 stores
# every integer type as xsd:integer, so writing that keeps both engines' graphs and exports identical
# (the annotations export, through the standard context, types them xsd:nonNegativeInteger).
_COUNT = _INTEGER


def _add_texts(out: list[Triple], base: str, dataset: Dataset) -> None:
    """Each source text as a document of its own (dctypes:Text), with its file's SHA-256, linked
    from its publication by dcterms:hasFormat: what the evidence selectors point into."""
    for pid, (path, sha) in sorted(dataset.text_files.items()):
        node = iri(text_iri(base, pid))
        out.append((iri(entity_iri(base, pid)), _HAS_FORMAT, node))
        out.append((node, _TYPE, iri(TEXT_CLASS)))
        out.append((node, _LABEL, text(path)))
        out.append((node, _FORMAT, text("text/plain")))
        out.append((node, _KG["sha256"], text(sha)))


def _add_evidence(out: list[Triple], base: str, record: Statement, source: str) -> None:
    """The statement's evidence as a W3C Web Annotation: its body the statement, one target per
    fragment of the quote, each the source text with a TextQuoteSelector and a TextPositionSelector
    (code points of the text as read) for the same span."""
    note = iri(evidence_iri(record.iri))
    out.append((note, _TYPE, _OA["Annotation"]))
    out.append((note, _OA["hasBody"], iri(record.iri)))
    out.append((note, _OA["motivatedBy"], _OA["describing"]))
    document = iri(text_iri(base, record.source))
    for index, (start, end) in enumerate(record.anchors, 1):
        target = f"{evidence_iri(record.iri)}/{index}"
        out.append((note, _OA["hasTarget"], iri(target)))
        out.append((iri(target), _TYPE, _OA["SpecificResource"]))
        out.append((iri(target), _OA["hasSource"], document))
        quote, position = iri(target + "/quote"), iri(target + "/position")
        out.append((iri(target), _OA["hasSelector"], quote))
        out.append((iri(target), _OA["hasSelector"], position))
        out.append((quote, _TYPE, _OA["TextQuoteSelector"]))
        out.append((quote, _OA["exact"], text(source[start:end])))
        out.append((quote, _OA["prefix"], text(source[max(start - CONTEXT_CHARS, 0) : start])))
        out.append((quote, _OA["suffix"], text(source[end : end + CONTEXT_CHARS])))
        out.append((position, _TYPE, _OA["TextPositionSelector"]))
        out.append((position, _OA["start"], typed(str(start), _COUNT)))
        out.append((position, _OA["end"], typed(str(end), _COUNT)))


def _add_statement(
    out: list[Triple],
    base: str,
    record: Statement,
    predicates: dict[str, tuple[str, str | None]],
    texts: dict[str, str] | None = None,
) -> None:
    """A statement's triples: the direct triple (and its derived converse), the statement node with
    its dates, quote, source, citations and quantities, and its evidence in the source text."""
    subject, obj = iri(entity_iri(base, record.subject)), iri(entity_iri(base, record.object))
    predicate, converse = predicates[record.predicate]
    stmt = iri(record.iri)
    actual = record.status == "actual"
    if actual:  # a planned, denied... claim is recorded on its statement, never asserted
        out.append((subject, predicate, obj))
    else:
        out.append((stmt, _KG["status"], iri(status_iri(record.status))))
    if actual and converse is not None and (converse, obj) != (predicate, subject):
        # Both directions, declared once: a symmetric claim holds the other way round, and a
        # predicate with an inverse (owl:inverseOf) holds through it from the object. Derived,
        # not annotated: the statement says so with kg:converse, and stays one per claim.
        out.append((obj, converse, subject))
        out.append((stmt, _KG["converse"], converse))
    out.append((stmt, _TYPE, _STATEMENT))
    if record.kind == "assessment":
        out.append((stmt, _TYPE, _ASSESSMENT))
    out.append((stmt, _SUBJECT, subject))
    out.append((stmt, _PREDICATE, predicate))
    out.append((stmt, _OBJECT, obj))
    out.append((stmt, _KG["kind"], text(record.kind)))
    _add_dates(out, stmt, record.date, record.start, record.end, record.earliest, record.latest)
    out.append((stmt, _KG["quote"], text(record.quote)))
    out.append((stmt, _DERIVED, iri(entity_iri(base, record.source))))
    for cited in record.cites:
        out.append((stmt, _KG["cites"], iri(entity_iri(base, cited))))
    for number in record.footnotes:
        out.append((stmt, _KG["footnote"], typed(str(number), _INTEGER)))
    if record.note:
        out.append((stmt, _KG["note"], text(record.note)))
    for index, quantity in enumerate(record.quantities, 1):
        qnode = iri(f"{record.iri}/quantity{index}")
        out.append((stmt, _KG["quantity"], qnode))
        out.append((qnode, _TYPE, _term("schema:QuantitativeValue")))
        # A bound is never a value: "less than $1 million" is schema:maxValue only, so a query
        # summing schema:value cannot add it.
        for prop, amount in (("value", quantity.value), ("minValue", quantity.min), ("maxValue", quantity.max)):
            if amount is not None:
                out.append((qnode, _term("schema:" + prop), typed(amount, _DECIMAL)))
        if quantity.approximate:
            out.append((qnode, _KG["approximate"], typed("true", _XSD + "boolean")))
        out.append((qnode, _term("schema:unitText"), text(quantity.unit)))
        if quantity.of:
            out.append((qnode, _KG["measure"], text(quantity.of)))
    source = texts.get(record.source) if texts else None
    if record.anchors and source is not None:
        _add_evidence(out, base, record, source)
