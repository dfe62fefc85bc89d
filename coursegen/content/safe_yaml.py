"""YAML text → plain data (str, int, float, bool, None, list, dict), refusing what a content file may not hold.

The one place content YAML becomes data. libyaml composes the node tree; the values are built
here, from the nodes, so that every refusal names its line and column: keys that YAML reads as
something other than text (`on:` is a boolean, `1:` an integer), tags (`!!binary`, `!!python/…`,
`!custom`), merge keys (`<<:` would decide a field around the duplicate-key rule), aliases (an
expansion bomb, and a value at two places), duplicate keys, integers outside 64 bits and numbers
that are not finite (the feeds cannot carry either), nesting deeper than any content needs, and
Unicode noncharacters (HTML refuses them), written as they are or as escapes.
"""

from __future__ import annotations

import math
import re

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster
_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
MAX_DEPTH = 32  # a course file is four levels deep at most; libyaml itself stops at 1,000
INT64 = (-2**63, 2**63 - 1)
_OCTAL = re.compile(r"[-+]?0[0-7_]+$")  # YAML 1.1's octal: 010 is 8


class Loader(_BaseLoader):
    """Safe YAML loader that keeps dates as strings: RFC 3339 is checked by the schema, with a timezone.

    YAML's own timestamp type would silently accept "2025-01-02 03:04" without one.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


def _plain_resolvers(loader: type) -> dict[str, tuple]:
    return {first: tuple(resolvers) for first, resolvers in loader.yaml_implicit_resolvers.items()}


_RESOLVERS = _plain_resolvers(Loader)
_INT = _TAG + "int"
_SCALAR_NODE, _SEQUENCE_NODE = yaml.ScalarNode, yaml.SequenceNode
# A plain scalar's tag depends on its text alone: the field names and the values that recur
# (`name`, `lessons`, `quiz`, `true`) are tried against the patterns once a process, not at every
# node. Bounded, so that a catalog of unique titles cannot grow it without end.
_PLAIN_TAGS: dict[str, str] = {}
_REMEMBERED = 4096


def _resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """Return a node's tag as PyYAML's BaseResolver.resolve does for this loader, in a fraction of the time.

    libyaml calls it for every node of every file, a third of a cold build's parsing: without the
    path resolvers and wildcard resolvers this loader has none of, and without building a list a
    call. A plain whole number is an int at once ("09" and "0_1" go through the patterns as before).
    """
    if kind is _SCALAR_NODE:
        if not implicit[0]:
            return _STR
        tag = _PLAIN_TAGS.get(value)
        if tag is not None:
            return tag
        if value.isdigit() and value.isascii() and (value[0] != "0" or value == "0"):
            return _INT  # an id, most likely: met once, not worth remembering
        tag = _STR
        for candidate, regexp in _RESOLVERS.get(value[:1], ()):
            if regexp.match(value):
                tag = candidate
                break
        if len(_PLAIN_TAGS) < _REMEMBERED:
            _PLAIN_TAGS[value] = tag
        return tag
    return _SEQ if kind is _SEQUENCE_NODE else _MAP


Loader.resolve = _resolve
# libyaml's composer calls these two around every node, for path resolvers; this loader has none,
# so PyYAML's own would return at once. Builtins that take the same arguments and do nothing spare
# a Python call each (two per node, 5% of parsing): slice(parent, index) and tuple().
Loader.descend_resolver = staticmethod(slice)
Loader.ascend_resolver = staticmethod(tuple)


class YamlProblem(Exception):
    """A value a content file may not hold, at a 1-based line and column."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def parse(text: str) -> object:
    """Return the plain data of one YAML document; raise yaml.YAMLError or YamlProblem, both located."""
    _refuse_other_line_breaks(text)
    _refuse_noncharacters(text)
    loader = Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None
    # An alias (*name) needs an anchor (&name): without "&" in the text no node can be met twice,
    # and the valid path skips remembering every node it builds.
    # A noncharacter can also be written as an escape ("\uFFFF") in a quoted value: only then is
    # every text value searched for one.
    return _Builder(track=("&" in text), escapes=("\\u" in text or "\\U" in text)).value(node, 0)


_OTHER_LINE_BREAKS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\x85": "NEXT LINE"}


def _refuse_other_line_breaks(text: str) -> None:
    """Refuse the line breaks YAML 1.1 counts and editors do not: every line number after one would be wrong."""
    for character, name in _OTHER_LINE_BREAKS.items():
        at = text.find(character)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            raise YamlProblem(f"U+{ord(character):04X} ({name}) is a line break to YAML but not to editors, so "
                              f"the lines of every message after it would not match: remove it",
                              line, at - (text.rfind("\n", 0, at) + 1) + 1)


# Unicode's 66 noncharacters: permanently unassigned, and a parse error in HTML ("noncharacter in
# the input stream"), so no page or feed may carry one.
_NONCHARACTER = re.compile("[\ufdd0-\ufdef" + "".join(f"{chr(plane | 0xFFFE)}{chr(plane | 0xFFFF)}"
                                                      for plane in range(0, 0x110000, 0x10000)) + "]")


def _noncharacter_message(character: str) -> str:
    return f"U+{ord(character):04X} is a Unicode noncharacter, which no web page may hold: remove it"


