"""Previews, privacy transitions, redirects, hostile files, atomic and reproducible builds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import orjson
import pytest
import yaml

from coursegen import jsontext
from coursegen.cli import main
from coursegen.output import manifest
from tests.conftest import REPO, course

# -- previews ---------------------------------------------------------------------------------

@pytest.fixture
def preview(project):
    project.add(course(1, "Published One"), course(2, "Draft Two", privacy=""),
                course(3, "Secret Three", privacy="secret"), course(4, "Private Four", privacy="private"))
    assert project.build("--preview", "--base-url", "https://pr-12.preview.example/") == 0
    return project


def test_preview_shows_drafts_with_a_banner(preview):
    page = preview.read("public/courses/draft-two/index.html")
    assert "Draft: this course is not published" in page
    assert "Draft Two" in preview.read("public/index.html")


def test_preview_marks_every_page_noindex_and_writes_headers(preview):
    for path, content in preview.public().items():
        if path.endswith(".html"):
            assert b'<meta name="robots" content="noindex' in content, path
    assert preview.read("public/_headers") == "/*\n  X-Robots-Tag: noindex, nofollow\n"


def test_preview_has_no_sitemap_and_does_not_disallow_crawling(preview):
    assert not (preview.out / "public/sitemap.xml").exists()
    robots = preview.read("public/robots.txt")
    assert "Disallow: /" not in robots and "Sitemap" not in robots


def test_preview_never_includes_secret_courses(preview):
    for path, content in preview.public().items():
        assert b"Secret Three" not in content and "secret-three" not in path


def test_preview_urls_point_at_the_preview_host(preview):
    page = preview.read("public/courses/published-one/index.html")
    assert 'href="https://pr-12.preview.example/courses/published-one/"' in page
    assert "academy.test" not in page


def test_production_build_has_no_headers_file_and_no_drafts(project):
    project.add(course(1, "Published One"), course(2, "Draft Two", privacy=""))
    assert project.build() == 0
    assert not (project.out / "public/_headers").exists()
    assert not (project.out / "public/courses/draft-two").exists()


# -- privacy transitions and moved pages ------------------------------------------------------

def test_published_course_cannot_go_back_to_draft(project, capsys):
    project.add(course(1, "Was Open"))
    assert project.build() == 0
    project.add(course(1, "Was Open", privacy=""))
    before = project.read("restricted/manifest.json")
    assert project.build() == 1
    err = capsys.readouterr().err
    assert "courses/1.yaml:" in err and "course 1 ('Was Open') was 'open' in the previous build" in err
    assert project.read("restricted/manifest.json") == before


def test_previous_manifest_can_be_given_explicitly(project, tmp_path, capsys):
    project.add(course(1, "Was Private", privacy="private"))
    assert project.build() == 0
    saved = tmp_path / "previous.json"
    shutil.copy(project.out / "restricted/manifest.json", saved)
    shutil.rmtree(project.out)
    project.add(course(1, "Was Private", privacy=""))
    assert project.build("--previous", str(saved)) == 1
    assert "was 'private' in the previous build" in capsys.readouterr().err


def test_renamed_course_keeps_its_old_url_as_a_redirect(project):
    project.add(course(1, "First Name"))
    assert project.build() == 0
    project.add(course(1, "Second Name"))
    assert project.build() == 0
    project.add(course(1, "Third Name"))
    assert project.build() == 0
    for old in ("first-name", "second-name"):
        page = project.read(f"public/courses/{old}/index.html")
        assert 'url=/courses/third-name/"' in page and 'noindex' in page
    assert "first-name" not in project.read("public/sitemap.xml")
    manifest = (project.out / "restricted/manifest.json").read_bytes()
    assert manifest == orjson.dumps(orjson.loads(manifest), option=orjson.OPT_INDENT_2) + b"\n"  # written in pieces
    assert orjson.loads(manifest)["redirects"] == {"first-name": 1, "second-name": 1, "third-name": 1}


def test_manifest_pieces_join_into_the_json_of_the_whole():
    files = {f"public/{n}/index.html": {"sha256": f"{n:064x}", "source": "courses/é.yaml"} for n in range(2345)}
    for items in ([], [{"id": 1, "name": "One"}], list(files.values())):
        whole = orjson.dumps({"k": items}, option=orjson.OPT_INDENT_2)
        assert b'{\n  "k": ' + b"".join(jsontext.indented(iter(items), list)) + b"\n}" == whole
    for entries in ({}, files):
        whole = orjson.dumps({"k": entries}, option=orjson.OPT_INDENT_2)
        assert b'{\n  "k": ' + b"".join(jsontext.indented(iter(entries.items()), dict)) + b"\n}" == whole


def test_manifest_sections_are_read_as_the_whole_document_says(project, tmp_path):
    project.add(course(2, "Private One", privacy="private"), course(3, "Secret One", privacy="secret"))
    for name in ("First Name", "Second Name", "Third Name"):  # old slugs: redirects
        project.add(course(1, name))
        assert project.build() == 0
    built = (project.out / "restricted/manifest.json").read_bytes()
    whole = orjson.loads(built)
    everything = {key: (lambda value: value) for key in whole}
    compact = tmp_path / "compact.json"  # another tool's layout, or an older one: parsed whole
    compact.write_bytes(orjson.dumps(whole))
    for path in (project.out / "restricted/manifest.json", compact):
        assert manifest.read_manifest_sections(path, everything) == whole
        assert manifest.read_manifest_sections(path, {"files": len}) == {"files": len(whole["files"])}
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(built[:len(built) // 2] + b"\n}\n")  # looks whole at its ends, is not
    with pytest.raises(manifest.ManifestProblem, match="it is not JSON"):
        manifest.read_manifest_sections(truncated, everything)
    assert manifest.read_manifest_sections(tmp_path / "missing.json", everything) is None


def test_a_build_that_fails_its_checks_leaves_the_spare_copy_as_it_was(project):
    project.add(course(1, "First Name"))
    assert project.build() == 0
    project.add(course(2, "Second Course"))
    assert project.build() == 0  # the first build's output is the spare copy now
    spare = project.root / ".output.spare"
    before = snapshot(spare)
    assert "restricted/manifest.json" in before  # a known copy, which the next build updates in place
    project.write("courses/3.yaml", "id: 3\nname: Broken\ntype: selfpaced\n")
    assert project.build() == 1
    assert snapshot(spare) == before


def test_no_redirect_reveals_a_course_that_became_secret(project):
    project.add(course(1, "Open Then Secret"))
    assert project.build() == 0
    project.add(course(1, "Renamed Secret", privacy="secret"))
    assert project.build() == 0
    public = project.public()
    assert not any("open-then-secret" in path or "renamed-secret" in path for path in public)
    assert not any(b"renamed-secret" in content for content in public.values())


def test_no_redirect_reveals_an_old_secret_slug(project):
    project.add(course(1, "Hidden Codename", privacy="secret"))
    assert project.build() == 0
    project.add(course(1, "Public Launch", privacy="open"))
    assert project.build() == 0
    assert not (project.out / "public/courses/hidden-codename").exists()


# -- hostile files ----------------------------------------------------------------------------

def test_symlink_outside_content_is_refused(project, tmp_path, capsys):
    secret = tmp_path / "outside.yaml"
    secret.write_text("id: 9\nname: Outside\n")
    (project.content / "courses").mkdir(parents=True, exist_ok=True)
    (project.content / "courses" / "link.yaml").symlink_to(secret)
    assert main(["check", "--content", str(project.content)]) == 1
    assert "courses/link.yaml: error: is a link to a file outside the content directory" in capsys.readouterr().err


def test_a_fifo_among_the_course_files_is_reported_and_never_waited_on(project):
    """Files are opened ahead of reading them (sources.read_ahead); a FIFO must not block the build there."""
    project.add(course(1, "One"))
    os.mkfifo(project.content / "courses" / "pipe.yaml")
    checked = subprocess.run([sys.executable, "-m", "coursegen", "check", "--content", str(project.content)],
                             env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=60)
    assert checked.returncode == 1
    assert b"courses/pipe.yaml: error: is not a regular file" in checked.stderr


def test_a_folder_that_becomes_a_link_outside_is_never_read(project, tmp_path, capsys):
    """As `serve` does: two builds in one process, the folder swapped for a link in between."""
    project.add(course(1, "One"))
    project.write("courses/team/two.yaml", course(2, "Two"))
    assert project.build("--quiet") == 0
    before = snapshot(project.out)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "two.yaml").write_text(yaml.safe_dump(course(2, "Secret name")), "utf-8")
    shutil.rmtree(project.content / "courses/team")
    (project.content / "courses/team").symlink_to(outside, target_is_directory=True)
    assert project.build("--quiet") == 1  # its courses would silently vanish otherwise
    assert "courses/team: error: is a link to a folder, which is not followed" in capsys.readouterr().err
    assert snapshot(project.out) == before


def test_billion_laughs_is_refused_quickly(project, capsys):
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    project.write("courses/bomb.yaml", "\n".join(levels) + "\n")
    started = time.monotonic()
    assert main(["check", "--content", str(project.content)]) == 1
    assert time.monotonic() - started < 5
    assert "aliases (*name) are not allowed" in capsys.readouterr().err


def test_oversized_file_is_refused(project, capsys):
    project.write("courses/huge.yaml", "id: 1\ndescription: " + "x" * (3 * 1024 * 1024) + "\n")
    assert main(["check", "--content", str(project.content)]) == 1
    assert "courses/huge.yaml: error: is larger than 2 MiB" in capsys.readouterr().err


def test_megabyte_description_is_a_clear_error(project, capsys):
    project.add(course(1, "Big", description="word " * 220_000))
    assert main(["check", "--content", str(project.content)]) == 1
    assert "description: expected at most 100000 characters, found 1100000" in capsys.readouterr().err


def test_rtl_and_zero_width_names_are_escaped_and_slugged(project):
    name = "\u202eevil\u200b name \u05e9\u05dc\u05d5\u05dd"
    project.add(course(1, name))
    assert project.build() == 0
    [path] = [p for p in project.public() if p.startswith("courses/")]
    assert path == "courses/evil-name-shlvm/index.html"
    assert f"<h1>{name}</h1>" in project.read(f"public/{path}")


# -- atomic builds ----------------------------------------------------------------------------

def many_courses(project, count: int) -> None:
    body = "\n\n".join(f"Paragraph {n} with *emphasis* and [a link](https://example.org/{n})." for n in range(30))
    for i in range(1, count + 1):
        project.add(course(i, f"Course number {i}", description=body, categories=["programming", "music"]))


def snapshot(folder) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(project) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "coursegen", "build", "--content", str(project.content),
                             "--out", str(project.out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 1.8])
def test_killed_build_leaves_previous_output_byte_identical(project, delay):
    many_courses(project, 10)
    assert project.build("--quiet") == 0
    before = snapshot(project.out)
    many_courses(project, 1500)  # a build long enough to be killed in every phase
    process = start_build(project)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert not builds_still_running(project), "a killed build left worker processes behind"
    after = snapshot(project.out)
    assert after == before or after == cold_build(project), "the output is neither the old build nor the new one"


def builds_still_running(project) -> list[int]:
    """Return the processes still building this project, after waiting a moment for them to exit."""
    marker = str(project.content).encode()
    for _ in range(50):
        alive = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read()
            except (OSError, ValueError):
                continue
            if marker in command and b"coursegen" in command:
                alive.append(int(entry))
        if not alive:
            return []
        time.sleep(0.1)
    return alive


def cold_build(project) -> dict:
    """Return what a cold build of the same content makes: a kill after the swap must leave exactly that."""
    other = project.out.parent / "cold"
    assert main(["build", "--quiet", "--no-cache", "--content", str(project.content), "--out", str(other)]) == 0
    return snapshot(other)


# The staging tree is made when a build starts, before phase one; the card folder when pages are written.
@pytest.mark.parametrize("moment", [".output.building-*", ".output.building-cards-*"])
def test_interrupted_build_exits_130_and_keeps_output(project, moment):
    many_courses(project, 10)
    assert project.build("--quiet") == 0
    before = snapshot(project.out)
    many_courses(project, 1500)
    # A course template that takes milliseconds a page: however fast the machine, the pages
    # take seconds to write, and the signal lands while they are being written.
    slow = project.root / "templates" / "course.html"
    slow.parent.mkdir()
    slow.write_text("{% for i in range(30000) %}{% endfor %}{{ course.name }}\n", "utf-8")
    process = start_build(project)
    deadline = time.monotonic() + 30
    while not list(project.root.glob(moment)) and time.monotonic() < deadline:
        time.sleep(0.01)  # interrupt once the build is there, however slow the machine is
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err and b"panicked" not in err
    assert snapshot(project.out) == before
    assert not [p.name for p in project.root.iterdir() if p.name.startswith((".output.building-", ".output.old-"))]  # no staging left


def test_ctrl_c_while_the_workers_start_stops_the_build_and_every_worker(project):
    """Ctrl-C landing while the process pool starts: the build must still exit, and stop its workers."""
    many_courses(project, 100)  # enough for worker processes
    script = textwrap.dedent(f"""
        import os, signal, sys
        from concurrent.futures import process

        spawn = process.ProcessPoolExecutor._spawn_process

        def spawn_then_interrupt(self):  # as if Ctrl-C came just after the first worker started
            spawn(self)
            os.kill(os.getpid(), signal.SIGINT)

        process.ProcessPoolExecutor._spawn_process = spawn_then_interrupt
        from coursegen.cli import main
        sys.exit(main(["build", "--quiet", "--content", {str(project.content)!r}, "--out", {str(project.out)!r}]))
        """)
    build = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = build.communicate(timeout=60)
    finally:
        build.kill()
        for pid in builds_still_running(project):
            os.kill(pid, signal.SIGKILL)
    assert build.returncode == 130, err.decode()
    assert b"Traceback" not in err


def test_next_build_cleans_what_a_killed_build_left(project):
    project.add(course(1, "One"))
    stale = project.root / ".output.building-abc123"
    stale.mkdir()
    (stale / "half.html").write_text("half")
    assert project.build("--quiet") == 0
    assert not stale.exists()


# -- reproducible builds ----------------------------------------------------------------------

def test_same_content_in_different_folders_builds_byte_identical(project, tmp_path):
    project.add(course(1, "One"), course(2, "Two", privacy="private"), course(3, "Three", privacy="secret"),
                course(4, "Four", description="Ünïcödé *text*"))
    other = tmp_path / "elsewhere" / "project"
    shutil.copytree(project.root, other)
    assert project.build("--quiet") == 0
    time.sleep(1.1)
    assert main(["build", "--quiet", "--content", str(other / "content"), "--out", str(other / "output")]) == 0
    assert snapshot(project.out) == snapshot(other / "output")


@pytest.mark.parametrize("prefix", [".output.building-", ".output.building-cards-"])
def test_ctrl_c_just_after_a_staging_folder_is_made_leaves_none_behind(project, monkeypatch, prefix):
    """Ctrl-C that lands the moment a staging folder is made: the build exits 130 and removes it.

    SIGINT is sent to this very process just after the mkdir. When the folder was made by
    tempfile.mkdtemp, which names it only after making it, such a Ctrl-C left it behind; blocking
    the signal meanwhile did not help once other threads were running, since they then take it.
    """
    assert project.build("--quiet") == 0
    before = snapshot(project.out)
    real_mkdir = os.mkdir

    def interrupted_mkdir(path, *args, **kwargs):
        real_mkdir(path, *args, **kwargs)
        name = os.path.basename(path)
        if name.startswith(prefix) and name.count("-") == prefix.count("-"):
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(os, "mkdir", interrupted_mkdir)
    project.write("courses/first.yaml", course(1, "First, edited"))  # a build that has pages to write
    import threading
    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)  # as a process pool's thread is, when cards are made
    other.start()
    try:
        assert project.build("--quiet") == 130
    finally:
        done.set()
    assert snapshot(project.out) == before
    assert not [p.name for p in project.root.iterdir() if p.name.startswith((".output.building-", ".output.old-"))]


def test_a_leftover_temporary_linked_to_a_live_file_is_never_written_into(tmp_path):
    """A `.coursegen-tmp` left beside an output file may be a second name of a live file's inode.

    rename() leaves its source in place when both names are links to one inode; a build that then
    opened the leftover to write a page, or copied a file into it, wrote into the live file.
    """
    from coursegen.output.files import link_afresh, replace_file

    live, target = tmp_path / "live.html", tmp_path / "spare" / "page.html"
    target.parent.mkdir()
    live.write_bytes(b"live bytes")
    os.link(live, f"{target}.coursegen-tmp")  # the leftover
    replace_file(str(target), [b"new page"])
    assert live.read_bytes() == b"live bytes" and target.read_bytes() == b"new page"
    os.link(live, f"{target}.coursegen-tmp")
    other = tmp_path / "other.html"
    other.write_bytes(b"other bytes")
    link_afresh(other, f"{target}.coursegen-tmp")  # reuse's link, where the leftover stands
    assert live.read_bytes() == b"live bytes"
    assert os.path.samefile(other, f"{target}.coursegen-tmp")
