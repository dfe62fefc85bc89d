"""`coursegen diff` on manifests of real builds: courses and public files, exposures first."""

from __future__ import annotations

import json
import shutil

import pytest

from coursegen.cli import main
from tests.conftest import course


@pytest.fixture
def manifests(project):
    """Build a base catalog, change it as a pull request would, build again; return both manifests."""
    project.add(course(1, "Stays Open"), course(2, "Goes Public", privacy=""), course(3, "Renamed"),
                course(4, "Removed"), course(5, "Locked Up", privacy="secret"), course(6, "Made Private"),
                course(7, "Deleted Later"))
    assert project.build() == 0
    old = project.root / "old-manifest.json"
    shutil.copy(project.out / "restricted/manifest.json", old)
    project.add(course(2, "Goes Public", privacy="open"), course(3, "Renamed Course", slug="renamed"),
                course(5, "Locked Up", privacy="private"), course(6, "Made Private", privacy="private"),
                course(7, "Deleted Later", deleted=True), course(8, "Brand New"), course(9, "New Secret", privacy="secret"))
    (project.content / "courses/4.yaml").unlink()
    assert project.build() == 0
    return old, project.out / "restricted/manifest.json"


def diff(capsys, old, new, *extra) -> str:
    assert main(["diff", str(old), str(new), *extra]) == 0
    return capsys.readouterr().out


def test_json_lists_courses_files_and_exposures(manifests, capsys):
    result = json.loads(diff(capsys, *manifests, "--format", "json"))
    courses = {c["id"]: c for c in result["courses"]}
    assert sorted(courses) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert result["exposed"] == [2, 5, 8]
    assert courses[2]["changes"] == {"privacy": ["", "open"]}
    assert (courses[5]["old_visibility"], courses[5]["new_visibility"]) == ("hidden", "lock screen")
    assert courses[3]["changes"] == {"name": ["Renamed", "Renamed Course"]}  # its slug was kept
    assert courses[6]["exposed"] is False and courses[6]["changes"] == {"privacy": ["open", "private"]}
    assert courses[7]["changes"] == {"deleted": [False, True]}
    assert (courses[4]["status"], courses[8]["status"], courses[9]["exposed"]) == ("removed", "added", False)
    files = result["files"]
    assert "courses/goes-public/index.html" in files["added"] and "courses/brand-new/index.html" in files["added"]
    assert "courses/removed/index.html" in files["removed"] and "courses/deleted-later/index.html" in files["removed"]
    assert "index.html" in files["changed"] and "courses/stays-open/index.html" not in files["changed"]
    assert not any("new-secret" in p for ps in files.values() for p in ps)


def test_markdown_puts_exposures_first(manifests, capsys):
    text = diff(capsys, *manifests)
    warning, rest = text.split("### Courses", 1)
    assert "[!WARNING]" in warning and "3 courses will show more publicly" in warning
    assert "Goes Public (`goes-public`): hidden → **public page** (privacy draft → open)" in warning
    assert "Locked Up (`locked-up`): hidden → **lock screen** (privacy secret → private)" in warning
    assert "Brand New (`brand-new`): new course, **public page**" in warning
    assert "Made Private" not in warning and "New Secret" not in warning
    assert rest.startswith(": 2 added, 5 changed, 1 removed")
    assert "| changed | 6 | Made Private (`made-private`) | privacy: open → private |" in rest
    assert "| removed | 4 | Removed (`removed`) | was: public page |" in rest
    assert "### Public files:" in rest and "<summary>Added (" in rest


def test_identical_builds_and_long_lists(project, capsys, tmp_path):
    project.add(*(course(i, f"Course {i}") for i in range(1, 31)))
    assert project.build() == 0
    manifest = project.out / "restricted/manifest.json"
    same = diff(capsys, manifest, manifest)
    assert "No course was added" in same and "0 added, 0 changed, 0 removed" in same and "WARNING" not in same
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"courses": [], "files": {}}))
    text = diff(capsys, empty, manifest)
    assert "30 courses will show more publicly" in text and "- … and " in text
    assert text.count("- `") == 20


def test_names_cannot_inject_markup(tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"courses": [], "files": {}}))
    new.write_text(json.dumps({"courses": [{"id": 1, "slug": "x", "name": "<img src=x> | *bold*", "privacy": "open",
                                            "deleted": False, "source": "courses/x.yaml"}], "files": {}}))
    text = diff(capsys, old, new)
    assert "&lt;img src=x&gt; \\| \\*bold\\*" in text and "<img" not in text


def test_bad_manifests_are_usage_errors(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"courses": [], "files": {}}))
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "other.json").write_text("[]")
    for name, words in (("missing.json", "cannot read manifest"), ("bad.json", "is not JSON"),
                        ("other.json", "is not a coursegen manifest")):
        assert main(["diff", str(tmp_path / name), str(good)]) == 2
        assert words in capsys.readouterr().err
