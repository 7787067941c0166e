"""Small value classes without the dataclasses module.

``import dataclasses`` pulls in ``inspect`` (and ast, dis, tokenize...): about 7 ms, a quarter of
a warm ``kgraph query`` (issue 6). The few value classes on that path derive from ``Record``:
each writes its ``__init__`` and lists its fields in ``__slots__``; equality, hashing and repr
come from here. Fields are not write-protected; nothing assigns to them after construction.
"""

from __future__ import annotations


class Record:
    """Equality, hash and repr over the fields named in ``__slots__`` (or ``_compare``)."""

    __slots__: tuple[str, ...] = ()
    #: The fields equality, ordering and hashing look at; all of ``__slots__`` when empty.
    _compare: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._compare or self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"
