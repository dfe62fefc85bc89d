"""The example CI workflow: valid YAML, the steps the README promises, commands coursegen accepts."""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest
import yaml

from coursegen.cli import _parser
from tests.conftest import REPO

WORKFLOW = REPO / "examples/ci/coursegen.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def scripts(workflow: dict) -> list[str]:
    return [step["run"] for step in workflow["jobs"]["catalog"]["steps"] if "run" in step]


def test_runs_on_pull_requests_with_the_promised_steps(workflow):
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as a boolean
    steps = workflow["jobs"]["catalog"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"] and "actions/upload-artifact" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "output/public"  # never restricted/
    text = "\n".join(scripts(workflow))
    assert "pip install" in text and "--format github" in text and "--preview --base-url" in text
    assert '>> "$GITHUB_STEP_SUMMARY"' in text


def test_every_coursegen_command_parses(workflow):
    commands = []
    for script in scripts(workflow):
        for line in script.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("if ").split(";")[0].split(">")[0]
            if line.startswith("coursegen "):
                commands.append(shlex.split(line)[1:])
    assert {c[0] for c in commands} == {"check", "build", "diff"}
    for command in commands:
        _parser().parse_args(command)  # exits with status 2 on an unknown flag


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_every_script_is_valid_bash(workflow):
    for script in scripts(workflow):
        result = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=10)
        assert result.returncode == 0, result.stderr
