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

NET = Path(__file__).resolve().parent.parent / "data" / "net"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed "
                               "(.ci/run installs it)")


@needs_dot
def test_svg_of_a_path_has_the_labels(cli, tmp_path: Path) -> None:
    out = tmp_path / "path.svg"
    run = cli("draw", "--path", "putin", "south-korea", "-o", str(out), data=NET)
    assert run.code == 0, run
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for label in ("Vladimir Putin", "Russia", "Soviet Union", "South Korea", "succeeded", "lent to"):
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


def test_html_is_self_contained_and_carries_quotes(cli, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    run = cli("draw", "-o", str(out), data=NET)
    assert run.code == 0, run
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # no CDN, nothing fetched
    data = json.loads(re.search(r'<script id="kgraph-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert len(data["nodes"]) == 9 and len(data["links"]) == 13
    assert {n["label"]: n["type"] for n in data["nodes"]}["Vladimir Putin"] == "Person"
    tip = next(link["tip"] for link in data["links"] if link["label"] == "lent to")
    assert tip == ("South Korea lent to Soviet Union (1991)\n"
                   "\u201cIn 1991 South Korea lent the Soviet Union three billion dollars.\u201d")


def test_html_escapes_script_end_in_labels(cli, make_data, tmp_path: Path) -> None:
    from conftest import MINI

    entities = (MINI / "entities.yaml").read_text().replace("label: China", "label: China</script>")
    out = tmp_path / "x.html"
    assert cli("draw", "-o", str(out), data=make_data(entities=entities)).code == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("</script>") == 2 and "China\\u003c/script\\u003e" in page


def test_dot_and_mermaid_to_stdout(cli) -> None:
    run = cli("draw", "Kim Jong-il", "--format", "dot", data=NET)
    assert run.code == 0 and run.out.startswith('digraph "Kim Jong-il: depth 1"')
    assert '"putin" -> "kim-jong-il"' in run.out
    run = cli("draw", "Kim Jong-il", "--format", "mermaid", data=NET)
    assert run.code == 0 and "flowchart LR" in run.out and '["Kim Jong-il"]:::Person' in run.out


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
    assert "Vladimir Putin" in (tmp_path / "x.html").read_text(encoding="utf-8")
