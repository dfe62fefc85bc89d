"""Markdown to HTML with cmarkgfm, through its compiled library so that nothing leaks.

This is the one place that reaches past cmarkgfm's Python API (with ctypes): see below why, which
versions it was checked against, and what happens with any other.
"""

from __future__ import annotations

import ctypes

import cmarkgfm
from cmarkgfm.cmark import Options

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
#
# Checked against cmarkgfm 2025.10.22 (the same HTML on 4,000 descriptions, and no growth); a test
# compares both ways on every run. Should a release change these internals (no _cmark module, no
# such symbols), cmarkgfm's own function is used, leak and all: bigger at scale, the same HTML.
CHECKED_VERSIONS = ("2025.10.22",)
try:
    from cmarkgfm import _cmark

    _ffi, _lib = _cmark.ffi, _cmark.lib
    _library = ctypes.CDLL(_cmark.__file__)
    _library.cmark_node_free.argtypes = (ctypes.c_void_p,)
    _library.cmark_node_free.restype = None
    _library.cmark_get_default_mem_allocator.restype = ctypes.POINTER(_CmarkMemory)
    _free = _library.cmark_get_default_mem_allocator().contents.free
    _lib.cmark_gfm_core_extensions_ensure_registered()
    _extensions = [_lib.cmark_find_syntax_extension(name.encode()) for name in _GFM_EXTENSIONS]
except (ImportError, AttributeError, OSError):  # an unchecked cmarkgfm
    _free = None


def _address(pointer) -> int:
    return int(_ffi.cast("uintptr_t", pointer))


def markdown_to_html(text: str) -> str:
    """Return GitHub-flavoured Markdown as HTML, raw HTML included (markdown.render_description cleans it)."""
    if _free is None:
        return leaking_markdown_to_html(text)
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


def leaking_markdown_to_html(text: str) -> str:
    """Return what markdown_to_html returns, through cmarkgfm's own function (which leaks)."""
    return cmarkgfm.markdown_to_html_with_extensions(text, _CMARK_OPTIONS, list(_GFM_EXTENSIONS))
