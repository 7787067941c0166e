"""kgraph path options on tests/data/net: k shortest, all shortest, filters, time, formats, diagnosis."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import NET, ROOT, integration


def paths_of(run) -> list[list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    assert run.code == 0, run
    return [
        [(h["subject"]["id"], h["predicate"]["id"], h["object"]["id"]) for h in p["hops"]]
        for p in json.loads(run.out)["paths"]
    ]


def nodes_of(path: list[tuple[str, str, str]], start: str) -> list[str]:
    out = [start]
    for s, _, o in path:
        out.append(o if s == out[-1] else s)
    return out


def net(cli, *args: str):  # type: ignore[no-untyped-def]
    return cli(*args, data=NET)


def test_default_is_one_shortest_path_with_documented_shape(cli) -> None:
    run = net(cli, "path", "Vladimir Putin", "ROK", "-f", "json")
    doc = json.loads(run.out)
    assert doc["from"] == {"id": "putin", "label": "Vladimir Putin"}
    assert len(doc["paths"]) == 1 and len(doc["paths"][0]["hops"]) == 3
    assert doc["paths"][0]["hops"][0] == {
        "subject": {"id": "putin", "label": "Vladimir Putin"},
        "predicate": {"id": "leaderOf", "label": "led"},
        "object": {"id": "russia", "label": "Russia"},
        "date": "2000/..",
        "quote": "Vladimir Putin has led Russia since 2000.",
        "source": "article",
        "status": "actual",
    }


def test_k_returns_distinct_paths_shortest_first(cli) -> None:
    found = paths_of(net(cli, "path", "putin", "south-korea", "--k", "3", "-f", "json"))
    assert len(found) == 3
    routes = [nodes_of(p, "putin") for p in found]
    assert len({tuple(r) for r in routes}) == 3
    assert [len(p) for p in found] == [3, 3, 4]
    assert {tuple(r) for r in routes[:2]} == {
        ("putin", "russia", "soviet-union", "south-korea"),
        ("putin", "russia", "china", "south-korea"),
    }


def test_k_with_max_hops_says_how_many_were_found(cli) -> None:
    run = net(cli, "path", "putin", "south-korea", "--k", "5", "--max-hops", "3", "-f", "json")
    assert len(paths_of(run)) == 2
    assert "only 2 path(s) found" in run.err


def test_table_numbers_each_path(cli) -> None:
    run = net(cli, "path", "putin", "south-korea", "--k", "2")
    assert run.code == 0, run
    assert "Path 1: 3 hop(s)" in run.out and "Path 2: 3 hop(s)" in run.out
    assert "In 1991 South Korea lent the Soviet Union three billion dollars." in run.out


def test_all_shortest_gives_every_minimum_path(cli) -> None:
    found = paths_of(net(cli, "path", "putin", "south-korea", "--all-shortest", "-f", "json"))
    assert sorted(nodes_of(p, "putin") for p in found) == [
        ["putin", "russia", "china", "south-korea"],
        ["putin", "russia", "soviet-union", "south-korea"],
    ]


def test_k_and_all_shortest_exclude_each_other(cli) -> None:
    assert net(cli, "path", "putin", "china", "--k", "2", "--all-shortest").code == 2


def test_avoid_changes_the_path(cli) -> None:
    def route(*avoid: str) -> list[str]:
        args = [a for name in avoid for a in ("--avoid", name)]
        return nodes_of(paths_of(net(cli, "path", "russia", "south-korea", *args, "-f", "json"))[0], "russia")

    assert route("USSR") == ["russia", "china", "south-korea"]
    assert route("China") == ["russia", "soviet-union", "south-korea"]
    run = net(cli, "path", "russia", "south-korea", "--avoid", "USSR", "--avoid", "China")
    assert run.code == 1
    assert "with --avoid china,soviet-union; connected without --avoid (shortest: 2 hop(s))" in run.err


def test_avoiding_an_end_is_a_usage_error(cli) -> None:
    assert net(cli, "path", "russia", "china", "--avoid", "china").code == 2


def test_via_keeps_only_the_given_predicates(cli) -> None:
    found = paths_of(
        net(cli, "path", "putin", "south-korea", "--via", "leaderOf,successorOf", "--via", "lentTo", "-f", "json")
    )
    assert found == [
        [
            ("putin", "leaderOf", "russia"),
            ("russia", "successorOf", "soviet-union"),
            ("south-korea", "lentTo", "soviet-union"),
        ]
    ]


def test_exclude_predicate(cli) -> None:
    found = paths_of(
        net(cli, "path", "putin", "south-korea", "--exclude-predicate", "lentTo", "--all-shortest", "-f", "json")
    )
    assert found and all(p != "lentTo" for path in found for _, p, _ in path)


def test_unknown_predicate_suggests(cli) -> None:
    run = net(cli, "path", "putin", "china", "--via", "leaderof")
    assert run.code == 2 and "unknown predicate 'leaderof'" in run.err and "leaderOf" in run.err


def test_through_types_limits_intermediate_entities(cli) -> None:
    default = paths_of(net(cli, "path", "putin", "north-korea", "-f", "json"))[0]
    assert nodes_of(default, "putin") == ["putin", "kim-jong-il", "north-korea"]
    found = paths_of(net(cli, "path", "putin", "north-korea", "--through-types", "State", "--k", "5", "-f", "json"))
    assert found
    for path in found:
        assert all(
            n in ("russia", "soviet-union", "china", "usa", "south-korea") for n in nodes_of(path, "putin")[1:-1]
        )


def test_directed_follows_stated_direction_only(cli) -> None:
    assert paths_of(net(cli, "path", "south-korea", "soviet-union", "--directed", "-f", "json")) == [
        [("south-korea", "lentTo", "soviet-union")]
    ]
    run = net(cli, "path", "soviet-union", "south-korea", "--directed")
    assert run.code == 1
    assert ("connected if relations may be followed both ways (without --directed) (shortest: 1 hop(s))") in run.err
    # symmetric relations (met) go both ways even when directed
    assert paths_of(net(cli, "path", "kim-jong-il", "putin", "--directed", "-f", "json")) == [
        [("putin", "met", "kim-jong-il")]
    ]


def test_at_1965_removes_post_1991_links(cli) -> None:
    assert paths_of(net(cli, "path", "ussr", "rok", "-f", "json")) == [[("south-korea", "lentTo", "soviet-union")]]
    run = net(cli, "path", "ussr", "rok", "--at", "1965", "-f", "json")
    found = paths_of(run)[0]
    assert found == [
        ("soviet-union", "protected", "north-korea"),
        ("china", "supported", "north-korea"),
        ("usa", "rivalOf", "china"),
        ("usa", "protected", "south-korea"),
    ]
    for hop in json.loads(run.out)["paths"][0]["hops"]:
        assert hop["date"] in (None, "1961/1991", "1953/..")


def test_at_counts_open_intervals_from_their_start(cli) -> None:
    assert paths_of(net(cli, "path", "putin", "russia", "--at", "2017", "-f", "json")) == [
        [("putin", "leaderOf", "russia")]
    ]
    run = net(cli, "path", "putin", "russia", "--at", "1999", "--undated", "drop")
    assert run.code == 1


def test_no_path_names_the_constraints_to_blame(cli) -> None:
    run = net(cli, "path", "ussr", "rok", "--at", "1965", "--undated", "drop")
    assert run.code == 1 and run.out == ""
    assert run.err.strip() == (
        "error: no path between 'Soviet Union' and 'South Korea' with --at 1965 --undated drop; "
        "connected if undated relations are kept (shortest: 4 hop(s)); "
        "connected without --at 1965 (shortest: 1 hop(s))"
    )


def test_from_to_keeps_overlapping_relations(cli) -> None:
    found = paths_of(
        net(cli, "path", "putin", "south-korea", "--from", "2001", "--to", "2005", "--all-shortest", "-f", "json")
    )
    # the 1991 loan and succession are over by 2001; cooperation (2001/..) and trade (1992/..) are not
    assert found == [
        [("putin", "leaderOf", "russia"), ("russia", "cooperatedWith", "china"), ("south-korea", "tradedWith", "china")]
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--at", "1965-13"],
        ["--from", "2000", "--to", "1990"],
        ["--at", "2000", "--from", "1990"],
        ["--undated", "maybe"],
        ["--format", "xml"],
    ],
)
def test_bad_options_are_usage_errors(cli, args: list[str]) -> None:
    run = net(cli, "path", "putin", "china", *args)
    assert run.code == 2, run


def test_dot_and_mermaid_draw_the_path(cli) -> None:
    run = net(cli, "path", "putin", "south-korea", "-f", "mermaid")
    assert run.code == 0, run
    lines = run.out.splitlines()
    assert lines[:4] == ["---", 'title: "Vladimir Putin \u2192 South Korea"', "---", "flowchart LR"]
    assert '  n0["Vladimir Putin"]:::Person' in lines
    assert any('-- "led (2000/..)" -->' in line for line in lines)
    run = net(cli, "path", "putin", "south-korea", "-f", "dot")
    assert run.code == 0 and run.out.startswith("digraph")
    if shutil.which("dot"):  # Graphviz accepts it
        done = subprocess.run(["dot", "-Tplain"], input=run.out, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Vladimir Putin" in done.stdout


@pytest.mark.parametrize("judged,reported", [("aa-judged", "zz-reported"), ("zz-judged", "aa-reported")])
def test_equal_length_paths_prefer_dated_facts_over_assessments(cli, make_data, judged: str, reported: str) -> None:
    """Of two 2-hop routes, the one resting on the author's assessments comes second,
    whichever the graph happens to meet first."""
    from conftest import MINI

    entities = (MINI / "entities.yaml").read_text() + "".join(
        f"- id: {i}\n  type: State\n  label: {i.title()}\n" for i in (judged, reported, "start", "end")
    )
    relations = (MINI / "relations.yaml").read_text() + "".join(
        f"- subject: {s}\n  predicate: cooperatedWith\n  object: {o}\n  quote: {q}\n{extra}"
        for s, o, q, extra in (
            # dated earlier, so a plain breadth-first search would meet them first
            ("start", judged, "Russia", "  kind: assessment\n  date: '1884'\n"),
            (judged, "end", "China", "  kind: assessment\n  date: '1884'\n"),
            ("start", reported, "Korea", "  date: 1895-04\n"),
            (reported, "end", "Russia", "  date: '1961'\n"),
        )
    )
    folder = make_data(entities=entities, relations=relations)
    best = paths_of(cli("path", "start", "end", "-f", "json", data=folder))
    assert [nodes_of(p, "start") for p in best] == [["start", reported, "end"]]
    both = paths_of(cli("path", "start", "end", "--k", "2", "-f", "json", data=folder))
    assert [nodes_of(p, "start") for p in both] == [["start", reported, "end"], ["start", judged, "end"]]


# --- path --k is bounded and honours --timeout (#17 item 16) ---


def test_k_has_a_documented_bound(cli) -> None:
    from kgraph.cli.options import MAX_PATHS as SHOWN
    from kgraph.paths import MAX_PATHS

    assert SHOWN == MAX_PATHS == 100
    run = net(cli, "path", "a", "b", "--k", "101")
    assert run.code == 2 and "101 is not in the range 1<=x<=100" in run.err
    assert "(at most 100)" in " ".join(cli("path", "--help", data=None).out.split())
    draw = net(cli, "draw", "--path", "a", "b", "--k", "1000000", "-o", "x.dot")
    assert draw.code == 2 and "1<=x<=100" in draw.err


@integration
def test_a_path_search_stops_at_its_timeout(tmp_path: Path) -> None:
    """100 paths between the ends of two long chains in a generated graph: seconds of search."""
    import os
    import sys
    import time

    root = ROOT
    folder = tmp_path / "data"
    subprocess.run(
        [sys.executable, str(root / "bench" / "generate.py"), "--relations", "2000", "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "KGRAPH_CACHE": str(tmp_path / "cache")}
    kgraph = [sys.executable, "-m", "kgraph", "--data", str(folder)]
    subprocess.run([*kgraph, "build"], check=True, capture_output=True, env=env)
    began = time.monotonic()
    done = subprocess.run(
        [*kgraph, "path", "chain-a-end", "chain-b-end", "--k", "100", "--timeout", "0.3", "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: the search did not finish within 0.3 second(s) (--timeout)")
    assert done.stdout == ""
    assert time.monotonic() - began < 10
