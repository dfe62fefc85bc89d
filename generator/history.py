"""What the previous build's manifest tells this one: forbidden privacy transitions, old URLs."""

from __future__ import annotations

from pathlib import Path

from generator.issues import Issue
from generator.model import Catalog, Privacy
from generator.privacy import PublicView, public_view
from generator.sources import locate


def previous_courses(manifest: dict | None) -> dict[int, dict]:
    """Return the previous build's courses by id ({} for a first build)."""
    if not manifest:
        return {}
    return {entry["id"]: entry for entry in manifest.get("courses", []) if isinstance(entry.get("id"), int)}


def back_to_draft(catalog: Catalog, previous: dict[int, dict], content: Path) -> list[Issue]:
    """Report every course that was published before and is a draft now: the model forbids it."""
    issues = []
    for course in catalog.courses:
        before = previous.get(course.id, {}).get("privacy", "")
        if course.privacy is Privacy.DRAFT and before:
            path = content / course.source
            line, column = locate(path, ("privacy",))
            issues.append(Issue(
                path.as_posix(), line, column, "privacy",
                f"course {course.id} ({course.name!r}) was {before!r} in the previous build and cannot go "
                f"back to draft (\"\"): once a privacy is chosen, the model allows only open, private or secret"))
    return issues


def old_slugs(catalog: Catalog, manifest: dict | None) -> dict[str, int]:
    """Return {slug: course id} for every URL a course was publicly shown at, this build's included.

    The map is kept in the manifest, so a URL keeps working after several renames. Only slugs that
    were public are remembered: a redirect must not reveal the old name of a secret or draft course.
    """
    known = {slug: course_id for slug, course_id in (manifest or {}).get("redirects", {}).items()
             if isinstance(course_id, int)}
    for course_id, entry in previous_courses(manifest).items():
        if entry.get("privacy") in ("open", "private") and not entry.get("deleted") and not (manifest or {}).get("preview"):
            known.setdefault(entry.get("slug", ""), course_id)
    for course in catalog.courses:
        if public_view(course) is not PublicView.NONE:
            known[course.slug] = course.id
    known.pop("", None)
    return dict(sorted(known.items()))


def redirects(catalog: Catalog, slugs: dict[str, int], *, preview: bool) -> dict[str, str]:
    """Return {old slug: current slug} for each course whose page moved and may still be shown."""
    by_id = {course.id: course for course in catalog.courses}
    taken = {course.slug for course in catalog.courses}
    moved = {}
    for old_slug, course_id in slugs.items():
        course = by_id.get(course_id)
        if course is None or old_slug in taken:
            continue
        if public_view(course, preview=preview) is not PublicView.NONE:
            moved[old_slug] = course.slug
    return moved
