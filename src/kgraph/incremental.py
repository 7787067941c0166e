"""Build the compiled graph one data file at a time, so an edit costs what it changes.

Each record file (``entities.yaml``, ``entities/**/*.yaml``, ``relations.yaml``,
``relations/**/*.yaml``) becomes a *part* in the cache slot's ``.parts/`` folder: its problems, the
records ``entities.marshal`` needs (its entities' ``EntityInfo``, its relations' compiled
``Statement``), what the checks across files need (ids, claims, acyclic edges) and its N-Triples.
A part is filed under a hash of everything its content depends on:

- the file's bytes, the path messages show it under, the vocabulary, kgraph's code and the base IRI;
- for a relation file, also what it refers to in other files: the type (and, for publications,
  the source text's file and hash, and the quote places the last ``kgraph build`` recorded) of
  every entity it names, and the project's default source. So renaming or removing an entity, or
  changing a source text, re-checks exactly the files that name it or quote from it.

A file whose part holds an error is checked again on every build (its messages may depend on the
whole project: "did you mean", "the quote is in that other text"). Duplicate claims, duplicate ids
and cycles are checked across all files from the parts, on every build.

The query store is then made from the last entry's: a RocksDB checkpoint of it (hard links to its
immutable files), minus the triples of the parts that went away, plus those of the new parts. A
triple two claims share (``A met B``, said twice in two files) is kept while some statement still
makes it. Without a usable last entry (first build, other vocabulary, damaged), or when most of
the graph changed, the store is bulk-loaded from the parts' N-Triples.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kgraph import cache
from kgraph.errors import DataError, Problem
from kgraph.model import Dataset, Entity, Location, Relation
from kgraph.timing import advance, phase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kgraph.anchors import RecordWriter
    from kgraph.cache import Compiled
    from kgraph.vocabulary import Vocabulary

PARTS = cache.PARTS
#: Bumped when the layout of a part changes.
PART_FORMAT = 2
#: Above this share of the graph's lines changed, a bulk load is faster than deleting and inserting.
DELTA_SHARE = 0.3


def _digest(*items: object) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


class _Parts:
    """The slot's ``.parts/`` folder: immutable files, each holding a SHA-256 of its payload."""

    def __init__(self, slot: str) -> None:
        self.folder = os.path.join(slot, PARTS)
        os.makedirs(self.folder, exist_ok=True)
        self.used: set[str] = set()  # what this build read or wrote: kept by clean()

    def path(self, name: str) -> str:
        self.used.add(name)
        return os.path.join(self.folder, name)

    def keep(self, *names: str) -> None:
        """Mark parts as used by this build without reading them (clean() keeps them)."""
        self.used.update(names)

    def clean(self) -> None:
        """Remove the parts this build did not use once they are LEFTOVER_AGE old (another build
        may be using a newer one)."""
        import time

        now = time.time()
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            try:
                if name not in self.used and now - os.stat(path).st_mtime > cache.LEFTOVER_AGE:
                    os.unlink(path)
            except OSError:
                continue

    def load(self, name: str) -> Any:
        """The part's value, or None when missing or damaged (then it is made again)."""
        try:
            with open(self.path(name), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if len(data) < 64 or hashlib.sha256(data[64:]).hexdigest().encode() != data[:64]:
            return None
        try:
            return pickle.loads(data[64:])  # noqa: S301 - our own files, checked against their hash
        except Exception:  # noqa: BLE001 - a damaged part is made again
            return None

    def save(self, name: str, value: Any) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._write(name, hashlib.sha256(payload).hexdigest().encode() + payload)

    def save_nt(self, name: str, data: bytes) -> str:
        self._write(name, data)
        return hashlib.sha256(data).hexdigest()

    def _write(self, name: str, data: bytes) -> None:
        import tempfile

        handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, self.path(name))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def read_nt(self, name: str, sha: str) -> bytes:
        """A part's N-Triples, checked against the hash its part recorded."""
        with open(self.path(name), "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != sha:
            raise _Stale(name)
        return data


class _Stale(Exception):
    """A part's N-Triples do not match their recorded hash: build it again."""


def _stand_in(row: tuple[Any, ...]) -> Entity:
    """An entity with what checking other files needs (id, type, names, names in time, text, where
    it is)."""
    eid, etype, label, aliases, text, location, field_locations, timed_aliases = row
    return Entity(
        id=eid,
        type=etype,
        label=label,
        aliases=list(aliases),
        extra={"text": text} if text else {},
        location=location,
        field_locations=field_locations,
        timed_aliases=list(timed_aliases),
    )


def _entity_part(path: str, shown: str, vocabulary: Vocabulary, base: str, digests: dict[str, str]) -> dict[str, Any]:
    from kgraph.load import ENTITIES_FILE, _entity, _read_file, _records

    problems: list[Problem] = []
    shown_, root = _read_file(path, ENTITIES_FILE, problems, digests)
    entities = [e for e in (_entity(r, vocabulary) for r in _records(shown_, root, "entity", problems)) if e]
    return _entity_part_of(entities, problems, root is not None and root.kind == "list", vocabulary, base)


def _entity_part_of(
    entities: list[Entity], problems: list[Problem], readable: bool, vocabulary: Vocabulary, base: str
) -> dict[str, Any]:
    """An entity file's part from its records."""
    from kgraph.compile import _add_entity, to_ntriples
    from kgraph.entitygraph import entity_infos

    index = [
        (
            e.id,
            e.type,
            e.label,
            tuple(e.aliases),
            e.extra.get("text"),
            e.location,
            {k: v for k, v in e.field_locations.items() if k in ("id", "type")},
            tuple(e.timed_aliases),
        )
        for e in entities
    ]
    errors = any(p.severity == "error" for p in problems)
    out: list[tuple[str, str, str]] = []
    infos: list[Any] = []
    if not errors:
        for entity in entities:
            _add_entity(out, base, entity, vocabulary)
        unique: dict[str, Entity] = {}
        for entity in entities:
            unique.setdefault(entity.id, entity)
        infos = entity_infos(Dataset(root="", entities=unique, relations=[], vocabulary=vocabulary))
    return {
        "problems": problems,
        "index": index,
        "readable": readable,
        "infos": infos,
        "nt": to_ntriples(out) if not errors else None,
        "errors": errors,
    }


def _references(relations: list[Relation]) -> list[str]:
    ids: set[str] = set()
    for rel in relations:
        ids.update((rel.subject, rel.object, rel.source, *rel.cites))
    ids.discard("")
    return sorted(ids)


class _Build:
    """One incremental build of a data folder."""

    def __init__(
        self,
        data_dir: str,
        base: str,
        vocabulary: Vocabulary,
        cache_dir: str | None,
        built: dict[str, Any] | None,
        loaded: Dataset | None = None,
        fast: bool = True,
    ) -> None:
        from kgraph.files import display_path

        # What every relation file's part depends on besides its own bytes (entity files, texts,
        # the last build's record, the default source), once known: while it is unchanged, an
        # unchanged file's part is found without working out its dependencies.
        self.world = ""
        self.fast = fast

        # Records ``load`` already read and checked (``kgraph build`` reports from them): a missing
        # part is made from them instead of reading its file a second time.
        self.loaded = loaded
        self.by_file: dict[str, list[Any]] = {}
        if loaded is not None:
            records: list[Entity | Relation] = [*loaded.entities.values(), *loaded.relations]
            for record in records:
                if record.location is not None:
                    self.by_file.setdefault(record.location.path, []).append(record)

        self.data_dir, self.base, self.vocabulary, self.built = data_dir, base, vocabulary, built
        self.cache_dir = cache_dir
        self.slot = cache._slot(cache.cache_root(data_dir, cache_dir), data_dir)
        os.makedirs(self.slot, exist_ok=True)
        self.parts = _Parts(self.slot)
        self.hashes = cache.Hashes(os.path.join(self.slot, cache.HASHES))
        self.shown_root = display_path(data_dir)
        code = [self.hashes.sha(path) for path in cache.code_files()]
        from kgraph import __version__

        self.context = _digest(
            PART_FORMAT, __version__, code, vocabulary.to_plain(), base, self.shown_root, os.path.abspath(data_dir)
        )
        self.read: dict[str, str] = {}  # absolute path -> SHA-256 of the bytes used
        self.problems: list[Problem] = []
        self.texts: dict[str, str] = {}  # publication -> text, read only when a file needs it
        self.text_files: dict[str, tuple[str, str]] = {}
        self.record: RecordWriter | None = None  # where each file's quote places go, when asked
        self.built_sources: dict[str, Any] = (built or {}).get("sources") or {}
        self.facts: dict[str, tuple[Any, ...]] = {}  # fact() by id: the entities are set by then
        # A relation file's part made from its last part, record by record: the N-Triples lines
        # of the records that went and came, so the store's delta need not diff the whole file.
        self.deltas: dict[str, tuple[str, set[bytes], set[bytes], set[tuple[str, ...]], list[tuple[Any, ...]]]] = {}

    def sha(self, path: str) -> str | None:
        try:
            return self.hashes.sha(path)
        except OSError:
            return None

    # -- entities ---------------------------------------------------------------------------
    def entity_parts(self, paths: list[str]) -> list[tuple[str, dict[str, Any]]]:
        from kgraph.files import display_path

        found = []
        for path in paths:
            shown = display_path(path)
            sha = self.sha(path)
            name = f"e-{_digest(self.context, shown, sha)}" if sha else None
            part = self.parts.load(name) if name else None
            if part is None or part.get("errors"):
                digests: dict[str, str] = {}
                if self.loaded is not None and os.path.abspath(path) in self.loaded.files:
                    digests[os.path.abspath(path)] = self.loaded.files[os.path.abspath(path)]
                    part = _entity_part_of(
                        self.by_file.get(shown, []), self._warnings(shown), True, self.vocabulary, self.base
                    )
                else:
                    part = _entity_part(path, shown, self.vocabulary, self.base, digests)
                sha = digests.get(os.path.abspath(path))
                name = f"e-{_digest(self.context, shown, sha)}" if sha else None
                if name:
                    nt = part.pop("nt")
                    part["nt_sha"] = self.parts.save_nt(name + ".nt", nt) if nt is not None else None
                    self.parts.save(name, part)
                else:
                    part.pop("nt")
            if sha:
                self.read[os.path.abspath(path)] = sha
            found.append((name or "", part))
        return found

    def _warnings(self, shown: str) -> list[Problem]:
        assert self.loaded is not None
        return [p for p in self.loaded.warnings if p.path == shown]

    # -- source texts -----------------------------------------------------------------------
    def load_texts(self, entities: list[Entity]) -> None:
        """Each publication's text file: its hash, and a problem when it cannot be read (as load does)."""
        from kgraph.files import read_text

        for entity in entities:
            rel = entity.extra.get("text")
            if not self.vocabulary.is_publication(entity.type) or not rel:
                continue
            path = os.path.join(self.data_dir, str(rel))
            sha = self.sha(path)
            status = self.parts.load(f"t-{sha}") if sha else None
            if self.loaded is not None and self.loaded.text_files.get(entity.id, (None, None))[1] == sha:
                status = "ok"
                self.texts[entity.id] = self.loaded.texts[entity.id]
            reason = None
            if status is None or status != "ok":
                found: list[Problem] = []
                digests: dict[str, str] = {}
                text = read_text(path, found, digests)
                if text is not None:
                    sha = digests[os.path.abspath(path)]
                    self.texts[entity.id] = text
                    self.parts.save(f"t-{sha}", "ok")
                else:
                    reason = found[0].message if found else "cannot be read"
            if reason is None and sha:
                self.text_files[entity.id] = (str(rel), sha)
                self.read[os.path.abspath(path)] = sha
            elif entity.location:
                self.problems.append(
                    Problem(
                        entity.location.path,
                        entity.location.line,
                        entity.location.column,
                        f"source text '{rel}' of '{entity.id}': {reason}",
                    )
                )

    def text(self, pid: str) -> str | None:
        """A publication's text, read on first need (its hash must still be the one used)."""
        if pid not in self.texts and pid in self.text_files:
            from kgraph.files import read_text

            rel, sha = self.text_files[pid]
            digests: dict[str, str] = {}
            found: list[Problem] = []
            text = read_text(os.path.join(self.data_dir, rel), found, digests)
            if text is None or digests.get(os.path.abspath(os.path.join(self.data_dir, rel))) != sha:
                raise _Changed(rel)
            self.texts[pid] = text
        return self.texts.get(pid)

    # -- relations --------------------------------------------------------------------------
    def dependencies(self, ids: list[str], entities: dict[str, Entity]) -> str:
        """What a relation file's checks and triples take from the rest of the project."""
        return _digest([self.fact(eid, entities) for eid in ids])

    def fact(self, eid: str, entities: dict[str, Entity]) -> tuple[Any, ...]:
        """What a record naming ``eid`` takes from it: its type, and for a publication its text's
        file and hash, and the hash the last ``kgraph build`` recorded when the text changed since
        (its quotes' moves are then reported)."""
        known = self.facts.get(eid)
        if known is None:
            known = self.facts[eid] = self._fact(eid, entities)
        return known

    def _fact(self, eid: str, entities: dict[str, Entity]) -> tuple[Any, ...]:
        entity = entities.get(eid)
        if entity is None:
            return (eid, None)
        text = self.text_files.get(eid)
        recorded = self.built_sources.get(eid) if text else None
        # The last build's record matters only where it differs from the text (quotes moved).
        moved = (
            recorded.get("sha256")
            if isinstance(recorded, dict) and text and recorded.get("sha256") != text[1]
            else None
        )
        return (eid, entity.type, entity.extra.get("text"), text, moved)

    def relation_part(
        self, path: str, entities: dict[str, Entity], default_source: str | None, references: bool, misses: int
    ) -> tuple[str, dict[str, Any], int]:
        from kgraph.files import display_path

        shown = display_path(path)
        sha = self.sha(path)
        head = _digest(self.context, shown, sha, default_source, references) if sha else None
        last = f"l-{_digest(self.context, shown, default_source, references)}"
        pointer = f"w-{_digest(self.world, head)}" if head and self.world else None
        if pointer and self.fast:
            name = self.parts.load(pointer)
            summary = self.parts.load(f"h-{name}") if isinstance(name, str) else None
            if summary is not None and os.path.exists(self.parts.path(str(name))):
                self.read[os.path.abspath(path)] = sha  # type: ignore[assignment]
                self.parts.keep(f"d-{head}", last, f"{name}.nt")
                return str(name), {**summary, "body": name}, misses
        ids = self.parts.load(f"d-{head}") if head else None
        if ids is not None:
            name = f"r-{_digest(head, self.dependencies(ids, entities))}"
            part = self.parts.load(name)
            if part is not None and not part["errors"]:
                self.read[os.path.abspath(path)] = sha  # type: ignore[assignment]
                self._summarize(pointer, name, part)
                return name, part, misses
        # The file's last part (under this context): its records whose text and dependencies are
        # unchanged are reused, the others read alone.
        found = self.from_records(path, shown, entities, default_source, last) if references else None
        if found is not None:
            part, sha = found
        else:
            part, sha, misses = self.check_relations(path, shown, entities, default_source, references, misses)
        if sha:
            self.read[os.path.abspath(path)] = sha
            head = _digest(self.context, shown, sha, default_source, references)
            self.parts.save(f"d-{head}", part["ids"])
            name = f"r-{_digest(head, self.dependencies(part['ids'], entities))}"
            nt = part.pop("nt")
            part["nt_sha"] = self.parts.save_nt(name + ".nt", nt) if nt is not None else None
            if not part["errors"]:
                part["facts"] = {eid: self.fact(eid, entities) for eid in part["ids"]}
                self.parts.save(last, name)
            delta = part.pop("delta", None)
            if delta is not None:
                self.deltas[name] = delta
            part["claim_digests"] = _claim_digests(part["claims"])
            self.parts.save(name, part)
            self._summarize(pointer, name, part)
        else:
            name = ""
            part.pop("nt")
        part.pop("delta", None)
        return name, part, misses

    def _summarize(self, pointer: str | None, name: str, part: dict[str, Any]) -> None:
        """File what every build needs of a valid part apart (its summary: problems, counts,
        acyclic edges, claim digests), and the part under the file's bytes and the world."""
        if pointer is None or part["errors"] or "claim_digests" not in part:
            return
        if self.parts.load(f"h-{name}") is None:
            self.parts.save(f"h-{name}", {key: part[key] for key in SUMMARY})
        self.parts.save(pointer, name)

    def from_records(
        self, path: str, shown: str, entities: dict[str, Entity], default_source: str | None, last: str
    ) -> tuple[dict[str, Any], str] | None:
        """The file's part made from its last part: each record whose text and whose named
        entities are unchanged is taken from there (its lines shifted), the others are read
        alone, checked and compiled. None when that cannot give what reading the whole file gives
        (no last part, the file not a plain list of records, a record with an error): then the
        whole file is read."""
        from kgraph.files import read_text

        name = self.parts.load(last)
        old = self.parts.load(name) if isinstance(name, str) else None
        if not old or old.get("errors") or not old.get("records") or not old.get("nt_sha") or "anchors" not in old:
            return None
        digests: dict[str, str] = {}
        text = read_text(path, [], digests)
        chunks = split_records(text) if text is not None else None
        if chunks is None:
            return None
        sha = digests[os.path.abspath(path)]
        changed = {eid for eid, fact in old["facts"].items() if tuple(fact) != self.fact(eid, entities)}
        records = old["records"]
        columns = old["statements"]
        reusable: dict[bytes, int] = {}
        for index, key in enumerate(records["key"]):
            row_ids = (columns["subject"][index], columns["object"][index], columns["source"][index])
            if not changed or not (changed.intersection(row_ids) or changed.intersection(columns["cites"][index])):
                reusable.setdefault(key, index)
        try:
            old_nt = self.parts.read_nt(str(name) + ".nt", old["nt_sha"])
        except (OSError, _Stale):
            return None
        keys = [_chunk_key(chunk) for _line, chunk in chunks]
        taken: list[int | None] = [reusable.pop(key, None) for key in keys]
        default = (default_source, None) if default_source else None
        fresh: list[Relation] = []
        for (line, chunk), at in zip(chunks, taken):
            if at is None:
                relation = _read_record(shown, line, chunk, default)
                if relation is None:
                    return None
                fresh.append(relation)
        problems: list[Problem] = []
        if fresh:
            ids = _references(fresh)
            _relations, problems, _misses = self._checked(fresh, ids, entities, [], 0, every_text=False)
            if any(p.severity == "error" for p in problems):
                return None
        made = self._relation_part(fresh, _references(fresh), problems, True) if fresh else None
        return self._assemble(old, old_nt, chunks, keys, taken, made, str(name)), sha

    def _assemble(
        self,
        old: dict[str, Any],
        old_nt: bytes,
        chunks: list[tuple[int, str]],
        keys: list[bytes],
        taken: list[int | None],
        made: dict[str, Any] | None,
        old_name: str,
    ) -> dict[str, Any]:
        """A file's part from its last part's records (``taken``: the index of each chunk's record
        there, None for a record read again) and the part ``made`` of the records read again."""
        from kgraph.statement import FIELDS

        ends = old["records"]["end"]
        starts = old["records"]["line"]
        made_ends = made["records"]["end"] if made else []
        columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
        claims: list[Any] = []
        problems: list[Problem] = []
        places: dict[str, Any] = dict(made["anchors"]) if made else {}
        old_places = old["anchors"]
        cut = len(self.base)  # a quote's place is filed under its statement IRI's path (anchors._key)
        pieces: list[bytes] = []
        new_ends: list[int] = []
        old_warnings = _by_record(old["problems"], starts)
        made_warnings = (
            _by_record(made["problems"], [line for (line, _c), i in zip(chunks, taken) if i is None]) if made else {}
        )
        used: set[int] = set()
        fresh = 0
        size = 0
        for (line, _chunk), index in zip(chunks, taken):
            if index is not None:
                used.add(index)
                shift = line - starts[index]
                key, dates, location = old["claims"][index]
                claims.append((key, dates, _moved(location, shift)))
                problems.extend(_shifted(p, shift) for p in old_warnings.get(index, ()))
                for name in FIELDS:
                    columns[name].append(old["statements"][name][index])
                place = old_places.get(old["statements"]["iri"][index][cut:])
                if place is not None:
                    places[old["statements"]["iri"][index][cut:]] = place
                piece = old_nt[ends[index - 1] if index else 0 : ends[index]]
            else:
                assert made is not None
                claims.append(made["claims"][fresh])
                problems.extend(made_warnings.get(fresh, ()))
                for name in FIELDS:
                    columns[name].append(made["statements"][name][fresh])
                piece = made["nt"][made_ends[fresh - 1] if fresh else 0 : made_ends[fresh]]
                fresh += 1
            pieces.append(piece)
            size += len(piece)
            new_ends.append(size)
        removed: set[bytes] = set()
        gone_keys: set[tuple[str, ...]] = set()
        key_of = _key_of(FIELDS)
        for index in range(len(ends)):
            if index not in used:
                removed.update(old_nt[ends[index - 1] if index else 0 : ends[index]].splitlines())
                gone_keys.add(key_of(tuple(old["statements"][name][index] for name in FIELDS)))
        added: set[bytes] = set(made["nt"].splitlines()) if made else set()
        came_rows = list(zip(*(made["statements"][name] for name in FIELDS))) if made else []
        relations = len(chunks)
        acyclic_ids = {p.id for p in self.vocabulary.predicates.values() if p.acyclic}
        return {
            "problems": problems,
            "ids": _references_of(columns),
            "errors": False,
            "relations": relations,
            "claims": claims,
            "acyclic": [(k[0], k[1], k[2], loc) for k, _d, loc in claims if k[1] in acyclic_ids and k[0] != k[2]],
            "statements": columns,
            "nt": b"".join(pieces),
            "anchors": places,
            "records": {"key": keys, "line": [line for line, _c in chunks], "end": new_ends},
            "delta": (old_name, removed, added, gone_keys, came_rows),
        }

    def check_relations(
        self,
        path: str,
        shown: str,
        entities: dict[str, Entity],
        default_source: str | None,
        references: bool,
        misses: int,
    ) -> tuple[dict[str, Any], str | None, int]:
        """Parse, check and compile one relation file, as load() and validate() would within the project."""
        from kgraph.load import RELATIONS_FILE, _file_source, _read_file, _records, _relation

        if self.loaded is not None and os.path.abspath(path) in self.loaded.files:
            relations = self.by_file.get(shown, [])
            part = self._relation_part(relations, _references(relations), self._warnings(shown), references)
            sha = self.loaded.files[os.path.abspath(path)]
            if not part["errors"] and references:
                _index_records(part, path, sha, relations)
            return part, sha, misses
        problems: list[Problem] = []
        digests: dict[str, str] = {}
        shown_, root = _read_file(path, RELATIONS_FILE, problems, digests)
        root, file_source = _file_source(shown_, root, problems)
        default = (
            (file_source.value, Location(shown_, file_source.line, file_source.column))
            if file_source
            else (default_source, None)
            if default_source
            else None
        )
        parsed = [r for r in (_relation(rec, default) for rec in _records(shown_, root, "relation", problems)) if r]
        ids = _references(parsed)
        parse_problems = list(problems)
        before = misses
        relations = parsed
        if references:
            relations, problems, misses = self._checked(parsed, ids, entities, parse_problems, misses, every_text=False)
            if any(p.severity == "error" for p in problems):  # the messages may name other texts
                relations, problems, misses = self._checked(
                    _reparse(path, default), ids, entities, parse_problems, before, every_text=True
                )
        part = self._relation_part(relations, ids, problems, references)
        read = digests.get(os.path.abspath(path))
        if read and not part["errors"] and references:
            _index_records(part, path, read, relations)
        return part, read, misses

    def _relation_part(
        self, relations: list[Relation], ids: list[str], problems: list[Problem], references: bool
    ) -> dict[str, Any]:
        """A relation file's part from its checked records and their problems."""
        from kgraph.validate import claim

        errors = any(p.severity == "error" for p in problems)
        part: dict[str, Any] = {
            "problems": problems,
            "ids": ids,
            "errors": errors,
            "relations": len(relations),
            "claims": [claim(r) for r in relations],
            "acyclic": [],
            "statements": None,
            "nt": None,
        }
        acyclic = {p.id for p in self.vocabulary.predicates.values() if p.acyclic}
        part["acyclic"] = [
            (r.subject, r.predicate, r.object, r.location)
            for r in relations
            if r.predicate in acyclic and r.subject != r.object
        ]
        if not errors and references:
            from kgraph import anchors
            from kgraph.compile import _add_statement, _predicate_iris, to_ntriples
            from kgraph.statement import statements, to_columns

            texts = {pid: self.texts[pid] for pid in ids if pid in self.texts}
            mini = Dataset(
                root=self.data_dir,
                entities={},
                relations=relations,
                texts=texts,
                vocabulary=self.vocabulary,
                text_files=self.text_files,
            )
            # Derived once (statement.py): the part's triples and the entity graph's edges.
            records = statements(mini, self.base)
            predicates = _predicate_iris(self.vocabulary)
            # One piece per record, and where each ends: the next edit of the file reuses the
            # records it leaves alone (from_records).
            pieces = []
            ends = []
            size = 0
            for record in records:
                out: list[tuple[str, str, str]] = []
                _add_statement(out, self.base, record, predicates, texts)
                piece = to_ntriples(out)
                size += len(piece)
                pieces.append(piece)
                ends.append(size)
            part["nt"] = b"".join(pieces)
            part["records"] = {"end": ends}
            # Kept as the cache's plain columns: a part is read on every build, and unpickling
            # record objects would cost several times more (about 1.7 s per 100k relations).
            part["statements"] = to_columns(records)
            # The quotes' places (anchors.record), for `kgraph build`'s record of them.
            part["anchors"] = anchors.record(mini)["quotes"]
        return part

    def _checked(
        self,
        relations: list[Relation],
        ids: list[str],
        entities: dict[str, Entity],
        parse_problems: list[Problem],
        misses: int,
        every_text: bool,
    ) -> tuple[list[Relation], list[Problem], int]:
        from kgraph.validate import _check_relations

        wanted = list(self.text_files) if every_text else [pid for pid in ids if pid in self.text_files]
        texts = {pid: t for pid in wanted if (t := self.text(pid)) is not None}
        problems = list(parse_problems)
        mini = Dataset(
            root=self.data_dir,
            entities=entities,
            relations=relations,
            texts=texts,
            vocabulary=self.vocabulary,
            text_files=self.text_files,
        )
        misses = _check_relations(mini, problems, self.vocabulary, duplicates=False, misses=misses)
        if self.built:
            from kgraph.anchors import compare

            problems.extend(compare(mini, self.built))
        return relations, problems, misses


def _reparse(path: str, default: tuple[str | None, Location | None] | None) -> list[Relation]:
    """The file's relations again, fresh (checking sets their passages and anchors)."""
    from kgraph.load import RELATIONS_FILE, _file_source, _read_file, _records, _relation

    problems: list[Problem] = []
    shown, root = _read_file(path, RELATIONS_FILE, problems, {})
    root, _source = _file_source(shown, root, problems)
    return [r for r in (_relation(rec, default) for rec in _records(shown, root, "relation", problems)) if r]


#: Where a record of a relation file in the plain list form starts: a ``-`` at the start of a line.
_RECORD_START = re.compile(r"(?m)^-(?=[ \n])")
#: What makes a file's records depend on each other when read as one document: document markers
#: and directives (a record read alone would be a document of its own), line breaks other than
#: LF (YAML breaks lines at CR, NEL, LS and PS too), and anchors (one defined twice in a document
#: is an error that no record read alone shows).
_ENTANGLED = re.compile(r"(?m)^(?:---|\.\.\.|%)|[\r\x85\u2028\u2029]|(?:^|[\s\[{,])&\S")


def split_records(text: str) -> list[tuple[int, str]] | None:
    r"""A relation file's records as (first line, text), each from a ``-`` at the start of a line
    to the next, when the file is a plain list whose head holds only comments; None otherwise.

    Each record read alone as YAML (a one-item list) is what reading the file gives for it, as
    long as it reads alone without error: its first line starts the list's item at column 0,
    and an item that went on past the next one (a quoted text or a bracketed list spanning a
    ``-`` line) would leave its record unfinished, which reading it alone reports.

    >>> split_records("# head\n- a: 1\n  b: 2\n- a: 3\n")
    [(2, '- a: 1\n  b: 2\n'), (4, '- a: 3\n')]
    """
    if ("&" in text or "\n---" in text or "\n..." in text or "\n%" in text or not text.isascii()) and _ENTANGLED.search(
        text
    ):
        return None
    if "\r" in text:
        return None
    starts = [match.start() for match in _RECORD_START.finditer(text)]
    if not starts:
        return None
    head = text[: starts[0]]
    if any(line.strip() and not line.lstrip().startswith("#") for line in head.split("\n")):
        return None
    line = head.count("\n") + 1
    chunks = []
    for index, at in enumerate(starts):
        chunk = text[at : starts[index + 1] if index + 1 < len(starts) else len(text)]
        chunks.append((line, chunk))
        line += chunk.count("\n")
    return chunks


#: What a relation part's summary holds: what every build needs of an unchanged file.
SUMMARY = ("problems", "errors", "relations", "acyclic", "nt_sha", "claim_digests")


def _claim_digests(claims: list[Any]) -> bytes:
    """Eight bytes per claim (of its subject, predicate, object and folded quote): two claims with
    the same digest are then compared in full (validate.check_duplicates)."""
    return b"".join(hashlib.blake2b("\0".join(key).encode(), digest_size=8).digest() for key, _d, _l in claims)


def _body(b: _Build, name: str, part: dict[str, Any]) -> dict[str, Any]:
    """The whole part of a part held by its summary (claims, statements, quote places), read
    again from its file and not kept: the build holds one file's part at a time."""
    if "body" not in part:
        return part
    found: dict[str, Any] | None = b.parts.load(name)
    if found is None:
        raise _Stale(name)
    return found


def _statements(b: _Build, name: str, part: dict[str, Any]) -> dict[str, list[Any]]:
    """A relation part's statement columns: kept from its reading, or read again."""
    if "statements" in part:
        columns: dict[str, list[Any]] = part["statements"]
        return columns
    found: dict[str, list[Any]] = _body(b, name, part)["statements"]
    return found


def _chunk_key(chunk: str) -> bytes:
    return hashlib.blake2b(chunk.encode("utf-8"), digest_size=16).digest()


def _record_index(path: str, sha: str, relations: list[Relation]) -> dict[str, Any] | None:
    """The file's records (their keys and first lines) when each relation read from the whole file
    is one record of split_records, in order; None otherwise (then the next edit reads the file whole)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha:
        return None
    try:
        chunks = split_records(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None
    if chunks is None or len(chunks) != len(relations):
        return None
    for (line, _chunk), relation in zip(chunks, relations):
        if relation.location is None or relation.location.line != line:
            return None
    return {"key": [_chunk_key(chunk) for _line, chunk in chunks], "line": [line for line, _chunk in chunks]}


def _index_records(part: dict[str, Any], path: str, sha: str, relations: list[Relation]) -> None:
    """Add the file's records (_record_index) to its part, beside where each one's lines end."""
    index = _record_index(path, sha, relations)
    part["records"] = {**part["records"], **index} if index and part.get("records") else None


def _read_record(
    shown: str, line: int, chunk: str, default: tuple[str | None, Location | None] | None
) -> Relation | None:
    """One record read alone, at its lines in the file; None when it has any problem (the whole
    file is then read, so every message is the one reading the file gives)."""
    from kgraph.load import _records, _relation
    from kgraph.yamlnodes import read_yaml

    problems: list[Problem] = []
    root = read_yaml(shown, "\n" * (line - 1) + chunk, problems, frozenset({"quote"}))
    if problems or root is None or root.kind != "list" or len(root.value) != 1:
        return None
    found = _records(shown, root, "relation", problems)
    relation = _relation(found[0], default) if len(found) == 1 else None
    return None if problems else relation


def _by_record(problems: list[Problem], starts: list[int]) -> dict[int, list[Problem]]:
    """Problems by the record whose lines hold them (``starts``: each record's first line)."""
    import bisect

    found: dict[int, list[Problem]] = {}
    for problem in problems:
        found.setdefault(max(bisect.bisect_right(starts, problem.line) - 1, 0), []).append(problem)
    return found


def _moved(location: Location | None, shift: int) -> Location | None:
    return location if location is None or not shift else location._replace(line=location.line + shift)


def _shifted(problem: Problem, shift: int) -> Problem:
    if not shift:
        return problem
    return Problem(
        problem.path, problem.line + shift, problem.column, problem.message, problem.severity, problem.field_name
    )


def _references_of(columns: dict[str, list[Any]]) -> list[str]:
    """What ``_references`` gives, from a part's statement columns."""
    ids = {*columns["subject"], *columns["object"], *columns["source"]}
    for cites in columns["cites"]:
        ids.update(cites)
    ids.discard("")
    return sorted(ids)


class _Changed(Exception):
    """A file changed while the build read it: start again."""


def build(
    data_dir: str,
    base: str,
    vocabulary: Vocabulary,
    cache_dir: str | None = None,
    built: dict[str, Any] | None = None,
    notify: Callable[[str], None] | None = None,
    loaded: Dataset | None = None,
    record: RecordWriter | None = None,
) -> Compiled:
    """Check and compile the data folder into a new cache entry, reusing every part still current.

    ``loaded``: the folder's records as ``load`` gave them, when already at hand: parts are made
    from them rather than from the files. ``record``: given each relation file's quote places as
    its part is read (``kgraph build`` records them). Raises DataError with every problem (as
    ``load`` finds them); OSError when the cache cannot be written.
    """
    from kgraph.timing import gc_paused

    def attempt(loaded: Dataset | None, fast: bool) -> Compiled:
        b = _Build(data_dir, base, vocabulary, cache_dir, built, loaded, fast)
        b.record = record
        if record is not None:
            record.restart()
        with gc_paused():
            return _run(b, notify)

    fast = True
    for _attempt in range(3):
        try:
            return attempt(loaded, fast)
        except (_Changed, _Stale):
            # A file changed under us, or a part was damaged: once more, from the files, and
            # without the parts' summaries.
            loaded, fast = None, False
    return attempt(None, False)


def _run(b: _Build, notify: Callable[[str], None] | None) -> Compiled:
    from kgraph import datafiles
    from kgraph.files import display_path
    from kgraph.validate import _check_cycles, _check_entities, check_duplicates

    if not os.path.isdir(b.data_dir):
        raise DataError(
            [Problem(display_path(b.data_dir), 0, 0, "data folder not found (give --data DIR or set KGRAPH_DATA)")]
        )
    files = datafiles.find(b.data_dir, b.shown_root)
    b.problems.extend(files.unread)
    with phase("entities"):
        entity_parts = b.entity_parts(files.entities)
        for _name, part in entity_parts:
            b.problems.extend(part["problems"])
        readable = all(part["readable"] for _name, part in entity_parts)
        listed = [_stand_in(row) for _name, part in entity_parts for row in part["index"]]
        b.load_texts(listed)
        with_text = [e.id for e in listed if b.vocabulary.is_publication(e.type) and e.extra.get("text")]
        default_source = with_text[0] if len(with_text) == 1 else None
        entities: dict[str, Entity] = {}
        for entity in listed:
            entities.setdefault(entity.id, entity)
        _check_entities(listed, b.problems, b.vocabulary)
        b.world = _digest(
            b.context, [n for n, _p in entity_parts], b.text_files, b.built_sources, default_source, readable
        )
    # Each file's part is let go once read: what the build keeps across files is its summary (with
    # 8 bytes per claim) and the statement columns entities.marshal needs, so a million relations
    # build in the memory of their entity graph, not of every part at once.
    relation_parts: list[tuple[str, dict[str, Any]]] = []
    misses = 0
    with phase("relations"):
        for done, path in enumerate(files.relations):
            advance("relations", done, len(files.relations))
            name, part, misses = b.relation_part(path, entities, default_source, readable, misses)
            b.problems.extend(part["problems"])
            if b.record is not None:
                b.record.add(_body(b, name, part).get("anchors") or {})
            relation_parts.append((name, _let_go(name, part)))
            del part
        advance("relations", len(files.relations), len(files.relations))
    with phase("checks across files"):
        if readable:
            joined = b"".join(part["claim_digests"] for _n, part in relation_parts)
            if len({joined[at : at + 8] for at in range(0, len(joined), 8)}) < len(joined) // 8:
                # Two digests meet: the claims are read again from the parts, one at a time.
                claims = [c for n, part in relation_parts for c in _body(b, n, part)["claims"]]
                check_duplicates(claims, b.problems)
            stand_ins = [
                Relation(s, p, o, "", "", location=loc)
                for _n, part in relation_parts
                for s, p, o, loc in part["acyclic"]
            ]
            _check_cycles(Dataset(root=b.data_dir, entities=entities, relations=stand_ins), b.problems, b.vocabulary)
    b.hashes.save()
    if any(p.severity == "error" for p in b.problems):
        raise DataError(b.problems)
    return _write(b, entity_parts, relation_parts, entities, notify)


def _let_go(name: str, part: dict[str, Any]) -> dict[str, Any]:
    """What the build keeps of a relation file's part once read: a saved part's summary and its
    statement columns (its claims, N-Triples, records and quote places are read again from its
    file when needed); a part never saved (the file unreadable) is kept whole."""
    if "body" in part or not name:
        if "claim_digests" not in part:
            part["claim_digests"] = _claim_digests(part["claims"])
        return part
    kept = {key: part[key] for key in SUMMARY if key in part}
    if "claim_digests" not in kept:
        kept["claim_digests"] = _claim_digests(part["claims"])
    kept["statements"] = part["statements"]
    kept["body"] = name
    return kept


class _Columns:
    """The relation parts' statement columns, joined in file order."""

    def __init__(self) -> None:
        from kgraph.statement import FIELDS

        self.columns: dict[str, list[Any]] = {name: [] for name in FIELDS}

    def extend(self, part: dict[str, list[Any]] | None) -> None:
        if part is not None:
            for name, values in self.columns.items():
                values.extend(part[name])


class _MissingPart(Exception):
    """A part the entry was made of is gone or damaged."""


def recorded_quotes(data_dir: str, cache_dir: str | None, manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each relation file's quote places (anchors.record's ``quotes``) as the entry's parts hold
    them, one file at a time: ``kgraph build`` writes its anchors record from these rather than
    from every record in memory. Raises _MissingPart when a part is gone or damaged."""
    parts = _Parts(cache._slot(cache.cache_root(data_dir, cache_dir), data_dir))
    for name, _sha in manifest.get("parts") or []:
        if name.startswith("r-"):
            part = parts.load(name)
            if part is None or part.get("errors") or "anchors" not in part:
                raise _MissingPart(name)
            yield part.get("anchors") or {}


def _texts_nt(b: _Build) -> bytes:
    from kgraph.compile import _add_texts, to_ntriples

    out: list[tuple[str, str, str]] = []
    _add_texts(out, b.base, Dataset(root=b.data_dir, entities={}, relations=[], text_files=b.text_files))
    return to_ntriples(out)


def _ontology_part(b: _Build) -> tuple[str, str]:
    from kgraph.compile import add_ontology, to_ntriples

    name = f"o-{b.context}"
    found = b.parts.load(name)
    if found is None:
        out: list[tuple[str, str, str]] = []
        add_ontology(out, b.vocabulary)
        found = b.parts.save_nt(name + ".nt", to_ntriples(out))
        b.parts.save(name, found)
    return name, found


def _write(
    b: _Build,
    entity_parts: list[tuple[str, dict[str, Any]]],
    relation_parts: list[tuple[str, dict[str, Any]]],
    entities: dict[str, Entity],
    notify: Callable[[str], None] | None,
) -> Compiled:
    texts = _texts_nt(b)
    texts_name = f"x-{hashlib.sha256(texts).hexdigest()}"
    texts_sha = b.parts.save_nt(texts_name + ".nt", texts)
    onto = _ontology_part(b)
    # (name, sha of its N-Triples) in graph order: what the entry is made of.
    made = [
        onto,
        *((n, p["nt_sha"]) for n, p in entity_parts),
        (texts_name, texts_sha),
        *((n, p["nt_sha"]) for n, p in relation_parts),
    ]
    with phase("check last entry"):
        base_entry = _base_entry(b, notify)  # its checksums are saved with the new entry's (cache.write)
    with phase("entity graph"):
        infos = [info for _n, part in entity_parts for info in part["infos"]]
        records, index = _entity_records(b, infos, relation_parts, made, base_entry)
    with phase("key"):
        elsewhere = cache.read_elsewhere(b.data_dir, b.read)
        key = cache.source_key(b.data_dir, b.base, elsewhere, b.hashes, read=b.read)
    info = {
        "entities": len(entities),
        "relations": sum(p["relations"] for _n, p in relation_parts),
        "vocabulary": b.vocabulary.to_plain(),
        # What a query may name in kg: (Project.declared_terms), so that a query's warnings need
        # neither the vocabulary's YAML nor the compiler.
        "terms": _declared_terms(b, base_entry),
        "parts": [list(m) for m in made],
        "context": b.context,
        # The texts the quotes were found in: `kgraph build` compares them with its anchors record.
        "sources": {pid: {"path": path, "sha256": sha} for pid, (path, sha) in b.text_files.items()},
        "edges": index,
    }
    fill = _Filler(b, made, base_entry)
    try:
        compiled = cache.write(
            b.data_dir,
            b.base,
            key,
            fill,
            records,
            info,
            elsewhere,
            b.cache_dir,
            inherit=base_entry[0] if base_entry else None,
            hashes=b.hashes,
        )
    finally:
        fill.release()
    b.parts.clean()
    return compiled


#: Statements per file of the entity graph (cache.EDGES), at least: an edit rewrites the files
#: its statements fall in and links the others.
SEGMENT = 4096
_KEY_FIELDS = ("earliest", "subject", "predicate", "object", "iri")


def _entity_records(
    b: _Build,
    infos: list[Any],
    relation_parts: list[tuple[str, dict[str, Any]]],
    made: list[tuple[str, str]],
    base_entry: tuple[str, dict[str, Any], int] | None,
) -> tuple[dict[str, Any], list[list[Any]]]:
    """What ``entities.marshal`` holds (entitygraph.to_records), its statements in edge order cut
    into segments (cache.EDGES), and their index (each one's length and first edge key): the last
    entry's segments changed where statements went and came, or all made again."""
    from kgraph.entitygraph import to_records

    head = {**to_records(infos, []), "statements": None}
    found = _patched(b, relation_parts, made, base_entry) if base_entry else None
    if found is None:
        joined = _Columns()
        for n, part in relation_parts:
            joined.extend(_statements(b, n, part))
            part.pop("statements", None)  # the columns are held once, joined
        found = _cut(_ordered(joined.columns))
    segments, index = found
    return {**head, "segments": segments}, index


def _key_of(fields: tuple[str, ...]) -> Callable[[tuple[Any, ...]], tuple[str, ...]]:
    """The edge key (entitygraph.edge_key) of a row of statement values in ``fields`` order."""
    from kgraph.entitygraph import edge_key

    at = [fields.index(name) for name in _KEY_FIELDS]
    return lambda row: edge_key(*(row[i] for i in at))


def _ordered(joined: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The joined statement columns put in edge order without making a record object, each column
    reordered in place (so the columns are held once, not twice)."""
    from kgraph.entitygraph import edge_key

    keys = list(map(edge_key, *(joined[name] for name in _KEY_FIELDS)))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    del keys
    for values in joined.values():
        values[:] = [values[i] for i in order]
    return joined


def _cut(columns: dict[str, list[Any]]) -> tuple[list[Any], list[list[Any]]]:
    """Ordered statement columns cut into segments of about the same size (at most 64 of them),
    from the last: each segment's rows are taken off the columns as it is made, so the
    statements are not held twice."""
    from kgraph.entitygraph import edge_key

    total = len(columns["iri"])
    size = max(SEGMENT, -(-total // 64))
    segments: list[Any] = []
    index: list[list[Any]] = []
    for start in reversed(range(0, total, size)):
        first = edge_key(*(columns[name][start] for name in _KEY_FIELDS))
        segments.append({name: values[start:] for name, values in columns.items()})
        index.append([min(size, total - start), list(first)])
        for values in columns.values():
            del values[start:]
    segments.reverse()
    index.reverse()
    return segments, index


def _patched(
    b: _Build,
    relation_parts: list[tuple[str, dict[str, Any]]],
    made: list[tuple[str, str]],
    base_entry: tuple[str, dict[str, Any], int],
) -> tuple[list[Any], list[list[Any]]] | None:
    """The last entry's segments with the statements of the parts (or records) that went taken
    out and those that came put in; None when that entry's segments cannot be used."""
    import bisect
    import marshal

    from kgraph.statement import FIELDS

    folder, manifest, _held = base_entry
    index = manifest.get("edges")
    edges = os.path.join(folder, cache.EDGES)
    try:
        names = sorted(os.listdir(edges))
    except OSError:
        return None
    if not isinstance(index, list) or len(names) != len(index) or not index:
        return None
    key_of = _key_of(FIELDS)
    old = {tuple(m) for m in manifest["parts"]}
    gone = {name for name, _sha in old - set(made) if name.startswith("r-")}
    came = {name for name, _sha in set(made) - old if name.startswith("r-")}
    parts = dict(relation_parts)
    removed: set[tuple[str, ...]] = set()
    added: list[tuple[Any, ...]] = []
    for name in came:
        delta = b.deltas.get(name)
        if delta is not None and delta[0] in gone:
            gone.discard(delta[0])
            removed.update(delta[3])
            added.extend(delta[4])
        else:
            columns = _statements(b, name, parts[name])
            added.extend(zip(*(columns[field] for field in FIELDS)))
    for name in gone:
        part = b.parts.load(name)
        if part is None or part.get("statements") is None:
            return None
        columns = part["statements"]
        removed.update(map(key_of, zip(*(columns[field] for field in FIELDS))))
    firsts = [tuple(first) for _count, first in index]
    touched: dict[int, tuple[set[tuple[str, ...]], list[tuple[Any, ...]]]] = {}
    for key in removed:
        touched.setdefault(max(bisect.bisect_right(firsts, key) - 1, 0), (set(), []))[0].add(key)
    for row in added:
        touched.setdefault(max(bisect.bisect_right(firsts, key_of(row)) - 1, 0), (set(), []))[1].append(row)
    target = max(SEGMENT, -(-(sum(count for count, _first in index) + len(added)) // 64))
    segments: list[Any] = []
    new_index: list[list[Any]] = []
    for at, (count, first) in enumerate(index):
        path = os.path.join(edges, names[at])
        if at not in touched:
            segments.append(path)
            new_index.append([count, first])
            continue
        try:
            with open(path, "rb") as handle:
                segment = marshal.load(handle)
            rows = list(zip(*(segment[field] for field in FIELDS)))
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return None
        out, into = touched[at]
        kept = [row for row in rows if key_of(row) not in out]
        if len(rows) - len(kept) != len(out):
            return None  # a statement to take out is not where the index says
        kept.extend(into)
        kept.sort(key=key_of)
        # A segment grown past twice the size a fresh cut would give is cut again.
        pieces = -(-len(kept) // target) if len(kept) > 2 * target else 1
        size = max(-(-len(kept) // pieces), 1)
        for start in range(0, len(kept), size):
            rows = kept[start : start + size]
            segments.append({field: [row[i] for row in rows] for i, field in enumerate(FIELDS)})
            new_index.append([len(rows), list(key_of(rows[0]))])
    return segments, new_index


def _declared_terms(b: _Build, base_entry: tuple[str, dict[str, Any], int] | None) -> list[str]:
    """The ``kg:`` names the ontology declares: the last entry's when it was built under the same
    context (an edit: same vocabulary and code), else derived from the whole ontology."""
    if base_entry is not None and isinstance(base_entry[1].get("terms"), list):
        return list(base_entry[1]["terms"])
    from kgraph.compile import declared_terms

    return sorted(declared_terms(b.vocabulary))


def _base_entry(b: _Build, notify: Callable[[str], None] | None) -> tuple[str, dict[str, Any], int] | None:
    """The current entry, when built from parts under the same context and undamaged: its folder,
    manifest and a shared lock that keeps it from removal while it is copied."""
    pointer = cache._pointer(b.slot)
    if pointer is None:
        return None
    folder = os.path.join(b.slot, pointer["entry"])
    try:
        held = cache.lock(folder, exclusive=False)
    except (cache.Busy, OSError):
        return None
    try:
        manifest = json.loads(cache._read(os.path.join(folder, cache.MANIFEST)))
        if manifest.get("context") != b.context or not isinstance(manifest.get("parts"), list):
            raise ValueError("other context")
        manifest = cache._checked(folder, manifest["key"], b.hashes)
    except (OSError, ValueError, cache._Damaged) as exc:
        if notify and isinstance(exc, cache._Damaged):
            notify(f"the cached graph {folder} is damaged ({exc}); building without it")
        cache.unlock(held)
        return None
    return folder, manifest, held


class _Filler:
    """Makes the new entry's store: a checkpoint of the base entry's with the changed parts'
    triples taken out and put in, or a bulk load of every part."""

    def __init__(
        self, b: _Build, made: list[tuple[str, str]], base_entry: tuple[str, dict[str, Any], int] | None
    ) -> None:
        self.b, self.made, self.base_entry = b, made, base_entry
        self.triples = 0

    def release(self) -> None:
        if self.base_entry:
            cache.unlock(self.base_entry[2])
            self.base_entry = None

    def __call__(self, target: str) -> int:
        """Make the store at ``target``; return its triple count."""
        try:
            if self.base_entry is not None and self._delta(target):
                return self.triples
        finally:
            self.release()  # the copy is made: the last entry may go (write's clean-up removes it)
        import pyoxigraph

        with phase("load store"):
            store = pyoxigraph.Store(target)
            store.bulk_load(
                _Chain([self.b.parts.path(n + ".nt") for n, _sha in self.made]),  # type: ignore[arg-type]
                pyoxigraph.RdfFormat.N_TRIPLES,
            )
            store.flush()
        with phase("count"):
            triples = len(store)  # in the store just loaded: opening it again costs RocksDB's start-up
            del store
        return triples

    def _delta(self, target: str) -> bool:
        import pyoxigraph

        folder, manifest, _held = self.base_entry  # type: ignore[misc]
        old = {tuple(m) for m in manifest["parts"]}
        new = set(self.made)
        gone, came = old - new, new - old
        triples = int(manifest.get("triples", 0))
        with phase("delta"):
            removed: set[bytes] = set()
            added: set[bytes] = set()
            # A file's part made record by record from the one it replaces knows its records'
            # lines that went and came: the rest of the file's lines stay as they are.
            gone_names = {name for name, _sha in gone}
            shortcuts = {name for name, _sha in came if self.b.deltas.get(name, ("",))[0] in gone_names}
            replaced = {self.b.deltas[name][0] for name in shortcuts}
            for name, sha in gone:
                if name not in replaced:
                    removed.update(self.b.parts.read_nt(name + ".nt", sha).splitlines())
            for name, sha in came:
                if name in shortcuts:
                    removed.update(self.b.deltas[name][1])
                    added.update(self.b.deltas[name][2])
                else:
                    added.update(self.b.parts.read_nt(name + ".nt", sha).splitlines())
            removed, added = removed - added, added - removed
            if len(removed) + len(added) > DELTA_SHARE * max(triples, 1):
                return False
            with phase("copy store"):
                pyoxigraph.Store.read_only(os.path.join(folder, cache.OXIGRAPH_DIR)).backup(target)
            store = pyoxigraph.Store(target)
            count = triples
            for triple in _parse(removed):
                quad = pyoxigraph.Quad(*triple)
                if quad in store:
                    store.remove(quad)
                    count -= 1
            for triple in _parse(added):
                quad = pyoxigraph.Quad(*triple)
                if quad not in store:
                    store.add(quad)
                    count += 1
            # A direct triple another claim still makes stays (two files may both say "A met B").
            for triple in _parse(self._direct(removed)):
                if _still_made(store, triple):
                    store.add(pyoxigraph.Quad(*triple))
                    count += 1
            store.flush()
            del store
        self.triples = count
        return True

    def _direct(self, lines: Iterable[bytes]) -> list[bytes]:
        """Lines that may be a relation's direct or converse triple: between two entities, with a
        predicate of the vocabulary (or an inverse of one)."""
        from kgraph.compile import _predicate_iris

        predicates = set()
        for pred, converse in _predicate_iris(self.b.vocabulary).values():
            predicates.add(pred.encode())
            if converse:
                predicates.add(converse.encode())
        head = b"<" + self.b.base.encode()
        found = []
        for line in lines:
            parts = line.split(b" ", 2)
            if len(parts) == 3 and parts[1] in predicates and parts[0].startswith(head) and parts[2].startswith(head):
                found.append(line)
        return found


def _parse(lines: Iterable[bytes]) -> list[Any]:
    import pyoxigraph

    data = b"\n".join(lines)
    if not data:
        return []
    return [(t.subject, t.predicate, t.object) for t in pyoxigraph.parse(data + b"\n", pyoxigraph.RdfFormat.N_TRIPLES)]


def _still_made(store: Any, triple: Any) -> bool:
    """Whether a statement left in the store still makes this direct triple: an actual claim (one
    with a ``kg:status``, planned, denied..., is recorded but makes no direct triple)."""
    from kgraph.compile import _KG, _OBJECT, _PREDICATE, _SUBJECT

    s, p, o = triple
    return bool(
        store.query(
            f"ASK {{ {{ ?s {_SUBJECT} {s} ; {_PREDICATE} {p} ; {_OBJECT} {o} }} UNION "
            f"{{ ?s {_SUBJECT} {o} ; {_OBJECT} {s} ; {_KG['converse']} {p} }} "
            f"FILTER NOT EXISTS {{ ?s {_KG['status']} ?status }} }}"
        )
    )


class _Chain(io.RawIOBase):
    """Several files read as one stream (the parts' N-Triples, for one bulk load)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = list(paths)
        self.handle: io.BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self.handle is None:
                if not self.paths:
                    return 0
                self.handle = open(self.paths.pop(0), "rb")  # noqa: SIM115 - closed at its end
            count: int = self.handle.readinto(buffer)
            if count:
                return count
            self.handle.close()
            self.handle = None
