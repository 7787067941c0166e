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
def test_incremental_builds_equal_full_rebuilds_after_random_edits(tmp_path: Path) -> None:
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
    generate(400, 4, str(data), split=80)
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
    generate(400, 5, str(data), split=80)
    first, second = sorted((data / "relations").glob("*.yaml"))[:2]
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
