"""Find the content files, read them safely and parse their YAML; locate any value by line."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.issues import Issue

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10x faster
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_FILE_BYTES = 2 * 1024 * 1024  # a course file is text; anything bigger is a mistake or an attack


class PlainLoader(_BaseLoader):
    """Safe YAML loader that keeps dates as strings and refuses duplicate keys."""

    # Dates stay strings: the schema checks created_at as RFC 3339, which YAML's own
    # timestamp type would silently accept without a timezone.
    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # a list or mapping as a key: the base constructor refuses it as unhashable
            key = key_node.value
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    f"while reading the mapping that starts on line {node.start_mark.line + 1}", None,
                    f"duplicate key '{key}' (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


class ContentLoader(PlainLoader):
    """PlainLoader that also refuses aliases: used whenever a file could define an anchor."""

    def construct_object(self, node, deep=False):
        # A node seen twice is an alias (*name). Refusing aliases outright stops
        # "billion laughs" expansion bombs and keeps every value at one place in the file.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in content files", node.start_mark)
        return super().construct_object(node, deep)


class _NotPlain(Exception):
    """A node that FastLoader leaves to PyYAML's own constructor."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SCALARS = {  # the other tags YAML resolves implicitly in a safe load, with PyYAML's constructor for each
    "tag:yaml.org,2002:int": PlainLoader.construct_yaml_int,
    "tag:yaml.org,2002:float": PlainLoader.construct_yaml_float,
    "tag:yaml.org,2002:bool": PlainLoader.construct_yaml_bool,
    "tag:yaml.org,2002:null": PlainLoader.construct_yaml_null,
}


class FastLoader(PlainLoader):
    """PlainLoader for a file with no anchors, building values straight from the node tree.

    PyYAML's constructor makes several Python calls per node, 40% of loading a course file.
    Strings, mappings and lists are built here directly and the other scalars by PyYAML's own
    constructor methods; anything else (a merge key, an explicit tag, a duplicate key) goes
    through the full constructor, so every value and every error is exactly PyYAML's.
    """

    def construct_document(self, node):
        try:
            return self._plain(node)
        except _NotPlain:
            return super().construct_document(node)

    def _plain(self, node):
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value
            if tag in _SCALARS:
                return _SCALARS[tag](self, node)
        elif isinstance(node, yaml.MappingNode) and tag == _MAP:
            mapping = {}
            for key_node, value_node in node.value:
                key = self._plain(key_node)
                if not isinstance(key, (str, int, float, bool)) or key in mapping:  # merge keys are not scalars here
                    raise _NotPlain
                mapping[key] = self._plain(value_node)
            return mapping
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            return [self._plain(item) for item in node.value]
        raise _NotPlain


def loader_for(text: str) -> type:
    """Return the loader for a file: an alias needs an anchor (&name), so without "&" none can occur."""
    return ContentLoader if "&" in text else FastLoader


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed content file: where it is and the plain data it holds."""

    path: str  # on disk
    display: str  # as shown to users: the --content path joined with the relative path
    source: str  # relative to the content directory, with forward slashes (stable across machines)
    data: object
    description_key: str = ""  # a valid course file's Markdown description, kept as its digest (loading.py)


def discover_courses(content_dir: Path, files: Iterable[str] | None = None) -> list[str]:
    """Return every course file under content/courses/, sorted for a stable order.

    `files`, when given, are the paths of every file under content_dir as os.walk(content_dir)
    names them (the build's input signature has listed them already): they are not listed again.
    """
    courses = str(content_dir / "courses")
    if files is None:
        files = (os.path.join(folder, name) for folder, _, names in os.walk(courses) for name in names)
        prefix = courses + os.sep
    else:
        prefix = os.path.join(str(content_dir), "courses") + os.sep  # "./courses/" for ".", where courses is "courses"
    found = []  # path parts below courses/: sorted as Path objects sort
    for path in files:
        if path.startswith(prefix) and path.endswith((".yaml", ".yml")):
            below = path[len(prefix):].split(os.sep)
            if not below[-1].startswith("."):
                found.append(below)
    return [os.path.join(courses, *below) for below in sorted(found)]


def content_names(content_dir: Path, path: str) -> tuple[str, str]:
    """Return how users see a content file (from the --content path) and its path relative to content_dir."""
    root, full = content_dir.as_posix().rstrip("/") + "/", path.replace(os.sep, "/")
    if full.startswith(root):  # as discover_courses gives them: no pathlib arithmetic, 10,000 times a build
        return full, full[len(root):]
    relative = Path(path).relative_to(content_dir).as_posix()
    return (content_dir / relative).as_posix(), relative


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
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Issue(display, line, 0, "",
                     f"file is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded; save it as UTF-8")
    try:
        data = yaml.load(text, Loader=loader_for(text))
    except yaml.MarkedYAMLError as exc:
        return _yaml_issue(display, exc)
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not allow
        line, column = _position(text, getattr(exc, "position", 0))
        return Issue(display, line, column, "", f"invalid YAML: {_reader_problem(exc)}")
    return Document(path, display, source, data)


def _check_file(content_dir: Path, path: str, source: str) -> str:
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
    try:
        with open(path, encoding="utf-8-sig") as handle:
            node = yaml.compose(handle.read(), Loader=ContentLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1, 1
    if node is None:
        return 1, 1
    found = node
    for index, key in enumerate(keys):
        last = index == len(keys) - 1
        if isinstance(found, yaml.MappingNode):
            match = next(((k, v) for k, v in found.value if k.value == str(key)), None)
            if match is None:
                break
            found = match[0] if (last and at_key) else match[1]
        elif isinstance(found, yaml.SequenceNode) and isinstance(key, int) and key < len(found.value):
            found = found.value[key]
        else:
            break
    return found.start_mark.line + 1, found.start_mark.column + 1
