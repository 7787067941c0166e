"""Claim-level differences between two versions of a data folder (``kgraph diff``).

A reviewer of a change to ``relations.yaml`` wants to read "Putin met Kim Jong-il: date 2000-07 ->
2000-06", not a YAML diff of ids. This module compares two loaded datasets record by record and
returns plain :class:`Item` records; the CLI renders them. A relation's identity is its subject,
predicate, object and source; everything else about it (dates, quote, kind, status, quantities, note,
cites, footnotes) can change. Quotes are compared as kgraph matches them (whitespace, quote marks
and dashes folded), so re-wrapping a quote is no change to the claim.

Git revisions are read with ``git archive`` into a temporary folder: no network, no checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgraph.errors import DataError, KgraphError, Problem

if TYPE_CHECKING:
    from kgraph.model import Dataset, Entity, Location, Relation
    from kgraph.vocabulary import Vocabulary

#: The sections of a diff, in the order they are shown.
SECTIONS = ("relation", "entity", "type", "predicate")
CHANGES = ("added", "removed", "changed")
#: The fields of a relation that may change without changing which claim it is.
RELATION_FIELDS = ("date", "start", "end", "quote", "kind", "status", "quantities", "note", "cites", "footnote")


@dataclass
class FieldChange:
    """One field of a changed record: its old and new value as text (None: absent)."""

    field: str
    old: str | None
    new: str | None


@dataclass
class Item:
    """One added, removed or changed record, named by its label and id.

    ``where``: ``file:line`` on the new side (the old side for a removal); empty when the record
    comes from a vocabulary kgraph ships rather than the data folder.
    """

    section: str  # relation, entity, type or predicate
    change: str  # added, removed or changed
    id: str
    label: str
    where: str
    fields: list[FieldChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "change": self.change,
            "id": self.id,
            "label": self.label,
            "where": self.where,
            "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in self.fields],
        }


@dataclass
class Side:
    """One side of a comparison: a data folder, how to name it, and how to show its file paths."""

    name: str  # what the user gave: a folder, or a git revision
    folder: str  # where its files are on disk (a temporary folder for a revision)
    shown: str  # what its paths are shown under (``HEAD~1:data/``, ``data/``, ``HEAD~1:``, or empty)


@dataclass
class Diff:
    """The differences between two sides, sorted by section, change and label."""

    old: str
    new: str
    items: list[Item]

    @property
    def equal(self) -> bool:
        return not self.items

    def counts(self) -> dict[str, dict[str, int]]:
        """How many items of each section and change (every key present, zeros included)."""
        out = {s: dict.fromkeys(CHANGES, 0) for s in SECTIONS}
        for item in self.items:
            out[item.section][item.change] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "equal": self.equal,
            "counts": self.counts(),
            "items": [i.to_json() for i in self.items],
        }


# --- loading the two sides ---


def load_side(side: Side, which: str) -> Dataset:
    """The validated dataset of one side; DataError problems name the side and show its paths."""
    from kgraph.load import load

    try:
        return load(side.folder)
    except DataError as exc:
        raise DataError([_on_side(p, side, which) for p in exc.problems]) from None


def _on_side(problem: Problem, side: Side, which: str) -> Problem:
    return Problem(
        _shown_path(problem.path, side),
        problem.line,
        problem.column,
        f"({which} side, {side.name}) {problem.message}",
        problem.severity,
        problem.field_name,
    )


def _shown_path(path: str, side: Side) -> str:
    """A file of a side as the user should read it: ``HEAD~1:data/relations.yaml`` for a revision."""
    folder = os.path.abspath(side.folder)
    full = os.path.abspath(path)
    if full == folder or full.startswith(folder + os.sep):
        rel = os.path.relpath(full, folder)
        if rel == ".":
            return side.shown.rstrip("/") or side.name
        return side.shown + rel.replace(os.sep, "/")
    return path


def load_both(old: Side, new: Side, names: tuple[str, str] = ("old", "new")) -> tuple[Dataset, Dataset]:
    """Both datasets; raise one DataError with the problems of both sides when either is invalid."""
    datasets: list[Dataset] = []
    problems: list[Problem] = []
    for side, which in zip((old, new), names):
        try:
            datasets.append(load_side(side, which))
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return datasets[0], datasets[1]


def folder_side(path: str) -> Side:
    from kgraph.files import display_path

    shown = display_path(os.path.abspath(path))
    return Side(path, path, "" if shown == "." else shown.rstrip(os.sep) + "/")


@dataclass
class Revisions:
    """The data folder at one or two git revisions, extracted into a temporary folder."""

    old: Side
    new: Side
    tmp: str

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def parse_rev(spec: str) -> tuple[str, str | None]:
    """``A..B`` -> (A, B); ``A`` -> (A, None): None stands for the working tree.

    >>> parse_rev("HEAD~1..HEAD")
    ('HEAD~1', 'HEAD')
    >>> parse_rev("main")
    ('main', None)
    """
    if "..." in spec:
        raise KgraphError(f"--rev {spec}: give A..B (two dots) or one revision")
    if ".." in spec:
        old, _, new = spec.partition("..")
        if not old or not new:
            raise KgraphError(f"--rev {spec}: give both revisions, A..B")
        return old, new
    return spec, None


def revisions(data_dir: str, spec: str) -> Revisions:
    """The data folder ``data_dir`` at the revisions of ``spec`` (see :func:`parse_rev`).

    Raises KgraphError when git is missing, the folder is not in a repository, or a revision or
    the folder does not exist at it.
    """
    old_rev, new_rev = parse_rev(spec)
    if not os.path.isdir(data_dir):
        raise KgraphError(f"data folder {data_dir} not found (give --data DIR)")
    top = _git(data_dir, "rev-parse", "--show-toplevel").strip()
    prefix = os.path.relpath(os.path.realpath(data_dir), os.path.realpath(top))
    prefix = "" if prefix == "." else prefix.replace(os.sep, "/")
    tmp = tempfile.mkdtemp(prefix="kgraph-diff-")
    try:
        old = _extract(top, old_rev, prefix, os.path.join(tmp, "old"))
        new = _extract(top, new_rev, prefix, os.path.join(tmp, "new")) if new_rev is not None else folder_side(data_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if new_rev is None:
        new.name = "working tree"
    return Revisions(old, new, tmp)


def _git(cwd: str, *args: str, binary: bool = False) -> Any:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise KgraphError("git is not installed: --rev needs it") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise KgraphError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def _extract(top: str, rev: str, prefix: str, into: str) -> Side:
    """``git archive REV -- PREFIX`` unpacked under ``into``; the side's folder is ``into/PREFIX``."""
    import io
    import tarfile

    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except KgraphError:
        raise KgraphError(f"--rev: unknown git revision '{rev}' in {top}") from None
    tree = _git(top, "ls-tree", "-d", "--name-only", commit, "--", prefix or ".").strip()
    if prefix and not tree:
        raise KgraphError(f"the data folder {prefix} does not exist at revision {rev}")
    archive = _git(top, "archive", "--format=tar", commit, "--", *([prefix] if prefix else []), binary=True)
    os.makedirs(into)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(into, filter="data")  # refuses links and paths leaving the folder
        except TypeError:  # Python before 3.10.12 / 3.11.4: no filters; git archive writes no such paths
            tar.extractall(into)  # noqa: S202
    folder = os.path.join(into, *prefix.split("/")) if prefix else into
    return Side(rev, folder, f"{rev}:{prefix}/" if prefix else f"{rev}:")


