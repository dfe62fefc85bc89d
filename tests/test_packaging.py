"""The wheel, as a user gets it: every data file inside, installed as `coursegen` into a fresh
environment outside the repository, where `coursegen new site demo && cd demo && coursegen build` works.

pip may fetch the build backend and the dependencies from the package index; its cache makes a
second run take seconds.
"""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from coursegen import __version__
from tests.conftest import REPO, run_installed

pytestmark = pytest.mark.slow


def test_the_wheel_holds_every_data_file_of_the_package(wheel):
    tracked = subprocess.run(["git", "ls-files", "coursegen"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard", "coursegen"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.split()
    expected = {path for path in tracked + untracked if (REPO / path).is_file()}
    names = set(zipfile.ZipFile(wheel).namelist())
    assert expected - names == set()
    assert any(n.startswith("coursegen/scaffold/dot-github/workflows/") for n in names)
    assert {n.split("/")[0] for n in names} == {"coursegen", f"coursegen-{__version__}.dist-info"}


def test_the_wheel_carries_the_one_version(wheel):
    assert wheel.name == f"coursegen-{__version__}-py3-none-any.whl"


def test_installed_as_coursegen_and_nothing_else(demo):
    venv, _ = demo
    (site_packages,) = venv.glob("lib/python3*/site-packages")
    (dist_info,) = site_packages.glob("coursegen-*.dist-info")
    assert (dist_info / "top_level.txt").read_text().split() == ["coursegen"]
    assert not (site_packages / "generator").exists()
    assert (site_packages / "coursegen/site/templates/base.html").is_file()
    version = run_installed(venv / "bin/coursegen", "--version", cwd=venv)
    assert version.stdout.strip() == f"coursegen {__version__}"


def test_a_new_site_builds_with_its_open_course_and_without_its_draft(demo):
    _, site = demo
    public = site / "output/public"
    page = (public / "courses/python-first-steps/index.html").read_text("utf-8")
    assert "Python: First Steps" in page and "Write your first Python programs" in page
    assert "courses/python-first-steps/" in (public / "sitemap.xml").read_text("utf-8")
    for path in public.rglob("*"):
        assert "cleaning-messy-data" not in path.as_posix()
        assert path.is_dir() or b"Cleaning Messy Data" not in path.read_bytes(), path
    assert "Cleaning Messy Data" in (site / "output/restricted/feeds/draft.json").read_text("utf-8")


def test_a_new_site_shows_the_open_course_syllabus(demo):
    _, site = demo
    page = (site / "output/public/courses/python-first-steps/index.html").read_text("utf-8")
    assert "Getting set up" in page and "Install Python" in page and "Working with data" in page
    assert "Dictionaries" not in page  # a draft lesson: previews only
