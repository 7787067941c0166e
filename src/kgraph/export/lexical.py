"""rdflib's Turtle and TriG writers, keeping every literal's lexical form.

rdflib writes a typed number in Turtle's bare shorthand even when the shorthand spells another
lexical form: ``"1500000000"^^xsd:decimal`` comes out as ``1500000000.0``. Equal as a value, but a
different RDF term, so loading the N-Triples and the Turtle export together gave two quantity
values. These writers use the shorthand only where it reads back as the same characters.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node


class _KeepLexicalForms:
    """Use a literal's bare shorthand only when it reads back as the same characters."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype is not None:
            plain = node._literal_n3(use_plain=True)
            if not plain.startswith('"') and plain != str(node):
                get_pname = self.get_pname  # type: ignore[attr-defined]
                return node._literal_n3(use_plain=False, qname_callback=lambda dt: get_pname(dt, False))
        return super().label(node, position)  # type: ignore[misc,no-any-return]


class LexicalTurtleSerializer(_KeepLexicalForms, TurtleSerializer):
    """Turtle whose literals parse back to the very terms of the graph."""


class LexicalTrigSerializer(_KeepLexicalForms, TrigSerializer):
    """TriG whose literals parse back to the very terms of the graph."""


def register() -> None:
    """Make ``kgraph-turtle`` and ``kgraph-trig`` known to ``Graph.serialize``."""
    from rdflib import plugin
    from rdflib.serializer import Serializer

    plugin.register("kgraph-turtle", Serializer, __name__, "LexicalTurtleSerializer")
    plugin.register("kgraph-trig", Serializer, __name__, "LexicalTrigSerializer")
