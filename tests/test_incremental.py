"""Issue 15: the incremental build (one data file at a time, the store changed by delete and
insert) gives exactly what a full rebuild gives, after any edit.

A seeded random loop edits a generated multi-file project (add, remove, change a field, rename an
id, remove an entity another file names, change a claim's status, change the vocabulary, change a
source text) and after each edit compares the cache's store (sorted N-Triples) and entity graph
records (entities and compiled statements) with ``load`` + compile from scratch, or, when the data
is now wrong, the problems each reports.
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

from kgraph.errors import DataError  # noqa: E402
from kgraph.project import Project  # noqa: E402


def _full(data: Path) -> tuple[str, Any]:
    """What a build from nothing gives: ('ok', (triples, entity records)) or ('error', problems)."""
    from kgraph.compile import ntriples_chunks
    from kgraph.entitygraph import entity_infos, to_records
    from kgraph.load import load
    from kgraph.statement import statements
    from kgraph.vocabulary import load_vocabulary

    try:
        dataset = load(str(data), load_vocabulary(str(data)))
    except DataError as exc:
        return "error", sorted(str(p) for p in exc.problems)
    lines = b"".join(ntriples_chunks(dataset)).decode().splitlines()
    records = to_records(entity_infos(dataset), statements(dataset, "https://w3id.org/kgraph/resource/"))
    return "ok", (sorted(set(lines)), _comparable(records))


def _comparable(records: dict[str, Any]) -> dict[str, Any]:
    """The entity graph's records with the entities in id order (files list them in any order;
    the statements are already in edge order)."""
    columns = records["entities"]
    order = sorted(range(len(columns["id"])), key=lambda i: columns["id"][i])
    return {**records, "entities": {name: [values[i] for i in order] for name, values in columns.items()}}


def _incremental(data: Path, cache: Path, loaded: bool = False) -> tuple[str, Any]:
    """What the cache gives; ``loaded``: as ``kgraph build`` does, with the records loaded first
    (missing parts are then made from them, not from the files)."""
    import pyoxigraph

    project = Project(str(data), cache_dir=str(cache))
    if loaded:
        try:
            project.dataset()
        except DataError:
            pass
    try:
        compiled = project.compiled()
    except DataError as exc:
        return "error", sorted(str(p) for p in exc.problems)
    assert compiled is not None
    dump = compiled.open_store().dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    assert compiled.triples == len(set(dump.decode().splitlines()))
    return "ok", (sorted(set(dump.decode().splitlines())), _comparable(compiled.entity_records()))


def _records(path: Path) -> list[str]:
    """The file's records as text blocks (the generator writes one '- ' line per record start)."""
    text = path.read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?m)^(?=- )", text)
    return [head, *blocks]


def _write(path: Path, blocks: list[str]) -> None:
    path.write_text("".join(blocks), encoding="utf-8")


def _compare(data: Path, cache: Path, what: str, loaded: bool = False) -> str:
    incremental, full = _incremental(data, cache, loaded), _full(data)
    assert incremental[0] == full[0], f"{what}: {incremental[0]} but a full build: {full[0]}"
    if full[0] == "error":
        assert incremental[1] == full[1], what
    else:
        assert incremental[1][0] == full[1][0], f"{what}: the graphs differ"
        assert incremental[1][1] == full[1][1], f"{what}: the path edges differ"
    return full[0]


