"""kgraph init: a new project that validates, checks and lists its queries at once (issue #10)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import run_cli

FILES = [
    "data/entities.yaml",
    "data/relations.yaml",
    "data/sources/README.md",
    "data/vocabulary.yaml",
    "queries/about.rq",
    "queries/checks/entity-without-relation.rq",
    "queries/checks/event-without-date.rq",
    "queries/checks/relation-without-quote.rq",
    "queries/checks/source-never-cited.rq",
]


def uncomment_examples(path: Path) -> None:
    """Turn a file's commented example into records, as a newcomer would."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(("# Replace the [] ", '# (README, "The vocabulary file")'))
    )
    body = [line[2:] if line.startswith("# ") else "" if line == "#" else line for line in lines[start + 1 :]]
    path.write_text("\n".join(line for line in body if line != "[]") + "\n", encoding="utf-8")


@pytest.mark.parametrize("vocabulary", ["core", "politics"])
def test_a_new_project_validates_checks_and_lists_its_queries(tmp_path: Path, vocabulary: str) -> None:
    project = tmp_path / "my-project"
    run = run_cli("init", str(project), "--vocabulary", vocabulary, data=None)
    assert run.code == 0, run
    assert run.out.splitlines() == [f"{project}/{name}" for name in FILES]
    assert (project / "data" / "vocabulary.yaml").read_text().endswith(f"\nextends: {vocabulary}\n")
    data = project / "data"
    validate = run_cli("validate", data=data)
    assert (validate.code, validate.out) == (0, "ok: 0 entities, 0 relations, 0 quotes found in their sources\n")
    check = run_cli("check", data=data)
    assert check.code == 0, check
    assert check.err.strip() == "4 check(s): 0 error, 0 warn, 0 info with rows; failing at --fail-on error: 0"
    queries = run_cli("queries", data=data)
    assert queries.code == 0 and "--param entity=ENTITY" in queries.out


def test_the_commented_examples_are_valid_records(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_cli("init", str(project), data=None).code == 0
    data = project / "data"
    for name in ("entities.yaml", "relations.yaml"):
        uncomment_examples(data / name)
    (data / "sources" / "my-text.txt").write_text("Here are the exact words of the text.\n", encoding="utf-8")
    run = run_cli("validate", data=data)
    assert (run.code, run.out) == (0, "ok: 2 entities, 1 relations, 1 quotes found in their sources\n"), run
    about = run_cli("query", "about", "--param", "entity=Ada Lovelace", "-f", "csv", data=data)
    assert about.out.splitlines() == [
        "date,subject,relation,object,quote",
        "1843,Ada Lovelace,author of,My text,the exact words of the text",
    ]
    assert run_cli("check", data=data).code == 0


def test_a_second_init_refuses_and_changes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_cli("init", str(project), data=None).code == 0
    (project / "data" / "entities.yaml").write_text("[]\n# mine\n", encoding="utf-8")
    again = run_cli("init", str(project), data=None)
    assert again.code == 1
    assert again.err == (
        f"error: '{project}' is not empty (it holds data, queries); kgraph init never "
        "overwrites a project: choose a new or empty folder\n"
    )
    assert (project / "data" / "entities.yaml").read_text() == "[]\n# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]  # no staging folder left behind


def test_init_fills_an_empty_folder_and_refuses_an_unknown_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_cli("init", str(tmp_path / "empty"), data=None).code == 0
    assert (tmp_path / "empty" / "data" / "entities.yaml").is_file()
    wrong = run_cli("init", str(tmp_path / "q"), "--vocabulary", "politcs", data=None)
    assert wrong.code == 1
    assert re.match(r"error: --vocabulary: 'politcs' is neither a vocabulary kgraph ships", wrong.err)
    assert not (tmp_path / "q").exists()


def test_the_commented_vocabulary_example_declares_a_type_and_a_predicate(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_cli("init", str(project), data=None).code == 0
    data = project / "data"
    uncomment_examples(data / "vocabulary.yaml")
    assert (data / "vocabulary.yaml").read_text(encoding="utf-8").endswith("\nextends: core\n")
    (data / "entities.yaml").write_text(
        "- id: ada\n  type: Person\n  label: Ada\n- id: medal\n  type: Award\n  label: A medal\n", encoding="utf-8"
    )
    (data / "relations.yaml").write_text(
        "- subject: ada\n  predicate: receivedAward\n  object: medal\n  quote: Ada received a medal\n  source: note\n",
        encoding="utf-8",
    )
    with open(data / "entities.yaml", "a", encoding="utf-8") as handle:
        handle.write("- id: note\n  type: Publication\n  label: A note\n  text: sources/note.txt\n")
    (data / "sources" / "note.txt").write_text("Ada received a medal.\n", encoding="utf-8")
    run = run_cli("validate", data=data)
    assert (run.code, run.out) == (0, "ok: 3 entities, 1 relations, 1 quotes found in their sources\n"), run
    listed = list(csv.DictReader(io.StringIO(run_cli("vocab", "--format", "csv", data=data).out)))
    assert any({"section": "type", "name": "Award", "label": "award"}.items() <= row.items() for row in listed)
    assert any(
        {"section": "predicate", "name": "receivedAward", "label": "received", "inverse": "awarded to"}.items()
        <= row.items()
        for row in listed
    )


def test_init_starts_from_a_vocabulary_file(tmp_path: Path) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text("extends: core\ntypes:\n  Ship:\n    label: ship\n    parent: Thing\n", encoding="utf-8")
    project = tmp_path / "p"
    assert run_cli("init", str(project), "--vocabulary", str(own), data=None).code == 0
    text = (project / "data" / "vocabulary.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Started from mine.yaml by kgraph init.\n") and text.endswith(own.read_text())
    assert run_cli("validate", data=project / "data").code == 0
    assert "type,Ship,ship" in run_cli("vocab", "--format", "csv", data=project / "data").out
