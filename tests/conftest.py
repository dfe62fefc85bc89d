"""Shared fixtures: small catalogs written to a temporary project, and a way to run the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from coursegen.cli import main

REPO = Path(__file__).resolve().parent.parent

SITE = {"title": "Test Academy", "base_url": "https://academy.test/", "language": "en",
        "description": "Courses for tests."}
CATEGORIES = [
    {"id": 1, "name": "Programming", "slug": "programming", "description": "Code."},
    {"id": 2, "name": "Music", "slug": "music"},
]
USERS = [
    {"id": 10, "username": "ada", "real_name": "Ada Lovelace", "avatar": "", "community_badge": True, "deleted": False},
    {"id": 11, "username": "zoe", "real_name": "Zoë Müller"},
]


def course(id: int, name: str, **fields) -> dict:
    """Return a valid course document; keyword arguments override or add fields."""
    document = {"id": id, "name": name, "type": "self-paced", "privacy": "open",
                "created_at": "2025-01-02T03:04:05Z", "created_by": "ada", "categories": ["programming"],
                "description": f"First paragraph about {name}.\n\n## Details\n\n- one\n- two\n"}
    document.update(fields)
    return {k: v for k, v in document.items() if v is not ...}  # `...` removes a field


@dataclass
class Project:
    """A project folder with content/, templates/ and output/, and helpers to run coursegen in it."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "output"

    def write(self, relative: str, data) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, (bytes, str)):
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        else:
            path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
        return path

    def add(self, *courses: dict) -> None:
        for document in courses:
            self.write(f"courses/{document['id']}.yaml", document)

    def build(self, *extra: str) -> int:
        return main(["build", "--content", str(self.content), "--out", str(self.out), *extra])

    def public(self) -> dict[str, bytes]:
        base = self.out / "public"
        return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}

    def read(self, relative: str) -> str:
        return (self.out / relative).read_text("utf-8")

    def json(self, relative: str):
        return json.loads(self.read(relative))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid project with settings, two categories, two creators and no courses yet."""
    project = Project(tmp_path / "site")
    project.write("site.yaml", SITE)
    project.write("categories.yaml", CATEGORIES)
    project.write("users.yaml", USERS)
    return project


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "coursegen", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


# The wheel, installed into a fresh environment outside the repository, and a `new site` built there:
# shared by tests/test_packaging.py and the browser checks of tests/e2e/test_installed_site.py.


def run_installed(*args, cwd: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    """Run a command of an installed coursegen (or its venv), which must exit 0."""
    # No PYTHONPATH: the installed package must stand on its own, not lean on this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources, so that no build/ or egg-info lands in the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "coursegen", source / "coursegen", ignore=shutil.ignore_patterns("__pycache__"))
    run_installed(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="session")
def demo(wheel, tmp_path_factory) -> tuple[Path, Path]:
    """A fresh environment with the wheel installed, and a `new site` built there: (environment, site)."""
    work = tmp_path_factory.mktemp("user")
    run_installed(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin = work / "venv" / "bin"
    run_installed(bin / "python", "-m", "pip", "install", "--quiet", wheel, cwd=work)
    run_installed(bin / "coursegen", "new", "site", "demo", cwd=work)
    run_installed(bin / "coursegen", "build", cwd=work / "demo")
    return work / "venv", work / "demo"
