"""The project's vocabulary: entity types, predicates, namespaces and IRI minting.

This is the one place IRIs are decided. Plain Python data, so importing it is cheap;
compile.py turns it into the ontology part of the graph.
"""

from __future__ import annotations

import re
from kgraph.record import Record

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
}


class EntityType(Record):
    """A class of the ontology.

    ``matches``: equivalent or broader terms of standard vocabularies ("schema:Person");
    ``fields``: fields this type accepts beyond the common ones.
    """

    __slots__ = ("name", "label", "comment", "matches", "fields")

    def __init__(self, name: str, label: str, comment: str, matches: tuple[str, ...] = (),
                 fields: tuple[str, ...] = ()) -> None:
        self.name, self.label, self.comment, self.matches, self.fields = name, label, comment, matches, fields


COMMON_ENTITY_FIELDS = ("id", "type", "label", "aliases", "description", "date", "start", "end", "same_as")

ENTITY_TYPES: dict[str, EntityType] = {
    t.name: t
    for t in [
        EntityType("State", "state", "A state or polity: a country, an empire, a kingdom.",
                   ("schema:Country",)),
        EntityType("Person", "person", "A human being: a leader, an official, an author.",
                   ("schema:Person", "foaf:Person", "prov:Person"), ("role",)),
        EntityType("Organization", "organization",
                   "An organization, administration, alliance, agency or armed force.",
                   ("schema:Organization", "foaf:Organization", "prov:Organization")),
        EntityType("Treaty", "treaty",
                   "A treaty, agreement, declaration, resolution or sanctions regime.",
                   ("schema:Legislation",)),
        EntityType("Project", "project", "A project, programme, policy or strategy.",
                   ("schema:Project",)),
        EntityType("Event", "event",
                   "Something that happened: a war, summit, crisis, forum, speech, test.",
                   ("schema:Event",)),
        EntityType("Place", "place", "A place: a region, city, island, peninsula.",
                   ("schema:Place",)),
        EntityType("Publication", "publication",
                   "A work: the annotated text itself or a work it cites.",
                   ("schema:CreativeWork", "prov:Entity"),
                   ("authors", "title", "publisher", "year", "url", "pages", "place",
                    "container", "volume", "issue", "text", "citation")),
    ]
}

ACTOR = ("State", "Person", "Organization")
ANY = tuple(ENTITY_TYPES)


class Predicate(Record):
    """A relation type: what it means and what it may connect.

    ``reflexive``: a relation from an entity to itself makes sense (rarely);
    ``acyclic``: chains of this predicate must not loop back (succession).
    """

    __slots__ = ("id", "label", "inverse_label", "description", "subject_types", "object_types",
                 "symmetric", "reflexive", "acyclic", "matches")

    def __init__(self, id: str, label: str, inverse_label: str, description: str,  # noqa: A002
                 subject_types: tuple[str, ...] = ACTOR, object_types: tuple[str, ...] = ANY,
                 symmetric: bool = False, reflexive: bool = False, acyclic: bool = False,
                 matches: tuple[str, ...] = ()) -> None:
        self.id, self.label, self.inverse_label, self.description = id, label, inverse_label, description
        self.subject_types, self.object_types = subject_types, object_types
        self.symmetric, self.reflexive, self.acyclic, self.matches = symmetric, reflexive, acyclic, matches


def _p(pid: str, label: str, inverse: str, description: str, subject: tuple[str, ...] = ACTOR,
       object: tuple[str, ...] = ANY, **flags: bool) -> Predicate:
    return Predicate(pid, label, inverse, description, subject, object, **flags)


