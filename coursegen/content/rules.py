"""Content rules that JSON Schema cannot say: whole numbers, visible names, well-formed URLs, sizes in order.

validate.validate_document applies them to a document that passed its schema; each broken rule
is a Problem at a path of keys, which validate locates in the file like a schema error.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from urllib.parse import urlsplit

from coursegen.content import syllabus_rules
from coursegen.content.problem import Problem, url_problem, visible


def is_absolute_url(value: str) -> bool:
    """Return True for a value written as an absolute http(s) URL (the scheme in any case)."""
    return value[:8].lower().startswith(("https://", "http://"))


def base_url_problem(value: str) -> str:
    """Return what is wrong with a site's base URL (every absolute URL is built from it), or ""."""
    problem = url_problem(value)
    if problem:
        return problem
    if not value.isascii():
        return "it holds characters outside ASCII: write the host in punycode (xn--...) and %-encode the path"
    parts = urlsplit(value)
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "it has a query or a fragment; a base URL is a folder"
    segments = parts.path.split("/")[1:-1]
    if "" in segments:
        return "its path has an empty segment (//), which browsers read as another host"
    if "." in segments or ".." in segments:
        return "its path has a '.' or '..' segment"
    return ""


def problems(data: object, schema: str) -> Iterator[Problem]:
    """Yield every rule a schema-valid document breaks."""
    yield from _fractions(data, fields_of(schema, "integer"))
    if schema == "course":
        yield from _course(data)
    elif schema == "site":
        yield from _site(data)
    elif schema in ("users", "categories"):
        for index, entry in enumerate(data):
            yield from (_user if schema == "users" else _category)(entry, (index,))


def _fractions(data: object, fields: tuple[tuple, ...]) -> Iterator[Problem]:
    """Every number of the model is an integer: a YAML float (1.0) where the schema wants one is refused.

    JSON Schema counts 1.0 as an integer; the feeds would then say "id": 1.0, and a page "50.0%".
    A float anywhere else is a type error the schema reports already.
    """
    for field in fields:
        if not _float_at(data, field):  # the usual answer, found without building every value's keys
            continue
        for keys, value in values_at(data, field):
            if type(value) is float:
                yield Problem(keys, f"expected an integer, found a number ({value}): write whole numbers without a point")


def _float_at(value: object, field: tuple) -> bool:
    """Return True when a value at the schema path is a float (values_at's walk, keeping no keys)."""
    for depth, step in enumerate(field):
        if step == "*":
            if type(value) is list:
                rest = field[depth + 1:]
                for item in value:
                    if _float_at(item, rest):
                        return True
            return False
        if type(value) is not dict or step not in value:
            return False
        value = value[step]
    return type(value) is float


def values_at(value: object, field: tuple, keys: tuple = ()) -> list[tuple[tuple, object]]:
    """Return (keys, value) for each value at a schema path ("*": every item of a list).

    A list, not a generator: asked for every integer and date field of every course, nested
    generators were half the time of the rules on a course with a syllabus.
    """
    found: list[tuple[tuple, object]] = []
    _collect(value, field, keys, found)
    return found


def _collect(value: object, field: tuple, keys: tuple, found: list) -> None:
    for depth, step in enumerate(field):
        if step == "*":
            if type(value) is list:
                rest, at = field[depth + 1:], (*keys, *field[:depth])
                for index, item in enumerate(value):
                    _collect(item, rest, (*at, index), found)
            return
        if type(value) is not dict or step not in value:
            return
        value = value[step]
    found.append(((*keys, *field), value))


@functools.cache
def fields_of(schema: str, kind: str) -> tuple[tuple, ...]:
    """Return the path of every field the schema types or formats as `kind`: ("id",), ("categories", "*", "id").

    `kind` is a type ("integer") or a format ("date-time").
    """
    from coursegen import schemas
    found = []

    def walk(rule: dict, path: tuple) -> None:
        kinds = rule.get("type")
        if kind == kinds or (isinstance(kinds, list) and kind in kinds) or rule.get("format") == kind:
            found.append(path)
        for name, child in rule.get("properties", {}).items():
            walk(child, (*path, name))
        if isinstance(rule.get("items"), dict):
            walk(rule["items"], (*path, "*"))

    walk(schemas.load(schema), ())
    return tuple(found)


MAX_NESTING = 64  # levels of quotes, lists and HTML a description may nest: sanitising is quadratic in depth


def _course(data: dict) -> Iterator[Problem]:
    if not visible(data["name"]):
        yield Problem(("name",), "expected a name with at least one visible character, found only invisible ones")
    description = data.get("description", "")
    if description.count(">") > MAX_NESTING:  # a quote and a tag each take one: fewer cannot nest deeper
        from coursegen.content.markdown import (
            nesting_depth,  # Markdown's libraries only for the rare deep text
        )

        depth = nesting_depth(description)
        if depth > MAX_NESTING:
            yield Problem(("description",), f"expected quotes, lists and HTML nested at most {MAX_NESTING} "
                                            f"levels deep, found {depth}")
    og_image = data.get("og_image", "")
    if is_absolute_url(og_image):
        yield from _url(("og_image",), og_image)
    if isinstance(data["created_by"], dict):
        yield from _user(data["created_by"], ("created_by",))
    for index, category in enumerate(data.get("categories", [])):
        if isinstance(category, dict):
            yield from _category(category, ("categories", index))
    yield from syllabus_rules.course_problems(data)


def _site(data: dict) -> Iterator[Problem]:
    if not visible(data["title"]):
        yield Problem(("title",), "expected a title with at least one visible character, found only invisible ones")
    problem = base_url_problem(data["base_url"])
    if problem:
        yield Problem(("base_url",), f"expected an absolute http(s) URL such as \"https://courses.example.org/\", "
                                     f"but {problem}")
    default_image = data.get("default_image", "")
    if is_absolute_url(default_image):
        yield from _url(("default_image",), default_image)
    yield from syllabus_rules.join_url_problems(data)
    sizes = data.get("image_sizes", {})
    order = [name for name in ("bigger", "big", "medium", "small") if name in sizes]
    for larger, smaller in zip(order, order[1:]):
        if sizes[larger] < sizes[smaller]:
            yield Problem(("image_sizes", smaller), f"expected {smaller} to be no larger than {larger} "
                                                    f"({sizes[larger]}), found {sizes[smaller]}")


def _user(user: dict, keys: tuple) -> Iterator[Problem]:
    if not visible(user["username"]):
        yield Problem((*keys, "username"), "expected a username with at least one visible character")
    avatar = user.get("avatar", "")
    if avatar:
        yield from _url((*keys, "avatar"), avatar)


def _category(category: dict, keys: tuple) -> Iterator[Problem]:
    if not visible(category["name"]):
        yield Problem((*keys, "name"), "expected a name with at least one visible character, found only invisible ones")


def _url(keys: tuple, value: str) -> Iterator[Problem]:
    problem = url_problem(value) if is_absolute_url(value) else "it is not an absolute http(s) URL"
    if problem:
        yield Problem(keys, f"expected an absolute http(s) URL such as \"https://cdn.example.org/a.png\", "
                            f"but {problem}")
