"""How fast dates are read: a million EDTF values, kgraph's parser against PyPI's ``edtf``.

Not part of the test suite. Run from the repository root with the project's venv::

    .venv/bin/python bench/dates.py [COUNT]

``edtf`` is timed on a sample (it is not a dependency; install it in a scratch venv to compare).
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time

from kgraph.dates import Edtf, PartialDate, ranges

FORMS = (
    "{y}",
    "{y}-{m:02d}",
    "{y}-{m:02d}-{d:02d}",
    "{y}~",
    "{y}?",
    "{y}/{y2}",
    "{y}/..",
    "{y}/",
    "../{y2}",
    "{y}-{m:02d}/{y2}",
    "19{x}X",
)


def values(count: int, forms: tuple[str, ...] = FORMS) -> list[str]:
    rng = random.Random(1)
    return [
        rng.choice(forms).format(
            y=rng.randint(1800, 1990),
            m=rng.randint(1, 12),
            d=rng.randint(1, 28),
            y2=rng.randint(1991, 2020),
            x=rng.randint(0, 9),
        )
        for _ in range(count)
    ]


def timed(label: str, count: int, run: object) -> None:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    took = time.perf_counter() - start
    print(f"{label:<52} {took:8.2f} s  {took / count * 1e6:8.1f} us each")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(
        f"{time.strftime('%Y-%m-%d')}  {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    mixed, plain = values(count), values(count, FORMS[:3])
    timed(
        f"PartialDate.parse, {count:,} plain dates (before)",
        count,
        lambda: [PartialDate.parse(v).latest for v in plain],
    )
    timed(f"Edtf.parse + bounds, {count:,} plain dates", count, lambda: [Edtf.parse(v).latest for v in plain])
    timed(
        f"Edtf.parse + bounds, {count:,} mixed EDTF",
        count,
        lambda: [(Edtf.parse(v).earliest, Edtf.parse(v).latest) for v in mixed],
    )
    ranges.cache_clear()
    timed(f"ranges (filters), {count:,} mixed EDTF, cached", count, lambda: [ranges(v, None, None) for v in mixed])
    try:
        from edtf import parse_edtf
    except ImportError:
        print("edtf: not installed (pip install edtf in a scratch venv to compare)")
        return
    sample = mixed[:5000]
    timed(f"edtf.parse_edtf, {len(sample):,} mixed (sample)", len(sample), lambda: [parse_edtf(v) for v in sample])


if __name__ == "__main__":
    main()