class Editor:
    """Random edits of the kinds a curator makes, on a generated project."""

    def __init__(self, data: Path, rng: random.Random) -> None:
        self.data, self.rng = data, rng

    def relation_file(self) -> Path:
        return self.rng.choice(sorted((self.data / "relations").glob("*.yaml")))

    def add(self) -> str:
        source, target = self.relation_file(), self.relation_file()
        if self.rng.random() < 0.5:
            # Another person said to do the same, with the same quote: a new claim whose quote is found.
            block = self.rng.choice([b for b in _records(source)[1:] if "subject: person-" in b])
            current = re.search(r"subject: (person-\d+)", block).group(1)  # type: ignore[union-attr]
            other = self.rng.choice([f"person-{i}" for i in range(40) if f"person-{i}" != current])
            block = block.replace(f"subject: {current}\n", f"subject: {other}\n")
        else:
            # The same subject, predicate and object with another quote: a second statement whose
            # direct triple two files now share (removing one must keep it).
            block, other = (self.rng.choice(_records(self.relation_file())[1:]) for _ in range(2))
            evidence = re.search(r"(?ms)^  quote:.*", other).group(0)  # type: ignore[union-attr]
            block = re.sub(r"(?ms)^  quote:.*", lambda _m: evidence, block)
        _write(target, [*_records(target), block])
        return f"add a relation to {target.name}"

    def remove(self) -> str:
        path = self.relation_file()
        blocks = _records(path)
        if len(blocks) > 2:
            del blocks[self.rng.randrange(1, len(blocks))]
        _write(path, blocks)
        return f"remove a relation from {path.name}"

    def change_field(self) -> str:
        path = self.relation_file()
        blocks = _records(path)
        at = self.rng.randrange(1, len(blocks))
        blocks[at] = (
            blocks[at].replace("  quote:", "  note: checked again\n  quote:", 1)
            if "note:" not in blocks[at]
            else blocks[at].replace("  note: checked again\n", "")
        )
        _write(path, blocks)
        return f"change a field in {path.name}"

    def status(self) -> str:
        """A claim becomes planned (or denied), with a bounded amount: it keeps its statement node
        but loses its direct triple, which another actual claim may still make; or it is actual again."""
        path = self.relation_file()
        blocks = _records(path)
        at = self.rng.randrange(1, len(blocks))
        if "  status:" in blocks[at]:
            blocks[at] = re.sub(r"(?m)^  (status|quantities): .*\n", "", blocks[at])
        else:
            status = self.rng.choice(["planned", "denied"])
            blocks[at] = blocks[at].replace(
                "  quote:", f"  status: {status}\n  quantities: [{{max: 1000000, unit: USD, of: loans}}]\n  quote:", 1
            )
        _write(path, blocks)
        return f"change a claim's status in {path.name}"

    def _entity_ids(self) -> list[str]:
        text = (self.data / "entities.yaml").read_text(encoding="utf-8")
        return [i for i in re.findall(r"(?m)^- id: (\S+)", text) if i.startswith(("person-", "state-"))]

    def rename(self) -> str:
        old = self.rng.choice(self._entity_ids())
        new = old + "-renamed"
        everywhere = self.rng.random() < 0.7
        paths = [self.data / "entities.yaml", *(sorted((self.data / "relations").glob("*.yaml")) if everywhere else [])]
        for path in paths:
            path.write_text(
                re.sub(rf"(?m)(: ){re.escape(old)}$", rf"\g<1>{new}", path.read_text(encoding="utf-8")),
                encoding="utf-8",
            )
        return f"rename {old} -> {new}" + (" everywhere" if everywhere else " in entities.yaml only")

    def remove_entity(self) -> str:
        path = self.data / "entities.yaml"
        blocks = _records(path)
        victims = [i for i, b in enumerate(blocks) if re.match(r"- id: (person|state)-", b)]
        at = self.rng.choice(victims)
        name = blocks[at].split()[2]
        del blocks[at]
        _write(path, blocks)
        return f"remove entity {name}"

    def vocabulary(self) -> str:
        path = self.data / "vocabulary.yaml"
        text = path.read_text(encoding="utf-8")
        if "sponsored" in text:
            text = "extends: politics\n"
        else:
            text += (
                'predicates:\n  sponsored:\n    description: "The subject paid for the object."\n'
                "    subject: [State]\n    object: [Project]\n"
            )
        path.write_text(text, encoding="utf-8")
        return "change the vocabulary"

    def source_text(self) -> str:
        path = self.rng.choice(sorted((self.data / "sources").glob("*.txt")))
        text = path.read_text(encoding="utf-8")
        if self.rng.random() < 0.5:
            text = "A new first paragraph moves every quote.\n\n" + text  # quotes move: new anchors
        else:
            sentence = self.rng.choice(re.findall(r"In [^.]*\(entry \d+\)\.", text))
            text = text.replace(sentence, sentence.replace("In ", "Back in ", 1), 1)  # a quote no longer matches
        path.write_text(text, encoding="utf-8")
        return f"change source text {path.name}"


