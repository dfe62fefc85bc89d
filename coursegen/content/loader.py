"""Phase one's file work: parse and validate course files in parallel, reusing the build cache."""

from __future__ import annotations

import marshal
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from coursegen.content.files import (
    Document,
    content_names,
    load_document,
    new_scan,
    read_ahead,
)
from coursegen.content.schema import validate_document
from coursegen.content.syllabi import FIELD as SYLLABUS
from coursegen.content.syllabi import syllabus_rows
from coursegen.incremental.buildcache import BuildCache
from coursegen.incremental.keys import markdown_key, stat_key
from coursegen.issues import Issue
from coursegen.model import Rendered
from coursegen.parallel import iter_chunks
from coursegen.privacy import needs_description


def load_courses(content: Path, paths: list[str], cache: BuildCache | None, jobs: int, *,
                 render_descriptions: bool = False, preview: bool = False,
                 stats: dict[str, tuple] | None = None) -> Iterator[tuple[Document | None, list[Issue]]]:
    """Yield each course file's document and its issues, in the order of `paths`.

    A document without issues is schema-valid. One with issues is yielded too when it parsed,
    so that its references can still be checked: a user with a typo in a slug and an unknown
    creator in one file sees both problems in one run. A file that cannot be parsed yields None.
    Documents come one at a time, so that a caller that makes each into a course as it comes
    holds one file's data at once; `cache.documents` (a DocumentStore) is brought up to date as they come.

    A valid document's Markdown description stays in the worker that parsed it: the document
    keeps only its digest (`description_key`). With `render_descriptions` (a build), that worker renders
    each new description the build will use into `cache.descriptions` (a DescriptionStore), so
    the text never crosses to the parent, where at 100,000 courses it would be hundreds of
    megabytes. Its sections likewise: the data keeps their key and counts (content.syllabi), and
    a build's new ones go to `cache.syllabi` (a SyllabusStore) as the JSON of their rows.

    A file whose stat key (mtime, size, inode; taken from `stats` when the build has them
    already) matches the cache is not read again: its parsed, validated data comes from the
    cache, unless the build needs its description or sections and the cache lacks them. Only
    valid documents are cached, so every error is found again on every run. The cache keeps
    each document's data marshalled, on disk.
    """
    new_scan()
    known = cache.descriptions if cache is not None and render_descriptions else None
    syllabi = cache.syllabi if cache is not None and render_descriptions else None
    stored = cache.documents if cache is not None else None
    index = stored.index() if stored is not None else {}  # path -> (stat key marshalled, description key, syllabus key)
    keys: list[tuple | None] = []
    reused: list[str | None] = []  # the description key of each file the cache vouches for, else None
    unsure: list[int] = []  # of those, the ones whose description the store lacks
    for path in paths:
        key = stats.get(path) if stats is not None else None
        if key is None:
            try:
                key = stat_key(path)
            except OSError:
                key = None
        keys.append(key)
        cached = index.get(path)
        usable = cached is not None and cache.trusts(key) and cached[0] == marshal.dumps(key)
        usable = usable and (syllabi is None or not cached[2] or cached[2] in syllabi)  # else parsed again
        reused.append(cached[1] if usable else None)
        if usable and known is not None and cached[1] not in known:
            unsure.append(len(reused) - 1)
    del index
    # Their data says whether the build shows their description: if it does, they are parsed again.
    for position, data in zip(unsure, stored.read([paths[i] for i in unsure]) if unsure else ()):
        if not _has_what_it_needs(marshal.loads(data), reused[position], known, preview):
            reused[position] = None
    pending = [path for path, description_key in zip(paths, reused) if description_key is None]
    reused_paths = [path for path, description_key in zip(paths, reused) if description_key is not None]
    reused_data = stored.read(reused_paths) if stored is not None else iter(())
    valid: set[str] = set()
    if known is not None:
        known.expect(len(pending))
        syllabi.expect(len(pending))
    # Taken as the workers send them: a cold build's rendered descriptions go to the store (and
    # to disk in batches past store.IN_MEMORY), and so does each file's data, rather than all into one list first.
    parsed = iter_chunks(_parse_chunk, ParseWork(content, known, syllabi, preview), pending, jobs)
    for path, key, description_key in zip(paths, keys, reused, strict=True):
        if description_key is not None:
            data = marshal.loads(next(reused_data))
            document, problems = Document(path, *content_names(content, path), data, description_key), []
        else:
            fields, problems, rendered, rows = next(parsed)
            if fields is None:
                yield None, problems
                continue
            if problems:
                yield Document(path, *fields), problems
                continue
            display, source, blob, description_key, syllabus_key = fields
            document = Document(path, display, source, marshal.loads(blob), description_key)
            if rendered is not None:
                known[description_key] = Rendered(*rendered)
            if rows is not None:
                syllabi[syllabus_key] = rows
            if stored is not None and key is not None:
                stored.put(path, key, description_key, syllabus_key, blob)
        if key is not None:
            valid.add(path)
        yield document, problems
    if next(parsed, None) is not None:  # and, every result taken, the workers are gone
        raise RuntimeError("a worker returned more results than it was given files")
    if stored is not None:
        stored.keep_only(valid)


class ParseWork(NamedTuple):
    """What every worker that parses course files shares (forked, never sent)."""

    content: Path
    known: object | None  # the build's rendered descriptions (a DescriptionStore), None for `check`
    syllabi: object | None  # the build's sections (a SyllabusStore), None for `check`
    preview: bool


def _parse_chunk(shared: ParseWork, paths: Sequence[str]) -> list[tuple[tuple | None, list[Issue], tuple | None,
                                                                       bytes | None]]:
    """Parse and validate course files, making the descriptions and sections a build needs; return plain tuples, which cross processes fast.

    (Plain tuples are the cheapest thing for a worker to send back: a Document with a Path
    pickled five times slower, 0.4 s of 10,000.)
    """
    content, known, syllabi, preview = shared
    read_ahead(paths)
    results = []
    for path in paths:
        loaded = load_document(content, path)
        if isinstance(loaded, Issue):
            results.append((None, [loaded], None, None))
            continue
        problems = validate_document(loaded, "course")
        if problems:
            results.append(((loaded.display, loaded.source, loaded.data), problems, None, None))
            continue
        text = loaded.data.pop("description", "")
        key = markdown_key(text)
        rendered = None
        if known is not None and not _has_what_it_needs(loaded.data, key, known, preview):
            from coursegen.content.markdown import (
                render_with_excerpt,  # Markdown libraries only where a build needs them, never for `check`
            )

            rendered = tuple(render_with_excerpt(text))
        syllabus, rows = syllabus_rows(loaded.data.pop("sections", ()))
        if syllabus.key:
            loaded.data[SYLLABUS] = tuple(syllabus)  # marshal takes a tuple, not a NamedTuple
        if syllabi is None or not syllabus.key or syllabus.key in syllabi:
            rows = None  # not needed, or known
        # Marshalled here: bytes cross to the parent faster than a dict, and are what the cache keeps.
        results.append(((loaded.display, loaded.source, marshal.dumps(loaded.data), key, syllabus.key), [],
                        rendered, rows))
    return results


def _has_what_it_needs(data: dict, description_key: bytes, known: dict | None, preview: bool) -> bool:
    """Return True unless a build (`known` is its rendered descriptions) needs this description and lacks it."""
    if known is None or description_key in known:
        return True
    return not needs_description(data.get("privacy", ""), data.get("deleted", False), data.get("meta_description", ""),
                                 preview=preview)
