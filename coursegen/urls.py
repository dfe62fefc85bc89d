"""Slugs, output paths and absolute URLs: the one place that decides where a page lives."""

from __future__ import annotations

from slugify import slugify

SLUG_MAX_LENGTH = 80
COURSES_DIR = "courses"  # every course page lives under it


def make_slug(name: str) -> str:
    """Return an ASCII, lowercase, '-'-separated slug: "Café Crème" becomes "cafe-creme"."""
    return slugify(name, max_length=SLUG_MAX_LENGTH, word_boundary=True)


def course_path(slug: str) -> str:
    """Return the output path of a course page, relative to public/."""
    return f"{COURSES_DIR}/{slug}/index.html"


def category_path(slug: str) -> str:
    """Return the output path of a category page, relative to public/."""
    return f"categories/{slug}/index.html"


def type_path(type_value: str) -> str:
    """Return the output path of the listing of one course type ("self-paced"), relative to public/."""
    return f"types/{type_value}/index.html"


def paged_path(first_path: str, page: int) -> str:
    """Return the output path of page `page` (1-based) of a listing whose first page is `first_path`."""
    return first_path if page == 1 else first_path.removesuffix("index.html") + f"page/{page}/index.html"


def index_path(page: int) -> str:
    """Return the output path of page `page` (1-based) of the catalog."""
    return "index.html" if page == 1 else f"page/{page}/index.html"


def page_url(path: str) -> str:
    """Return the URL path of an output file relative to the site root ("courses/x/")."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def absolute_url(base_url: str, path: str) -> str:
    """Return the absolute URL of an output file, for meta tags, sitemaps and feeds."""
    return base_url + page_url(path)


def link(base_path: str, path: str) -> str:
    """Return a root-relative link to an output file, for anchors inside pages."""
    return base_path + page_url(path)
