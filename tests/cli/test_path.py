"""kgraph path and show: names resolve, hops carry date and quote."""

from __future__ import annotations

import json


def test_path_json_has_the_documented_shape(cli) -> None:
    run = cli("path", "Vladimir Putin", "china", "--format", "json")
    assert run.code == 0, run
    doc = json.loads(run.out)
    assert doc["from"] == {"id": "putin", "label": "Vladimir Putin"}
    assert doc["to"] == {"id": "china", "label": "China"}
    hops = doc["paths"][0]["hops"]
    assert [(h["subject"]["id"], h["predicate"]["id"], h["object"]["id"]) for h in hops] == [
        ("putin", "leaderOf", "russia"),
        ("russia", "signed", "treaty-1884"),
        ("korea", "signed", "treaty-1884"),
        ("china", "lostControlOf", "korea"),
    ]
    assert hops[1] == {
        "subject": {"id": "russia", "label": "Russia"},
        "predicate": {"id": "signed", "label": "signed"},
        "object": {"id": "treaty-1884", "label": "Russian-Korean Treaty of 1884"},
        "date": "1884-07-07",
        "quote": "The first treaty between the two states was signed on July 7, 1884.",
        "source": "article",
        "status": "actual",
    }


def test_path_table_numbers_hops_with_dates_and_quotes(cli) -> None:
    run = cli("path", "moscow", "KIM JONG-IL")  # alias and case-insensitive label
    assert run.code == 0, run
    assert run.out.splitlines()[0] == "Russia \u2192 Kim Jong-il"
    assert "2 hop(s)" in run.out
    assert "2000-07" in run.out and "Vladimir Putin met Kim Jong-il in July 2000." in run.out


def test_max_hops_explains_the_shortest(cli) -> None:
    run = cli("path", "putin", "china", "--max-hops", "2")
    assert run.code == 1
    assert "no path within 2 hop(s) between 'Vladimir Putin' and 'China'; the shortest has 4" in run.err


def test_no_path_exits_1(cli, make_data) -> None:
    from conftest import MINI

    entities = (MINI / "entities.yaml").read_text() + "- id: iran\n  type: State\n  label: Iran\n"
    run = cli("path", "russia", "iran", data=make_data(entities=entities))
    assert run.code == 1
    assert "no path between 'Russia' and 'Iran'" in run.err


def test_unknown_name_lists_candidates(cli) -> None:
    run = cli("path", "Putn", "china")
    assert run.code == 1
    assert run.err.strip() == "error: unknown entity 'Putn'; did you mean: Vladimir Putin (putin)"


def test_ambiguous_name_lists_candidates(cli, make_data) -> None:
    from conftest import MINI

    entities = (MINI / "entities.yaml").read_text().replace("label: Korea\n", "label: Korea\n  aliases: [Russia]\n")
    run = cli("path", "Russia", "china", data=make_data(entities=entities))
    assert run.code == 1
    assert "'Russia' is ambiguous: it names korea (Korea, State), russia (Russia, State); give the id" in run.err


def test_path_to_itself_is_an_error(cli) -> None:
    run = cli("path", "russia", "Moscow")
    assert run.code == 1 and "the same entity" in run.err


def test_show_lists_names_and_relations_both_ways(cli) -> None:
    run = cli("show", "Korea")
    assert run.code == 0, run
    assert run.out.splitlines()[0] == "Korea  (State, id: korea)"
    assert "The Korean kingdom before 1910." in run.out
    assert "signed Russian-Korean Treaty of 1884" in run.out
    assert "China lost control of Korea" in run.out
    assert "1895-04" in run.out


def test_stats_counts_classes_and_predicates(cli) -> None:
    run = cli("stats")
    assert run.code == 0
    rows = [line.replace("\u2502", "|") for line in run.out.splitlines()]
    assert any("State" in r and " 3 " in r for r in rows)
    assert any("signed" in r and " 3 " in r for r in rows)
