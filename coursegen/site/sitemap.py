"""What crawlers read: sitemap.xml (an index past 50,000 URLs) and robots.txt; never a page that is not indexable."""

from __future__ import annotations

from html import escape

from coursegen.model import Catalog
from coursegen.privacy import listed_courses
from coursegen.urls import absolute_url, course_path

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org); past it, sitemap.xml becomes an index
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
INDEXABLE_PREFIXES = ("categories/", "types/", "page/")


def render_sitemap(catalog: Catalog, pages: dict[str, bytes], *, preview: bool,
                   limit: int = SITEMAP_LIMIT) -> dict[str, bytes]:
    """Return sitemap.xml (an index of sitemap-N.xml past `limit` URLs; none in previews) and robots.txt."""
    site = catalog.site
    if preview:
        return {"robots.txt": b"User-agent: *\nAllow: /\n"}
    listed = {course_path(c.slug) for c in listed_courses(catalog)}
    urls = [absolute_url(site.base_url, path) for path in sorted(pages)
            if path in listed or path.startswith(INDEXABLE_PREFIXES) or path == "index.html"]
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {site.base_url}sitemap.xml\n".encode("utf-8")
    if len(urls) <= limit:
        return {"sitemap.xml": _urlset(urls), "robots.txt": robots}
    chunks = [urls[i:i + limit] for i in range(0, len(urls), limit)]
    files = {f"sitemap-{n}.xml": _urlset(chunk) for n, chunk in enumerate(chunks, start=1)}
    files["sitemap.xml"] = _sitemap_index([site.base_url + name for name in files])
    files["robots.txt"] = robots
    return files


def _xml_text(text: str) -> str:
    # &, < and > as XML text needs them; xml.sax.saxutils would do the same but imports urllib (40 ms).
    return escape(text, quote=False)


def _urlset(urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"  <url><loc>{_xml_text(url)}</loc></url>" for url in urls]
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def _sitemap_index(urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"  <sitemap><loc>{_xml_text(url)}</loc></sitemap>" for url in urls]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode("utf-8")


