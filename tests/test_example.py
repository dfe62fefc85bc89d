"""The example catalog shipped in content/ checks clean, builds, and covers what it promises."""

from __future__ import annotations

import json
from collections import Counter

import yaml

from coursegen.cli import main
from tests.conftest import REPO

CONTENT = REPO / "content"


def courses() -> list[dict]:
    return [yaml.safe_load(p.read_text("utf-8")) for p in sorted((CONTENT / "courses").glob("*.yaml"))]


def test_example_checks_clean(capsys):
    assert main(["check", "--content", str(CONTENT)]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_example_covers_every_type_privacy_and_reference_form():
    documents = courses()
    assert len(documents) >= 12
    assert set(Counter(d["type"] for d in documents)) == {"self-paced", "structured", "scheduled"}
    assert {d.get("privacy", "") for d in documents} == {"", "open", "private", "secret"}
    assert any(d.get("deleted") for d in documents)
    assert any(isinstance(d["created_by"], dict) for d in documents)
    assert any(isinstance(d["created_by"], str) for d in documents)
    assert any(any(isinstance(c, dict) for c in d.get("categories", [])) for d in documents)
    assert any("slug" not in d for d in documents)
    assert sum(any(ord(ch) > 127 for ch in d["name"]) for d in documents) >= 3


def test_example_builds_and_hides_its_secret_courses(tmp_path):
    out = tmp_path / "output"
    assert main(["build", "--quiet", "--content", str(CONTENT), "--out", str(out)]) == 0
    public = out / "public"
    assert (public / "courses/cafe-creme-french-for-food-lovers/index.html").is_file()  # generated slug
    secret_names = [d["name"] for d in courses() if d.get("privacy") == "secret"]
    for path in public.rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            for name in secret_names + ["Nightjar", "BSP-26-03", "board-strategy", "Board Strategy"]:
                assert name not in text, (name, path)
    secret = json.loads((out / "restricted/feeds/secret.json").read_text("utf-8"))
    assert sorted(item["name"] for item in secret["results"]) == sorted(secret_names)
