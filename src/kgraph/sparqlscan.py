"""An rdflib-free look at SPARQL text: which operation it is, whether it reaches out, where its
WHERE group opens, the names it uses, its comment header. The one SPARQL tokenizer of kgraph.

Used on the Oxigraph path, where parsing with rdflib would cost its import. The scanner
skips comments, strings, IRIs, variables and prefixed names, so only real keywords are seen:
``ex:service``, ``?from``, ``"FROM"`` and ``<http://x/SERVICE>`` are not keywords. Its tokens follow
the SPARQL grammar (a comment ends at CR or LF; an IRI may hold ``\\u`` escapes), and a Hypothesis
test checks it against Oxigraph's own reading; but it is the second layer only, for a clear
message: the guarantee that local queries stay local is kgraph.sandbox.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w:%.-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
QUERY_KEYWORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def keywords(text: str) -> list[str]:
    """The bare words of ``text`` in order, upper-cased: keywords, functions, ``a``, ``true``..."""
    return [m.group().upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def operation(text: str) -> str | None:
    """The first query or update keyword: 'SELECT', 'INSERT', ... or None when there is none."""
    for word in keywords(text):
        if word in QUERY_KEYWORDS or word in UPDATE_KEYWORDS:
            return word
    return None


def remote_clause(text: str) -> str | None:
    """'SERVICE' or 'FROM' when the query names outside data (FROM NAMED counts), else None."""
    for word in keywords(text):
        if word in ("SERVICE", "FROM"):
            return word
    return None


def remote_iri(text: str, keyword: str) -> str:
    """The IRI (or prefixed name) after the first ``keyword``, for the error message."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("space", "comment")]
    for index, (kind, value) in enumerate(tokens):
        if kind == "word" and value.upper() == keyword:
            for _kind, after in tokens[index + 1 : index + 4]:
                if _kind in ("iri", "pname", "var"):
                    return after.strip("<>")
    return "?"


def named_after_from(text: str) -> bool:
    """Whether the first FROM is a FROM NAMED."""
    words = keywords(text)
    return "FROM" in words and words[words.index("FROM") + 1 : words.index("FROM") + 2] == ["NAMED"]


def where_group_start(text: str) -> int | None:
    """The offset just inside the ``{`` that opens the query's WHERE group, or None.

    For CONSTRUCT the template's braces are skipped: the group is the one after WHERE. Braces
    inside parentheses belong to an expression of the projection (``(EXISTS { ... } AS ?e)``),
    not to the WHERE group.
    """
    operation_seen, construct, where_seen, depth = False, False, False, 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "word":
            word = value.upper()
            if not operation_seen and word in QUERY_KEYWORDS:
                operation_seen, construct = True, word == "CONSTRUCT"
            elif word == "WHERE" and depth == 0:
                where_seen = True
        elif kind == "other" and value in "()":
            depth += 1 if value == "(" else -1
        elif kind == "other" and value == "{" and operation_seen and depth == 0 and (where_seen or not construct):
            return match.end()
    return None


def terms_in(text: str, namespace: str, prefixes: dict[str, str]) -> list[tuple[str, int, int]]:
    """The names the query uses in ``namespace``, as (local name, line, column), in order.

    Prefixed names are expanded with ``prefixes`` and the query's own PREFIX declarations (which
    win, as in SPARQL); full IRIs count too. Strings, comments and variables are skipped.
    """
    bound = dict(prefixes)
    tokens = [m for m in _TOKEN.finditer(text) if m.lastgroup not in ("space", "comment")]
    found: list[tuple[str, int, int]] = []
    for index, match in enumerate(tokens):
        kind, value = match.lastgroup, match.group()
        if kind == "word" and value.upper() == "PREFIX" and index + 2 < len(tokens):
            name, iri = tokens[index + 1].group(), tokens[index + 2].group()
            if name.endswith(":") and iri.startswith("<"):
                bound[name[:-1]] = iri[1:-1]
            continue
        if kind == "pname" and not (index and tokens[index - 1].group().upper() == "PREFIX"):
            prefix, local = value.split(":", 1)
            full = bound.get(prefix, "") + local
        elif kind == "iri":
            full = value[1:-1]
        else:
            continue
        if full.startswith(namespace) and len(full) > len(namespace):
            start = match.start()
            line = text.count("\n", 0, start) + 1
            found.append((full[len(namespace) :], line, start - (text.rfind("\n", 0, start) + 1) + 1))
    return found


def blank(text: str) -> str:
    """``text`` with its IRIs, strings and comments replaced by spaces, line breaks and positions
    kept: what is left can be searched for keywords, variables and prefixes with plain regexes.

    A string never closed is left as it is (its quote stays visible, to be reported).

    >>> blank('SELECT ?x { ?x ex:says "# not a comment" } # ?y')
    'SELECT ?x { ?x ex:says                   }     '
    """
    kept = {"string", "iri", "comment"}
    return "".join(
        re.sub(r"[^\r\n]", " ", m.group()) if m.lastgroup in kept else m.group() for m in _TOKEN.finditer(text)
    )


def comment_header(text: str) -> list[str]:
    r"""The comment block a query file opens with, one entry per line: the text after ``#``,
    stripped. Blank lines are skipped; the block ends at the first line that is not a comment.

    Named queries take their description from it, checks their severity, parameters their
    declarations (``# @param NAME KIND description``).

    >>> comment_header("\ufeff# Treaties and who signed them\n#\n# @param actor entity\n\nSELECT * {}")
    ['Treaties and who signed them', '', '@param actor entity']
    """
    found = []
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            found.append(stripped.lstrip("#").strip())
        elif stripped:
            break
    return found
