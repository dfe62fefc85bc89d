"""JSON written in pieces, byte for byte what one orjson.dumps of the whole document would write.

The large documents (a feed page, the manifest, the search index) are megabytes: they are made
from pieces serialised once (and kept in the build cache), never as one object in memory. Every
piece is framed here, and tests hold the pieces to orjson's own output of the whole.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import orjson


def dumps(value: object) -> bytes:
    """Serialise JSON the same way every time: UTF-8, two-space indent, final newline."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n"


def nested(value: object, depth: int) -> bytes:
    """Serialise a value as dumps() writes it `depth` levels deep in a document: a reusable piece."""
    pad = b"  " * depth
    return pad + orjson.dumps(value, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n" + pad)


def with_list(head: dict, name: str, pieces: list[bytes]) -> bytes:
    """Return dumps({**head, name: [...]}) for a list whose items are already nested(item, depth=2)."""
    opening = orjson.dumps(head, option=orjson.OPT_INDENT_2)[:-2]  # without the closing "\n}"
    body = (b"[\n", b",\n".join(pieces), b"\n  ]") if pieces else (b"[]",)
    # One join: a page of the JSON Feed is megabytes, and each `+` would copy all of it again.
    return b"".join((opening, b",\n" if head else b"\n", b'  "', name.encode(), b'": ', *body, b"\n}\n"))


def indented(items: Iterator, kind: type[list] | type[dict]) -> Iterator[bytes]:
    """Yield a list (of items) or dict (of key-value items) as OPT_INDENT_2 writes it one level down."""
    empty = orjson.dumps(kind())  # b"[]" or b"{}"
    separator = empty[:1] + b"\n"
    while chunk := kind(itertools.islice(items, 1000)):
        text = orjson.dumps(chunk, option=orjson.OPT_INDENT_2)
        yield separator + b"  " + text[2:-2].replace(b"\n", b"\n  ")  # its entries, two spaces further in
        separator = b",\n"
    yield empty if separator != b",\n" else b"\n  " + empty[1:]


def compact_with_list(name: str, items: list[bytes]) -> list[bytes]:
    """Return the pieces of the compact document {name: [items...]} (items already compact JSON), never joined."""
    opening = b'{"' + name.encode() + b'":['
    if not items:
        return [opening + b"]}\n"]
    pieces = [opening]
    for item in items:
        pieces += (item, b",")
    pieces[-1] = b"]}\n"
    return pieces
