"""Course descriptions: Markdown to sanitised HTML, and plain-text excerpts for meta tags."""

from __future__ import annotations

import html
import re

import nh3

from coursegen.content.cmark import markdown_to_html
from coursegen.model import Rendered

# What a description may contain after sanitising: prose, lists, links, code, tables, images.
# Raw HTML that an editor types is parsed and cleaned like everything else, never passed through.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "sup", "sub", "del", "abbr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
# GitHub's task lists ("- [x] done") as cmark writes them, shown as the characters they draw: a
# form field without a label is an accessibility failure, and no other <input> belongs in a page.
TASK_MARKERS = {'<input type="checkbox" disabled="" />': "\u2610", '<input type="checkbox" checked="" disabled="" />': "\u2611"}
URL_SCHEMES = {"http", "https", "mailto"}
EXCERPT_LENGTH = 200

# Built once: nh3.clean() would convert these rules to Rust on every call (a fifth of its time).
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                       link_rel="nofollow noopener", strip_comments=True)
_TAG = re.compile(r"<[^>]+>")
# An <a> the cleaner kept without an href (its URL was refused, or it had none): nh3 writes every
# attribute double-quoted with ">" escaped, and a link never holds a link, so this finds it whole.
_IMAGE_WITHOUT_ALT = re.compile(r'<img(?![^>]*\salt=")')
_HREFLESS_LINK = re.compile(r'<a(?=[\s>])(?![^>]*\shref=")[^>]*>(.*?)</a>', re.DOTALL)


def render_description(text: str) -> str:
    """Return the Markdown description as HTML that is safe to put in any page."""
    # A description's own "# Heading" would compete with the page's <h1>: shift it to <h2>.
    raw = markdown_to_html(text).replace("<h1", "<h2").replace("</h1>", "</h2>")
    if "<input" in raw:
        for field, marker in TASK_MARKERS.items():
            raw = raw.replace(field, marker)
    clean = _CLEANER.clean(raw)
    # A link whose URL was refused (javascript:, data:) becomes its text: an <a> without href but
    # with the rel the cleaner adds is invalid HTML, and a link that goes nowhere helps no reader.
    if clean.count("<a ") != clean.count("<a href="):  # some link lacks an href: nh3 writes href first
        clean = _HREFLESS_LINK.sub(r"\1", clean)
    if "<img" in clean:  # an image without alt is read out by its file name: raw HTML may lack one
        clean = _IMAGE_WITHOUT_ALT.sub('<img alt=""', clean)
    return clean


def render_with_excerpt(text: str) -> Rendered:
    """Return a Markdown description rendered once for everything that shows it: HTML and excerpt."""
    html = render_description(text)
    return Rendered(html, first_paragraph_text(html))


def first_paragraph_text(safe_html: str) -> str:
    """Return the first paragraph of rendered HTML that has text, as plain text trimmed to ~200 characters.

    A paragraph of an image alone (a banner above the text) says nothing: the next one is taken.
    """
    end = 0
    while (start := safe_html.find("<p>", end)) >= 0 and (end := safe_html.find("</p>", start)) >= 0:
        text = plain_text(safe_html[start + 3:end])
        if text:
            return trim_words(text, EXCERPT_LENGTH)
    return ""


def nesting_depth(text: str) -> int:
    """Return how deep the blocks and elements of a Markdown description nest (quotes, lists, raw HTML)."""
    depth = deepest = 0
    for closing, name, self_closing in _TAG_PARTS.findall(markdown_to_html(text)):
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


_TAG_PARTS = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


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
