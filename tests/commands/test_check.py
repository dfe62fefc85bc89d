"""`coursegen check` in its three formats: the same issues, the same exit status, each in its own syntax."""

from __future__ import annotations

import json
import re

import pytest

from coursegen import cli
from coursegen.cli import main
from coursegen.commands.report import format_github, format_text
from coursegen.issues import Issue
from tests.conftest import course


@pytest.fixture
def broken(project):
    """A catalog with three errors in two files and one good course."""
    project.add(course(1, "Good"))
    project.write("courses/2.yaml", "id: 2\nname: Second\nslug: Bad Slug\ntype: structured\n"
                                    "created_at: '2025-01-02'\ncreated_by: ada\n")
    project.write("courses/3.yaml", "id: 3\nname: Third\ntype: self-paced\n"
                                    "created_at: '2025-01-02T03:04:05Z'\ncreated_by: adaa\n")
    return project


def run_check(project, capsys, fmt: str) -> tuple[int, str, str]:
    status = main(["check", "--content", str(project.content), "--format", fmt])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_every_format_reports_the_same_issues_with_the_same_exit_status(broken, capsys):
    statuses, found = set(), {}
    status, out, err = run_check(broken, capsys, "json")
    statuses.add(status)
    found["json"] = {(i["path"], i["line"], i["column"], i["message"]) for i in json.loads(out)}
    status, out, err = run_check(broken, capsys, "github")
    statuses.add(status)
    found["github"] = set()
    for line in out.splitlines():
        params, message = line.removeprefix("::error ").split("::", 1)
        fields = dict(p.split("=", 1) for p in params.split(","))
        found["github"].add((fields["file"], int(fields["line"]), int(fields["col"]), message))
    status, out, err = run_check(broken, capsys, "text")
    statuses.add(status)
    found["text"] = set()
    for line in err.splitlines():
        if ": error: " in line:
            where, rest = line.split(": error: ", 1)
            path, row, col = where.rsplit(":", 2)
            found["text"].add((path, int(row), int(col), rest.split(": ", 1)[1]))
    assert statuses == {1}
    assert len(found["json"]) == 3
    assert found["json"] == found["github"] == found["text"]


def test_text_is_grouped_by_file_and_ends_with_a_count(broken, capsys):
    status, out, err = run_check(broken, capsys, "text")
    lines = err.splitlines()
    second = [n for n, line in enumerate(lines) if "courses/2.yaml:" in line]
    third = [n for n, line in enumerate(lines) if "courses/3.yaml:" in line]
    assert second == list(range(second[0], second[-1] + 1)) and len(second) == 2
    assert lines[second[-1] + 1] == "" and third[0] == second[-1] + 2
    assert lines[-1] == f"3 errors in 2 files under {broken.content.as_posix()}"
    assert "did you mean 'ada'?" in err
    assert "\x1b[" not in err  # not a terminal: no colour
    assert out == ""


def test_clean_catalog_in_every_format(project, capsys):
    project.add(course(1, "Good"))
    assert run_check(project, capsys, "text") == (0, f"{project.content.as_posix()}: no problems found\n", "")
    assert run_check(project, capsys, "json") == (0, "[]\n", "")
    assert run_check(project, capsys, "github") == (0, "", "")


def test_json_is_a_stable_list_of_objects(broken, capsys):
    _, first, _ = run_check(broken, capsys, "json")
    _, second, _ = run_check(broken, capsys, "json")
    assert first == second
    issues = json.loads(first)
    assert [list(i) for i in issues] == [["path", "line", "column", "field", "severity", "message"]] * 3
    assert issues == sorted(issues, key=lambda i: (i["path"], i["line"], i["column"]))


@pytest.mark.parametrize(("tty", "no_color", "term", "expected"), [
    (True, None, "xterm", True), (True, "1", "xterm", False), (False, None, "xterm", False),
    (True, None, "dumb", False), (True, "", "xterm", True),
])
def test_colour_only_on_a_terminal_without_no_color(monkeypatch, tty, no_color, term, expected):
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: tty, raising=False)
    monkeypatch.setenv("TERM", term)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert cli._color() is expected


def test_coloured_text_keeps_the_same_words():
    issues = (Issue("c/a.yaml", 3, 7, "slug", "bad"), Issue("c/b.yaml", 1, 1, "", "worse", "warning"))
    coloured = format_text(issues, color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured and "\x1b[1;33mwarning\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == format_text(issues)


def test_github_annotations_escape_properties_and_data():
    issues = (Issue("content/courses/a,b:c.yaml", 3, 7, "created_by.username", "50% of it\nis wrong\r"),
              Issue("content/site.yaml", 0, 0, "", "missing: title", "warning"))
    assert format_github(issues).splitlines() == [
        "::error file=content/courses/a%2Cb%3Ac.yaml,line=3,col=7,title=created_by.username::50%25 of it%0Ais wrong%0D",
        "::warning file=content/site.yaml,title=coursegen::missing: title",
    ]
