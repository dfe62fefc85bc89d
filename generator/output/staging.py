"""The one chokepoint for output: collisions, safe paths, the manifest and the atomic swap."""

from __future__ import annotations

import ctypes
import fcntl
import functools
import hashlib
import itertools
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import orjson

from generator import __version__, schemas

from generator.output import record as outputrecord
from generator.issues import CoursegenError, UsageError
from generator.model import Catalog

MANIFEST = "restricted/manifest.json"


class ManifestProblem(CoursegenError):
    """Raised while a manifest is read when it, or a section of it, is not of a coursegen manifest's shape."""


def write_file(root: Path | str, path: str, content: bytes, present: str | None = None) -> str:
    """Write one output file under root unless `present` says it already holds these bytes; return the sha256.

    A file is always replaced (written beside, then renamed), never rewritten in place: the same
    inode may also be a file of the live output, through a hard link.
    """
    sha = hashlib.sha256(content).hexdigest()
    if sha == present:
        return sha
    target = os.path.join(root, path)
    if present is None and _create(target, content):
        return sha
    _replace(target, (content,))
    return sha


def _write_streamed(root: Path, path: str, pieces: Iterable[bytes]) -> str:
    """Write one output file from pieces made as it is written, hashing them on the way; return its sha256.

    For the manifest, which is never held whole; Staging.write_pieces takes pieces already made.
    """
    digest = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for piece in pieces:
            digest.update(piece)
            yield piece

    _replace(os.path.join(root, path), hashed())
    return digest.hexdigest()


def _replace(target: str, pieces: Iterable[bytes]) -> None:
    """Write a file beside `target`, then rename it there: never into an inode a hard link may share."""
    temporary = target + ".coursegen-tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(temporary, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
        os.replace(temporary, target)
    except OSError as error:
        raise _naming(error, target) from None


def _create(target: str, content: bytes) -> bool:
    """Write a file that must not exist yet, with as few system calls as can be; False if it exists.

    A cold build writes thousands of new files, and on a slow disk each system call counts:
    one mkdir (usually of the file's own new folder) and one exclusive create, nothing else.
    Exclusive creation never writes into an existing inode, so the hard-link rule above holds.
    """
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    try:
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:
        return False
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(handle, view):]
    except OSError as error:  # a full disk, say: write() does not say which file
        raise _naming(error, target) from None
    finally:
        os.close(handle)
    return True


def _naming(error: OSError, target: str) -> OSError:
    """Return the error with the file it concerns, for the one line the command prints."""
    if error.filename is None:
        error.filename = target
    return error


