"""The public search index (search.json): each listed course as its card shows it, with a summary."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import orjson

from coursegen.incremental.keys import kept, reuse
from coursegen.jsontext import compact_with_list
from coursegen.model import Catalog, Rendered
from coursegen.privacy import listed_category_slugs, listed_courses
from coursegen.site import head, views


def search_index(catalog: Catalog, rendered: Mapping[int, Rendered], keys: dict[int, bytes],
                 known: dict[int, tuple[bytes, bytes]], *, preview: bool) -> tuple[list[bytes], dict]:
    """Return public/search.json as pieces to write in turn, and its entries by course id for the next build's `known`.

    Only the listed courses are in it, each as its card shows it, plus a summary. It is a
    public file: built from privacy.listed_courses and listed_categories, never from the whole
    catalog, so a private, secret, draft or deleted course cannot reach it. An entry whose
    course key is unchanged since the last build is taken from `known` as it is.
    """
    site = catalog.site
    listed_slugs = listed_category_slugs(catalog, preview=preview)
    def entry(course) -> bytes:  # made only where the course key changed
        # The excerpt is read only where the summary falls back to it: past store.IN_MEMORY
        # descriptions, each read is a query.
        excerpt = "" if course.meta_description else rendered[course.id].excerpt
        summary = head.effective_meta(course, site, excerpt, "").meta_description
        return kept(orjson.dumps(views.search_entry(course, site, listed_slugs, summary)))

    entries = {course.id: reuse(known, course.id, keys[course.id], partial(entry, course))
               for course in listed_courses(catalog, preview=preview)}
    # 28 MB at 100,000 courses: written as pieces, never joined.
    return compact_with_list("courses", [entry for _, entry in entries.values()]), entries
