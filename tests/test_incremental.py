"""Incremental and parallel builds give exactly the bytes of a cold, single-process build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursegen.cli import main
from coursegen.content.syllabi import syllabus_rows
from coursegen.incremental.keys import course_key
from coursegen.model import Lesson, LessonType, Section
from coursegen.site.descriptions import sections_from_rows
from tests.conftest import CATEGORIES, SITE, USERS, Project, course
from tests.site.test_syllabus import model_course

N_COURSES = 6
# Pages of two cards and feeds of two items: an edit changes some pages and files and leaves others.
PAGED_SITE = {**SITE, "page_size": 2, "feed_page_size": 2}


class Clock:
    """Stamp each edit one second later than the last, in the past: as if an editor took their time."""

    def __init__(self):
        self.now = time.time_ns() - 10**12

    def touch(self, path: Path) -> None:
        self.now += 10**9
        os.utime(path, ns=(self.now, self.now))


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write(project: Project, clock: Clock, relative: str, data) -> None:
    clock.touch(project.write(relative, data))


def apply(project: Project, clock: Clock, state: dict, edit: tuple) -> None:
    """Apply one editor action to the project and to the model of it in `state`."""
    kind, index, value = edit
    if kind == "template":
        folder = project.root / "templates"
        folder.mkdir(exist_ok=True)
        (folder / "_card.html").write_text(f'<p class="v{value}">{{{{ course.name }}}}</p>\n', "utf-8")
        clock.touch(folder / "_card.html")
        return
    if kind == "site":
        write(project, clock, "site.yaml", {**PAGED_SITE, "title": f"Academy {value}"})
        return
    fields = state.setdefault(index, {"name": f"Course {index}", "privacy": "open", "description": "Start."})
    if kind == "describe":
        fields["description"] = f"Paragraph {value} about it.\n\n- item {value}\n"
    elif kind == "privacy":
        fields["privacy"] = ["open", "private", "secret"][value % 3]  # never back to draft: the model forbids it
    elif kind == "rename":
        fields["name"] = f"Course {index} renamed {value}"
    elif kind == "delete":
        fields["deleted"] = bool(value % 2)
    elif kind == "syllabus":  # what only its detail document shows
        fields["sections"] = [{"id": 1, "name": f"Part {value}", "lessons": [
            {"id": 1, "name": f"Lesson {value}"}, {"id": 2, "name": "Draft", "status": "draft" if value % 2 else "published"}]}]
        fields["paywalls"] = [{"name": "Access", "payment_prices": [{"unit_amount": 100 * value, "currency": "EUR"}]}]
        fields["level"] = ["beginner", "intermediate", "advanced"][value % 3]
    write(project, clock, f"courses/{index}.yaml", course(100 + index, **fields))


edits = st.lists(st.tuples(st.sampled_from(["describe", "privacy", "rename", "delete", "syllabus", "template", "site"]),
                           st.integers(0, N_COURSES - 1), st.integers(0, 9)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(edits)
def test_rebuild_after_any_edits_equals_a_cold_build(sequence):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project, clock, state = Project(root / "site"), Clock(), {}
        for relative, data in (("site.yaml", PAGED_SITE), ("categories.yaml", CATEGORIES), ("users.yaml", USERS)):
            write(project, clock, relative, data)
        for index in range(N_COURSES):
            apply(project, clock, state, ("describe", index, 0))
        assert project.build("--quiet") == 0
        for step, edit in enumerate(sequence):
            apply(project, clock, state, edit)
            previous = root / f"previous-{step}.json"
            shutil.copy(project.out / "restricted/manifest.json", previous)
            assert project.build("--quiet") == 0
            cold = root / f"cold-{step}"
            assert main(["build", "--quiet", "--no-cache", "--jobs", "1", "--content", str(project.content),
                         "--out", str(cold), "--previous", str(previous)]) == 0
            assert snapshot(project.out) == snapshot(cold), f"after {sequence[:step + 1]}"


def test_no_change_rebuild_is_up_to_date_and_touches_nothing(project, capsys):
    clock = Clock()
    project.add(course(1, "One"), course(2, "Two"))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build() == 0
    manifest = (project.out / "restricted/manifest.json").stat()
    capsys.readouterr()
    assert project.build() == 0
    assert "output is up to date" in capsys.readouterr().out
    assert (project.out / "restricted/manifest.json").stat().st_mtime_ns == manifest.st_mtime_ns


def test_one_edit_rerenders_only_the_pages_that_show_it(project, capsys):
    clock = Clock()
    project.add(*(course(i, f"Course {i}", categories=["music"] if i % 2 else ["programming"]) for i in range(1, 9)))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build() == 0
    project.add(course(3, "Course 3", description="A new first paragraph.", categories=["music"]))
    clock.touch(project.content / "courses/3.yaml")
    from coursegen.commands.build import build
    from coursegen.commands.options import Options
    result = build(Options(content=project.content, out=project.out))
    # its page only: the cards on the home and category pages show no description
    assert result.summary["rendered"] == 1, result.summary
    assert "A new first paragraph." in project.read("public/courses/course-3/index.html")


def test_one_edit_rewrites_only_the_feed_pages_that_hold_it(project):
    clock = Clock()
    project.write("site.yaml", {**SITE, "feed_page_size": 2})
    project.add(*(course(i, f"Course {i}", created_at=f"2025-01-0{i}T00:00:00Z") for i in range(1, 7)))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build() == 0
    feeds = project.out / "public/feeds"
    before = {path.relative_to(feeds).as_posix(): path.stat().st_mtime_ns for path in feeds.rglob("*.json")}
    project.add(course(3, "Course 3", created_at="2025-01-03T00:00:00Z", description="Edited."))
    clock.touch(project.content / "courses/3.yaml")
    assert project.build() == 0
    after = {path.relative_to(feeds).as_posix(): path.stat().st_mtime_ns for path in feeds.rglob("*.json")}
    assert after.keys() == before.keys()
    changed = {name for name, mtime in after.items() if mtime != before[name]}
    # open.json holds 1-2, open-2.json 3-4; the JSON Feed, newest first: 6-5, 4-3, 2-1; and course 3's own document
    assert changed == {"open-2.json", "open.feed-2.json", "courses/3.json"}
    assert "<p>Edited.</p>" in project.read("public/feeds/open.feed-2.json")


def test_a_syllabus_edit_rewrites_its_detail_document_and_nothing_else_of_the_feeds(project):
    """Sections, lessons and paywalls are in no feed item: only the course's own document shows them."""
    clock = Clock()
    project.add(*(course(i, f"Course {i}", privacy="private" if i == 2 else "open") for i in range(1, 4)))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build() == 0
    files = [*(project.out / "public/feeds").rglob("*.json"), *(project.out / "restricted/feeds").rglob("*.json")]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    syllabus = [{"id": 5, "name": "Edited part", "lessons": [{"id": 6, "name": "Edited lesson"}]}]
    project.add(course(2, "Course 2", privacy="private", sections=syllabus))
    clock.touch(project.content / "courses/2.yaml")
    assert project.build() == 0
    changed = {path.relative_to(project.out).as_posix() for path in files if path.read_bytes() != before[path][0]}
    assert changed == {"restricted/feeds/courses/2.json"}
    details = [path for path in files if path.parent.name == "courses" and path.name != "2.json"]
    assert len(details) == 2 and all(path.stat().st_mtime_ns == before[path][1] for path in details)  # reused, not rewritten
    assert project.json("restricted/feeds/courses/2.json")["sections"][0]["lessons"][0]["name"] == "Edited lesson"


