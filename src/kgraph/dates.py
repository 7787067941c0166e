"""Dates as texts give them: partial ISO dates (``1884-07-07``, ``1895-04``, ``1961``) that keep the
precision the text gives, and the Library of Congress's Extended Date/Time Format, level 1, for what
a plain date cannot say: ``1896~`` (approximately), ``1945?`` (uncertain), ``1945%`` (both),
``196X`` (unspecified digits: some year of the 1960s) and intervals ``1960/1979`` with an open end
(``2000/..``: still in force), an unknown end (``2000/``: it ended, the text does not say when) or an
open start (``../1978``).

A strict parser of our own rather than the ``edtf`` package (5.0.2): that one takes about 9 ms a
date (a million dates would take over two hours), fails on open intervals (``2000/..`` raises a
TypeError when asked for its bounds), invents a ten-year end for ``2000/`` and accepts level-2 forms
(``19X5``) and reversed intervals (``2000/1990``) without a word. See the README's data model.

Each value knows the span of days it can mean (``earliest``/``latest``: the widest, what a relation
*possibly* covers) and the span it certainly covers (:meth:`Edtf.span`), which ``--at`` and the
period filters compare with the window asked for.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

XSD_BY_PRECISION = {"year": "gYear", "month": "gYearMonth", "day": "date"}

#: The datatype of a date literal that a plain xsd date cannot hold (the Library of Congress's).
EDTF_DATATYPE = "http://id.loc.gov/datatypes/edtf/EDTF"

#: The first and last days kgraph can name (Python's dates, like xsd:gYear in XSD 1.0, have no year 0).
FIRST_DAY, LAST_DAY = "0001-01-01", "9999-12-31"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    >>> PartialDate.parse("1895-04").earliest, PartialDate.parse("1895-04").latest
    (datetime.date(1895, 4, 1), datetime.date(1895, 4, 30))
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError with a reason otherwise."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"malformed date {text!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        return cls._from_match(match, text)

    @classmethod
    def _from_match(cls, match: re.Match[str], text: str) -> PartialDate:
        year = int(match.group(1))
        if year == 0:  # Python's dates (and xsd:gYear in XSD 1.0) have no year 0
            raise ValueError(f"impossible date {text!r}: years run from 0001 to 9999")
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"impossible date {text!r}: month {month} is not 1-12")
        if day is not None:
            assert month is not None
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"impossible date {text!r}: day {day} is not in 1-{last}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def xsd_type(self) -> str:
        """The XSD datatype local name that keeps this precision."""
        return XSD_BY_PRECISION[self.precision]

    @property
    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        return text


# --- EDTF level 1 ---

#: One side of a date: YYYY with up to two trailing X, then -MM or -XX, then -DD or -XX, then a qualifier.
_POINT = re.compile(r"^(\d{2}[\dX]{2})(?:-([\dX]{2})(?:-([\dX]{2}))?)?([~?%])?$")
QUALIFIERS = {"~": "approximate", "?": "uncertain", "%": "uncertain and approximate"}
FORMS = "an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978"


@dataclass(frozen=True)
class Point:
    """One EDTF date (no interval): the days its digits cover, and its qualifier.

    ``low``/``high``: the first and last day the digits can mean (``196X``: 1960-01-01..1969-12-31);
    ``qualifier``: ``~``, ``?``, ``%`` or empty; ``pad``: how far a qualifier may move it (one unit
    of the precision given, two for ``%``), in the direction of each end.
    """

    text: str
    low: date
    high: date
    qualifier: str = ""

    @property
    def widened(self) -> tuple[date, date]:
        """The days the date can mean once its qualifier is allowed for (``1896~``: 1895-1897)."""
        if not self.qualifier:
            return self.low, self.high
        times = 2 if self.qualifier == "%" else 1
        digits = self.text.rstrip("~?%")
        if len(digits) == 4:
            step = 10 ** digits.count("X")
            return (_shift_years(self.low, -step * times), _shift_years(self.high, step * times))
        if len(digits) == 7 and "X" not in digits[5:]:
            return _shift_months(self.low, -times), _shift_months(self.high, times)
        return _clamp_days(self.low, -times), _clamp_days(self.high, times)


def _shift_years(day: date, years: int) -> date:
    year = min(max(day.year + years, 1), 9999)
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _shift_months(day: date, months: int) -> date:
    index = min(max(day.year * 12 + day.month - 1 + months, 12), 9999 * 12 + 11)
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    # The month's own first or last day, as the precision says.
    return date(year, month, 1 if day.day == 1 else last)


def _clamp_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return day


def _point(text: str, whole: str) -> Point:
    """Parse one side of a date; ValueError with the reason, naming ``whole`` (the value as given)."""
    match = _POINT.match(text)
    if not match:
        raise ValueError(_why_malformed(text, whole))
    year, month, day, qualifier = match.group(1), match.group(2), match.group(3), match.group(4) or ""
    digits = text.rstrip("~?%")
    if "X" in digits:
        if qualifier:
            raise ValueError(
                f"{whole!r}: a date with unspecified digits (X) cannot also be {QUALIFIERS[qualifier]} "
                f"({qualifier}) in EDTF level 1; write {digits} or give the years as an interval"
            )
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2}|-XX)?|-XX(-XX)?)?|\d{3}X|\d{2}XX", digits):
            raise ValueError(
                f"{whole!r}: unspecified digits (X) must be the last digits of the year (196X, "
                "19XX), or a whole month or day (1985-XX, 1985-04-XX)"
            )
        if year.endswith("X"):
            first = int(year.replace("X", "0"))
            last = int(year.replace("X", "9"))
            if first == 0:
                first = 1
            return Point(text, date(first, 1, 1), date(last, 12, 31))
        base = _plain("-".join(part for part in (year, month, day) if part and "X" not in part), whole)
        return Point(text, base.earliest, base.latest)
    if month is not None and 21 <= int(month) <= 41 and day is None:  # an EDTF season, not a month
        raise ValueError(
            f"{whole!r}: seasons (EDTF month codes 21-41) are not supported; "
            f"give the months as an interval, e.g. {year}-03/{year}-05"
        )
    plain = _plain(digits, whole)
    return Point(text, plain.earliest, plain.latest, qualifier)


def _plain(digits: str, whole: str) -> PartialDate:
    """The plain date of a side's digits; its errors name the whole value as given."""
    try:
        return PartialDate.parse(digits)
    except ValueError as exc:
        reason = str(exc).split(": ", 1)[1] if ": " in str(exc) else str(exc)
        raise ValueError(f"impossible date {whole!r}: {reason}") from None


