"""Safe YAML reading that keeps line and column marks.

We compose nodes (never construct objects), so tags such as ``!!python/object`` are refused
before anything runs, duplicate keys are caught, and every value keeps its position.
"""

from __future__ import annotations

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
_MAX_NODES = 2_000_000


@dataclass
class Node:
    """A YAML value with its position: ``value`` is a str/int/float/bool/None, list[Node] or dict[str, Node]."""

    value: Any
    kind: str  # "str", "int", "float", "bool", "null", "list", "map"; "invalid" once reported
    line: int
    column: int
    #: For mappings: the position of each key, to point at a field name.
    key_marks: dict[str, tuple[int, int]] | None = None

    @property
    def raw(self) -> Any:
        """The plain Python value (lists and dicts unwrapped)."""
        if self.kind == "list":
            return [n.raw for n in self.value]
        if self.kind == "map":
            return {k: n.raw for k, n in self.value.items()}
        return self.value


def read_yaml(path: str, text: str, problems: list[Problem]) -> Node | None:
    """Compose ``text`` into Nodes; append located problems and return None when it cannot be read."""
    import yaml

    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problems.append(Problem(path, line, col, f"YAML syntax error: {exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(path, 1, 1, f"YAML error: {exc}"))
        return None
    except RecursionError:
        problems.append(Problem(path, 1, 1, "YAML nesting is too deep"))
        return None
    if root is None:
        return None
    converter = _Converter(path, problems)
    try:
        return converter.convert(root)
    except RecursionError:
        problems.append(Problem(path, 1, 1, "YAML nesting is too deep"))
        return None


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
    def __init__(self, path: str, problems: list[Problem]) -> None:
        import yaml

        self.path = path
        self.problems = problems
        self.seen: set[int] = set()
        self.scalar_node, self.sequence_node = yaml.ScalarNode, yaml.SequenceNode

    def _problem(self, node: Any, message: str) -> None:
        m = node.start_mark
        self.problems.append(Problem(self.path, m.line + 1, m.column + 1, message))

    def convert(self, node: Any) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if id(node) in self.seen:
            # The composer hands back the anchored node again for every alias.
            self._problem(node, "YAML aliases (*name) are not supported; write the value out")
            return Node(None, "invalid", line, col)
        self.seen.add(id(node))
        if len(self.seen) > _MAX_NODES:
            raise RecursionError
        if isinstance(node, self.scalar_node):
            kind = _SCALAR_TAGS.get(node.tag)
            if kind is None:
                self._problem(node, f"YAML tag {node.tag!r} is not allowed (kgraph loads plain data only)")
                return Node(None, "invalid", line, col)
            return Node(_scalar(node.value, kind), kind, line, col)
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            self._problem(node, f"YAML tag {node.tag!r} is not allowed (kgraph loads plain data only)")
            return Node(None, "invalid", line, col)
        if isinstance(node, self.sequence_node):
            return Node([self.convert(item) for item in node.value], "list", line, col)
        values: dict[str, Node] = {}
        marks: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, self.scalar_node):
                self._problem(key_node, "mapping keys must be plain names")
                continue
            key = key_node.value
            if key in values:
                first = marks[key][0]
                self._problem(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            marks[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            values[key] = self.convert(value_node)
        return Node(values, "map", line, col, marks)


def _scalar(text: str, kind: str) -> Any:
    if kind == "int":
        digits = text.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits, 10)
    if kind == "float":
        return text  # keep the exact decimal text; callers convert when they need a number
    if kind == "bool":
        return text.lower() in ("true", "yes", "on", "y")
    if kind == "null":
        return None
    return text
