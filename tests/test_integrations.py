"""The CI integrations a catalog repository uses: the pre-commit hook (run with `pre-commit try-repo`
in a throwaway git repository holding a `new site` project), and the workflows and action.yml as
actionlint reads them (the scaffold's, examples/ci/'s, and a workflow that uses every input of the action).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursegen.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """Return the test extra's executable: beside this Python, else on PATH."""
    found = BIN / name if (BIN / name).is_file() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return str(found)


def git_repository(folder: Path) -> Path:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "site"]):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return folder


def new_site(folder: Path) -> Path:
    assert main(["new", "site", str(folder)]) == 0
    return folder


def actionlint(folder: Path, *files: str) -> subprocess.CompletedProcess:
    # -color off and no shellcheck/pyflakes lookups: the same report on every machine.
    result = subprocess.run([tool("actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", *files], cwd=folder,
                            capture_output=True, text=True, timeout=60)
    print(f"$ actionlint {' '.join(files)}  (in {folder.name})\n{result.stdout}{result.stderr}exit {result.returncode}")
    return result


def pre_commit_try_repo(site: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {"PRE_COMMIT_HOME": str(home), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_COLOR": "1"}
    result = subprocess.run([tool("pre-commit"), "try-repo", str(REPO), "coursegen-check", "--all-files",
                             "--color", "never"], cwd=site, env=env, capture_output=True, text=True, timeout=300)
    print(f"$ pre-commit try-repo {REPO.name} coursegen-check --all-files\n{result.stdout}{result.stderr}"
          f"exit {result.returncode}")
    return result


def test_pre_commit_hook_checks_a_new_site_and_stops_a_broken_course(tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [hook["id"] for hook in hooks] == ["coursegen-check"]
    site = git_repository(new_site(tmp_path / "site"))
    passed = pre_commit_try_repo(site, tmp_path / "pre-commit")
    assert passed.returncode == 0 and "coursegen check" in passed.stdout and "Passed" in passed.stdout
    course = site / "content/courses/python-first-steps.yaml"
    course.write_text(course.read_text("utf-8").replace("created_by: ada ", "created_by: adaa"), "utf-8")
    failed = pre_commit_try_repo(site, tmp_path / "pre-commit")
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert "content/courses/python-first-steps.yaml:8:13: error: created_by: unknown username 'adaa'" in failed.stdout


def test_the_new_site_workflows_have_no_problem(tmp_path):
    site = git_repository(new_site(tmp_path / "site"))
    result = actionlint(site)
    assert (result.returncode, result.stdout) == (0, "")
    assert sorted(p.name for p in (site / ".github/workflows").iterdir()) == ["deploy.yml", "pull-request.yml"]


def test_the_example_workflows_have_no_problem():
    examples = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "examples/ci").glob("*.yml"))
    assert examples
    result = actionlint(REPO, *examples)
    assert (result.returncode, result.stdout) == (0, "")


def usage(inputs: dict[str, str]) -> str:
    """Return a workflow that runs the action at the repository's root and deploys what it built."""
    return yaml.safe_dump({
        "name": "site", "on": {"push": {"branches": ["main"]}},
        "jobs": {"site": {"runs-on": "ubuntu-latest", "steps": [
            {"uses": "actions/checkout@v4"},
            {"id": "coursegen", "uses": "./", "with": inputs},
            {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "${{ steps.coursegen.outputs.public }}"}},
        ]}}}, sort_keys=False)


def test_the_action_is_used_with_its_inputs_and_output(tmp_path):
    action = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"content", "base-url", "preview", "output", "python-version"}
    assert "public" in action["outputs"]
    repository = tmp_path / "catalog"
    (repository / ".github/workflows").mkdir(parents=True)
    shutil.copy2(REPO / "action.yml", repository / "action.yml")
    every_input = {"content": "content", "base-url": "https://example.org/", "preview": "true", "output": "output",
                   "python-version": "3.12"}
    (repository / ".github/workflows/site.yml").write_text(usage(every_input), "utf-8")
    git_repository(repository)
    result = actionlint(repository)
    assert (result.returncode, result.stdout) == (0, "")
    # actionlint reads action.yml: an input it does not declare is reported.
    (repository / ".github/workflows/site.yml").write_text(usage({**every_input, "colour": "blue"}), "utf-8")
    result = actionlint(repository)
    assert result.returncode == 1 and 'input "colour" is not defined in action "coursegen"' in result.stdout
