"""Model feeds match the Course Dashboard schema exactly, field for field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import course

DASHBOARD_FIELDS = ["id", "name", "slug", "type", "privacy", "hide_member_count", "meta_title",
                    "meta_description", "og_title", "og_description", "og_image", "image_bigger",
                    "image_big", "image_medium", "image_small", "deleted", "join_status",
                    "user_completion_rate", "created_at", "created_by", "categories", "avg_completion_rate"]
# The model as its owners define it (shared/seed/course_dashboard.md), kept beside the tests so that
# every checkout checks the schema against it.
SEED = Path(__file__).parents[1] / "model" / "course_dashboard.md"


def dashboard_schema() -> dict:
    from coursegen.content.schema import load_schema

    return load_schema("dashboard")


def test_dashboard_schema_has_every_field_of_the_model_in_order():
    schema = dashboard_schema()
    assert list(schema["properties"]) == DASHBOARD_FIELDS
    assert schema["required"] == DASHBOARD_FIELDS
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["enum"] == ["self-paced", "structured", "scheduled"]
    assert schema["properties"]["privacy"]["enum"] == ["", "open", "private", "secret"]
    assert schema["properties"]["join_status"]["enum"] == [None, "creator", "manager", "joined", "invited", "requested"]
    assert schema["properties"]["created_at"]["format"] == "date-time"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_dashboard_schema_agrees_with_the_model_definition():
    text = SEED.read_text("utf-8")
    seed_fields = json.loads(text.split("```json")[1].split("```")[0])
    assert list(seed_fields) == DASHBOARD_FIELDS
    schema = dashboard_schema()
    json_types = {"integer": "integer", "string": "string", "boolean": "boolean"}
    for name, kind in seed_fields.items():
        declared = schema["properties"][name]
        if kind == {}:  # an object: User Minimal
            assert declared["$ref"] == "#/$defs/user_minimal", name
        elif kind == []:
            assert declared["type"] == "array", name
        elif name == "join_status":  # the seed marks it nullable in its enumerated values (null)
            assert declared["type"] == ["string", "null"]
        else:
            assert declared["type"] == json_types[kind], name
    enumerated = {}
    for row in text.split("#### Enumerated Values")[1].splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in ("type", "privacy", "join_status"):
            enumerated.setdefault(cells[0], []).append(None if cells[1] == "null" else cells[1])
    for name, values in enumerated.items():
        assert schema["properties"][name]["enum"] == values, name


def test_every_feed_item_validates_and_has_exactly_the_model_fields(project):
    project.add(course(1, "Plain", description=""),
                course(2, "Full Meta", meta_title="MT", meta_description="MD", og_title="OT",
                       og_description="OD", og_image="https://img.example/og.png", hide_member_count=True,
                       created_by={"id": 77, "username": "inline", "real_name": "In Line"},
                       categories=["music", {"id": 9, "name": "Inline Cat", "slug": "inline-cat"}]),
                course(3, "Private One", privacy="private"), course(4, "Secret One", privacy="secret"),
                course(5, "Draft One", privacy=""))
    assert project.build() == 0
    validator = jsonschema.Draft202012Validator(dashboard_schema(), format_checker=jsonschema.FormatChecker())
    for feed in ("public/feeds/open.json", "restricted/feeds/private.json", "restricted/feeds/secret.json",
                 "restricted/feeds/draft.json"):
        document = project.json(feed)
        assert list(document) == ["count", "next", "previous", "results"]
        expected = 2 if "open" in feed else 1
        assert document["count"] == len(document["results"]) == expected
        for item in document["results"]:
            validator.validate(item)
            assert list(item) == DASHBOARD_FIELDS
            assert item["join_status"] is None and item["user_completion_rate"] == 0
            assert set(item["created_by"]) == {"id", "username", "real_name", "avatar", "community_badge", "deleted"}


def test_meta_fallbacks_in_feed(project):
    project.add(course(1, "Plain", description="First *paragraph* here.\n\nSecond."),
                course(2, "Full Meta", meta_title="MT", meta_description="MD", og_title="OT", og_description="OD",
                       og_image="https://img.example/og.png"),
                course(3, "Only Meta", meta_title="Meta Only", meta_description="Meta description only"))
    assert project.build() == 0
    items = {item["id"]: item for item in project.json("public/feeds/open.json")["results"]}
    plain, full, only = items[1], items[2], items[3]
    assert (plain["meta_title"], plain["og_title"]) == ("Plain", "Plain")
    assert plain["meta_description"] == plain["og_description"] == "First paragraph here."
    assert plain["og_image"] == "https://academy.test/assets/og-default.png"
    assert (full["meta_title"], full["meta_description"], full["og_title"], full["og_description"], full["og_image"]) == (
        "MT", "MD", "OT", "OD", "https://img.example/og.png")
    assert (only["og_title"], only["og_description"]) == ("Meta Only", "Meta description only")


def test_long_first_paragraph_is_trimmed_at_a_word_boundary(project):
    words = " ".join(f"word{i}" for i in range(100))
    project.add(course(1, "Long", description=words))
    assert project.build() == 0
    description = project.json("public/feeds/open.json")["results"][0]["meta_description"]
    assert len(description) <= 200 and description.endswith("…")
    assert words.startswith(description[:-1])
    assert description[-2] != " " and description[:-1].split(" ")[-1] in words.split(" ")


def test_large_feeds_are_paged_with_next_and_previous(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://academy.test", "feed_page_size": 2})
    project.add(*(course(i, f"Course {i}") for i in range(1, 6)))
    assert project.build() == 0
    first, second, third = (project.json(f"public/feeds/{name}") for name in ("open.json", "open-2.json", "open-3.json"))
    assert [first["count"], len(first["results"]), first["next"], first["previous"]] == [
        5, 2, "https://academy.test/feeds/open-2.json", None]
    assert second["previous"] == "https://academy.test/feeds/open.json"
    assert [item["id"] for item in third["results"]] == [5] and third["next"] is None


def test_the_json_feed_is_paged_newest_first_with_next_url(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://academy.test", "feed_page_size": 2})
    project.add(*(course(i, f"Course {i}", created_at=f"2025-01-0{i}T00:00:00Z") for i in range(1, 6)))
    assert project.build() == 0
    pages = [project.json(f"public/feeds/{name}") for name in ("open.feed.json", "open.feed-2.json", "open.feed-3.json")]
    assert [[item["id"] for item in page["items"]] for page in pages] == [["5", "4"], ["3", "2"], ["1"]]
    assert [page.get("next_url") for page in pages] == [
        "https://academy.test/feeds/open.feed-2.json", "https://academy.test/feeds/open.feed-3.json", None]
    assert {page["feed_url"] for page in pages} == {"https://academy.test/feeds/open.feed.json"}
    assert not (project.out / "public/feeds/open.feed-4.json").exists()


def test_feed_items_are_ordered_by_id(project):
    project.add(course(30, "C"), course(4, "A"), course(12, "B"))
    assert project.build() == 0
    assert [item["id"] for item in project.json("public/feeds/open.json")["results"]] == [4, 12, 30]


ITEMS = [{"id": 1, "name": "Café \"Crème\"", "categories": [], "created_by": {"id": 7, "deleted": False}},
         {"id": 2, "name": "x\ny", "categories": [{"id": 3, "slug": "a"}, {"id": 4, "slug": "b"}], "avg": None},
         {"id": 3, "tags": ["ü", "</script>"], "nested": {"deeper": {"list": [1, [2, 3], {}]}}}]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_feed_pieces_assemble_to_exactly_what_one_dump_writes(count):
    """A rebuild reuses each unchanged course's serialised item: the assembled feed must be the same bytes."""
    from coursegen.jsontext import dumps, nested, with_list

    items = ITEMS[:count]
    head = {"count": count, "next": "https://example.org/feeds/open-2.json", "previous": None}
    assert with_list(head, "results", [nested(item, depth=2) for item in items]) == dumps({**head, "results": items})


@pytest.mark.parametrize("count", [0, 1, 3])
def test_compact_pieces_assemble_to_exactly_what_one_dump_writes(count):
    """The search index is written from each course's compact entry: joined, the same bytes as one dump."""
    import orjson

    from coursegen.jsontext import compact_with_list

    items = ITEMS[:count]
    pieces = compact_with_list("courses", [orjson.dumps(item) for item in items])
    assert b"".join(pieces) == orjson.dumps({"courses": items}) + b"\n"