@pytest.mark.integration  # about 20 s on a loaded 2-core machine: run with --integration (CI does)
def test_incremental_builds_equal_full_rebuilds_after_random_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kgraph.incremental as incremental

    monkeypatch.setattr(incremental, "SEGMENT", 16)  # the entity graph in many segments, patched
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(400, 3, str(data), split=80)
    rng = random.Random(15)
    editor = Editor(data, rng)
    first = _incremental(data, cache)
    assert first[0] == "ok" and first == _full(data)
    edits = [
        editor.add,
        editor.remove,
        editor.change_field,
        editor.status,
        editor.rename,
        editor.remove_entity,
        editor.vocabulary,
        editor.source_text,
    ]
    # Every kind of edit at least once, then a random mix; the state carries over between edits.
    plan = [*edits, *(rng.choice(edits) for _ in range(7))]
    outcomes = set()
    for step, edit in enumerate(plan):
        before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
        what = edit()
        result = _compare(data, cache, f"step {step}: {what}", loaded=step % 2 == 1)
        outcomes.add(result)
        if result == "error":  # back to valid data: the delta back is compared too
            for path in {p for p in data.rglob("*") if p.is_file()} - set(before):
                path.unlink()
            for path, content in before.items():
                if not path.exists() or path.read_bytes() != content:
                    path.write_bytes(content)
            outcomes.add(_compare(data, cache, f"step {step}: undo {what}"))
    assert outcomes == {"ok", "error"}  # both kinds of result were compared


def test_an_edit_rebuilds_only_the_changed_file(tmp_path: Path) -> None:
    """One changed file is read again; the others' parts are reused (their YAML is not parsed)."""
    from kgraph import timing

    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(160, 4, str(data), split=32)
    assert _incremental(data, cache)[0] == "ok"
    path = sorted((data / "relations").glob("*.yaml"))[2]
    path.write_text(
        path.read_text(encoding="utf-8").replace("  quote:", "  note: edited\n  quote:", 1), encoding="utf-8"
    )
    import kgraph.yamlnodes as yamlnodes

    read: list[str] = []
    original = yamlnodes.read_yaml

    def spy(shown: str, *args: Any, **kwargs: Any) -> Any:
        read.append(os.path.basename(shown))
        return original(shown, *args, **kwargs)

    timing.reset()
    mp = pytest.MonkeyPatch()
    mp.setattr(yamlnodes, "read_yaml", spy)
    import kgraph.load as load

    mp.setattr(load, "read_yaml", spy)
    try:
        incremental = _incremental(data, cache)
    finally:
        mp.undo()
    assert incremental == _full(data)
    assert path.name in read and len([r for r in read if r.startswith("part-")]) == 1, read
    assert "copy store" in dict(timing.PHASES)  # the store was changed, not loaded again