class Staging:
    """The next output, prepared beside `out` and put in its place with one atomic exchange.

    Output is double-buffered: the build before last stays beside `out` as a spare copy
    (`.output.spare`), and the next build updates that copy (writing only the files whose bytes
    differ) before exchanging it with the live output, which becomes the new spare. A rebuild so
    costs what changed, the live output is never touched before the exchange, and a failed
    build leaves it as it was. The price is a second copy of the output on disk.

    Every output file passes through here: paths are checked, two outputs mapping to one path
    are refused, and each file's sha256 and source are recorded for the manifest.
    """

    _begun = False
    unsaved: OSError | None = None  # why the copies' records could not be saved after the swap, if they could not

    def __init__(self, out: Path, records: Path, *, trust: bool = True):
        """Lock `out` for this build, so that neither it nor its spare copy changes under it.

        `records` is where each copy's record is kept (outputrecord); without `trust` (--no-cache)
        neither copy is trusted, and the build makes everything afresh.
        """
        self.out = real_output(out)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.out)
        remove_stale_staging(self.out)
        self.spare = self.out.parent / f".{self.out.name}.spare"
        self.records, self.trust = records, trust
        self.root: Path | None = None  # where this build's tree is made: the spare, or a new folder
        self.previous: dict[str, str] = {}  # path -> sha256 of the live output's files
        self.present: dict[str, str] = {}  # path -> sha256 of what root holds, as its record vouches
        self.files: dict[str, tuple[str, str]] = {}  # path -> (sha256, source)
        self.live: outputrecord.Record | None = None  # the live copy's record, asked before a file is reused
        self.linked: list[str] = []  # live files this build linked into its tree
        self.spare_record: outputrecord.Record | None = None  # what the spare held, when the tree is made in it
        self.removed: set[str] = set()  # what the build removed from the spare
        self.shared: set[str] = set()  # live files, as recorded, whose inode the spare's replaced name shared

    def adopt_spare(self, previous: dict[str, str]) -> None:
        """Learn what the live output (`previous`, from its manifest) and the spare hold, and trust what is intact.

        A spare whose record shows damage has it mended now: files added by hand are removed,
        changed files are no longer taken as present. Beyond that, until the first path is
        claimed, the spare stays a known copy: a build that fails its checks leaves it as it
        was, for the next build to update.
        """
        self.previous = previous
        if self.trust:
            self.live = outputrecord.Record.load(self.out, self.records)
        if self.live is not None and not self.live.intact(MANIFEST):
            self.live = None  # its manifest was edited: the shas it gives vouch for no file
        record = outputrecord.Record.load(self.spare, self.records) if self.trust else None
        spare = record.check() if record is not None else outputrecord.UNTRUSTED
        sections = None
        if spare.trusted and MANIFEST not in spare.changed:
            try:
                sections = read_manifest_sections(self.spare / MANIFEST, {"files": self._same_objects_as_previous})
            except ManifestProblem:  # its paths name what is removed from it: taken from nothing else
                sections = None
        present = (sections or {}).get("files")
        if present is not None:
            self.root, self.present, self.spare_record = self.spare, present, record
            for path in (*spare.changed, *spare.strays):
                present.pop(path, None)
                remove_entry(self.spare / path)
                self.removed.add(path)
            return
        remove_entry(self.spare)  # unknown content: start from nothing
        root = tempfile.mkdtemp(prefix=f".{self.out.name}.building-", dir=self.out.parent)
        try:
            self.root = Path(root)  # known at once, so that discard() removes it whenever Ctrl-C comes
            os.chmod(root, 0o755)  # mkdtemp makes it private; a web server must be able to read the site
        except BaseException:  # Ctrl-C in this very moment: leave no folder behind
            shutil.rmtree(root, ignore_errors=True)
            raise

    def _same_objects_as_previous(self, files: object) -> dict[str, str] | None:
        """Return the spare's path -> sha256, sharing the live map's strings wherever the two agree.

        The spare is the build before last, so the two maps are mostly the same: shared, the
        second costs little more than its table (at 100,000 courses, 4 MB instead of 40).
        """
        check_manifest_section("files", files)
        shas = file_shas(files)
        if shas is None:
            return None
        present = {path: sha for path, sha in self.previous.items() if shas.get(path) == sha}
        present.update((path, sha) for path, sha in shas.items() if path not in present)
        return present

    def _begin(self) -> None:
        """Mark the spare as being changed: if this build dies from here on, its content is unknown."""
        self._begun = True
        if self.root == self.spare:
            (self.spare / MANIFEST).unlink(missing_ok=True)

    def claim(self, path: str, source: str) -> None:
        """Reserve a path for one output; a second claim on it is an error, never an overwrite."""
        _check_path(path)
        if not self._begun:
            self._begin()
        if path in self.files:
            raise CoursegenError(f"two outputs map to the same file {path!r}: {self.files[path][1]} and {source}")
        self.files[path] = ("", source)

    def write(self, path: str, content: bytes, source: str) -> None:
        self.claim(path, source)
        self.replacing((path,))
        self.files[path] = (write_file(self.root, path, content, self.present.get(path)), source)

    def write_pieces(self, path: str, pieces: Sequence[bytes], source: str) -> None:
        """Write a file made of pieces, as write() does, without ever holding it whole."""
        self.claim(path, source)
        digest = hashlib.sha256()
        for piece in pieces:
            digest.update(piece)
        sha = digest.hexdigest()
        if sha != self.present.get(path):
            self.replacing((path,))
            _replace(os.path.join(self.root, path), pieces)
        self.files[path] = (sha, source)

    def write_unless_unchanged(self, path: str, source: str, unchanged: bool, make: Callable[[], bytes]) -> None:
        """Take the live output's file when the caller knows it `unchanged` (and it is there); else write make()."""
        self.claim(path, source)
        if not (unchanged and self.reuse(path)):
            self.replacing((path,))
            self.files[path] = (write_file(self.root, path, make(), self.present.get(path)), source)

    def replacing(self, paths: Iterable[str]) -> None:
        """Note the files of the spare that this build may replace or remove and that the live copy shares.

        A hard link makes one inode a file of both copies; replacing or removing the spare's name
        changes that inode's change time, and so the live copy's record. A live file that was as
        recorded before is recorded again afterwards (finish); one that was not stays found.
        """
        if self.live is None or self.root != self.spare:
            return
        for path in paths:
            if path not in self.present:
                continue
            try:
                shared = os.lstat(self.root / path).st_ino == os.lstat(self.out / path).st_ino
            except OSError:
                continue
            if shared and self.live.intact(path):
                self.shared.add(path)

    def record(self, path: str, sha: str) -> None:
        """Record a file a worker wrote under root for a claimed path."""
        self.files[path] = (sha, self.files[path][1])

    def reuse(self, path: str) -> bool:
        """Take the live output's file for a page whose job has not changed, if it is there as its build left it."""
        sha = self.previous.get(path)
        if not sha:
            return False
        if self.present.get(path) != sha:
            live = self.out / path
            if self.live is None or not self.live.intact(path):  # edited, replaced or gone since: made again
                return False
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = Path(f"{target}.coursegen-tmp")
            try:
                # No bytes copied. Safe because files are only ever replaced, never written into,
                # and a file edited in place in either copy is found by the next build's check.
                os.link(live, temporary)
                self.linked.append(path)
            except OSError:
                shutil.copyfile(live, temporary)
            os.replace(temporary, target)
        self.record(path, sha)
        return True

    def finish(self, manifest: Iterable[bytes]) -> bool:
        """Complete the tree with its manifest, written piece by piece, and swap it in; False when nothing changed.

        Both copies' records are brought up to date first: the new tree's, and the live copy's
        for the files linked from it (a link changes a file's change time).
        """
        leftovers = self.present.keys() - self.files.keys() - {MANIFEST}
        self.replacing(leftovers)
        for path in sorted(leftovers):  # left from older builds
            _remove_file(self.root, path)
        self.claim(MANIFEST, "generator")
        sha = _write_streamed(self.root, MANIFEST, manifest)
        self.files[MANIFEST] = (sha, "generator")
        made = self._record(leftovers)
        if self.live is not None:
            self.live.update(self.linked, made)  # one inode in both: the new tree's signature is the live one's
            self.live.restat(self.shared)
        unchanged = self._same_as_live(sha)
        if unchanged:
            self._keep_as_spare(self.root)  # an exact copy of the live output: the next spare
            made.moved(self.spare)
        elif not self.out.exists():
            os.replace(self.root, self.out)
            made.moved(self.out)
        else:
            _swap(self.root, self.out)
            self._keep_as_spare(self.root)  # it now holds the previous output
            made.moved(self.out)
            if self.live is not None:
                self.live.moved(self.spare)
        try:
            made.save(self.records)
            if self.live is not None and (self.linked or self.shared or not unchanged):
                self.live.save(self.records)
            outputrecord.forget_others(self.records, self.out, self.spare)
        except OSError as error:
            # The output is in place: a record left as it was only vouches for the files it still
            # matches by stat, so the next build trusts less, never more; the build has not failed.
            self.unsaved = error
        self._lock.close()
        return not unchanged

    def _record(self, leftovers: set[str]) -> outputrecord.Record:
        """Return the record of the finished tree: taken afresh, or the spare's with what this build touched."""
        if self.spare_record is None:
            return outputrecord.Record.take(self.root, self.files)
        touched = {path for path, (sha, _) in self.files.items() if self.present.get(path) != sha} | {MANIFEST}
        return self.spare_record.updated(self.files, touched, leftovers | self.removed)

    def discard(self) -> None:
        """Drop a build that failed: a spare it began to change is left unmarked, so it is rebuilt next time."""
        if self.root is not None and self.root != self.spare:
            shutil.rmtree(self.root, ignore_errors=True)
        self._lock.close()

    def _same_as_live(self, manifest_sha: str) -> bool:
        """Return True when the live output already is this tree, as its record vouches, file for file."""
        current = {path: sha for path, (sha, _) in self.files.items() if path != MANIFEST}
        try:
            if current != self.previous or self.live is None:
                return False
            with open(self.out / MANIFEST, "rb") as live:
                same = hashlib.file_digest(live, "sha256").hexdigest() == manifest_sha
        except OSError:
            return False
        return same and self.live.check().intact

    def _keep_as_spare(self, tree: Path) -> None:
        if tree != self.spare:
            remove_entry(self.spare)
            os.replace(tree, self.spare)


