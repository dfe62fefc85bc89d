"""The manifest (restricted/manifest.json): every output file with its sha256 and source, every course with its privacy;
written in pieces, and read back strictly, a section at a time."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import orjson

from coursegen import __version__, schemas
from coursegen.issues import CoursegenError
from coursegen.jsontext import indented
from coursegen.model import Catalog

MANIFEST = "restricted/manifest.json"


class ManifestProblem(CoursegenError):
    """Raised while a manifest is read when it, or a section of it, is not of a coursegen manifest's shape."""


def manifest(files: dict[str, tuple[str, str]], catalog: Catalog, old_slugs: dict[str, int], *, preview: bool) -> Iterator[bytes]:
    """Yield the manifest: every output file (`files`: path → sha256, source) and every course with its privacy.

    It is the JSON of one document, indented by two, made and written a thousand entries at a
    time (Staging.finish): as one document it held 110 MB at 100,000 courses, as bytes 45 MB.
    """
    head = orjson.dumps({"generator": f"coursegen {__version__}", "base_url": catalog.site.base_url,
                         "preview": preview}, option=orjson.OPT_INDENT_2)
    yield head.removesuffix(b"\n}") + b',\n  "courses": '
    yield from indented(({"id": c.id, "slug": c.slug, "name": c.name, "privacy": c.privacy.value,
                           "deleted": c.deleted, "source": c.source} for c in catalog.courses), list)
    yield b',\n  "redirects": '
    yield from indented(iter(old_slugs.items()), dict)
    yield b',\n  "files": '
    yield from indented(((path, {"sha256": sha, "source": source}) for path, (sha, source)
                          in sorted(files.items()) if path != MANIFEST), dict)
    yield b"\n}\n"


def read_manifest_sections(path: Path, reducers: dict[str, Callable[[object], object]]) -> dict[str, object] | None:
    """Return {key: reducers[key](value)} for the top-level keys of a manifest that have a reducer.

    None when the file cannot be read; ManifestProblem when it is not a JSON object. Read whole,
    the manifest of 100,000 courses (45 MB of JSON) is 200 MB of Python objects, the peak of a
    rebuild's memory; so each wanted section is parsed alone and reduced at once, and the others
    are not parsed at all.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        sections = _indented_sections(data, reducers.keys())
        if sections is None:  # not laid out as this generator writes it: parsed whole
            document = orjson.loads(data)
            if not isinstance(document, dict):
                raise ManifestProblem("it is not a JSON object")
            sections = ((key, value) for key, value in document.items() if key in reducers)
        return {key: reducers[key](value) for key, value in sections}  # each section parsed, then reduced
    except ValueError as error:  # orjson.JSONDecodeError among them
        raise ManifestProblem(f"it is not JSON ({error})") from None


def _indented_sections(data: bytes, wanted: Iterable[str]) -> Iterator[tuple[str, object]] | None:
    """Parse the wanted top-level keys of a JSON object written with OPT_INDENT_2, one at a time; None if not one.

    There, and nowhere else, a line starts with two spaces and a quote: JSON strings hold no
    newline, and the keys of nested objects are indented further.
    """
    text = data.rstrip()
    if not (text.startswith(b"{\n  \"") and text.endswith(b"\n}")):
        return None
    starts = [match.start() + 3 for match in re.finditer(rb'\n  "', text)] + [len(text) - 1]
    wanted = set(wanted)

    def sections() -> Iterator[tuple[str, object]]:
        for start, end in itertools.pairwise(starts):
            key_end = text.index(b'": ', start)
            key = orjson.loads(text[start:key_end + 1])
            if key in wanted:
                yield key, orjson.loads(text[key_end + 3:end].rstrip().removesuffix(b","))

    return sections()


def check_manifest_section(section: str, value: object) -> None:
    """Raise ManifestProblem, saying where and what, unless `value` is a valid `section` of a manifest."""
    validator = _section_validator(section)
    if validator.is_valid(value):
        return
    error = next(iter(validator.iter_errors(value)))
    where = section + "".join(f"[{step!r}]" for step in error.instance_path)
    raise ManifestProblem(f"{where}: {error.message}")


def check_manifest(document: object) -> None:
    """Raise ManifestProblem unless `document` is a whole manifest as a build writes it."""
    if not isinstance(document, dict):
        raise ManifestProblem("it is not a JSON object")
    for section in ("courses", "files"):
        if section not in document:
            raise ManifestProblem(f"it has no {section!r}")
    for section in schemas.load("manifest")["properties"]:
        if section in document:
            check_manifest_section(section, document[section])


@functools.cache
def _section_validator(section: str):
    import decimal  # noqa: F401 - from Python first: see validate._fast_validator

    import jsonschema_rs

    schema = schemas.load("manifest")
    rule = schema["properties"][section]
    return jsonschema_rs.Draft202012Validator({"$defs": schema["$defs"], **rule})


def file_shas(files: object) -> dict[str, str] | None:
    """Reduce a manifest's "files" to path -> sha256 (None if it is not a mapping)."""
    if not isinstance(files, dict):
        return None
    return {path: entry.get("sha256") if isinstance(entry, dict) else None for path, entry in files.items()}
