"""Safe YAML reading that keeps line and column marks.

We compose nodes (never construct objects), so tags such as ``!!python/object`` are refused
before anything runs, duplicate keys are caught, and every value keeps its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kgraph.errors import Problem

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "str",  # dates stay text: we parse partial dates ourselves
}
#: Characters no data string may hold: C0 controls but tab and line feed, DEL, C1 controls, lone
#: surrogates and the two non-characters XML 1.0 forbids. YAML's reader refuses them raw, but a
#: double-quoted "\e" or "\u0001" makes them; they would make RDF/XML, GraphML, GEXF, SVG and SPARQL
#: XML ill-formed and reach the terminal as escape sequences, so they are refused at validation.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Integers longer than this are refused: Python will not convert longer digit strings to int
#: (sys.int_info.str_digits_check_threshold), and no count in a record needs them.
MAX_INT_DIGITS = 4000
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
#: kgraph records are at most four levels deep; anything far deeper is a mistake or an attack,
#: and stopping early keeps Python's recursion limit out of reach.
MAX_DEPTH = 64


@dataclass
class Node:
    """A YAML value with its position: ``value`` is a str/int/float/bool/None, list[Node] or dict[str, Node]."""

    value: Any
    kind: str  # "str", "int", "float", "bool", "null", "list", "map"; "invalid" once reported
    line: int
    column: int
    #: For mappings: the position of each key, to point at a field name.
    key_marks: dict[str, tuple[int, int]] | None = None
    #: For plain (unquoted) text: where a `` #`` comment cut it short, if one did (line, column of
    #: the ``#``). The text may have gone on: ``Japan called it the #1 threat`` reads as ``Japan
    #: called it the``.
    cut: tuple[int, int] | None = None

    @property
    def raw(self) -> Any:
        """The plain Python value (lists and dicts unwrapped)."""
        if self.kind == "list":
            return [n.raw for n in self.value]
        if self.kind == "map":
            return {k: n.raw for k, n in self.value.items()}
        return self.value


def read_yaml(path: str, text: str, problems: list[Problem], uncut: frozenset[str] = frozenset()) -> Node | None:
    """Compose ``text`` into Nodes; append located problems and return None when it cannot be read.

    For the mapping keys in ``uncut``, plain values note where a comment cut them (``Node.cut``).
    """
    import yaml

    loader_cls = _loader()
    try:
        root = yaml.compose(text, Loader=loader_cls)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hinted = _hint(text, exc, line)
        if hinted:
            line, col, message = hinted
            problems.append(Problem(path, line, col, f"YAML syntax error: {message}"))
        else:
            problems.append(Problem(path, line, col, f"YAML syntax error: {_syntax_message(exc)}"))
        return None
    except yaml.reader.ReaderError as exc:
        # Control characters: PyYAML gives an offset into the text; turn it into line and column.
        start = text.rfind("\n", 0, exc.position) + 1
        problems.append(
            Problem(
                path,
                text.count("\n", 0, exc.position) + 1,
                exc.position - start + 1,
                f"character U+{exc.character:04X} is not allowed in YAML (a control character; remove it)"
                if isinstance(exc.character, int)
                else f"YAML error: {exc.reason}",
            )
        )
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 1, 1, f"YAML error: {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(path, 1, 1, "YAML nesting is too deep"))
        return None
    if root is None:
        return None
    # No cap on the number of values: the composed tree is already in memory (its size follows the
    # file's), aliases cost one step each (see ``seen``), and depth stops at MAX_DEPTH, so the
    # conversion cannot recurse or expand beyond what the file itself holds.
    converter = _Converter(path, problems, text, uncut)
    node = converter.convert(root)
    if converter.aliased:
        _report_aliases(path, text, loader_cls, problems)
    return node


def _report_aliases(path: str, text: str, loader_cls: Any, problems: list[Problem]) -> None:
    """Point at every ``*alias`` (the composed tree only knows where the anchor was)."""
    import yaml

    for event in yaml.parse(text, Loader=loader_cls):
        if isinstance(event, yaml.AliasEvent):
            m = event.start_mark
            line, column = (m.line + 1, m.column + 1) if m is not None else (0, 0)
            problems.append(
                Problem(path, line, column, f"YAML alias '*{event.anchor}' is not supported; write the value out")
            )


def _syntax_message(exc: Any) -> str:
    """PyYAML's problem, with where the construct it was reading began when that is elsewhere."""
    problem = exc.problem or str(exc)
    context, mark, at = exc.context, exc.context_mark, exc.problem_mark
    if not context:
        return problem
    if not context.startswith("while"):  # "expected a single document ..., but found another"
        return f"{context}, {problem}"
    if mark is not None and at is not None and (mark.line, mark.column) != (at.line, at.column):
        return f"{problem} ({context} that starts at line {mark.line + 1}, column {mark.column + 1})"
    return problem


