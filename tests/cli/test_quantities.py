"""Bounded and approximate numbers (issue 16): "less than $1 million" is a bound, not a value;
"about" marks the text's round figure. Validated where written, kept in the graph, never summed
as a value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI, ROOT

LOANS = """
- subject: russia
  predicate: lentTo
  object: korea
  quote: Russia used this opportunity.
  quantities:
    - {value: 100, unit: USD, of: loans}
- subject: russia
  predicate: lentTo
  object: china
  quote: Russia used this opportunity.
  quantities:
    - {max: 1000000, unit: USD, of: loans}
- subject: korea
  predicate: lentTo
  object: china
  quote: Russia used this opportunity.
  quantities:
    - {value: 2e3, approximate: true, unit: USD}
    - {min: 10, max: 20, unit: percent, of: share}
"""


def with_relations(make_data, extra: str) -> Path:  # type: ignore[no-untyped-def]
    return make_data(relations=(MINI / "relations.yaml").read_text(encoding="utf-8") + extra)


def test_a_bound_is_never_summed_as_a_value(cli, make_data) -> None:
    folder = with_relations(make_data, LOANS)
    run = cli("--queries", str(ROOT / "queries"), "query", "loans-total-by-lender", "-f", "csv", data=folder)
    assert run.code == 0, run
    rows = [line.split(",") for line in run.out.splitlines()[1:]]
    totals = {(r[0], r[3]): (Decimal(r[1]), r[2], Decimal(r[4]), r[5]) for r in rows}
    # Russia's loans: $100, and one of "less than $1 million", which adds nothing and is not a loan of known size.
    assert totals[("Russia", "Korea")] == (Decimal(100), "1", Decimal(100), "1")
    assert ("Russia", "China") not in totals
    assert totals[("Korea", "China")] == (Decimal(2000), "1", Decimal(2000), "1")  # about $2,000 is a value


def test_a_planned_loan_is_not_summed(cli, make_data) -> None:
    folder = with_relations(
        make_data,
        LOANS.replace(
            "    - {value: 100, unit: USD, of: loans}", "    - {value: 100, unit: USD, of: loans}\n  status: planned"
        ),
    )
    run = cli("--queries", str(ROOT / "queries"), "query", "loans-total-by-lender", "-f", "csv", data=folder)
    assert run.code == 0, run
    assert [line.split(",")[0] for line in run.out.splitlines()[1:]] == ["Korea"]


def test_the_graph_keeps_bounds_and_approximation(cli, make_data) -> None:
    folder = with_relations(make_data, LOANS)
    run = cli("--queries", str(ROOT / "queries"), "query", "quantities", "-f", "csv", data=folder)
    assert run.code == 0, run
    header, *rows = [line.split(",") for line in run.out.splitlines()]
    listed = sorted(
        tuple(dict(zip(header, r))[k] for k in ("value", "min", "max", "approximate", "unit")) for r in rows
    )
    assert listed == sorted(
        [
            ("100", "", "", "", "USD"),
            ("", "", "1000000", "", "USD"),
            ("2000", "", "", "true", "USD"),
            ("", "10", "20", "", "percent"),
        ]
    )
    values = cli(
        "query",
        "SELECT ?v WHERE { ?q schema:maxValue ?m FILTER(?m = 1000000) OPTIONAL { ?q schema:value ?v } }",
        "-f",
        "csv",
        data=folder,
    )
    assert values.out.splitlines() == ["v", '""']  # the bound, with no value beside it (an empty row)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("{value: 5, max: 10, unit: USD}", "give either 'value' or 'min'/'max', not both"),
        ("{min: 20, max: 10, unit: USD}", "max 10 is below min 20"),
        ("{unit: USD, of: loans}", "a quantity needs a 'value', or the bounds the text gives ('min', 'max')"),
        ("{max: lots, unit: USD}", "field 'max' must be a number, such as 1.2e9 or 90"),
        (
            "{value: 5, approximate: yes please, unit: USD}",
            "field 'approximate' must be true or false, not 'yes please'",
        ),
        ("{value: 5, aprox: true, unit: USD}", "unknown field 'aprox' in a quantity (did you mean 'approximate'?)"),
    ],
)
def test_a_wrong_quantity_is_a_located_error(cli, make_data, quantity: str, message: str) -> None:
    folder = with_relations(
        make_data,
        f"""
- subject: russia
  predicate: lentTo
  object: korea
  quote: Russia used this opportunity.
  quantities: [{quantity}]
""",
    )
    run = cli("validate", data=folder)
    assert run.code == 1, run
    lines = (folder / "relations.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("  quantities: ["))
    assert f"relations.yaml:{line}:" in run.err and message in run.err, run.err
