"""Course descriptions: Markdown to sanitised HTML, and plain-text excerpts for meta tags."""

from __future__ import annotations

import html
import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from generator.descriptions import Rendered

# What a description may contain after sanitising: prose, lists, links, code, tables, images.
# Raw HTML that an editor types is parsed and cleaned like everything else, never passed through.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "sup", "sub", "del", "abbr", "input",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "input": {"type", "checked", "disabled"},  # GitHub task lists: "- [x] done"
}
URL_SCHEMES = {"http", "https", "mailto"}
EXCERPT_LENGTH = 200

# Raw HTML is let through cmark on purpose: nh3 then cleans it with the same rules as everything
# else, so "<b>bold</b>" keeps working while "<script>" and "onclick" never survive.
_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE
_GFM_EXTENSIONS = ("table", "strikethrough", "autolink", "tasklist")  # not "tagfilter": nh3 removes more
# Built once: nh3.clean() would convert these rules to Rust on every call (a fifth of its time).
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                       link_rel="nofollow noopener", strip_comments=True)
_TAG = re.compile(r"<[^>]+>")


def render_description(text: str) -> str:
    """Return the Markdown description as HTML that is safe to put in any page."""
    # A description's own "# Heading" would compete with the page's <h1>: shift it to <h2>.
    raw = cmarkgfm.markdown_to_html_with_extensions(text, options=_CMARK_OPTIONS, extensions=_GFM_EXTENSIONS)
    raw = raw.replace("<h1", "<h2").replace("</h1>", "</h2>")
    return _CLEANER.clean(raw)


def describe(text: str) -> Rendered:
    """Return a Markdown description rendered once for everything that shows it: HTML and excerpt."""
    html = render_description(text)
    return Rendered(html, first_paragraph_text(html))


def first_paragraph_text(safe_html: str) -> str:
    """Return the first paragraph of rendered HTML as plain text, trimmed to ~200 characters."""
    start = safe_html.find("<p>")
    end = safe_html.find("</p>", start) if start >= 0 else -1
    if end < 0:
        return ""
    return trim_words(plain_text(safe_html[start + 3:end]), EXCERPT_LENGTH)


def plain_text(fragment: str) -> str:
    """Return an HTML fragment as one line of plain text."""
    # str.split() and the regular expression \s agree on every code point; split() is 3x faster.
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def trim_words(text: str, limit: int) -> str:
    """Return text cut at a word boundary so it fits in `limit` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.-") + "…"