def test_a_rebuild_from_inside_the_content_folder_keeps_each_course_source(project, monkeypatch):
    """`--content .`: a course taken from the cache is named as a freshly read one is."""
    clock = Clock()
    project.add(course(1, "One"), course(2, "Two"))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    monkeypatch.chdir(project.content)
    assert main(["build", "--quiet", "--content", ".", "--out", "../output"]) == 0
    clock.touch(project.content / "courses/2.yaml")
    assert main(["build", "--quiet", "--content", ".", "--out", "../output"]) == 0
    sources = [c["source"] for c in project.json("restricted/manifest.json")["courses"]]
    assert sources == ["courses/1.yaml", "courses/2.yaml"]


def test_descriptions_and_syllabi_read_back_from_the_store_give_the_same_bytes(project, tmp_path, monkeypatch):
    """Past store.IN_MEMORY, rendered descriptions and sections go to disk in batches; pages, feeds and documents read them back."""
    from coursegen.incremental import store
    project.add(*(course(i, f"Course {i}", description=f"Text about *{i}*.\n\n- item {i}\n",
                         privacy=["open", "private", "secret", ""][i % 4],
                         sections=[{"id": 1, "name": f"Part {i}", "lessons": [{"id": 2, "name": f"Lesson {i}"}]}])
                  for i in range(1, 90)))
    def build(out: Path) -> dict:
        assert main(["build", "--quiet", "--jobs", "2", "--content", str(project.content), "--out", str(out)]) == 0
        return snapshot(out)

    in_memory = build(tmp_path / "in-memory")
    monkeypatch.setattr(store, "IN_MEMORY", 7)
    monkeypatch.setattr(store, "BATCH", 5)
    assert build(tmp_path / "on-disk") == in_memory
    page = (tmp_path / "on-disk/public/courses/course-44/index.html").read_text("utf-8")
    assert "<em>44</em>" in page and "Lesson 44" in page and "Part 44" in page
    document = json.loads((tmp_path / "on-disk/public/feeds/courses/44.json").read_text("utf-8"))
    assert document["sections"][0]["lessons"][0]["name"] == "Lesson 44"