@pytest.mark.parametrize("reverse", [False, True], ids=["same-direction", "converse"])
def test_a_triple_another_file_still_makes_stays(tmp_path: Path, reverse: bool) -> None:
    """'A met B' said in two files (or 'B met A', whose converse it is): removing one claim keeps the
    direct triple, which the other still makes."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(160, 5, str(data), split=32)
    files = sorted((data / "relations").glob("*.yaml"))
    first = next(f for f in files if "predicate: met\n" in f.read_text(encoding="utf-8"))
    second = next(f for f in files if f != first)
    met = next(b for b in _records(first)[1:] if "predicate: met\n" in b)
    subject = re.search(r"subject: (\S+)", met).group(1)  # type: ignore[union-attr]
    obj = re.search(r"object: (\S+)", met).group(1)  # type: ignore[union-attr]
    if reverse:
        subject, obj = obj, subject
    evidence = re.search(r"(?ms)^  quote:.*", _records(second)[1]).group(0)  # type: ignore[union-attr]
    added = f"- subject: {subject}\n  predicate: met\n  object: {obj}\n  date: 1950\n{evidence}"
    original = second.read_text(encoding="utf-8")
    assert _compare(data, cache, "before") == "ok"
    second.write_text(original + added, encoding="utf-8")
    assert _compare(data, cache, "added") == "ok"
    second.write_text(original.replace("\n", "\n\n", 1), encoding="utf-8")  # removed (and a line moved)
    base = "https://w3id.org/kgraph/resource/"
    triple = f"<{base}{subject}> <https://w3id.org/kgraph/ontology#met> <{base}{obj}> ."
    assert _compare(data, cache, "removed") == "ok"
    assert triple in _incremental(data, cache)[1][0]


def _spied(data: Path, cache: Path, what: str) -> tuple[str, list[int], list[str]]:
    """_compare, and the records the incremental build read alone (their first lines) and the
    files it read whole."""
    mp = pytest.MonkeyPatch()
    alone, whole = _spy_records(mp)
    try:
        incremental = _incremental(data, cache)
    finally:
        mp.undo()
    full = _full(data)
    assert incremental[0] == full[0], f"{what}: {incremental[0]} but a full build: {full[0]}"
    assert incremental[1] == full[1], what
    return full[0], alone, whole


def _spy_records(mp: pytest.MonkeyPatch) -> tuple[list[int], list[str]]:
    """Count the records read alone and the files read whole during a build."""
    import kgraph.incremental as incremental
    import kgraph.load as load

    alone: list[int] = []
    whole: list[str] = []
    read_record, read_file = incremental._read_record, load._read_file

    def record(shown: str, line: int, *args: Any) -> Any:
        alone.append(line)
        return read_record(shown, line, *args)

    def file(path: str, *args: Any) -> Any:
        whole.append(os.path.basename(path))
        return read_file(path, *args)

    mp.setattr(incremental, "_read_record", record)
    mp.setattr(load, "_read_file", file)
    return alone, whole


def test_an_edit_inside_one_file_reads_only_the_records_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one big relation file, a changed record is read alone; the records after it (whose lines
    moved) are reused, shifted; the entity graph's segments it does not touch are linked, not
    written again; the answer equals a full rebuild, also for the problems' places."""
    import kgraph.incremental as incremental

    monkeypatch.setattr(incremental, "SEGMENT", 16)
    cuts: list[int] = []
    cut = incremental._cut
    monkeypatch.setattr(incremental, "_cut", lambda columns: cuts.append(len(columns["iri"])) or cut(columns))
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(120, 6, str(data))
    path = data / "relations.yaml"
    assert _compare(data, cache, "first build") == "ok"
    blocks = _records(path)
    blocks[5] = blocks[5].replace("  quote:", "  note: first line\n  note2: x\n  quote:", 1)
    _write(path, blocks)  # an unknown field: an error, found by reading the whole file
    outcome, alone, whole = _spied(data, cache, "unknown field")
    assert outcome == "error" and "relations.yaml" in whole
    blocks[5] = blocks[5].replace("  note2: x\n", "")
    blocks[2] = blocks[2].replace("  quote:", "  note: edited\n  quote:", 1)
    blocks.insert(40, blocks.pop(30))  # a record moved: reused at its new place
    _write(path, blocks)
    cuts.clear()
    outcome, alone, whole = _spied(data, cache, "one record of a big file")
    assert outcome == "ok" and "relations.yaml" not in whole and len(alone) == 2, (alone, whole)
    assert not cuts  # the last entry's segments were changed, not cut again from every statement
    # A warning (a short quote) moves with its record when lines above it are added.
    blocks[50] = re.sub(r'(?m)^  quote: ".*"$', '  quote: "State"', blocks[50], count=1)
    _write(path, blocks)
    _compare(data, cache, "a short quote")
    blocks[1] = blocks[1].replace("  quote:", "  note: one\n  quote:", 1)
    _write(path, blocks)
    _outcome, alone, whole = _spied(data, cache, "lines added above a warning")
    assert len(alone) == 1 and "relations.yaml" not in whole, (alone, whole)


