"""Property test: over hundreds of random catalogs, nothing non-public leaks into output/public/.

A catalog is drawn course by course: a privacy, a deleted flag, categories from categories.yaml
and inline ones, a hidden member count, an image of a colour of its own carrying a marker in its
metadata, a syllabus with draft lessons and a paywall with a price of its own, and sometimes user
templates that print every value they are handed. A hidden course's syllabus and prices may be
written only in its own restricted detail document, and draft lessons nowhere. Every token of
what must stay hidden is a word found nowhere else; the scan reads every byte and file name under
public/, and decodes every published image to find a hidden course's colour.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

import coursegen.site.details as details
import coursegen.site.feeds as feeds
from coursegen.privacy import PublicView, shown_sections
from tests.conftest import CATEGORIES, SITE, USERS, Project, course

pytestmark = pytest.mark.slow

PRIVACIES = ["open", "private", "secret", ""]
# Far apart, so that a published square of one can never be taken for another.
COLOURS = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
           (240, 50, 230), (128, 128, 0)]
ROBOTS = '<meta name="robots" content="{{ head.robots }}">'  # pages that may not be indexed must say so
DUMP_TEMPLATES = {  # a theme that prints everything each page is handed
    "course.html": ROBOTS + "{{ site | tojson }}{{ course | tojson }}{{ head | tojson }}{{ jsonld | tojson }}\n",
    "lock.html": ROBOTS + "{{ site | tojson }}{{ course | tojson }}{{ head | tojson }}\n",
    "index.html": "{{ courses | tojson }}{{ filters | tojson }}{% for c in courses %}{{ card(c) }}{% endfor %}\n",
    "category.html": "{{ heading }}{{ intro }}{{ courses | tojson }}{{ filters | tojson }}\n",
}


def token(kind: str, index: int, salt: int) -> str:
    """A word that appears nowhere else: found in output means it leaked."""
    return f"zq{kind}{index}x{salt}qz"


def member_count(index: int, salt: int) -> int:
    return 900000 + salt % 1000 * 10 + index


def price_amount(index: int, salt: int) -> int:
    """A price in minor units whose whole units (8,0ss,s0i) are a number found nowhere else."""
    return (8_000_000 + salt % 1000 * 100 + index) * 100 + 37


def price_texts(index: int, salt: int) -> tuple[str, ...]:
    """The amount as a feed writes it, and its whole units as a page would show them, with or without separators."""
    units = price_amount(index, salt) // 100
    return str(price_amount(index, salt)), str(units), f"{units:,}", f"{units:,}".replace(",", ".")


def syllabus(index: int, salt: int) -> list[dict]:
    """A syllabus of marked names: a published lesson, a draft quiz, and a section of drafts only."""
    return [{"id": 1, "name": token("section", index, salt), "lessons": [
                {"id": 1, "name": token("lesson", index, salt)},
                {"id": 2, "name": token("draftlesson", index, salt), "type": "quiz", "status": "draft"}]},
            {"id": 2, "name": token("draftsection", index, salt), "lessons": [
                {"id": 3, "name": token("draftonly", index, salt), "status": "draft"}]}]


def paywalls(index: int, salt: int) -> list[dict]:
    return [{"name": token("paywall", index, salt), "payment_prices": [
        {"unit_amount": price_amount(index, salt), "currency": "EUR", "recurring_interval": "month"}]}]


def shown_syllabus_tokens(index: int, salt: int) -> tuple[str, ...]:
    """What a course's detail document shows of its syllabus and paywalls (published lessons only)."""
    return (token("section", index, salt), token("lesson", index, salt), token("paywall", index, salt),
            *price_texts(index, salt))


def draft_lesson_tokens(index: int, salt: int) -> tuple[str, ...]:
    """What no build but a preview may write anywhere: draft lessons, and the section they leave empty."""
    return token("draftlesson", index, salt), token("draftsection", index, salt), token("draftonly", index, salt)


