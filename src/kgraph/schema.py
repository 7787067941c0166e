"""JSON Schema for a project's entity and relation files, so editors check records while typing.

Generated from the project's vocabulary and records: type names, predicates, entity ids and
publication ids are enums; required fields, date shapes and each type's declared fields are
spelled out. Draft-07, the draft editors' YAML support (yaml-language-server) knows best.
kgraph validate stays the authority (quotes, dates that exist, cycles...): the schema is a guide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgraph.load import QUOTE_OK, RELATION_KINDS, RELATION_STATUSES

if TYPE_CHECKING:
    from kgraph.model import Dataset

DRAFT = "http://json-schema.org/draft-07/schema#"
#: A partial ISO date as kgraph reads it (dates.py); YAML gives a bare year as a number.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
#: An EDTF level 1 date or interval (dates.py is the judge: this only guides an editor).
_EDTF_POINT = r"\d{2}[\dX]{2}(-(0[1-9]|1[0-2]|XX)(-(0[1-9]|[12]\d|3[01]|XX))?)?[~?%]?"
EDTF_PATTERN = rf"^({_EDTF_POINT}|({_EDTF_POINT}|\.\.)?/({_EDTF_POINT}|\.\.)?)$"
#: Ids as vocab.is_valid_id accepts them, in the regex dialect JSON Schema shares with editors.
#: What may not stand in an id, besides white space (the IRI's reserved and unsafe characters).
_NOT_IN_ID = r"<>\"{}|^`\\/:?#\[\]@!$&'()*+,;=%"
ID_PATTERN = rf"^[^\s_{_NOT_IN_ID}]([^\s{_NOT_IN_ID}]*[^\s_{_NOT_IN_ID}])?$"
_RANGES: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "number"]},
    "integer": {"type": "integer"},
    "decimal": {"type": ["number", "string"]},
    "boolean": {"type": "boolean"},
    "date": {"$ref": "#/definitions/date"},
    "gYear": {"type": ["integer", "string"], "pattern": r"^\d{4}$"},
    "gYearMonth": {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
    "anyURI": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$"},
}


@dataclass(frozen=True)
class FieldSpec:
    """A field a type declares: its range (string, integer, date, anyURI...) and whether it is a list."""

    name: str
    range: str = "string"
    many: bool = False


def json_schema(
    types: dict[str, list[FieldSpec]],
    predicates: list[str],
    entity_ids: list[str],
    publication_ids: list[str],
    title: str = "kgraph project",
) -> dict[str, Any]:
    """The schema of the project's entity files and relation files (either is a valid document)."""
    text = {"type": "string", "minLength": 1}
    texts = {"anyOf": [text, {"type": "array", "items": text}]}
    date = {"$ref": "#/definitions/edtf"}
    timed = {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {"name": text, "date": date, "start": date, "end": date},
        "description": "A name held for a period: {name: Moscow, date: 1922/1991}",
    }
    aliases = {"anyOf": [text, {"type": "array", "items": {"anyOf": [text, timed]}}]}
    common: dict[str, Any] = {
        "id": {"type": "string", "pattern": ID_PATTERN, "description": "A unique slug: letters, digits, '-', '_', '.'"},
        "type": {"enum": sorted(types), "description": "The entity's type (kgraph vocab lists them)"},
        "label": text,
        "aliases": aliases,
        "description": text,
        "date": date,
        "start": date,
        "end": date,
        "same_as": texts,
    }
    by_type = []
    for name in sorted(types):
        own = {spec.name: _field(spec) for spec in types[name]}
        by_type.append(
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": {"properties": {**dict.fromkeys(common, True), **own}, "additionalProperties": False},
            }
        )
    entity = {"type": "object", "required": ["id", "type", "label"], "properties": common, "allOf": by_type}
    ids, works = _names(entity_ids, "an entity id"), _names(publication_ids, "a publication id")
    number = {"type": ["number", "string"]}
    relation = {
        "type": "object",
        "required": ["subject", "predicate", "object", "quote"],
        "additionalProperties": False,
        "properties": {
            "subject": ids,
            "object": ids,
            "predicate": {"enum": sorted(predicates), "description": "A predicate (kgraph vocab lists them)"},
            "quote": {**text, "description": "The exact words of the source text"},
            "source": works,
            "cites": {"anyOf": [works, {"type": "array", "items": works}]},
            "date": date,
            "start": date,
            "end": date,
            "note": text,
            "kind": {"enum": list(RELATION_KINDS)},
            "status": {"enum": list(RELATION_STATUSES)},
            "quote_ok": {"anyOf": [{"enum": list(QUOTE_OK)}, {"type": "array", "items": {"enum": list(QUOTE_OK)}}]},
            "footnote": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
            "quantities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["unit"],
                    "additionalProperties": False,
                    "anyOf": [
                        {"required": ["value"], "not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}},
                        {"required": ["min"], "not": {"required": ["value"]}},
                        {"required": ["max"], "not": {"required": ["value"]}},
                    ],
                    "properties": {
                        "value": number,
                        "min": {**number, "description": "at least (a bound, not a value)"},
                        "max": {**number, "description": 'at most: "less than $1 million" (a bound)'},
                        "approximate": {"type": "boolean"},
                        "unit": text,
                        "of": text,
                    },
                },
            },
        },
    }
    relation_list = {"type": "array", "items": {"$ref": "#/definitions/relation"}}
    return {
        "$schema": DRAFT,
        "title": f"{title}: entity and relation files",
        "definitions": {
            "date": {
                "type": ["integer", "string"],
                "pattern": DATE_PATTERN,
                "minimum": 0,
                "maximum": 9999,
                "description": "1884-07-07, 1895-04 or 1961: the precision the text gives",
            },
            "edtf": {
                "type": ["integer", "string"],
                "pattern": EDTF_PATTERN,
                "minimum": 0,
                "maximum": 9999,
                "description": "1884-07-07, 1895-04, 1961, or EDTF: 1896~, 1945?, 196X, 1960/1979, "
                "2000/.. (still in force), 2000/ (ended, unknown when), ../1978",
            },
            "entity": entity,
            "relation": relation,
            "entities": {"type": "array", "items": {"$ref": "#/definitions/entity"}},
            "relations": {
                "anyOf": [
                    relation_list,
                    {
                        "type": "object",
                        "required": ["relations"],
                        "additionalProperties": False,
                        "properties": {"source": works, "relations": relation_list},
                    },
                ]
            },
        },
        "anyOf": [{"$ref": "#/definitions/entities"}, {"$ref": "#/definitions/relations"}],
    }


def project_schema(dataset: Dataset) -> dict[str, Any]:
    """The schema of one loaded project: its vocabulary's types and predicates, its ids."""
    vocabulary = dataset.vocabulary
    assert vocabulary is not None  # a loaded dataset always carries the vocabulary it was checked against
    types = {
        name: [FieldSpec(f.name, f.range, f.many) for f in vocabulary.fields(name).values()]
        for name in vocabulary.types
    }
    works = [e.id for e in dataset.entities.values() if vocabulary.is_publication(e.type)]
    return json_schema(
        types,
        list(vocabulary.predicates),
        list(dataset.entities),
        works,
        title=os.path.basename(os.path.abspath(dataset.root)),
    )


def _field(spec: FieldSpec) -> dict[str, Any]:
    one = _RANGES.get(spec.range, _RANGES["string"])
    return {"anyOf": [one, {"type": "array", "items": one}]} if spec.many else one


def _names(values: list[str], what: str) -> dict[str, Any]:
    """An enum of the names the project holds (an empty enum would refuse everything)."""
    if not values:
        return {"type": "string", "description": what}
    return {"enum": sorted(values), "description": what}
