"""Namespaces and IRI minting: the one place IRIs are decided.

The types and predicates are project data (vocabulary.py reads them from YAML); what stays here
is what every project shares: prefixes, the kgraph ontology's own properties, ids and IRIs.
"""

from __future__ import annotations

import os
import re

ONTOLOGY = "https://w3id.org/kgraph/ontology#"
DEFAULT_BASE = "https://w3id.org/kgraph/resource/"

#: Prefixes predeclared in every query and used in every export.
PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
}
#: The DCMI type of a text document (what the Web Annotation context calls ``Text``).
TEXT_CLASS = "http://purl.org/dc/dcmitype/Text"
#: Characters of context either side of a quote in its TextQuoteSelector (oa:prefix, oa:suffix).
CONTEXT_CHARS = 32


COMMON_ENTITY_FIELDS = ("id", "type", "label", "aliases", "description", "date", "start", "end", "same_as")

_ID = re.compile(r"^[^\W_](?:[\w.-]*[^\W_])?$")


def is_valid_id(value: str) -> bool:
    """Ids are slugs of letters (any script), digits, ``-``, ``_`` and ``.``; no spaces or IRI delimiters."""
    return bool(_ID.match(value))


_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f-\x9f]*\Z")


def base_problem(base: str) -> str | None:
    """Why ``base`` cannot prefix entity ids (None when it can): an IRI is minted as base + id,
    so the base must be absolute, hold no character an IRI forbids, and end where an id may
    start ('/', '#' or ':'), or ``https://example.org/kg`` + ``russia`` reads as ``kgrussia``.

    >>> base_problem("https://example.org/kg/") is None, base_problem("https://example.org/kg")
    (True, "the base IRI must end with '/', '#' or ':' (so ids do not run into it)")
    """
    if not _BASE.match(base):
        return (
            "the base IRI must be absolute (https://example.org/kg/) and hold no spaces, "
            'control characters or any of <>"{}|^`\\'
        )
    if base[-1] not in "/#:":
        return "the base IRI must end with '/', '#' or ':' (so ids do not run into it)"
    return None


def entity_iri(base: str, entity_id: str) -> str:
    """The IRI of a (validated) entity id; letters of any script are kept, as IRIs allow."""
    return base + entity_id


def text_iri(base: str, publication_id: str) -> str:
    """The IRI of a publication's source text as a document (what evidence selectors point into)."""
    return f"{base}text/{publication_id}"


def evidence_iri(statement: str) -> str:
    """The IRI of a statement's evidence, a W3C Web Annotation; its targets are ``/1``, ``/2``... and
    their selectors ``/1/quote`` and ``/1/position``."""
    return statement + "/evidence"


def class_iri(type_name: str) -> str:
    return ONTOLOGY + type_name


#: What a relation's ``status:`` may say, with the meaning of each: a claim's status is the
#: individual ``kg:`` + the capitalised name (``kg:Planned``), of class ``kg:ClaimStatus``.
STATUSES: dict[str, str] = {
    "actual": "The claim happened or holds, as the text reports it (the default; not written).",
    "intended": "The subject meant to: the text gives an aim or intention, not the act.",
    "planned": "Prepared or decided, not (yet) done.",
    "proposed": "Put forward by someone, not agreed or done.",
    "failed": "Attempted, and it did not come about.",
    "hypothetical": "What would or could happen: a possibility the text considers.",
    "denied": "The text, or someone it reports, says it did not happen or does not hold.",
}
STATUS_CLASS = "ClaimStatus"


def status_iri(status: str) -> str:
    """The individual naming a claim status (``planned`` -> ``kg:Planned``)."""
    return ONTOLOGY + status.capitalize()


def statement_iri(base: str, subject: str, predicate: str, object: str, dates: str, quote: str) -> str:
    """A stable IRI for one relation, from what identifies the claim (not its position in the file)."""
    import hashlib

    key = "|".join((subject, predicate, object, dates, quote)).encode("utf-8")
    return f"{base}statement/{subject}.{predicate}.{object}.{hashlib.sha1(key).hexdigest()[:8]}"


#: Properties that describe entities and statements, declared in the ontology with a label and comment.
META_PROPERTIES: dict[str, tuple[str, str]] = {
    "date": (
        "date",
        "When it happened, at the precision the source gives (xsd:date, gYearMonth or gYear), "
        "or as an EDTF date or interval when the source gives it so (1896~, 196X, 2000/..).",
    ),
    "start": ("start", "When it began, at the precision the source gives."),
    "end": ("end", "When it ended, at the precision the source gives."),
    "earliest": (
        "earliest day",
        "The first day the date or interval can mean (for sorting and filtering); "
        "absent when its start is open or unknown.",
    ),
    "latest": (
        "latest day",
        "The last day the date or interval can mean (for sorting and filtering); "
        "absent when its end is open (still in force) or unknown.",
    ),
    "alias": (
        "alias in time",
        "A name the entity bore for a period only: a node with the name as its "
        "rdfs:label and the period as kg:date, kg:earliest and kg:latest.",
    ),
    "quote": (
        "quote",
        "The verbatim words of the source that support the statement: the text's own "
        "characters, a line break of the text written as a space.",
    ),
    "note": ("note", "A curator's note on the statement."),
    "kind": ("kind", "'fact' for a reported event or state, 'assessment' for the author's own judgement."),
    "status": (
        "status",
        "Whether the claim happened, when the text says it did not (a kg:ClaimStatus: "
        "kg:Planned, kg:Denied...); a statement without one is actual. A claim that is not "
        "actual is recorded, not asserted: its subject, predicate and object are on the "
        "statement only, with no direct triple.",
    ),
    "cites": ("cites", "A work the source attributes the claim to (a footnoted reference)."),
    "footnote": ("footnote", "The number of the source's footnote that gives the reference."),
    "quantity": ("quantity", "An amount, share or distance the quote states."),
    "measure": ("measure", "What a quantity measures (debt, loans, distance...)."),
    "approximate": (
        "approximate",
        "true when the quantity's value or bounds are the text's round figure "
        '("about $1 billion"); a bound ("less than") is schema:maxValue or '
        "schema:minValue, never schema:value.",
    ),
    "inverseLabel": ("inverse label", "How the relation reads from object to subject."),
    "converse": (
        "converse",
        "The property of the triple derived from this statement, from its object to "
        "its subject: the predicate itself when symmetric, else its inverse "
        "(owl:inverseOf). That triple is derived, not annotated.",
    ),
    "subjectType": ("subject type", "A class the relation accepts as subject."),
    "objectType": ("object type", "A class the relation accepts as object."),
    "sourceText": ("source text", "The file holding the text of a publication, relative to the data folder."),
    "sha256": ("SHA-256", "The SHA-256 hash (hex) of a source text file's bytes, as the build read it."),
}


#: Where the vocabularies kgraph ships live (package data: core.yaml, politics.yaml).
PACKAGED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vocabularies")


def packaged_files() -> list[str]:
    """The shipped vocabulary files, sorted (the cache key hashes them: editing one changes every
    graph built on it). Here rather than in vocabulary.py so the cache check stays cheap to import."""
    return sorted(os.path.join(PACKAGED_DIR, name) for name in os.listdir(PACKAGED_DIR) if name.endswith(".yaml"))
