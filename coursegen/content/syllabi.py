"""A course's sections, kept apart from the course: a build's store holds them, the course their key and counts.

See model.Syllabus for why, and model.Section for the rows they are kept as.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import orjson

from coursegen.incremental.keys import syllabus_key
from coursegen.model import NO_SYLLABUS, Syllabus
from coursegen.privacy import shown_counts


def keep_syllabus(sections: list[dict], syllabi: MutableMapping[str, bytes] | None) -> Syllabus:
    """Return a course's Syllabus, keeping its sections' rows (model.Section) in `syllabi` under their key."""
    if not sections:
        return NO_SYLLABUS
    rows = [[section["id"], section["name"].strip(),
             [[lesson["id"], lesson["name"].strip(), lesson.get("type", "lesson"),
               lesson.get("status", "published") == "published"] for lesson in section.get("lessons", ())],
             section.get("drip_delay", 0), section.get("dripped_at", "")] for section in sections]
    data = orjson.dumps(rows)
    key = syllabus_key(data)
    if syllabi is not None and key not in syllabi:
        syllabi[key] = data
    published = [[lesson[3] for lesson in row[2]] for row in rows]
    return Syllabus(key, shown_counts(published, preview=False), shown_counts(published, preview=True))