# --- comparing ---


def diff(old: Dataset, new: Dataset, old_side: Side, new_side: Side) -> Diff:
    """Every claim-level difference from ``old`` to ``new``."""
    items = [
        *_relations(old, new, old_side, new_side),
        *_entities(old, new, old_side, new_side),
        *_vocabulary(old, new, old_side, new_side),
    ]
    order = {s: n for n, s in enumerate(SECTIONS)}
    change = {c: n for n, c in enumerate(CHANGES)}
    items.sort(key=lambda i: (order[i.section], change[i.change], i.label.casefold(), i.id, i.where))
    return Diff(old_side.name, new_side.name, items)


def _where(location: Location | None, side: Side) -> str:
    if location is None:
        return ""
    return f"{_shown_path(location.path, side)}:{location.line}"


def _text(value: object) -> str | None:
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _relation_values(rel: Relation) -> dict[str, str | None]:
    from kgraph.textmatch import normalize

    quantities = [str(q) for q in rel.quantities]
    return {
        "date": _text(rel.date),
        "start": _text(rel.start),
        "end": _text(rel.end),
        "quote": normalize(rel.quote),
        "kind": rel.kind,
        "status": rel.status,
        "quantities": _text(quantities),
        "note": _text(rel.note),
        "cites": _text(rel.cites),
        "footnote": _text(rel.footnotes),
    }


