"""site.yaml's brand (SPEC §8), validated like the course files: WCAG 2's contrast ratio, and each case in
cases/invalid/site/ giving exactly the located errors in its expected.txt."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import pytest

from coursegen.cli import main
from coursegen.content.brand import brand_problems, contrast_ratio, relative_luminance
from tests.conftest import CATEGORIES, USERS, Project, course
from tests.content.test_schema import expected_errors

CASES = Path(__file__).parents[1] / "cases" / "invalid" / "site"
EXPECTED = CASES / "expected.txt"


def site_report(case: Path) -> list[str]:
    """Return what `coursegen check` reports about site.yaml when it is the case's file."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "site")
        project.write("site.yaml", case.read_bytes())
        project.write("categories.yaml", CATEGORIES)
        project.write("users.yaml", USERS)
        project.write("images/notes.png", "meeting notes, not a picture\n")
        project.add(course(1, "Base Course"))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["check", "--content", str(project.content)])
        assert status == 1 and "Traceback" not in err.getvalue()
        prefix = f"{project.content.as_posix()}/site.yaml:"
        return [line.removeprefix(prefix).replace(project.content.as_posix(), "CONTENT")
                for line in err.getvalue().splitlines() if line.startswith(prefix)]


def refresh() -> None:
    """Write expected.txt from what check reports now (tests/refresh_expected.py calls it)."""
    lines = []
    for case in sorted(CASES.glob("*.yaml")):
        lines += [f"== {case.name}", *site_report(case), ""]
    EXPECTED.write_text("\n".join(lines), "utf-8")


EXPECTATIONS = expected_errors(EXPECTED)


def test_every_site_case_has_expectations():
    assert sorted(p.name for p in CASES.glob("*.yaml")) == sorted(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_site_case_reports_exact_located_errors(name):
    reported = site_report(CASES / name)
    assert reported == EXPECTATIONS[name]
    assert reported, "every case is refused with at least one located error"


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
    ("#777777", "#ffffff", 4.48),  # one step lighter fails
    ("#7fb3ff", "#ffffff", 2.14), ("#1c58b0", "#ffffff", 6.84),
])
def test_contrast_ratio_is_wcag_2s(first, second, ratio):
    assert round(contrast_ratio(first, second), 2) == ratio
    assert contrast_ratio(first, second) == contrast_ratio(second, first)


def test_relative_luminance_ends_and_middle():
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1)
    assert relative_luminance("#808080") == pytest.approx(0.2158, abs=1e-4)


def test_accent_colour_just_below_aa_is_refused_with_its_ratio_rounded_down():
    data = {"title": "T", "base_url": "https://t.test/", "accent_color": "#777777"}
    [problem] = brand_problems(data)
    assert problem.keys == ("accent_color",)
    assert problem.message.endswith("found #777777 at 4.47:1")  # 4.478: never shown as a passing 4.48 or 4.50


def test_site_paths_and_https_links_are_accepted_and_javascript_is_not():
    good = [{"title": "About", "url": "/about/"}, {"title": "Forum", "url": "https://forum.example.org/t?x=1"},
            {"title": "Upper", "url": "HTTPS://example.org/"}]
    assert list(brand_problems({"nav": good, "footer_links": good})) == []
    bad = [{"title": "x", "url": url} for url in ("javascript:alert(1)", "JavaScript:alert(1)", "data:,x",
                                                   "vbscript:x", "//evil.example", "mailto:a@b.c", "about")]
    assert [p.keys for p in brand_problems({"nav": bad})] == [("nav", i, "url") for i in range(len(bad))]