def test_records_that_quote_a_changed_text_or_name_a_changed_entity_are_read_again(tmp_path: Path) -> None:
    """A record is reused only while its text and what it names are unchanged: a source text
    that moves its quotes, an entity whose type changed, a vocabulary change."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(120, 8, str(data))
    assert _compare(data, cache, "first build") == "ok"
    source = sorted((data / "sources").glob("*.txt"))[0]
    source.write_text("A new first paragraph moves every quote.\n\n" + source.read_text(encoding="utf-8"))
    _outcome, alone, whole = _spied(data, cache, "quotes moved")
    relations = (data / "relations.yaml").read_text(encoding="utf-8")
    assert len(alone) == relations.count("source: source-0\n") and "relations.yaml" not in whole
    entities = data / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    victim = re.search(r"(?m)^- id: (person-\d+)\n  type: Person", text).group(1)  # type: ignore[union-attr]
    entities.write_text(text.replace(f"- id: {victim}\n  type: Person", f"- id: {victim}\n  type: State"))
    _compare(data, cache, "an entity's type changed")
    entities.write_text(text)
    assert _compare(data, cache, "the type back") == "ok"
    (data / "vocabulary.yaml").write_text(
        (data / "vocabulary.yaml").read_text(encoding="utf-8")
        + 'predicates:\n  sponsored:\n    description: "paid for"\n    subject: [State]\n    object: [Project]\n'
    )
    assert _compare(data, cache, "the vocabulary changed") == "ok"


@pytest.mark.parametrize(
    "layout",
    [
        "quoted",  # a quoted text spanning a line that starts with '- '
        "anchor",  # an anchor defined in two records: reading them alone hides the error
        "document",  # a second document after '...'
    ],
)
def test_files_whose_records_cannot_be_read_alone_are_read_whole(tmp_path: Path, layout: str) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(100, 9, str(data))
    path = data / "relations.yaml"
    assert _compare(data, cache, "first build") == "ok"
    blocks = _records(path)
    if layout == "quoted":
        blocks[3] = blocks[3].replace("  note: x\n", "").replace("  quote:", '  note: "two\n- lines"\n  quote:', 1)
    elif layout == "anchor":
        blocks[3] = blocks[3].replace("  quote:", "  note: &n one\n  quote:", 1)
        blocks[4] = blocks[4].replace("  quote:", "  note: &n two\n  quote:", 1)
    else:
        blocks[3] = blocks[3] + "...\n"
    _write(path, blocks)
    _compare(data, cache, layout)


def test_unchanged_files_cost_their_summaries_only(tmp_path: Path) -> None:
    """After an edit of one file, the other files' parts are found by their summaries (problems,
    counts, claim digests): no whole part of theirs is read; a change of an entity they name (a
    rename) makes them be checked again, and the answer equals a full rebuild each time."""
    import kgraph.incremental as incremental

    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(160, 10, str(data), split=32)
    assert _incremental(data, cache)[0] == "ok"
    files = sorted((data / "relations").glob("*.yaml"))
    files[1].write_text(files[1].read_text(encoding="utf-8").replace("  quote:", "  note: a\n  quote:", 1))
    assert _compare(data, cache, "first edit") == "ok"  # the summaries are filed under this world
    files[3].write_text(files[3].read_text(encoding="utf-8").replace("  quote:", "  note: b\n  quote:", 1))
    loaded: list[str] = []
    original = incremental._Parts.load

    def spy(self: Any, name: str) -> Any:
        loaded.append(name)
        return original(self, name)

    mp = pytest.MonkeyPatch()
    mp.setattr(incremental._Parts, "load", spy)
    try:
        assert _incremental(data, cache)[0] == "ok"
    finally:
        mp.undo()
    assert _compare(data, cache, "second edit") == "ok"
    whole = [name for name in loaded if name.startswith("r-")]
    assert len(whole) == 1, whole  # the edited file's last part, whose records are reused
    # Each unchanged file's summary (and the edited file's new one, looked up before it is filed).
    assert len([name for name in loaded if name.startswith("h-")]) == len(files)
    editor = Editor(data, random.Random(3))
    assert _compare(data, cache, editor.rename()) in ("ok", "error")
