"""Phase one's file work: parse and validate course files in parallel, reusing the build cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.cache import BuildCache, markdown_key, stat_key
from generator.issues import Issue
from generator.parallel import map_chunks
from generator.privacy import needs_description
from generator.sources import Document, load_document
from generator.validate import validate_document


def load_courses(content: Path, paths: list[Path], cache: BuildCache | None, jobs: int, *,
                 describe: bool = False, preview: bool = False) -> tuple[list[Document], list[Document], list[Issue]]:
    """Return the schema-valid course documents, the parsed but invalid ones, and their issues.

    The invalid ones are returned so that their references can still be checked: a user with a
    typo in a slug and an unknown creator in one file sees both problems in one run.

    A file whose stat key (mtime, size, inode) matches the cache is not read again: its parsed,
    validated data comes from the cache. Only valid documents are cached, so every error is
    found again on every run.
    """
    documents: list[Document | None] = [None] * len(paths)
    prefix = len(content.as_posix().rstrip("/")) + 1
    pending: list[int] = []
    keys: list[tuple | None] = []
    for index, path in enumerate(paths):
        try:
            key = stat_key(path)
        except OSError:
            key = None
        keys.append(key)
        cached = cache.documents.get(str(path)) if cache is not None else None
        if cached is not None and cached[0] == key and cache.trusts(key):
            # discover_courses found `path` under `content`: its text is already the display form
            documents[index] = Document(path, path.as_posix(), path.as_posix()[prefix:], cached[1])
        else:
            pending.append(index)
    issues: list[Issue] = []
    invalid: list[Document] = []
    known = cache.descriptions if cache is not None and describe else None
    parsed = map_chunks(_parse_chunk, (content, known, preview), [paths[i] for i in pending], jobs)
    for index, (document, problems, described) in zip(pending, parsed):
        issues.extend(problems)
        if described is not None:
            known[described[0]] = described[1]
        if document is not None and not problems:
            documents[index] = document
        elif document is not None and isinstance(document.data, dict):
            invalid.append(document)
    if cache is not None:
        cache.documents = {str(d.path): (keys[i], d.data) for i, d in enumerate(documents)
                           if d is not None and keys[i] is not None}
    return [d for d in documents if d is not None], invalid, issues


def _parse_chunk(shared: tuple, paths: Sequence[Path]) -> list[tuple[Document | None, list[Issue], tuple | None]]:
    content, known, preview = shared
    results = []
    for path in paths:
        loaded = load_document(content, path)
        if isinstance(loaded, Issue):
            results.append((None, [loaded], None))
            continue
        problems = validate_document(loaded, "course")
        described = None if problems or known is None else _describe(loaded.data, known, preview)
        results.append((loaded, problems, described))
    return results


def _describe(data: dict, known: dict, preview: bool) -> tuple[bytes, object] | None:
    """Return (Markdown digest, Rendered) for a description the build will use and has not rendered yet."""
    if not needs_description(data.get("privacy", ""), data.get("deleted", False), data.get("meta_description", ""),
                             preview=preview):
        return None
    text = data.get("description", "")
    key = markdown_key(text)
    if key in known:
        return None
    from generator.markup import describe  # Markdown libraries only where a build needs them, never for `check`

    return key, describe(text)
