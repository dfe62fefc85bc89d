"""The hostile corpus: every situation an attacker or a careless user made, as data, with what it must give.

Each folder in tests/cases/hostile/ is one case: a case.yaml saying what is tried (`what`), what
is done before the run (a good build, then `steps` that damage the content, the output, the
spare copy or the cache), the command run and what it must give: its exit status and the
messages it prints, the texts some files must hold or lack (`public_contains`, `public_lacks`,
`restricted_contains`, paths under public/ or restricted/), and, with `seconds`, the time it may
take at most. A case's own content/ and
templates/ are laid over the base catalog in _base/ (one course of each privacy, images,
categories, creators). Whatever the case, the run must never print a traceback; a build that
fails must leave the output byte-identical; a build that succeeds must make exactly what a cold
build of the same input and history makes; and no byte under output/public/ may name what must
stay hidden (TOKENS).

Steps are a small language, one mapping each (see ACTIONS): write, append (in place), replace,
delete, symlink, mkdir, move, fifo, chmod, corrupt, image, deep, build. Paths are relative to the project
folder (content/, templates/, output/, .output.spare/, .coursegen-cache/); `\\xNN` in a path
written with `raw: true` is a byte, for names that are not UTF-8; a write's `repeat` adds `times`
lines after its text, `{n}` in each replaced by its number. A `glob` in place of a `path` (delete,
replace, corrupt, chmod, move) reaches files whose names a case cannot know, such as the cache's.
"""

from __future__ import annotations

import codecs
import contextlib
import fnmatch
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from PIL import Image

from coursegen.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.slow

CASES = Path(__file__).parent / "cases" / "hostile"
BASE = CASES / "_base"
# What no public byte may hold: the secret, draft and deleted courses' words, the private course's
# body and hidden member count. The private course's name is allowed on its own lock screen only.
TOKENS = ("zqsecret", "zqdraft", "zqdeleted", "zqprivatebody", "987654")
PRIVATE_NAME, PRIVATE_LOCK = "Zqprivate", "courses/zqprivate-circle/index.html"
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # <linux/prctl.h>, <linux/capability.h>


@dataclass
class Ran:
    status: int
    out: str
    err: str


def case_names() -> list[str]:
    return sorted(path.parent.name for path in CASES.glob("*/case.yaml"))


def test_every_case_folder_says_what_it_tries():
    folders = sorted(path.name for path in CASES.iterdir() if path.is_dir() and path.name != "_base")
    assert folders == case_names()
    for name in folders:
        spec = yaml.safe_load((CASES / name / "case.yaml").read_text("utf-8"))
        assert spec.get("what") and "exit" in spec, name


@pytest.mark.parametrize("name", case_names())
def test_hostile_case(name):
    spec = yaml.safe_load((CASES / name / "case.yaml").read_text("utf-8"))
    with _project_folder() as root:
        _lay_out(root, CASES / name, spec)
        if spec.get("before") == "build":
            assert _build(root, spec).status == 0, "the good build before the case failed"
        for step in spec.get("steps", []):
            _act(root, step, spec)
        before = _snapshot(root / spec.get("out", "output"))
        untouched = {path: _snapshot(root / path) for path in spec.get("untouched", [])}
        previous = _saved_manifest(root, spec)
        with _time_limit(spec.get("seconds")):
            ran = _run(root, spec)
        for path, files in untouched.items():
            assert _snapshot(root / path) == files, f"the run changed {path}, outside the output"
        for path in spec.get("absent", []):
            assert not os.path.lexists(root / path), f"the run made {path}"
        shown = (ran.out + ran.err).replace(str(root), "ROOT")
        assert "Traceback" not in shown and "panicked" not in shown, shown
        assert ran.status == spec["exit"], shown
        for message in spec.get("messages", []):
            assert message in shown, f"missing {message!r} in:\n{shown}"
        for message in spec.get("not_messages", []):
            assert message not in shown, shown
        out = root / spec.get("out", "output")
        if ran.status != 0:
            assert _snapshot(out) == before, "a failed run changed the output"
        elif _command(spec)[0] == "build":
            assert _snapshot(out) == _cold_build(root, spec, previous), "a rebuild made other bytes than a cold build"
            _assert_nothing_hidden_is_public(out / "public", spec)
        for path, texts in spec.get("public_contains", {}).items():
            page = (out / "public" / path).read_text("utf-8")
            for text in texts:
                assert text in page, f"{text!r} not in {path}"
        for path, texts in spec.get("public_lacks", {}).items():
            page = (out / "public" / path).read_text("utf-8")
            for text in texts:
                assert text not in page, f"{text!r} in {path}"
        for path, texts in spec.get("restricted_contains", {}).items():
            document = (out / "restricted" / path).read_text("utf-8")
            for text in texts:
                assert text in document, f"{text!r} not in restricted/{path}"


