"""Property test: over hundreds of random catalogs, nothing non-public leaks into output/public/."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import generator.privacy as privacy
import generator.render as render
from generator.privacy import PublicView
from tests.conftest import CATEGORIES, SITE, USERS, Project, course

PRIVACIES = ["open", "private", "secret", ""]


def token(kind: str, index: int, salt: int) -> str:
    """A word that appears nowhere else: found in output means it leaked."""
    return f"zq{kind}{index}x{salt}qz"


@st.composite
def catalogs(draw):
    """Draw a catalog: each course a privacy, a deleted flag, categories, and a hidden member count."""
    size = draw(st.integers(1, 8))
    salt = draw(st.integers(0, 10**6))
    categories = [{"id": 100 + i, "name": token("catname", i, salt), "slug": f"zqcat{i}x{salt}"} for i in range(4)]
    courses = []
    for index in range(size):
        courses.append({
            "index": index,
            "privacy": draw(st.sampled_from(PRIVACIES)),
            "deleted": draw(st.booleans()),
            "hide_member_count": draw(st.booleans()),
            "categories": draw(st.lists(st.sampled_from(range(4)), max_size=3, unique=True)),
            "with_meta": draw(st.booleans()),
        })
    return salt, categories, courses


def write_catalog(project: Project, salt: int, categories: list[dict], courses: list[dict]) -> None:
    project.write("site.yaml", SITE)
    project.write("categories.yaml", CATEGORIES + categories)
    project.write("users.yaml", USERS)
    for spec in courses:
        i = spec["index"]
        fields = dict(
            slug=f"zqslug{i}x{salt}", privacy=spec["privacy"], deleted=spec["deleted"],
            hide_member_count=spec["hide_member_count"], member_count=900000 + salt % 1000 * 10 + i,
            categories=[categories[c]["slug"] for c in spec["categories"]],
            description=f"{token('body', i, salt)} words.\n\n- {token('list', i, salt)}\n",
        )
        if spec["with_meta"]:
            fields.update(meta_description=f"Shared blurb {token('meta', i, salt)}")
        project.add(course(1000 + i, token("name", i, salt), **fields))


def find_leaks(public: dict[str, bytes], salt: int, categories: list[dict], courses: list[dict]) -> list[str]:
    """Return every forbidden token found under public/, with the file it was found in."""
    texts = {path: content.decode("utf-8", "replace") for path, content in public.items()}
    everywhere = "\n".join(list(texts) + list(texts.values()))  # file names count too
    leaks = []

    def forbid(tok: str, allowed_in: str | None = None) -> None:
        for path, text in texts.items():
            if path != allowed_in and (tok in text or tok in path):
                leaks.append(f"{tok} in {path}")

    listed_categories = set()
    for spec in courses:
        i, visible = spec["index"], not spec["deleted"]
        if visible and spec["privacy"] == "open":
            listed_categories.update(spec["categories"])
            if spec["hide_member_count"]:
                forbid(str(900000 + salt % 1000 * 10 + i))
            continue
        lock = f"courses/zqslug{i}x{salt}/index.html"
        if visible and spec["privacy"] == "private":
            for tok in (token("name", i, salt), f"zqslug{i}x{salt}", token("meta", i, salt)):
                forbid(tok, allowed_in=lock)
            for tok in (token("body", i, salt), token("list", i, salt), str(900000 + salt % 1000 * 10 + i)):
                forbid(tok)
            continue
        for tok in (token("name", i, salt), f"zqslug{i}x{salt}", token("body", i, salt),
                    token("list", i, salt), token("meta", i, salt), f'"id": {1000 + i}'):
            forbid(tok)
    private_locks = {f"courses/zqslug{s['index']}x{salt}/index.html": s for s in courses
                     if s["privacy"] == "private" and not s["deleted"]}
    for number, category in enumerate(categories):
        if number in listed_categories:
            continue
        own = [path for path, spec in private_locks.items() if number in spec["categories"]]
        for path, text in texts.items():
            if path not in own and (category["name"] in text or category["slug"] in text or category["slug"] in path):
                leaks.append(f"category {category['slug']} in {path}")
    assert everywhere  # the scan saw the site
    return leaks


def build_and_scan(salt, categories, courses) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "site")
        write_catalog(project, salt, categories, courses)
        assert project.build("--quiet") == 0
        return find_leaks(project.public(), salt, categories, courses)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(catalogs())
def test_no_non_public_token_reaches_public_output(catalog):
    salt, categories, courses = catalog
    assert build_and_scan(salt, categories, courses) == []


def test_the_leak_scan_catches_a_broken_privacy_filter(monkeypatch):
    """A test double that publishes everything must be caught: the property test can fail."""
    def leaky(course, *, preview=False):
        return PublicView.FULL

    monkeypatch.setattr(privacy, "public_view", leaky)
    monkeypatch.setattr(render, "public_view", leaky)
    courses = [{"index": 0, "privacy": "secret", "deleted": False, "hide_member_count": False,
                "categories": [1], "with_meta": False},
               {"index": 1, "privacy": "open", "deleted": False, "hide_member_count": True,
                "categories": [0], "with_meta": False}]
    categories = [{"id": 100 + i, "name": token("catname", i, 7), "slug": f"zqcat{i}x7"} for i in range(4)]
    leaks = build_and_scan(7, categories, courses)
    assert any(token("name", 0, 7) in leak for leak in leaks)
    assert any("category zqcat1x7" in leak for leak in leaks)
