"""What kgraph decided for the outputs issue 17 left open (README, Guarantees): ``-o`` through a
symbolic link writes the link's target; no file of the data folder is ever written over; CSV
cells keep the data as written, formulas included."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from conftest import MINI


def test_o_through_a_symlink_replaces_the_target_and_keeps_the_link(cli, tmp_path: Path) -> None:
    target = tmp_path / "real" / "kg.nt"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "kg.nt"
    link.symlink_to(target)
    run = cli("export", "-o", str(link))
    assert run.code == 0, run
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text(encoding="utf-8").startswith("<https://w3id.org/kgraph/")
    assert sorted(p.name for p in target.parent.iterdir()) == ["kg.nt"]


@pytest.mark.parametrize(
    "args, name",
    [
        (("export", "-f", "turtle", "-o"), "entities.yaml"),
        (("export", "-f", "turtle", "-o"), "sources/text.txt"),
        (("query", "SELECT * WHERE { ?s ?p ?o }", "-f", "csv", "-o"), "relations.yaml"),
        (("draw", "-f", "dot", "-o"), "relations.yaml"),
        (("timeline", "-f", "svg", "-o"), "relations.yaml"),
        (("export", "-f", "csv", "-o"), "sources/text"),  # writes sources/text.nodes.csv...
    ],
)
def test_no_file_of_the_data_folder_is_written_over(
    cli, make_data, tmp_path: Path, args: tuple[str, ...], name: str
) -> None:
    data = make_data()
    if args[-2:] == ("csv", "-o") and args[0] == "export":
        (data / "sources" / "text.nodes.csv").write_text("mine\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    run = cli(*args, str(data / name), data=data)
    assert run.code == 1, run
    assert "is a file of the data folder" in run.err and "never written over" in run.err, run
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before
    # Through a link as well.
    link = tmp_path / "innocent.ttl"
    link.symlink_to(data / "entities.yaml")
    assert cli("export", "-o", str(link), data=data).code == 1
    assert (data / "entities.yaml").read_bytes() == before[data / "entities.yaml"]


def test_csv_cells_keep_what_the_data_says_formulas_included(cli, make_data, tmp_path: Path) -> None:
    entities = (
        (MINI / "entities.yaml")
        .read_text(encoding="utf-8")
        .replace("label: China\n", 'label: \'=HYPERLINK("http://example.org","China")\'\n')
    )
    data = make_data(entities=entities)
    run = cli("query", "SELECT ?l WHERE { kgr:china rdfs:label ?l }", "-f", "csv", data=data)
    assert run.code == 0, run
    assert list(csv.reader(io.StringIO(run.out))) == [["l"], ['=HYPERLINK("http://example.org","China")']]


@pytest.mark.parametrize("command", ["diff", "agree", "schema"])
def test_review_and_schema_outputs_never_write_over_a_data_file(cli, make_data, tmp_path: Path, command: str) -> None:
    """diff, agree (both annotations) and schema refuse -o into a data folder, like export."""
    data = make_data()
    other = Path(shutil.copytree(MINI, tmp_path / "other"))
    before = {p: p.read_bytes() for folder in (data, other) for p in folder.rglob("*") if p.is_file()}
    args = {
        "diff": ("diff", str(data), str(other), "-f", "json"),
        "agree": ("agree", str(data), str(other), "-f", "json"),
        "schema": ("schema",),
    }[command]
    for victim in (data / "relations.yaml", other / "entities.yaml"):
        if command == "schema" and victim.parent == other:
            continue
        run = cli(*args, "-o", str(victim), data=data)
        assert run.code == 1, run
        assert "is a file of the data folder" in run.err, run
    assert {p: p.read_bytes() for folder in (data, other) for p in folder.rglob("*") if p.is_file()} == before
