"""The built example site in headless Chromium: pages, search, filters, privacy, accessibility, screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coursegen.model import Privacy
from coursegen.urls import course_path, page_url, type_path
from tests.e2e.conftest import ARTIFACTS, WIDTHS

SERIOUS = ("serious", "critical")


def open_course(site):
    """Return the first open course with at least one category (every example has one)."""
    return next(c for c in site.courses(Privacy.OPEN) if c.categories)


def listing_pages(site) -> list[str]:
    return sorted(page_url(p.relative_to(site.public).as_posix()) for p in site.public.rglob("index.html")
                  if not p.relative_to(site.public).as_posix().startswith("courses/"))


def visit(page, site, path: str, status: int = 200):
    response = page.goto(site.page(path), wait_until="networkidle")
    assert response is not None and response.status == status, path
    return response


def test_every_listing_and_open_course_page_loads_without_console_errors(page, site):
    paths = listing_pages(site) + [page_url(course_path(c.slug)) for c in site.courses(Privacy.OPEN)]
    for path in paths:
        visit(page, site, path)
        assert page.locator("h1").count() == 1, path
    assert page.console_errors == []


def test_search_finds_an_open_course_by_a_word_of_its_name(page, site):
    course = open_course(site)
    visit(page, site, "/")
    search = page.get_by_label("Search courses")
    assert search.is_visible()
    word = max(re.findall(r"\w+", course.name), key=len)
    search.fill(word)
    results = page.locator("#search-results")
    results.wait_for(state="visible")
    assert course.name in results.locator(".card-title").all_inner_texts()
    assert re.search(r"\d+ courses? found", page.locator("#search-status").inner_text())
    assert not page.locator("#listing").is_visible()
    results.get_by_role("link", name=course.name).click()
    page.wait_for_load_state()
    assert page.url == site.page(page_url(course_path(course.slug))), page.url
    assert page.locator("h1").inner_text() == course.name
    assert page.console_errors == []


def test_search_never_finds_a_course_that_is_not_open(page, site):
    hidden = [c for c in site.catalog.courses if c.privacy is not Privacy.OPEN or c.deleted]
    assert hidden, "the example catalog should have private, secret, draft and deleted courses"
    visit(page, site, "/")
    for course in hidden:
        page.get_by_label("Search courses").fill(course.name)
        expect(page.locator("#search-status")).to_have_text("0 courses found.")
    page.get_by_label("Search courses").fill("")
    expect(page.locator("#listing")).to_be_visible()


def test_type_and_category_menus_narrow_results_in_place(page, site):
    course = open_course(site)
    visit(page, site, "/")
    page.get_by_label("Type", exact=True).select_option(course.type.value)
    results = page.locator("#search-results")
    results.wait_for(state="visible")
    types = results.locator(".card-type").all_inner_texts()
    assert types and set(types) == {course.type.label}
    expected = [c.name for c in site.courses(Privacy.OPEN) if c.type is course.type]
    assert sorted(results.locator(".card-title").all_inner_texts()) == sorted(expected)
    assert f"type={course.type.value}" in page.url  # the filtered view can be shared
    category = course.categories[0]
    page.get_by_label("Category", exact=True).select_option(category.slug)
    expected = [c.name for c in site.courses(Privacy.OPEN) if c.type is course.type and category in c.categories]
    expect(results.locator(".card-title")).to_have_count(len(expected))
    assert sorted(results.locator(".card-title").all_inner_texts()) == sorted(expected)
    page.get_by_label("Type", exact=True).select_option("")
    page.get_by_label("Category", exact=True).select_option("")
    expect(page.locator("#listing")).to_be_visible()
    assert "?" not in page.url


def test_filter_links_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    course = open_course(site)
    category = course.categories[0]
    try:
        page.goto(site.page("/"))
        assert not page.locator("form.search").is_visible()  # nothing that needs a script is shown
        filters = page.get_by_role("navigation", name="Filter courses")
        filters.get_by_role("link", name=course.type.label, exact=True).click()
        assert page.url == site.page(page_url(type_path(course.type.value)))
        assert page.locator("h1").inner_text() == f"{course.type.label} courses"
        assert set(page.locator(".card-type").all_inner_texts()) == {course.type.label}
        page.get_by_role("navigation", name="Filter courses").get_by_role("link", name=category.name, exact=True).click()
        assert page.locator("h1").inner_text() == category.name
        names = page.locator(".card-title").all_inner_texts()
        assert course.name in names
    finally:
        context.close()


def test_course_page_has_breadcrumbs_type_explanation_creator_and_categories(page, site):
    course = open_course(site)
    visit(page, site, page_url(course_path(course.slug)))
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link", name="Courses").is_visible()
    assert page.get_by_text(course.type.explanation).is_visible()
    facts = page.locator(".course-facts")
    assert (course.created_by.real_name or course.created_by.username) in facts.inner_text()
    for category in course.categories:
        assert category.name in facts.inner_text()


def test_private_course_shows_only_its_lock_screen(page, site):
    private = site.courses(Privacy.PRIVATE)
    assert private, "the example catalog should have a private course"
    for course in private:
        visit(page, site, page_url(course_path(course.slug)))
        assert page.locator("h1").inner_text() == course.name
        assert page.get_by_text("Invited members only.").is_visible()
        assert page.locator(".description").count() == 0
        assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    assert page.console_errors == []


def test_secret_course_url_is_a_404(page, site):
    secret = site.courses(Privacy.SECRET)
    assert secret, "the example catalog should have a secret course"
    for course in secret:
        visit(page, site, page_url(course_path(course.slug)), status=404)
        assert page.locator("h1").inner_text() == "Page not found"
        assert course.name not in page.content()


def test_keyboard_user_reaches_skip_link_first_and_sees_focus(page, site):
    visit(page, site, "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(browser, site, axe_source, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    paths = ["/", page_url(course_path(open_course(site).slug)),
             page_url(type_path(open_course(site).type.value)), "/no-such-page/"]
    paths += [page_url(course_path(c.slug)) for c in site.courses(Privacy.PRIVATE)[:1]]
    try:
        for path in paths:
            page.goto(site.page(path), wait_until="networkidle")
            page.add_script_tag(content=axe_source)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
                       for v in result["violations"] if v["impact"] in SERIOUS]
            assert serious == [], (path, scheme, serious)
    finally:
        context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_screenshots_at_phone_and_desktop_widths(browser, site, width):
    ARTIFACTS.mkdir(exist_ok=True)
    viewport_width, height = WIDTHS[width]
    context = browser.new_context(viewport={"width": viewport_width, "height": height})
    page = context.new_page()
    shots = {"home": "/", "course": page_url(course_path(open_course(site).slug)), "404": "/no-such-page/"}
    shots.update({"lock": page_url(course_path(c.slug)) for c in site.courses(Privacy.PRIVATE)[:1]})
    try:
        for name, path in shots.items():
            page.goto(site.page(path), wait_until="networkidle")
            target = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{name} scrolls sideways at {viewport_width}px"
    finally:
        context.close()
    dark = browser.new_context(viewport={"width": viewport_width, "height": height}, color_scheme="dark")
    try:
        page = dark.new_page()
        for name in ("home", "course"):
            page.goto(site.page(shots[name]), wait_until="networkidle")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-dark.png"), full_page=True)
    finally:
        dark.close()
