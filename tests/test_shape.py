"""The code's shape: packages by stage, imports one way, no cycle, small modules, light commands.

Every import is counted, the lazy ones inside functions and those under TYPE_CHECKING included:
a cycle that only a lazy import closes is still a cycle a reader has to follow.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

GENERATOR = REPO / "coursegen"
# The stages, from the one that calls everything to the ones everything may ask. A module may import
# from its own stage and from the stages below it, never from one above.
STAGES = ["cli", "commands", "site", "images", "content", "incremental", "output", "leaves"]
LEAVES = {"coursegen", "coursegen.issues", "coursegen.model", "coursegen.privacy",
          "coursegen.urls", "coursegen.parallel", "coursegen.jsontext", "coursegen.schemas",
          "coursegen.words"}
MAX_LINES = 300


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(GENERATOR.rglob("*.py"))}


def stage(module: str) -> str:
    if module in LEAVES:
        return "leaves"
    if module in ("coursegen.cli", "coursegen.__main__"):
        return "cli"
    return module.split(".")[1]


def imports(module: str) -> set[str]:
    """Return the generator modules `module` imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("coursegen")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coursegen"):
            for alias in node.names:  # `from coursegen.site import templating` imports a module
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    found.discard(module)
    return {name for name in found if name in MODULES}


GRAPH = {module: imports(module) for module in MODULES}


def test_every_module_belongs_to_a_stage():
    assert {stage(module) for module in MODULES} <= set(STAGES)
    top_level = {module for module, path in MODULES.items() if path.parent == GENERATOR and path.name != "__init__.py"}
    unplaced = top_level - LEAVES - {"coursegen.cli", "coursegen.__main__"}
    assert not unplaced, f"new top-level modules, in no stage: {sorted(unplaced)}; put them in a stage's package"


def test_imports_go_down_the_stages_never_up():
    upward = [f"{module} ({stage(module)}) imports {target} ({stage(target)})"
              for module, targets in GRAPH.items() for target in sorted(targets)
              if STAGES.index(stage(target)) < STAGES.index(stage(module))]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_no_module_is_over_300_lines():
    long = {module: n for module, path in MODULES.items() if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_the_shape_test_sees_a_cycle_and_an_upward_import():
    """The checks above can fail: a graph with a cycle and an import up the stages is caught."""
    graph = {"coursegen.output.files": {"coursegen.site.pages"}, "coursegen.site.pages": {"coursegen.output.files"}}
    upward = [(m, t) for m, ts in graph.items() for t in ts if STAGES.index(stage(t)) < STAGES.index(stage(m))]
    assert upward == [("coursegen.output.files", "coursegen.site.pages")]
    assert "coursegen.site.templating" in GRAPH["coursegen.site.render"]  # a plain import is seen
    assert "coursegen.commands.write" in GRAPH["coursegen.commands.build"]  # and a lazy one, inside a function


@pytest.mark.parametrize("command", ["check", "build"])
def test_check_and_an_up_to_date_build_never_import_pillow_jinja2_or_babel(project, command):
    """`check` and a build with nothing to do are what editors and CI run most: they stay light.

    Babel (CLDR's data) too: an up-to-date build never loads it, even with prices to format; `check`
    loads it only for a course that names a language or has prices, which it must then validate.
    """
    from tests.conftest import course

    learner_facts = {"language": "de", "paywalls": [{"name": "All", "payment_prices": [
        {"unit_amount": 900, "currency": "EUR", "recurring_interval": "month"}]}]} if command == "build" else {}
    project.add(course(1, "One", image_original="images/a.png", **learner_facts),
                course(2, "Two", privacy="secret", image_original="images/b.png"))
    from PIL import Image

    for name in ("a", "b"):
        (project.content / "images").mkdir(exist_ok=True)
        Image.new("RGB", (1100, 1100), (10, 20, 30)).save(project.content / "images" / f"{name}.png")
    for path in project.content.rglob("*"):  # older than the racy window, in which a file is never trusted
        os.utime(path, (time.time() - 60, time.time() - 60))
    assert project.build("--quiet") == 0  # learns every image, the secret course's too
    script = textwrap.dedent(f"""
        import contextlib, io, sys
        from coursegen.cli import main
        args = [{command!r}, "--content", {str(project.content)!r}]
        if {command!r} == "build":
            args += ["--out", {str(project.out)!r}]
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            status = main(args)
        assert status == 0, status
        if {command!r} == "build":
            assert "up to date" in printed.getvalue(), printed.getvalue()
        heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("PIL", "jinja2", "cmarkgfm", "nh3", "babel"))
        print(heavy)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=project.root,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
