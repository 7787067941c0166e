"""Partial ISO dates (``1884-07-07``, ``1895-04``, ``1961``) that keep the precision the text gives."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

XSD_BY_PRECISION = {"year": "gYear", "month": "gYearMonth", "day": "date"}


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
