"""kgraph timeline -o FILE.svg|html: one lane per actor, intervals as bars, points as marks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import DATA, NET

SVG = "{http://www.w3.org/2000/svg}"


def test_timeline_svg_has_lanes_bars_marks_and_quotes(cli, tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    run = cli("timeline", "-o", str(out), data=NET)
    assert run.code == 0, run.err
    root = ET.parse(out).getroot()  # well-formed XML
    lanes = [t.text or "".join(t.itertext()) for t in root.iter(SVG + "text") if t.get("class") == "actor"]
    assert "Soviet Union" in "".join(lanes) and "Vladimir Putin" in "".join(lanes)
    items = [g for g in root.iter(SVG + "g") if g.get("class") == "item"]
    count = int(re.search(r"\((svg), (\d+) dated", run.err).group(2))
    assert len(items) == count
    tips = {g.find(SVG + "title").text: g for g in items}
    protected = tips[
        "Soviet Union protected North Korea (1961/1991)\n"
        "\u201cFrom 1961 to 1991 the Soviet Union protected North Korea.\u201d"
    ]
    bar = protected.find(SVG + "rect")
    assert bar is not None and float(bar.get("width")) > 100  # thirty years as a bar
    lent = next(g for t, g in tips.items() if t.startswith("South Korea lent to Soviet Union (1991)"))
    assert lent.find(SVG + "path") is not None and lent.find(SVG + "rect") is None  # a point: a mark


def test_timeline_of_the_bundled_article_spans_1884_to_2017_readably(cli, tmp_path: Path) -> None:
    out = tmp_path / "t.html"
    run = cli("timeline", "-o", str(out), data=DATA)
    assert run.code == 0, run.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    years = [int(y) for y in re.findall(r'class="year"[^>]*>(\d{4})<', page)]
    assert years[0] <= 1884 and years[-1] >= 2017
    width = int(re.search(r'<svg [^>]*width="(\d+)"', page).group(1))
    assert width < 2200  # 1884-2017 at about 11 px a year, not thousands of years wide


def test_timeline_of_one_actor_and_bad_suffix(cli, tmp_path: Path) -> None:
    out = tmp_path / "k.svg"
    assert cli("timeline", "Kim Jong-il", "-o", str(out), data=NET).code == 0
    svg = out.read_text(encoding="utf-8")
    assert "timeline of Kim Jong-il" in svg and "met Kim Jong-il" in svg
    run = cli("timeline", "-o", str(tmp_path / "t.pdf"), data=NET)
    assert run.code == 2 and "--format" in run.err and not (tmp_path / "t.pdf").exists()
