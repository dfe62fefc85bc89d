"""Phase one's file work: parse and validate course files in parallel, reusing the build cache."""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from pathlib import Path

from generator.cache import BuildCache, markdown_key, stat_key
from generator.descriptions import Rendered
from generator.issues import Issue
from generator.parallel import iter_chunks
from generator.privacy import needs_description
from generator.sources import Document, content_names, load_document, new_scan
from generator.validate import validate_document


def load_courses(content: Path, paths: list[str], cache: BuildCache | None, jobs: int, *,
                 describe: bool = False, preview: bool = False,
                 stats: dict[str, tuple] | None = None) -> tuple[list[Document], list[Document], list[Issue]]:
    """Return the schema-valid course documents, the parsed but invalid ones, and their issues.

    The invalid ones are returned so that their references can still be checked: a user with a
    typo in a slug and an unknown creator in one file sees both problems in one run.

    A valid document's Markdown description stays in the worker that parsed it: the document
    keeps only its digest (`description_key`). With `describe` (a build), that worker renders
    each new description the build will use into `cache.descriptions` (a DescriptionStore), so
    the text never crosses to the parent, where at 100,000 courses it would be hundreds of
    megabytes.

    A file whose stat key (mtime, size, inode; taken from `stats` when the build has them
    already) matches the cache is not read again: its parsed,
    validated data comes from the cache, unless the build needs its description and the cache
    has no rendering of it. Only valid documents are cached, so every error is found again on
    every run. The cache keeps each document's data marshalled, so that once the courses are
    resolved from them the documents' dicts of data can go.
    """
    new_scan()
    documents: list[Document | None] = [None] * len(paths)
    blobs: list[bytes | None] = [None] * len(paths)  # each valid document's data, marshalled
    known = cache.descriptions if cache is not None and describe else None
    pending: list[int] = []
    keys: list[tuple | None] = []
    for index, path in enumerate(paths):
        key = stats.get(path) if stats is not None else None
        if key is None:
            try:
                key = stat_key(path)
            except OSError:
                key = None
        keys.append(key)
        cached = cache.documents.get(path) if cache is not None else None
        data = marshal.loads(cached[1]) if cached is not None and cached[0] == key and cache.trusts(key) else None
        if data is not None and _described(data, cached[2], known, preview):
            documents[index] = Document(path, *content_names(content, path), data, cached[2])
            blobs[index] = cached[1]
        else:
            pending.append(index)
    issues: list[Issue] = []
    invalid: list[Document] = []
    # Taken as the workers send them: a cold build's rendered descriptions go to the store (and
    # to disk in batches past descriptions.IN_MEMORY) rather than all into one list first.
    if known is not None:
        known.expect(len(pending))
    parsed = iter_chunks(_parse_chunk, (content, known, preview), [paths[i] for i in pending], jobs)
    for index, (fields, problems, rendered) in zip(pending, parsed, strict=True):  # strict: the pool is closed
        if fields is not None and not problems:
            display, source, blobs[index], description_key = fields
            fields = (display, source, marshal.loads(blobs[index]), description_key)
        document = Document(paths[index], *fields) if fields is not None else None
        issues.extend(problems)
        if rendered is not None:
            known[document.description_key] = Rendered(*rendered)
        if document is not None and not problems:
            documents[index] = document
        elif document is not None and isinstance(document.data, dict):
            invalid.append(document)
    if cache is not None:
        cache.documents = {d.path: (keys[i], blobs[i], d.description_key) for i, d in enumerate(documents)
                           if d is not None and keys[i] is not None}
    return [d for d in documents if d is not None], invalid, issues


def _parse_chunk(shared: tuple, paths: Sequence[str]) -> list[tuple[tuple | None, list[Issue], tuple | None]]:
    """Parse, validate and describe course files; return plain tuples, which cross processes fast.

    (Plain tuples are the cheapest thing for a worker to send back: a Document with a Path
    pickled five times slower, 0.4 s of 10,000.)
    """
    content, known, preview = shared
    results = []
    for path in paths:
        loaded = load_document(content, path)
        if isinstance(loaded, Issue):
            results.append((None, [loaded], None))
            continue
        problems = validate_document(loaded, "course")
        if problems:
            results.append(((loaded.display, loaded.source, loaded.data), problems, None))
            continue
        text = loaded.data.pop("description", "")
        key = markdown_key(text)
        rendered = None
        if known is not None and not _described(loaded.data, key, known, preview):
            from generator.markup import describe  # Markdown libraries only where a build needs them, never for `check`

            rendered = tuple(describe(text))
        # Marshalled here: bytes cross to the parent faster than a dict, and are what the cache keeps.
        results.append(((loaded.display, loaded.source, marshal.dumps(loaded.data), key), [], rendered))
    return results


def _described(data: dict, description_key: bytes, known: dict | None, preview: bool) -> bool:
    """Return True unless a build (`known` is its rendered descriptions) needs this description and lacks it."""
    if known is None or description_key in known:
        return True
    return not needs_description(data.get("privacy", ""), data.get("deleted", False), data.get("meta_description", ""),
                                 preview=preview)
