"""Progress shows on a terminal for slow builds only; CI, pipes and quick builds see just the summary."""

from __future__ import annotations

import io
import time

from coursegen.commands.build import build
from coursegen.commands.options import Options
from coursegen.commands.progress import Progress, wanted
from tests.conftest import course, run


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_outside_ci():
    assert wanted(Terminal(), {}) is True
    assert wanted(Terminal(), {"CI": "true"}) is False
    assert wanted(io.StringIO(), {}) is False


def test_a_slow_run_shows_its_stage_then_clears_the_line():
    screen = Terminal()
    with Progress(screen, enabled=True, delay=0.05) as progress:
        progress("rendering 3 courses")
        time.sleep(0.3)
    assert "\rrendering 3 courses" in screen.getvalue().replace("\x1b[K", "")
    assert screen.getvalue().endswith("\r\x1b[K")


def test_a_quick_or_disabled_run_shows_nothing():
    for enabled, delay in ((True, 5.0), (False, 0.0)):
        screen = Terminal()
        with Progress(screen, enabled=enabled, delay=delay) as progress:
            progress("checking")
            time.sleep(0.1)
        assert screen.getvalue() == ""


def test_build_reports_its_stages(project):
    project.add(course(1, "One"), course(2, "Two"))
    stages: list[str] = []
    build(Options(project.content, project.out), stages.append)
    # 2 courses and the 404 page; then the index, the category and the type
    assert stages == ["checking 2 course files", "writing 3 course pages", "writing 3 listing pages"]


def test_piped_build_prints_only_the_summary(project):
    project.add(course(1, "One"))
    result = run("build", "--content", str(project.content), "--out", str(project.out))
    assert result.stderr == "" and result.stdout.startswith("built 1 course (1 open)")
    assert len(result.stdout.splitlines()) == 1
