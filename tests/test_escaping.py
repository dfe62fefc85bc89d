"""Hostile names, descriptions and meta fields come out escaped or sanitised, never as live markup."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from tests.conftest import course

HOSTILE_NAME = 'Evil <script>alert("n")</script> & "quotes" \'single\''
HOSTILE_META = '"><img src=x onerror=alert(1)>'
HOSTILE_DESCRIPTION = """Intro <script>alert('d')</script> with <b onclick="x()">bold</b>.

<iframe src="https://evil.example/"></iframe>

[click](javascript:alert(1)) and <a href="javascript:alert(2)">raw</a> and [ok](https://example.org/ok).

<img src="https://example.org/i.png" onerror="alert(3)">

</script><script>alert("breakout")</script>
"""


class TagCollector(HTMLParser):
    """Collect every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


OWN_SCRIPT = {"src": "/assets/search.js"}


def build_hostile(project):
    project.add(course(1, HOSTILE_NAME, slug="evil", description=HOSTILE_DESCRIPTION,
                       meta_description=HOSTILE_META, og_title=HOSTILE_META),
                course(2, "Locked </title><script>x</script>", slug="locked", privacy="private",
                       og_description=HOSTILE_META))
    assert project.build() == 0


def test_no_script_or_handler_survives_in_any_page(project):
    build_hostile(project)
    for path, content in project.public().items():
        if not path.endswith(".html"):
            continue
        for tag, attrs in tags_of(content.decode("utf-8")):
            if tag == "script":  # JSON-LD data, or exactly the generator's own search script
                assert attrs in ({"type": "application/ld+json"}, OWN_SCRIPT), (path, attrs)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not any(str(value).lower().startswith("javascript:") for value in attrs.values()), path
            assert tag not in ("iframe", "object", "embed"), path


def test_hostile_name_is_escaped_in_text_and_attributes(project):
    build_hostile(project)
    page = project.read("public/courses/evil/index.html")
    assert "<h1>Evil &lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt; &amp; &#34;quotes&#34; &#39;single&#39;</h1>" in page
    metas = {attrs.get("property") or attrs.get("name"): attrs.get("content")
             for tag, attrs in tags_of(page) if tag == "meta"}
    assert metas["og:title"] == HOSTILE_META  # the attribute value round-trips exactly, so it was escaped
    assert metas["description"] == HOSTILE_META


def test_json_ld_cannot_break_out_of_its_script(project):
    build_hostile(project)
    page = project.read("public/courses/evil/index.html")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["name"] == HOSTILE_NAME
    assert "</script" not in blocks[0].lower()


def test_description_keeps_safe_markup(project):
    build_hostile(project)
    page = project.read("public/courses/evil/index.html")
    assert '<a href="https://example.org/ok" rel="nofollow noopener">ok</a>' in page
    assert "<b>bold</b>" in page
    assert 'alert(' not in page.split('class="description"')[1]


def test_lock_screen_escapes_its_fields(project):
    build_hostile(project)
    page = project.read("public/courses/locked/index.html")
    assert "<script>x</script>" not in page
    assert [t for t, _ in tags_of(page)].count("script") == 0
