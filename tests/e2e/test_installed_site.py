"""The site a new user gets, checked as the example site is: `coursegen new site` built by the
wheel installed outside the repository (tests/conftest.py), served on 127.0.0.1.

Every page: no console error or failed request, no serious or critical axe violation and no
sideways scroll at phone and desktop widths, light and dark; every internal link resolves.
"""

from __future__ import annotations

import pytest

from tests.conftest import run_installed
from tests.e2e.conftest import WIDTHS, served_on_localhost, watch_errors
from tests.e2e.test_browser import SERIOUS
from tests.e2e.test_links import parse, target_file

pytestmark = pytest.mark.slow  # it installs the wheel into a fresh environment


@pytest.fixture(scope="module")
def served(demo, tmp_path_factory):
    """The new site, built by the installed coursegen for a local address and served there: (url, public)."""
    venv, project = demo
    out = tmp_path_factory.mktemp("installed") / "output"

    def build(url: str):
        run_installed(venv / "bin" / "coursegen", "build", "--quiet", "--out", out, "--base-url", url, cwd=project)
        return out / "public"

    with served_on_localhost(build) as served:
        yield served


def pages_of(public) -> list[str]:
    return sorted("/" + p.relative_to(public).as_posix().removesuffix("index.html")
                  for p in public.rglob("*.html"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_of_a_new_site_is_clean_in_a_browser(browser, served, axe_source, width, scheme):
    url, public = served
    paths = pages_of(public)
    assert "/courses/python-first-steps/" in paths and len(paths) >= 5
    viewport_width, height = WIDTHS[width]
    context = browser.new_context(viewport={"width": viewport_width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        for path in paths:
            page.goto(url + path.lstrip("/"), wait_until="networkidle")
            page.add_script_tag(content=axe_source)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            serious = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]
                       if v["impact"] in SERIOUS]
            assert serious == [], (path, width, scheme, serious)
            assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), (path, width)
        assert errors == [], errors
    finally:
        context.close()


def test_every_internal_link_of_a_new_site_resolves(served):
    url, public = served
    broken = [(page.relative_to(public).as_posix(), link) for page in public.rglob("*.html")
              for link in parse(page).urls
              if (target := target_file(public, url, link, page)) is not None and not target.is_file()]
    assert broken == []