def _refuse_noncharacters(text: str) -> None:
    found = _NONCHARACTER.search(text) if not text.isascii() else None
    if found:
        at = found.start()
        raise YamlProblem(_noncharacter_message(found.group()), text.count("\n", 0, at) + 1,
                          at - (text.rfind("\n", 0, at) + 1) + 1)


def compose(text: str) -> yaml.Node | None:
    """Return the node tree of one YAML document (for finding where a value is); raise yaml.YAMLError."""
    return yaml.compose(text, Loader=Loader)


_CONSTRUCTOR = yaml.SafeLoader("")  # PyYAML's own readings of int and float: 0x1F, 1_000, .inf, 1e3
_SCALARS = {
    _TAG + "int": _CONSTRUCTOR.construct_yaml_int,
    _TAG + "float": _CONSTRUCTOR.construct_yaml_float,
    _TAG + "bool": _CONSTRUCTOR.construct_yaml_bool,
    _TAG + "null": _CONSTRUCTOR.construct_yaml_null,
}
_KEY_TYPES = {bool: "a boolean", int: "an integer", float: "a number", type(None): "nothing (null)"}


class _Builder:
    """Builds plain values from a node tree, refusing what the module docstring lists."""

    def __init__(self, *, track: bool, escapes: bool = False):
        self.seen: set[int] | None = set() if track else None
        self.escapes = escapes  # the text has \u or \U escapes: a text value may hold a noncharacter

    def value(self, node: yaml.Node, depth: int) -> object:
        if self.seen is not None:
            if id(node) in self.seen:
                raise _problem(node, "aliases (*name) are not allowed in content files, and this anchored value "
                                     "(&name) is used again through one; write each value out")
            self.seen.add(id(node))
        tag, kind = node.tag, type(node)
        if kind is yaml.ScalarNode:
            if tag == _STR:
                found = _NONCHARACTER.search(node.value) if self.escapes else None
                if found:
                    raise _problem(node, _noncharacter_message(found.group()))
                return node.value
            written = node.value
            if (tag == _INT and not node.style and written.isdigit() and written.isascii() and len(written) < 19
                    and (written[0] != "0" or written == "0")):
                return int(written)  # a plain whole number: nothing for PyYAML's reading or _checked_number to do
            if tag in _SCALARS:
                return _checked_number(node, _SCALARS[tag](node))
        elif depth >= MAX_DEPTH:
            raise _problem(node, f"nesting deeper than {MAX_DEPTH} levels; content files need no more than a few")
        elif kind is yaml.SequenceNode and tag == _SEQ:
            return [self.value(item, depth + 1) for item in node.value]
        elif kind is yaml.MappingNode and tag == _MAP:
            return self._mapping(node, depth)
        raise _problem(node, _tag_message(node))

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict:
        mapping: dict[str, object] = {}
        plain = self.seen is None and not self.escapes  # no anchor nor escape: a text value is taken as it is
        for key_node, value_node in node.value:
            # A plain text key, the common case, without a call; anything else is _key's to judge.
            key = key_node.value if key_node.tag == _STR and type(key_node) is yaml.ScalarNode else self._key(key_node)
            if key in mapping:
                first = next(other for other, _ in node.value if other.value == key)
                raise _problem(key_node, f"duplicate key '{key}' (first on line {first.start_mark.line + 1}): "
                                         f"a field may be written once")
            if plain and value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                mapping[key] = value_node.value
            else:
                mapping[key] = self.value(value_node, depth + 1)
        return mapping

    def _key(self, node: yaml.Node) -> str:
        if node.tag == _TAG + "merge":
            raise _problem(node, "merge keys (<<) are not allowed in content files; write each field out")
        if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "str":
            return node.value
        if isinstance(node, yaml.ScalarNode) and node.tag in _SCALARS:
            read = _KEY_TYPES[type(_SCALARS[node.tag](node))]
            raise _problem(node, f"the key {node.value!r} is read by YAML as {read}, not as text; "
                                 f"field names are text: quote it (\"{node.value}\") if you mean the word")
        if isinstance(node, yaml.ScalarNode):
            raise _problem(node, _tag_message(node))
        raise _problem(node, "a key must be text, not a list or a mapping")


def _checked_number(node: yaml.ScalarNode, value: object) -> object:
    written = node.value
    if type(value) in (int, float) and not node.style:  # written plain (quoted, it would be text)
        if ":" in written:
            raise _problem(node, f"{written} is read by YAML as the base-60 number {value}; "
                                 f"quote it (\"{written}\") for text, or write {value}")
        if type(value) is int and _OCTAL.match(written):
            raise _problem(node, f"{written} is read by YAML as the octal number {value}; "
                                 f"write {value}, or quote it (\"{written}\") for text")
    if type(value) is int and not INT64[0] <= value <= INT64[1]:
        raise _problem(node, f"the integer {node.value} is outside the 64-bit range the feeds can carry "
                             f"(-2^63 to 2^63-1)")
    if type(value) is float and not math.isfinite(value):
        raise _problem(node, f"{node.value} is not a finite number; write a number, or quote it for text")
    return value


def _tag_message(node: yaml.Node) -> str:
    tag = node.tag.replace(_TAG, "!!")
    return f"the YAML tag {tag} is not allowed in content files; write plain text, numbers, lists and mappings"


def _problem(node: yaml.Node, message: str) -> YamlProblem:
    return YamlProblem(message, node.start_mark.line + 1, node.start_mark.column + 1)
