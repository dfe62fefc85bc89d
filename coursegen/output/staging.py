"""The one chokepoint for output: a new tree made beside the live one, from the spare copy's unchanged files,
checked for collisions and safe paths, and swapped in with its manifest."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from coursegen.issues import CoursegenError
from coursegen.output.files import (
    check_path,
    link_afresh,
    new_temporary,
    remove_entry,
    remove_file,
    replace_file,
    write_file,
    write_streamed,
)
from coursegen.output.folder import (
    lock,
    real_output,
    remove_stale_staging,
    staging_folder_name,
    swap,
)
from coursegen.output.manifest import (
    MANIFEST,
    ManifestProblem,
    check_manifest_section,
    file_shas,
    read_manifest_sections,
)
from coursegen.output.record import UNTRUSTED, Record, forget_others


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
        self._lock = lock(self.out)
        remove_stale_staging(self.out)
        self.spare = self.out.parent / f".{self.out.name}.spare"
        self.records, self.trust = records, trust
        self.root: Path | None = None  # where this build's tree is made: the spare, or a new folder
        self.previous: dict[str, str] = {}  # path -> sha256 of the live output's files
        self.present: dict[str, str] = {}  # path -> sha256 of what root holds, as its record vouches
        self.files: dict[str, tuple[str, str]] = {}  # path -> (sha256, source)
        self.live: Record | None = None  # the live copy's record, asked before a file is reused
        self.linked: list[str] = []  # live files this build linked into its tree
        self.spare_record: Record | None = None  # what the spare held, when the tree is made in it
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
            self.live = Record.load(self.out, self.records)
        if self.live is not None and not self.live.intact(MANIFEST):
            self.live = None  # its manifest was edited: the shas it gives vouch for no file
        record = Record.load(self.spare, self.records) if self.trust else None
        spare = record.check() if record is not None else UNTRUSTED
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
        self.root = staging_folder_name(self.out, "building")  # known before it is made: discard() removes it
        os.mkdir(self.root)
        os.chmod(self.root, 0o755)  # whatever the umask: a web server must be able to read the site

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
        check_path(path)
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
            replace_file(os.path.join(self.root, path), pieces)
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
            temporary = f"{target}.coursegen-tmp"
            try:
                # No bytes copied. Safe because files are only ever replaced, never written into,
                # and a file edited in place in either copy is found by the next build's check.
                link_afresh(live, temporary)
                self.linked.append(path)
            except OSError:
                with os.fdopen(new_temporary(temporary), "wb") as copy, open(live, "rb") as source:
                    shutil.copyfileobj(source, copy)
            os.replace(temporary, target)
            with contextlib.suppress(FileNotFoundError):
                # rename() does nothing when both names are links to one inode: the temporary stays,
                # and a later build would find it there.
                os.unlink(temporary)
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
            remove_file(self.root, path)
        self.claim(MANIFEST, "generator")
        sha = write_streamed(self.root, MANIFEST, manifest)
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
            swap(self.root, self.out)
            self._keep_as_spare(self.root)  # it now holds the previous output
            made.moved(self.out)
            if self.live is not None:
                self.live.moved(self.spare)
        try:
            made.save(self.records)
            if self.live is not None and (self.linked or self.shared or not unchanged):
                self.live.save(self.records)
            forget_others(self.records, self.out, self.spare)
        except OSError as error:
            # The output is in place: a record left as it was only vouches for the files it still
            # matches by stat, so the next build trusts less, never more; the build has not failed.
            self.unsaved = error
        self._lock.close()
        return not unchanged

    def _record(self, leftovers: set[str]) -> Record:
        """Return the record of the finished tree: taken afresh, or the spare's with what this build touched."""
        if self.spare_record is None:
            return Record.take(self.root, self.files)
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