def rebuild_after_harming_the_cache(project: Project, tmp_path: Path, harm) -> None:
    """Build two courses, harm(cache folder), edit one course, rebuild: the result must be a cold build's."""
    clock = Clock()
    sections = [{"id": 1, "name": "Start", "lessons": [{"id": 1, "name": "First lesson"}]}]
    project.add(course(1, "One", description="First *one*.", sections=sections), course(2, "Two", description="Second."))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build("--quiet") == 0
    harm(project.root / ".coursegen-cache")
    project.add(course(2, "Two", description="Second, edited."))  # the feeds need course 1's description again
    clock.touch(project.content / "courses/2.yaml")
    assert project.build("--quiet") == 0
    cold = tmp_path / "cold"
    assert main(["build", "--quiet", "--no-cache", "--content", str(project.content), "--out", str(cold)]) == 0
    assert snapshot(project.out / "public") == snapshot(cold / "public")
    assert "<em>one</em>" in project.read("public/courses/one/index.html")
    assert "First lesson" in project.read("public/courses/one/index.html")


def test_the_store_keeps_the_data_of_each_valid_course_file_and_no_other(project):
    import sqlite3

    def stored() -> set[str]:
        (store,) = (project.root / ".coursegen-cache").glob("output-*.sqlite")
        with sqlite3.connect(store) as db:
            names = {Path(path).name for (path,) in db.execute("SELECT path FROM documents")}
        db.close()
        return names

    clock = Clock()
    project.add(course(1, "One"), course(2, "Two"), course(3, "Three"))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build("--quiet") == 0
    assert stored() == {"1.yaml", "2.yaml", "3.yaml"}
    (project.content / "courses/3.yaml").unlink()
    write(project, clock, "courses/2.yaml", {**course(2, "Two"), "type": "no such type"})
    assert project.build("--quiet") == 1
    assert stored() == {"1.yaml"}
    project.add(course(2, "Two"))
    clock.touch(project.content / "courses/2.yaml")
    assert project.build("--quiet") == 0
    assert stored() == {"1.yaml", "2.yaml"}
    assert [c["name"] for c in project.json("restricted/manifest.json")["courses"]] == ["One", "Two"]


def test_a_damaged_build_cache_is_rebuilt_not_trusted(project, tmp_path):
    def overwrite(folder: Path) -> None:
        for stored in folder.glob("output-*"):
            for file in (stored.iterdir() if stored.is_dir() else [stored]):  # the output's records too
                file.write_bytes(b"not what a build wrote")

    rebuild_after_harming_the_cache(project, tmp_path, overwrite)


