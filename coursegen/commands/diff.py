"""`coursegen diff`: compare two build manifests, courses and public files, for a reviewer or a tool."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coursegen.issues import UsageError
from coursegen.output.manifest import ManifestProblem, check_manifest
from coursegen.privacy import PublicView, view_of

COURSE_FIELDS = ("slug", "name", "privacy", "deleted")
LIST_LIMIT = 20  # longer lists are cut in Markdown: a pull request comment must stay readable
MAX_MANIFEST_BYTES = 2**30  # a manifest of a million courses is about 450 MB


@dataclass(frozen=True, slots=True)
class CourseChange:
    """One course that differs between two builds; `changes` maps a field to its (old, new) values."""

    id: int
    slug: str
    name: str
    status: str  # "added", "removed" or "changed"
    changes: dict[str, list] = field(default_factory=dict)
    old_visibility: str = "hidden"
    new_visibility: str = "hidden"

    @property
    def exposed(self) -> bool:
        """True when the course shows more of itself publicly than before."""
        return _rank(self.new_visibility) > _rank(self.old_visibility)


@dataclass(frozen=True, slots=True)
class ManifestDiff:
    """What one build adds, changes and removes compared with another."""

    courses: tuple[CourseChange, ...]
    files: dict[str, list[str]]  # "added", "changed", "removed" → public paths
    notes: tuple[str, ...] = ()

    @property
    def exposed(self) -> tuple[CourseChange, ...]:
        return tuple(c for c in self.courses if c.exposed)


def read_manifest(path: Path) -> dict:
    """Read a manifest file; a missing, unreadable or foreign file is a usage error naming it and what is wrong."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MANIFEST_BYTES + 1)  # /dev/zero, or a pipe that never ends, is not a manifest
        if len(data) > MAX_MANIFEST_BYTES:
            raise UsageError(f"{path} is larger than {MAX_MANIFEST_BYTES // 2**20} MiB: not a coursegen manifest")
        document = json.loads(data)
    except OSError as exc:
        raise UsageError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path} is not a coursegen manifest: it is not JSON ({exc})") from None
    try:
        check_manifest(document)
    except ManifestProblem as problem:
        raise UsageError(f"{path} is not a coursegen manifest (expected output/restricted/manifest.json): "
                         f"{problem}") from None
    return document


def compare(old: dict, new: dict) -> ManifestDiff:
    """Return the courses and public files that differ between two manifests."""
    before = {c["id"]: c for c in old["courses"]}
    after = {c["id"]: c for c in new["courses"]}
    courses = [_course_change(before.get(id), after.get(id)) for id in sorted(before.keys() | after.keys())]
    notes = tuple(f"{key} differs: {old.get(key)!r} → {new.get(key)!r}"
                  for key in ("preview", "base_url") if old.get(key) != new.get(key))
    return ManifestDiff(tuple(c for c in courses if c is not None), _file_changes(old["files"], new["files"]), notes)


def _course_change(old: dict | None, new: dict | None) -> CourseChange | None:
    current = new or old
    status = "added" if old is None else "removed" if new is None else "changed"
    changes = {} if status != "changed" else {
        key: [old.get(key), new.get(key)] for key in COURSE_FIELDS if old.get(key) != new.get(key)}
    if status == "changed" and not changes:
        return None
    return CourseChange(current["id"], current["slug"], current["name"], status, changes,
                        _visibility(old), _visibility(new))


_SHOWN_AS = {PublicView.FULL: "public page", PublicView.LOCK: "lock screen", PublicView.NONE: "hidden"}


def _visibility(course: dict | None) -> str:
    """Return what the public site showed of a manifest's course (privacy.view_of decides, as for a build)."""
    if course is None:
        return "hidden"
    return _SHOWN_AS[view_of(course.get("privacy", ""), course.get("deleted", False))]


def _rank(visibility: str) -> int:
    return {"public page": 2, "lock screen": 1}.get(visibility, 0)


def _file_changes(old: dict, new: dict) -> dict[str, list[str]]:
    before = {p: f["sha256"] for p, f in old.items() if p.startswith("public/")}
    after = {p: f["sha256"] for p, f in new.items() if p.startswith("public/")}
    strip = len("public/")
    return {
        "added": sorted(p[strip:] for p in after.keys() - before.keys()),
        "changed": sorted(p[strip:] for p in after.keys() & before.keys() if before[p] != after[p]),
        "removed": sorted(p[strip:] for p in before.keys() - after.keys()),
    }