def relation_key(rel: Relation) -> tuple[str, str, str, str]:
    """What makes two versions of a relation the same claim."""
    return (rel.subject, rel.predicate, rel.object, rel.source)


def relation_label(rel: Relation, dataset: Dataset) -> str:
    """``Vladimir Putin met Kim Jong-il``: entity labels and the predicate's label."""
    vocabulary = dataset.vocabulary
    pred = vocabulary.predicates.get(rel.predicate) if vocabulary else None
    return f"{_label(dataset, rel.subject)} {pred.label if pred else rel.predicate} {_label(dataset, rel.object)}"


def _label(dataset: Dataset, entity_id: str) -> str:
    entity = dataset.entities.get(entity_id)
    return entity.label if entity else entity_id


def entity_label(first: Dataset, second: Dataset, entity_id: str) -> str:
    """An entity's label from the first dataset that has it (its id when neither does)."""
    entity = first.entities.get(entity_id) or second.entities.get(entity_id)
    return entity.label if entity else entity_id


def _relations(old: Dataset, new: Dataset, old_side: Side, new_side: Side) -> Iterator[Item]:
    groups: dict[tuple[str, str, str, str], tuple[list[Relation], list[Relation]]] = {}
    for index, dataset in enumerate((old, new)):
        for rel in dataset.relations:
            groups.setdefault(relation_key(rel), ([], []))[index].append(rel)
    for key, (before, after) in groups.items():
        rid = " ".join(key[:3]) + f" ({key[3]})"
        pairs, removed, added = pair_relations(before, after)
        for a, b in pairs:
            old_values, new_values = _relation_values(a), _relation_values(b)
            changes = [
                FieldChange(name, old_values[name], new_values[name])
                for name in RELATION_FIELDS
                if old_values[name] != new_values[name]
            ]
            if changes:
                yield Item("relation", "changed", rid, relation_label(b, new), _where(b.location, new_side), changes)
        for rel in removed:
            yield Item(
                "relation",
                "removed",
                rid,
                relation_label(rel, old),
                _where(rel.location, old_side),
                _summary(rel, added=False),
            )
        for rel in added:
            yield Item(
                "relation",
                "added",
                rid,
                relation_label(rel, new),
                _where(rel.location, new_side),
                _summary(rel, added=True),
            )


def _summary(rel: Relation, added: bool) -> list[FieldChange]:
    """The date and quote of an added or removed relation, so a reviewer can find it in the text."""
    values = _relation_values(rel)
    return [
        FieldChange(name, None, values[name]) if added else FieldChange(name, values[name], None)
        for name in ("date", "start", "end", "quote")
        if values[name] is not None
    ]


def pair_relations(
    before: list[Relation], after: list[Relation]
) -> tuple[list[tuple[Relation, Relation]], list[Relation], list[Relation]]:
    """Pair the old and new versions of relations sharing one identity, best match first.

    Identical versions pair first, then those with the same quote, then the same date, then the
    most fields in common; ties go by file order. So a corrected date on one of two claims with
    the same subject, predicate and object reads as a change, not as a removal and an addition.
    Returns (pairs, unpaired old, unpaired new).
    """
    old_values = [_relation_values(r) for r in before]
    new_values = [_relation_values(r) for r in after]
    scored = []
    for i, a in enumerate(old_values):
        for j, b in enumerate(new_values):
            same = sum(a[name] == b[name] for name in RELATION_FIELDS)
            scored.append(
                (-(same == len(RELATION_FIELDS)), -(a["quote"] == b["quote"]), -(a["date"] == b["date"]), -same, i, j)
            )
    scored.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for *_score, i, j in scored:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((before[i], after[j]))
    removed = [r for i, r in enumerate(before) if i not in used_old]
    added = [r for j, r in enumerate(after) if j not in used_new]
    return pairs, removed, added