def run_on_the_store(sql: str, rows: int | None = None):
    """Return a harm for rebuild_after_harming_the_cache: one SQL statement on the cache's SQLite store."""
    import sqlite3

    def harm(folder: Path) -> None:
        (store,) = folder.glob("output-*.sqlite")
        with sqlite3.connect(store) as db:
            changed = db.execute(sql).rowcount
        db.close()
        if rows is not None:
            assert changed == rows, sql

    return harm


def test_descriptions_lost_from_the_store_are_rendered_again(project, tmp_path):
    rebuild_after_harming_the_cache(project, tmp_path, run_on_the_store("DELETE FROM descriptions"))


def test_a_description_forged_in_the_store_as_something_else_than_text_is_damage(project, tmp_path):
    rebuild_after_harming_the_cache(project, tmp_path,
                                    run_on_the_store("UPDATE descriptions SET excerpt = 7, html = x'00'", rows=2))


def test_sections_lost_from_the_store_are_made_again(project, tmp_path):
    rebuild_after_harming_the_cache(project, tmp_path, run_on_the_store("DELETE FROM syllabi", rows=1))


def test_sections_forged_in_the_store_are_never_shown(project, tmp_path):
    """The store is looked up by the digest of the sections: a row that does not match its key is damage."""
    clock = Clock()
    sections = [{"id": 1, "name": "Start", "lessons": [{"id": 1, "name": "First lesson"}]}]
    project.add(course(1, "One", sections=sections))
    clock.touch(project.content / "courses/1.yaml")
    assert project.build("--quiet") == 0
    forged = """'[[1, "Forged lesson", [], 0, ""]]'"""
    for number, data in enumerate((forged, f"CAST({forged} AS BLOB)")):  # as text, then as the bytes a build writes
        run_on_the_store(f"UPDATE syllabi SET data = {data}", rows=1)(project.root / ".coursegen-cache")
        # Edited, so that the page is made again, its sections read from the store.
        project.add(course(1, "One", description=f"Edited {number}.", sections=sections))
        clock.touch(project.content / "courses/1.yaml")
        assert project.build("--quiet") == 0
        page = project.read("public/courses/one/index.html")
        assert "Forged" not in page and "First lesson" in page
        assert "Forged" not in project.read("public/feeds/courses/1.json")


def test_jobs_do_not_change_a_single_byte(project, tmp_path):
    body = "Para *one*.\n\n## Two\n\n- a\n- [b](https://example.org/b)\n"
    project.add(*(course(i, f"Course {i}", description=body + str(i), privacy=["open", "private", "secret", ""][i % 4])
                  for i in range(1, 121)))
    outputs = []
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"out-{jobs}"
        assert main(["build", "--quiet", "--no-cache", "--jobs", jobs, "--content", str(project.content),
                     "--out", str(out)]) == 0
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_store_another_version_wrote_is_made_again_in_this_version_s_layout(tmp_path):
    import sqlite3

    from coursegen.incremental.store import DescriptionStore
    from coursegen.model import Rendered

    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as db:  # an older layout: the same table name, its columns in another order
        db.execute("CREATE TABLE stamp (value TEXT NOT NULL)")
        db.execute("INSERT INTO stamp VALUES ('an older version')")
        db.execute("CREATE TABLE descriptions (key TEXT PRIMARY KEY, html TEXT NOT NULL, excerpt TEXT NOT NULL) "
                   "WITHOUT ROWID")
        db.execute("INSERT INTO descriptions VALUES ('k', '<p>old</p>', 'old')")
    db.close()
    store = DescriptionStore(path, "this version")
    assert "k" not in store
    store["k"] = Rendered("<p>new</p>", "new")
    store.save({"k"})
    assert DescriptionStore(path, "this version")["k"] == Rendered("<p>new</p>", "new")
    with sqlite3.connect(path) as db:  # this version's table has rowids: found in a third of the time
        assert db.execute("SELECT rowid, key FROM descriptions").fetchall() == [(1, "k")]
    db.close()


