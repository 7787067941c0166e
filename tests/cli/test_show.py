"""kgraph show: one entity's card; a publication also shows its citation and what it supports."""

from __future__ import annotations

import re

from conftest import DATA


def test_a_publication_shows_its_citation_and_the_relations_it_supports(cli) -> None:
    run = cli("show", "The End of North Korea", data=DATA)
    assert run.code == 0, run
    lines = [line.rstrip() for line in run.out.splitlines()]
    assert lines[:7] == [
        "The End of North Korea  (Publication, id: eberstadt-end-of-north-korea)",
        'Footnotes 1 and 2 (2 is "Ibid"). The URL is where the article says the book is quoted.',
        "authors: Nicholas Eberstadt",
        "title: The End of North Korea",
        "publisher: American Enterprise Institute Press",
        "year: 1999",
        "url: https://archive.nytimes.com/www.nytimes.com/books/first/e/eberstadtkorea.html",
    ]
    assert "Relations that cite it: 5" in lines
    cited = run.out[run.out.index("Relations that cite it") :]
    assert re.search(r"│ 1969\s+│ Soviet Union\s+│ assured\s+│ Nixon administration", cited)
    assert "Relations quoted from it" not in run.out  # it holds no text: nothing is quoted from it


def test_the_annotated_text_lists_every_relation_quoted_from_it(cli) -> None:
    run = cli("show", "article", data=DATA)
    assert run.code == 0, run
    assert "authors: Anton Koslov" in run.out and "volume: 8" in run.out
    assert "Relations quoted from it (its source): 268" in run.out
    assert "Relations that cite it" not in run.out


def test_an_entity_without_fields_shows_no_citation(cli) -> None:
    run = cli("show", "china")
    assert run.code == 0, run
    assert "authors:" not in run.out and "Relations quoted" not in run.out
