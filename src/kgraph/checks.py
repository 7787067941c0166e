"""Curators' own checks: SELECT queries in ``queries/checks/`` that must return no rows.

Each file starts with a comment block giving its description and severity::

    # A person who leads a state, with no date on that relation.
    # severity: warn
    SELECT ...
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from kgraph.errors import KgraphError, QueryError
from kgraph.results import QueryResult, Row
from kgraph.rows import Column, Rows
from kgraph.sparqlscan import comment_header

SEVERITIES = ("info", "warn", "error")
_SEVERITY = re.compile(r"^severity\s*:\s*(\w+)\s*$", re.I)


@dataclass(frozen=True)
class Check:
    name: str
    path: str
    severity: str
    description: str

    @property
    def text(self) -> str:
        from kgraph.query import read_query_file

        return read_query_file(self.path)


@dataclass
class Outcome:
    """A check and the rows that break it (none when it passes)."""

    check: Check
    variables: list[str]
    rows: list[Row]

    @property
    def passed(self) -> bool:
        return not self.rows


def load_checks(folder: str) -> list[Check]:
    """The checks in ``folder``, sorted by name; a missing or bad header is an error."""
    if not os.path.isdir(folder):
        return []
    checks = []
    for entry in sorted(os.listdir(folder)):
        name, suffix = os.path.splitext(entry)
        if suffix != ".rq":
            continue
        path = os.path.join(folder, entry)
        if not os.path.isfile(path):
            continue  # a folder named like a check, as named_queries skips it
        severity, description = None, ""
        for line in comment_header(Check(name, path, "", "").text):
            match = _SEVERITY.match(line)
            if match:
                severity = match.group(1).lower()
            elif not description:
                description = line
        if severity not in SEVERITIES:
            raise KgraphError(
                f"{path}: give the check a severity in its header "
                f"('# severity: {' | '.join(SEVERITIES)}'), not {severity!r}"
            )
        checks.append(Check(name, path, severity, description))
    return checks


def run_checks(checks: list[Check], run: Callable[[str], QueryResult]) -> list[Outcome]:
    """Run each check's SELECT query with ``run`` and keep its rows."""
    outcomes = []
    for check in checks:
        try:
            result = run(check.text)
        except QueryError as exc:  # say which check, not only where in it
            raise exc if exc.path else exc.in_file(check.path) from None
        if result.kind != "SELECT":
            raise KgraphError(f"{check.path}: a check must be a SELECT query, not {result.kind}")
        outcomes.append(Outcome(check, list(result.variables), list(result.rows)))
    return outcomes


def failing(outcomes: list[Outcome], threshold: str) -> list[Outcome]:
    """The outcomes with rows whose severity is at or above ``threshold``."""
    floor = SEVERITIES.index(threshold)
    return [o for o in outcomes if o.rows and SEVERITIES.index(o.check.severity) >= floor]


#: The columns every problem row starts with; a check's own variables follow.
PROBLEM_COLUMNS = ("check", "severity", "description")


def problem_rows(outcomes: list[Outcome]) -> list[Rows]:
    """One row per row of a failing check: which check, how severe, then the check's own variables
    (one part per check: CSV gets the union of their columns, each JSON object its own; a variable
    named like a fixed column gets a '?')."""
    parts = []
    for outcome in outcomes:
        if outcome.rows:
            heads = [f"?{v}" if v in PROBLEM_COLUMNS else v for v in outcome.variables]
            check = outcome.check
            parts.append(
                Rows(
                    tuple(Column(name) for name in (*PROBLEM_COLUMNS, *heads)),
                    [
                        [check.name, check.severity, check.description, *(row.get(v) for v in outcome.variables)]
                        for row in outcome.rows
                    ],
                )
            )
    return parts or [Rows(tuple(map(Column, PROBLEM_COLUMNS)), [])]
