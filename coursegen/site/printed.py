"""What a template may print: the same text on every build, and only what UTF-8 can hold.

Called by the sandbox (site/templating.py) for every `{{ value }}` at its template line, so that
a refusal names the line.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import jinja2
from jinja2.sandbox import SecurityError


def lipsum(*args, **kwargs):
    raise _unrepeatable("lipsum()", "its words are drawn at random")


def random_item(*args, **kwargs):
    raise _unrepeatable("the |random filter", "it draws an item at random")


def _unrepeatable(what: str, why: str) -> SecurityError:
    return SecurityError(f"{what} is not available: {why}, and every build of the same catalog must make the "
                         f"same pages; write the text, or choose the item by its position (|first, [0])")


def printed(value):
    """Return what `{{ value }}` prints, after refusing what no page may hold (called at its template line).

    A page is written as UTF-8, which has no lone surrogate: `{{ "\\ud800" }}` or `"%c"|format(55296)`
    make one, and the page could not be written. And a page is the same bytes on every build: a
    function, a method or a generator prints as Python's `<… at 0x7f…>`, its memory address,
    different on every run (`{{ course.items }}`, `{{ categories|map(attribute="name") }}`).
    """
    if isinstance(value, str):
        if not value.isascii():
            check_encodable(value)
        return value
    if not isinstance(value, _PRINTABLE):
        _check_data(value)
    return value


_PRINTABLE = (int, float, type(None), jinja2.Undefined)  # printed as they are (Undefined: as StrictUndefined says)


def _check_data(value, depth: int = 0) -> None:
    """Refuse a value whose text is not the same on every build; lists, tuples and dicts print their items."""
    if isinstance(value, (str, *_PRINTABLE)) or depth > 32:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_data(item, depth + 1)
        return
    if isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            _check_data(item, depth + 1)
        return
    kind = type(value).__name__
    anonymous = type(value).__repr__ is object.__repr__ and type(value).__str__ is object.__str__
    if isinstance(value, Iterator) and (anonymous or inspect.isgenerator(value)):
        hint = f"a sequence being made ({kind}); add |list, or |join(', ') to print its items"
    elif inspect.isroutine(value):
        hint = f"the {kind} {value.__name__.lstrip('_')!r} rather than its result; call it, with ()"
    elif anonymous:
        hint = f"a {kind} object, which has no text of its own"
    else:
        return  # its own text: a class's name, Jinja2's <LoopContext 1/3>, a dict's items
    raise SecurityError(f"the template prints {hint}: its text would hold a memory address, "
                        f"different on every build")


def check_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SecurityError(f"the template prints U+{ord(text[error.start]):04X}, half of a surrogate pair, which "
                            f"no UTF-8 page can hold (a \\u escape or '%c' made it); print whole characters only") from None
