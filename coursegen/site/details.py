"""Course detail documents (SPEC section 7): each course in the API's Course shape, its syllabus included.

A document is the course's model feed item (feeds.dashboard_item) and what the dashboard leaves
out: its published sections and lessons, their counts, the lesson order and the paywalls, and
language, level and workload where the course file sets them. Open courses' go to
public/feeds/courses/<id>.json, private, secret and draft courses' to restricted/ (privacy.detail_folder);
each is validated against the detail schema before it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from coursegen.images.publish import CourseImages, ImageSet
from coursegen.jsontext import dumps
from coursegen.model import (
    Catalog,
    Course,
    CourseType,
    Lesson,
    Paywall,
    Rendered,
    Section,
)
from coursegen.privacy import detail_folder, shown_sections
from coursegen.site.descriptions import CourseDescriptions, CourseSyllabi
from coursegen.site.feeds import checked, dashboard_item

PREFETCHED = 500  # descriptions and syllabi read at once, for the documents that follow


class DetailFile(NamedTuple):
    """One detail document, planned: where it goes, its course file, its course key, and how to make its bytes."""

    path: str
    source: str
    key: bytes  # the course key (keys.course_key): the document is a function of it alone
    make: Callable[[], bytes]


def detail_path(course: Course) -> str | None:
    """Return the output path of a course's detail document, or None when it has none (a deleted course)."""
    folder = detail_folder(course)
    return None if folder is None else f"{folder}/feeds/courses/{course.id}.json"


def detail_files(catalog: Catalog, rendered: CourseDescriptions, syllabi: CourseSyllabi, images: ImageSet,
                 keys: dict[int, bytes]) -> Iterator[DetailFile]:
    """Yield every course's detail document, in id order: made only when asked (make), as a rebuild needs few."""
    shown = [(course, path) for course in catalog.courses if (path := detail_path(course)) is not None]
    for start in range(0, len(shown), PREFETCHED):
        chunk = _Chunk([course for course, _ in shown[start:start + PREFETCHED]], rendered, syllabi)
        for course, path in shown[start:start + PREFETCHED]:
            yield DetailFile(path, course.source, keys[course.id],
                             lambda course=course, chunk=chunk: _document_bytes(course, catalog, *chunk.of(course),
                                                                                images.of(course)))


class _Chunk:
    """The descriptions and sections of a run of documents, read with one query each when the first is made."""

    def __init__(self, courses: list[Course], rendered: CourseDescriptions, syllabi: CourseSyllabi):
        self.courses, self.rendered, self.syllabi, self.read = courses, rendered, syllabi, False

    def of(self, course: Course) -> tuple[Rendered, tuple[Section, ...]]:
        if not self.read:
            self.rendered.prefetch(course.id for course in self.courses)
            self.syllabi.prefetch(course.syllabus.key for course in self.courses)
            self.read = True
        # Each read alone if another lookup has taken the window since.
        return self.rendered[course.id], self.syllabi.of(course)


def _document_bytes(course: Course, catalog: Catalog, rendered: Rendered, sections: tuple[Section, ...],
                    images: CourseImages) -> bytes:
    return dumps(checked(detail_document(course, catalog, rendered, sections, images), "detail"))


def detail_document(course: Course, catalog: Catalog, rendered: Rendered, sections: tuple[Section, ...],
                    images: CourseImages) -> dict:
    """Return the course as the API's Course shows it to an anonymous viewer: the model item, then the syllabus."""
    document = dashboard_item(course, catalog, rendered, images)
    # What members see, as the course page lists it: never a draft lesson, even in a preview.
    sections = [_section(shown.section, shown.lessons, course.type) for shown in shown_sections(sections, preview=False)]
    document["sections"] = sections
    document["num_sections"] = len(sections)
    document["num_lessons"] = sum(len(section["lessons"]) for section in sections)
    document["enforce_lessons_order"] = course.enforce_lessons_order
    document["paywalls"] = [_paywall(paywall) for paywall in course.paywalls]
    # Absent, never null, when the course file does not set them: no language means the site's.
    if course.language:
        document["language"] = course.language
    if course.level is not None:
        document["level"] = course.level.value
    if course.workload:
        document["workload"] = course.workload
    return document


def _section(section: Section, lessons: tuple[Lesson, ...], course_type: CourseType) -> dict:
    """Return a section with the opening its course's type has (days after joining, a date, or none) and its lessons."""
    shown = {"id": section.id, "name": section.name}
    if course_type is CourseType.STRUCTURED:
        shown["drip_delay"] = section.drip_delay
    elif course_type is CourseType.SCHEDULED:
        shown["dripped_at"] = section.dripped_at
    shown["lessons"] = [{"id": lesson.id, "name": lesson.name, "type": lesson.type.value} for lesson in lessons]
    return shown


def _paywall(paywall: Paywall) -> dict:
    return {"name": paywall.name,
            "payment_prices": [{"unit_amount": price.unit_amount, "currency": price.currency,
                                "recurring_interval": price.recurring_interval or None}
                               for price in paywall.payment_prices]}
