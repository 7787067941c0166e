"""Issue 15, ten times the data: ``kgraph build`` checks and compiles one data file at a time and
never holds every record at once, yet says and records exactly what loading everything would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated project of 300 relations in three files, with its own cache."""
    data = tmp_path / "data"
    generate(300, 3, str(data), split=100)
    monkeypatch.setenv("KGRAPH_CACHE", str(tmp_path / "cache"))
    return data


def _loaded(data: Path) -> object:
    from kgraph.load import load
    from kgraph.vocabulary import load_vocabulary

    return load(str(data), load_vocabulary(str(data)))


def test_build_never_loads_every_record(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kgraph.load

    dataset = _loaded(project)
    expected = f"from {len(dataset.entities)} entities and {len(dataset.relations)} relations"  # type: ignore[attr-defined]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("kgraph build loaded every record at once")

    monkeypatch.setattr(kgraph.load, "load", refuse)
    run = cli("build", data=project)
    assert run.code == 0, run
    assert expected in run.out
    again = cli("build", data=project)  # a current cache: checked, the record written from its parts
    assert again.code == 0 and expected in again.out


def test_build_records_every_quote_place_as_loading_would(cli, project: Path) -> None:
    from kgraph import anchors

    expected = anchors.record(_loaded(project))  # type: ignore[arg-type]
    assert expected["quotes"]

    def written() -> dict[str, object]:
        found = json.loads(record.read_text(encoding="utf-8"))
        [manifest] = record.parent.glob("*/manifest.json")
        assert found.pop("entry") == json.loads(manifest.read_text())["key"]  # the entry it describes
        return found  # type: ignore[no-any-return]

    assert cli("build", data=project).code == 0  # gathered as the build reads each file
    [record] = (project.parent / "cache").glob("*/anchors.json")
    assert written() == expected
    record.unlink()
    assert cli("build", data=project).code == 0  # the cache was current: read from its parts
    assert written() == expected
    before = record.stat()
    assert cli("build", data=project).code == 0  # recorded from this entry already: left as it is
    assert (record.stat().st_ino, record.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not list(record.parent.glob(".anchors-*"))  # nothing left behind


def test_build_finds_a_claim_two_files_make(cli, project: Path) -> None:
    first, second, *_rest = sorted((project / "relations").glob("*.yaml"))
    text = first.read_text(encoding="utf-8")
    claim = text[text.index("- subject:") :].split("\n- ", 1)[0] + "\n"
    second.write_text(second.read_text(encoding="utf-8") + claim, encoding="utf-8")
    validate = cli("validate", data=project)
    build = cli("build", data=project)
    assert build.code == validate.code == 1
    errors = [line for line in build.err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "duplicate relation" in errors[0] and first.name in errors[0]
    assert errors == [line for line in validate.err.splitlines() if ": error: " in line]


def test_quote_places_survive_an_edit_inside_a_file(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit that reuses a file's unchanged records (the edit loop's record-level reuse),
    `kgraph build` records every quote's place as loading the edited folder would: the reused
    records' places come from the file's last part, the other files' from their parts."""
    import kgraph.incremental as incremental
    from kgraph import anchors

    assert cli("build", data=project).code == 0
    path = project / "relations" / "part-0001.yaml"
    text = path.read_text(encoding="utf-8")
    head, *records = text.split("\n- ")
    records[3] = records[3].replace("\n  quote:", "\n  note: edited\n  quote:", 1)
    records.insert(40, records.pop(10))  # a record moved: reused at its new place
    path.write_text("\n- ".join([head, *records]), encoding="utf-8")
    assembled: list[str] = []
    assemble = incremental._Build._assemble
    monkeypatch.setattr(
        incremental._Build, "_assemble", lambda self, *args: assembled.append(args[-1]) or assemble(self, *args)
    )
    expected = anchors.record(_loaded(project))  # type: ignore[arg-type]
    assert cli("build", data=project).code == 0
    assert assembled  # the file's part was made from its last part's records
    [record] = (project.parent / "cache").glob("*/anchors.json")
    found = json.loads(record.read_text(encoding="utf-8"))
    found.pop("entry")
    assert found == expected


def test_a_long_build_shows_its_progress_file_by_file(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: at a million relations the build checks 200 files for minutes; its progress names
    each step and counts the relation files (plain lines, a tenth at a time, when stderr is a file
    or a pipe; a bar in a terminal). Shown once a build has run PROGRESS_AFTER seconds: here at once."""
    from kgraph.cli import context

    monkeypatch.setattr(context, "PROGRESS_AFTER", -1.0)
    run = cli("build", data=project)
    assert run.code == 0, run
    lines = run.err.splitlines()
    assert lines[:2] == [
        "building the graph: reading entities...",
        "building the graph: reading and checking relations...",
    ]
    counts = [line for line in lines if line.endswith(" files")]
    assert counts == [f"building the graph: reading and checking relations: {n} of 3 files" for n in (0, 1, 2, 3)]
    assert "building the graph: loading the store..." in lines and "building the graph: writing the cache..." in lines
    assert run.out.startswith("built ")


def test_a_terminal_sees_a_bar_over_the_relation_files(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kgraph.cli import context

    monkeypatch.setattr(context, "PROGRESS_AFTER", -1.0)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws as in a terminal
    run = cli("build", data=project)
    assert run.code == 0, run
    assert "3/3" in run.err and "building the graph: writing the cache" in run.err
    assert "of 3 files" not in run.err  # no plain lines beside the bar


def test_a_quick_build_shows_no_progress(cli, project: Path) -> None:
    run = cli("build", data=project)
    assert run.code == 0 and run.out.startswith("built ") and run.err == "", run
