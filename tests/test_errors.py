"""One exception family: every exception kgraph raises to its user is defined in errors.py, and data
problems and query errors are placed by the same SourceSpan."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kgraph
from kgraph.errors import KgraphError, Problem, QueryError, SourceSpan

#: Exceptions that never leave the module that raises them: control flow, not messages.
INTERNAL = {"kgraph.cache.Busy"}


def _modules() -> list[str]:
    # __main__ runs the CLI when imported.
    return sorted(m.name for m in pkgutil.walk_packages(kgraph.__path__, "kgraph.") if m.name != "kgraph.__main__")


def test_every_public_exception_is_defined_in_errors_py() -> None:
    elsewhere = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == name
                and name != "kgraph.errors"
                and not attr.startswith("_")
                and f"{name}.{attr}" not in INTERNAL
            ):
                elsewhere.append(f"{name}.{attr}")
    assert elsewhere == []


def test_the_modules_that_raise_them_still_offer_them() -> None:
    """``from kgraph.remote import RemoteError`` and the like keep working: the same classes."""
    from kgraph import coverage, errors, netguard, newproject, remote, sandbox, serve

    assert remote.RemoteError is errors.RemoteError and serve.ServerError is errors.ServerError
    assert netguard.NetworkBlocked is errors.NetworkBlocked and sandbox.SandboxUnavailable is errors.SandboxUnavailable
    assert newproject.ProjectExistsError is errors.ProjectExistsError
    assert coverage.UnknownSource is errors.UnknownSource
    assert all(issubclass(cls, KgraphError) for cls in (errors.RemoteError, errors.UnknownSource))


@pytest.mark.parametrize(
    "error,span,text",
    [
        (
            QueryError("unknown prefix", 4, 6, "queries/treaties.rq"),
            SourceSpan("queries/treaties.rq", 4, 6),
            "queries/treaties.rq:4:6: unknown prefix",
        ),
        (QueryError("unknown prefix", 2, 9), SourceSpan(None, 2, 9), "line 2, column 9: unknown prefix"),
        (QueryError("not valid UTF-8", None, None, "q.rq"), SourceSpan("q.rq"), "q.rq: not valid UTF-8"),
    ],
)
def test_query_errors_are_placed_by_a_source_span(error: QueryError, span: SourceSpan, text: str) -> None:
    assert error.span == span and str(error) == text


def test_data_problems_are_placed_by_the_same_span() -> None:
    problem = Problem("data/relations.yaml", 69, 11, "unknown entity 'rok'")
    assert problem.span == SourceSpan("data/relations.yaml", 69, 11)
    assert str(problem) == f"{problem.span}: error: unknown entity 'rok'"
    assert Problem("data/sources/a.txt", 0, 0, "file not found").span == SourceSpan("data/sources/a.txt")
