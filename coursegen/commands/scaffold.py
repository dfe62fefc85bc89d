"""`coursegen new site`: a complete project that builds as it is, from the files shipped in coursegen/scaffold/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from coursegen import __version__
from coursegen.issues import UsageError

# Where a project keeps the JSON Schemas its YAML files name on their first line
# (`# yaml-language-server: $schema=...`). A path relative to the file works offline in VS Code's
# YAML extension, and the schemas' $id URLs are names, not addresses: nothing is served there.
SCHEMA_FOLDER = ".coursegen/schemas"
EDITOR_SCHEMAS = ("site", "course", "categories", "users")  # the files an editor writes by hand

# Wheels and sdists drop or hide dot-files easily; the scaffold ships them as dot-NAME.
_DOT = "dot-"


def modeline(schema: str, depth: int) -> str:
    """Return the first line of a YAML file `depth` folders below the project, naming its schema."""
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_FOLDER}/{schema}.schema.json"


def site_files() -> dict[str, bytes]:
    """Return every file of a new project, by its path relative to the project folder."""
    files: dict[str, bytes] = {}
    root = resources.files("coursegen") / "scaffold"
    for path, data in _walk(root, ""):
        files[path] = data.replace(b"@VERSION@", __version__.encode("ascii"))
    schemas = resources.files("coursegen") / "schemas"
    for name in EDITOR_SCHEMAS:
        files[f"{SCHEMA_FOLDER}/{name}.schema.json"] = schemas.joinpath(f"{name}.schema.json").read_bytes()
    return dict(sorted(files.items()))


def _walk(folder, prefix: str):
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = "." + entry.name.removeprefix(_DOT) if entry.name.startswith(_DOT) else entry.name
        if entry.is_dir():
            yield from _walk(entry, f"{prefix}{name}/")
        else:
            yield f"{prefix}{name}", entry.read_bytes()


def write_site(folder: Path, files: dict[str, bytes]) -> None:
    """Write a new project into `folder`, which must be empty or not exist yet."""
    if folder.is_symlink() and not folder.exists():
        raise UsageError(f"{folder.as_posix()} is a link to a folder that does not exist: give another folder")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder.as_posix()} is a file, not a folder: give a new or empty folder for the site")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"{folder.as_posix()} is not empty: a new site goes into a new or empty folder, "
                         f"so that no file of yours is overwritten")
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:
            handle.write(data)