def to_json(diff: ManifestDiff) -> str:
    """Return the diff as stable JSON for tools."""
    courses = [asdict(c) | {"exposed": c.exposed} for c in diff.courses]
    document = {"exposed": [c.id for c in diff.exposed], "courses": courses, "files": diff.files,
                "notes": list(diff.notes)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_markdown(diff: ManifestDiff) -> str:
    """Return the diff as Markdown for a CI job summary or a pull request comment; exposures first."""
    lines = ["## coursegen: what this change builds", ""]
    if diff.exposed:
        lines += ["> [!WARNING]", f"> ⚠️ **{_count(len(diff.exposed), 'course')} will show more publicly "
                  "than before.** Check that each one is meant to be seen:", ">"]
        lines += [f"> - ⚠️ {_course_label(c)}: {_privacy_story(c)}" for c in diff.exposed[:LIST_LIMIT * 5]]
        if len(diff.exposed) > LIST_LIMIT * 5:  # a pull request comment must stay under GitHub's size limit
            lines.append(f"> - … and {len(diff.exposed) - LIST_LIMIT * 5} more; see the JSON diff")
        lines.append("")
    lines += [f"> {note}" for note in diff.notes] + ([""] if diff.notes else [])
    lines += _course_table(diff.courses)
    lines += _file_lists(diff.files)
    return "\n".join(lines).rstrip() + "\n"


def _course_table(courses: tuple[CourseChange, ...]) -> list[str]:
    counts = {s: sum(c.status == s for c in courses) for s in ("added", "changed", "removed")}
    lines = [f"### Courses: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed", ""]
    if not courses:
        return lines + ["No course was added, changed or removed.", ""]
    lines += ["| | id | course | what |", "|---|---|---|---|"]
    for change in courses[:LIST_LIMIT * 5]:
        marker = "⚠️ " if change.exposed else ""
        lines.append(f"| {marker}{change.status} | {change.id} | {_course_label(change)} | {_what(change)} |")
    if len(courses) > LIST_LIMIT * 5:
        lines.append(f"| … | | {len(courses) - LIST_LIMIT * 5} more; see the JSON diff | |")
    return lines + [""]


def _file_lists(files: dict[str, list[str]]) -> list[str]:
    lines = [f"### Public files: {len(files['added'])} added, {len(files['changed'])} changed, "
             f"{len(files['removed'])} removed", ""]
    for status in ("added", "changed", "removed"):
        paths = files[status]
        if not paths:
            continue
        shown = [f"- `{_code(p)}`" for p in paths[:LIST_LIMIT]]
        more = [f"- … and {len(paths) - LIST_LIMIT} more"] if len(paths) > LIST_LIMIT else []
        lines += [f"<details><summary>{status.capitalize()} ({len(paths)})</summary>", "", *shown, *more,
                  "", "</details>", ""]
    return lines


def _what(change: CourseChange) -> str:
    if change.status != "changed":
        return _privacy_story(change) if change.status == "added" else f"was: {change.old_visibility}"
    parts = [f"{key}: {_value(key, old)} → {_value(key, new)}" for key, (old, new) in change.changes.items()]
    return "; ".join(_md(part) for part in parts)


def _privacy_story(change: CourseChange) -> str:
    if change.status == "added":
        return f"new course, **{change.new_visibility}**"
    return f"{change.old_visibility} → **{change.new_visibility}**" + (
        f" (privacy {_value('privacy', change.changes['privacy'][0])} → "
        f"{_value('privacy', change.changes['privacy'][1])})" if "privacy" in change.changes else "")


def _value(key: str, value) -> str:
    if key == "privacy":
        return value or "draft"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _course_label(change: CourseChange) -> str:
    return f"{_md(change.name)} (`{_code(change.slug)}`)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _md(text: str) -> str:
    """Escape Markdown and HTML so a course name renders as text, not as markup or a table cell."""
    escaped = "".join(f"\\{ch}" if ch in "\\`*_[]()#|!~" else ch for ch in str(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _code(text: str) -> str:
    return str(text).replace("`", "'").replace("\n", " ")
