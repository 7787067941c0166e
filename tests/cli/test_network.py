"""kgraph neighbors, timeline and rank on tests/data/net."""

from __future__ import annotations

import json

import pytest

from conftest import NET


def net(cli, *args: str):  # type: ignore[no-untyped-def]
    run = cli(*args, data=NET)
    return run


def ranking(run) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """(id, score) by rank from ``rank -f json``: a list of objects, the score keyed by the metric."""
    assert run.code == 0, run
    rows = json.loads(run.out)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    return [(r["id"], next(v for k, v in r.items() if k not in ("rank", "id", "label", "type"))) for r in rows]


def ego(run) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """``neighbors -f json``: one list, entities first then relations, told apart by 'section'."""
    assert run.code == 0, run
    rows = json.loads(run.out)
    sections = [r["section"] for r in rows]
    assert sections == sorted(sections, key=["entity", "relation"].index)
    return {
        "entities": [r for r in rows if r["section"] == "entity"],
        "relations": [r for r in rows if r["section"] == "relation"],
    }


def test_neighbors_depth_one_and_two(cli) -> None:
    one = ego(net(cli, "neighbors", "Vladimir Putin", "-f", "json"))
    assert {(e["id"], e["distance"]) for e in one["entities"]} == {("putin", 0), ("russia", 1), ("kim-jong-il", 1)}
    assert {(r["subject"], r["predicate"], r["object"]) for r in one["relations"]} == {
        ("putin", "leaderOf", "russia"),
        ("putin", "met", "kim-jong-il"),
    }
    two = ego(net(cli, "neighbors", "putin", "--depth", "2", "-f", "json"))
    assert {e["id"]: e["distance"] for e in two["entities"]} == {
        "putin": 0,
        "russia": 1,
        "kim-jong-il": 1,
        "soviet-union": 2,
        "treaty-2000": 2,
        "china": 2,
        "north-korea": 2,
    }
    assert ("china", "supported", "north-korea") in {
        (r["subject"], r["predicate"], r["object"]) for r in two["relations"]
    }


def test_neighbors_at_a_date(cli) -> None:
    doc = ego(net(cli, "neighbors", "DPRK", "--at", "1965", "-f", "json"))
    assert sorted(e["id"] for e in doc["entities"]) == ["china", "north-korea", "soviet-union"]


def test_neighbors_table(cli) -> None:
    run = net(cli, "neighbors", "kim-jong-il")
    assert run.code == 0, run
    assert "Within 1 of Kim Jong-il" in run.out
    assert "Kim Jong-il led North Korea from 1994 to 2011." in run.out and "1994/2011" in run.out


def test_timeline_of_one_actor_in_date_order(cli) -> None:
    doc = json.loads(net(cli, "timeline", "North Korea", "-f", "json").out)
    assert [(m["date"], m["subject"], m["predicate"]) for m in doc] == [
        ("1961/1991", "soviet-union", "protected"),
        ("1994/2011", "kim-jong-il", "leaderOf"),
        ("2000-02", "north-korea", "signed"),
    ]
    assert doc[0]["quote"] == "From 1961 to 1991 the Soviet Union protected North Korea."


def test_timeline_of_everyone_in_a_period(cli) -> None:
    doc = json.loads(net(cli, "timeline", "--from", "1991", "--to", "1991", "-f", "json").out)
    assert [(m["date"], m["predicate"]) for m in doc] == [
        ("1953/..", "protected"),
        ("1961/1991", "protected"),
        ("1991", "lentTo"),
        ("1991-12", "successorOf"),
    ]


def test_timeline_lists_dated_entities(cli) -> None:
    run = net(cli, "timeline", "--from", "2000-02", "--to", "2000-02")
    assert run.code == 0, run
    assert "Treaty of 2000 (Treaty)" in run.out
    assert "In February 2000 Russia and North Korea signed a new treaty." in run.out


def test_rank_degree_counts_distinct_neighbours(cli) -> None:
    rows = ranking(net(cli, "rank", "--type", "State", "-f", "json"))
    assert rows == [
        ("china", 4),
        ("north-korea", 4),
        ("russia", 4),
        ("south-korea", 3),
        ("soviet-union", 3),
        ("usa", 2),
    ]  # ties by label


def test_rank_betweenness_changes_over_time(cli) -> None:
    early = ranking(net(cli, "rank", "-m", "betweenness", "--type", "State", "--at", "1965", "-f", "json"))
    late = ranking(net(cli, "rank", "-m", "betweenness", "--type", "State", "--at", "2017", "-f", "json"))
    # 1965: Soviet Union - North Korea - China - United States - South Korea, a chain; no Russia yet
    assert "russia" not in dict(early)
    assert early[0] == ("china", pytest.approx(4 / 6))
    assert dict(early)["north-korea"] == pytest.approx(0.5)
    # 2017: Russia links Putin to everyone else, through China
    assert late[:2] == [("china", pytest.approx(0.8)), ("russia", pytest.approx(0.4))]


def test_rank_table_and_top(cli) -> None:
    run = net(cli, "rank", "--metric", "betweenness", "--top", "2")
    assert run.code == 0, run
    assert "betweenness on 9 entities, 13 links" in run.out
    body = [line for line in run.out.splitlines() if line.startswith("\u2502")]
    assert len(body) == 2


def test_rank_pagerank_matches_networkx_reference(cli) -> None:
    import networkx as nx
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    rows = dict(ranking(net(cli, "rank", "-m", "pagerank", "-f", "json")))
    assert sum(rows.values()) == pytest.approx(1.0)
    from kgraph.project import Project

    eg = Project(str(NET)).entity_graph()
    simple = nx.Graph((e.subject, e.object) for e in eg.edges)
    expected = _pagerank_python(simple, tol=1e-12)
    assert rows == pytest.approx(expected, abs=1e-6)


def test_sampled_measures_on_large_graphs(cli, monkeypatch) -> None:
    from kgraph import network

    exact = dict(ranking(net(cli, "rank", "-m", "closeness", "-f", "json")))
    monkeypatch.setattr(network, "SAMPLE_ABOVE", 3)  # treat the test graph as large
    monkeypatch.setattr(network, "SAMPLES", 100)  # more than the 9 entities: every one is a source
    run = net(cli, "rank", "-m", "closeness", "-f", "json")
    assert dict(ranking(run)) == pytest.approx(exact)  # so the estimate is the exact value
    assert "closeness estimated from 9 sampled sources" in run.err
    run = net(cli, "rank", "-m", "betweenness", "-f", "json")
    assert "betweenness estimated from 9 sampled sources" in run.err
    monkeypatch.setattr(network, "SAMPLES", 4)
    run = net(cli, "rank", "-m", "closeness", "-f", "json")
    assert "closeness estimated from 4 sampled sources" in run.err
    estimate = dict(ranking(run))
    assert set(estimate) == set(exact) and all(v > 0 for v in estimate.values())


def test_rank_rejects_unknown_metric_and_type(cli) -> None:
    assert net(cli, "rank", "--metric", "fame").code == 2
    run = net(cli, "rank", "--type", "Country")
    assert run.code == 2 and "unknown type 'Country'" in run.err
