"""The brand as pages show it: the accent colour's derived colours keep WCAG AA on light and dark pages."""

from __future__ import annotations

import pytest
from PIL import Image

from coursegen.content.brand import contrast_ratio
from coursegen.site.brand import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, accent_palette, mix, readable
from tests.conftest import SITE, course


@pytest.mark.parametrize("accent", ["#1c58b0", "#0b6e4f", "#000000", "#767676", "#b3261e", "#6a1b9a", "#005a9c"])
def test_every_derived_colour_keeps_aa_contrast_light_and_dark(accent):
    light, dark = accent_palette(accent)["light"], accent_palette(accent)["dark"]
    for background in LIGHT_BACKGROUNDS:
        assert contrast_ratio(light["--accent"], background) >= 4.5
        assert contrast_ratio(light["--accent-strong"], background) >= 4.5
    assert contrast_ratio(light["--accent"], light["--accent-fg"]) >= 4.5  # the current filter's button
    assert contrast_ratio(light["--tag-fg"], light["--tag"]) >= 4.5
    for background in DARK_BACKGROUNDS:
        assert contrast_ratio(dark["--accent"], background) >= 4.5
        assert contrast_ratio(dark["--accent-strong"], background) >= 4.5
    assert contrast_ratio(dark["--accent"], dark["--accent-fg"]) >= 4.5
    assert contrast_ratio(dark["--tag-fg"], dark["--tag"]) >= 4.5


def test_an_accent_that_passes_on_white_is_darkened_just_enough_for_the_off_white_page():
    assert accent_palette("#1c58b0")["light"]["--accent"] == "#1c58b0"  # already 6.3:1 on the page
    darker = accent_palette("#767676")["light"]["--accent"]  # 4.54 on white, 4.2 on #f7f6f3
    assert darker != "#767676" and contrast_ratio(darker, "#f7f6f3") >= 4.5
    assert mix("#000000", "#ffffff", 0.5) == "#808080"
    assert readable("#ffffff", ("#ffffff",), "#000000") == "#767676" or contrast_ratio(
        readable("#ffffff", ("#ffffff",), "#000000"), "#ffffff") >= 4.5


BRAND = {"logo": "images/logo.png", "accent_color": "#0b6e4f",
         "nav": [{"title": "Forum", "url": "https://forum.example.org/"}, {"title": "Music", "url": "/categories/music/"}],
         "footer_links": [{"title": "About", "url": "https://example.org/about/"}],
         "footer_text": "<script>alert(1)</script> © Test",
         "organization": {"name": "Test Foundation", "url": "https://foundation.example.org/"},
         "twitter_site": "@testacademy"}


def _branded(project, **changes):
    logo = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    logo.paste((11, 110, 79, 255), (50, 50, 350, 150))
    project.content.joinpath("images").mkdir(exist_ok=True)
    logo.save(project.content / "images" / "logo.png")
    project.write("site.yaml", {**SITE, **BRAND, **changes})
    project.add(course(1, "Base Course"))
    assert project.build("--quiet") == 0
    return project.out / "public"


def test_a_branded_site_shows_its_logo_links_footer_and_colour(project):
    public = _branded(project)
    html = (public / "index.html").read_text("utf-8")
    [logo] = [p for p in (public / "images").glob("*.png")]
    assert f'<img class="brand-logo" src="/images/{logo.name}" alt="Test Academy" width="192" height="96">' in html
    with Image.open(logo) as image:
        assert (image.mode, image.size, image.getpixel((0, 0))[3]) == ("RGBA", (192, 96), 0)  # transparency kept
    assert ('<a href="/">All courses</a><a href="https://forum.example.org/">Forum</a>'
            '<a href="/categories/music/">Music</a></nav>') in html
    assert '<p class="footer-text">&lt;script&gt;alert(1)&lt;/script&gt; © Test</p>' in html
    assert '<a href="https://example.org/about/">About</a> · <a href="/feeds/open.feed.json">JSON Feed</a>' in html
    assert '<meta property="og:site_name" content="Test Foundation">' in html
    assert '<meta name="twitter:site" content="@testacademy">' in html
    [css] = (public / "assets").glob("brand.*.css")
    assert f'<link rel="stylesheet" href="/assets/{css.name}">' in html
    assert "--accent: #0b6e4f;" in css.read_text() and "prefers-color-scheme: dark" in css.read_text()
    course_page = (public / "courses" / "base-course" / "index.html").read_text("utf-8")
    assert ('"provider": {"@type": "Organization", "logo": "https://academy.test/images/' + logo.name +
            '", "name": "Test Foundation", "url": "https://foundation.example.org/"}') in course_page


def test_without_a_brand_no_page_names_one(project):
    project.add(course(1, "Base Course"))
    assert project.build("--quiet") == 0
    html = (project.out / "public" / "index.html").read_text("utf-8")
    assert "brand-logo" not in html and "twitter:site" not in html and "footer-text" not in html
    assert '<meta property="og:site_name" content="Test Academy">' in html
    assert not list((project.out / "public" / "assets").glob("brand.*"))
    assert '<a href="/">All courses</a></nav>' in html


def test_a_changed_logo_or_colour_reaches_every_page_on_a_rebuild(project):
    public = _branded(project)
    first = (public / "courses" / "base-course" / "index.html").read_text("utf-8")
    Image.new("RGB", (300, 100), (200, 30, 30)).save(project.content / "images" / "logo.png")
    project.write("site.yaml", {**SITE, **BRAND, "accent_color": "#6a1b9a"})
    assert project.build("--quiet") == 0
    again = (public / "courses" / "base-course" / "index.html").read_text("utf-8")
    assert again != first and 'width="288" height="96"' in again
    [css] = (public / "assets").glob("brand.*.css")
    assert "--accent: #6a1b9a;" in css.read_text() and css.name in again
