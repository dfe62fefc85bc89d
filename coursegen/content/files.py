"""Find the content files, read them safely and parse their YAML; locate any value by line."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from coursegen.content import safe_yaml
from coursegen.issues import Issue

MAX_FILE_BYTES = 2 * 1024 * 1024  # a course file is text; anything bigger is a mistake or an attack


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed content file: where it is and the plain data it holds."""

    path: str  # on disk
    display: str  # as shown to users: the --content path joined with the relative path
    source: str  # relative to the content directory, with forward slashes (stable across machines)
    data: object
    description_key: str = ""  # a valid course file's Markdown description, kept as its digest (loading.py)


def discover_courses(content_dir: Path, files: Mapping[str, object] | None = None) -> tuple[list[str], list[Issue]]:
    """Return every course file under content/courses/, sorted for a stable order, and what stops discovery.

    Hidden files and files in hidden folders (`.trash/`, `.git/`) are not content. A folder that
    cannot be listed and a link to a folder are errors: the courses they hold would be missed
    (links to folders are never followed; a link to a file inside the content is read).
    `files`, when given, is the tree signature of content_dir (cache.tree_signature, path ->
    stat key) that the build has taken already; else the courses folder is listed here.
    """
    from coursegen.incremental.keys import LINKED_FOLDER, tree_signature
    courses = str(content_dir / "courses")
    shown = printable(courses.replace(os.sep, "/"))
    if os.path.islink(courses):
        return [], [Issue(shown, 0, 0, "", _LINKED_FOLDER)]
    if not os.path.isdir(courses):
        if os.path.exists(courses):
            return [], [Issue(shown, 0, 0, "", "is a file: course files go in a folder named courses/")]
        return [], [Issue(shown, 0, 0, "", "there is no courses/ folder, so the catalog has no courses",
                          severity="warning")]
    if files is None:
        files = dict(tree_signature(Path(courses)))
        prefix = courses + os.sep
    else:
        prefix = os.path.join(str(content_dir), "courses") + os.sep  # "./courses/" for ".", where courses is "courses"
    found, issues = [], []  # path parts below courses/: sorted as Path objects sort
    for path, key in files.items():
        if not path.startswith(prefix):
            continue
        below = path[len(prefix):].split(os.sep)
        if any(part.startswith(".") for part in below):
            continue
        if path.endswith(os.sep):
            shown = printable(path.rstrip(os.sep).replace(os.sep, "/"))
            issues.append(Issue(shown, 0, 0, "", _LINKED_FOLDER if key == LINKED_FOLDER else _UNREADABLE_FOLDER))
        elif path.endswith((".yaml", ".yml")):
            found.append(below)
        elif path.lower().endswith((".yaml", ".yml")):
            issues.append(Issue(printable(path.replace(os.sep, "/")), 0, 0, "",
                                "is not read: course files end in .yaml or .yml, in lower case", severity="warning"))
    return [os.path.join(courses, *below) for below in sorted(found)], issues


_UNREADABLE_FOLDER = ("this folder cannot be read, so its course files cannot be checked; "
                      "make it readable (or move it out of courses/)")
_LINKED_FOLDER = ("is a link to a folder, which is not followed (it could lead outside the content, or back to "
                  "itself): move the course files into a real folder under courses/")


def printable(name: str) -> str:
    """Return a file name as it can be shown: bytes that are not UTF-8 as \\xff, control characters escaped.

    A name is shown in terminals and CI annotations: a newline or an escape sequence in it must
    not forge a line of its own or repaint the screen.
    """
    if name.isprintable():
        return name
    shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in shown)


def content_names(content_dir: Path, path: str) -> tuple[str, str]:
    """Return how users see a content file (from the --content path) and its path relative to content_dir."""
    root, full = content_dir.as_posix().rstrip("/") + "/", path.replace(os.sep, "/")
    if full.startswith(root):  # as discover_courses gives them: no pathlib arithmetic, 10,000 times a build
        return printable(full), full[len(root):]
    relative = Path(path).relative_to(content_dir).as_posix()
    return printable((content_dir / relative).as_posix()), relative


def read_ahead(paths: Iterable[str]) -> None:
    """Ask the kernel to start reading each of these files now, all at once, before they are read one by one.

    Files that are not in the page cache are read from the disk one after another otherwise, each
    waiting for the last: 90 µs a course file here, against 13 µs when the reads are asked for
    256 at a time (4,000 files of the 10,000-course catalog, caches dropped). Links and special
    files are skipped (load_document reports them); a file already cached costs an open.
    """
    advise = getattr(os, "posix_fadvise", None)  # not on macOS: files are read as they come
    if advise is None:
        return
    for path in paths:
        try:
            handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            advise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(handle)


