"""A project's vocabulary: its entity types and predicates, read from ``vocabulary.yaml``.

The vocabulary is project data, like the annotations: a data folder may hold ``vocabulary.yaml``
that ``extends`` one kgraph ships (``core``, ``politics``; YAML files in kgraph/vocabularies/) and
declares its own types and predicates. Without the file a project gets ``core``. The result is a
:class:`Vocabulary` value that is passed around (never a module global), so two projects with
different vocabularies can live in one process.

Loading validates the file like the data: every problem at once, each at ``file:line:col``.
This is the only module that names the types kgraph itself relies on (``Thing``, the root, and
``Publication``, whose records are the sources quotes are checked against).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kgraph.errors import DataError, Problem
from kgraph.record import Record
from kgraph.suggest import did_you_mean
from kgraph.vocab import (
    COMMON_ENTITY_FIELDS,
    META_PROPERTIES,
    ONTOLOGY,
    PREFIXES,
    STATUS_CLASS,
    STATUSES,
    packaged_files,
)

if TYPE_CHECKING:
    from kgraph.rows import Rows
    from kgraph.yamlnodes import Node

VOCABULARY_FILE = "vocabulary.yaml"
#: What a vocabulary extends when it says nothing (and what a project without the file gets).
BASE = "core"
#: The root type (every type without a parent is one) and the type of the sources.
ROOT, PUBLICATION = "Thing", "Publication"

#: A field's range and the XSD datatype its literal gets (None: a plain string).
RANGES: dict[str, str | None] = {
    "string": None,
    "integer": "integer",
    "decimal": "decimal",
    "boolean": "boolean",
    "date": "date",
    "gYear": "gYear",
    "gYearMonth": "gYearMonth",
    "anyURI": "anyURI",
}
TOP_KEYS = ("extends", "prefix", "types", "predicates")
TYPE_KEYS = ("label", "description", "parent", "matches", "fields")
FIELD_KEYS = ("range", "property", "list")
PREDICATE_KEYS = (
    "label",
    "inverse",
    "description",
    "subject",
    "object",
    "symmetric",
    "reflexive",
    "acyclic",
    "matches",
)
_FLAGS = ("symmetric", "reflexive", "acyclic")
#: Names kgraph's own ontology uses: a type or predicate may not take them.
RESERVED_TYPES = ("Entity", "Assessment", STATUS_CLASS, *(status.capitalize() for status in STATUSES))
#: ``cites`` is both core's predicate and a statement's citation: the same meaning (cites a work).
RESERVED_PREDICATES = tuple(name for name in META_PROPERTIES if name != "cites")
#: Types and predicates become IRIs: a letter, then letters, digits, '_' or '-'.
_NAME = re.compile(r"^[^\W\d_][\w-]*$")
_IRI_BAD = re.compile(r'[\s<>"{}|^`\\]')


class Field(Record):
    """An extra field a type's records take, and the RDF property its value becomes."""

    __slots__ = ("name", "range", "property", "many")

    def __init__(self, name: str, range: str, property: str, many: bool = False) -> None:  # noqa: A002
        self.name, self.range, self.property, self.many = name, range, property, many


class EntityType(Record):
    """A class of the project's ontology. ``matches``: standard terms (CURIEs or IRIs) it maps to."""

    __slots__ = ("name", "label", "comment", "parent", "matches", "fields", "iri")

    def __init__(
        self,
        name: str,
        label: str,
        comment: str,
        parent: str | None = None,
        matches: tuple[str, ...] = (),
        fields: dict[str, Field] | None = None,
        iri: str = "",
    ) -> None:
        self.name, self.label, self.comment, self.parent = name, label, comment, parent
        self.matches, self.fields, self.iri = matches, fields or {}, iri or ONTOLOGY + name


