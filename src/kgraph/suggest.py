""" "Did you mean ...?": the one place a misspelt name is matched to the names that exist.

Entities, types, predicates, fields, named queries and source texts all use it, so a suggestion
is found the same way everywhere (case, initials, then spelling). Imports only the standard library.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping


def closest(name: str, names: Mapping[str, str] | Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """What ``name`` most likely meant: up to ``n`` answers, best first.

    ``names`` maps every name a thing goes by to the answer to give (an entity's id, label and
    aliases all map to its id), or is a plain list of names. A name equal but for case comes
    first, then one whose initials ``name`` is (``rok`` for "Republic of Korea"), then spellings
    at least ``cutoff`` alike (difflib's ratio).

    >>> closest("rok", {"south-korea": "south-korea", "Republic of Korea": "south-korea"})
    ['south-korea']
    >>> closest("treatys", ["treaty", "treaties", "leaders"], n=2)
    ['treaty', 'treaties']
    """
    table = names if isinstance(names, Mapping) else {c: c for c in names}
    folded: dict[str, str] = {}
    for key, answer in table.items():
        folded.setdefault(key.casefold(), answer)
    wanted = name.casefold().strip()
    found = [folded[wanted]] if wanted in folded else []
    if len(wanted) > 1:
        found += [
            answer for key, answer in table.items() if wanted in (initials.casefold() for initials in _initials(key))
        ]
    found += [folded[key] for key in difflib.get_close_matches(wanted, list(folded), n=n + 2, cutoff=cutoff)]
    return list(dict.fromkeys(found))[:n]


def _initials(name: str) -> tuple[str, ...]:
    """The acronyms a name of several words may go by: every word's initial, and the long words' only."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    if len(words) < 2:
        return ()
    return "".join(w[0] for w in words), "".join(w[0] for w in words if len(w) > 3 or w[0].isupper())


def did_you_mean(name: str, names: Mapping[str, str] | Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` to put after a message, or an empty string; ``names`` as for ``closest``.

    >>> "unknown field 'lable'" + did_you_mean("lable", ["id", "label", "aliases"])
    "unknown field 'lable' (did you mean 'label'?)"
    """
    close = closest(name, names, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""
