"""kgraph draw: SVG and PNG through Graphviz, self-contained HTML, and a clear error without Graphviz."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, NET, integration, needs_bundled_data

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")


@needs_dot
def test_svg_of_a_path_has_the_labels(cli, tmp_path: Path) -> None:
    out = tmp_path / "path.svg"
    run = cli("draw", "--path", "putin", "south-korea", "-o", str(out), data=NET)
    assert run.code == 0, run
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in (
        "Vladimir Putin",
        "Russia",
        "Soviet Union",
        "South Korea",
        "succeeded (1991&#45;12)",
        "lent to (1991)",
    ):
        assert f">{label}<" in svg, label
    assert "China" not in svg  # only the shortest path is drawn
    assert "In 1991 South Korea lent the Soviet Union three billion dollars." in svg  # tooltip
    assert f"wrote {out}" in run.err


@needs_dot
def test_png_has_a_valid_header(cli, tmp_path: Path) -> None:
    out = tmp_path / "russia.png"
    run = cli("draw", "Russia", "--depth", "2", "-o", str(out), data=NET)
    assert run.code == 0, run
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 50


@needs_dot
def test_k_paths_and_time_filter(cli, tmp_path: Path) -> None:
    out = tmp_path / "k.svg"
    assert cli("draw", "--path", "putin", "south-korea", "--k", "2", "-o", str(out), data=NET).code == 0
    svg = out.read_text(encoding="utf-8")
    assert ">China<" in svg and ">Soviet Union<" in svg
    out = tmp_path / "1965.svg"
    assert cli("draw", "--at", "1965", "-o", str(out), data=NET).code == 0
    svg = out.read_text(encoding="utf-8")
    assert ">Soviet Union<" in svg and ">Russia<" not in svg and ">Vladimir Putin<" not in svg


def _page_data(page: str) -> dict:
    return json.loads(
        re.search(r'<script id="kgraph-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )


def test_html_is_self_contained_and_carries_quotes(cli, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    run = cli("draw", "-o", str(out), data=NET)
    assert run.code == 0, run
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # no CDN, nothing fetched
    assert "cytoscape" in page and "The Cytoscape Consortium" in page  # vendored, licence kept
    data = _page_data(page)
    assert len(data["nodes"]) == 9 and len(data["relations"]) == 13
    assert sum(len(b["rel"]) for b in data["bundles"]) == 13
    assert {n["label"]: n["type"] for n in data["nodes"]}["Vladimir Putin"] == "Person"
    lent = next(r for r in data["relations"] if r["predicate"] == "lent to")
    assert lent["quote"] == "In 1991 South Korea lent the Soviet Union three billion dollars."
    assert (lent["earliest"], lent["latest"], lent["when"]) == ("1991-01-01", "1991-12-31", "1991")
    assert data["layout"] == ("neato" if shutil.which("dot") else "cose")
    if shutil.which("dot"):  # Graphviz's boxes, apart from one another
        boxes = [n["box"] for n in data["nodes"]]
        assert all(
            abs(a[0] - b[0]) * 2 >= a[2] + b[2] - 1 or abs(a[1] - b[1]) * 2 >= a[3] + b[3] - 1
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
        )
    met = next(b for b in data["bundles"] if {b["s"], b["o"]} == {"putin", "kim-jong-il"})
    assert met["directed"] is False  # 'met' is symmetric: no arrowhead


def test_html_keeps_labels_out_of_markup(cli, make_data, tmp_path: Path) -> None:
    from conftest import MINI

    label = "China</script><!--<script>alert(1)</script> & %DATA%"
    entities = (MINI / "entities.yaml").read_text().replace("label: China", f"label: '{label}'")
    out = tmp_path / "x.html"
    assert cli("draw", "-o", str(out), data=make_data(entities=entities)).code == 0
    page = out.read_text(encoding="utf-8")
    assert (
        page.count("</script>") == 3
        and "<!--" not in page
        and "alert(1)" not in page.split('type="application/json">')[0]
    )
    assert "China\\u003c/script\\u003e\\u003c!--" in page
    assert label in [n["label"] for n in _page_data(page)["nodes"]]  # the same text once parsed


def test_parallel_relations_make_one_labelled_edge_per_pair_and_direction(cli) -> None:
    from conftest import DATA

    run = cli("draw", "North Korea", "--format", "dot", data=DATA)
    assert run.code == 0, run.err
    edges = re.findall(r'^  "([^"]+)" -> "([^"]+)" \[label="([^"]*)", penwidth=([0-9.]+)(.*)\];$', run.out, re.M)
    directed = [(a, b) for a, b, *_, rest in edges if "dir=none" not in rest]
    undirected = [frozenset((a, b)) for a, b, *_, rest in edges if "dir=none" in rest]
    assert len(directed) == len(set(directed))  # one edge per pair and direction
    assert len(undirected) == len(set(undirected))  # symmetric: one edge per pair, not per direction
    assert len(edges) < 101 and undirected  # 101 actual relations, each its own arrow, before bundling
    pair = [(lab, float(w)) for a, b, lab, w, _ in edges if {a, b} == {"russia", "north-korea"}]
    label, width = next(p for p in pair if "cooperated with" in p[0])
    assert re.search(r"cooperated with \u00d7\d+ \(\d{4}\u2013\d{4}\)", label) and width > 3
    assert any(re.search(r"\\n\+\d+ more$", lab) for lab, _ in pair)  # the first predicates, then a count
    one = next(float(w) for a, b, lab, w, _ in edges if "\\n" not in lab and "\u00d7" not in lab)
    assert one == 1.0


def test_symmetric_legend_and_title(cli) -> None:
    run = cli("draw", "Kim Jong-il", "--format", "dot", data=NET)
    assert run.code == 0 and run.out.startswith('digraph "net: Kim Jong-il and its neighbours (depth 1)"')
    assert re.search(r'"kim-jong-il" -> "putin" \[label="met \(2000-07\)".*dir=none\];', run.out)
    assert re.search(r'"kim-jong-il" -> "north-korea" \[label="led \(1994/2011\)"[^\n]*\];', run.out)
    assert "dir=none" not in next(line for line in run.out.splitlines() if "led (1994" in line)
    legend = next(line for line in run.out.splitlines() if line.startswith('  "legend:types"'))
    for type_name in ("Person", "State"):
        assert re.search(r'bgcolor="#[0-9a-f]{6}" width="14"> </td><td align="left">' + type_name, legend)
    run = cli("draw", "Kim Jong-il", "--format", "mermaid", "--at", "2000", data=NET)
    assert run.code == 0 and "flowchart LR" in run.out and '["Kim Jong-il"]:::Person' in run.out
    assert 'title: "net: Kim Jong-il and its neighbours (depth 1), --at 2000"' in run.out
    assert re.search(r'n\d+ -- "met \(2000-07\)" --- n\d+', run.out)  # no arrowhead
    assert re.search(r'n\d+ -- "led \(1994/2011\)" --> n\d+', run.out)


def test_top_and_layout_engine_for_large_selections(cli) -> None:
    from conftest import DATA

    run = cli("draw", "--top", "5", "--format", "dot", data=DATA)
    assert run.code == 0, run.err
    nodes = re.findall(r'^  "([^"]+)" \[label=', run.out, re.M)
    assert len(nodes) == 5 and {"north-korea", "russia"} <= set(nodes)
    assert "all relations, top 5 by degree" in run.out and "layout=dot" in run.out
    run = cli("draw", "--format", "dot", data=DATA)  # 116 entities: a force layout
    assert "layout=neato" in run.out and "overlap=prism" in run.out
    assert "layout=sfdp" in cli("draw", "--engine", "sfdp", "--format", "dot", data=DATA).out
    run = cli("draw", "--engine", "spring", "--format", "dot", data=DATA)
    assert run.code == 2 and "--engine" in run.err
    run = cli("draw", "--top", "3", "--metric", "pagerank", "--format", "dot", data=DATA)
    assert run.code == 0 and "top 3 by pagerank" in run.out


def _clusters(dot: str) -> dict[str, set[str]]:
    """Each cluster's label and the entity ids drawn inside it, read from DOT text."""
    found: dict[str, set[str]] = {}
    for block in re.findall(r"subgraph cluster_\d+ \{\n(.*?)\n  \}", dot, re.S):
        label = re.search(r'graph \[label="([^"]*)"', block).group(1)
        found[label] = set(re.findall(r'^    "([^"]+)" \[label=', block, re.M))
    return found


