"""SPEC section 4 in every output: what each privacy level may and may not appear in."""

from __future__ import annotations

import json

import pytest

from tests.conftest import course

SECRET_CATEGORY = {"id": 66, "name": "Hushcategory", "slug": "hushcategory"}


@pytest.fixture
def built(project):
    """A catalog with one course of every privacy level, a deleted one and a secret-only category."""
    project.add(
        course(1, "Openly Visible", member_count=42, avg_completion_rate=61),
        course(2, "Lockedroom Seminar", privacy="private", member_count=777, avg_completion_rate=93,
               og_description="Ask us for an invitation.",
               description="Privatebody paragraph that must stay hidden.\n\n- privatelist item\n",
               categories=["music", SECRET_CATEGORY | {"id": 67, "name": "Lockonly", "slug": "lockonly"}]),
        course(3, "Hushhush Workshop", privacy="secret", slug="hushhush-workshop", member_count=5,
               description="Secretbody words.", categories=[SECRET_CATEGORY]),
        course(4, "Unfinished Draftling", privacy="", description="Draftbody words."),
        course(5, "Erased Coursework", deleted=True, description="Deletedbody words."),
        course(6, "Hidden Count", hide_member_count=True, member_count=31337),
    )
    assert project.build() == 0
    return project


def public_text(project) -> str:
    return "\n".join(content.decode("utf-8", "replace") for content in project.public().values())


def test_open_course_has_full_indexable_page(built):
    page = built.read("public/courses/openly-visible/index.html")
    assert "<h1>Openly Visible</h1>" in page
    assert "First paragraph about Openly Visible." in page
    assert "noindex" not in page
    assert '"@type": "Course"' in page


@pytest.mark.parametrize("token", ["Hushhush", "hushhush-workshop", "Secretbody", "Hushcategory", "hushcategory",
                                   "Unfinished", "Draftling", "Draftbody", "Erased", "Deletedbody",
                                   '"id": 3', '"id": 4', '"id": 5'])
def test_secret_draft_and_deleted_courses_leave_no_trace_in_public(built, token):
    assert token not in public_text(built)
    assert not any(token in path for path in built.public())


def test_private_course_is_only_a_lock_screen(built):
    lock = built.read("public/courses/lockedroom-seminar/index.html")
    assert "Invited members only" in lock
    assert '<meta name="robots" content="noindex, nofollow">' in lock
    assert "Ask us for an invitation." in lock
    assert "Lockonly" in lock  # its own lock screen may name its categories, as text
    for hidden in ("Privatebody", "privatelist", "777", "93%", "application/ld+json", "/categories/lockonly/"):
        assert hidden not in lock


def test_private_course_appears_nowhere_else_in_public(built):
    others = {path: content for path, content in built.public().items()
              if path != "courses/lockedroom-seminar/index.html"}
    for content in others.values():
        text = content.decode("utf-8", "replace")
        for hidden in ("Lockedroom", "lockedroom", "Privatebody", "Lockonly", "lockonly"):
            assert hidden not in text


def test_categories_used_only_by_hidden_courses_get_no_page(built):
    pages = built.public()
    assert "categories/programming/index.html" in pages
    assert not any(p.startswith(("categories/hushcategory", "categories/lockonly")) for p in pages)
    assert not any(p.startswith("categories/music") for p in pages)  # used only by the private course


def test_hidden_member_count_is_never_public(built):
    assert "31337" not in public_text(built)
    assert "42" in built.read("public/courses/openly-visible/index.html")


def test_sitemap_lists_only_indexable_pages(built):
    sitemap = built.read("public/sitemap.xml")
    assert "https://academy.test/courses/openly-visible/" in sitemap
    assert "lockedroom" not in sitemap
    assert "https://academy.test/categories/programming/" in sitemap


def test_secret_course_url_has_no_page(built):
    assert not (built.out / "public/courses/hushhush-workshop").exists()
    assert (built.out / "public/404.html").is_file()


def test_feeds_split_by_privacy(built):
    ids = {name: [item["id"] for item in built.json(path)["results"]] for name, path in {
        "open": "public/feeds/open.json", "private": "restricted/feeds/private.json",
        "secret": "restricted/feeds/secret.json", "draft": "restricted/feeds/draft.json"}.items()}
    assert ids == {"open": [1, 6], "private": [2], "secret": [3], "draft": [4]}
    assert not list((built.out / "public").rglob("private*.json"))


def test_manifest_records_every_course_and_file(built):
    manifest = built.json("restricted/manifest.json")
    assert [(c["id"], c["privacy"], c["deleted"]) for c in manifest["courses"]] == [
        (1, "open", False), (2, "private", False), (3, "secret", False), (4, "", False),
        (5, "open", True), (6, "open", False)]
    on_disk = sorted(p.relative_to(built.out).as_posix() for p in built.out.rglob("*")
                     if p.is_file() and p.name != "manifest.json")
    assert sorted(manifest["files"]) == on_disk
    assert manifest["files"]["public/courses/openly-visible/index.html"]["source"] == "courses/1.yaml"


def test_json_feed_lists_open_courses_only(built):
    feed = json.loads(built.read("public/feeds/open.feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    # newest first; on the same date the higher id (the later course) first
    assert [item["_course"]["id"] for item in feed["items"]] == [6, 1]
