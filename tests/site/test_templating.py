"""A user's templates/ overrides built-in templates by name; template mistakes are located errors."""

from __future__ import annotations

from tests.conftest import course


def write_template(project, name: str, text: str) -> None:
    folder = project.root / "templates"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, "utf-8")


def test_user_template_overrides_builtin_by_name(project):
    project.add(course(1, "Override Me", slug="override-me"))
    write_template(project, "course.html",
                   '{% extends "base.html" %}{% block content %}<p class="mine">{{ course.name }}</p>{% endblock %}')
    assert project.build() == 0
    page = project.read("public/courses/override-me/index.html")
    assert '<p class="mine">Override Me</p>' in page
    assert '<meta property="og:title" content="Override Me">' in page  # the built-in base still applies
    assert "<h1>" in project.read("public/index.html")  # other templates stay built-in


def test_overridden_template_is_still_autoescaped(project):
    project.add(course(1, "<b>bold</b>", slug="b"))
    write_template(project, "course.html", "<p>{{ course.name }}</p>")
    assert project.build() == 0
    assert project.read("public/courses/b/index.html") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_undefined_variable_is_a_located_error(project, capsys):
    project.add(course(1, "X"))
    write_template(project, "course.html", "line one\n{{ course.no_such_field }}\n")
    assert project.build() == 1
    err = capsys.readouterr().err
    assert "templates/course.html:2" in err and "no_such_field" in err
    assert "Traceback" not in err
    assert not project.out.exists()


def test_template_syntax_error_is_a_located_error(project, capsys):
    project.add(course(1, "X"))
    write_template(project, "index.html", "ok\n{% if %}\n")
    assert project.build() == 1
    err = capsys.readouterr().err
    assert "index.html:2" in err and "template syntax error" in err
