"""What a learner decides on (SPEC §7): the syllabus as it reads, the facts catalogs compare, the join link.

Pure functions from a Course and the SiteConfig to template values. The course page, its JSON-LD
and its detail document are made from privacy.shown_sections, and its card from the counts made
by the same rule, so that they never disagree about what a member will find: draft lessons, and
sections with no published lesson, are shown only in previews, marked there as drafts.
"""

from __future__ import annotations

from coursegen.model import Course, CourseType, LessonType, Price, Section, SiteConfig
from coursegen.privacy import ShownSection
from coursegen.site import formats
from coursegen.words import counted


def lesson_count(sections: tuple[ShownSection, ...]) -> int:
    return sum(len(shown.lessons) for shown in sections)


def syllabus_view(course: Course, site: SiteConfig, sections: tuple[ShownSection, ...]) -> dict | None:
    """Return the syllabus as the course page reads it, or None for a course without one."""
    if not sections:
        return None
    return {
        "summary": f"{counted(len(sections), 'section')} · {counted(lesson_count(sections), 'lesson')}",
        "in_order": course.enforce_lessons_order,
        "sections": [{
            "name": shown.section.name,
            "draft": shown.draft,
            "count": counted(len(shown.lessons), "lesson"),
            "opens": opening(course.type, shown.section, site.language),
            "lessons": [{"name": lesson.name, "quiz": lesson.type is LessonType.QUIZ, "draft": not lesson.published}
                        for lesson in shown.lessons],
        } for shown in sections],
    }


def opening(course_type: CourseType, section: Section, site_language: str) -> dict | None:
    """Return when a section opens, in words, or None when it is open from the day a member joins.

    A scheduled course's sections open on a date; a structured course's, days after a member
    joins; a self-paced course's, at once.
    """
    if course_type is CourseType.SCHEDULED and section.dripped_at:
        return {"text": "Opens on", "date": formats.long_date(section.dripped_at, site_language),
                "datetime": section.dripped_at[:10]}
    if course_type is CourseType.STRUCTURED and section.drip_delay > 0:
        return {"text": f"Opens {counted(section.drip_delay, 'day')} after you join", "date": "", "datetime": ""}
    return None


def language_tag(course: Course, site: SiteConfig) -> str:
    """Return the language a course is taught in: its own, else the site's."""
    return course.language or site.language


def level_label(course: Course) -> str:
    return course.level.value.capitalize() if course.level is not None else ""


def prices(course: Course) -> tuple[Price, ...]:
    """Return every distinct price of a course's paywalls, in the order written; none for a free course."""
    return tuple(dict.fromkeys(price for paywall in course.paywalls for price in paywall.payment_prices))


def price_text(course: Course, site: SiteConfig) -> str:
    """Return what a course costs: "Free", "€49.00", "€9.00 / month", "€49.00 or €9.00 / month"."""
    found = prices(course)
    if not found:
        return "Free"
    return formats.either(tuple(_one_price(price, site.language) for price in found), site.language)


def _one_price(price: Price, site_language: str) -> str:
    amount = formats.money(price.unit_amount, price.currency, site_language)
    # The schema allows week, month and year: each is also the word after "/".
    return f"{amount} / {price.recurring_interval}" if price.recurring_interval else amount


def facts_view(course: Course, site: SiteConfig) -> dict:
    """Return the facts a course page lists beside its description ("" for one the course does not give)."""
    return {
        "price": price_text(course, site),
        "level": level_label(course),
        "language": formats.language_name(language_tag(course, site), site.language),
        "workload": course.workload,
    }


def card_facts(course: Course, site: SiteConfig, *, preview: bool) -> dict:
    """Return what a card shows to help choose: the lesson count, the level and the price."""
    sections, lessons = course.syllabus.counts(preview=preview)
    return {
        "lessons": counted(lessons, "lesson") if sections else "",
        "level": level_label(course),
        "price": price_text(course, site),
    }


def join_url(course: Course, site: SiteConfig) -> str:
    """Return site.yaml's join_url with the course's id and slug put in, or "" where the site sets none.

    Replaced, not str.format-ted: any other brace in the URL is the site's, and stays.
    The slug is URL-safe already (slugs are [a-z0-9-]), the id an integer.
    """
    if not site.join_url:
        return ""
    return site.join_url.replace("{id}", str(course.id)).replace("{slug}", course.slug)
