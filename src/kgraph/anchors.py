"""Where each quote stood in its source at the last build, and what a changed source did to it.

``kgraph build`` records, beside the compiled graphs in the cache (``CACHE/<slot>/anchors.json``),
each source text's SHA-256 and each quote's place (its fragments' spans, their lines and columns).
The record sits beside the entries, not in one: an entry is filed under a hash of the sources, so
the entry of the last build is exactly what a changed source no longer finds, and implicit rebuilds
(a query after an edit) must not overwrite what the user last accepted. When a source's hash differs
from the recorded one, loading reports every quote of it that moved, now stands at more places, or
no longer matches, old and new positions side by side, so nothing moves silently.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable
from typing import IO, Any

from kgraph.errors import Problem
from kgraph.model import Dataset, Location, Relation

RECORD = "anchors.json"
FORMAT = 1


def record_path(data_dir: str, cache_dir: str | None = None) -> str:
    """The record of the data folder's last build (in its cache slot)."""
    from kgraph.cache import _slot, cache_root

    return os.path.join(_slot(cache_root(data_dir, cache_dir), data_dir), RECORD)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based, in code points) of an offset into a text."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _key(rel: Relation) -> str:
    """A relation's identity across builds, whatever the base IRI: its statement IRI's path."""
    from kgraph.statement import relation_iri

    return relation_iri("", rel)