class _TooSlow(BaseException):
    """Raised in a run that takes longer than its case's `seconds`: a run that looks hung is a failure."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Stop the run with _TooSlow after `seconds` (none: no limit), so that a hang fails the case, not the suite."""
    if not seconds:
        yield
        return

    def too_slow(signum, frame):
        raise _TooSlow(f"the run took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- the project ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _project_folder():
    """A folder of its own under the temporary folder, readable by another user (cases run as nobody)."""
    root = Path(tempfile.mkdtemp(prefix="coursegen-hostile-"))
    os.chmod(root, 0o755)
    try:
        yield root
    finally:
        for mount in (root / "full",):
            if os.path.ismount(mount):
                subprocess.run(["umount", str(mount)], check=False)
        # A case may have made a folder unreadable, or nested 3,000 of them (os.walk and rmtree recurse).
        subprocess.run(["chmod", "-R", "u+rwx", str(root)], check=False, capture_output=True)
        subprocess.run(["rm", "-rf", str(root)], check=False)


def _lay_out(root: Path, case: Path, spec: dict) -> None:
    if spec.get("base", True):
        shutil.copytree(BASE / "content", root / "content")
        _image(root, {"path": "content/images/pic.png", "color": [200, 40, 40]})
        _image(root, {"path": "content/images/secret.png", "color": [17, 171, 3], "text": "zqsecretimagemarker"})
    for folder in ("content", "templates", "elsewhere"):
        if (case / folder).is_dir():
            shutil.copytree(case / folder, root / folder, dirs_exist_ok=True)


# -- steps ---------------------------------------------------------------------------------------

def _path(root: Path, step: dict, key: str = "path") -> Path:
    value = step[key]
    if step.get("raw"):
        return Path(os.fsdecode(codecs.escape_decode(str(root / value).encode())[0]))
    return root / value


def _write(root, step, spec):
    target = _path(root, step)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = codecs.escape_decode(step["bytes"].encode())[0] if "bytes" in step else step["text"].encode("utf-8")
    if "repeat" in step:  # then `times` lines more, {n} in each its number: a file too big to keep in the case
        data += "".join(step["repeat"].format(n=n) for n in range(step["times"])).encode("utf-8")
    target.write_bytes(data)


def _append(root, step, spec):
    with open(_path(root, step), "ab") as handle:  # in place: the same inode, as an editor may write
        handle.write(step["text"].encode("utf-8"))


def _replace(root, step, spec):
    """Replace text in a file (`regex: true`: a regular expression), or in every file a glob finds that holds it."""
    replaced = 0
    for target in (sorted(root.glob(step["glob"])) if "glob" in step else [_path(root, step)]):
        text = target.read_text("utf-8")
        changed = re.sub(step["old"], step["new"], text) if step.get("regex") else text.replace(step["old"], step["new"])
        if changed != text:
            target.write_text(changed, "utf-8")
            replaced += 1
    assert replaced, f"{step['old']!r} is in none of the files"


def _delete(root, step, spec):
    for target in (sorted(root.glob(step["glob"])) if "glob" in step else [_path(root, step)]):
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()


def _symlink(root, step, spec):
    target = _path(root, step)
    target.parent.mkdir(parents=True, exist_ok=True)
    pointee = step["to"]
    target.symlink_to(pointee if pointee.startswith("/") else root / pointee)


def _mkdir(root, step, spec):
    _path(root, step).mkdir(parents=True, exist_ok=True)


def _fifo(root, step, spec):
    os.mkfifo(_path(root, step))


def _chmod(root, step, spec):
    for target in (_globbed(root, step) if "glob" in step else [_path(root, step)]):
        os.chmod(target, int(str(step["mode"]), 8))


def _move(root, step, spec):
    """Move a file or folder to `to`; with a `glob`, every match into the folder `to`, under its own name."""
    if "glob" in step:
        for source in _globbed(root, step):
            (root / step["to"]).mkdir(parents=True, exist_ok=True)
            os.replace(source, root / step["to"] / source.name)
        return
    target = _path(root, step, "to")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(_path(root, step), target)


def _globbed(root: Path, step: dict) -> list[Path]:
    targets = sorted(root.glob(step["glob"]))
    assert targets, f"nothing matches {step['glob']}"
    return targets


def _corrupt(root, step, spec):
    """Overwrite `length` bytes at `offset` of every file the glob finds, as a failing disk would."""
    targets = sorted(root.glob(step["glob"]))
    assert targets, f"nothing matches {step['glob']}"
    for target in targets:
        with open(target, "r+b") as handle:
            handle.seek(step["offset"])
            handle.write(bytes([0xA5]) * step["length"])


def _deep(root, step, spec):
    """Make `levels` nested folders under `path`, a course file at the bottom: deeper than any path can name."""
    handle = os.open(_path(root, step), os.O_RDONLY)
    try:
        for _ in range(step["levels"]):
            os.mkdir("d", dir_fd=handle)
            handle, parent = os.open("d", os.O_RDONLY, dir_fd=handle), handle
            os.close(parent)
        with open(os.open("x.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle), "w") as course:
            course.write("id: 99\n")
    finally:
        os.close(handle)


def _image(root, step, spec=None):
    """Write an image: `color`, `size`, and where the format holds them a `comment` and a `text` marker."""
    target = _path(root, step)
    target.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(step.get("mode", "RGB"), tuple(step.get("size", [64, 64])), tuple(step.get("color", [90, 90, 90])))
    options = {}
    if "comment" in step:
        options["comment"] = step["comment"].encode()
    if "text" in step and target.suffix == ".png":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", step["text"])
        info.add_text("Description", step["text"])
        options["pnginfo"] = info
    if "exif_text" in step:
        exif = Image.Exif()
        exif[0x010E] = step["exif_text"]  # ImageDescription
        exif[0x013B] = step["exif_text"]  # Artist
        options["exif"] = exif.tobytes()
    image.save(target, **options)


def _step_build(root, step, spec):
    assert _build(root, spec, *step.get("args", [])).status == step.get("exit", 0)


ACTIONS = {"write": _write, "append": _append, "replace": _replace, "delete": _delete, "symlink": _symlink,
           "mkdir": _mkdir, "fifo": _fifo, "chmod": _chmod, "move": _move, "corrupt": _corrupt, "image": _image,
           "deep": _deep, "build": _step_build}


def _act(root: Path, step: dict, spec: dict) -> None:
    (action,) = [key for key in step if key in ACTIONS]
    given = step[action]
    ACTIONS[action](root, given if isinstance(given, dict) else ({} if given is None else {"path": given}), spec)


# -- runs ----------------------------------------------------------------------------------------

def _command(spec: dict) -> list[str]:
    return list(spec.get("run", ["build"]))


def _arguments(root: Path, spec: dict, command: list[str]) -> list[str]:
    """Return the command line: --content and --out added where the command takes them, ROOT replaced."""
    args = [arg.replace("ROOT", str(root)) for arg in command]
    if args[0] in ("build", "check", "serve", "new") and "--content" not in args:
        args += ["--content", str(root / "content")]
    if args[0] == "build" and "--out" not in args:
        args += ["--out", str(root / spec.get("out", "output"))]
    return args


def _build(root: Path, spec: dict, *extra: str) -> Ran:
    return _in_process(["build", "--quiet", "--content", str(root / "content"),
                        "--out", str(root / spec.get("out", "output")), *spec.get("args", []), *extra])


def _run(root: Path, spec: dict) -> Ran:
    args = _arguments(root, spec, _command(spec)) + list(spec.get("args", []))
    if spec.get("as") == "unprivileged":
        return _unprivileged(args)
    if "full_disk" in spec:
        return _on_a_full_disk(root, args, spec["full_disk"])
    return _in_process(args)


def _in_process(args: list[str]) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(args)
    return Ran(status, out.getvalue(), err.getvalue())


def _subprocess(args: list[str], preexec=None) -> Ran:
    done = subprocess.run([sys.executable, "-m", "coursegen", *args], capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, preexec_fn=preexec, cwd=REPO)
    return Ran(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


def _unprivileged(args: list[str]) -> Ran:
    """Run where file permissions apply: as root (CI runs as root) they stop nothing, so the run gives up
    root's power to override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) before it starts."""
    if os.geteuid() != 0:
        return _subprocess(args)

    def give_up_overriding_permissions() -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return _subprocess(args, give_up_overriding_permissions)


def _on_a_full_disk(root: Path, args: list[str], size: str) -> Ran:
    """Run with the output on a file system of `size`: a real tmpfs where this machine lets us mount one,
    else a file size limit (writes fail the same way: an OSError in the middle of the build)."""
    mount = root / "full"
    mount.mkdir(exist_ok=True)
    if os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                                            capture_output=True).returncode == 0:
        return _in_process(args)
    limit = 4096  # a file size limit fails a write of any page

    def limit_file_size() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return _subprocess(args, limit_file_size)


def _saved_manifest(root: Path, spec: dict) -> Path | None:
    manifest = root / spec.get("out", "output") / "restricted" / "manifest.json"
    if not manifest.is_file():
        return None
    saved = root / "previous-manifest.json"
    shutil.copyfile(manifest, saved)
    return saved


def _cold_build(root: Path, spec: dict, previous: Path | None) -> dict[str, bytes]:
    """Build the same content, templates and history afresh in a folder of its own; return its files."""
    cold = root / "cold-output"
    extra = ["--previous", str(previous)] if previous is not None else []
    args = [arg for arg in _arguments(root, spec, _command(spec))[1:] if arg not in ("--quiet", "-q")]
    out_at = args.index("--out")
    args[out_at + 1] = str(cold)
    assert _in_process(["build", "--quiet", "--no-cache", *args, *spec.get("args", []), *extra]).status == 0
    try:
        return _snapshot(cold)
    finally:
        shutil.rmtree(cold)
        shutil.rmtree(root / ".cold-output.spare", ignore_errors=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    if folder.is_file():
        return {"": folder.read_bytes()}
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


def _assert_nothing_hidden_is_public(public: Path, spec: dict) -> None:
    """No public byte, and no public file name, holds a token of what must stay hidden."""
    allowed = set(spec.get("allowed_tokens", []))
    for path in sorted(public.rglob("*")):
        relative = path.relative_to(public).as_posix()
        data = path.read_bytes() if path.is_file() else b""
        for token in TOKENS:
            if token in allowed:
                continue
            assert token.encode() not in data and token not in relative, f"{token} in public/{relative}"
        if relative != PRIVATE_LOCK and not fnmatch.fnmatch(relative, "images/*"):
            assert PRIVATE_NAME.encode() not in data, f"the private course's name in public/{relative}"
