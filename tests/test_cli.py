"""The command line as users and CI meet it: exit codes, messages, atomic builds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from coursegen.cli import main
from tests.conftest import REPO, course, run


def test_exit_codes_0_1_2_through_python_m(project):
    project.add(course(1, "Good"))
    assert run("check", "--content", str(project.content)).returncode == 0
    project.write("courses/2.yaml", "id: 2\nname: [broken\n")
    bad = run("check", "--content", str(project.content))
    assert bad.returncode == 1 and "courses/2.yaml:3" in bad.stderr and "Traceback" not in bad.stderr
    assert run("build", "--no-such-flag").returncode == 2
    assert run("check", "--content", str(project.root / "missing")).returncode == 2
    assert run("frobnicate").returncode == 2


def test_build_defaults_to_content_and_output_in_the_current_directory(project):
    project.add(course(1, "Here"))
    result = run("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert (project.root / "output/public/courses/here/index.html").is_file()
    assert "built 1 course (1 open)" in result.stdout


def test_failed_build_leaves_previous_output_untouched(project, capsys):
    project.add(course(1, "First"))
    assert project.build() == 0
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    project.add(course(2, "Second", created_by="nobody"))
    assert project.build() == 1
    assert "unknown username 'nobody'" in capsys.readouterr().err
    after = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p.name for p in project.root.iterdir() if p.name.startswith((".output.building-", ".output.old-"))]  # no staging left  # no staging left behind


def test_rebuild_replaces_output_and_drops_removed_pages(project):
    project.add(course(1, "First"), course(2, "Second"))
    assert project.build() == 0
    (project.content / "courses/2.yaml").unlink()
    assert project.build() == 0
    assert not (project.out / "public/courses/second").exists()
    assert (project.out / "public/courses/first/index.html").is_file()


def test_refuses_to_replace_a_folder_that_is_not_an_output(project, capsys):
    project.add(course(1, "First"))
    precious = project.root / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    assert main(["build", "--content", str(project.content), "--out", str(precious)]) == 2
    assert (precious / "thesis.txt").read_text() == "do not delete"
    assert "is not a coursegen output" in capsys.readouterr().err
    assert main(["build", "--content", str(project.content), "--out", str(project.root)]) == 2
    assert "would replace the content directory" in capsys.readouterr().err
    assert (project.content / "site.yaml").is_file()


def test_base_url_override_rewrites_absolute_urls(project):
    project.add(course(1, "First"))
    assert project.build("--base-url", "https://preview.example/pr-7") == 0
    page = project.read("public/courses/first/index.html")
    assert '<link rel="canonical" href="https://preview.example/pr-7/courses/first/">' in page
    assert 'href="/pr-7/assets/style.css"' in page
    assert "academy.test" not in page


def test_bad_base_url_is_a_usage_error(project, capsys):
    assert main(["build", "--content", str(project.content), "--base-url", "ftp:/x"]) == 2
    assert "--base-url must be an absolute" in capsys.readouterr().err


def test_schema_command_prints_each_schema(capsys):
    for which, title in (("course", "Course file"), ("dashboard", "Course Dashboard"), ("site", "Site settings")):
        assert main(["schema", which]) == 0
        assert json.loads(capsys.readouterr().out)["title"].startswith(title)


def test_check_formats_json_and_github(project, capsys):
    project.write("courses/1.yaml", "id: 1\nname: First\nslug: Bad Slug\ntype: structured\n"
                                    "created_at: '2025-01-02T03:04:05Z'\ncreated_by: ada\n")
    assert main(["check", "--content", str(project.content), "--format", "json"]) == 1
    [issue] = json.loads(capsys.readouterr().out)
    assert (issue["line"], issue["column"], issue["field"], issue["severity"]) == (3, 7, "slug", "error")
    assert main(["check", "--content", str(project.content), "--format", "github"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"::error file={project.content.as_posix()}/courses/1.yaml,line=3,col=7,title=slug::expected a slug")


def test_a_reader_that_goes_away_ends_the_command_without_a_word(tmp_path):
    """`coursegen schema site | head`: the reader is gone before the output is written; no message, no crash
    file, the exit status of SIGPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before the first write, as a `head` that has read its lines is
    try:
        done = subprocess.run([sys.executable, "-m", "coursegen", "schema", "site"], stdout=write_end,
                              stderr=subprocess.PIPE, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
                              timeout=30)
    finally:
        os.close(write_end)
    err = done.stderr.decode()
    assert done.returncode == 141, err
    assert err == "" and not (tmp_path / ".coursegen-cache").exists()
