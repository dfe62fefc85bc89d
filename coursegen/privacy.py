"""The only place that decides what each privacy level may publish (SPEC section 4).

Every writer of public output asks this module; nothing else looks at `course.privacy`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import NamedTuple

from coursegen.model import Catalog, Category, Course, Lesson, Privacy, Section


class PublicView(Enum):
    """What the public site may show of a course."""

    NONE = "none"  # no page, no mention anywhere public
    LOCK = "lock"  # the lock screen: the Course Minimal subset only, noindex
    FULL = "full"  # the full course page


def public_view(course: Course, *, preview: bool = False) -> PublicView:
    """Return what the public site (or a preview of it) may show of this course."""
    return _view(course.privacy, course.deleted, preview)


def view_of(privacy: str, deleted: bool, *, preview: bool = False) -> PublicView:
    """Return what the public site showed of a manifest's course (its privacy as text): the same rule."""
    return _view(_PRIVACIES.get(privacy), deleted, preview)


_PRIVACIES = {privacy.value: privacy for privacy in Privacy}


def _view(privacy: Privacy | None, deleted: bool, preview: bool) -> PublicView:
    """The rule itself (SPEC section 4), asked millions of times a large build: identity tests only."""
    if deleted:
        return PublicView.NONE
    if privacy is Privacy.OPEN:
        return PublicView.FULL
    if privacy is Privacy.PRIVATE:
        return PublicView.LOCK
    if privacy is Privacy.DRAFT and preview:
        return PublicView.FULL  # with a draft banner; previews are never indexed
    return PublicView.NONE


def has_public_url(course: Course, *, preview: bool = False) -> bool:
    """Return True when the course has a page at its URL (full or lock screen): it may hold a URL, old or new.

    A redirect from an old URL goes only to such a course, and only such a course takes an old URL
    from a redirect: a hidden course that took one would be told by the redirect's disappearance.
    """
    return public_view(course, preview=preview) is not PublicView.NONE


def is_draft(course: Course) -> bool:
    """Return True for a draft, which only a preview shows, under a banner saying so."""
    return course.privacy is Privacy.DRAFT


def returns_to_draft(course: Course, published_as: str) -> bool:
    """Return True when a course published before (as `published_as`) is a draft now: the model forbids it."""
    return course.privacy is Privacy.DRAFT and published_as != Privacy.DRAFT.value


def is_listed(course: Course, *, preview: bool = False) -> bool:
    """Return True when the course may appear in catalog lists, category pages, sitemap and search."""
    return public_view(course, preview=preview) is PublicView.FULL


def listed_courses(catalog: Catalog, *, preview: bool = False) -> tuple[Course, ...]:
    """Return the courses public lists may show, ordered by id."""
    return _remembered(("courses", preview), (catalog.courses,),
                       lambda: tuple(c for c in catalog.courses if is_listed(c, preview=preview)))


def listed_categories(catalog: Catalog, *, preview: bool = False) -> tuple[Category, ...]:
    """Return the categories used by at least one listed course: no others get a page or a mention."""
    def used_categories() -> tuple[Category, ...]:
        used = {category.slug for course in listed_courses(catalog, preview=preview) for category in course.categories}
        return tuple(c for c in catalog.categories if c.slug in used)

    return _remembered(("categories", preview), (catalog.courses, catalog.categories), used_categories)


def listed_category_slugs(catalog: Catalog, *, preview: bool = False) -> frozenset[str]:
    """Return the slugs of listed_categories: the categories a course's chips may link to."""
    return _remembered(("category slugs", preview), (catalog.courses, catalog.categories),
                       lambda: frozenset(c.slug for c in listed_categories(catalog, preview=preview)))


# Every writer of public output asks for the listed courses: about ten times a build, 10 ms each
# at 10,000 courses. The answer is kept for the last catalog asked about, recognised by the
# identity of its (immutable) tuples; the entry holds them, so their identity cannot be reused.
_answers: dict[tuple, tuple[tuple, object]] = {}


def _remembered(question: tuple, catalog_parts: tuple, answer: Callable[[], object]):
    known = _answers.get(question)
    if known is None or any(before is not now for before, now in zip(known[0], catalog_parts)):
        known = _answers[question] = (catalog_parts, answer())
    return known[1]


def is_public_feed_item(course: Course) -> bool:
    """Return True when the course belongs in the public model feed (open.json)."""
    return not course.deleted and course.privacy is Privacy.OPEN


def restricted_feed(course: Course) -> str | None:
    """Return the restricted feed a course belongs to (private, secret, draft), or None."""
    if course.deleted or course.privacy is Privacy.OPEN:
        return None
    return {Privacy.PRIVATE: "private", Privacy.SECRET: "secret", Privacy.DRAFT: "draft"}[course.privacy]


def detail_folder(course: Course) -> str | None:
    """Return where a course's detail document (SPEC section 7) goes: "public", "restricted", or None (deleted).

    The same rule as the model feeds: open courses in public, private, secret and drafts in
    restricted (previews included: a draft's syllabus is never public), deleted ones nowhere.
    """
    if is_public_feed_item(course):
        return "public"
    return None if restricted_feed(course) is None else "restricted"


def needs_description(privacy: str, deleted: bool, meta_description: str, *, preview: bool = False) -> bool:
    """Return True when anything a build writes uses the course's rendered description.

    Its HTML appears only on a full course page and in the feed of listed courses; its first
    paragraph only where meta_description is empty (the meta and feed fallbacks). A deleted
    course is written nowhere. Skipping the rest saves the Markdown work of a third of a
    typical catalog. Takes the raw fields so that a parser can decide before a Course exists.
    """
    if deleted:
        return False
    full = privacy == Privacy.OPEN.value or (privacy == Privacy.DRAFT.value and preview)
    return full or not meta_description.strip()


class ShownSection(NamedTuple):
    """A section as a page shows it: only the lessons it shows, and whether members cannot see it yet.

    A NamedTuple, not a frozen dataclass: made for every section of a course's page, JSON-LD and
    detail document, and a tuple is made in a third of the time.
    """

    section: Section
    lessons: tuple[Lesson, ...]
    draft: bool  # no published lesson: only previews show it


def shown_sections(sections: tuple[Section, ...], *, preview: bool) -> tuple[ShownSection, ...]:
    """Return the sections a page shows, in order, with the lessons it shows of each.

    Draft lessons, and sections with no published lesson, are shown only in previews (the API
    hides them from members), marked there as drafts. shown_counts counts by the same rule.
    """
    shown = []
    for section in sections:
        lessons = section.lessons
        published = [lesson for lesson in lessons if lesson.published]
        if preview:
            shown.append(ShownSection(section, lessons, not published))
        elif published:
            # Usually every lesson is published: the section's own tuple, not a copy of it.
            shown.append(ShownSection(section, lessons if len(published) == len(lessons) else tuple(published), False))
    return tuple(shown)


def shown_counts(published: Sequence[Sequence[bool]], *, preview: bool) -> tuple[int, int]:
    """Return how many sections and lessons shown_sections shows, from each section's lessons' published flags.

    What a listing's card counts, made when a course is resolved: its sections are not read again.
    """
    if preview:
        return len(published), sum(len(flags) for flags in published)
    lessons = [sum(flags) for flags in published]
    return sum(1 for count in lessons if count), sum(lessons)