def _line_columns(text: str) -> Callable[[int], tuple[int, int]]:
    """line_column for many offsets into one text: its line starts found once, each offset then
    placed by bisection (counting the line breaks before every quote scanned the text again for
    each: a second per 20,000 quotes)."""
    import bisect
    import re

    breaks = [found.start() for found in re.finditer("\n", text)]

    def place(offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(breaks, offset)
        return line + 1, offset - (breaks[line - 1] + 1 if line else 0) + 1

    return place


def record(dataset: Dataset) -> dict[str, Any]:
    """Every source's hash and every found quote's place, as the build saw them."""
    quotes: dict[str, Any] = {}
    placers: dict[str, Callable[[int], tuple[int, int]]] = {}
    for rel in dataset.relations:
        text = dataset.texts.get(rel.source)
        if rel.anchors and text is not None:
            place = placers.get(rel.source) or placers.setdefault(rel.source, _line_columns(text))
            quotes[_key(rel)] = {
                "source": rel.source,
                "spans": [list(span) for span in rel.anchors],
                "at": [list(place(start)) for start, _ in rel.anchors],
                "places": rel.places,
            }
    sources = {pid: {"path": path, "sha256": sha} for pid, (path, sha) in dataset.text_files.items()}
    return {"format": FORMAT, "sources": sources, "quotes": quotes}


def read(data_dir: str, cache_dir: str | None = None) -> dict[str, Any] | None:
    """The last build's record, or None (never built, or unreadable: nothing to compare with)."""
    try:
        with open(record_path(data_dir, cache_dir), encoding="utf-8") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("format") == FORMAT else None


def write(data_dir: str, dataset: Dataset, cache_dir: str | None = None) -> None:
    """Record the places of this build (atomically; an unwritable cache only loses the record)."""
    found = record(dataset)
    write_quotes(data_dir, found["sources"], [found["quotes"]], cache_dir)


def write_quotes(
    data_dir: str,
    sources: dict[str, Any],
    quotes: Iterable[dict[str, Any]],
    cache_dir: str | None = None,
    key: str | None = None,
) -> None:
    """Record the places of this build from ``quotes`` given a piece at a time (the incremental
    build's per-file records). Atomic; an unwritable cache only loses the record."""
    writer = RecordWriter(data_dir, cache_dir)
    writer.restart()
    try:
        for piece in quotes:
            writer.add(piece)
    except BaseException:  # a piece that cannot be read stops the record, leaving no file
        writer.discard()
        raise
    writer.commit(sources, key)


class RecordWriter:
    """The record written a piece at a time, each relation file's quotes as the build makes or
    reads its part, so the places of a million quotes are never one object in memory; put in
    place by commit() once the build is accepted (``kgraph build``), else discarded. An
    unwritable cache only loses the record."""

    #: Leftovers of killed builds are removed after a day (a build of a million relations may
    #: write its last quote many minutes before it commits).
    LEFTOVER_AGE = 86400

    def __init__(self, data_dir: str, cache_dir: str | None = None) -> None:
        self.path = record_path(data_dir, cache_dir)
        self.out: IO[str] | None = None
        self.tmp: str | None = None
        self.first = True

    def restart(self) -> None:
        """Begin (again: a build that starts over writes every piece again)."""
        import tempfile
        import time

        self.discard()
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            for name in os.listdir(folder):
                leftover = os.path.join(folder, name)
                if name.startswith(".anchors-") and time.time() - os.stat(leftover).st_mtime > self.LEFTOVER_AGE:
                    os.unlink(leftover)
            handle, self.tmp = tempfile.mkstemp(prefix=".anchors-", dir=folder)
            self.out = os.fdopen(handle, "w", encoding="utf-8")
            self.out.write(f'{{"format": {FORMAT}, "quotes": {{')
        except OSError:
            self.discard()
        self.first = True

    def add(self, quotes: dict[str, Any]) -> None:
        """One relation file's quotes (anchors.record's ``quotes``)."""
        if self.out is None:
            return
        try:
            for key in sorted(quotes):
                self.out.write(
                    ("" if self.first else ", ") + f"{json.dumps(key)}: {json.dumps(quotes[key], sort_keys=True)}"
                )
                self.first = False
        except OSError:
            self.discard()

    def commit(self, sources: dict[str, Any], key: str | None = None) -> None:
        """Put the record in place, with each source text's path and hash, and the key of the
        cache entry it describes (a later build of the same entry need not write it again)."""
        if self.out is None or self.tmp is None:
            return
        try:
            entry = f', "entry": {json.dumps(key)}' if key else ""
            self.out.write(f'}}, "sources": {json.dumps(sources, sort_keys=True)}{entry}}}')
            self.out.close()
            self.out = None
            os.replace(self.tmp, self.path)
            self.tmp = None
        except OSError:
            pass
        self.discard()

    def discard(self) -> None:
        if self.out is not None:
            with contextlib.suppress(OSError):
                self.out.close()
            self.out = None
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None


def compare(dataset: Dataset, built: dict[str, Any]) -> list[Problem]:
    """What changed sources did to the quotes the last build placed: moved, now at several places,
    or lost, each at the relation's quote with ``SOURCE:OLDLINE:COL -> NEWLINE:COL``."""
    from kgraph.files import display_path
    from kgraph.textmatch import SourceText

    old_sources, old_quotes = built.get("sources") or {}, built.get("quotes") or {}
    changed = {
        pid
        for pid, (_path, sha) in dataset.text_files.items()
        if isinstance(old_sources.get(pid), dict) and old_sources[pid].get("sha256") != sha
    }
    if not changed:
        return []
    prepared: dict[str, SourceText] = {}
    problems: list[Problem] = []
    for rel in dataset.relations:
        old = old_quotes.get(_key(rel)) if rel.source in changed else None
        if not isinstance(old, dict) or not old.get("at"):
            continue
        text = dataset.texts[rel.source]
        path = display_path(os.path.join(dataset.root, dataset.text_files[rel.source][0]))
        line, column = old["at"][0]
        was = f"{path}:{line}:{column}"
        why = f"since the last build ({path} changed)"
        where = rel.field_locations.get("quote", rel.location)
        assert where is not None

        def report(message: str, severity: str = "warning", where: Location = where) -> None:
            problems.append(Problem(where.path, where.line, where.column, message, severity))

        if not rel.anchors:
            report(f"quote no longer matches {why}: {was} -> no match", "error")
        elif rel.places > int(old.get("places", 1)):
            source = prepared.get(rel.source) or prepared.setdefault(rel.source, SourceText(text))
            now = ", ".join(
                "{}:{}".format(*line_column(text, source.anchors(place)[0][0])) for place in source.matches(rel.quote)
            )
            report(f"quote now matches {rel.places} places {why}: {was} -> {now}")
        elif [list(span) for span in rel.anchors] != old.get("spans"):
            report(f"quote moved {why}: {was} -> %d:%d" % line_column(text, rel.anchors[0][0]))
    return problems