def real_output(out: Path) -> Path:
    """Return the folder a build replaces: `out` as an absolute path without `..`, or the folder it links to.

    A link (to a deploy folder, say) stays as it is and keeps naming the folder, which the build
    swaps like any other.
    """
    out = Path(os.path.abspath(out))
    if not out.is_symlink():
        return out
    try:
        return out.resolve(strict=False)
    except (RuntimeError, OSError):  # a loop: RuntimeError up to Python 3.12, OSError (ELOOP) after
        raise UsageError(f"--out {out} is a link that leads back to itself; "
                         f"remove it, or point it at a folder") from None


def remove_entry(path: Path) -> None:
    """Remove whatever is at `path`: a folder with all it holds, a file, or a link (never what it links to)."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, **{_RMTREE_HANDLER: _located})
        else:
            path.unlink()
    except FileNotFoundError:
        pass


_RMTREE_HANDLER = "onexc" if sys.version_info >= (3, 12) else "onerror"


def _located(function, name: str, error) -> None:
    """Raise what rmtree could not remove with its whole path: its own error names the entry alone ("index.html")."""
    error = error[1] if isinstance(error, tuple) else error  # onerror gives exc_info, onexc the exception
    if isinstance(error, OSError):
        error.filename = name
    raise error


def _remove_file(root: Path, path: str) -> None:
    target = root / path
    try:
        target.unlink()
        os.removedirs(target.parent)  # the folders it leaves empty, up to the first that is not
    except OSError:
        pass


def _lock(out: Path):
    """Hold an exclusive lock on `out` for one build; a second build at once is refused."""
    path = out.parent / f".{out.name}.lock"
    try:  # never through a link: the lock file is made where it is named, nowhere else
        handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "a")
    except OSError as error:
        raise CoursegenError(f"cannot take the build lock {path}: {error.strerror or error}; "
                             f"it must be a file that can be written") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CoursegenError(f"another build is writing {out}; wait for it to finish") from None
    return handle


def _check_path(path: str) -> None:
    parts = path.split("/")
    if "\\" in path or any(part in ("", ".", "..") for part in parts):  # "" also catches a leading "/"
        raise CoursegenError(f"refusing to write outside the output directory: {path!r}")
    if parts[0] not in ("public", "restricted"):
        raise CoursegenError(f"output path {path!r} is neither public/ nor restricted/")


def manifest(staging: Staging, catalog: Catalog, old_slugs: dict[str, int], *, preview: bool) -> Iterator[bytes]:
    """Yield the manifest: every output file with its sha256 and source, every course with its privacy.

    It is the JSON of one document, indented by two, made and written a thousand entries at a
    time (Staging.finish): as one document it held 110 MB at 100,000 courses, as bytes 45 MB.
    """
    head = orjson.dumps({"generator": f"coursegen {__version__}", "base_url": catalog.site.base_url,
                         "preview": preview}, option=orjson.OPT_INDENT_2)
    yield head.removesuffix(b"\n}") + b',\n  "courses": '
    yield from _indented(({"id": c.id, "slug": c.slug, "name": c.name, "privacy": c.privacy.value,
                           "deleted": c.deleted, "source": c.source} for c in catalog.courses), list)
    yield b',\n  "redirects": '
    yield from _indented(iter(old_slugs.items()), dict)
    yield b',\n  "files": '
    yield from _indented(((path, {"sha256": sha, "source": source}) for path, (sha, source)
                          in sorted(staging.files.items()) if path != MANIFEST), dict)
    yield b"\n}\n"


def _indented(items: Iterator, kind: type[list] | type[dict]) -> Iterator[bytes]:
    """Yield a list (of items) or dict (of key-value items) as OPT_INDENT_2 writes it one level down."""
    empty = orjson.dumps(kind())  # b"[]" or b"{}"
    separator = empty[:1] + b"\n"
    while chunk := kind(itertools.islice(items, 1000)):
        text = orjson.dumps(chunk, option=orjson.OPT_INDENT_2)
        yield separator + b"  " + text[2:-2].replace(b"\n", b"\n  ")  # its entries, two spaces further in
        separator = b",\n"
    yield empty if separator != b",\n" else b"\n  " + empty[1:]


def read_manifest_sections(path: Path, reducers: dict[str, Callable[[object], object]]) -> dict[str, object] | None:
    """Return {key: reducers[key](value)} for the top-level keys of a manifest that have a reducer.

    None when the file cannot be read; ManifestProblem when it is not a JSON object. Read whole,
    the manifest of 100,000 courses (45 MB of JSON) is 200 MB of Python objects, the peak of a
    rebuild's memory; so each wanted section is parsed alone and reduced at once, and the others
    are not parsed at all.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        sections = _indented_sections(data, reducers.keys())
        if sections is None:  # not laid out as this generator writes it: parsed whole
            document = orjson.loads(data)
            if not isinstance(document, dict):
                raise ManifestProblem("it is not a JSON object")
            sections = ((key, value) for key, value in document.items() if key in reducers)
        return {key: reducers[key](value) for key, value in sections}  # each section parsed, then reduced
    except ValueError as error:  # orjson.JSONDecodeError among them
        raise ManifestProblem(f"it is not JSON ({error})") from None