# A line that gives a value: ``key: value`` or ``- value`` (the value's first character in group 2).
_VALUE_LINE = re.compile(r"^(\s*(?:-\s+)?(?:[^\s#'\"][^:#]*?:[ \t]+)|\s*-[ \t]+)(\S.*)$")


def _hint(text: str, exc: Any, line: int) -> tuple[int, int, str] | None:
    """The common causes of a YAML syntax error, in plain words, at the place to fix.

    An unclosed quote is reported where it opens (PyYAML notices it lines later); ``: `` and
    `` #`` inside unquoted text are reported with the fix: put the text in quotes.
    """
    lines = text.split("\n")
    problem = exc.problem or ""
    start = exc.context_mark.line if exc.context_mark is not None else max(line - 30, 0)
    for number in range(start, min(line, len(lines))):
        opened = _unclosed(lines[number])
        if opened is not None and number + 1 < line:
            quote = lines[number][opened]
            return (
                number + 1,
                opened + 1,
                f"this {quote} opens a quoted text that is not closed on its "
                f"line, so YAML read on to line {line} ({problem}): close it with {quote}",
            )
    if problem.startswith("mapping values are not allowed") and 0 < line <= len(lines):
        found = _VALUE_LINE.match(lines[line - 1])
        if found and found.group(2)[0] not in "\"'[{|>":
            return (
                line,
                exc.problem_mark.column + 1,
                "': ' inside unquoted text starts a new field: put the text in quotes "
                '(quote: "..."), or write the colon without a space after it',
            )
    if line >= 2 and problem.startswith(("did not find expected key", "could not find expected ':'")):
        before = lines[line - 2]
        found = _VALUE_LINE.match(before)
        hash_at = before.find(" #", found.end(1)) if found else -1
        if found and found.group(2)[0] not in "\"'[{|>" and hash_at >= 0:
            return (
                line - 1,
                hash_at + 2,
                "' #' inside unquoted text starts a comment, which cut the text "
                f'short and left line {line} over: put the text in quotes (quote: "...")',
            )
    return None


def _unclosed(line: str) -> int | None:
    """The column of a quote that opens a value on ``line`` and is not closed there, or None."""
    found = _VALUE_LINE.match(line)
    if not found or found.group(2)[0] not in "\"'":
        return None
    quote, rest = found.group(2)[0], found.group(2)[1:]
    rest = re.sub(r"\\.", "", rest) if quote == '"' else rest.replace("''", "")
    return None if quote in rest else found.start(2)


_LOADER: Any = None


def _loader() -> Any:
    """PyYAML's C loader where built (the pure-Python one otherwise), remembering tag resolutions.

    The C parser asks Python to resolve the tag of every plain scalar; ids, predicates and dates
    repeat, so a per-document memo of (value, implicit) -> tag saves a regex scan per scalar.
    """
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        scalar = yaml.ScalarNode

        class Loader(base):  # type: ignore[valid-type,misc]
            def __init__(self, stream: Any) -> None:
                super().__init__(stream)
                self._tags: dict[tuple[str, Any], str] = {}

            def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
                if kind is not scalar:
                    return super().resolve(kind, value, implicit)
                key = (value, implicit)
                tag = self._tags.get(key)
                if tag is None:
                    tag = self._tags[key] = super().resolve(kind, value, implicit)
                return tag

        _LOADER = Loader
    return _LOADER


