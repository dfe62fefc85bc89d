"""What a learner decides on, in the browser (SPEC §7): the syllabus, the facts, the join link, the lock screen."""

from __future__ import annotations

import re

import pytest

from coursegen.model import CourseType, LessonType, Privacy
from coursegen.urls import course_path, page_url
from tests.e2e.conftest import WIDTHS
from tests.e2e.test_browser import SERIOUS, visit


def with_syllabus(site, privacy: Privacy = Privacy.OPEN) -> list:
    """Return the example's courses of a privacy level that have a published lesson."""
    return [c for c in site.courses(privacy) if any(l.published for s in site.sections(c) for l in s.lessons)]


def one_of_each_type(site) -> list:
    by_type = {c.type: c for c in reversed(with_syllabus(site))}
    assert set(by_type) == set(CourseType), "the example catalog should have a syllabus on a course of each type"
    return [by_type[t] for t in CourseType]


def join_url(site, course) -> str:
    return site.catalog.site.join_url.replace("{id}", str(course.id)).replace("{slug}", course.slug)


def test_each_open_course_reads_its_published_syllabus_in_order(page, site):
    for course in with_syllabus(site):
        visit(page, site, page_url(course_path(course.slug)))
        region = page.get_by_role("region", name="Syllabus")
        assert region.is_visible(), course.slug
        published = [(s, [l for l in s.lessons if l.published]) for s in site.sections(course)]
        published = [(s, lessons) for s, lessons in published if lessons]
        lessons = sum(len(each) for _, each in published)
        summary = region.locator(".syllabus-summary").inner_text()
        assert summary.startswith(f"{len(published)} section{'s' if len(published) != 1 else ''} · {lessons} lesson")
        assert ("Lessons unlock in order" in summary) is course.enforce_lessons_order
        shown = region.locator(".section")
        assert shown.locator(".section-title").all_inner_texts() == [s.name for s, _ in published], course.slug
        for index, (section, section_lessons) in enumerate(published):
            items = shown.nth(index).locator(".lessons > li")
            texts = [" ".join(t.split()) for t in items.all_text_contents()]  # as read aloud: "Quiz", not "QUIZ"
            assert [t.removesuffix(" Quiz").strip() for t in texts] == [l.name for l in section_lessons]
            for text, lesson in zip(texts, section_lessons):
                assert text.endswith("Quiz") is (lesson.type is LessonType.QUIZ), text  # in words, not colour
            meta = shown.nth(index).locator(".section-meta").inner_text()
            if course.type is CourseType.SCHEDULED:
                assert re.search(r"Opens on \w+ \d{1,2}, \d{4}$", meta), meta
            elif course.type is CourseType.STRUCTURED and section.drip_delay:
                assert meta.endswith(f"Opens {section.drip_delay} day{'s' if section.drip_delay != 1 else ''} "
                                     "after you join"), meta
            else:
                assert "Opens" not in meta, meta
        drafts = [l.name for s in site.sections(course) for l in s.lessons if not l.published]
        drafts += [s.name for s in site.sections(course) if not any(l.published for l in s.lessons)]
        text = region.inner_text()
        assert [name for name in drafts if name in text] == [] and "Draft" not in text
    assert page.console_errors == []


def test_an_open_course_has_a_primary_join_link_and_its_facts(page, site):
    assert site.catalog.site.join_url, "the example site.yaml should set join_url"
    for course in one_of_each_type(site):
        visit(page, site, page_url(course_path(course.slug)))
        join = page.get_by_role("link", name="Join this course")
        assert join.is_visible()
        assert join.get_attribute("href") == join_url(site, course)
        assert "button" in join.get_attribute("class").split()
        facts = page.get_by_role("complementary", name="About this course")
        for label in ("Price", "Language"):
            assert facts.get_by_text(label, exact=True).is_visible(), (course.slug, label)
        if course.level is not None:
            assert facts.get_by_text(course.level.value.capitalize(), exact=True).is_visible()
        if course.workload:
            assert facts.get_by_text(course.workload, exact=True).is_visible()
        if not course.paywalls:
            assert facts.get_by_text("Free", exact=True).is_visible()


def test_a_lock_screen_offers_request_access_and_keeps_the_syllabus_back(page, site):
    private = next((c for c in with_syllabus(site, Privacy.PRIVATE) if c.paywalls and c.level and c.workload), None)
    assert private is not None, "the example should have a private course with a syllabus, a price, a level, a workload"
    visit(page, site, page_url(course_path(private.slug)))
    request = page.get_by_role("link", name="Request access")
    assert request.is_visible() and request.get_attribute("href") == join_url(site, private)
    assert page.get_by_role("link", name="Join this course").count() == 0
    text = page.locator("main").inner_text()
    kept_back = [private.workload, private.level.value, "Syllabus", "lesson", "Price", "Level", "Workload"]
    kept_back += [s.name for s in site.sections(private)] + [l.name for s in site.sections(private) for l in s.lessons]
    assert [word for word in kept_back if word.lower() in text.lower()] == []


def test_cards_show_the_price_lessons_and_level(page, site):
    visit(page, site, "/")
    for course in with_syllabus(site):
        card = page.locator(".card", has=page.get_by_role("link", name=course.name, exact=True))
        facts = card.locator(".card-facts").inner_text()
        lessons = sum(1 for s in site.sections(course) for l in s.lessons if l.published)
        assert f"{lessons} lesson" in facts, facts
        if course.level is not None:
            assert facts.endswith(course.level.value.capitalize()), facts
        assert facts.startswith("Free") is (not course.paywalls), facts


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_finds_nothing_serious_on_the_learner_s_pages(browser, site, axe_source, scheme, width):
    viewport_width, height = WIDTHS[width]
    context = browser.new_context(viewport={"width": viewport_width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    paths = ["/"] + [page_url(course_path(c.slug)) for c in one_of_each_type(site)]
    paths += [page_url(course_path(c.slug)) for c in with_syllabus(site, Privacy.PRIVATE)[:1]]
    try:
        for path in paths:
            page.goto(site.page(path), wait_until="networkidle")
            assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), (path, width)
            page.add_script_tag(content=axe_source)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
                       for v in result["violations"] if v["impact"] in SERIOUS]
            assert serious == [], (path, scheme, width, serious)
    finally:
        context.close()
