"""Domain exceptions. The library raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from kgraph.record import Record


class Problem(Record):
    """One located diagnostic, printed as ``file:line:col: severity: message``.

    Equal, hashed and sorted by place only (path, line, column)."""

    __slots__ = ("path", "line", "column", "message", "severity", "field_name")
    _compare = ("path", "line", "column")

    def __init__(self, path: str, line: int, column: int, message: str, severity: str = "error",
                 field_name: str | None = None) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        self.severity, self.field_name = severity, field_name

    def __lt__(self, other: Problem) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Problem) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Problem) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Problem) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() >= other._key()

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message}"


class KgraphError(Exception):
    """Base class: something the user asked for cannot be done (exit code 1)."""


class DataError(KgraphError):
    """The data files are invalid; carries every problem found, sorted by file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the data")


class QueryError(KgraphError):
    """A SPARQL query is malformed, refused or failed; line/column when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(where + message)


class QueryTimeout(QueryError):
    """A query did not deliver its answer within the time allowed (``--timeout``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"the query did not finish within {seconds:g} second(s) (--timeout); "
                         "narrow it (more specific patterns, LIMIT) or allow more time")


class NotFoundError(KgraphError):
    """A name, query or file the user gave does not exist or is ambiguous."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message)


class NoPathError(KgraphError):
    """Two entities are not connected under the given constraints."""


class OutputError(KgraphError):
    """An output file cannot be written."""


class ToolMissingError(KgraphError):
    """An external program a command needs (Graphviz ``dot``) is not installed."""
