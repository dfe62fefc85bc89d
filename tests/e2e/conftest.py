"""The example site built once, served on 127.0.0.1, and a headless Chromium to browse it with."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursegen.cli import main
from coursegen.commands.check import check
from coursegen.commands.options import Options
from coursegen.content import safe_yaml
from coursegen.content.syllabi import syllabus_rows
from coursegen.model import Catalog, Privacy, Section
from coursegen.site.descriptions import sections_from_rows
from tests.conftest import REPO

EXAMPLE = REPO / "content"  # the repository's example catalog: every type and privacy level
ARTIFACTS = REPO / "test-artifacts"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve public/ as a static host does: a missing file is 404.html with status 404."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # keep test output quiet
        pass


@dataclass(frozen=True)
class Site:
    """The built example site: where it is on disk, where it is served, and what it was built from."""

    public: Path
    url: str  # ends with "/"
    catalog: Catalog

    def courses(self, privacy: Privacy) -> list:
        return [c for c in self.catalog.courses if c.privacy is privacy and not c.deleted]

    def page(self, path: str) -> str:
        return self.url + path.lstrip("/")

    def sections(self, course) -> tuple[Section, ...]:
        """Return a course's sections as its file writes them (a course carries only their key and counts)."""
        data = safe_yaml.parse((EXAMPLE / course.source).read_text("utf-8"))
        return sections_from_rows(syllabus_rows(data.get("sections", []))[1] or b"[]")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """Build the example catalog with base_url set to a local server, and serve it for the session."""
    root = tmp_path_factory.mktemp("e2e")
    content = EXAMPLE
    assert (content / "site.yaml").is_file(), "the browser tests build the repository's example catalog in content/"

    def build(url: str) -> Path:
        assert main(["build", "--content", str(content), "--out", str(root / "output"), "--base-url", url]) == 0
        return root / "output" / "public"

    with served_on_localhost(build) as (url, public):
        yield Site(public, url, check(Options(content=content, base_url=url)).catalog)


@contextmanager
def served_on_localhost(build: Callable[[str], Path]) -> Iterator[tuple[str, Path]]:
    """Serve on 127.0.0.1 the public/ folder that build(url) makes for the server's own URL; yield (url, public)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        public = build(url)
        server.RequestHandlerClass = functools.partial(SiteHandler, directory=str(public))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield url, public
        server.shutdown()
    finally:
        server.server_close()


def chromium_path() -> str:
    """Return Debian's Chromium (COURSEGEN_CHROMIUM overrides); the tests never download a browser."""
    path = os.environ.get("COURSEGEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(path).is_file(), f"Chromium not found at {path}: run `make setup` (apt-get install chromium)"
    return path


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright, closed when its module's tests end (it uses CPU)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page; the test fails if the page logs a console error or throws."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = watch_errors(page)
    yield page
    context.close()


def watch_errors(page) -> list[str]:
    """Return a list that collects the page's console errors, uncaught exceptions and failed requests."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    return errors


@pytest.fixture(scope="session")
def axe_source() -> str:
    """Return axe-core's browser bundle, installed by `npm ci` from package.json."""
    assert AXE.is_file(), f"{AXE.relative_to(REPO)} is missing: run `make setup` (npm ci)"
    return AXE.read_text("utf-8")


def pytest_collection_modifyitems(items):
    """Every test in this folder drives the browser: mark it so (pytest -m "not browser" leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