def test_the_cache_s_large_maps_come_back_whole_from_their_chunks(tmp_path):
    from coursegen.incremental import buildcache
    out = tmp_path / "output"
    saved = buildcache.empty(out)
    saved.pages = {f"public/courses/{n}/index.html": f"{n:032x}" for n in range(25_001)}  # three chunks
    saved.cards = {n: (b"k%d" % n, b'{"name":"%d"}' % n) for n in range(10_000)}  # one full chunk
    saved.template_references = {"digest": ("base.html", "_card.html")}
    buildcache.save(out, saved)
    loaded = buildcache.load(out)
    assert loaded.pages == saved.pages and loaded.cards == saved.cards and loaded.search_entries == {}
    assert loaded.template_references == saved.template_references and loaded.saved_ns == saved.saved_ns


def test_descriptions_read_ahead_are_those_read_one_by_one(tmp_path):
    import sqlite3

    from coursegen.incremental.store import DescriptionStore
    from coursegen.issues import CoursegenError
    from coursegen.model import NOT_RENDERED, Rendered
    from coursegen.site.descriptions import CourseDescriptions

    path = tmp_path / "store.sqlite"
    written = DescriptionStore(path, "stamp")
    for n in range(1_234):  # three queries of at most 500
        written[f"key{n}"] = Rendered(f"<p>{n}</p>", f"excerpt {n}")
    written.save({f"key{n}" for n in range(1_234)})
    store = DescriptionStore(path, "stamp")
    store["fresh"] = Rendered("<p>new</p>", "new")  # in memory, not yet written
    descriptions = CourseDescriptions({**{n: f"key{n}" for n in range(1_234)}, 9_999: "fresh"}, store)
    descriptions.prefetch([*range(1_234), 9_999, 5_000])  # 5,000: a course nothing shows the description of
    assert [descriptions[n] for n in range(1_234)] == [Rendered(f"<p>{n}</p>", f"excerpt {n}") for n in range(1_234)]
    assert descriptions[9_999] == Rendered("<p>new</p>", "new") and descriptions[5_000] is NOT_RENDERED
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM descriptions WHERE key = 'key7'")
    db.close()
    descriptions.prefetch([7, 8])
    assert descriptions[8] == Rendered("<p>8</p>", "excerpt 8")
    with pytest.raises(CoursegenError, match="damaged"):  # missing from the store: said, never shown empty
        descriptions[7]


def test_the_records_of_both_copies_are_what_a_fresh_stat_finds(project):
    """The spare's record is brought up to date with what a build touched, not stat'ed afresh: it must agree."""
    from coursegen.incremental import buildcache
    from coursegen.output import record as outputrecord
    project.add(course(1, "One"), course(2, "Two", categories=["music"]), course(3, "Three"))
    assert project.build("--quiet") == 0
    edits = [lambda: project.add(course(2, "Two Renamed", categories=["music"])),  # a page moves: a redirect
             lambda: (project.content / "courses/3.yaml").unlink(),  # pages and a folder go
             lambda: project.add(course(4, "Four", categories=["programming", "music"])),  # folders appear
             lambda: project.add(course(1, "One", description="Another first paragraph."))]
    for edit in edits:
        edit()
        assert project.build("--quiet") == 0
        for copy in (project.out, project.root / ".output.spare"):
            if not copy.exists():
                continue
            record = outputrecord.Record.load(copy, buildcache.records_dir(project.out))
            assert record is not None and record.check().intact, copy
            fresh = outputrecord.Record.take(copy, record.paths)
            assert (list(fresh.files), list(fresh.folders)) == (list(record.files), list(record.folders)), copy


def test_a_rebuild_with_previous_takes_unchanged_pages_from_the_live_output(project, tmp_path):
    """--previous names the deployed build's manifest (history); the files a rebuild reuses are the live
    output's. Taken from --previous, a page was kept as the deployed build had it, not as edited since."""
    first = course(1, "First", description="The original paragraph.")
    edited = course(1, "First", description="The edited paragraph.")
    project.add(first)
    assert project.build("--quiet") == 0
    deployed = tmp_path / "deployed-manifest.json"
    deployed.write_bytes((project.out / "restricted/manifest.json").read_bytes())
    project.add(edited)
    assert project.build("--quiet", "--previous", str(deployed)) == 0  # live: edited; spare: original
    project.add(edited)  # the same text written again (an editor's save): the page's inputs are unchanged
    assert project.build("--quiet", "--previous", str(deployed)) == 0
    assert "The edited paragraph." in project.read("public/courses/first/index.html")
    cold = tmp_path / "cold"
    assert main(["build", "--quiet", "--no-cache", "--content", str(project.content), "--out", str(cold),
                 "--previous", str(deployed)]) == 0
    assert project.public() == {p.relative_to(cold / "public").as_posix(): p.read_bytes()
                                for p in sorted((cold / "public").rglob("*")) if p.is_file()}



