"""`coursegen new site`: a project that checks and builds as it is, names its schemas, and never overwrites."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from coursegen import schemas
from coursegen.cli import SCHEMAS, main
from tests.conftest import run

MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")
# Which shipped schema each YAML file of a project is written against.
SCHEMA_OF = {"content/site.yaml": "site", "content/categories.yaml": "categories",
             "content/users.yaml": "users", "content/courses/": "course"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new-site") / "demo"
    assert main(["new", "site", str(folder)]) == 0
    return folder


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_writes_a_complete_project(site):
    assert files(site) == {
        "README.md", "requirements.txt", ".gitignore", ".vscode/extensions.json",
        ".github/workflows/pull-request.yml", ".github/workflows/deploy.yml",
        "content/site.yaml", "content/categories.yaml", "content/users.yaml",
        "content/courses/python-first-steps.yaml", "content/courses/cleaning-messy-data.yaml",
        "templates/README.md", "templates/_footer_note.html",
        *(f".coursegen/schemas/{name}.schema.json" for name in ("site", "course", "categories", "users")),
    }
    ignored = (site / ".gitignore").read_text("utf-8").split()
    assert {"/output/", "/.coursegen-cache/", "/.output.spare/"} <= set(ignored)
    from coursegen import __version__
    assert f"coursegen=={__version__}" in (site / "requirements.txt").read_text("utf-8").splitlines()


def test_a_new_site_has_the_templates_folder_this_repository_has(site):
    """The layout a user gets is the one they see here: the same README, an override of the same template."""
    repository = Path(__file__).resolve().parents[2] / "templates"
    assert (site / "templates/README.md").read_text("utf-8") == (repository / "README.md").read_text("utf-8")
    assert sorted(p.name for p in (site / "templates").iterdir()) == sorted(p.name for p in repository.iterdir())
    page = (site / "output/public/index.html")
    assert main(["build", "--content", str(site / "content"), "--out", str(site / "output"), "--quiet"]) == 0
    assert "is built with coursegen from one YAML file per course" in page.read_text("utf-8")


def test_site_yaml_documents_every_branding_field_in_comments(site):
    text = (site / "content/site.yaml").read_text("utf-8")
    settings = yaml.safe_load(text)
    assert set(settings) == {"title", "base_url", "language", "description"}
    for field in ("join_url", "logo", "accent_color", "nav", "footer_links", "footer_text", "organization",
                  "twitter_site"):
        assert re.search(rf"^# {field}:", text, re.M), field
        assert field in schemas.load("site")["properties"]
    # Uncommented, the commented settings are valid too: an editor who removes the '# ' gets a working site.
    uncommented = re.sub(r"^# ((?:join_url|accent_color|nav|footer_links|footer_text|organization|twitter_site)\b"
                         r"|  [ -])", r"\1", text, flags=re.M)
    assert {"join_url", "nav", "organization", "twitter_site"} <= set(yaml.safe_load(uncommented))


def test_every_yaml_file_names_its_schema_by_a_path_that_exists(site):
    yaml_files = sorted(p for p in site.rglob("*.y*ml") if ".github" not in p.parts)
    assert len(yaml_files) == 5
    for path in yaml_files:
        relative = path.relative_to(site).as_posix()
        found = MODELINE.match(path.read_text("utf-8"))
        assert found, f"{relative} does not start with a yaml-language-server line"
        target = (path.parent / found.group(1)).resolve()
        expected = next(name for prefix, name in SCHEMA_OF.items() if relative.startswith(prefix))
        assert target == (site / f".coursegen/schemas/{expected}.schema.json").resolve(), relative
        assert json.loads(target.read_text("utf-8")) == schemas.load(expected)


def test_the_project_checks_and_builds_without_the_draft(site, tmp_path):
    project = tmp_path / "demo"
    for relative in files(site):
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_bytes((site / relative).read_bytes())
    assert run("check", cwd=project).returncode == 0
    built = run("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "1 draft, 1 open" in built.stdout
    public = project / "output/public"
    assert "Write your first Python programs" in (public / "courses/python-first-steps/index.html").read_text("utf-8")
    for path in public.rglob("*"):
        assert "cleaning-messy-data" not in path.as_posix()
        assert path.is_dir() or b"Cleaning Messy Data" not in path.read_bytes(), path
    assert run("build", "--preview", "--out", "preview", cwd=project).returncode == 0
    assert (project / "preview/public/courses/cleaning-messy-data/index.html").is_file()


def test_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["new", "site", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert files(tmp_path) == {"notes.txt"} and (tmp_path / "notes.txt").read_text() == "mine"
    assert main(["new", "site", str(tmp_path / "notes.txt")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_an_empty_folder_is_taken(tmp_path):
    assert main(["new", "site", str(tmp_path)]) == 0
    assert (tmp_path / "content/site.yaml").is_file()


def test_new_course_names_the_course_schema_of_the_project(tmp_path, capsys):
    assert main(["new", "site", str(tmp_path)]) == 0
    assert main(["new", "course", "Statistics", "--content", str(tmp_path / "content")]) == 0
    path = tmp_path / "content/courses/statistics.yaml"
    found = MODELINE.match(path.read_text("utf-8"))
    assert found and (path.parent / found.group(1)).resolve() == (tmp_path / ".coursegen/schemas/course.schema.json")


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_prints_each_shipped_schema(name, capsys):
    assert main(["schema", name]) == 0
    assert json.loads(capsys.readouterr().out) == schemas.load(name)


def test_schema_names_every_shipped_schema():
    shipped = {p.name.removesuffix(".schema.json") for p in Path(schemas.__file__).parent.glob("*.schema.json")}
    assert set(SCHEMAS) == shipped
