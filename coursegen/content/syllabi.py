"""A course's sections, kept apart from the course: a build's store holds them, the course their key and counts.

See model.Syllabus for why, and model.Section for the rows they are kept as. The worker that
parses a course file makes both, so that the sections never reach the process that holds the
catalog: the file's data keeps the Syllabus under FIELD in place of its `sections`.
"""

from __future__ import annotations

import orjson

from coursegen.incremental.keys import kept, syllabus_key
from coursegen.model import NO_SYLLABUS, Syllabus
from coursegen.privacy import shown_counts

# Where a valid course file's data keeps its Syllabus once its sections are taken out (no course
# file can hold it: the schema refuses fields it does not name).
FIELD = "syllabus"


def syllabus_rows(sections: list[dict]) -> tuple[Syllabus, bytes]:
    """Return a course's Syllabus and its sections' rows (model.Section) as JSON, whose digest is the key."""
    if not sections:
        return NO_SYLLABUS, b""
    rows = [[section["id"], section["name"].strip(),
             [[lesson["id"], lesson["name"].strip(), lesson.get("type", "lesson"),
               lesson.get("status", "published") == "published"] for lesson in section.get("lessons", ())],
             section.get("drip_delay", 0), section.get("dripped_at", "")] for section in sections]
    data = kept(orjson.dumps(rows))
    published = [[lesson[3] for lesson in row[2]] for row in rows]
    return Syllabus(syllabus_key(data), *shown_counts(published, preview=False),
                    *shown_counts(published, preview=True)), data


def syllabus_of(data: dict) -> Syllabus:
    """Return the Syllabus a valid course file's data keeps (FIELD), as the parsing worker made it."""
    kept_as = data.get(FIELD)
    return NO_SYLLABUS if kept_as is None else Syllabus(*kept_as)
