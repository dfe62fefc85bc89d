"""Descriptions render as GitHub-flavoured Markdown, and rendering a great many keeps no memory."""

from __future__ import annotations

from coursegen.content.markdown import render_description, render_with_excerpt

DESCRIPTION = """# Welcome

| week | topic |
|------|-------|
| 1 | ~~setup~~ basics |

- [x] install Python
- [ ] write a loop

See https://example.com and <b>bold</b> <script>alert(1)</script>.
"""


def _resident_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_github_flavoured_markdown_renders_and_is_sanitised():
    html = render_description(DESCRIPTION)
    assert "<h2>Welcome</h2>" in html  # the page's own <h1> is the only one
    assert "<td><del>setup</del> basics</td>" in html
    assert '<li>\u2611 install Python' in html and "<input" not in html  # a task list draws its boxes
    assert '<a href="https://example.com" rel="nofollow noopener">https://example.com</a>' in html
    assert "<b>bold</b>" in html
    assert "script" not in html and "alert" not in html


def test_excerpt_is_the_first_paragraph_as_text():
    assert render_with_excerpt("Intro with **bold** &amp; more.\n\nSecond.").excerpt == "Intro with bold & more."


def test_rendering_many_descriptions_keeps_no_memory():
    # cmarkgfm's own wrapper leaked the parsed document and the HTML: 27 KB a description, which
    # grew the workers of a 100,000-course build past a gigabyte each.
    text = DESCRIPTION + "\n".join(f"Paragraph {n} with *emphasis* and `code`." for n in range(60))
    for _ in range(200):
        render_description(text)
    before = _resident_mib()
    for _ in range(3000):
        render_description(text)
    assert _resident_mib() - before < 16  # leaking, this grows by about 80 MiB


def test_the_cmark_seam_gives_what_cmarkgfm_itself_gives():
    """content/cmark.py reaches into cmarkgfm's library to free what it allocates; its fallback for
    another cmarkgfm release is the library's own function. Both must write the same HTML."""
    from coursegen.content import cmark

    texts = ["# Title\n\nA *paragraph* with `code`, <b>raw HTML</b> and https://example.org/.",
             "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n- [x] done\n- [ ] open\n\n> quoted\n> > deeper",
             "Café ünïcödé — «quotes» and emoji 🎉\n\n```python\nprint('x')\n```\n" * 3, ""]
    for text in texts:
        assert cmark.markdown_to_html(text) == cmark.leaking_markdown_to_html(text)
    assert "<table>" in cmark.markdown_to_html(texts[1]) and "<del>" in cmark.markdown_to_html(texts[1])