class _Converter:
    def __init__(self, path: str, problems: list[Problem], text: str = "", uncut: frozenset[str] = frozenset()) -> None:
        import yaml

        self.path, self.text, self.uncut = path, text, uncut
        self.problems = problems
        self.seen: set[int] = set()
        self.scalar_node, self.sequence_node = yaml.ScalarNode, yaml.SequenceNode
        #: Set when an alias was met; the aliases are then reported at their own positions.
        self.aliased = False

    def _problem(self, node: Any, message: str) -> None:
        m = node.start_mark
        self.problems.append(Problem(self.path, m.line + 1, m.column + 1, message))

    def _scalar(self, node: Any, kind: str, field: str | None, line: int, col: int) -> Node:
        """A scalar as the text says it: YAML 1.1 reads ``10:30`` as 630, ``0044`` as 36 (octal) and
        ``1_961`` as 1961; kgraph keeps anything but a plain decimal number as the text written."""
        text = node.value
        where = f"field '{field}': " if field else ""
        if kind in ("int", "float") and (":" in text or (kind == "int" and not _PLAIN_INT.match(text))):
            kind = "str"
        if kind == "int" and len(text) > MAX_INT_DIGITS:
            self._problem(
                node,
                f"{where}a number of {len(text)} digits is too long (at most {MAX_INT_DIGITS}); quote it if it is text",
            )
            return Node(None, "invalid", line, col)
        if kind == "str":
            bad = _FORBIDDEN.search(text)
            if bad is not None:
                self._problem(
                    node,
                    f"{where}control character U+{ord(bad.group()):04X} at character "
                    f"{bad.start() + 1} of the value is not allowed in data; remove it",
                )
                return Node(None, "invalid", line, col)
        return Node(_scalar(text, kind), kind, line, col)

    def _cut(self, node: Any, indent: int) -> tuple[int, int] | None:
        """Where a comment follows plain text: on its own line, or on the next line indented as a
        continuation of it would be (deeper than its key at ``indent``)."""
        mark, text = node.end_mark, self.text
        end = text.find("\n", mark.index)
        end = len(text) if end < 0 else end
        rest = text[mark.index : end].lstrip(" \t")
        if rest.startswith("#"):
            return mark.line + 1, end - len(rest) - (mark.index - mark.column) + 1
        if rest or end == len(text):
            return None
        after = text.find("\n", end + 1)
        following = text[end + 1 : after if after >= 0 else len(text)]
        stripped = following.lstrip(" \t")
        depth = len(following) - len(stripped)
        if stripped.startswith("#") and depth > indent:
            return mark.line + 2, depth + 1
        return None

    def convert(self, node: Any, depth: int = 0, indent: int = -1, key: str | None = None) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if id(node) in self.seen:
            # The composer hands back the anchored node again for every alias, so an alias
            # bomb ("billion laughs") costs one step per alias, never an expansion.
            self.aliased = True
            return Node(None, "invalid", line, col)
        self.seen.add(id(node))
        if depth > MAX_DEPTH and not isinstance(node, self.scalar_node):
            self._problem(node, f"YAML nesting is deeper than {MAX_DEPTH} levels; kgraph records are flat")
            return Node(None, "invalid", line, col)
        if isinstance(node, self.scalar_node):
            kind = _SCALAR_TAGS.get(node.tag)
            if kind is None:
                self._problem(node, f"YAML tag {node.tag!r} is not allowed (kgraph loads plain data only)")
                return Node(None, "invalid", line, col)
            found = self._scalar(node, kind, key, line, col)
            if found.kind != "invalid" and key in self.uncut and found.kind in ("str", "null") and not node.style:
                found.cut = self._cut(node, indent)
            return found
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            self._problem(node, f"YAML tag {node.tag!r} is not allowed (kgraph loads plain data only)")
            return Node(None, "invalid", line, col)
        if isinstance(node, self.sequence_node):
            return Node([self.convert(item, depth + 1) for item in node.value], "list", line, col)
        values: dict[str, Node] = {}
        marks: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, self.scalar_node):
                self._problem(key_node, "mapping keys must be plain names")
                continue
            key = key_node.value
            if _FORBIDDEN.search(key):
                self._problem(key_node, "a field name holds a control character; remove it")
                continue
            if key in values:
                first = marks[key][0]
                self._problem(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            marks[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            values[key] = self.convert(value_node, depth + 1, key_node.start_mark.column, key)
        return Node(values, "map", line, col, marks)


def _scalar(text: str, kind: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "float":
        return text  # keep the exact decimal text; callers convert when they need a number
    if kind == "bool":
        return text.lower() in ("true", "yes", "on", "y")
    if kind == "null":
        return None
    return text