def vouched_for_wrongly(project: Project, copy: Path, *, live: bool) -> list[str]:
    """Return the files of a copy of the output whose bytes are not what its manifest says.

    The live output must hold what its manifest says, file for file. The spare copy is trusted by
    the next build wherever its record still matches a stat: there too, its manifest's sha256 must
    be the file's, or the next build passes a wrong one on (it records a reused file's sha256
    without reading the bytes).
    """
    from coursegen.incremental import buildcache
    from coursegen.output import record as outputrecord
    record = outputrecord.Record.load(copy, buildcache.records_dir(project.out))
    vouched = (lambda path: True) if live else (lambda path: record is not None and record.intact(path))
    if not vouched("restricted/manifest.json"):
        return []  # a spare nothing vouches for: the next build makes it afresh
    files = json.loads((copy / "restricted/manifest.json").read_bytes())["files"]
    return sorted(path for path, entry in files.items() if vouched(path) and (
        not (copy / path).is_file() or hashlib.sha256((copy / path).read_bytes()).hexdigest() != entry["sha256"]))


def test_a_draft_feed_that_changes_back_and_forth_is_recorded_as_its_bytes(project, tmp_path):
    """Issue 14: once, a fuzzed rebuild recorded a sha256 for restricted/feeds/draft.json other than its bytes'.

    The sequences suspected of it, built directly: a draft course's feed edited, the same edit saved
    again (a rebuild that changes no file), builds that fail in between, the feed back to the bytes
    it had two builds ago. After every build both copies hold what their manifests say, and the
    output is a cold build's.
    """
    clock = Clock()
    draft, emptied = {"privacy": "", "description": "Draft body."}, {"privacy": "", "description": ""}
    project.add(course(1, "One"), course(4, "Draft", **draft))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build("--quiet") == 0
    broken = "id: 4\nname: [unclosed\n"
    for step, state in enumerate([emptied, emptied, broken, draft, broken, emptied, draft, draft,
                                  {**draft, "name": "Draft Renamed"}, broken, draft]):
        if state is broken:
            write(project, clock, "courses/4.yaml", broken)
            assert project.build("--quiet") == 1
        else:
            write(project, clock, "courses/4.yaml", course(4, **{"name": "Draft", **state}))
            assert project.build("--quiet") == 0
            cold = tmp_path / f"cold-{step}"
            assert main(["build", "--quiet", "--no-cache", "--content", str(project.content), "--out", str(cold)]) == 0
            assert snapshot(project.out) == snapshot(cold), (step, state)
        assert vouched_for_wrongly(project, project.out, live=True) == [], (step, state)
        assert vouched_for_wrongly(project, project.root / ".output.spare", live=False) == [], (step, state)


def test_a_spare_file_linked_to_the_live_one_is_never_written_through(project, tmp_path):
    """A file of the spare made a hard link to the live file (as `cp -al` or a backup tool makes).

    The spare's record sees the file replaced and the build takes it afresh; no temporary outlives
    a build, and the live output holds what its manifest says after builds in either copy.
    """
    clock = Clock()
    project.add(course(1, "One"), course(2, "Two"))
    for path in project.content.rglob("*.yaml"):
        clock.touch(path)
    assert project.build("--quiet") == 0
    write(project, clock, "courses/2.yaml", course(2, "Two", description="Second body."))
    assert project.build("--quiet") == 0  # now a spare copy exists beside the live output
    spare, page = project.root / ".output.spare", "public/courses/one/index.html"
    (spare / page).unlink()
    os.link(project.out / page, spare / page)
    for step in range(4):  # build in each copy twice: the page unchanged, then changed
        name = "One" if step < 2 else f"One, edited {step}"
        write(project, clock, "courses/1.yaml", course(1, name, slug="one", description=f"Body {step}."))
        assert project.build("--quiet") == 0, step
        leftovers = [p for folder in (project.out, spare) for p in folder.rglob("*.coursegen-tmp")]
        assert leftovers == [], (step, leftovers)
        assert vouched_for_wrongly(project, project.out, live=True) == [], step
        cold = tmp_path / f"cold-{step}"
        assert main(["build", "--quiet", "--no-cache", "--content", str(project.content), "--out", str(cold)]) == 0
        assert snapshot(project.out) == snapshot(cold), step


