"""The annotation itself: quotes, coverage, the state distinctions and the footnotes."""

from __future__ import annotations

import pytest

from kgraph.load import load
from kgraph.textmatch import SourceText

from conftest import DATA, run_cli


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    return load(str(DATA))


def test_validates_without_warnings(dataset) -> None:  # type: ignore[no-untyped-def]
    assert not dataset.warnings


def test_every_quote_occurs_in_the_source_text(dataset) -> None:  # type: ignore[no-untyped-def]
    text = SourceText((DATA / "sources" / "russia-and-the-korean-crisis.txt").read_text(encoding="utf-8"))
    # found as kgraph finds quotes: folded, and a quote with left-out words ('A [...] B') by its parts
    missing = [r.quote for r in dataset.relations if not text.contains(r.quote)]
    assert not missing


def test_every_entity_has_a_relation(dataset) -> None:  # type: ignore[no-untyped-def]
    used = {r.subject for r in dataset.relations} | {r.object for r in dataset.relations}
    assert sorted(set(dataset.entities) - used) == []


@pytest.mark.parametrize(
    "name,entity",
    [
        ("Soviet Union", "soviet-union"),
        ("USSR", "soviet-union"),
        ("Russia", "russia"),
        ("Russian Federation", "russia"),
    ],
)
def test_soviet_union_and_russia_are_found_apart(name: str, entity: str) -> None:
    """Each state's own names find it and not the other: folding one into the other (an alias of the
    wrong entity, or one entity for both) would make this fail."""
    run = run_cli("show", name, data=DATA)
    assert run.code == 0, run
    assert run.out.splitlines()[0].endswith(f"(State, id: {entity})"), run


def test_soviet_union_and_russia_are_distinct_with_succession(dataset) -> None:  # type: ignore[no-untyped-def]
    assert any(
        r.subject == "russia" and r.predicate == "successorOf" and r.object == "soviet-union" for r in dataset.relations
    )
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
    for expected in [
        ("11000000000", "USD"),
        ("90", "percent"),
        ("1000000000", "USD"),
        ("1500000000", "USD"),
        ("1200000000", "USD"),
        ("100", "km"),
        ("50", "percent"),
        ("40", "percent"),
    ]:
        assert expected in got, expected
    # "less than $1 million" is a bound, never a value a sum could add
    trade = [q for r in dataset.relations for q in r.quantities if q.of == "annual trade"]
    assert [(q.value, q.max, q.unit) for q in trade] == [(None, "1000000", "USD")]


# --- issue 16: the review of the annotation against the article ---------------------------------


def _claims(dataset, subject: str, predicate: str, obj: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [r for r in dataset.relations if (r.subject, r.predicate, r.object) == (subject, predicate, obj)]


def test_the_errors_issue_16_lists_are_fixed(dataset) -> None:  # type: ignore[no-untyped-def]
    # 3: the text says Russia's cooperation strengthens Seoul's position in dealing with Pyongyang
    assert not _claims(dataset, "south-korea", "balancesAgainst", "north-korea")
    [support] = _claims(dataset, "russia", "supported", "south-korea")
    assert "strengthens Seoul's position in dealing with Pyongyang" in support.quote
    # 5: the sentence on the free trade agreement gives no year
    for subject in ("russia", "south-korea"):
        [hope] = _claims(dataset, subject, "advocated", "korea-eaeu-free-trade-agreement")
        assert (hope.date, hope.start, hope.end) == (None, None, None)
    # 7: one id for one region, no alias naming something else, Iran a state like Serbia
    assert "far-east" not in dataset.entities and "Far East" in dataset.entities["east-asia"].aliases
    names = {name for e in dataset.entities.values() for name in e.aliases}
    assert not {"OECD countries", "Brookings", "Far Eastern Federal District"} & names
    assert dataset.entities["oecd-countries"].label == "OECD countries"
    assert dataset.entities["iran"].type == dataset.entities["serbia"].type == "State"
    # the model-dependent ones that today's syntax can say: a state that begins in 1945, a
    # friendship that did not last is not open from 2000, "Before 1979" ends in 1978
    for power in ("soviet-union", "united-states"):
        [player] = _claims(dataset, power, "influenced", "korean-peninsula")
        assert (str(player.start), player.date, player.end) == ("1945", None, None)
    friendship = next(r for r in _claims(dataset, "russia", "alliedWith", "north-korea") if "did not last" in r.quote)
    assert friendship.start is None and friendship.date is not None
    [trade] = _claims(dataset, "soviet-union", "tradedWith", "south-korea")
    assert str(trade.end) == "1978"


def test_the_claims_issue_16_found_missing_are_there(dataset) -> None:  # type: ignore[no-untyped-def]
    assert _claims(dataset, "northern-policy", "seeksCloserTiesWith", "russia")
    assert _claims(dataset, "mikhail-gorbachev", "advocated", "soviet-asia-pacific-integration")
    for driver in ("division-of-korea", "korean-nuclear-crisis"):
        [tension] = _claims(dataset, "korean-tensions", "shapedBy", driver)
        assert tension.kind == "assessment" and "point to the continuous tensions" in tension.quote
    assert _claims(dataset, "russia-south-korea-trade", "shapedBy", "russian-far-east-development")
    # and the three sentences kgraph coverage found unannotated
    quotes = " ".join(r.quote for r in dataset.relations)
    for sentence in (
        "Bilateral Russian-Korean relations begin at the end of the XIX century.",
        'it also relied on "stick and carrot" approach.',
        "Economically Russia may also gain.",
    ):
        assert sentence in quotes, sentence