def test_group_by_type_boxes_each_type_and_by_community_partitions_the_entities(cli, tmp_path: Path) -> None:
    from kgraph.project import Project

    from conftest import DATA

    types = {e.id: e.type for e in Project(str(DATA)).entity_graph().entities.values()}
    # --status any: some entities take part only in claims that are not actual (Serbia, whom NATO
    # was "about to attack"; the planned railway), and every entity is to be boxed
    run = cli("draw", "--group", "type", "--status", "any", "--format", "dot", data=DATA)
    assert run.code == 0, run.err
    clusters = _clusters(run.out)
    assert set(clusters) == set(types.values())
    for name, members in clusters.items():
        assert members and all(types[m] == name for m in members), name
    assert set().union(*clusters.values()) == set(types)
    assert "layout=fdp" in run.out  # 116 entities: the force layout that keeps clusters
    run = cli("draw", "--group", "community", "--status", "any", "--format", "dot", data=DATA)
    communities = _clusters(run.out)
    members = [m for group in communities.values() for m in group]
    assert len(members) == len(set(members)) == len(types) and 2 <= len(communities) < len(types)
    assert run.out == cli("draw", "--group", "community", "--status", "any", "--format", "dot", data=DATA).out  # seeded
    assert "community 1: " in run.out
    bad = cli("draw", "--group", "colour", "--format", "dot", data=DATA)
    assert bad.code == 2 and "--group" in bad.err
    bad = cli("draw", "--group", "type", "--engine", "sfdp", "--format", "dot", data=DATA)
    assert bad.code == 2 and "dot or fdp" in bad.err
    bad = cli("draw", "--group", "type", "--format", "html", data=DATA)
    assert bad.code == 2 and "svg, png and dot" in bad.err