def load_document(content_dir: Path, path: str | os.PathLike) -> Document | Issue:
    """Read and parse one YAML file; return the document or the issue that stops it."""
    path = os.fspath(path)
    display, source = content_names(content_dir, path)
    problem = _check_file(content_dir, path, source)
    if problem:
        return Issue(display, 0, 0, "", problem)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        return Issue(display, 0, 0, "", f"cannot be read: {error.strerror or error}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Issue(display, line, 0, "",
                     f"file is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; save it as UTF-8")
    try:
        data = safe_yaml.parse(text)
    except safe_yaml.YamlProblem as problem:
        return Issue(display, problem.line, problem.column, "", f"invalid YAML: {problem.message}")
    except yaml.MarkedYAMLError as exc:
        return _yaml_issue(display, exc)
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        line, column = _position(text, getattr(exc, "position", 0))
        return Issue(display, line, column, "", f"invalid YAML: {_reader_problem(exc)}")
    return Document(path, display, source, data)


def _check_file(content_dir: Path, path: str, source: str) -> str:
    if not source.isprintable():  # rare: the cheap test first
        try:
            source.encode("utf-8")
        except UnicodeEncodeError:
            return "the file name is not UTF-8, so no feed or manifest can name it; rename the file"
    try:
        status = os.lstat(path)
    except OSError:
        return "cannot be read: broken link or missing file"
    folders = source.split("/")[:-1]
    linked = stat.S_ISLNK(status.st_mode) or any(
        _is_link(os.path.join(content_dir, *folders[:depth])) for depth in range(1, len(folders) + 1))
    if linked:  # only links can lead outside; resolving every plain file would cost a system call per folder
        try:
            real = Path(path).resolve(strict=True)
        except (OSError, RuntimeError):
            return "cannot be read: broken link or missing file"
        if not real.is_relative_to(content_dir.resolve()):
            return "is a link to a file outside the content directory; content files must live inside it"
        status = real.stat()
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file"
    if status.st_size > MAX_FILE_BYTES:
        return f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a content file should be far smaller"
    return ""


@functools.lru_cache(maxsize=1024)
def _is_link(folder: str) -> bool:
    """Return True when a content folder is a symbolic link: asked once per folder and scan, not once per file."""
    return os.path.islink(folder)


def new_scan() -> None:
    """Forget what _is_link learnt: a folder may have become a link since the last build (`serve`)."""
    _is_link.cache_clear()


def _yaml_issue(display: str, exc: yaml.MarkedYAMLError) -> Issue:
    mark = exc.problem_mark or exc.context_mark
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "invalid YAML: " + "; ".join(parts)
    if mark is None:
        return Issue(display, 0, 0, "", message)
    return Issue(display, mark.line + 1, mark.column + 1, "", message)


def _reader_problem(exc: yaml.YAMLError) -> str:
    character = getattr(exc, "character", None)
    if isinstance(character, str):
        return f"control character U+{ord(character):04X} is not allowed; remove it"
    return str(exc).splitlines()[0]


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def locate(path: str | os.PathLike, keys: tuple, *, at_key: bool = False) -> tuple[int, int]:
    """Return the 1-based line and column of the value at `keys` in a YAML file.

    Errors are rare, so the file is composed again here rather than keeping marks for
    every value of every course: the common, valid path stays fast and small.
    With `at_key`, point at the key of the last step instead of its value.
    """
    node = _composed(os.fspath(path))
    if node is None:
        return 1, 1
    found = node
    for index, key in enumerate(keys):
        last = index == len(keys) - 1
        if isinstance(found, yaml.MappingNode):
            match = _entries(found).get(str(key))
            if match is None:
                break
            found = match[0] if (last and at_key) else match[1]
        elif isinstance(found, yaml.SequenceNode) and isinstance(key, int) and key < len(found.value):
            found = found.value[key]
        else:
            break
    return found.start_mark.line + 1, found.start_mark.column + 1


def _composed(path: str) -> yaml.Node | None:
    """Return the node tree of a file, composed once for all the errors located in it.

    A file with 100,000 unknown keys has 100,000 errors: composing it again for each, and
    looking each key up in a list of 100,000, took hours (the run looked hung).
    """
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _tree(path, (status.st_mtime_ns, status.st_size, status.st_ino))


@functools.lru_cache(maxsize=2)
def _tree(path: str, stat_key: tuple) -> yaml.Node | None:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return safe_yaml.compose(handle.read())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _entries(mapping: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Return a mapping node's (key node, value node) by key text, the first of each key; kept on the node."""
    entries = getattr(mapping, "_coursegen_entries", None)
    if entries is None:
        entries = {}
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode):
                entries.setdefault(key_node.value, (key_node, value_node))
        mapping._coursegen_entries = entries
    return entries