PREDICATES: dict[str, Predicate] = {
    p.id: p
    for p in [
        _p("leaderOf", "led", "led by", "The subject led the object (a state, government or body).",
           ("Person",), ("State", "Organization")),
        _p("officialOf", "official of", "has official", "The subject held an office in the object.",
           ("Person",), ("State", "Organization")),
        _p("memberOf", "member of", "has member", "The subject belongs to the object.",
           ACTOR, ("Organization", "State")),
        _p("successorOf", "succeeded", "succeeded by", "The subject is the successor state of the object.",
           ("State", "Organization"), ("State", "Organization"), acyclic=True),
        _p("signed", "signed", "signed by", "The subject signed the treaty or agreement.",
           ACTOR, ("Treaty",)),
        _p("partyTo", "party to", "has party", "The subject is a party to the treaty, event or project.",
           ACTOR, ("Treaty", "Event", "Project")),
        _p("agreedWith", "agreed with", "agreed with", "The two actors reached an agreement.",
           ACTOR, ACTOR, symmetric=True),
        _p("proposed", "proposed", "proposed by", "The subject proposed the object.",
           ACTOR, ("Treaty", "Project", "Event")),
        _p("proposedTo", "made a proposal to", "received a proposal from",
           "The subject put a proposal to the object.", ACTOR, ACTOR),
        _p("rejected", "rejected", "rejected by", "The subject rejected the object.", ACTOR, ANY),
        _p("supported", "supported", "supported by", "The subject supported the object.", ACTOR, ANY),
        _p("opposed", "opposed", "opposed by", "The subject opposed the object.", ACTOR, ANY),
        _p("condemned", "condemned", "condemned by", "The subject condemned the object.",
           (*ACTOR, "Treaty"), ANY),
        _p("recognized", "recognized", "recognized by",
           "The subject recognized the object (a state, government or act).", ACTOR, ("State", "Event", "Organization")),
        _p("invaded", "invaded", "invaded by", "The subject invaded the object.", ACTOR, ("State", "Place")),
        _p("annexed", "annexed", "annexed by", "The subject annexed the object.", ACTOR, ("State", "Place")),
        _p("participatedIn", "took part in", "had participant", "The subject took part in the event or project.",
           ACTOR, ("Event", "Project", "Treaty")),
        _p("lentTo", "lent to", "borrowed from", "The subject lent money to the object.", ACTOR, ACTOR),
        _p("wroteOffDebtOf", "wrote off debt of", "had debt written off by",
           "The subject cancelled (part of) the object's debt.", ACTOR, ACTOR),
        _p("warned", "warned", "warned by", "The subject warned the object.", ACTOR, ACTOR),
        _p("assured", "assured", "assured by", "The subject gave the object an assurance.", ACTOR, ACTOR),
        _p("met", "met", "met", "The two met.", ACTOR, ACTOR, symmetric=True),
        _p("created", "created", "created by", "The subject created or founded the object.", ACTOR, ANY),
        _p("protected", "protected", "protected by", "The subject protected the object.", ACTOR, ACTOR),
        _p("trained", "trained", "trained by", "The subject trained the object's forces.", ACTOR, ACTOR),
        _p("investedIn", "invested in", "received investment from", "The subject invested in the object.",
           ACTOR, ("State", "Place", "Project", "Organization")),
        _p("cooperatedWith", "cooperated with", "cooperated with", "The two actors cooperated.",
           ACTOR, ACTOR, symmetric=True),
        _p("tradedWith", "traded with", "traded with", "The two actors traded.", ACTOR, ACTOR, symmetric=True),
        _p("rivalOf", "in rivalry with", "in rivalry with", "The two actors were at odds.",
           ACTOR, ACTOR, symmetric=True),
        _p("influenced", "had influence in", "under influence of", "The subject held influence over the object.",
           ACTOR, ("State", "Place", "Organization")),
        _p("lostControlOf", "lost control of", "no longer controlled by", "The subject lost control of the object.",
           ACTOR, ("State", "Place")),
        _p("defeatedIn", "was defeated in", "defeated", "The subject lost the war or contest.", ACTOR, ("Event",)),
        _p("locatedIn", "located in", "location of", "The subject lies in the object.",
           ("Place", "Event", "Organization"), ("Place", "State")),
        _p("partOf", "part of", "has part", "The subject is a part of the object.", ANY, ANY),
        _p("causedBy", "caused by", "caused", "The subject event was caused by the object.",
           ("Event",), ("Event", "Project", "Treaty")),
        _p("authorOf", "author of", "written by", "The person or body wrote the work.",
           ("Person", "Organization"), ("Publication",)),
        _p("publisherOf", "published", "published by", "The organization published the work.",
           ("Organization",), ("Publication",)),
        _p("alliedWith", "allied with", "allied with",
           "The two actors were (strategic or military) allies.", ACTOR, ACTOR, symmetric=True),
        _p("endedWith", "ended with", "ended", "The subject event ended with the object (a cease-fire, "
           "treaty or event).", ("Event",), ("Treaty", "Event")),
        _p("affectedBy", "affected by", "affected",
           "The subject's relations or position were strained or shaped by the object.",
           ACTOR, ("Event", "Project", "Treaty")),
        _p("concernedAbout", "concerned about", "a concern of",
           "The subject was wary of or concerned about the object.", ACTOR, ANY),
        _p("mediatorIn", "acts as mediator in", "has mediator",
           "The subject acts, or seeks to act, as facilitator, mediator or broker in the object "
           "(negotiations, talks).", ACTOR, ("Event",)),
        _p("seeksInfluenceIn", "seeks influence in", "influence sought by",
           "The subject seeks to gain, increase or regain influence in the object.",
           ACTOR, ("State", "Place")),
        _p("seeksStabilityOf", "seeks peace and stability in", "peace and stability sought by",
           "The subject aims to keep peace and stability in the object.", ACTOR, ("State", "Place")),
        _p("balancesAgainst", "balances against", "balanced against by",
           "The subject seeks to balance off the object's influence or impact.", ACTOR, ACTOR),
        _p("borders", "borders", "borders", "The two share a border.",
           ("State", "Place"), ("State", "Place"), symmetric=True),
        _p("near", "lies near", "has nearby", "The subject lies close to the object.",
           ("Place",), ("State", "Place")),
        _p("persuaded", "persuaded", "persuaded by", "The subject convinced the object to act.",
           ACTOR, ACTOR),
        _p("attacked", "attacked", "attacked by", "The subject attacked the object militarily.",
           ACTOR, ("State", "Place")),
        _p("withdrewFrom", "withdrew from", "was left by",
           "The subject withdrew from the treaty, organization or project.",
           ACTOR, ("Treaty", "Organization", "Project")),
        _p("adopted", "adopted", "adopted by", "The body adopted the resolution, sanctions or decision.",
           ("Organization", "State"), ("Treaty",)),
        _p("sanctioned", "sanctioned", "sanctioned by",
           "The subject (a body, a state or a sanctions regime) imposed sanctions on the object.",
           (*ACTOR, "Treaty"), ACTOR),
        _p("conducted", "conducted", "conducted by", "The subject carried out the event (a test, an operation).",
           ACTOR, ("Event",)),
        _p("empathizesWith", "sees itself in", "seen by",
           "The subject understands the object's behaviour as mirroring its own situation.", ACTOR, ACTOR),
        _p("pursued", "pursued", "pursued by", "The subject pursued the policy, strategy or programme.",
           ACTOR, ("Project",)),
        _p("advocated", "advocated", "advocated by", "The subject argued for the measure, plan or outcome.",
           ACTOR, ("Project", "Treaty", "Event")),
        _p("considered", "considered", "considered by",
           "The subject considered the step without (yet) taking it.", ACTOR, ("Project", "Treaty", "Event")),
        _p("seeksDevelopmentOf", "seeks to develop", "development sought by",
           "The subject seeks the economic development of the region.", ACTOR, ("Place", "State")),
        _p("connects", "connects", "connected by", "The project (a railway, pipeline) links the object.",
           ("Project",), ("State", "Place", "Organization")),
        _p("questioned", "cast doubt on", "put in doubt by",
           "The subject created uncertainty over the object's future.", ACTOR, ("Treaty", "Project", "Organization")),
        _p("organized", "organized", "organized by", "The subject holds or organizes the event.",
           ACTOR, ("Event",)),
    ]
}

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
        return ("the base IRI must be absolute (https://example.org/kg/) and hold no spaces, "
                "control characters or any of <>\"{}|^`\\")
    if base[-1] not in "/#:":
        return "the base IRI must end with '/', '#' or ':' (so ids do not run into it)"
    return None


