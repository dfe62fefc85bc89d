"""Every validation rule, as data: each file in cases/invalid/ beside a valid catalog gives exactly
the errors listed in cases/invalid/expected.txt, with file, line, column, field and message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from coursegen.cli import main
from tests.conftest import SITE, course

CASES = Path(__file__).parents[1] / "cases" / "invalid"
EXPECTED = CASES / "expected.txt"


def expected_errors(expected: Path = EXPECTED) -> dict[str, list[str]]:
    """Read expected.txt: a line `== case.yaml` starts a case; the lines after it are its errors."""
    cases: dict[str, list[str]] = {}
    current = None
    for line in expected.read_text("utf-8").splitlines():
        if line.startswith("== "):
            current = cases.setdefault(line[3:], [])
        elif line.strip():
            current.append(line)
    return cases


EXPECTATIONS = expected_errors()


def test_every_case_file_has_expectations():
    files = sorted(p.name for p in CASES.glob("*.yaml"))
    assert files == sorted(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_invalid_case_reports_exact_errors(project, capsys, name):
    project.add(course(1, "Base Course"))
    shutil.copy(CASES / name, project.content / "courses" / name)
    status = main(["check", "--content", str(project.content)])
    err = capsys.readouterr().err
    prefix = f"{project.content.as_posix()}/courses/{name}:"
    reported = [line.removeprefix(prefix).replace(project.content.as_posix(), "CONTENT")
                for line in err.splitlines() if line.startswith(prefix)]
    assert status == 1
    assert reported == EXPECTATIONS[name]
    assert "Traceback" not in err


def test_all_errors_of_a_run_are_reported_together(project, capsys):
    project.add(course(1, "Base Course"))
    for name in ("bad-slug.yaml", "unknown-creator.yaml", "yaml-syntax.yaml"):
        target = project.content / "courses" / name
        target.write_bytes((CASES / name).read_bytes().replace(b"id: 50", f"id: {len(name)}".encode()))
    assert main(["check", "--content", str(project.content)]) == 1
    err = capsys.readouterr().err
    for name in ("bad-slug.yaml", "unknown-creator.yaml", "yaml-syntax.yaml"):
        assert f"courses/{name}:" in err
    assert "3 errors in 3 files" in err


def test_valid_catalog_checks_clean(project, capsys):
    project.add(course(1, "Base Course"), course(2, "Café Crème", slug=...))
    assert main(["check", "--content", str(project.content)]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_site_yaml_errors_name_the_file_and_field(project, capsys):
    project.write("site.yaml", "title: Test\nbase_url: not a url\nlanguag: en\n")
    assert main(["check", "--content", str(project.content)]) == 1
    err = capsys.readouterr().err
    assert ('site.yaml:2:11: error: base_url: expected an absolute http(s) URL such as "https://courses.example.org/", '
            'found the text "not a url"') in err
    assert "site.yaml:3:1: error: languag: unknown field 'languag'; did you mean 'language'?" in err


JOIN_URL = "site.yaml:5:11: error: join_url: "


@pytest.mark.parametrize("template, message", [
    ("https://community.example.org/course/{ID}-{slug}/",
     "expected only the placeholders {id} and {slug}, found {ID}; did you mean {id}?"),
    ("https://community.example.org/course/{name}/",
     "expected only the placeholders {id} and {slug}, found {name}"),
    ("https://community.example.org/course/{id-{slug}/",
     "expected each '{' closed by a '}' around id or slug, found a brace that opens or closes no placeholder"),
    ("javascript://community.example.org/{id}",
     "expected an absolute http(s) URL template such as \"https://community.example.org/course/{id}-{slug}/\", "
     "found the text \"javascript://community.example.org/{id}\""),
    ("https://user:secret@community.example.org/course/{id}/",
     "expected an absolute http(s) URL template such as \"https://community.example.org/course/{id}-{slug}/\", "
     "but it holds a user name or password, which every page would publish"),
])
def test_join_url_is_a_url_template_with_only_id_and_slug(project, capsys, template, message):
    """SPEC §7: a typo in a placeholder would send every learner to a broken page; it is refused, named."""
    project.add(course(1, "Base Course"))
    project.write("site.yaml", {**SITE, "join_url": template})
    assert main(["check", "--content", str(project.content)]) == 1
    err = capsys.readouterr().err
    assert [line.split("/content/", 1)[-1] for line in err.splitlines() if "error: join_url" in line] == [JOIN_URL + message], err


def test_every_pattern_of_every_schema_is_explained_in_words():
    """A message names what was expected, never a regular expression: each pattern has its words (x-expected)."""
    from coursegen import schemas

    def patterns(rule: object, path: tuple):
        if isinstance(rule, dict):
            if "pattern" in rule:
                yield path, rule
            for key, child in rule.items():
                yield from patterns(child, (*path, key))
        elif isinstance(rule, list):
            for index, child in enumerate(rule):
                yield from patterns(child, (*path, index))

    unexplained = [(name, path) for name in ("site", "course", "users", "categories")
                   for path, rule in patterns(schemas.load(name), ())
                   if "x-expected" not in rule and rule["pattern"] not in SPOKEN_PATTERNS
                   and not rule["pattern"].startswith(CONTROL_CHARACTERS)]
    assert unexplained == []


# Patterns schema.py words itself: slugs, visible names, and text without control characters.
SPOKEN_PATTERNS = {"^[a-z0-9]+(?:-[a-z0-9]+)*$", "\\S"}
CONTROL_CHARACTERS = "^[^\\u0000"


def test_join_url_with_id_and_slug_checks_clean(project, capsys):
    project.add(course(1, "Base Course"))
    project.write("site.yaml", {**SITE, "join_url": "https://community.example.org/course/{id}-{slug}/?from={slug}"})
    assert main(["check", "--content", str(project.content)]) == 0, capsys.readouterr().err


def test_missing_site_yaml_is_a_clear_error(project, capsys):
    (project.content / "site.yaml").unlink()
    assert main(["check", "--content", str(project.content)]) == 1
    assert "missing site.yaml" in capsys.readouterr().err


def test_registry_files_are_validated(project, capsys):
    project.write("users.yaml", [{"id": 1, "username": "ada", "real_name": "A"},
                                 {"id": 2, "username": "ada", "real_name": "B"}])
    project.write("categories.yaml", [{"id": 1, "name": "X", "slug": "Not A Slug"}])
    project.add(course(1, "Base Course", categories=[]))
    assert main(["check", "--content", str(project.content)]) == 1
    err = capsys.readouterr().err
    assert "categories.yaml:3:9: error: [0].slug: expected a slug" in err


VALID = Path(__file__).parents[1] / "cases" / "valid"


@pytest.mark.parametrize("name", sorted(path.name for path in VALID.glob("*.yaml")))
def test_valid_case_checks_clean_and_builds(project, capsys, name):
    """The positive cases beside the invalid ones: values at the edges of every rule are accepted."""
    project.add(course(1, "Base Course"))
    shutil.copy(VALID / name, project.content / "courses" / name)
    assert main(["check", "--content", str(project.content)]) == 0
    printed = capsys.readouterr()
    assert "error" not in printed.err and "warning" not in printed.err, printed.err
    assert project.build("--quiet") == 0
    document = yaml.safe_load((VALID / name).read_text("utf-8"))
    in_open_feed = {item["id"] for item in project.json("public/feeds/open.json")["results"]}
    assert (document["id"] in in_open_feed) == (document.get("privacy") == "open")
