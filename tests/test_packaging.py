"""The wheel, as a user gets it: every data file inside, installed as `coursegen` into a fresh
environment outside the repository, where `coursegen new site demo && cd demo && coursegen build` works.

pip may fetch the build backend and the dependencies from the package index; its cache makes a
second run take seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coursegen import __version__
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _run(*args, cwd: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    # No PYTHONPATH: the installed package must stand on its own, not lean on this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources, so that no build/ or egg-info lands in the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "coursegen", source / "coursegen", ignore=shutil.ignore_patterns("__pycache__"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def demo(wheel, tmp_path_factory) -> tuple[Path, Path]:
    """A fresh environment with the wheel installed, and a `new site` built there: (environment, site)."""
    work = tmp_path_factory.mktemp("user")
    _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin = work / "venv" / "bin"
    _run(bin / "python", "-m", "pip", "install", "--quiet", wheel, cwd=work)
    _run(bin / "coursegen", "new", "site", "demo", cwd=work)
    _run(bin / "coursegen", "build", cwd=work / "demo")
    return work / "venv", work / "demo"


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
    version = _run(venv / "bin/coursegen", "--version", cwd=venv)
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
