"""Check parsed documents against the JSON Schemas and explain every failure as an Issue."""

from __future__ import annotations

import difflib
import json
import re
from datetime import datetime
from functools import cache

from coursegen import schemas
from coursegen.content import rules
from coursegen.content.brand import brand_problems
from coursegen.content.files import Document, locate
from coursegen.issues import Issue

# Fields of the model that the generator computes or that belong to a viewer, never to an editor.
GENERATED_FIELDS = {
    "image_bigger": "is generated from image_original",
    "image_big": "is generated from image_original",
    "image_medium": "is generated from image_original",
    "image_small": "is generated from image_original",
    "join_status": "is viewer-specific and read-only; feeds show an anonymous viewer (null)",
    "user_completion_rate": "is viewer-specific and read-only; feeds show an anonymous viewer (0)",
}

# RFC 3339's date-time (section 5.6), as JSON Schema's "date-time" and the feeds' readers take it: "T"
# between date and time (its note allows a space, the grammar does not), and an offset's hours up to
# 23 and minutes up to 59 (Python would read "+14:60" as +15:00).
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)\Z", re.ASCII)


def is_rfc3339(value: object) -> bool:
    """Return True for an RFC 3339 date-time that carries a timezone."""
    if not isinstance(value, str) or not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def load_schema(name: str) -> dict:
    """Return one of the shipped JSON Schemas: course, dashboard, detail, site, categories, users, manifest."""
    return schemas.load(name)


@cache
def _validator(name: str):
    # jsonschema is imported here, not at module level: `coursegen schema` and the
    # fast valid path should not pay for it.
    from jsonschema import (
        Draft202012Validator,
        FormatChecker,
        ValidationError,
        validators,
    )

    def pattern(validator, rule: str, instance: object, schema: dict):
        # JSON Schema's patterns are ECMA 262's, where "$" ends the text; Python's "$" also matches
        # before a final line break, and "intro\n" passed as a slug. jsonschema-rs reads them right.
        if validator.is_type(instance, "string") and not _python_pattern(rule).search(instance):
            yield ValidationError(f"{instance!r} does not match {rule!r}")

    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_rfc3339)
    checking = validators.extend(Draft202012Validator, {"pattern": pattern})
    return checking(load_schema(name), format_checker=checker)


@cache
def _python_pattern(rule: str) -> re.Pattern:
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", rule))


@cache
def _fast_validator(name: str):
    # jsonschema-rs answers "valid?" in microseconds (jsonschema takes ~400 µs a course);
    # the Python validator runs only for the rare invalid document, to explain each error in words.
    # jsonschema-rs imports `decimal` from its Rust code on first use, where a Ctrl-C landing in
    # that import is a Rust panic, not a KeyboardInterrupt: so it is imported here, from Python.
    import decimal  # noqa: F401

    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(load_schema(name), validate_formats=False)


def _formats_ok(data: object, name: str) -> bool:
    """Check date-time formats ourselves, at every depth, so both validators agree on what RFC 3339 means."""
    return all(is_rfc3339(value) for field in rules.fields_of(name, "date-time")
               for _, value in rules.values_at(data, field))


def is_valid(instance: object, schema: str) -> bool:
    """Return True when the instance matches the named schema (the fast path)."""
    return _fast_validator(schema).is_valid(instance) and _formats_ok(instance, schema)


def validate_document(document: Document, schema: str) -> list[Issue]:
    """Return every way the document breaks the named schema, located by file, line and column."""
    if document.data is None:
        return [Issue(document.display, 1, 1, "", "the file is empty; expected a YAML document")]
    if is_valid(document.data, schema):
        found = [*rules.problems(document.data, schema), *(brand_problems(document.data) if schema == "site" else ())]
        return [_issue(document, problem.keys, _with_line_of_first(document, problem)) for problem in found]
    errors = sorted(_validator(schema).iter_errors(document.data), key=lambda e: list(map(str, e.absolute_path)))
    issues = []
    for error in errors:
        issues.extend(_explain(document, error))
    if not issues:  # the validators disagree: say what jsonschema-rs found rather than call the file valid
        issues = [_issue(document, tuple(error.instance_path), error.message)
                  for error in _fast_validator(schema).iter_errors(document.data)]
    return issues


def _with_line_of_first(document: Document, problem: rules.Problem) -> str:
    """Return the problem's message, naming the line of the earlier value it refers to (the first of two ids)."""
    if not problem.first:
        return problem.message
    line, _ = locate(document.path, problem.first)
    return problem.message.replace("{line}", str(line))


