"""What machines read to discover the site: sitemaps, robots.txt and the public search index."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from html import escape

import orjson

from generator.site import head

from generator.site import views
from generator.incremental.keys import kept, reuse
from generator.model import Rendered
from generator.model import Catalog
from generator.privacy import listed_category_slugs, listed_courses
from generator.urls import absolute_url, course_path

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


def search_index(catalog: Catalog, rendered: Mapping[int, Rendered], keys: dict[int, bytes],
                 known: dict[int, tuple[bytes, bytes]], *, preview: bool) -> tuple[list[bytes], dict]:
    """Return public/search.json as pieces to write in turn, and its entries by course id for the next build's `known`.

    Only the listed courses are in it, each as its card shows it, plus a summary. It is a
    public file: built from privacy.listed_courses and listed_categories, never from the whole
    catalog, so a private, secret, draft or deleted course cannot reach it. An entry whose
    course key is unchanged since the last build is taken from `known` as it is.
    """
    site = catalog.site
    listed_slugs = listed_category_slugs(catalog, preview=preview)
    def entry(course) -> bytes:  # made only where the course key changed
        # The excerpt is read only where the summary falls back to it: past store.IN_MEMORY
        # descriptions, each read is a query.
        excerpt = "" if course.meta_description else rendered[course.id].excerpt
        summary = head.effective_meta(course, site, excerpt, "").meta_description
        return kept(orjson.dumps(views.search_entry(course, site, listed_slugs, summary)))

    entries = {course.id: reuse(known, course.id, keys[course.id], partial(entry, course))
               for course in listed_courses(catalog, preview=preview)}
    pieces = [b'{"courses":[']
    for _, entry in entries.values():
        pieces += (entry, b",")
    pieces[-1:] = [b"]}\n"] if len(pieces) > 1 else [b'{"courses":[]}\n']  # 28 MB at 100,000 courses, never joined
    return pieces, entries
