"""Domain exceptions, all of them: the library raises these; only the CLI turns them into messages
and exit codes (``KgraphError`` and its subclasses: exit 1).

A problem in a file the user wrote, data or query, is placed by one ``SourceSpan``, so both
read ``file:line:col: error: ...``."""

from __future__ import annotations

import errno
import re

from kgraph.record import Record

#: What must not reach a terminal as it is: C0 controls but tab and line feed (ESC starts escape
#: sequences that recolour, retitle or rewrite the screen), DEL, C1 controls (U+009B is a one-character
#: CSI) and lone surrogates (which cannot even be encoded as UTF-8).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    r"""``text`` safe for a terminal: control characters shown as Python escapes, never sent raw.

    Data is refused when it holds them (yamlnodes.py); this covers what kgraph does not control:
    remote values and error texts, query text, file names.

    >>> printable("red \x1b[31m alert\u009b")
    'red \\x1b[31m alert\\x9b'
    """
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8 (argv, file names): show the byte
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]


class SourceSpan(Record):
    """Where in the user's files something is: a path, and a line and column (1-based) when known.

    Shared by data problems and query errors, so both are placed and printed alike.

    >>> str(SourceSpan("queries/treaties.rq", 4, 6))
    'queries/treaties.rq:4:6'
    >>> str(SourceSpan("data/entities.yaml")), str(SourceSpan(None, 2, 9)), str(SourceSpan())
    ('data/entities.yaml', 'line 2, column 9', '')
    """

    __slots__ = ("path", "line", "column")

    def __init__(self, path: str | None = None, line: int | None = None, column: int | None = None) -> None:
        self.path, self.line, self.column = path, line, column

    def __str__(self) -> str:
        if self.path is None:
            return f"line {self.line}, column {self.column}" if self.line is not None else ""
        return f"{self.path}:{self.line}:{self.column}" if self.line is not None else self.path

    def prefix(self) -> str:
        """What goes before a message: ``'path:line:col: '``, or nothing when the place is unknown."""
        where = str(self)
        return f"{where}: " if where else ""


class Problem(Record):
    """One located diagnostic, printed as ``file:line:col: severity: message``.

    Equal, hashed and sorted by place only (path, line, column)."""

    __slots__ = ("path", "line", "column", "message", "severity", "field_name")
    _compare = ("path", "line", "column")

    def __init__(
        self, path: str, line: int, column: int, message: str, severity: str = "error", field_name: str | None = None
    ) -> None:
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

    @property
    def span(self) -> SourceSpan:
        """The problem's place (line 0 means the whole file)."""
        return SourceSpan(self.path, self.line or None, self.column if self.line else None)

    def __str__(self) -> str:
        return f"{self.span}: {self.severity}: {self.message}"


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

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, path: str | None = None
    ) -> None:
        self.line, self.column, self.path, self.reason = line, column, path, message
        super().__init__(self.span.prefix() + message)

    @property
    def span(self) -> SourceSpan:
        """Where the problem is: the query's file (when it came from one), line and column."""
        return SourceSpan(self.path, self.line, self.column)

    def in_file(self, path: str, reason: str | None = None) -> QueryError:
        """The same problem, located in the file the query came from (a check, a query file)."""
        return QueryError(reason or self.reason, self.line, self.column, path)


def error_line(exc: KgraphError) -> str:
    """The line the CLI prints for ``exc``: a query error located in a file reads like a data
    problem (``queries/treaties.rq:4:6: error: ...``), anything else ``error: ...``."""
    if isinstance(exc, QueryError) and exc.path is not None:
        return str(Problem(exc.path, exc.line or 0, exc.column or 0, exc.reason))
    return f"error: {exc}"


class QueryTimeout(QueryError):
    """A query did not deliver its answer within the time allowed (``--timeout``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the query did not finish within {seconds:g} second(s) (--timeout); "
            "narrow it (more specific patterns, LIMIT) or allow more time"
        )


class NotFoundError(KgraphError):
    """A name, query or file the user gave does not exist or is ambiguous."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message)


class NoPathError(KgraphError):
    """Two entities are not connected under the given constraints."""


class OutputError(KgraphError):
    """An output file cannot be written."""


#: Write failures that are the disk's, not kgraph's: said in one line, never as an internal error.
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS})


def not_utf8(exc: UnicodeEncodeError) -> KgraphError | None:
    """A lone surrogate that Python made of a byte not valid UTF-8 (in argv or a file name),
    met when the text is written or handed on: said with the text around it."""
    if exc.reason != "surrogates not allowed":
        return None
    around = exc.object[max(0, exc.start - 30) : exc.end + 30]
    return KgraphError(
        f"text given to kgraph is not valid UTF-8: '{printable(around)}' "
        "(arguments, names and queries are read as UTF-8)"
    )


def ensure_utf8(text: str) -> str:
    """``text`` unchanged, or a KgraphError when it holds bytes that were not UTF-8 (argv): said
    before the text reaches an engine, which would fail on it in its own words."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise not_utf8(exc) or exc from None
    return text


def write_failure(exc: OSError, target: str) -> OutputError | None:
    """``exc`` as a one-line OutputError naming ``target``, when it is the disk's failure."""
    if exc.errno not in _WRITE_ERRNOS:
        return None
    return OutputError(f"cannot write {target}: {exc.strerror}")


class ToolMissingError(KgraphError):
    """An external program a command needs (Graphviz ``dot``) is not installed."""


class NetworkBlocked(KgraphError):
    """Something tried to reach the network while kgraph was working on local data."""


class SandboxUnavailable(QueryError):
    """This system cannot cut a process off the network, so a query that might reach out is refused."""


class RemoteError(KgraphError):
    """A store could not be reached or refused the request; the message says which and why."""


class FormatError(KgraphError):
    """A format that cannot be chosen: unknown, contradicted by -o's suffix, or not given for stdout.

    ``option`` names the command-line option at fault, for the CLI's usage message.
    """

    def __init__(self, message: str, option: str = "--format") -> None:
        super().__init__(message)
        self.option = option


class ServerError(KgraphError):
    """The Oxigraph server is missing, could not start, or stopped by itself."""


class StoreUnreadable(KgraphError):
    """A cached graph's store does not open though its files match their checksums: the project
    rebuilds it (Project.engine_for); the message says which entry and why if that fails too."""


class ProjectExistsError(KgraphError):
    """``kgraph init`` was pointed at a folder that already holds a project."""


class UnknownSource(NotFoundError, LookupError):
    """The source text asked for (``kgraph coverage SOURCE``) is no publication with a text."""
