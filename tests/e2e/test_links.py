"""The built example site as files: every internal link resolves, every sitemap URL is an indexable page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from tests.conftest import REPO

SCHEMAS = REPO / "tests" / "data" / "sitemaps"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
LINK_ATTRIBUTES = {"href", "src", "data-index"}
META_URLS = {"og:url", "og:image", "twitter:image"}


class Links(HTMLParser):
    """Collect every URL a page refers to through href, src and srcset, and its robots meta."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.robots = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in LINK_ATTRIBUTES and value]
        if values.get("srcset"):
            self.urls += [part.split()[0] for part in values["srcset"].split(",") if part.strip()]
        if tag == "meta" and (values.get("property") or values.get("name")) in META_URLS:
            self.urls.append(values.get("content") or "")
        if tag == "meta" and values.get("name") == "robots":
            self.robots = values.get("content") or ""


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text("utf-8"))
    return parser


def target_file(public: Path, site_url: str, url: str, page: Path) -> Path | None:
    """Return the file an internal URL names, or None for an external URL."""
    if url.startswith(site_url):
        url = "/" + url[len(site_url):]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("#"):
        return None
    path = unquote(parts.path)
    base = public if path.startswith("/") else page.parent
    target = base / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def test_every_internal_link_and_asset_resolves_to_a_file(site):
    pages = sorted(site.public.rglob("*.html"))
    assert len(pages) > 5
    broken = []
    for page in pages:
        for url in parse(page).urls:
            target = target_file(site.public, site.url, url, page)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(site.public)}: {url}")
    assert broken == []


def sitemap_urls(site) -> list[str]:
    root = etree.parse(str(site.public / "sitemap.xml")).getroot()
    if root.tag.endswith("sitemapindex"):
        files = [site.public / loc.text[len(site.url):] for loc in root.findall("sm:sitemap/sm:loc", NS)]
    else:
        files = [site.public / "sitemap.xml"]
    return [loc.text for path in files for loc in etree.parse(str(path)).getroot().findall("sm:url/sm:loc", NS)]


def test_every_sitemap_url_is_an_existing_indexable_page(site):
    urls = sitemap_urls(site)
    assert site.url in urls
    for url in urls:
        assert url.startswith(site.url), url
        page = site.public / url[len(site.url):] / "index.html"
        assert page.is_file(), url
        assert "noindex" not in parse(page).robots, url


def test_every_indexable_page_is_in_the_sitemap(site):
    urls = set(sitemap_urls(site))
    for page in site.public.rglob("index.html"):
        if "noindex" not in parse(page).robots:
            assert site.url + page.parent.relative_to(site.public).as_posix().removeprefix(".") + "/" in urls \
                or page.parent == site.public, page


def test_sitemap_and_robots_follow_the_protocol(site):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    document = etree.parse(str(site.public / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    robots = (site.public / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {site.url}sitemap.xml" in robots.splitlines()
    assert "Disallow: /" not in robots
