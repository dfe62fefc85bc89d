"""Print the generator's modules, package by package, each with the first line of its docstring.

    python scripts/module_map.py

docs/developer-guide.md shows this output (scripts/refresh_docs.py keeps it current), so the
map of the code is never older than the code: a module moved, added or renamed shows up there
once the docs are refreshed, and tests/test_docs.py fails until they are.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "coursegen"


def summary(path: Path) -> str:
    """Return the first line of a module's docstring, or "" without one."""
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
    return docstring.strip().splitlines()[0] if docstring.strip() else ""


def lines(root: Path = ROOT) -> list[str]:
    """Return the map: leaf modules first, then each package with its modules."""
    out = ["coursegen/"]
    modules = sorted(p for p in root.glob("*.py") if p.name != "__init__.py")
    packages = sorted(p for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    width = max(len(p.name) for p in [*modules, *(m for pkg in packages for m in pkg.glob("*.py"))]) + 2
    for module in modules:
        out.append(f"  {module.name:<{width + 2}}{summary(module)}")
    for package in packages:
        out.append(f"  {package.name}/" + (f"{'':<{width - len(package.name) + 1}}{summary(package / '__init__.py')}"
                                           if summary(package / "__init__.py") else ""))
        for module in sorted(package.glob("*.py")):
            if module.name != "__init__.py":
                out.append(f"    {module.name:<{width}}{summary(module)}")
    return out


if __name__ == "__main__":
    sys.stdout.write("\n".join(lines()) + "\n")
