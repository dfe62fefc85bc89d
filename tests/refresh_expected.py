"""Regenerate what the tests expect: tests/cases/invalid/expected.txt from what `coursegen check` reports
now, and the golden output trees in tests/output/ (tests/golden.py).

    python -m tests.refresh_expected

Review the diff line by line before committing: each line is a promise to users.
"""

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

from coursegen.cli import main
from tests import golden
from tests.content import test_brand_rules
from tests.conftest import CATEGORIES, SITE, USERS, Project, course

CASES = Path(__file__).parent / "cases" / "invalid"


def report(case: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp) / "site")
        project.write("site.yaml", SITE)
        project.write("categories.yaml", CATEGORIES)
        project.write("users.yaml", USERS)
        project.add(course(1, "Base Course"))
        shutil.copy(case, project.content / "courses" / case.name)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--content", str(project.content)])
        prefix = f"{project.content.as_posix()}/courses/{case.name}:"
        return [line.removeprefix(prefix).replace(project.content.as_posix(), "CONTENT")
                for line in err.getvalue().splitlines() if line.startswith(prefix)]


def main_refresh() -> None:
    lines = []
    for case in sorted(CASES.glob("*.yaml")):
        lines += [f"== {case.name}", *report(case), ""]
    (CASES / "expected.txt").write_text("\n".join(lines), "utf-8")
    test_brand_rules.refresh()  # the site.yaml cases in cases/invalid/site/
    golden.refresh()


if __name__ == "__main__":
    main_refresh()
