"""`coursegen new course`: a new course file with the next free id and a hint for every field."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coursegen.commands.scaffold import modeline
from coursegen.content.files import Document, discover_courses, load_document
from coursegen.content.problem import visible
from coursegen.issues import CoursegenError, UsageError
from coursegen.urls import make_slug

NAME_LIMIT = 200  # the course schema's maxLength for a name

# One hint per optional field of the course schema, in the order an editor meets them.
OPTIONAL_HINTS = {
    "hide_member_count": ("false", "true hides the member count on every public page"),
    "meta_title": ('""', "search-result title; falls back to the name"),
    "meta_description": ('""', "search-result description; falls back to the description's first paragraph"),
    "og_title": ('""', "title when shared; falls back to meta_title, then the name"),
    "og_description": ('""', "text when shared; falls back to meta_description (a private lock screen shows only this)"),
    "og_image": ("https://cdn.example.org/share.png", "absolute URL or image path for sharing; falls back to the course image, then the site's"),
    "image_original": ("images/example.jpg", "path under content/images/; square sizes are generated from it"),
    "deleted": ("false", "true removes the course from every output"),
    "avg_completion_rate": ("0", "integer 0-100"),
    "member_count": ("0", "integer >= 0; never shown publicly when hide_member_count is true"),
    "language": ("de", "BCP 47 tag such as de, de-CH, pt-BR or zh-Hant; leave it out for site.yaml's language{site}"),
    "level": ("beginner", "beginner | intermediate | advanced; shown with the course's facts"),
    "workload": ('"6 weeks, about 3 hours a week"', "how much time the course asks, in words, shown as written"),
    "sections": ("", "the syllabus, in the order shown; section and lesson ids unique in the course, stable"),
    "enforce_lessons_order": ("false", "true: lessons unlock in order"),
    "paywalls": ("", "payment products; leave it out (or []) for a free course"),
}


# The lines under a commented field that make it a valid value once "# " is taken off each line.
# The drip lines stay comments then: each is right for one type of course only.
BLOCKS = {
    "sections": [
        "  - id: 1",
        "    name: Getting started",
        "    # drip_delay: 7  # structured courses only: opens this many days after a member joins",
        '    # dripped_at: "2027-03-01T09:00:00Z"  # scheduled courses only, and required there: when it opens',
        "    lessons:  # type: lesson (default) | quiz; status: published (default) | draft (previews only)",
        "      - {id: 1, name: Welcome}",
        "      - {id: 2, name: Check yourself, type: quiz}",
        "      - {id: 3, name: Coming soon, status: draft}",
    ],
    "paywalls": [
        "  - name: Full access",
        "    payment_prices:  # unit_amount in the currency's minor units; currency: ISO 4217 (EUR, USD, JPY)",
        "      - {unit_amount: 4900, currency: EUR}  # 49.00 once",
        "      - {unit_amount: 900, currency: EUR, recurring_interval: month}  # 9.00 a month (week | month | year)",
    ],
}


@dataclass(frozen=True, slots=True)
class Scaffold:
    """A new course file: where it goes and what it says."""

    path: Path
    id: int
    slug: str
    text: str


def plan_course(content: Path, name: str, now: datetime) -> Scaffold:
    """Return the file `new course` would write, reading only what the content already holds."""
    name = name.strip()
    problem = _name_problem(name)
    if problem:
        raise UsageError(f"cannot make a course named {name!r}: {problem}")
    slug = make_slug(name)
    if not slug:
        raise UsageError(f"cannot make a URL slug from the name {name!r}: use some letters or digits")
    documents = [d for d in (load_document(content, p) for p in discover_courses(content)[0]) if isinstance(d, Document)]
    courses = [d for d in documents if isinstance(d.data, dict)]
    _refuse_duplicate(courses, name, slug)
    ids = [d.data["id"] for d in courses if type(d.data.get("id")) is int]
    registry = {key: _registry_values(content / f"{key}.yaml", field) for key, field in
                (("users", "username"), ("categories", "slug"))}
    text = course_text(max(ids, default=0) + 1, name, slug, now, registry["users"], registry["categories"],
                       site_language=_site_language(content))
    return Scaffold(content / "courses" / f"{slug}.yaml", max(ids, default=0) + 1, slug, text)


def _name_problem(name: str) -> str:
    """Return why a name cannot be a course's (the course schema's rules for `name`), or ""."""
    if len(name) > NAME_LIMIT:
        return f"a name has at most {NAME_LIMIT} characters, this one {len(name)}"
    if not name.isprintable():
        return "it holds a line break, a tab or another invisible control character"
    if not visible(name):
        return "it has no visible character"
    return ""


def course_text(id: int, name: str, slug: str, now: datetime, users: list[str], categories: list[str],
                site_language: str = "") -> str:
    """Return the YAML of a new draft course, with commented hints for every field of the schema."""
    created_at = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    known_users = f" ({', '.join(users[:8])})" if users else ""
    known_categories = f" ({', '.join(categories[:8])})" if categories else ""
    lines = [
        modeline("course", depth=2),  # content/courses/<slug>.yaml, two folders below the project
        "# A new course. Check it with `coursegen check`; `coursegen schema course` shows every rule.",
        "# Required: id, name, type, created_at, created_by. Uncomment an optional field (each line of it) to set it.",
        f"id: {id}  # unique and stable forever: feeds are keyed by it",
        f"name: {json.dumps(name, ensure_ascii=False)}  # unique, ignoring case",
        f"slug: \"{slug}\"  # the page URL courses/{slug}/; lowercase ASCII words joined by '-'",
        "type: self-paced  # self-paced | structured | scheduled",
        'privacy: ""  # "" draft (previews only) | open (public page) | private (lock screen) | secret (no page)',
        f'created_at: "{created_at}"  # RFC 3339 with a timezone',
        f"created_by:  # TODO: a username from users.yaml{known_users}, or {{id, username, real_name}}",
        f"categories: []  # category slugs from categories.yaml{known_categories}, or {{id, name, slug}}",
    ]
    site = f" ({site_language})" if site_language else ""
    for field, (example, hint) in OPTIONAL_HINTS.items():
        lines.append(f"# {field}:{' ' + example if example else ''}  # {hint.format(site=site)}")
        lines += [f"# {line}" for line in BLOCKS.get(field, ())]
    lines += ["description: |  # Markdown; the first paragraph is the summary; raw HTML is sanitised",
              f"  What will people learn in {name}?", ""]
    return "\n".join(lines)


def _refuse_duplicate(courses: list[Document], name: str, slug: str) -> None:
    for document in courses:
        other = document.data.get("name")
        other_slug = document.data.get("slug") or (make_slug(other) if isinstance(other, str) else "")
        if (isinstance(other, str) and other.strip().casefold() == name.casefold()) or other_slug == slug:
            raise CoursegenError(f"{document.display} already has a course named {other!r} (slug {other_slug}); "
                                 f"choose another name")


def _registry_values(path: Path, field: str) -> list[str]:
    document = load_document(path.parent, path) if path.is_file() else None
    if not isinstance(document, Document) or not isinstance(document.data, list):
        return []
    return [str(entry[field]) for entry in document.data if isinstance(entry, dict) and field in entry]


def _site_language(content: Path) -> str:
    """Return site.yaml's language for the hint, or "" when the file or the field cannot be read."""
    path = content / "site.yaml"
    document = load_document(content, path) if path.is_file() else None
    if not isinstance(document, Document) or not isinstance(document.data, dict):
        return ""
    language = document.data.get("language", "")
    return language if isinstance(language, str) and language.isprintable() and len(language) <= 35 else ""


def write_new(scaffold: Scaffold) -> None:
    """Write the file, refusing to replace one that exists."""
    folder = scaffold.path.parent
    if folder.is_symlink() and not folder.exists():  # mkdir would say only "File exists"
        raise CoursegenError(f"{folder.as_posix()} is a link to {os.readlink(folder)}, which does not exist: "
                             f"make that folder, or replace the link with a courses/ folder")
    if folder.exists() and not folder.is_dir():
        raise CoursegenError(f"{folder.as_posix()} is a file, not a folder: course files go in the courses/ folder")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with scaffold.path.open("x", encoding="utf-8") as handle:
            handle.write(scaffold.text)
    except FileExistsError:
        raise CoursegenError(f"{scaffold.path.as_posix()} already exists; refusing to overwrite it "
                             f"(choose another name, or edit that file)") from None