@st.composite
def catalogs(draw):
    """Draw a catalog: its courses, the categories.yaml and inline categories they use, images and templates."""
    size = draw(st.integers(1, 8))
    salt = draw(st.integers(0, 10**6))
    categories = [{"id": 100 + i, "name": token("catname", i, salt), "slug": f"zqcat{i}x{salt}"} for i in range(4)]
    inline = [{"id": 200 + i, "name": token("inlinename", i, salt), "slug": f"zqinline{i}x{salt}",
               "description": token("inlinedesc", i, salt)} for i in range(3)]
    courses = []
    for index in range(size):
        courses.append({
            "index": index,
            "privacy": draw(st.sampled_from(PRIVACIES)),
            "deleted": draw(st.booleans()),
            "hide_member_count": draw(st.booleans()),
            "categories": draw(st.lists(st.sampled_from(range(4)), max_size=3, unique=True)),
            "inline": draw(st.lists(st.sampled_from(range(3)), max_size=2, unique=True)),
            "with_meta": draw(st.booleans()),
            "image": draw(st.sampled_from([None, None, "png", "jpg"])),
            "syllabus": draw(st.booleans()),
            "paywall": draw(st.booleans()),
        })
    return salt, categories, inline, courses, draw(st.booleans())


def write_catalog(project: Project, salt: int, categories: list[dict], inline: list[dict], courses: list[dict],
                  dump: bool) -> None:
    project.write("site.yaml", {**SITE, "image_sizes": {"bigger": 48, "big": 32, "medium": 24, "small": 16}})
    project.write("categories.yaml", CATEGORIES + categories)
    project.write("users.yaml", USERS)
    for spec in courses:
        i = spec["index"]
        fields = dict(
            slug=f"zqslug{i}x{salt}", privacy=spec["privacy"], deleted=spec["deleted"],
            hide_member_count=spec["hide_member_count"], member_count=member_count(i, salt),
            categories=[categories[c]["slug"] for c in spec["categories"]] + [inline[c] for c in spec["inline"]],
            description=f"{token('body', i, salt)} words.\n\n- {token('list', i, salt)}\n",
        )
        if spec["with_meta"]:
            fields.update(meta_description=f"Shared blurb {token('meta', i, salt)}")
        if spec.get("syllabus"):
            fields.update(sections=syllabus(i, salt), enforce_lessons_order=True, workload=token("workload", i, salt))
        if spec.get("paywall"):
            fields.update(paywalls=paywalls(i, salt))
        if spec["image"]:
            fields.update(image_original=f"images/course-{i}.{spec['image']}")
            project.write(f"images/course-{i}.{spec['image']}", marked_image(COLOURS[i], token("marker", i, salt), spec["image"]))
        project.add(course(1000 + i, token("name", i, salt), **fields))
    if dump:
        for name, text in DUMP_TEMPLATES.items():
            (project.root / "templates").mkdir(exist_ok=True)
            (project.root / "templates" / name).write_text(text, "utf-8")


