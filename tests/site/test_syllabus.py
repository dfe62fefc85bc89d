"""What a learner decides on (SPEC §7): the syllabus, the facts, the price, the join link, and what a lock screen keeps back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursegen.cli import main
from coursegen.model import (
    Course,
    CourseType,
    Lesson,
    LessonType,
    Level,
    Paywall,
    Price,
    Privacy,
    Section,
    SiteConfig,
    User,
)
from coursegen.privacy import shown_counts, shown_sections
from coursegen.site import syllabus
from coursegen.site.head import offers_jsonld
from tests.conftest import SITE, course
from tests.site.test_site import jsonld_blocks

ADA = User(id=10, username="ada", real_name="Ada Lovelace")


def site(**fields) -> SiteConfig:
    return SiteConfig(title="T", base_url="https://academy.test/", **fields)


def model_course(**fields) -> Course:
    values = {"id": 7, "name": "C", "slug": "c", "type": CourseType.SELF_PACED, "privacy": Privacy.OPEN,
              "created_at": "2025-01-02T03:04:05Z", "created_by": ADA}
    return Course(**{**values, **fields})


def euros(*amounts: tuple[int, str]) -> tuple[Paywall, ...]:
    return (Paywall("Access", tuple(Price(amount, "EUR", interval) for amount, interval in amounts)),)


SECTIONS = (
    Section(1, "Basics", (Lesson(11, "Hello"), Lesson(12, "Check", LessonType.QUIZ), Lesson(13, "Later", published=False))),
    Section(2, "Unfinished", (Lesson(21, "Sketch", published=False),)),
    Section(3, "Empty"),
    Section(4, "More", (Lesson(41, "World"),)),
)


def test_a_published_page_shows_only_published_lessons_and_sections_that_have_one():
    shown = shown_sections(SECTIONS, preview=False)
    assert [(s.section.name, [lesson.name for lesson in s.lessons], s.draft) for s in shown] == [
        ("Basics", ["Hello", "Check"], False), ("More", ["World"], False)]
    view = syllabus.syllabus_view(model_course(), site(), shown)
    assert view["summary"] == "2 sections · 3 lessons"  # the draft lesson and the two sections not counted
    assert [lesson["quiz"] for lesson in view["sections"][0]["lessons"]] == [False, True]


def test_a_preview_shows_drafts_too_marked_as_drafts():
    shown = shown_sections(SECTIONS, preview=True)
    assert [(s.section.name, s.draft) for s in shown] == [
        ("Basics", False), ("Unfinished", True), ("Empty", True), ("More", False)]
    view = syllabus.syllabus_view(model_course(), site(), shown)
    assert [lesson["draft"] for lesson in view["sections"][0]["lessons"]] == [False, False, True]
    assert view["summary"] == "4 sections · 5 lessons"  # what the preview shows


def test_a_course_without_a_syllabus_shows_none():
    assert syllabus.syllabus_view(model_course(), site(), ()) is None
    assert syllabus.syllabus_view(model_course(), site(), shown_sections((SECTIONS[1],), preview=False)) is None


@pytest.mark.parametrize("preview", [False, True])
@pytest.mark.parametrize("sections", [SECTIONS, SECTIONS[1:2], SECTIONS[2:3], (), SECTIONS[::-1] * 2])
def test_a_card_counts_what_the_page_shows(sections, preview):
    """A card's counts are made when a course is resolved, without its sections: by the page's own rule."""
    shown = shown_sections(sections, preview=preview)
    published = [[lesson.published for lesson in section.lessons] for section in sections]
    assert shown_counts(published, preview=preview) == (len(shown), syllabus.lesson_count(shown))


@pytest.mark.parametrize(("course_type", "section", "language", "expected"), [
    (CourseType.SCHEDULED, Section(1, "S", dripped_at="2027-03-02T09:00:00Z"), "en", "Opens on March 2, 2027"),
    (CourseType.SCHEDULED, Section(1, "S", dripped_at="2027-03-02T09:00:00Z"), "en-GB", "Opens on 2 March 2027"),
    (CourseType.SCHEDULED, Section(1, "S", dripped_at="2027-03-02T00:30:00+02:00"), "de", "Opens on 2. März 2027"),
    (CourseType.SCHEDULED, Section(1, "S", dripped_at="2027-03-02T09:00:00Z"), "xx-unknown", "Opens on March 2, 2027"),
    (CourseType.STRUCTURED, Section(1, "S", drip_delay=7), "en", "Opens 7 days after you join"),
    (CourseType.STRUCTURED, Section(1, "S", drip_delay=1), "en", "Opens 1 day after you join"),
    (CourseType.STRUCTURED, Section(1, "S", drip_delay=0), "en", None),
    (CourseType.SELF_PACED, Section(1, "S"), "en", None),
])
def test_each_section_says_when_it_opens_in_words(course_type, section, language, expected):
    opening = syllabus.opening(course_type, section, language)
    said = opening and " ".join(filter(None, (opening["text"], opening["date"])))
    assert said == expected


@pytest.mark.parametrize(("paywalls", "language", "expected"), [
    ((), "en", "Free"),
    (euros((4900, "")), "en", "€49.00"),
    (euros((900, "month")), "en", "€9.00 / month"),
    (euros((4900, ""), (900, "month")), "en", "€49.00 or €9.00 / month"),
    (euros((4900, ""), (900, "month"), (9000, "year")), "en", "€49.00, €9.00 / month, or €90.00 / year"),
    (euros((4900, "")) + euros((4900, "")), "en", "€49.00"),  # the same price in two paywalls, said once
    (euros((4900, "")), "de", "49,00\xa0€"),
    ((Paywall("Seat", (Price(120000, "JPY"),)),), "en", "¥120,000"),  # no minor units in yen
])
def test_the_price_is_written_as_the_site_s_language_writes_money(paywalls, language, expected):
    assert syllabus.price_text(model_course(paywalls=paywalls), site(language=language)) == expected


def test_the_facts_name_the_language_in_the_site_s_language():
    german = model_course(language="de", level=Level.BEGINNER, workload="3 weeks")
    assert syllabus.facts_view(german, site()) == {"price": "Free", "level": "Beginner", "language": "German",
                                                  "workload": "3 weeks"}
    assert syllabus.facts_view(german, site(language="fr"))["language"] == "allemand"
    assert syllabus.facts_view(model_course(), site(language="de"))["language"] == "Deutsch"  # the site's own
    assert syllabus.facts_view(german, site(language="qq-Unknown"))["language"] == "German"  # English, then


def test_the_join_url_gets_the_course_s_id_and_slug():
    template = site(join_url="https://community.example.org/course/{id}-{slug}/?from={slug}")
    assert syllabus.join_url(model_course(id=42, slug="learn-it"), template) == \
        "https://community.example.org/course/42-learn-it/?from=learn-it"
    assert syllabus.join_url(model_course(), site()) == ""


def test_offers_are_free_paid_or_subscription_with_decimal_prices():
    assert offers_jsonld(model_course()) == [{"@type": "Offer", "category": "Free", "price": "0"}]
    paid, monthly = offers_jsonld(model_course(paywalls=euros((4900, ""), (900, "month"))))
    assert paid == {"@type": "Offer", "category": "Paid", "price": "49.00", "priceCurrency": "EUR"}
    assert monthly["category"] == "Subscription" and monthly["price"] == "9.00"
    assert monthly["priceSpecification"]["billingDuration"] == "P1M"
    [yen] = offers_jsonld(model_course(paywalls=(Paywall("Seat", (Price(1200, "JPY"),)),)))
    assert yen["price"] == "1200"


# The built site.

JOIN = "https://community.test/c/{id}-{slug}/"
FULL = {  # every §7 field, drafts included
    "level": "beginner", "language": "de", "workload": "Six weeks, two hours a week",
    "enforce_lessons_order": True,
    "paywalls": [{"name": "Access", "payment_prices": [{"unit_amount": 4900, "currency": "EUR"},
                                                       {"unit_amount": 900, "currency": "EUR",
                                                        "recurring_interval": "month"}]}],
}


def scheduled_sections() -> list[dict]:
    return [
        {"id": 1, "name": "Zeroth Steps", "dripped_at": "2027-03-02T09:00:00Z",
         "lessons": [{"id": 11, "name": "Hallo Welt"}, {"id": 12, "name": "Kleiner Test", "type": "quiz"},
                     {"id": 13, "name": "Unpublished Idea", "status": "draft"}]},
        {"id": 2, "name": "Secret Drafts Section", "dripped_at": "2027-03-09T09:00:00Z",
         "lessons": [{"id": 21, "name": "Only A Draft", "status": "draft"}]},
        {"id": 3, "name": "Second Steps", "dripped_at": "2027-03-16T09:00:00Z",
         "lessons": [{"id": 31, "name": "Weiter geht's"}]},
    ]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_open_course_page_shows_its_syllabus_facts_and_join_link(project):
    project.write("site.yaml", {**SITE, "join_url": JOIN})
    project.add(course(5, "Deutsch", slug="deutsch", type="scheduled", sections=scheduled_sections(), **FULL))
    assert project.build() == 0
    page = project.read("public/courses/deutsch/index.html")
    assert '<a class="button button-join" href="https://community.test/c/5-deutsch/">Join this course</a>' in page
    text = text_of(page)
    assert "2 sections · 3 lessons · Lessons unlock in order" in text
    assert "Zeroth Steps 2 lessons · Opens on March 2, 2027" in text
    assert "Kleiner Test Quiz" in text  # quizzes marked in words, not by colour
    for fact in ("Price €49.00 or €9.00 / month", "Level Beginner", "Language German",
                 "Workload Six weeks, two hours a week"):
        assert fact in text
    for draft in ("Unpublished Idea", "Secret Drafts Section", "Only A Draft", "Draft"):
        assert draft not in text
    [data] = jsonld_blocks(page)
    assert [s["name"] for s in data["syllabusSections"]] == ["Zeroth Steps", "Second Steps"]
    assert data["syllabusSections"][0] == {"@type": "Syllabus", "name": "Zeroth Steps", "description": "2 lessons"}
    assert data["inLanguage"] == "de" and data["educationalLevel"] == "Beginner"
    assert [(o["category"], o["price"]) for o in data["offers"]] == [("Paid", "49.00"), ("Subscription", "9.00")]
    [instance] = data["hasCourseInstance"]
    assert instance["courseMode"] == "online" and instance["courseWorkload"] == "Six weeks, two hours a week"
    assert instance["startDate"] == "2027-03-02T09:00:00Z"
    listing = text_of(project.read("public/index.html"))
    assert "€49.00 or €9.00 / month · 3 lessons · Beginner" in listing
    for path, data in project.public().items():  # draft lessons are nowhere in the published site
        assert b"Only A Draft" not in data and b"Unpublished Idea" not in data, path


def test_a_preview_shows_draft_lessons_and_sections_marked_draft(project):
    project.add(course(5, "Deutsch", slug="deutsch", type="scheduled", sections=scheduled_sections(), **FULL))
    assert project.build("--preview") == 0
    page = project.read("public/courses/deutsch/index.html")
    text = text_of(page)
    assert "3 sections · 5 lessons" in text
    assert "Unpublished Idea Draft" in text and "Secret Drafts Section Draft" in text
    [data] = jsonld_blocks(page)
    assert len(data["syllabusSections"]) == 3  # what the page shows
    assert "Join this course" not in page  # no join_url in site.yaml, no link


def test_a_lock_screen_shows_request_access_and_nothing_of_what_a_member_would_find(project):
    project.write("site.yaml", {**SITE, "join_url": JOIN})
    project.add(course(6, "Hidden Circle", slug="hidden-circle", privacy="private", type="scheduled",
                       sections=scheduled_sections(), **FULL))
    assert project.build() == 0
    page = project.read("public/courses/hidden-circle/index.html")
    assert '<a class="button" href="https://community.test/c/6-hidden-circle/">Request access</a>' in page
    assert "Join this course" not in page
    text = text_of(page)
    kept_back = ["Zeroth Steps", "Hallo Welt", "Kleiner Test", "Second Steps", "Syllabus", "lesson", "section",
                 "Quiz", "€", "49", "Free", "Beginner", "German", "Deutsch", "Six weeks", "Opens", "March",
                 "unlock", "Price", "Level", "Workload", "Language"]
    assert [word for word in kept_back if word.lower() in text.lower()] == []
    for path, data in project.public().items():  # nor anywhere else public
        for name in (b"Zeroth Steps", b"Hallo Welt", b"Kleiner Test", b"Six weeks"):
            assert name not in data, (path, name)


def test_without_a_join_url_neither_page_has_a_link_to_join(project):
    project.add(course(5, "Open", slug="open", **FULL), course(6, "Closed", slug="closed", privacy="private"))
    assert project.build() == 0
    assert "Join this course" not in project.read("public/courses/open/index.html")
    assert "Request access" not in project.read("public/courses/closed/index.html")


def test_an_incremental_build_after_a_syllabus_edit_makes_what_a_cold_build_makes(project, tmp_path):
    document = course(5, "Deutsch", slug="deutsch", type="scheduled", sections=scheduled_sections(), **FULL)
    project.add(document)
    assert project.build() == 0
    document["sections"][0]["lessons"][2]["status"] = "published"  # a card's lesson count changes
    document["paywalls"] = []
    project.add(document)
    assert project.build() == 0
    assert "Free · 4 lessons · Beginner" in text_of(project.read("public/index.html"))
    cold = tmp_path / "cold"
    assert main(["build", "--content", str(project.content), "--out", str(cold), "--no-cache"]) == 0
    made = {p.relative_to(cold / "public"): p.read_bytes() for p in (cold / "public").rglob("*") if p.is_file()}
    assert {Path(path): data for path, data in project.public().items()} == made
