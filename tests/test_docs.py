"""The docs tell the truth: every command output they show is what a run prints now, every relative link
leads somewhere, and the README stays short enough to read on a screen or two.

A failure names the file and the command; `python scripts/refresh_docs.py` rewrites the stale
blocks (read the diff: a changed output may be a changed promise).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README_LIMIT = 150


def _script():
    spec = importlib.util.spec_from_file_location("refresh_docs", REPO / "scripts" / "refresh_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


refresh_docs = _script()
FILES = refresh_docs.markdown_files()


def test_the_docs_show_generated_output():
    blocks = [block for path in FILES for block in refresh_docs.find_blocks(path)]
    assert len(blocks) >= 5, "the docs should show real runs of build, check, new, serve and diff"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(REPO).as_posix())
def test_every_shown_output_is_what_a_run_prints(path):
    stale = refresh_docs.refresh([path], check=True)
    assert not stale, "\n".join(stale) + "\nrun `python scripts/refresh_docs.py` and read the diff"


def test_every_relative_link_leads_to_a_file_or_heading():
    assert FILES, "no Markdown files found"
    assert refresh_docs.broken_links(FILES) == []


def test_the_readme_is_short():
    lines = (REPO / "README.md").read_text("utf-8").count("\n")
    assert lines < README_LIMIT, f"README.md has {lines} lines: move detail to docs/ (the limit is {README_LIMIT})"


def test_a_stale_block_is_found_and_named(tmp_path):
    page = tmp_path / "stale.md"
    page.write_text("<!-- run: coursegen check --content tests/catalogs/tiny/content -->\n```\n$ old output\n```\n",
                    "utf-8")
    stale = refresh_docs.refresh([page], check=True)
    assert page.read_text("utf-8").endswith("$ old output\n```\n"), "check mode must change nothing"
    assert len(stale) == 1 and "coursegen check --content tests/catalogs/tiny/content" in stale[0]
    assert str(page) in stale[0]
    assert refresh_docs.refresh([page], check=False) == stale
    assert refresh_docs.refresh([page], check=True) == [], "a refreshed block is up to date"
    assert "$ coursegen check --content tests/catalogs/tiny/content\ntests/catalogs/tiny/content: no problems" \
        in page.read_text("utf-8")


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "links.md"
    page.write_text("# Here\n\n[ok](#here) [gone](no-such-file.md) [heading](#nowhere) [web](https://x.test/)\n"
                    "`[code](not-a-link.md)`\n", "utf-8")
    problems = refresh_docs.broken_links([page])
    assert len(problems) == 2
    assert "no-such-file.md" in problems[0] and "#nowhere" in problems[1]
