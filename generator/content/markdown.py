"""Course descriptions: Markdown to sanitised HTML, and plain-text excerpts for meta tags."""

from __future__ import annotations

import ctypes
import html
import re

import nh3
from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

from generator.model import Rendered
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

# Raw HTML is let through cmark on purpose: nh3 then cleans it with the same rules as everything
# else, so "<b>bold</b>" keeps working while "<script>" and "onclick" never survive.
_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE
_GFM_EXTENSIONS = ("table", "strikethrough", "autolink", "tasklist")  # not "tagfilter": nh3 removes more


class _CmarkMemory(ctypes.Structure):
    """cmark's allocator (struct cmark_mem): the free() that matches what the library allocated."""

    _fields_ = (("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)))


# cmarkgfm's markdown_to_html_with_extensions frees the parser but neither the document it
# parsed nor the HTML it rendered: 27 KB a description (measured with cmarkgfm 2025.10.22: 4,000
# descriptions grew a process by 109 MiB), gigabytes in the workers of a 100,000-course build.
# markdown_to_html() makes the same calls through the same compiled library and frees both; the two
# functions that free are in that library but not in cmarkgfm's bindings, so ctypes reaches them.
_ffi, _lib = _cmark.ffi, _cmark.lib
_library = ctypes.CDLL(_cmark.__file__)
_library.cmark_node_free.argtypes = (ctypes.c_void_p,)
_library.cmark_node_free.restype = None
_library.cmark_get_default_mem_allocator.restype = ctypes.POINTER(_CmarkMemory)
_free = _library.cmark_get_default_mem_allocator().contents.free
_lib.cmark_gfm_core_extensions_ensure_registered()
_extensions = [_lib.cmark_find_syntax_extension(name.encode()) for name in _GFM_EXTENSIONS]


def _address(pointer) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


def markdown_to_html(text: str) -> str:
    """Return GitHub-flavoured Markdown as HTML, raw HTML included (render_description cleans it)."""
    source = text.encode("utf-8")
    parser = _lib.cmark_parser_new(_CMARK_OPTIONS)
    try:
        for extension in _extensions:
            _lib.cmark_parser_attach_syntax_extension(parser, extension)
        _lib.cmark_parser_feed(parser, source, len(source))
        document = _lib.cmark_parser_finish(parser)
        try:
            rendered = _lib.cmark_render_html(document, _CMARK_OPTIONS, _lib.cmark_parser_get_syntax_extensions(parser))
            try:
                return _ffi.string(rendered).decode("utf-8")
            finally:
                _free(_address(rendered))
        finally:
            _library.cmark_node_free(_address(document))
    finally:
        _lib.cmark_parser_free(parser)


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


def describe(text: str) -> Rendered:
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
