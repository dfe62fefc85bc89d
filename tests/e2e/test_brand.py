"""The example site's brand (content/site.yaml, SPEC §8) in headless Chromium: logo, nav, footer, accent colour,
and no serious accessibility violation with it, on a phone and a desktop, light and dark."""

from __future__ import annotations

import pytest
import yaml

from coursegen.content.brand import contrast_ratio
from coursegen.model import Privacy
from coursegen.site.brand import accent_palette
from coursegen.urls import course_path, page_url
from tests.e2e.conftest import ARTIFACTS, EXAMPLE, WIDTHS

SERIOUS = ("serious", "critical")
SETTINGS = yaml.safe_load((EXAMPLE / "site.yaml").read_text("utf-8"))


def rgb(colour: str) -> str:
    """Return a #rrggbb colour as getComputedStyle prints it."""
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def branded_paths(site) -> list[str]:
    course = next(c for c in site.courses(Privacy.OPEN) if c.categories)
    return ["/", page_url(course_path(course.slug))]


def test_the_example_sets_every_brand_setting():
    assert {"logo", "accent_color", "nav", "footer_links", "footer_text", "organization", "twitter_site"} <= set(SETTINGS)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_logo_nav_and_footer_render_on_every_branded_page(browser, site, width):
    context = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width])))
    page = context.new_page()
    try:
        for path in branded_paths(site):
            page.goto(site.page(path), wait_until="networkidle")
            logo = page.locator("header .brand img.brand-logo")
            assert logo.get_attribute("alt") == site.catalog.site.title
            box = logo.bounding_box()
            assert page.evaluate("img => img.complete && img.naturalWidth > 0", logo.element_handle())
            assert box is not None and 30 <= box["height"] <= 48 and box["width"] > 0  # shown 2.5rem high
            nav = page.locator("header nav.site-nav a")
            assert nav.all_inner_texts() == ["All courses", *(item["title"] for item in SETTINGS["nav"])]
            assert [nav.nth(i).get_attribute("href") for i in range(1, nav.count())] == [
                item["url"] for item in SETTINGS["nav"]]
            for item in SETTINGS["nav"] + SETTINGS["footer_links"]:  # visible: not clipped off a phone's screen
                link = page.locator(f'a[href="{item["url"]}"]', has_text=item["title"]).first
                link.scroll_into_view_if_needed()
                assert link.is_visible(), (path, item)
            footer = page.locator("footer.site-footer")
            assert SETTINGS["footer_text"] in footer.inner_text()
            assert "templates/_footer_note.html" in footer.inner_text()  # the repository's own override
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0]  # nothing overflows
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_accent_colour_applies_with_aa_contrast(browser, site, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    expected = accent_palette(SETTINGS["accent_color"])[scheme]["--accent"]
    if scheme == "light":
        assert expected == SETTINGS["accent_color"]  # the example's colour is used as it is
    try:
        page.goto(site.page("/"), wait_until="networkidle")
        link = page.locator("header nav.site-nav a").nth(1)
        assert link.evaluate("a => getComputedStyle(a).color") == rgb(expected)
        current = page.locator('.filter-group a[aria-current="page"]').first  # the filter button filled with it
        assert current.evaluate("a => getComputedStyle(a).backgroundColor") == rgb(expected)
        background = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        channels = [int(n) for n in background[4:-1].split(",")]
        assert contrast_ratio(expected, "#{:02x}{:02x}{:02x}".format(*channels)) >= 4.5
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_axe_finds_no_serious_violation_on_branded_pages(browser, site, axe_source, width, scheme):
    viewport = dict(zip(("width", "height"), WIDTHS[width]))
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    try:
        for number, path in enumerate(branded_paths(site)):
            page.goto(site.page(path), wait_until="networkidle")
            page.add_script_tag(content=axe_source)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
                       for v in result["violations"] if v["impact"] in SERIOUS]
            assert serious == [], (path, width, scheme, serious)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"brand-{('home', 'course')[number]}-{width}-{scheme}.png"))
    finally:
        context.close()