def _why_malformed(text: str, whole: str) -> str:
    if re.fullmatch(r"-\d+.*|Y-?\d+.*", text):
        return f"{whole!r}: years before 1 or after 9999 are not supported (years run from 0001 to 9999)"
    if "T" in text and re.match(r"\d{4}-\d{2}-\d{2}T", text):
        return f"{whole!r}: times of day are not supported; give the day ({text[:10]})"
    if re.fullmatch(r"\d{1,3}", text):
        return f"malformed date {whole!r}: a year has four digits (0044, not 44)"
    return f"malformed date {whole!r} (expected {FORMS})"


@dataclass(frozen=True)
class Edtf:
    """A date or interval as the text gives it (EDTF level 1), with the days it can mean.

    ``start``/``end``: the two sides of an interval (None where open or unknown; ``open_start``,
    ``open_end`` or ``unknown_end`` say which); a single date is its own start and end.

    >>> d = Edtf.parse("1896~")
    >>> d.earliest, d.latest
    (datetime.date(1895, 1, 1), datetime.date(1897, 12, 31))
    >>> Edtf.parse("1961").year, Edtf.parse("../1978").year
    (1961, 1978)
    >>> Edtf.parse("2000/..").latest is None, Edtf.parse("2000/").span()
    (True, (datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)))
    >>> Edtf.parse("2000/1990")
    Traceback (most recent call last):
    ...
    ValueError: '2000/1990': the interval ends (1990) before it starts (2000)
    """

    text: str
    start: Point | None
    end: Point | None
    #: The plain ISO date when the value is one (``1961``, ``1895-04``): kept as an xsd literal.
    #: Set alone (no Points): most dates are plain, and a million of them load.
    plain: PartialDate | None = None
    interval: bool = False
    open_start: bool = False
    open_end: bool = False
    unknown_start: bool = False
    unknown_end: bool = False

    @classmethod
    def parse(cls, value: str, interval: bool = True) -> Edtf:
        """Parse a date or (when ``interval``) an interval; ValueError says what is wrong and why."""
        return _parse(value.strip(), interval)

    @property
    def earliest(self) -> date | None:
        """The first day it can mean (None when the start is open or unknown)."""
        return self.plain.earliest if self.plain is not None else self.start_range()[0]

    @property
    def latest(self) -> date | None:
        """The last day it can mean (None when the end is open or unknown)."""
        return self.plain.latest if self.plain is not None else self.end_range()[1]

    @property
    def year(self) -> int:
        """The first year it can mean (the last, when only its end is known), as PartialDate.year."""
        first = self.earliest or self.latest
        assert first is not None  # a value has at least one date
        return first.year

    @property
    def xsd_type(self) -> str | None:
        plain = self.plain
        return plain.xsd_type if plain else None

    def start_range(self) -> tuple[date | None, date | None]:
        """The days the start can fall on. A plain date's digits are its grain, not a doubt: a
        relation dated 1961 covers 1961 (it matches --at 1961-06), as kgraph always took it."""
        if self.plain is not None:
            return self.plain.earliest, self.plain.earliest
        if self.start is None:
            if self.open_start:
                return None, None
            # Unknown start: any time up to the end's own start.
            assert self.end is not None
            return None, (self.end.widened[1] if self.end.qualifier else self.end.low)
        if self.start.qualifier:
            return self.start.widened
        return self.start.low, self.start.low

    def end_range(self) -> tuple[date | None, date | None]:
        """The days the end can fall on (see ``start_range``)."""
        if self.plain is not None:
            return self.plain.latest, self.plain.latest
        if self.end is None:
            if self.open_end:
                return None, None
            # Unknown end: it ended some time after it began (at the end of its start's grain at the earliest).
            assert self.start is not None
            return (self.start.widened[0] if self.start.qualifier else self.start.high), None
        if self.end.qualifier:
            return self.end.widened
        return self.end.high, self.end.high

    def span(self) -> tuple[date | None, date | None]:
        """The days it certainly covers, from the latest it can start to the earliest it can end
        (None where unbounded); for a window, see :func:`in_force`."""
        return self.start_range()[1], self.end_range()[0]

    def __str__(self) -> str:
        return self.text


