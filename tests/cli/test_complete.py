"""Tab completion of entity names, predicate ids and types, driven as a shell drives it."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA, complete, integration

# Each case runs kgraph in a process of its own, as a shell does.
pytestmark = integration


def test_entity_names_complete_ids_and_labels() -> None:
    assert complete("path Vl") == ["Vladimir Putin"]
    assert complete("path putin so") == ["south-korea", "soviet-union"]
    assert complete("path putin So") == ["South Korea", "Soviet Union"]
    assert complete("show ki") == ["kim-jong-il"] and complete("show Ki") == ["Kim Jong-il"]
    assert "Test network text" not in complete("neighbors T")  # the publication is not an actor


def test_aliases_complete_names_in_time_too() -> None:
    assert complete("path putin US") == ["USSR"]  # an alias for all time
    # "Moscow" is the Soviet Union's name to 1991 and Russia's after: offered once, looked up at --at.
    assert complete("show Mos", data=DATA) == ["Moscow"]
    assert complete("show Russian", data=DATA)[:3] == ["Russian", "Russian Empire", "Russian Far East"]


def test_predicates_and_types_complete() -> None:
    assert complete("path putin china --via lea") == ["leaderOf"]
    assert complete("path putin china --exclude-predicate trad") == ["tradedWith"]
    assert complete("path putin china --through-types State,Pe") == ["State,Person"]
    assert complete("rank --type Tr") == ["Treaty"]


def test_completion_survives_broken_data(tmp_path: Path) -> None:
    (tmp_path / "entities.yaml").write_text("- id: [unclosed\n  : :\n", encoding="utf-8")
    assert complete("path pu", data=tmp_path) == []
    assert complete("path pu", data=tmp_path / "missing") == []


def test_entities_in_an_entities_folder_complete(tmp_path: Path) -> None:
    (tmp_path / "entities.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    (tmp_path / "entities" / "people").mkdir(parents=True)
    (tmp_path / "entities" / "people" / "a.yaml").write_text(
        "- id: ada-lovelace\n  type: Person\n  label: Ada Lovelace\n", encoding="utf-8"
    )
    assert complete("show ad", data=tmp_path) == ["ada-lovelace"]
