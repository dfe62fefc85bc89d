"""The public site's discovery files and structured data: search index, sitemaps, JSON-LD, JSON Feed."""

from __future__ import annotations

import json
import re

from lxml import etree

from coursegen.commands.check import check
from coursegen.commands.options import Options
from coursegen.site import sitemap
from tests.conftest import REPO, course


def jsonld_blocks(page: str) -> list:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


def test_search_index_lists_only_open_courses_and_their_listed_categories(project):
    project.add(course(1, "Open One", categories=["programming"], hide_member_count=True, member_count=5),
                course(2, "Private Two", privacy="private", categories=["music"]),
                course(3, "Secret Three", privacy="secret", categories=[{"id": 9, "name": "Hush", "slug": "hush"}]),
                course(4, "Draft Four", privacy=""),
                course(5, "Deleted Five", deleted=True))
    assert project.build() == 0
    index = project.json("public/search.json")
    assert [entry["name"] for entry in index["courses"]] == ["Open One"]
    entry = index["courses"][0]
    assert entry["categories"] == [{"name": "Programming", "slug": "programming"}]
    assert entry["member_count"] is None  # hidden counts stay hidden
    assert set(entry) == {"name", "url", "type", "type_label", "categories", "summary", "member_count",
                          "avg_completion_rate"}


def test_a_search_entry_s_summary_is_the_meta_description_else_the_description_s_opening(project):
    project.add(course(1, "With Meta", meta_description="Written for search.", description="Body text one."),
                course(2, "Without Meta", description="## Heading\n\nBody *text* two."))
    assert project.build() == 0
    summaries = {entry["name"]: entry["summary"] for entry in project.json("public/search.json")["courses"]}
    assert summaries == {"With Meta": "Written for search.", "Without Meta": "Body text two."}


def test_type_pages_exist_only_for_types_with_listed_courses(project):
    project.add(course(1, "Paced", type="self-paced"), course(2, "Hidden Schedule", type="scheduled", privacy="secret"))
    assert project.build() == 0
    public = project.public()
    assert "types/self-paced/index.html" in public
    assert not any(path.startswith("types/scheduled") for path in public)
    assert "/types/scheduled/" not in project.read("public/index.html")


def test_course_page_json_ld_meets_course_info_without_inventing_data(project):
    project.add(course(1, "Learn Things", slug="learn-things", meta_description="Things, learned."))
    assert project.build() == 0
    [data] = jsonld_blocks(project.read("public/courses/learn-things/index.html"))
    assert data["@type"] == "Course"
    assert data["name"] == "Learn Things" and data["description"] == "Things, learned."
    assert data["provider"] == {"@type": "Organization", "name": "Test Academy", "sameAs": "https://academy.test/",
                                "url": "https://academy.test/"}
    assert data["hasCourseInstance"][0]["courseMode"] == "online"
    assert data["offers"] == [{"@type": "Offer", "category": "Free", "price": "0"}]  # no paywall: free (SPEC §7)
    for unknown in ("courseWorkload", "courseSchedule", "aggregateRating", "startDate", "educationalLevel",
                    "syllabusSections"):
        assert unknown not in json.dumps(data)


def test_catalog_pages_carry_an_item_list_of_their_courses(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://academy.test/", "page_size": 2})
    project.add(*(course(i, f"Course {i}", slug=f"course-{i}") for i in range(1, 4)))
    assert project.build() == 0
    [first] = jsonld_blocks(project.read("public/index.html"))
    [second] = jsonld_blocks(project.read("public/page/2/index.html"))
    assert first["@type"] == "ItemList"
    assert first["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "url": "https://academy.test/courses/course-1/"},
        {"@type": "ListItem", "position": 2, "url": "https://academy.test/courses/course-2/"}]
    assert second["itemListElement"] == [
        {"@type": "ListItem", "position": 3, "url": "https://academy.test/courses/course-3/"}]


def test_sitemap_becomes_an_index_past_the_limit(project):
    project.add(*(course(i, f"Course {i}", slug=f"course-{i}") for i in range(1, 6)))
    catalog = check(Options(content=project.content)).catalog
    pages = {f"courses/course-{i}/index.html": b"" for i in range(1, 6)} | {"index.html": b""}
    files = sitemap.render_sitemap(catalog, pages, preview=False, limit=4)
    assert sorted(files) == ["robots.txt", "sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    index = files["sitemap.xml"].decode()
    assert "<sitemapindex" in index and "https://academy.test/sitemap-2.xml" in index
    assert files["sitemap-1.xml"].decode().count("<url>") == 4
    assert files["sitemap-2.xml"].decode().count("<url>") == 2
    schema = etree.XMLSchema(etree.parse(str(REPO / "tests/data/sitemaps/siteindex.xsd")))
    assert schema.validate(etree.fromstring(files["sitemap.xml"]).getroottree()), schema.error_log


def test_json_feed_has_the_required_members_of_version_1_1(project):
    project.add(course(1, "Feedable", slug="feedable"))
    assert project.build() == 0
    feed = project.json("public/feeds/open.feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].endswith("/feeds/open.feed.json")
    [item] = feed["items"]
    assert item["id"] == "1"  # the course id, not its URL: a renamed slug must not make it a new item
    assert item["url"] == "https://academy.test/courses/feedable/"
    assert item["content_html"] and item["_course"]["id"] == 1
    assert all(isinstance(author, dict) and author["name"] for author in item["authors"])