def _parse(text: str, interval: bool) -> Edtf:
    match = _PATTERN.match(text)
    if match:  # the common case, a plain date: no EDTF parsing (a million dates load)
        try:
            return Edtf(text, None, None, PartialDate._from_match(match, text))
        except ValueError:
            pass  # said below, with the EDTF reading of it (1961-21 is a season)
    if "/" not in text:
        if text in ("", ".."):
            raise ValueError(f"malformed date {text!r} (expected {FORMS})")
        point = _point(text, text)
        return Edtf(text, point, point)
    if not interval:
        raise ValueError(f"{text!r}: an interval goes in 'date' (date: {text}); 'start' and 'end' take one date each")
    head, sep, tail = text.partition("/")
    if "/" in tail:
        raise ValueError(f"malformed date {text!r}: an interval has one '/'")
    if head in ("", "..") and tail in ("", ".."):
        raise ValueError(f"{text!r}: an interval needs at least one date")
    start = _point(head, text) if head not in ("", "..") else None
    end = _point(tail, text) if tail not in ("", "..") else None
    if start is not None and end is not None and end.high < start.low:
        raise ValueError(f"{text!r}: the interval ends ({tail}) before it starts ({head})")
    return Edtf(
        text,
        start,
        end,
        interval=True,
        open_start=head == "..",
        open_end=tail == "..",
        unknown_start=head == "",
        unknown_end=tail == "",
    )