class Predicate(Record):
    """A relation type: what it means and what it may connect.

    ``reflexive``: a relation from an entity to itself makes sense (rarely);
    ``acyclic``: chains of this predicate must not loop back (succession, parts).
    """

    __slots__ = (
        "id",
        "label",
        "inverse_label",
        "description",
        "subject_types",
        "object_types",
        "symmetric",
        "reflexive",
        "acyclic",
        "matches",
        "iri",
    )

    def __init__(
        self,
        id: str,
        label: str,
        inverse_label: str,
        description: str,  # noqa: A002
        subject_types: tuple[str, ...] = (ROOT,),
        object_types: tuple[str, ...] = (ROOT,),
        symmetric: bool = False,
        reflexive: bool = False,
        acyclic: bool = False,
        matches: tuple[str, ...] = (),
        iri: str = "",
    ) -> None:
        self.id, self.label, self.inverse_label, self.description = id, label, inverse_label, description
        self.subject_types, self.object_types = subject_types, object_types
        self.symmetric, self.reflexive, self.acyclic, self.matches = symmetric, reflexive, acyclic, matches
        self.iri = iri or ONTOLOGY + id


class Vocabulary:
    """The types and predicates of one project, with the subtype logic every check shares.

    ``namespace``: where this project's own terms live (``prefix:``); ``files``: the YAML files it
    was composed from, packaged ones first; ``chain``: the vocabularies it extends, core first.
    """

    def __init__(
        self,
        types: dict[str, EntityType],
        predicates: dict[str, Predicate],
        namespace: str = ONTOLOGY,
        files: tuple[str, ...] = (),
        chain: tuple[str, ...] = (),
        source: str | None = None,
    ) -> None:
        self.types, self.predicates, self.namespace = types, predicates, namespace
        self.files, self.chain, self.source = files, chain, source
        self._ancestors: dict[str, tuple[str, ...]] = {}

    def __repr__(self) -> str:
        return (
            f"Vocabulary({len(self.types)} types, {len(self.predicates)} predicates, "
            f"chain={self.chain!r}, source={self.source!r})"
        )

    # --- a plain form, kept in the compiled-graph cache so warm commands read no YAML ---

    def to_plain(self) -> dict[str, object]:
        """Lists, strings and booleans only (JSON and marshal can hold it)."""
        return {
            "types": [
                [
                    t.name,
                    t.label,
                    t.comment,
                    t.parent,
                    list(t.matches),
                    [[f.name, f.range, f.property, f.many] for f in t.fields.values()],
                    t.iri,
                ]
                for t in self.types.values()
            ],
            "predicates": [
                [
                    p.id,
                    p.label,
                    p.inverse_label,
                    p.description,
                    list(p.subject_types),
                    list(p.object_types),
                    p.symmetric,
                    p.reflexive,
                    p.acyclic,
                    list(p.matches),
                    p.iri,
                ]
                for p in self.predicates.values()
            ],
            "namespace": self.namespace,
            "files": list(self.files),
            "chain": list(self.chain),
            "source": self.source,
        }

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Vocabulary:
        """The inverse of :meth:`to_plain`."""
        types = {}
        for name, label, comment, parent, matches, fields, iri in plain["types"]:
            types[name] = EntityType(
                name, label, comment, parent, tuple(matches), {f[0]: Field(f[0], f[1], f[2], f[3]) for f in fields}, iri
            )
        predicates = {}
        for pid, label, inverse, description, subject, obj, symmetric, reflexive, acyclic, matches, iri in plain[
            "predicates"
        ]:
            predicates[pid] = Predicate(
                pid,
                label,
                inverse,
                description,
                tuple(subject),
                tuple(obj),
                symmetric,
                reflexive,
                acyclic,
                tuple(matches),
                iri,
            )
        return cls(types, predicates, plain["namespace"], tuple(plain["files"]), tuple(plain["chain"]), plain["source"])

    # --- subtypes ---

    def ancestors(self, name: str) -> tuple[str, ...]:
        """The type itself, then its parent, grandparent... (stops at an unknown or looping parent)."""
        found = self._ancestors.get(name)
        if found is None:
            chain: list[str] = []
            current: str | None = name
            while current is not None and current in self.types and current not in chain:
                chain.append(current)
                current = self.types[current].parent
            found = self._ancestors[name] = tuple(chain)
        return found

    def is_a(self, name: str, ancestor: str) -> bool:
        """Whether ``name`` is ``ancestor`` or a subtype of it."""
        return ancestor in self.ancestors(name)

    def accepts(self, allowed: Iterable[str], name: str) -> bool:
        """Whether a type fits a list of allowed types: a subtype is accepted wherever its parent is."""
        ancestors = self.ancestors(name)
        return any(a in ancestors for a in allowed)

    def expand(self, allowed: Iterable[str]) -> tuple[str, ...]:
        """Every declared type the list accepts (the types and their subtypes), in declaration order."""
        allowed = tuple(allowed)
        return tuple(t for t in self.types if self.accepts(allowed, t))

    def common_ancestor(self, names: Iterable[str]) -> str | None:
        """The nearest type every one of ``names`` is a subtype of; None when they share none."""
        chains = [self.ancestors(n) for n in names]
        if not chains:
            return None
        for candidate in chains[0]:
            if all(candidate in chain for chain in chains[1:]):
                return candidate
        return None

    def is_publication(self, name: str) -> bool:
        """Whether records of this type are works: sources of quotes and targets of ``cites``."""
        return self.is_a(name, PUBLICATION)

    @property
    def publication(self) -> EntityType:
        """The type of sources (every vocabulary extends core, which declares it)."""
        return self.types[PUBLICATION]

    def fields(self, name: str) -> dict[str, Field]:
        """The extra fields a type's records take: its own and those it inherits."""
        out: dict[str, Field] = {}
        for ancestor in reversed(self.ancestors(name)):
            out.update(self.types[ancestor].fields)
        return out

    def entity_fields(self, name: str) -> tuple[str, ...]:
        """Every field a record of the type may have."""
        return (*COMMON_ENTITY_FIELDS, *self.fields(name))

    # --- predicates ---

    def inverse_id(self, pred: Predicate) -> str | None:
        """The id of the declared inverse property (``awarded to`` -> ``awardedTo``); None when the
        predicate is symmetric (it is its own inverse) or declares no inverse label."""
        if pred.symmetric or not pred.inverse_label:
            return None
        return camel_case(pred.inverse_label)

    def inverse_iri(self, pred: Predicate) -> str | None:
        name = self.inverse_id(pred)
        return None if name is None else namespace_of(pred.iri) + name

    def suggest_predicate(self, name: str) -> str:
        """A hint for an unknown predicate (see :func:`hint`)."""
        return hint(
            name, "predicate", {p.id: (p.label, p.inverse_label, p.description) for p in self.predicates.values()}, self
        )

    def suggest_type(self, name: str) -> str:
        """A hint for an unknown type."""
        return hint(name, "type", {t.name: (t.label, "", t.comment) for t in self.types.values()}, self)


