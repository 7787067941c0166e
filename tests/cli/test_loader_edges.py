"""YAML 1.1 surprises and impossible dates (issue 17, item 14): each refused where it is written,
or read as the text says; never a crash in a later command."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINI

RELATION = (
    "- subject: russia\n  predicate: signed\n  object: friendship-treaty\n"
    "  quote: two states signed the Friendship Treaty\n"
)


def _with(make_data, extra: str) -> Path:
    """The mini data with one more relation, its last line ``extra`` (line 35 of relations.yaml)."""
    relations = (MINI / "relations.yaml").read_text(encoding="utf-8")
    return make_data(relations=relations + RELATION + extra + "\n")


@pytest.mark.parametrize(
    "value, message",
    [
        ('"0000"', "field 'date': impossible date '0000': years run from 0001 to 9999"),
        ("0000", "field 'date': impossible date '0000': years run from 0001 to 9999"),
        (
            "03721",
            "field 'date': malformed date '03721' (expected an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978)",
        ),
        (
            "1_961",
            "field 'date': malformed date '1_961' (expected an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978)",
        ),
        (
            "0x7B1",
            "field 'date': malformed date '0x7B1' (expected an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978)",
        ),
        (
            "19:61",
            "field 'date': malformed date '19:61' (expected an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978)",
        ),
    ],
)
def test_dates_are_read_as_written_and_refused_where_written(cli, make_data, value: str, message: str) -> None:
    data = _with(make_data, f"  date: {value}")
    for command in (
        ("validate",),
        ("build",),
        ("path", "putin", "friendship-treaty"),
        ("query", "SELECT * WHERE { ?s ?p ?o }"),
    ):
        run = cli(*command, data=data)
        assert run.code == 1, (command, run)
        assert run.err.splitlines() == [f"{data}/relations.yaml:35:9: error: {message}", "1 error(s) found"], (
            command,
            run,
        )


def test_a_leading_zero_year_keeps_its_digits(cli, make_data) -> None:
    data = _with(make_data, "  date: 0044")
    run = cli("query", "SELECT ?d WHERE { ?s kg:date ?d } ORDER BY ?d", "-f", "csv", data=data)
    assert run.code == 0, run
    assert run.out.splitlines()[1] == "0044"  # YAML 1.1 reads 0044 as octal 36; the text says 44 AD


def test_sexagesimal_and_huge_numbers_do_not_crash_validate(cli, make_data) -> None:
    run = cli(
        "query", "SELECT ?n WHERE { ?s kg:note ?n } ORDER BY ?n", "-f", "csv", data=_with(make_data, "  note: 10:30")
    )
    assert run.code == 0, run
    assert "10:30" in run.out.splitlines()  # YAML 1.1 would read 630
    data = _with(make_data, "  footnote: " + "7" * 4400)
    run = cli("validate", data=data)
    assert run.code == 1
    assert run.err.splitlines() == [
        f"{data}/relations.yaml:35:13: error: field 'footnote': a number of 4400 digits is too long "
        "(at most 4000); quote it if it is text",
        "1 error(s) found",
    ]


@pytest.mark.parametrize("option", ["--at", "--from", "--to"])
def test_year_zero_on_the_command_line_is_a_usage_error(cli, option: str) -> None:
    run = cli("path", "putin", "russia", option, "0000")
    assert run.code == 2, run
    assert f"Invalid value for {option}: impossible date '0000'" in run.err