def _entity_values(entity: Entity, dataset: Dataset) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "type": entity.type,
        "label": entity.label,
        "aliases": _text(entity.shown_aliases),
        "description": _text(entity.description),
        "date": _text(entity.date),
        "start": _text(entity.start),
        "end": _text(entity.end),
    }
    for name in sorted(entity.extra):
        values[name] = _text(entity.extra[name])
    text = dataset.texts.get(entity.id)
    if text is not None:
        import hashlib

        # The source text itself: a corrected text changes what every quote of it stands on.
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        values["source text"] = f"{len(text)} characters, sha256 {digest}"
    return values


def _entities(old: Dataset, new: Dataset, old_side: Side, new_side: Side) -> Iterator[Item]:
    for eid, entity in old.entities.items():
        if eid not in new.entities:
            yield Item(
                "entity",
                "removed",
                eid,
                entity.label,
                _where(entity.location, old_side),
                [FieldChange("type", entity.type, None)],
            )
    for eid, entity in new.entities.items():
        where = _where(entity.location, new_side)
        if eid not in old.entities:
            yield Item("entity", "added", eid, entity.label, where, [FieldChange("type", None, entity.type)])
            continue
        a, b = _entity_values(old.entities[eid], old), _entity_values(entity, new)
        changes = [FieldChange(name, a.get(name), b.get(name)) for name in {**a, **b} if a.get(name) != b.get(name)]
        if changes:
            yield Item("entity", "changed", eid, entity.label, where, changes)


def _vocabulary(old: Dataset, new: Dataset, old_side: Side, new_side: Side) -> Iterator[Item]:
    before, after = old.vocabulary, new.vocabulary
    if before is None or after is None:
        return
    old_marks, new_marks = _vocabulary_marks(before, old_side), _vocabulary_marks(after, new_side)
    old_plain, new_plain = _terms(before), _terms(after)
    for section in ("type", "predicate"):
        a, b = old_plain[section], new_plain[section]
        for name in a.keys() - b.keys():
            yield Item(section, "removed", name, a[name]["label"] or name, old_marks.get((section, name), ""))
        for name in b.keys() - a.keys():
            yield Item(section, "added", name, b[name]["label"] or name, new_marks.get((section, name), ""))
        for name in a.keys() & b.keys():
            changes = [FieldChange(key, a[name][key], b[name][key]) for key in b[name] if a[name][key] != b[name][key]]
            if changes:
                yield Item(
                    section, "changed", name, b[name]["label"] or name, new_marks.get((section, name), ""), changes
                )


def _terms(vocabulary: Vocabulary) -> dict[str, dict[str, dict[str, str | None]]]:
    """Types and predicates as comparable text fields."""
    types = {
        t.name: {
            "label": t.label,
            "description": _text(t.comment),
            "parent": t.parent,
            "matches": _text(list(t.matches)),
            "iri": t.iri,
            "fields": _text([f"{f.name} ({f.range}{', list' if f.many else ''})" for f in t.fields.values()]),
        }
        for t in vocabulary.types.values()
    }
    predicates = {
        p.id: {
            "label": p.label,
            "inverse": _text(p.inverse_label),
            "description": _text(p.description),
            "subject": _text(list(p.subject_types)),
            "object": _text(list(p.object_types)),
            "flags": _text([f for f in ("symmetric", "reflexive", "acyclic") if getattr(p, f)]),
            "matches": _text(list(p.matches)),
            "iri": p.iri,
        }
        for p in vocabulary.predicates.values()
    }
    return {"type": types, "predicate": predicates}


def _vocabulary_marks(vocabulary: Vocabulary, side: Side) -> dict[tuple[str, str], str]:
    """``file:line`` of each type and predicate the data folder's own vocabulary.yaml declares."""
    from kgraph.vocabulary import VOCABULARY_FILE
    from kgraph.yamlnodes import read_yaml

    path = os.path.join(side.folder, VOCABULARY_FILE)
    if vocabulary.source is None or not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8-sig") as handle:
        root = read_yaml(path, handle.read(), [])
    marks: dict[tuple[str, str], str] = {}
    if root is None or root.kind != "map":
        return marks
    shown = _shown_path(path, side)
    for section, key in (("type", "types"), ("predicate", "predicates")):
        node = root.value.get(key)
        if node is not None and node.kind == "map":
            for name, (line, _column) in (node.key_marks or {}).items():
                marks[(section, name)] = f"{shown}:{line}"
    return marks