def test_the_course_key_changes_with_every_field_of_every_section_and_lesson():
    """A course keeps its sections by the digest of their rows (model.Syllabus): any edit is a new course key."""
    lesson = {"id": 1, "name": "Hello"}
    section = {"id": 1, "name": "Basics", "lessons": [lesson], "drip_delay": 2, "dripped_at": "2027-01-01T00:00:00Z"}
    changed_lessons = [{**lesson, "id": 2}, {**lesson, "name": "Hi"}, {**lesson, "type": "quiz"},
                       {**lesson, "status": "draft"}]
    changed_sections = [{**section, "lessons": [other]} for other in changed_lessons] + [
        {**section, "id": 2}, {**section, "name": "Start"}, {**section, "lessons": []}, {**section, "drip_delay": 3},
        {**section, "dripped_at": "2027-01-02T00:00:00Z"}]
    made = [syllabus_rows([one]) for one in (section, *changed_sections)]
    syllabi, kept = [syllabus for syllabus, _ in made], {syllabus.key: rows for syllabus, rows in made}
    assert len({syllabus.key for syllabus in syllabi}) == len(syllabi) == len(kept)
    assert len({course_key(b"", model_course(syllabus=syllabus), None) for syllabus in syllabi}) == len(syllabi)
    # What is kept reads back as the sections the file holds.
    assert sections_from_rows(kept[syllabi[0].key]) == (
        Section(1, "Basics", (Lesson(1, "Hello", LessonType.LESSON, True),), 2, "2027-01-01T00:00:00Z"),)
    assert sections_from_rows(kept[syllabi[4].key])[0].lessons == (Lesson(1, "Hello", LessonType.LESSON, False),)
    assert syllabi[4].counts(preview=False) == (0, 0) and syllabi[4].counts(preview=True) == (1, 1)  # a draft lesson


def test_the_search_entries_are_saved_apart_and_come_back_for_the_next_build(project):
    """Saved as soon as they are made (not kept to the end of the build), and read back whole, or not at all."""
    from coursegen.incremental import buildcache
    project.add(course(1, "One"), course(2, "Two", privacy="secret"), course(3, "Three"))
    assert project.build("--quiet") == 0
    entries = buildcache.load(project.out).search_entries
    assert sorted(entries) == [1, 3]  # the listed courses only, as search.json holds them
    assert json.loads(entries[3][1])["name"] == "Three"
    (search_file,) = (project.root / ".coursegen-cache").glob("*.search")
    search_file.write_bytes(search_file.read_bytes()[:-9])  # cut short: a build died while writing it
    assert buildcache.load(project.out).search_entries == {}
    assert project.build("--quiet", "--no-cache") == 0  # and made again, whole
    assert sorted(buildcache.load(project.out).search_entries) == [1, 3]


def test_a_folder_in_place_of_the_search_entries_file_never_fails_a_build(project):
    """Only a help: where the file cannot be written, the build goes on, and clears the way for the next."""
    from coursegen.incremental import buildcache
    clock = Clock()
    project.add(course(1, "One"))
    clock.touch(project.content / "courses/1.yaml")
    assert project.build("--quiet") == 0
    (search_file,) = (project.root / ".coursegen-cache").glob("*.search")
    search_file.unlink()
    (search_file / "inside").mkdir(parents=True)
    project.add(course(1, "One", description="Edited."))
    clock.touch(project.content / "courses/1.yaml")
    assert project.build("--quiet") == 0  # it failed: "cannot build: Is a directory"
    assert "Edited." in project.read("public/courses/one/index.html")
    assert not search_file.exists()
    assert project.build("--quiet", "--no-cache") == 0
    assert sorted(buildcache.load(project.out).search_entries) == [1]