def entity_iri(base: str, entity_id: str) -> str:
    """The IRI of a (validated) entity id; letters of any script are kept, as IRIs allow."""
    return base + entity_id


def predicate_iri(predicate_id: str) -> str:
    return ONTOLOGY + predicate_id


def class_iri(type_name: str) -> str:
    return ONTOLOGY + type_name


def statement_iri(base: str, subject: str, predicate: str, object: str, dates: str, quote: str) -> str:
    """A stable IRI for one relation, from what identifies the claim (not its position in the file)."""
    import hashlib

    key = "|".join((subject, predicate, object, dates, quote)).encode("utf-8")
    return f"{base}statement/{subject}.{predicate}.{object}.{hashlib.sha1(key).hexdigest()[:8]}"


#: Properties that describe entities and statements, declared in the ontology with a label and comment.
META_PROPERTIES: dict[str, tuple[str, str]] = {
    "date": ("date", "When it happened, at the precision the source gives (xsd:date, gYearMonth or gYear)."),
    "start": ("start", "When it began, at the precision the source gives."),
    "end": ("end", "When it ended, at the precision the source gives."),
    "earliest": ("earliest day", "The first day the date or interval can mean (for sorting and filtering)."),
    "latest": ("latest day", "The last day the date or interval can mean (for sorting and filtering)."),
    "quote": ("quote", "The verbatim words of the source that support the statement."),
    "note": ("note", "A curator's note on the statement."),
    "kind": ("kind", "'fact' for a reported event or state, 'assessment' for the author's own judgement."),
    "cites": ("cites", "A work the source attributes the claim to (a footnoted reference)."),
    "footnote": ("footnote", "The number of the source's footnote that gives the reference."),
    "quantity": ("quantity", "An amount, share or distance the quote states."),
    "measure": ("measure", "What a quantity measures (debt, loans, distance...)."),
    "inverseLabel": ("inverse label", "How the relation reads from object to subject."),
    "subjectType": ("subject type", "A class the relation accepts as subject."),
    "objectType": ("object type", "A class the relation accepts as object."),
    "sourceText": ("source text", "The file holding the text of a publication, relative to the data folder."),
}
