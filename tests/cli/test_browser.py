"""The explorer and the timeline opened in a real headless Chromium (tests/browser.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import Browser, distinct_shades, needs_chromium
from conftest import NET, integration

pytestmark = [integration, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import run_cli

    out = tmp_path_factory.mktemp("explorer") / "net.html"
    assert run_cli("draw", "-o", str(out), data=NET).code == 0
    return out


@pytest.fixture(scope="module")
def explorer_without_graphviz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page as made where Graphviz is missing: Cytoscape's own cose layout."""
    folder = tmp_path_factory.mktemp("cose")
    out = folder / "net.html"
    done = subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(NET), "draw", "-o", str(out)],
        env={**os.environ, "PATH": str(folder)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("layout", ["neato", "cose"])
def test_explorer_draws_every_entity_and_bundle_without_errors(
    browser: Browser, explorer: Path, explorer_without_graphviz: Path, layout: str
) -> None:
    if layout == "neato" and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed (.ci/run installs it)")
    browser.errors.clear()
    browser.open(explorer if layout == "neato" else explorer_without_graphviz)
    assert browser.errors == []
    assert browser.js("kgraph.data.layout") == layout
    nodes, edges, relations = browser.js(
        "[kgraph.cy.nodes(':visible').length, kgraph.cy.edges(':visible').length,"
        " kgraph.cy.edges().map(e => kgraph.data.bundles[kgraph.cy.edges().indexOf(e)].rel.length)"
        "   .reduce((a, b) => a + b, 0)]"
    )
    assert (nodes, relations) == (9, 13)  # tests/data/net: 9 entities, 13 relations
    assert edges == 13 == browser.js("kgraph.data.bundles.length")  # no two relations share a pair
    assert browser.js("document.getElementById('status').textContent") == "9 entities, 13 relations shown"
    symmetric = browser.js(
        "kgraph.cy.edges().filter(e => e.style('target-arrow-shape') === 'none')"
        ".map(e => [e.source().id(), e.target().id()].sort().join(' '))"
    )
    assert sorted(symmetric) == ["china russia", "china south-korea", "china usa", "kim-jong-il putin"]
    # Nodes do not overlap after the layout.
    boxes = browser.js("kgraph.cy.nodes().map(n => { const b = n.boundingBox(); return [b.x1, b.y1, b.x2, b.y2]; })")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_clicking_a_node_lists_its_relations_with_quotes(browser: Browser, explorer: Path) -> None:
    browser.open(explorer)
    x, y = browser.js(
        "(() => { const p = kgraph.cy.$id('putin').renderedPosition();"
        " const r = kgraph.cy.container().getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; })()"
    )
    browser.click(x, y)
    text = browser.js("document.getElementById('details').textContent")
    assert "Vladimir Putin (Person)" in text
    assert "\u201cVladimir Putin met Kim Jong-il in July 2000.\u201d" in text
    assert "\u201cVladimir Putin has led Russia since 2000.\u201d" in text and "2000-07" in text
    assert browser.errors == []


def test_a_link_to_an_entity_opens_with_its_evidence(browser: Browser, explorer: Path) -> None:
    browser.open(explorer, "#soviet-union")
    text = browser.js("document.getElementById('details').textContent")
    assert text.startswith("Soviet Union (State)")
    assert "\u201cFrom 1961 to 1991 the Soviet Union protected North Korea.\u201d" in text
    assert browser.js("kgraph.cy.$(':selected').map(n => n.id())") == ["soviet-union"]


def test_time_slider_at_1965_hides_the_relations_after_1991(browser: Browser, explorer: Path) -> None:
    browser.open(explorer)
    shown = browser.js("""(() => {
        const year = document.getElementById('year');
        year.value = 1965; year.dispatchEvent(new Event('input'));
        return kgraph.cy.nodes(':visible').map(n => n.id()).sort(); })()""")
    # --at 1965 (as kgraph draw --at 1965): the Soviet Union protects North Korea; Russia, Putin
    # and the 2000 treaty come later; undated relations (China, the United States) stay.
    assert "soviet-union" in shown and "north-korea" in shown
    assert not {"russia", "putin", "treaty-2000", "kim-jong-il"} & set(shown)
    assert browser.js("document.getElementById('status').textContent").endswith("relations shown")
    labels = browser.js("kgraph.cy.edges(':visible').map(e => e.data('label'))")
    assert "protected (1961/1991)" in labels and not any("2000" in label for label in labels)
    # Unticking a predicate hides its edges; the year box off shows every year again.
    browser.js("""(() => { document.getElementById('use-date').click();
        const box = document.querySelector('input[data-predicate="protected"]'); box.click(); })()""")
    labels = browser.js("kgraph.cy.edges(':visible').map(e => e.data('label'))")
    assert not any(label.startswith("protected") for label in labels) and "met (2000-07)" in labels
    assert browser.errors == []


def test_search_highlights_and_screenshot_is_not_blank(browser: Browser, explorer: Path) -> None:
    browser.open(explorer)
    matched = browser.js("""(() => { const s = document.getElementById('search');
        s.value = 'kim'; s.dispatchEvent(new Event('input'));
        return kgraph.cy.nodes('.match').map(n => n.id()); })()""")
    assert matched == ["kim-jong-il"]
    shades, variance = distinct_shades(browser.screenshot())
    assert shades > 20 and variance > 100, (shades, variance)


def test_timeline_page_in_chromium(browser: Browser, tmp_path: Path) -> None:
    from conftest import DATA, run_cli

    out = tmp_path / "timeline.html"
    run = run_cli("timeline", "-o", str(out), data=DATA)
    assert run.code == 0
    browser.errors.clear()
    browser.open(out)
    assert browser.errors == []
    count = int(run.err.split("(html, ")[1].split(" ")[0])
    assert browser.js("document.querySelectorAll('g.item').length") == count
    assert browser.js("document.querySelectorAll('g.item rect.bar').length") > 10
    assert browser.js("document.querySelectorAll('g.item path.mark').length") > 10
    tip = browser.js(
        "[...document.querySelectorAll('g.item > title')].map(t => t.textContent).find(t => t.includes('\u201c'))"
    )
    assert tip and "\u201d" in tip  # a quote to read on hover
    shades, variance = distinct_shades(browser.screenshot())
    assert shades > 20 and variance > 100, (shades, variance)
