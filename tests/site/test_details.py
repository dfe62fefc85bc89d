"""Course detail documents (SPEC section 7): where they go, what they hold, and that each matches the shipped schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from coursegen import schemas
from coursegen.issues import CoursegenError
from coursegen.site import details, feeds
from tests.conftest import course, run

SYLLABUS = [
    {"id": 11, "name": "Getting started", "drip_delay": 7, "lessons": [
        {"id": 111, "name": "Install Python"},
        {"id": 112, "name": "Check yourself", "type": "quiz"},
        {"id": 113, "name": "Unfinished lesson", "status": "draft"},
    ]},
    {"id": 12, "name": "Only drafts here", "lessons": [{"id": 121, "name": "Not yet", "status": "draft"}]},
    {"id": 13, "name": "No lessons at all"},
    {"id": 14, "name": "Going further", "drip_delay": 14, "lessons": [{"id": 141, "name": "Packages"}]},
]
PAYWALLS = [{"name": "Full access", "payment_prices": [
    {"unit_amount": 4900, "currency": "EUR"},
    {"unit_amount": 900, "currency": "EUR", "recurring_interval": "month"},
]}]


def structured(id: int, name: str, **fields) -> dict:
    return course(id, name, type="structured", sections=SYLLABUS, enforce_lessons_order=True, paywalls=PAYWALLS,
                  language="de", level="beginner", workload="6 weeks, about 3 hours a week", **fields)


def detail_files(project) -> dict[str, dict]:
    found = {}
    for folder in ("public", "restricted"):
        for path in sorted((project.out / folder / "feeds/courses").glob("*.json")):
            found[path.relative_to(project.out).as_posix()] = json.loads(path.read_text("utf-8"))
    return found


def test_each_course_has_its_document_where_its_privacy_puts_it(project):
    project.add(structured(1, "Open One"), structured(2, "Private Two", privacy="private"),
                structured(3, "Secret Three", privacy="secret"), structured(4, "Draft Four", privacy=""),
                structured(5, "Deleted Five", deleted=True), structured(6, "Deleted Secret", privacy="secret", deleted=True))
    assert project.build("--quiet") == 0
    assert sorted(detail_files(project)) == ["public/feeds/courses/1.json", "restricted/feeds/courses/2.json",
                                             "restricted/feeds/courses/3.json", "restricted/feeds/courses/4.json"]
    sources = {path: entry["source"] for path, entry in project.json("restricted/manifest.json")["files"].items()}
    assert sources["public/feeds/courses/1.json"] == "courses/1.yaml"
    assert sources["restricted/feeds/courses/3.json"] == "courses/3.yaml"


def test_a_preview_keeps_drafts_and_secrets_out_of_public_details(project):
    project.add(structured(1, "Open One"), structured(3, "Secret Three", privacy="secret"),
                structured(4, "Draft Four", privacy=""))
    assert project.build("--quiet", "--preview") == 0
    assert sorted(detail_files(project)) == ["public/feeds/courses/1.json", "restricted/feeds/courses/3.json",
                                             "restricted/feeds/courses/4.json"]


def test_the_document_is_the_feed_item_then_the_syllabus_of_published_lessons(project):
    project.add(structured(1, "Open One"))
    assert project.build("--quiet") == 0
    document = project.json("public/feeds/courses/1.json")
    item = project.json("public/feeds/open.json")["results"][0]
    assert list(document)[:len(item)] == list(item) and {k: document[k] for k in item} == item
    assert list(document)[len(item):] == ["sections", "num_sections", "num_lessons", "enforce_lessons_order",
                                          "paywalls", "language", "level", "workload"]
    assert document["sections"] == [
        {"id": 11, "name": "Getting started", "drip_delay": 7, "lessons": [
            {"id": 111, "name": "Install Python", "type": "lesson"},
            {"id": 112, "name": "Check yourself", "type": "quiz"}]},
        {"id": 14, "name": "Going further", "drip_delay": 14, "lessons": [
            {"id": 141, "name": "Packages", "type": "lesson"}]},
    ]
    assert (document["num_sections"], document["num_lessons"]) == (2, 3)  # what is listed, drafts not counted
    assert document["enforce_lessons_order"] is True
    assert document["paywalls"] == [{"name": "Full access", "payment_prices": [
        {"unit_amount": 4900, "currency": "EUR", "recurring_interval": None},
        {"unit_amount": 900, "currency": "EUR", "recurring_interval": "month"}]}]
    assert (document["language"], document["level"], document["workload"]) == ("de", "beginner",
                                                                               "6 weeks, about 3 hours a week")
    text = project.read("public/feeds/courses/1.json")
    assert "Unfinished lesson" not in text and "Not yet" not in text and "Only drafts here" not in text


def test_facts_not_set_are_absent_and_each_type_has_its_own_opening(project):
    project.add(course(1, "Self Paced", sections=[{"id": 1, "name": "All of it", "lessons": [{"id": 1, "name": "A"}]}]),
                course(2, "Scheduled", type="scheduled", sections=[
                    {"id": 1, "name": "Week one", "dripped_at": "2026-03-02T09:00:00Z", "lessons": [{"id": 1, "name": "A"}]}]),
                course(3, "Structured", type="structured", sections=[{"id": 1, "name": "Day one", "lessons": [{"id": 1, "name": "A"}]}]),
                course(4, "Bare"))
    assert project.build("--quiet") == 0
    documents = {n: project.json(f"public/feeds/courses/{n}.json") for n in range(1, 5)}
    assert documents[1]["sections"] == [{"id": 1, "name": "All of it", "lessons": [{"id": 1, "name": "A", "type": "lesson"}]}]
    assert documents[2]["sections"][0]["dripped_at"] == "2026-03-02T09:00:00Z" and "drip_delay" not in documents[2]["sections"][0]
    assert documents[3]["sections"][0]["drip_delay"] == 0 and "dripped_at" not in documents[3]["sections"][0]
    bare = documents[4]
    assert not {"language", "level", "workload"} & bare.keys()
    assert (bare["sections"], bare["num_sections"], bare["num_lessons"], bare["paywalls"], bare["enforce_lessons_order"]) \
        == ([], 0, 0, [], False)


def test_every_written_document_validates_against_the_shipped_schema(project):
    project.add(structured(1, "Open One"), structured(2, "Private Two", privacy="private"),
                structured(3, "Secret Three", privacy="secret"), structured(4, "Draft Four", privacy=""),
                course(5, "Plain"), course(6, "Scheduled", type="scheduled", privacy="secret", sections=[
                    {"id": 1, "name": "Week one", "dripped_at": "2026-03-02T09:00:00+02:00", "lessons": [{"id": 1, "name": "A"}]}]))
    assert project.build("--quiet") == 0
    validator = jsonschema.Draft202012Validator(schemas.load("detail"), format_checker=jsonschema.FormatChecker())
    documents = detail_files(project)
    assert len(documents) == 6
    for path, document in documents.items():
        assert list(validator.iter_errors(document)) == [], path


def test_the_detail_schema_repeats_the_dashboard_field_for_field():
    """The document is the feed item plus the syllabus: the two schemas may never drift apart."""
    dashboard, detail = schemas.load("dashboard"), schemas.load("detail")
    assert detail["additionalProperties"] is False
    assert detail["required"][:len(dashboard["required"])] == dashboard["required"]
    assert {k: detail["properties"][k] for k in dashboard["properties"]} == dashboard["properties"]
    assert {k: detail["$defs"][k] for k in dashboard["$defs"]} == dashboard["$defs"]
    assert set(detail["properties"]) - set(dashboard["properties"]) == {
        "sections", "num_sections", "num_lessons", "enforce_lessons_order", "paywalls", "language", "level", "workload"}


@pytest.mark.parametrize("wrong", [
    {"sections": [{"id": 1, "name": "S", "dripped_at": "2026-03-02T09:00:00Z", "lessons": [{"id": 1, "name": "A", "type": "lesson"}]}]},
    {"sections": [{"id": 1, "name": "S", "drip_delay": 0, "lessons": []}]},
    {"level": None},
    {"paywalls": [{"name": "P", "payment_prices": [{"unit_amount": 1, "currency": "EUR"}]}]},
    {"description": "never in a model document"},
])
def test_the_schema_refuses_what_a_document_may_not_hold(wrong):
    validator = jsonschema.Draft202012Validator(schemas.load("detail"))
    document = {**_valid_structured_document(), **wrong}
    assert list(validator.iter_errors(document)), wrong


def _valid_structured_document() -> dict:
    user = {"id": 1, "username": "ada", "real_name": "Ada", "avatar": "", "community_badge": False, "deleted": False}
    return {"id": 1, "name": "N", "slug": "n", "type": "structured", "privacy": "open", "hide_member_count": False,
            "meta_title": "N", "meta_description": "", "og_title": "N", "og_description": "", "og_image": "",
            "image_bigger": "", "image_big": "", "image_medium": "", "image_small": "", "deleted": False,
            "join_status": None, "user_completion_rate": 0, "created_at": "2025-01-02T03:04:05Z", "created_by": user,
            "categories": [], "avg_completion_rate": 0, "sections": [], "num_sections": 0, "num_lessons": 0,
            "enforce_lessons_order": False, "paywalls": []}


def test_the_valid_example_document_is_valid():
    assert list(jsonschema.Draft202012Validator(schemas.load("detail")).iter_errors(_valid_structured_document())) == []


def test_a_document_that_breaks_the_schema_is_an_internal_error_never_written(project, monkeypatch, capsys):
    project.add(course(1, "Open One"))
    assert project.build("--quiet") == 0
    before = project.read("public/feeds/courses/1.json")
    real = details.detail_document
    monkeypatch.setattr(details, "detail_document", lambda *args: {**real(*args), "num_lessons": "three"})
    project.add(course(1, "Open One", description="Changed."))
    assert project.build("--quiet", "--no-cache") == 1
    assert ("coursegen: internal error: the detail document of course 1 does not match its schema (Course detail): "
            "num_lessons: 'three' is not of type 'integer'") in capsys.readouterr().err
    assert project.read("public/feeds/courses/1.json") == before  # the failed build left the output as it was


def test_a_feed_item_check_names_its_own_schema():
    with pytest.raises(CoursegenError, match=r"the dashboard document of course 7 .*\(Course Dashboard\)"):
        feeds.checked({"id": 7})


def test_schema_detail_prints_the_shipped_schema():
    printed = run("schema", "detail")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == schemas.load("detail")
    assert json.loads(printed.stdout)["title"] == "Course detail"