def check_instance(instance: object, schema: str) -> list[str]:
    """Return plain messages for an in-memory value that breaks a schema (used on our own output)."""
    # Formats are not checked again here: the date-times, created_at and dripped_at, are copied
    # from a course file that passed the same check on the way in.
    if _fast_validator(schema).is_valid(instance):
        return []
    return [f"{field_label(tuple(e.absolute_path)) or '(root)'}: {e.message}"
            for e in _validator(schema).iter_errors(instance)]


def _explain(document: Document, error) -> list[Issue]:
    keys = tuple(error.absolute_path)
    kind = error.validator
    instance = error.instance
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = sorted(k for k in instance if k not in allowed)
        return [_issue(document, keys + (key,), _unknown_field(key, allowed), at_key=True) for key in extras]
    if kind == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return [_issue(document, keys, f"missing required field '{name}'", field=field_label(keys + (name,)))]
    return [_issue(document, keys, _expected(kind, error.validator_value, instance, error.schema, keys))]


def _issue(document: Document, keys: tuple, message: str, *, at_key: bool = False, field: str | None = None) -> Issue:
    line, column = locate(document.path, keys, at_key=at_key)
    return Issue(document.display, line, column, field_label(keys) if field is None else field, message)


def field_label(keys: tuple) -> str:
    """Return a field path as users read it: categories[1].slug."""
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _unknown_field(key: object, allowed: list[str]) -> str:
    if key in GENERATED_FIELDS:
        return f"'{key}' {GENERATED_FIELDS[key]}; remove it from the file"
    message = f"unknown field '{key}'"
    close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    return f"{message}; expected one of: {', '.join(allowed)}"


def in_words(value: object) -> str:
    """Name a YAML value for an error message: its type and, when short, the value itself."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        quoted = json.dumps(shown, ensure_ascii=False)
        if not quoted.isprintable():  # C1 controls, bidi overrides: shown, never sent to a terminal as they are
            quoted = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in quoted)
        return f"the text {quoted}"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_TYPE_NAMES = {"string": "text", "integer": "an integer", "boolean": "true or false",
               "object": "a mapping", "array": "a list", "number": "a number", "null": "null"}


def _expected(kind: str, rule: object, instance: object, schema: dict, keys: tuple) -> str:
    found = in_words(instance)
    if kind == "type":
        names = [_TYPE_NAMES.get(t, t) for t in ([rule] if isinstance(rule, str) else rule)]
        expected = schema.get("x-expected") or " or ".join(names)
        return f"expected {expected}, found {found}"
    if kind == "enum":
        options = ", ".join(json.dumps(v) for v in rule)
        message = f"expected one of {options}, found {found}"
        close = difflib.get_close_matches(str(instance), [str(v) for v in rule], n=1, cutoff=0.6)
        if isinstance(instance, str) and close:
            message += f"; did you mean {json.dumps(close[0])}?"
        if instance is None and "" in rule:
            message += '; write "" (quoted) for a draft, or leave the field out'
        return message
    if kind == "pattern":
        if keys and keys[-1] == "slug" or (len(keys) >= 2 and keys[-2] == "categories"):
            return (f"expected a slug of lowercase ASCII letters and digits separated by single '-' "
                    f"(such as 'intro-to-python'), found {found}")
        if rule.startswith("^[^\\u0000"):
            return f"expected text without control characters, found {found}"
        if keys == ("name",):
            return "expected a name with at least one visible character, found only spaces"
        if "x-expected" in schema:  # a pattern's own words: "a colour written #rrggbb", not its regular expression
            return f"expected {schema['x-expected']}, found {found}"
        return f"expected text matching {rule}, found {found}"
    if kind == "format":
        return (f"expected an RFC 3339 date-time with a timezone, such as "
                f"\"2025-03-14T09:30:00Z\", found {found}")
    if kind == "minLength":
        return f"expected non-empty text, found {found}"
    if kind == "maxLength":
        return f"expected at most {rule} characters, found {len(instance)}"
    if kind in ("minItems", "maxItems"):
        bound = "at least" if kind == "minItems" else "at most"
        return f"expected a list of {bound} {rule} item{'' if rule == 1 else 's'}, found {found}"
    if kind in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"expected an integer from {low} to {high}, found {found}"
        bound = f"at least {low}" if low is not None else f"at most {high}"
        return f"expected an integer {bound}, found {found}"
    return f"{kind} rule broken: expected {json.dumps(rule)}, found {found}"
