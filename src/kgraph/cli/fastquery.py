"""The fast path for the commonest call: ``kgraph [GLOBAL] query QUERY [-p NAME=VALUE] -f csv|tsv|json|xml [-o FILE]``.

Answered here, without importing Typer/Click (about 60 ms of a 100 ms call), when the compiled
graph in the cache is current. It takes only what it can answer exactly as the Typer path would,
byte for byte: the global options ``--data/-d``, ``--base``, ``--queries``, ``--engine oxigraph``
(or their ``KGRAPH_*`` variables), and after ``query`` one QUERY with ``--format/-f`` (json, csv,
tsv, xml), ``--output/-o`` and any ``--param/-p``. It makes the same library call as the Typer
path (``PreparedQuery`` and ``Project.run``: checks, parameters, the cache lookup, which checks
every data file so a stale graph is never served, and the engine) and uses the same writers.

Anything else returns None and the Typer path runs: help, other options or commands, the table
format, CONSTRUCT/DESCRIBE, a missing or stale cache, and any error before output starts (unknown
query, syntax error, refused update or SERVICE, any text that spells "service" and so runs
cut off from the network...), so every message and exit code comes from
one place. ``KGRAPH_NO_FASTPATH=1`` turns the fast path off.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (3 ms per command)
if TYPE_CHECKING:
    from typing import IO, Any

    from kgraph.project import Project
    from kgraph.query import PreparedQuery
    from kgraph.results import QueryResult

#: The spellings of the options read here: the Typer declarations (typer_app.main_options,
#: query_commands.query) are made from these same tuples, so the two paths cannot drift apart.
GLOBAL_OPTIONS = {"data": ("--data", "-d"), "base": ("--base",), "engine": ("--engine",), "queries": ("--queries",)}
QUERY_OPTIONS = {"fmt": ("--format", "-f"), "out": ("--output", "-o"), "params": ("--param", "-p")}
ENVIRONMENT = {"data": "KGRAPH_DATA", "base": "KGRAPH_BASE", "engine": "KGRAPH_ENGINE", "queries": "KGRAPH_QUERIES"}
_GLOBAL = {spelling: key for key, spellings in GLOBAL_OPTIONS.items() for spelling in spellings}
_QUERY = {spelling: key for key, spellings in QUERY_OPTIONS.items() for spelling in spellings}


class _Fallback(Exception):
    """Leave this call to the Typer path."""


def run(argv: list[str]) -> int | None:
    """The exit code when the fast path answered, None when the Typer path must run."""
    if os.environ.get("KGRAPH_NO_FASTPATH") or any(
        k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ
    ):  # shell completion
        return None
    args = parse(argv)
    if args is None:
        return None
    stdin = None
    if args["sparql"] == "-":
        stdin = _buffer_stdin()
        if stdin is None:
            return None
    try:
        return _answer(args)
    except _Fallback:
        if stdin is not None:  # the Typer path reads the same query again
            sys.stdin = _text_stdin(*stdin)
        return None
    except KeyboardInterrupt as exc:
        return _tell(exc)


def parse(argv: list[str]) -> dict[str, Any] | None:
    """The options of a call the fast path can take, or None."""
    found: dict[str, Any] = {"params": []}
    at = 0
    while at < len(argv) and argv[at] != "query":  # global options come before the command
        if not _option(argv, at, _GLOBAL, found):
            return None
        at += 2 if "=" not in argv[at] else 1
    if at == len(argv):
        return None
    at += 1
    while at < len(argv):
        arg = argv[at]
        if arg.startswith("-") and arg != "-":
            if not _option(argv, at, _QUERY, found):
                return None
            at += 2 if "=" not in arg else 1
        elif "sparql" in found:
            return None  # a second argument: a usage error
        else:
            found["sparql"] = arg
            at += 1
    for key, variable in ENVIRONMENT.items():
        if key not in found and variable in os.environ:
            if not os.environ[variable]:
                return None
            found[key] = os.environ[variable]
    if "sparql" not in found or "fmt" not in found or found.get("engine", "oxigraph") != "oxigraph":
        return None
    from kgraph.formats import GRAPH, RESULTS, FormatError, choose, registered

    try:  # the registry's rule, as the Typer path applies it (-o's suffix must agree with --format)
        found["fmt"] = choose(found["fmt"], found.get("out"), (RESULTS, GRAPH))
    except FormatError:
        return None
    return found if found["fmt"] in {f.name for f in registered((RESULTS,))} else None


def _option(argv: list[str], at: int, known: dict[str, str], found: dict[str, Any]) -> bool:
    """Read ``--name VALUE`` or ``--name=VALUE`` into ``found`` (``--param`` may repeat);
    False if it is anything else."""
    arg = argv[at]
    if arg.startswith("--") and "=" in arg:
        name, value = arg.split("=", 1)
    elif at + 1 < len(argv):
        name, value = arg, argv[at + 1]
    else:
        return False
    key = known.get(name)
    if key is None or not value or (value.startswith("-") and not (key == "out" and value == "-")):
        return False
    if key == "params":
        found[key].append(value)
    else:
        found[key] = value
    return True


def _buffer_stdin() -> tuple[bytes, str, str] | None:
    """Read stdin once, and leave a copy as sys.stdin (decoded the same way) for the query."""
    stream = sys.stdin
    if stream is None or not hasattr(stream, "buffer"):
        return None
    saved = (stream.buffer.read(), stream.encoding, stream.errors or "strict")
    sys.stdin = _text_stdin(*saved)
    return saved


def _text_stdin(data: bytes, encoding: str, errors: str) -> IO[str]:
    import io

    # newline="\n": like the interpreter's own stdin, no newline translation on reading.
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors, newline="\n")


def _answer(args: dict[str, Any]) -> int:
    from kgraph.errors import KgraphError
    from kgraph.params import parse_assignments
    from kgraph.project import Project
    from kgraph.query import PreparedQuery
    from kgraph.vocab import DEFAULT_BASE, base_problem

    if base_problem(args.get("base", DEFAULT_BASE)) is not None:
        raise _Fallback  # the full CLI says what is wrong with it
    proj = Project(
        data_dir=args.get("data", "data"),
        base=args.get("base", DEFAULT_BASE),
        queries_dir=args.get("queries"),
        engine=args.get("engine"),
    )
    from kgraph.engine import choose

    if choose("query", proj.engine) != "oxigraph":
        raise _Fallback  # the default engine for queries changed: only Oxigraph is served here
    try:
        query = PreparedQuery.from_argument(args["sparql"], proj.query_folder, parse_assignments(args["params"]))
    except (KgraphError, OSError, ValueError):
        raise _Fallback from None
    out = args.get("out")
    if out not in (None, "-") and os.path.exists(out) and not os.path.isfile(out):
        raise _Fallback  # a device or pipe is written straight through: nothing to take back
    if proj.cached() is None:
        raise _Fallback  # building (with its progress bar) is the Typer path's
    result = _select_or_ask(proj, query)
    return _write(result, args["fmt"], out, proj.data_dir)


def _select_or_ask(proj: Project, query: PreparedQuery) -> QueryResult:
    """The answer, through the library call both paths make, with its first row already read:
    any error so far, or a warning to print, is left to the Typer path."""
    import itertools

    from kgraph import sparqlscan
    from kgraph.results import QueryResult
    from kgraph.sandbox import may_reach_network

    if sparqlscan.operation(query.text) in ("CONSTRUCT", "DESCRIBE"):
        raise _Fallback  # graph formats are the Typer path's
    if may_reach_network(query.text):
        raise _Fallback  # evaluated cut off from the network, by the Typer path's engine
    warnings: list[str] = []
    try:
        result = proj.run(query, warn=warnings.append)
        if warnings:
            raise _Fallback  # the Typer path prints them
        if result.kind != "SELECT":
            return result
        rows = iter(result.rows)
        first = list(itertools.islice(rows, 1))
    except Exception:  # noqa: BLE001 - whatever it is, the Typer path reports it
        raise _Fallback from None
    return QueryResult("SELECT", result.variables, itertools.chain(first, rows))


def _write(result: Any, fmt: str, out: str | None, data_dir: str) -> int:
    """Write like ``cli.context.output``; failures once output started are told as KgraphGroup
    tells them (``cli.failures.failure``)."""
    from kgraph.cli.exitcodes import EXIT_OK
    from kgraph.formats import RESULTS, get

    write = get(fmt, (RESULTS,)).write()

    if out is not None and out != "-":
        from kgraph.atomic import atomic_output

        try:
            with atomic_output(out, keep_out=data_dir) as handle:
                write(result, handle)
        except Exception:  # noqa: BLE001 - the file is untouched: let the Typer path say why
            raise _Fallback from None
        return EXIT_OK
    try:
        write(result, sys.stdout)
        sys.stdout.flush()
    except Exception as exc:  # noqa: BLE001 - told as the one mapping of failures says
        return _tell(exc)
    return EXIT_OK


def _tell(exc: BaseException) -> int:
    """Say what went wrong as KgraphGroup would (``cli.failures.failure``); the exit code."""
    from kgraph.cli.failures import failure

    lines, code = failure(exc)
    sys.stderr.writelines(line + "\n" for line in lines)
    return code