def _indented_sections(data: bytes, wanted: Iterable[str]) -> Iterator[tuple[str, object]] | None:
    """Parse the wanted top-level keys of a JSON object written with OPT_INDENT_2, one at a time; None if not one.

    There, and nowhere else, a line starts with two spaces and a quote: JSON strings hold no
    newline, and the keys of nested objects are indented further.
    """
    text = data.rstrip()
    if not (text.startswith(b"{\n  \"") and text.endswith(b"\n}")):
        return None
    starts = [match.start() + 3 for match in re.finditer(rb'\n  "', text)] + [len(text) - 1]
    wanted = set(wanted)

    def sections() -> Iterator[tuple[str, object]]:
        for start, end in itertools.pairwise(starts):
            key_end = text.index(b'": ', start)
            key = orjson.loads(text[start:key_end + 1])
            if key in wanted:
                yield key, orjson.loads(text[key_end + 3:end].rstrip().removesuffix(b","))

    return sections()


def check_manifest_section(section: str, value: object) -> None:
    """Raise ManifestProblem, saying where and what, unless `value` is a valid `section` of a manifest."""
    validator = _section_validator(section)
    if validator.is_valid(value):
        return
    error = next(iter(validator.iter_errors(value)))
    where = section + "".join(f"[{step!r}]" for step in error.instance_path)
    raise ManifestProblem(f"{where}: {error.message}")


