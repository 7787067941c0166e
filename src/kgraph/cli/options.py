"""Options shared by the graph commands (time and path filters) and their tab completion."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from kgraph.dates import PartialDate
    from kgraph.entitygraph import EntityGraph
    from kgraph.pathfilters import Filter
    from kgraph.vocabulary import Vocabulary


# --- tab completion: fast, never raising (a broken data folder just completes nothing) ---


def _data_dir(ctx: Any) -> str:
    root = ctx.find_root() if ctx is not None else None
    params = getattr(root, "params", None) or {}
    return str(params.get("data") or os.environ.get("KGRAPH_DATA") or "data")


def _vocabulary(ctx: Any) -> Vocabulary:
    from kgraph.vocabulary import load_vocabulary

    return load_vocabulary(_data_dir(ctx))


def complete_entity(ctx: typer.Context, incomplete: str) -> list[str]:
    """Entity ids, labels and aliases (names in time too) from the entity files that start with
    what was typed (not works). A name in time (``Moscow``) completes as typed, whichever entity
    bears it: the lookup then reads it at ``--at`` or lists its bearers, never guesses."""
    try:
        import yaml

        from kgraph import datafiles

        vocabulary = _vocabulary(ctx)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        records = []
        for path in datafiles.find(_data_dir(ctx), "").entities:
            try:
                with open(path, encoding="utf-8") as handle:
                    loaded = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
            except (OSError, yaml.YAMLError):
                continue  # one broken file still leaves the others to complete from
            records.extend(loaded if isinstance(loaded, list) else [])
        names: dict[str, None] = {}
        for record in records:
            if not isinstance(record, dict) or vocabulary.is_publication(str(record.get("type"))):
                continue
            aliases = record.get("aliases")
            for name in (record.get("id"), record.get("label"), *_alias_names(aliases)):
                if isinstance(name, (str, int)):
                    names[str(name)] = None
        wanted = incomplete.casefold()
        # A name holding control characters is refused by validation; never hand it to the shell.
        from kgraph.errors import printable

        return sorted(n for n in names if n.casefold().startswith(wanted) and printable(n) == n)
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


def _alias_names(aliases: object) -> list[object]:
    """The names an ``aliases:`` value gives: plain items, and the ``name`` of a name in time."""
    items = aliases if isinstance(aliases, list) else [aliases]
    return [item.get("name") if isinstance(item, dict) else item for item in items]


def complete_predicate(ctx: typer.Context, incomplete: str) -> list[str]:
    """Predicate ids of the project's vocabulary."""
    try:
        names = _vocabulary(ctx).predicates
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []
    return sorted(p for p in names if p.casefold().startswith(incomplete.casefold()))


def complete_types(ctx: typer.Context, incomplete: str) -> list[str]:
    """Entity types of the project's vocabulary, completing the last item of a comma-separated list."""
    try:
        names = _vocabulary(ctx).types
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []
    done, _, last = incomplete.rpartition(",")
    prefix = done + "," if done else ""
    return [prefix + t for t in names if t.casefold().startswith(last.casefold())]


# --- shared options ---

AT = typer.Option(
    None,
    "--at",
    metavar="DATE",
    help="Only relations certainly in force at this date (YYYY, YYYY-MM or YYYY-MM-DD); "
    "names held for a period mean what they meant then.",
)
FROM = typer.Option(None, "--from", metavar="DATE", help="Only relations overlapping the period from DATE.")
TO = typer.Option(None, "--to", metavar="DATE", help="Only relations overlapping the period up to DATE.")
POSSIBLY = typer.Option(
    False,
    "--possibly",
    help="With --at/--from/--to: also relations only possibly in force then (uncertain "
    "dates such as 1945?, ends unknown such as 2000/), marked 'possibly'.",
)
UNDATED = typer.Option("keep", "--undated", metavar="keep|drop", help="Keep or drop relations without a date.")
STATUS = typer.Option(
    "actual",
    "--status",
    metavar="LIST",
    help="Use claims of these statuses, comma-separated (actual, intended, planned, "
    "proposed, failed, hypothetical, denied), or 'any'.",
)
DEPTH = typer.Option(1, "--depth", min=1, help="How many relations away from the entity.")
#: kgraph.paths.MAX_PATHS, repeated here so that ``--help`` need not import the path code.
MAX_PATHS = 100


