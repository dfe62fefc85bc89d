"""What the previous build's manifest tells this one: forbidden privacy transitions, old URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coursegen.content.files import locate
from coursegen.issues import Issue, UsageError
from coursegen.model import Catalog, Privacy
from coursegen.output import manifest as manifests
from coursegen.privacy import has_public_url, returns_to_draft


@dataclass(frozen=True, slots=True)
class Previous:
    """What a build needs of the last build's manifest, reduced as it is read (manifests.read_manifest_sections)."""

    published: dict[int, str] = field(default_factory=dict)  # course id -> privacy, for each course it published
    slugs: dict[str, int] = field(default_factory=dict)  # every slug a course was publicly shown at -> its id
    files: dict[str, str] = field(default_factory=dict)  # output path -> sha256 of each file it wrote


def read_previous(manifest: Path, *, given: bool = False) -> Previous:
    """Return what the build whose manifest this is tells the next one; nothing for a first build.

    The manifest is the build's memory of what it published: without it the back-to-draft rule
    and the redirects of old URLs cannot be kept. So one that is `given` (--previous) and missing,
    or any that is unreadable or not of a coursegen manifest's shape, is a usage error naming it.
    """
    if not manifest.exists():
        if given:
            raise UsageError(f"--previous {manifest} does not exist; pass the manifest of the build now deployed")
        return Previous()
    try:
        sections = manifests.read_manifest_sections(manifest, {
            "generator": _checked("generator"), "preview": _checked("preview"),
            "courses": _checked("courses", _courses), "redirects": _checked("redirects", dict),
            "files": _checked("files", manifests.file_shas)})
    except manifests.ManifestProblem as problem:
        raise UsageError(_not_a_manifest(manifest, str(problem), given)) from None
    if sections is None:
        raise UsageError(_not_a_manifest(manifest, "it cannot be read", given))
    missing = [key for key in ("courses", "files") if key not in sections]
    if missing:
        raise UsageError(_not_a_manifest(manifest, f"it has no {missing[0]!r}", given))
    published, shown = sections.get("courses") or ({}, {})
    slugs = sections.get("redirects") or {}
    if not sections.get("preview"):  # a preview's courses were never public
        for slug, course_id in shown.items():
            slugs.setdefault(slug, course_id)
    return Previous(published, slugs, sections.get("files") or {})


def _checked(section: str, reduce=lambda value: value):
    """Return a reducer that first proves a section has the manifest schema's shape (manifests.ManifestProblem if not)."""
    def reducer(value: object) -> object:
        manifests.check_manifest_section(section, value)
        return reduce(value)

    return reducer


def _not_a_manifest(manifest: Path, problem: str, given: bool) -> str:
    remedy = ("pass the manifest of the build now deployed" if given else
              "restore it from the deployed build, or pass one with --previous; removing the output folder "
              "starts afresh, and forgets which courses were published and their old URLs")
    return f"{manifest} is not a coursegen manifest: {problem}; {remedy}"


def _courses(entries: list) -> tuple[dict[int, str], dict[str, int]]:
    """Reduce a manifest's courses to each published one's privacy, and the slug of each that was public."""
    by_id = {entry["id"]: entry for entry in entries}
    published, shown = {}, {}
    for course_id, entry in by_id.items():
        privacy = entry.get("privacy", "")
        if privacy:
            published[course_id] = _PRIVACIES.get(privacy, privacy) if isinstance(privacy, str) else privacy
        if privacy in ("open", "private") and not entry.get("deleted"):
            shown.setdefault(entry.get("slug", ""), course_id)
    return published, shown


_PRIVACIES = {privacy.value: privacy.value for privacy in Privacy}  # one string per privacy, not one per course


def back_to_draft(catalog: Catalog, published: dict[int, str], content: Path) -> list[Issue]:
    """Report every course that was published before and is a draft now: the model forbids it."""
    issues = []
    for course in catalog.courses:
        before = published.get(course.id, "")
        if returns_to_draft(course, before):
            path = content / course.source
            line, column = locate(path, ("privacy",))
            issues.append(Issue(
                path.as_posix(), line, column, "privacy",
                f"course {course.id} ({course.name!r}) was {before!r} in the previous build and cannot go "
                f"back to draft (\"\"): once a privacy is chosen, the model allows only open, private or secret"))
    return issues


def old_slugs(catalog: Catalog, previous: Previous) -> dict[str, int]:
    """Return {slug: course id} for every URL a course was publicly shown at, this build's included.

    The map is kept in the manifest, so a URL keeps working after several renames. Only slugs that
    were public are remembered: a redirect must not reveal the old name of a secret or draft course.
    """
    known = dict(previous.slugs)
    for course in catalog.courses:
        if has_public_url(course):
            known[course.slug] = course.id
    known.pop("", None)
    return dict(sorted(known.items()))


def redirects(catalog: Catalog, slugs: dict[str, int], *, preview: bool) -> dict[str, str]:
    """Return {old slug: current slug} for each course whose page moved and may still be shown."""
    by_id = {course.id: course for course in catalog.courses}
    # Only a page this build writes takes an old URL: a secret, draft or deleted course holding the
    # slug must not remove the redirect, or its disappearance would tell that a hidden course took it.
    taken = {course.slug for course in catalog.courses if has_public_url(course, preview=preview)}
    moved = {}
    for old_slug, course_id in slugs.items():
        course = by_id.get(course_id)
        if course is None or old_slug in taken:
            continue
        if has_public_url(course, preview=preview):
            moved[old_slug] = course.slug
    return moved
