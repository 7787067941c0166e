"""Bounded memory for unbounded inputs (issue 17, item 16): a huge number parameter, a big source
text, a query with hundreds of thousands of rows shown as a table."""

from __future__ import annotations

import tracemalloc

import pytest

from conftest import integration

MAX_TABLE_ROWS = 1000  # kgraph.cli.render.MAX_TABLE_ROWS, as the user sees it
NUMBER = "# @param least number\nSELECT ?v WHERE { BIND(?least AS ?v) }"


@pytest.mark.parametrize("value", ["1e99999999", "1e-99999999", "NaN", "Infinity"])
def test_a_number_parameter_out_of_range_is_refused_at_once(cli, value: str) -> None:
    tracemalloc.start()
    try:
        run = cli("query", NUMBER, "-p", f"least={value}", "-f", "csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 1, run
    assert f"parameter 'least': {value} is out of range for a number (at most 1000 digits" in run.err
    assert peak < 50 * 2**20, peak  # before: 3.5 GB, then MemoryError


def test_a_number_parameter_in_range_is_written_out(cli) -> None:
    run = cli("query", NUMBER, "-p", "least=12.5e3", "-f", "csv")
    assert run.code == 0 and run.out.splitlines() == ["v", "12500"], run


@integration
def test_a_big_source_text_costs_about_its_size(cli, make_data) -> None:
    data = make_data()
    text = data / "sources" / "text.txt"
    original = text.read_text(encoding="utf-8")
    words = "Some words of filler text that go on and on, with a line break now and then.\n"
    text.write_text(words * (8 * 2**20 // len(words)) + original, encoding="utf-8")
    size = text.stat().st_size
    tracemalloc.start()
    try:
        run = cli("validate", data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 0, run
    assert peak < 5 * size, (peak, size)  # before: about 18 times its size


def test_a_source_text_over_the_limit_is_refused_naming_it(cli, make_data, monkeypatch: pytest.MonkeyPatch) -> None:
    import kgraph.files

    monkeypatch.setattr(kgraph.files, "MAX_FILE_BYTES", 2**20)
    data = make_data()
    (data / "sources" / "text.txt").write_bytes(b"x " * 2**20)
    run = cli("validate", data=data)
    assert run.code == 1
    assert (
        f"{data}/entities.yaml:1:3: error: source text 'sources/text.txt' of 'article': file is 2 MiB; "
        "kgraph reads files up to 1 MiB (split the text)" in run.err.splitlines()
    ), run


@integration
def test_a_table_of_many_rows_shows_the_first_rows_and_says_so(cli) -> None:
    query = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } LIMIT 40000"
    tracemalloc.start()
    try:
        run = cli("query", query)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert run.code == 0, run
    assert run.out.count("\n") == MAX_TABLE_ROWS + 4  # the rows, the header and three rules
    assert run.err.splitlines() == [
        f"the table shows the first {MAX_TABLE_ROWS:,} of 40,000 rows; --format csv, tsv or json writes them all",
        "40000 row(s)",
    ]
    assert peak < 30 * 2**20, peak  # before: about 5 KB a row (200,000 rows: 1 GB)
    assert cli("query", query, "-f", "csv").out.count("\n") == 40_001
