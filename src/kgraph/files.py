"""Reading the files kgraph is given: UTF-8 text with located problems, and paths as a user
should see them. Imports only errors.py, so loading, validation, vocabularies and anchors can all
read files without importing each other (they did, in cycles, through load.py)."""

from __future__ import annotations

import os

from kgraph.errors import Problem


def display_path(path: str) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


#: The largest file kgraph reads (data or source text): checking quotes holds a text about three
#: times over (bytes, text, normalised text), so 1 GiB needs about 3 GB of memory.
MAX_FILE_BYTES = 1 << 30


def read_text(path: str, problems: list[Problem], digests: dict[str, str] | None = None) -> str | None:
    """Read a UTF-8 file (a BOM is allowed); record a located problem when it cannot be read.

    The text is as kgraph counts positions in it: a leading BOM is dropped and each CR LF becomes
    one LF. ``digests`` receives the SHA-256 of the bytes actually read, by absolute path: the cache
    files the compiled graph under the hash of what was read, not of what is on disk by then.
    """
    shown = display_path(path)
    limit = MAX_FILE_BYTES
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                problems.append(
                    Problem(
                        shown,
                        0,
                        0,
                        f"file is {size / 2**20:,.0f} MiB; kgraph reads "
                        f"files up to {limit / 2**20:,.0f} MiB (split the text)",
                    )
                )
                return None
            data = handle.read()
        if digests is not None:
            import hashlib

            digests[os.path.abspath(path)] = hashlib.sha256(data).hexdigest()
    except FileNotFoundError:
        problems.append(Problem(shown, 0, 0, "file not found"))
        return None
    except OSError as exc:
        problems.append(Problem(shown, 0, 0, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(shown, line, column, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})"))
        return None
    del data  # a big source text: do not hold its bytes beside its text
    return text.replace("\r\n", "\n") if "\r" in text else text