def camel_case(label: str) -> str:
    """An id from words: ``awarded to`` -> ``awardedTo``.

    >>> camel_case("received a proposal from")
    'receivedAProposalFrom'
    """
    words = [w for w in re.split(r"[^\w]+", label) if w]
    if not words:
        return ""
    return words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])


def words_of(name: str) -> list[str]:
    """The words of an id or label, lower-cased: ``leaderOf`` -> ``['leader', 'of']``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [w.casefold() for w in re.split(r"[^\w]+", spaced) if w]


_STOP = frozenset(
    "a an the of in on to by with from for and or its it is was were be as at "
    "that this who whom which subject object one two".split()
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    return {_stem(w) for w in words_of(text) if w not in _STOP}


def hint(name: str, what: str, entries: dict[str, tuple[str, str, str]], vocabulary: Vocabulary) -> str:
    """What to say after ``unknown predicate 'NAME'``: the one it surely means, or the closest by
    meaning and how to declare it.

    Spelling alone misleads (``acquired`` is not ``assured``), so an id is suggested outright only
    when the name is its label or inverse label, or nearly its spelling; otherwise the entries
    sharing words with the name (in id, labels or description) are listed as possibilities.
    """
    wanted = " ".join(words_of(name))
    for key, (label, inverse, _description) in entries.items():
        if wanted == " ".join(words_of(label)) and wanted:
            return f" (did you mean '{key}'? '{label}' is its label)"
        if inverse and wanted == " ".join(words_of(inverse)):
            return f" (did you mean '{key}' with subject and object swapped? '{inverse}' is its inverse label)"
    close = did_you_mean(name, list(entries), cutoff=0.85)
    if close:
        return close
    elsewhere = shipped_elsewhere(name, vocabulary)
    if elsewhere:
        return f": there is no such {what} in this project's vocabulary{elsewhere}"
    words = _content(name)
    scored = []
    for key, (label, inverse, description) in entries.items():
        score = (
            3 * len(words & _content(key))
            + 3 * len(words & _content(label))
            + 2 * len(words & _content(inverse))
            + len(words & _content(description))
        )
        if score:
            scored.append((-score, key))
    where = vocabulary.source or f"{VOCABULARY_FILE} in the data folder"
    declare = (
        f"declare it under 'predicates:' in {where} (label, inverse, description, subject, object)"
        if what == "predicate"
        else f"declare it under 'types:' in {where} (label, description, parent)"
    )
    if scored:
        listed = ", ".join(f"'{key}' ({entries[key][0]})" for _score, key in sorted(scored)[:3])
        return f": there is no such {what}; closest by meaning: {listed}; or {declare}; see kgraph vocab"
    return f": there is no such {what}, nor one close in meaning; {declare}; see kgraph vocab"


def shipped_elsewhere(name: str, vocabulary: Vocabulary) -> str:
    """``; 'signed' is in kgraph's 'politics' vocabulary: ...`` when a shipped vocabulary the project
    does not extend declares the name (a project without vocabulary.yaml has core only)."""
    for other in packaged_names():
        if other in vocabulary.chain:
            continue
        found = packaged(other)
        if name in found.types or name in found.predicates:
            return (
                f"; '{name}' is in kgraph's '{other}' vocabulary: add 'extends: {other}' to "
                f"{vocabulary.source or VOCABULARY_FILE + ' in the data folder'}"
            )
    return ""


def namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


# --- loading ---


def packaged_names() -> list[str]:
    """The vocabularies kgraph ships."""
    return [os.path.basename(path)[:-5] for path in packaged_files()]


def load_vocabulary(data_dir: str) -> Vocabulary:
    """The vocabulary of a data folder: its ``vocabulary.yaml``, or ``core`` when it has none.

    Raises DataError listing every problem of the file(s).
    """
    path = os.path.join(data_dir, VOCABULARY_FILE)
    if not os.path.isfile(path):
        return packaged(BASE)
    return load_file(path)


_PACKAGED: dict[str, Vocabulary] = {}


def packaged(name: str) -> Vocabulary:
    """A vocabulary kgraph ships, by name (memoised: they are read-only package data)."""
    if name not in _PACKAGED:
        path = next(p for p in packaged_files() if os.path.basename(p) == f"{name}.yaml")
        _PACKAGED[name] = load_file(path, packaged_name=name)
    return _PACKAGED[name]


def load_file(path: str, packaged_name: str | None = None) -> Vocabulary:
    """Compose one vocabulary file over what it extends; raise DataError with every problem."""
    from kgraph.files import display_path, read_text
    from kgraph.yamlnodes import read_yaml

    problems: list[Problem] = []
    shown = display_path(path)
    text = read_text(path, problems)
    root = read_yaml(shown, text, problems) if text is not None else None
    builder = _Builder(shown, problems)
    base: Vocabulary | None = None
    if root is not None and root.kind != "map":
        if root.kind != "invalid":
            problems.append(
                Problem(
                    shown,
                    root.line,
                    root.column,
                    "a vocabulary file is a mapping (extends:, prefix:, types:, predicates:)",
                )
            )
        root = None
    fields = root.value if root is not None else {}
    if root is not None:
        builder.check_keys(root, TOP_KEYS, "the vocabulary")
    extends = builder.extends(fields.get("extends"), packaged_name)
    if extends is not None:
        base = packaged(extends)
    namespace = builder.prefix(fields.get("prefix"), base)
    vocabulary = builder.compose(base, fields.get("types"), fields.get("predicates"), namespace)
    vocabulary.files = (*(base.files if base else ()), os.path.abspath(path))
    vocabulary.chain = (*(base.chain if base else ()), packaged_name or shown)
    vocabulary.source = None if packaged_name else shown
    if problems:
        raise DataError(problems)
    return vocabulary


class _Builder:
    """Reads one vocabulary file's nodes, reporting each problem where it is."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path, self.problems = path, problems

    def problem(self, where: Node | tuple[int, int], message: str) -> None:
        from kgraph.yamlnodes import Node

        line, col = (where.line, where.column) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, col, message))

    def check_keys(self, node: Node, allowed: tuple[str, ...], what: str) -> None:
        for key, mark in (node.key_marks or {}).items():
            if key not in allowed:
                tip = did_you_mean(key, list(allowed)) or f"; allowed: {', '.join(allowed)}"
                self.problem(mark, f"unknown key '{key}' in {what}{tip}")

    def text(self, node: Node | None, what: str) -> str | None:
        if node is None or node.kind in ("null", "invalid"):
            return None
        if node.kind != "str" or not str(node.value).strip():
            self.problem(node, f"{what} must be a non-empty text")
            return None
        return str(node.value).strip()

    def flag(self, node: Node | None, what: str) -> bool | None:
        if node is None or node.kind in ("null", "invalid"):
            return None
        if node.kind != "bool":
            self.problem(node, f"{what} must be true or false")
            return None
        return bool(node.value)

    def names(self, node: Node | None, what: str) -> list[tuple[str, Node]] | None:
        """A list of names (a single name is a one-item list), each with its node."""
        if node is None or node.kind in ("null", "invalid"):
            return None
        items = node.value if node.kind == "list" else [node]
        out = []
        for item in items:
            if item.kind == "str" and str(item.value).strip():
                out.append((str(item.value).strip(), item))
            elif item.kind != "invalid":
                self.problem(item, f"{what} must list names")
        return out

    def extends(self, node: Node | None, packaged_name: str | None) -> str | None:
        if node is None:
            return None if packaged_name == BASE else BASE
        name = self.text(node, "'extends'")
        if name is None:
            return BASE
        known = packaged_names()
        if packaged_name is not None and name == packaged_name or name not in known:
            tip = did_you_mean(name, known)
            self.problem(node, f"unknown vocabulary '{name}' in 'extends'{tip}; kgraph ships: {', '.join(known)}")
            return BASE if packaged_name != BASE else None
        return name

    def prefix(self, node: Node | None, base: Vocabulary | None) -> str:
        inherited = base.namespace if base else ONTOLOGY
        value = self.text(node, "'prefix'")
        if value is None or node is None:  # text() gives None for a missing node
            return inherited
        if (
            not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+", value)
            or _IRI_BAD.search(value)
            or not value.endswith(("#", "/"))
        ):
            self.problem(
                node,
                f"'prefix' must be an absolute IRI ending in '#' or '/' "
                f"(e.g. https://example.org/my-ontology#), not '{value}'",
            )
            return inherited
        return value

    def term(self, node: Node, value: str, what: str) -> str | None:
        """A CURIE with a known prefix (``schema:Person``) or an absolute IRI, as a full IRI."""
        if re.match(r"^https?://", value) and not _IRI_BAD.search(value):
            return value
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES and local and not _IRI_BAD.search(local):
            return PREFIXES[prefix] + local
        if sep and prefix not in PREFIXES:
            self.problem(
                node,
                f"{what}: unknown prefix '{prefix}' in '{value}'; use one of "
                f"{', '.join(sorted(PREFIXES))} or a full IRI",
            )
        else:
            self.problem(node, f"{what}: '{value}' is not a prefixed name (schema:Person) or an IRI")
        return None

    def name_ok(self, key: str, mark: tuple[int, int], what: str, reserved: tuple[str, ...]) -> bool:
        if not _NAME.match(key):
            self.problem(
                mark, f"{what} '{key}' cannot become an IRI: use a letter, then letters, digits, '_' or '-' (no spaces)"
            )
            return False
        if key in reserved:
            self.problem(mark, f"{what} '{key}' is reserved: kgraph's own ontology uses it")
            return False
        return True

    def section(self, node: Node | None, what: str) -> list[tuple[str, tuple[int, int], Node]]:
        if node is None or node.kind in ("null", "invalid"):
            return []
        if node.kind != "map":
            self.problem(node, f"'{what}' must be a mapping of names to their declarations")
            return []
        out = []
        for key, value in node.value.items():
            mark = (node.key_marks or {})[key]
            if value.kind == "null":
                value = type(value)({}, "map", value.line, value.column, {})
            if value.kind != "map":
                if value.kind != "invalid":
                    self.problem(value, f"'{key}' must be a mapping of keys (label:, description: ...)")
                continue
            out.append((key, mark, value))
        return out

    def compose(
        self, base: Vocabulary | None, types_node: Node | None, predicates_node: Node | None, namespace: str
    ) -> Vocabulary:
        types = dict(base.types) if base else {}
        predicates = dict(base.predicates) if base else {}
        own_iri: dict[str, tuple[int, int]] = {}
        refs: list[tuple[str, Node, str]] = []  # (type name, node naming it, what)
        parents: dict[str, Node] = {}
        sections = (
            ("type", types_node, TYPE_KEYS, RESERVED_TYPES, types, predicates),
            ("predicate", predicates_node, PREDICATE_KEYS, RESERVED_PREDICATES, predicates, types),
        )
        for kind, section, keys, reserved, _target, other in sections:
            for name, mark, node in self.section(section, kind + "s"):
                if not self.name_ok(name, mark, kind, reserved):
                    continue
                self.check_keys(node, keys, f"{kind} '{name}'")
                if name in other:
                    self.problem(
                        mark, f"duplicate name '{name}': it is already a {'predicate' if kind == 'type' else 'type'}"
                    )
                    continue
                if kind == "type":
                    types[name] = self._type(name, node, types.get(name), namespace, refs, parents)
                else:
                    predicates[name] = self._predicate(name, node, predicates.get(name), namespace, refs)
                own_iri[name] = mark
        vocabulary = Vocabulary(types, predicates, namespace)
        for type_name, node, what in refs:
            if type_name not in types:
                tip = did_you_mean(type_name, list(types)) or f"; declared types: {', '.join(types)}"
                self.problem(node, f"{what} names undeclared type '{type_name}'{tip}")
        self._check_cycles(vocabulary, parents)
        self._check_inverses(vocabulary, own_iri)
        return vocabulary

    def _type(
        self,
        name: str,
        node: Node,
        inherited: EntityType | None,
        namespace: str,
        refs: list[tuple[str, Node, str]],
        parents: dict[str, Node],
    ) -> EntityType:
        f = node.value
        label = self.text(f.get("label"), f"type '{name}': 'label'")
        comment = self.text(f.get("description"), f"type '{name}': 'description'")
        parent_node = f.get("parent")
        parent = self.text(parent_node, f"type '{name}': 'parent'")
        if parent is not None and parent_node is not None:
            refs.append((parent, parent_node, f"type '{name}': 'parent'"))
            parents[name] = parent_node
        matches = self._matches(f.get("matches"), f"type '{name}': 'matches'")
        fields = self._fields(name, f.get("fields"), namespace)
        if inherited is not None:
            return EntityType(
                name,
                label or inherited.label,
                comment or inherited.comment,
                parent if parent_node is not None else inherited.parent,
                matches if matches is not None else inherited.matches,
                {**inherited.fields, **fields},
                inherited.iri,
            )
        if parent is None and name != ROOT:
            parent = ROOT
        return EntityType(
            name, label or " ".join(words_of(name)), comment or "", parent, matches or (), fields, namespace + name
        )

    def _matches(self, node: Node | None, what: str) -> tuple[str, ...] | None:
        names = self.names(node, what)
        if names is None:
            return None
        return tuple(value for value, item in names if self.term(item, value, what))

    def _fields(self, type_name: str, node: Node | None, namespace: str) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for name, mark, spec in self.section(node, f"type '{type_name}': 'fields'"):
            what = f"field '{name}' of type '{type_name}'"
            if name in COMMON_ENTITY_FIELDS:
                self.problem(mark, f"{what} is one every record has already")
                continue
            if not _NAME.match(name):
                self.problem(mark, f"{what} cannot become an IRI: use a letter, then letters, digits, '_' or '-'")
                continue
            self.check_keys(spec, FIELD_KEYS, what)
            f = spec.value
            range_node = f.get("range")
            field_range = self.text(range_node, f"{what}: 'range'") or "string"
            if field_range not in RANGES and range_node is not None:
                tip = did_you_mean(field_range, list(RANGES))
                self.problem(range_node, f"{what}: unknown range '{field_range}'{tip}; use one of {', '.join(RANGES)}")
                field_range = "string"
            prop_node = f.get("property")
            prop = self.text(prop_node, f"{what}: 'property'")
            iri = self.term(prop_node, prop, f"{what}: 'property'") if prop and prop_node else None
            many = self.flag(f.get("list"), f"{what}: 'list'") or False
            out[name] = Field(name, field_range, iri or namespace + name, many)
        return out

    def _predicate(
        self, pid: str, node: Node, inherited: Predicate | None, namespace: str, refs: list[tuple[str, Node, str]]
    ) -> Predicate:
        f = node.value
        label = self.text(f.get("label"), f"predicate '{pid}': 'label'")
        inverse = self.text(f.get("inverse"), f"predicate '{pid}': 'inverse'")
        description = self.text(f.get("description"), f"predicate '{pid}': 'description'")
        sides: dict[str, tuple[str, ...] | None] = {}
        for side in ("subject", "object"):
            names = self.names(f.get(side), f"predicate '{pid}': '{side}'")
            for value, item in names or []:
                refs.append((value, item, f"predicate '{pid}': '{side}'"))
            sides[side] = tuple(dict.fromkeys(v for v, _ in names)) if names else None
        flags = {name: self.flag(f.get(name), f"predicate '{pid}': '{name}'") for name in _FLAGS}
        matches = self._matches(f.get("matches"), f"predicate '{pid}': 'matches'")
        if inherited is not None:

            def flag(name: str) -> bool:
                given = flags[name]
                return bool(getattr(inherited, name)) if given is None else bool(given)

            return Predicate(
                pid,
                label or inherited.label,
                inverse or inherited.inverse_label,
                description or inherited.description,
                sides["subject"] or inherited.subject_types,
                sides["object"] or inherited.object_types,
                symmetric=flag("symmetric"),
                reflexive=flag("reflexive"),
                acyclic=flag("acyclic"),
                matches=matches if matches is not None else inherited.matches,
                iri=inherited.iri,
            )
        label = label or " ".join(words_of(pid))
        if flags["symmetric"] and inverse is None:
            inverse = label
        return Predicate(
            pid,
            label,
            inverse or "",
            description or "",
            sides["subject"] or (ROOT,),
            sides["object"] or (ROOT,),
            symmetric=bool(flags["symmetric"]),
            reflexive=bool(flags["reflexive"]),
            acyclic=bool(flags["acyclic"]),
            matches=matches or (),
            iri=namespace + pid,
        )

    def _check_cycles(self, vocabulary: Vocabulary, parents: dict[str, Node]) -> None:
        reported: set[str] = set()
        for name in parents:
            chain = list(vocabulary.ancestors(name))  # stops where the chain loops
            if chain and vocabulary.types[chain[-1]].parent == name and not reported & set(chain):
                reported.update(chain)
                self.problem(parents[name], "parent cycle: " + " -> ".join([*chain, name]))

    def _check_inverses(self, vocabulary: Vocabulary, own: dict[str, tuple[int, int]]) -> None:
        """A declared inverse becomes a property of its own: its id must be free and valid."""
        taken: dict[str, str] = {
            **{t: f"type '{t}'" for t in vocabulary.types},
            **{p: f"predicate '{p}'" for p in vocabulary.predicates},
            **dict.fromkeys(META_PROPERTIES, "a property of kgraph's ontology"),
        }
        for pred in vocabulary.predicates.values():
            name = vocabulary.inverse_id(pred)
            if name is None:
                continue
            mark = own.get(pred.id)
            clash = taken.get(name)
            if mark is not None and (clash or not _NAME.match(name)):
                why = f"is already {clash}" if clash else "cannot become an IRI"
                self.problem(
                    mark,
                    f"predicate '{pred.id}': its inverse label '{pred.inverse_label}' "
                    f"would be the property '{name}', which {why}; reword the "
                    "inverse label",
                )
            taken.setdefault(name, f"the inverse of '{pred.id}'")


