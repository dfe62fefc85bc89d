"""`coursegen new course`: next free id, generated slug, draft, hints for every field, no overwrite."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from coursegen.cli import main
from coursegen.commands.new import course_text
from coursegen.content.schema import load_schema
from tests.conftest import course


def test_new_course_passes_check_once_creator_and_privacy_are_set(project, capsys):
    project.add(course(4, "Four"), course(9, "Nine"))
    project.write("courses/broken.yaml", "id: [unparsable\n")
    project.write("courses/text-id.yaml", "id: '40'\nname: x\n")
    assert main(["new", "course", "Café Crème: Intro", "--content", str(project.content)]) == 0
    assert "id 10" in capsys.readouterr().out
    path = project.content / "courses/cafe-creme-intro.yaml"
    text = path.read_text("utf-8")
    assert "id: 10 " in text and 'slug: "cafe-creme-intro" ' in text and 'privacy: ""' in text
    assert re.search(r'created_at: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', text)
    for name in ("broken.yaml", "text-id.yaml"):
        (project.content / "courses" / name).unlink()
    assert main(["check", "--content", str(project.content)]) == 1  # created_by is still to be filled in
    assert "cafe-creme-intro.yaml:10:12: error: created_by:" in capsys.readouterr().err
    path.write_text(text.replace("created_by:  #", "created_by: zoe  #").replace('privacy: ""', "privacy: open"))
    assert main(["check", "--content", str(project.content)]) == 0, capsys.readouterr().err
    assert main(["build", "--content", str(project.content), "--out", str(project.out)]) == 0
    assert "What will people learn in Café Crème: Intro?" in project.read("public/courses/cafe-creme-intro/index.html")


def test_a_draft_with_a_creator_checks_clean_as_it_stands(project, capsys):
    assert main(["new", "course", "First", "--content", str(project.content)]) == 0
    path = project.content / "courses/first.yaml"
    assert "id: 1 " in path.read_text()
    path.write_text(path.read_text().replace("created_by:  #", "created_by: ada  #"))
    assert main(["check", "--content", str(project.content)]) == 0


def test_refuses_to_overwrite(project, capsys):
    project.write("courses/first.yaml", "keep me")
    assert main(["new", "course", "First", "--content", str(project.content)]) == 1
    assert "already exists; refusing to overwrite" in capsys.readouterr().err
    assert (project.content / "courses/first.yaml").read_text() == "keep me"


def test_usage_errors(project, capsys):
    assert main(["new", "course", "!!!", "--content", str(project.content)]) == 2
    assert "cannot make a URL slug" in capsys.readouterr().err
    assert main(["new", "course", "X", "--content", str(project.root / "missing")]) == 2


def test_every_schema_field_has_a_hint():
    text = course_text(1, "N", "n", datetime(2025, 1, 2, tzinfo=timezone.utc), ["ada"], ["music"])
    mentioned = set(re.findall(r"^#? ?([a-z_]+):", text, re.MULTILINE))
    assert mentioned == set(load_schema("course")["properties"])
    assert "(ada)" in text and "(music)" in text and 'created_at: "2025-01-02T00:00:00Z"' in text


def test_every_hint_is_a_valid_value_once_uncommented(project, capsys):
    assert main(["new", "course", "Hinted", "--content", str(project.content)]) == 0
    path = project.content / "courses/hinted.yaml"
    text = path.read_text("utf-8").replace("created_by:  #", "created_by: ada  #")
    text = uncomment(text)
    path.write_text(text, "utf-8")
    assert "\nmember_count: 0" in text and "\n      - {id: 2, name: Check yourself, type: quiz}" in text
    assert "\n    # drip_delay: 7" in text  # right for one type only: a comment still
    assert main(["check", "--content", str(project.content)]) == 0, capsys.readouterr().err
    assert main(["build", "--content", str(project.content), "--out", str(project.out), "--preview"]) == 0


def uncomment(text: str) -> str:
    """Take "# " off every optional field and each line of its block, as an editor's toggle-comment does."""
    return re.sub(r"^# ((?!image_original)[a-z_]+: |  )", r"\1", text, flags=re.MULTILINE)


def test_the_syllabus_hint_fits_each_type_once_its_drip_line_is_uncommented(project, capsys):
    """A structured course takes drip_delay, a scheduled one dripped_at (and needs it): the hints say so, rightly."""
    assert main(["new", "course", "Hinted", "--content", str(project.content)]) == 0
    path = project.content / "courses/hinted.yaml"
    text = uncomment(path.read_text("utf-8").replace("created_by:  #", "created_by: ada  #"))
    for kind, line in (("structured", "drip_delay"), ("scheduled", "dripped_at")):
        typed = text.replace("type: self-paced", f"type: {kind}").replace(f"    # {line}:", f"    {line}:")
        path.write_text(typed, "utf-8")
        assert main(["check", "--content", str(project.content)]) == 0, capsys.readouterr().err
    path.write_text(text.replace("type: self-paced", "type: scheduled"), "utf-8")
    assert main(["check", "--content", str(project.content)]) == 1
    first_section = text.splitlines().index("  - id: 1") + 1  # the section the date is missing from
    assert (f"hinted.yaml:{first_section}:5: error: sections[0].dripped_at: missing required field 'dripped_at'"
            in capsys.readouterr().err)


def test_the_language_hint_names_the_site_language(project):
    project.write("site.yaml", {"title": "T", "base_url": "https://t.test/", "language": "pt-BR"})
    assert main(["new", "course", "Hinted", "--content", str(project.content)]) == 0
    text = (project.content / "courses/hinted.yaml").read_text("utf-8")
    assert "leave it out for site.yaml's language (pt-BR)" in text


def test_refuses_a_name_or_slug_another_course_has(project, capsys):
    project.add(course(1, "Jazz Piano"))
    for name in ("jazz piano", "Jazz-Piano!"):
        assert main(["new", "course", name, "--content", str(project.content)]) == 1
        assert "courses/1.yaml already has a course named 'Jazz Piano' (slug jazz-piano)" in capsys.readouterr().err
    assert not (project.content / "courses/jazz-piano.yaml").exists()