#: The words :func:`doubts` uses, in the order it gives them.
DOUBTS = ("approximate", "uncertain", "unspecified", "start unknown", "end unknown")


@functools.lru_cache(maxsize=4096)
def doubts(when: str) -> tuple[str, ...]:
    """What leaves a date or interval as written unsure, in words (none for a plain date, an
    interval of plain dates or an open end ``..``, which says "still in force", not "unknown").

    >>> doubts("1896~"), doubts("1945%/2000"), doubts("196X"), doubts("2000/"), doubts("1961/..")
    (('approximate',), ('approximate', 'uncertain'), ('unspecified',), ('end unknown',), ())
    """
    value = Edtf.parse(when)
    if value.plain is not None:
        return ()
    found: set[str] = set()
    for point in (value.start, value.end):
        if point is None:
            continue
        if point.qualifier in ("~", "%"):
            found.add("approximate")
        if point.qualifier in ("?", "%"):
            found.add("uncertain")
        if "X" in point.text:
            found.add("unspecified")
    if value.unknown_start:
        found.add("start unknown")
    if value.unknown_end:
        found.add("end unknown")
    return tuple(word for word in DOUBTS if word in found)


def _day(value: date | None, default: str) -> str:
    return value.isoformat() if value is not None else default


@functools.lru_cache(maxsize=65536)
def ranges(date_: str | None, start: str | None, end: str | None) -> tuple[str, str, str, str] | None:
    """A relation's days as ISO strings, from its ``date`` or ``start``/``end`` as written:
    (earliest it can start, latest it can start, earliest it can end, latest it can end), open
    sides as FIRST_DAY/LAST_DAY; None when undated. Cached: filters ask once per edge and window.

    >>> ranges("2000/", None, None)
    ('2000-01-01', '2000-01-01', '2000-12-31', '9999-12-31')
    >>> ranges(None, "1991-12", None)
    ('1991-12-01', '1991-12-01', '9999-12-31', '9999-12-31')
    """
    if date_:
        value = Edtf.parse(date_)
        (s0, s1), (e0, e1) = value.start_range(), value.end_range()
    elif start or end:
        first = Edtf.parse(start, interval=False) if start else None
        last = Edtf.parse(end, interval=False) if end else None
        s0, s1 = first.start_range() if first else (None, None)
        e0, e1 = last.end_range() if last else (None, None)
    else:
        return None
    return _day(s0, FIRST_DAY), _day(s1, FIRST_DAY), _day(e0, LAST_DAY), _day(e1, LAST_DAY)


def in_force(days: tuple[str, str, str, str], window: tuple[str, str], possibly: bool = False) -> bool:
    """Whether a relation with these ``ranges`` holds at some time in ``window`` (ISO days, inclusive):
    certainly (it starts by the window's end at the latest and ends at its start at the earliest),
    or, with ``possibly``, as far as the dates allow.

    >>> days = ranges("2000/", None, None)
    >>> in_force(days, ("2015-01-01", "2015-12-31")), in_force(days, ("2015-01-01", "2015-12-31"), True)
    (False, True)
    """
    if possibly:
        return days[0] <= window[1] and days[3] >= window[0]
    return days[1] <= window[1] and days[2] >= window[0]


def bounds(
    date_: Edtf | PartialDate | None, start: Edtf | PartialDate | None, end: Edtf | PartialDate | None
) -> tuple[str | None, str | None]:
    """The first and last day a ``date`` or ``start``/``end`` can mean, as ISO strings (None where
    open or unknown): what ``kg:earliest`` and ``kg:latest`` hold."""
    first, last = (date_ or start), (date_ or end)
    low = first.earliest if first is not None else None
    high = last.latest if last is not None else None
    return (low.isoformat() if low else None), (high.isoformat() if high else None)