# --- listing (``kgraph vocab``) ---


def fitting(
    vocabulary: Vocabulary,
    subject: str | None = None,
    object: str | None = None,  # noqa: A002
) -> list[Predicate]:
    """The predicates that can link a ``subject`` type to an ``object`` type (either may be None).

    A type fits where its parent does: ``--subject Person`` finds a predicate taking Thing.
    """
    return [
        p
        for p in vocabulary.predicates.values()
        if (subject is None or vocabulary.accepts(p.subject_types, subject))
        and (object is None or vocabulary.accepts(p.object_types, object))
    ]


def _flags(pred: Predicate) -> list[str]:
    return [name for name in _FLAGS if getattr(pred, name)]


def listing_rows(
    vocabulary: Vocabulary,
    subject: str | None = None,
    object: str | None = None,  # noqa: A002
) -> list[Rows]:
    """``kgraph vocab``: the types (unless a side is given) and the predicates that fit the sides.

    A table shows what a person reads; a program also gets IRIs, matches, the fields' ranges and the
    flags one by one."""
    from kgraph.rows import Rows, columns, data_only

    parts = []
    if subject is None and object is None:
        parts.append(
            Rows(
                columns("name", "label", "parent", "fields", "description", headings={"name": "type"})
                + data_only("iri", "matches"),
                (
                    [
                        t.name,
                        t.label,
                        t.parent,
                        {
                            f.name: {"range": f.range, "property": f.property, "list": f.many}
                            for f in vocabulary.fields(t.name).values()
                        },
                        t.comment,
                        t.iri,
                        list(t.matches),
                    ]
                    for t in vocabulary.types.values()
                ),
                title=f"types ({len(vocabulary.types)})",
                kind="type",
            )
        )
    predicates = fitting(vocabulary, subject, object)
    title = "predicates" if parts else f"predicates from {subject or 'any type'} to {object or 'any type'}"
    parts.append(
        Rows(
            columns(
                "name", "label", "inverse", "subject", "object", "flags", "description", headings={"name": "predicate"}
            )
            + data_only("iri", "inverse_property", *_FLAGS),
            (
                [
                    p.id,
                    p.label,
                    p.inverse_label,
                    list(p.subject_types),
                    list(p.object_types),
                    _flags(p),
                    p.description,
                    p.iri,
                    vocabulary.inverse_iri(p),
                    *(getattr(p, f) for f in _FLAGS),
                ]
                for p in predicates
            ),
            title=f"{title} ({len(predicates)})",
            kind="predicate",
        )
    )
    return parts