# --- the output bundle of every command that prints rows (rendered by render.emit) ---

#: The formats of every command that prints rows; without --format, -o's suffix (.json .csv
#: .tsv) names one, and a table is only for the terminal (``-o rows.txt`` is a usage error).
ROW_FORMATS = ("table", "json", "csv", "tsv")
FORMAT = typer.Option(
    None, "--format", "-f", metavar="FORMAT", help="table, json, csv or tsv [default: table, or from -o's suffix]."
)
OUTPUT = typer.Option(
    None,
    "--output",
    "-o",
    metavar="FILE",
    help="Write the rows here (atomically) instead of stdout: .json, .csv or .tsv.",
)


def row_format(fmt: str | None, out: str | None, more: tuple[str, ...] = ()) -> str:
    """The format of a command that prints rows: --format, else -o's suffix, else a table.

    ``more`` are the command's own formats besides (timeline's svg and html)."""
    from kgraph.cli.context import choose_format

    return choose_format(fmt, out, ROW_FORMATS + more)


def parse_date(text: str | None, option: str) -> PartialDate | None:
    from kgraph.dates import PartialDate

    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def date_window(text: str | None, option: str) -> tuple[str, str] | None:
    """The days a user's date covers (``1969``: 1969-01-01 to 1969-12-31), for looking names up then."""
    when = parse_date(text, option)
    return (when.earliest.isoformat(), when.latest.isoformat()) if when else None


def _split(values: list[str] | None) -> list[str]:
    """Repeatable options also accept comma-separated lists."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _known(values: list[str], vocabulary: Vocabulary, option: str) -> frozenset[str]:
    types = option == "--through-types"
    for value in values:
        if value not in (vocabulary.types if types else vocabulary.predicates):
            hint = vocabulary.suggest_type(value) if types else vocabulary.suggest_predicate(value)
            raise typer.BadParameter(f"unknown {'type' if types else 'predicate'} '{value}'{hint}", param_hint=option)
    return frozenset(values)


def build_filter(
    eg: EntityGraph,
    *,
    at: str | None = None,
    start: str | None = None,
    end: str | None = None,
    undated: str = "keep",
    via: list[str] | None = None,
    exclude: list[str] | None = None,
    avoid: list[str] | None = None,
    through_types: str | None = None,
    directed: bool = False,
    max_hops: int | None = None,
    possibly: bool = False,
    status: str = "actual",
) -> Filter:
    """Turn command-line options into a library Filter; usage errors exit 2."""
    from dataclasses import replace

    from kgraph.pathfilters import UNDATED_CHOICES, Filter, parse_statuses

    if undated not in UNDATED_CHOICES:
        raise typer.BadParameter("choose keep or drop", param_hint="--undated")
    if at is not None and (start is not None or end is not None):
        raise typer.BadParameter("give either --at or --from/--to, not both", param_hint="--at")
    low, high = parse_date(start, "--from"), parse_date(end, "--to")
    if low and high and low.earliest > high.latest:
        raise typer.BadParameter(f"--from {low} is after --to {high}", param_hint="--from")
    try:
        statuses = parse_statuses(status)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--status") from None
    vocabulary = eg.vocabulary
    types = _known(_split([through_types] if through_types else []), vocabulary, "--through-types")
    flt = Filter(
        via=_known(_split(via), vocabulary, "--via"),
        exclude=_known(_split(exclude), vocabulary, "--exclude-predicate"),
        through_types=types,
        type_closure=frozenset(vocabulary.expand(types)),
        directed=directed,
        at=parse_date(at, "--at"),
        start=low,
        end=high,
        undated=undated,
        max_hops=max_hops,
        possibly=possibly,
        statuses=statuses,
    )
    # Names are looked up at the filter's time (a name held for a period means what it meant then).
    return replace(flt, avoid=frozenset(eg.resolve(name, flt.window).id for name in _split(avoid)))


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"choose one of {', '.join(allowed)}", param_hint=option)
    return value