def check_manifest(document: object) -> None:
    """Raise ManifestProblem unless `document` is a whole manifest as a build writes it."""
    if not isinstance(document, dict):
        raise ManifestProblem("it is not a JSON object")
    for section in ("courses", "files"):
        if section not in document:
            raise ManifestProblem(f"it has no {section!r}")
    for section in schemas.load("manifest")["properties"]:
        if section in document:
            check_manifest_section(section, document[section])


@functools.cache
def _section_validator(section: str):
    import decimal  # noqa: F401 - from Python first: see validate._fast_validator

    import jsonschema_rs

    schema = schemas.load("manifest")
    rule = schema["properties"][section]
    return jsonschema_rs.Draft202012Validator({"$defs": schema["$defs"], **rule})


def file_shas(files: object) -> dict[str, str] | None:
    """Reduce a manifest's "files" to path -> sha256 (None if it is not a mapping)."""
    if not isinstance(files, dict):
        return None
    return {path: entry.get("sha256") if isinstance(entry, dict) else None for path, entry in files.items()}


def check_output_dir(out: Path, content: Path, cache: Path) -> None:
    """Refuse an --out that a build would wrongly replace, or cannot make: the content, other files, a file's child.

    `cache` is where builds of `out` keep their cache, beside it: it cannot be the output too.
    """
    real = real_output(out)
    if Path(os.path.abspath(cache)) in (Path(os.path.abspath(out)), real):
        raise UsageError(f"--out {out} is the folder where builds keep their build cache, beside the output; "
                         f"choose another folder")
    for name in {real.name, Path(os.path.abspath(out)).name}:
        longest = _name_max(real.parent) - NAMED_AFTER_OUT
        if len(os.fsencode(name)) > longest:
            raise UsageError(f"--out {out}: its name has {len(os.fsencode(name))} bytes, but files named after it "
                             f"are kept beside it (.{name[:12]}….spare, its cache), so this file system allows "
                             f"at most {longest}; choose a shorter name")
    for parent in real.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"--out {out} cannot be made: {parent} is a file, not a folder")
            break
    out_real, content_real = real.resolve(), content.resolve()
    if out_real == content_real or content_real.is_relative_to(out_real):
        raise UsageError(f"--out {out} would replace the content directory {content}; choose another folder")
    if real.exists() and (not real.is_dir() or (any(real.iterdir()) and not (real / MANIFEST).is_file())):
        raise UsageError(f"--out {out} exists and is not a coursegen output (no {MANIFEST}); "
                         f"refusing to replace it")


# The most bytes a name kept beside the output adds to the output's own: its cache's SQLite
# journal, "NAME-<16 hex>.sqlite-journal" (the staging folders, ".NAME.building-cards-<8>", add 25).
NAMED_AFTER_OUT = 32


def _name_max(folder: Path) -> int:
    """Return the longest file name, in bytes, the file system of `folder` (or its nearest existing parent) takes."""
    for parent in (folder, *folder.parents):
        try:
            return os.pathconf(parent, "PC_NAME_MAX")
        except (OSError, ValueError):
            continue
    return 255


def _swap(staging: Path, out: Path) -> None:
    """Exchange two trees: afterwards `out` holds the staged tree and `staging` the previous output.

    With renameat2(RENAME_EXCHANGE) `out` is at every instant either the old tree or the new one.
    """
    if _exchange(staging, out):
        return
    aside = staging.with_name(staging.name + ".previous")  # without an atomic exchange: three renames
    os.replace(out, aside)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(aside, out)
        raise
    os.replace(aside, staging)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def remove_stale_staging(out: Path) -> None:
    """Remove staging folders a killed build left beside `out` (they are ours: the name says so)."""
    out = out.absolute()
    if not out.parent.is_dir():
        return
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)