def marked_image(colour: tuple, marker: str, kind: str) -> bytes:
    """A square of one colour whose metadata (JPEG comment and EXIF, PNG text chunks) carry the marker."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (64, 64), colour)
    exif = Image.Exif()
    exif[0x010E] = marker  # ImageDescription
    if kind == "png":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", marker)
        image.save(buffer, "PNG", pnginfo=info, exif=exif.tobytes())
    else:
        image.save(buffer, "JPEG", comment=marker.encode(), exif=exif.tobytes(), quality=95)
    return buffer.getvalue()


def find_leaks(public: dict[str, bytes], salt: int, categories: list[dict], inline: list[dict],
               courses: list[dict]) -> list[str]:
    """Return every forbidden token found under public/, with the file it was found in."""
    texts = {path: content.decode("utf-8", "replace") for path, content in public.items()}
    leaks = []

    def forbid(tok: str, allowed_in: tuple[str, ...] = ()) -> None:
        for path, text in texts.items():
            if path not in allowed_in and (tok in text or tok in path):
                leaks.append(f"{tok} in {path}")

    shown_registry, shown_inline = set(), set()
    locks = {}
    for spec in courses:
        i, visible = spec["index"], not spec["deleted"]
        forbid(token("marker", i, salt))  # metadata never leaves, whoever's image it is
        for tok in draft_lesson_tokens(i, salt):
            forbid(tok)
        if not (visible and spec["privacy"] == "open"):  # not even on a private course's own lock screen
            for tok in (*shown_syllabus_tokens(i, salt), token("workload", i, salt)):
                forbid(tok)
        if visible and spec["privacy"] == "open":
            shown_registry.update(spec["categories"])
            shown_inline.update(spec["inline"])
            if spec["hide_member_count"]:
                forbid(str(member_count(i, salt)))
            continue
        lock = f"courses/zqslug{i}x{salt}/index.html"
        if visible and spec["privacy"] == "private":
            locks[lock] = spec
            for tok in (token("name", i, salt), f"zqslug{i}x{salt}", token("meta", i, salt)):
                forbid(tok, allowed_in=(lock,))
            for tok in (token("body", i, salt), token("list", i, salt), str(member_count(i, salt))):
                forbid(tok)
            continue
        for tok in (token("name", i, salt), f"zqslug{i}x{salt}", token("body", i, salt),
                    token("list", i, salt), token("meta", i, salt), f'"id": {1000 + i}'):
            forbid(tok)
    for kind, defined, shown in (("categories", categories, shown_registry), ("inline", inline, shown_inline)):
        for number, category in enumerate(defined):
            if number in shown:
                continue
            own = tuple(path for path, spec in locks.items() if number in spec[kind])  # a lock screen names its own
            for tok in (category["name"], category["slug"]):
                forbid(tok, allowed_in=own)
            if "description" in category:
                forbid(category["description"])  # not even a lock screen shows a category's description
    leaks += image_leaks(public, courses)
    assert texts  # the scan saw the site
    return leaks


def image_leaks(public: dict[str, bytes], courses: list[dict]) -> list[str]:
    """Return every published image that shows the colour of a course whose image may not be public."""
    hidden = {spec["index"] for spec in courses if spec["image"] and (spec["deleted"] or spec["privacy"] in ("secret", ""))}
    leaks = []
    for path, content in public.items():
        if not path.startswith("images/"):
            continue
        red, green, blue = Image.open(io.BytesIO(content)).convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        for index in hidden:
            if max(abs(a - b) for a, b in zip((red, green, blue), COLOURS[index])) <= 12:
                leaks.append(f"the image of course {index} in {path}")
    return leaks


def restricted_leaks(restricted: dict[str, bytes], salt: int, courses: list[dict]) -> list[str]:
    """Return every syllabus, paywall or price of a hidden course found under restricted/ outside its own document.

    A hidden course's own detail document must hold them (else the scan proves nothing); a deleted
    course's are nowhere, nor are a draft lesson's.
    """
    texts = {path: content.decode("utf-8", "replace") for path, content in restricted.items()}
    leaks = []
    for spec in courses:
        i = spec["index"]
        own = f"feeds/courses/{1000 + i}.json"
        for tok in draft_lesson_tokens(i, salt):
            leaks += [f"{tok} in restricted/{path}" for path, text in texts.items() if tok in text]
        for tok in (*shown_syllabus_tokens(i, salt), token("workload", i, salt)):
            leaks += [f"{tok} in restricted/{path}" for path, text in texts.items() if tok in text and path != own]
        hidden = not spec["deleted"] and spec["privacy"] != "open"
        if hidden and spec.get("syllabus") and token("lesson", i, salt) not in texts.get(own, ""):
            leaks.append(f"course {i}'s own document restricted/{own} lacks its lessons")
        if hidden and spec.get("paywall") and str(price_amount(i, salt)) not in texts.get(own, ""):
            leaks.append(f"course {i}'s own document restricted/{own} lacks its price")
    return leaks


def build_and_scan(salt, categories, inline, courses, dump, *, renamed: bool = False) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "site")
        write_catalog(project, salt, categories, inline, courses, dump)
        assert project.build("--quiet") == 0
        if renamed:  # every course moves to a new slug: old slugs may be redirected, but only public ones
            for path in (project.content / "courses").glob("*.yaml"):
                path.write_text(path.read_text("utf-8").replace("slug: zqslug", "slug: zqnewslug"), "utf-8")
            assert project.build("--quiet") == 0
        restricted = {path.relative_to(project.out / "restricted").as_posix(): path.read_bytes()
                      for path in sorted((project.out / "restricted").rglob("*")) if path.is_file()}
        return find_leaks(project.public(), salt, categories, inline, courses) + restricted_leaks(restricted, salt, courses)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(catalogs())
def test_no_non_public_token_reaches_public_output(catalog):
    assert build_and_scan(*catalog) == []


def _publish_everything(course, *, preview=False):
    return PublicView.FULL


def _modules_deciding_with_public_view() -> list[str]:
    """Every generator module that holds privacy.public_view by name: each decides with it on its own."""
    return sorted(name for name, module in sys.modules.items()
                  if name.startswith("coursegen") and getattr(module, "public_view", None) is not None)


LEAKY_CATALOG = (7, [{"id": 100 + i, "name": token("catname", i, 7), "slug": f"zqcat{i}x7"} for i in range(4)],
                 [{"id": 200 + i, "name": token("inlinename", i, 7), "slug": f"zqinline{i}x7",
                   "description": token("inlinedesc", i, 7)} for i in range(3)],
                 [{"index": 0, "privacy": "secret", "deleted": False, "hide_member_count": False, "categories": [1],
                   "inline": [2], "with_meta": False, "image": "png", "syllabus": True, "paywall": True},
                  {"index": 1, "privacy": "open", "deleted": False, "hide_member_count": True, "categories": [0],
                   "inline": [0], "with_meta": False, "image": "jpg"}], False)


def test_every_writer_that_decides_privacy_is_watched(monkeypatch):
    """Each module that asks public_view itself is made to publish everything, alone: the scan must see it.

    (Patching privacy's name only would leave the modules that imported it by name untested.)
    """
    from coursegen.commands import write  # noqa: F401 - every writer loaded, so that the list below is complete

    modules = _modules_deciding_with_public_view()
    # history asks privacy.has_public_url, which the patch of privacy's own name reaches.
    assert {"coursegen.privacy", "coursegen.site.pages", "coursegen.images.publish"} <= set(modules)
    for name in modules:
        with monkeypatch.context() as patched:
            patched.setattr(sys.modules[name], "public_view", _publish_everything)
            leaks = build_and_scan(*LEAKY_CATALOG, renamed=True)
        assert leaks, f"a {name} that publishes everything went unnoticed"


def test_the_scan_sees_a_secret_course_in_the_public_feed(monkeypatch):
    monkeypatch.setattr(feeds, "is_public_feed_item", lambda course: not course.deleted)
    leaks = build_and_scan(*LEAKY_CATALOG)
    assert any(token("name", 0, 7) in leak and "feeds/open.json" in leak for leak in leaks)


def test_the_scan_sees_a_secret_course_s_syllabus_in_a_public_detail_document(monkeypatch):
    monkeypatch.setattr(details, "detail_folder", lambda course: None if course.deleted else "public")
    leaks = build_and_scan(*LEAKY_CATALOG)
    for tok in (token("lesson", 0, 7), token("section", 0, 7), token("paywall", 0, 7), str(price_amount(0, 7))):
        assert f"{tok} in feeds/courses/1000.json" in leaks
    assert "course 0's own document restricted/feeds/courses/1000.json lacks its lessons" in leaks


def test_the_scan_sees_draft_lessons_in_a_detail_document(monkeypatch):
    monkeypatch.setattr(details, "shown_sections", lambda sections, preview: shown_sections(sections, preview=True))
    leaks = build_and_scan(*LEAKY_CATALOG)
    assert f"{token('draftlesson', 0, 7)} in restricted/feeds/courses/1000.json" in leaks


@pytest.mark.parametrize("kind", ["png", "jpg"])
def test_the_scan_sees_an_image_and_its_metadata(kind):
    colour, marker = COLOURS[3], token("marker", 3, 1)
    public = {"images/a.jpg": marked_image(colour, marker, kind)}
    spec = {"index": 3, "image": kind, "deleted": False, "privacy": "secret"}
    assert image_leaks(public, [spec]) == ["the image of course 3 in images/a.jpg"]
    assert marker.encode() in public["images/a.jpg"]  # what a publishing build must strip