@integration
@needs_dot
def test_grouped_overview_renders(cli, tmp_path: Path) -> None:
    from conftest import DATA

    out = tmp_path / "types.svg"
    run = cli("draw", "--group", "type", "-o", str(out), data=DATA)
    assert run.code == 0, run.err
    svg = out.read_text(encoding="utf-8")
    assert svg.count('class="cluster"') >= 8 and ">Treaty<" in svg


@needs_dot
def test_north_korea_picture_is_smaller_than_the_fan(cli, tmp_path: Path) -> None:
    from conftest import DATA

    out = tmp_path / "nk.svg"
    run = cli("draw", "North Korea", "-o", str(out), data=DATA)
    assert run.code == 0 and "101 relations in " in run.err  # the actual ones (the default --status)
    drawn = int(re.search(r"101 relations in (\d+) edges", run.err).group(1))
    svg = out.read_text(encoding="utf-8")
    assert svg.count('class="edge"') == drawn < 80
    assert "North Korea and its neighbours" in svg and ">types<" in svg


def test_format_must_be_known(cli, tmp_path: Path) -> None:
    run = cli("draw", data=NET)
    assert run.code == 2 and "writing to stdout needs --format" in run.err
    run = cli("draw", "-o", str(tmp_path / "x.pdf"), data=NET)
    assert run.code == 2 and "cannot tell the format from '.pdf'" in run.err
    assert not (tmp_path / "x.pdf").exists()


def test_without_graphviz_the_error_says_how_to_install_and_html_works(tmp_path: Path) -> None:
    kgraph = [sys.executable, "-m", "kgraph", "--data", str(NET), "draw"]
    env = {**os.environ, "PATH": str(tmp_path)}  # no dot on this PATH
    done = subprocess.run([*kgraph, "-o", str(tmp_path / "x.svg")], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert "Graphviz is not installed" in done.stderr and "apt-get install graphviz" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.svg").exists()
    done = subprocess.run([*kgraph, "-o", str(tmp_path / "x.html")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "Vladimir Putin" in page and _page_data(page)["layout"] == "cose"  # Cytoscape lays it out


def _linear(fill: str) -> tuple[float, ...]:
    """Linear-light red, green, blue of an sRGB colour such as #f9e79f."""
    return tuple(
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    )


def _lab(fill: str) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour, to measure how far apart two fills look."""
    r, g, b = _linear(fill)
    x, y, z = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089,
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _contrast_with_black(fill: str) -> float:
    r, g, b = _linear(fill)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05) / 0.05


def test_every_default_type_has_its_own_readable_colour() -> None:
    """Person and Treaty were both pale yellow: each type of the shipped vocabularies gets a fill
    that looks different from every other's (CIE76 distance 15 or more) and keeps black text
    readable (WCAG AAA, 7:1)."""
    import itertools

    from kgraph.draw import type_colours
    from kgraph.vocabulary import packaged

    fills = type_colours(packaged("politics"))
    assert set(fills) == set(packaged("politics").types) >= set(packaged("core").types)
    distance = {
        (a, b): sum((p - q) ** 2 for p, q in zip(_lab(fills[a]), _lab(fills[b]))) ** 0.5
        for a, b in itertools.combinations(fills, 2)
    }
    assert {pair: round(d, 1) for pair, d in distance.items() if d < 15} == {}
    assert {t: round(_contrast_with_black(f), 1) for t, f in fills.items() if _contrast_with_black(f) < 7} == {}


@needs_bundled_data
def test_the_bundled_pictures_give_each_type_its_own_fill(cli) -> None:
    """From the user's side: the whole bundled graph drawn as DOT, fill by type."""
    run = cli("draw", "-f", "dot", data=DATA)
    assert run.code == 0, run
    fills: dict[str, set[str]] = {}
    for fill, kind in re.findall(r'fillcolor="(#[0-9a-f]{6})", tooltip=".*\(([A-Za-z]+)\)"\]', run.out):
        fills.setdefault(kind, set()).add(fill)
    assert len(fills) >= 5 and all(len(f) == 1 for f in fills.values()), fills
    assert len({f for f in fills.values() for f in f}) == len(fills), fills  # no two types share one
