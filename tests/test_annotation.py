"""The annotation itself: quotes, coverage, the state distinctions and the footnotes."""

from __future__ import annotations

import pytest

from kgraph.load import load
from kgraph.textmatch import normalize

from conftest import DATA, run_cli


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    return load(str(DATA))


def test_validates_without_warnings(dataset) -> None:  # type: ignore[no-untyped-def]
    assert not dataset.warnings


def test_every_quote_occurs_in_the_source_text(dataset) -> None:  # type: ignore[no-untyped-def]
    text = normalize((DATA / "sources" / "russia-and-the-korean-crisis.txt").read_text(encoding="utf-8"))
    missing = [r.quote for r in dataset.relations if normalize(r.quote) not in text]
    assert not missing


def test_every_entity_has_a_relation(dataset) -> None:  # type: ignore[no-untyped-def]
    used = {r.subject for r in dataset.relations} | {r.object for r in dataset.relations}
    assert sorted(set(dataset.entities) - used) == []


@pytest.mark.parametrize("name,entity", [("Soviet Union", "soviet-union"), ("USSR", "soviet-union"),
                                         ("Russia", "russia"), ("Russian Federation", "russia")])
def test_soviet_union_and_russia_are_found_apart(name: str, entity: str) -> None:
    """Each state's own names find it and not the other: folding one into the other (an alias of the
    wrong entity, or one entity for both) would make this fail."""
    run = run_cli("show", name, data=DATA)
    assert run.code == 0, run
    assert run.out.splitlines()[0].endswith(f"(State, id: {entity})"), run


def test_soviet_union_and_russia_are_distinct_with_succession(dataset) -> None:  # type: ignore[no-untyped-def]
    assert any(r.subject == "russia" and r.predicate == "successorOf" and r.object == "soviet-union"
               for r in dataset.relations)
    # Pre-1910 Korea is neither Korea of today.
    for eid in ("korea-pre-1910", "north-korea", "south-korea"):
        assert dataset.entities[eid].type == "State"
    assert not any(r.subject == "russia" and r.date and r.date.year < 1991 for r in dataset.relations)


def test_names_used_for_lookup_are_unambiguous(dataset) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}
    for entity in dataset.entities.values():
        for name in {entity.label.lower(), *(a.lower() for a in entity.aliases)}:
            assert seen.setdefault(name, entity.id) == entity.id, name


def test_more_than_a_hundred_relations(dataset) -> None:  # type: ignore[no-untyped-def]
    assert len(dataset.relations) > 100


def test_every_footnote_is_cited(dataset) -> None:  # type: ignore[no-untyped-def]
    cited = {n for r in dataset.relations for n in r.footnotes}
    assert cited >= set(range(1, 13))
    for rel in dataset.relations:
        if rel.footnotes:
            assert rel.cites, (rel.subject, rel.predicate, rel.object)


def test_quantities_of_the_article(dataset) -> None:  # type: ignore[no-untyped-def]
    got = {(q.value, q.unit) for r in dataset.relations for q in r.quantities}
    for expected in [("11000000000", "USD"), ("90", "percent"), ("1000000000", "USD"), ("1500000000", "USD"),
                     ("1200000000", "USD"), ("100", "km"), ("50", "percent"), ("40", "percent"),
                     ("1000000", "USD")]:
        assert expected in got, expected
