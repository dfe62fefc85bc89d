"""Rewrite the command output shown in the docs from real runs, or check that it is still what a run prints.

    python scripts/refresh_docs.py            # rewrite every block that differs
    python scripts/refresh_docs.py --check    # change nothing; exit 1 naming each stale block
                                              # (and each relative link that leads nowhere)

In README.md, docs/**/*.md and benchmarks/README.md, a fenced block that directly follows an
HTML comment of this shape holds the transcript of the commands the comment names:

    <!-- run: coursegen check --content tests/catalogs/broken/content -->
    ```
    $ coursegen check --content tests/catalogs/broken/content
    tests/catalogs/broken/content/courses/...: error: ...
    (exit status 1)
    ```

A comment may hold several lines, each one of:

    setup: SHELL COMMAND     run first, in order; not shown; must succeed
    run: SHELL COMMAND       shown as `$ COMMAND`, then everything it prints (stdout and stderr
                             as one stream), then `(exit status N)` when N is not 0
    show: SHELL COMMAND      like run, without the `$ COMMAND` line: a file's text shown as it is
    when: REGEX => ACTION    for a command that runs until stopped (`coursegen serve`): wait for
                             a line matching REGEX printed after the previous step, then do
                             ACTION: `interrupt` (Ctrl-C, shown as `^C` the way a terminal echoes
                             it) or a shell command (an edit of a file; not shown)

Every block runs in a sandbox of its own: a fresh temporary folder holding copies of the
repository's content/, tests/catalogs/, coursegen/ and scripts/ (dated a day back), used as the
current folder, so a command reads exactly as it would from the repository root and nothing it
writes (an output folder, a new course file, an edit) touches the repository. `coursegen` there
is this checkout's generator (PYTHONPATH is the checkout), and `python` the Python that runs
this script; NO_COLOR and CI are set (no colour, no progress line), and COLUMNS is 100 (the
width `--help` wraps to).

What changes from run to run is replaced by a stable placeholder (normalise()):

    timings          "in 0.42 s", "(0.01 s)"             → "N.NN s"
    a free port      "http://127.0.0.1:46021/"          → "http://127.0.0.1:PORT/"
    the time now     created_at: "2026-11-28T12:49:47Z" → "YYYY-MM-DDTHH:MM:SSZ" (only a time
                     within the run's own minutes: dates in the catalogs are kept)
    the sandbox      /tmp/tmpab12cd/…                   → …  (its path is the current folder)
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPIED = ("content", "tests/catalogs", "coursegen", "scripts")  # what every sandbox holds, at the same paths
STEP_SECONDS = 60.0  # the longest a `when:` step waits for its line
_DIRECTIVE = re.compile(r"^<!--\s*(?=(?:setup|run|show|when):)(.*?)-->\n(```[^\n]*)\n(.*?)^```$", re.M | re.S)
_LINE = re.compile(r"^\s*(setup|run|show|when):\s*(.*?)\s*$")
_TIMING = re.compile(r"\b\d+\.\d\d s\b")
_PORT = re.compile(r"\b127\.0\.0\.1:\d+\b")
_NOW = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b")


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced block that a comment says how to make."""

    path: Path
    start: int  # offset of the block's content in the file
    end: int
    fence: str
    steps: tuple[tuple[str, str], ...]  # (kind, text) in the comment's order
    text: str  # what the block holds now

    @property
    def commands(self) -> str:
        return "; ".join(text for kind, text in self.steps if kind in ("run", "show"))


@dataclass
class _Run:
    """What a sandboxed run needs to know to normalise its output."""

    sandbox: Path
    started: float = field(default_factory=time.time)


def markdown_files(root: Path = REPO) -> list[Path]:
    """Return every Markdown file whose blocks and links the docs promise to keep true."""
    files = [root / "README.md", root / "benchmarks" / "README.md", *sorted((root / "docs").rglob("*.md"))]
    return [path for path in files if path.is_file()]


def find_blocks(path: Path) -> list[Block]:
    """Return the generated blocks of one Markdown file, in order."""
    text = path.read_text("utf-8")
    blocks = []
    for match in _DIRECTIVE.finditer(text):
        steps = []
        for line in match.group(1).splitlines():
            found = _LINE.match(line)
            if found:
                steps.append((found.group(1), found.group(2)))
            elif line.strip():
                raise ValueError(f"{path}: cannot read this line of a run comment: {line.strip()!r}")
        blocks.append(Block(path, match.start(3), match.end(3), match.group(2), tuple(steps), match.group(3)))
    return blocks


def transcript(block: Block) -> str:
    """Run a block's commands in a fresh sandbox and return what the block should hold."""
    with tempfile.TemporaryDirectory(prefix="coursegen-docs-") as folder:
        sandbox = Path(folder).resolve()
        for relative in COPIED:
            shutil.copytree(REPO / relative, sandbox / relative, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        _settle(sandbox)
        env = _environment(sandbox)
        run = _Run(sandbox)
        parts = []
        steps = list(block.steps)
        while steps:
            kind, command = steps.pop(0)
            if kind == "setup":
                done = subprocess.run(command, shell=True, cwd=sandbox, env=env, capture_output=True, text=True)
                if done.returncode:
                    raise RuntimeError(f"setup failed ({done.returncode}): {command}\n{done.stdout}{done.stderr}")
                continue
            if kind == "when":
                raise ValueError(f"`when:` must follow a `run:` in {block.path}: {command}")
            waits = []
            while steps and steps[0][0] == "when":
                waits.append(steps.pop(0)[1])
            output, status = _interactive(command, waits, sandbox, env) if waits else _plain(command, sandbox, env)
            shown = f"$ {command}\n" if kind == "run" else ""
            parts.append(shown + output + (f"(exit status {status})\n" if status else ""))
        return normalise("".join(parts), run)


def _settle(folder: Path) -> None:
    """Date every copied file a day back: a file changed within 3 s of a build is read again (git's racy-file
    rule), and a fresh clone's files are that new, so a rebuild would not always say "up to date"."""
    moment = time.time() - 86400
    for path in folder.rglob("*"):
        os.utime(path, (moment, moment), follow_symlinks=False)


def _environment(sandbox: Path) -> dict[str, str]:
    """Return the environment of a sandboxed run: this checkout's coursegen first on the path."""
    bin_dir = sandbox / ".bin"
    bin_dir.mkdir()
    for name, command in (("coursegen", f'"{sys.executable}" -m coursegen'), ("python", f'"{sys.executable}"')):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {command} "$@"\n', "utf-8")
        shim.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("COURSEGEN_", "PYTHON"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}", PYTHONPATH=str(REPO),
               PYTHONUNBUFFERED="1", NO_COLOR="1", CI="1", TERM="dumb", LC_ALL="C.UTF-8", TZ="UTC",
               COLUMNS="100")  # argparse wraps --help to the width
    return env


def _plain(command: str, sandbox: Path, env: dict) -> tuple[str, int]:
    done = subprocess.run(command, shell=True, cwd=sandbox, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=300)
    return _ending(done.stdout.decode("utf-8")), done.returncode


def _interactive(command: str, waits: list[str], sandbox: Path, env: dict) -> tuple[str, int]:
    """Run a command that runs until stopped, doing each `when:` step as its line appears."""
    # exec: the shell becomes the command, so that Ctrl-C reaches it alone and its exit status is the command's
    process = subprocess.Popen(f"exec {command}", shell=True, cwd=sandbox, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []
    arrived = threading.Condition()

    def read() -> None:
        for raw in process.stdout:
            with arrived:
                lines.append(raw.decode("utf-8"))
                arrived.notify_all()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen = 0
    try:
        for wait in waits:
            pattern, _, action = (part.strip() for part in wait.partition("=>"))
            with arrived:
                found = arrived.wait_for(lambda: _matching(lines, seen, pattern), STEP_SECONDS)
                if found is None:
                    raise RuntimeError(f"no line matched {pattern!r} within {STEP_SECONDS:g} s; got:\n{''.join(lines)}")
                seen = found
                if action == "interrupt":
                    lines.append("^C")  # what a terminal echoes; the program's next words follow on the line
            if action == "interrupt":
                os.killpg(process.pid, signal.SIGINT)
            else:
                subprocess.run(action, shell=True, cwd=sandbox, env=env, check=True, capture_output=True)
        status = process.wait(timeout=STEP_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    reader.join(timeout=5)
    return _ending("".join(lines)), status


def _matching(lines: list[str], start: int, pattern: str) -> int | None:
    """Return the number of lines up to the first one from `start` that matches, or None."""
    for index in range(start, len(lines)):
        if re.search(pattern, lines[index]):
            return index + 1
    return None


def _ending(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def normalise(text: str, run: _Run) -> str:
    """Replace what differs between two runs of the same commands with stable placeholders."""
    text = text.replace(str(run.sandbox) + "/", "").replace(str(run.sandbox), ".")
    text = _TIMING.sub("N.NN s", text)
    text = _PORT.sub("127.0.0.1:PORT", text)

    def now(match: re.Match) -> str:
        moment = datetime.strptime(match.group(0), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
        return "YYYY-MM-DDTHH:MM:SSZ" if run.started - 60 <= moment <= time.time() + 60 else match.group(0)

    return _NOW.sub(now, text)



def refresh(paths: list[Path], *, check: bool) -> list[str]:
    """Refresh (or, with `check`, compare) every generated block; return one line per stale block."""
    stale = []
    for path in paths:
        blocks = find_blocks(path)
        if not blocks:
            continue
        original = path.read_text("utf-8")
        pieces, last = [], 0
        for block in blocks:
            fresh = transcript(block)
            if fresh != block.text:
                stale.append(f"{_shown(path)}: the output of `{block.commands}` differs from a fresh run"
                             + _first_difference(block.text, fresh))
            pieces += [original[last:block.start], fresh]
            last = block.end
        updated = "".join(pieces) + original[last:]
        if not check and updated != original:
            path.write_text(updated, "utf-8")
    return stale


def _shown(path: Path) -> str:
    """Return a file's path as a reader of the repository names it."""
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def _first_difference(old: str, new: str) -> str:
    for number, (was, now) in enumerate(itertools.zip_longest(old.splitlines(), new.splitlines()), 1):
        if was != now:
            return f"\n    block line {number}: shown {was!r}\n    block line {number}: a run prints {now!r}"
    return ""


_LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\[[^\]]+\]:\s*(\S+)", re.M)
_FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
_CODE = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def broken_links(paths: list[Path]) -> list[str]:
    """Return one line per relative link (or #anchor) that leads nowhere: a missing file or heading."""
    problems = []
    for path in paths:
        text = _CODE.sub("", _FENCE.sub("", path.read_text("utf-8")))  # a link shown as code is not a link
        for match in _LINK.finditer(text):
            target = match.group(1) or match.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto: ...
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{_shown(path)}: link {target!r}"
            if not linked.exists():
                problems.append(f"{where} names a file that does not exist")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{where} names a heading that {_shown(linked)} does not have")
    return problems


def anchors(path: Path) -> set[str]:
    """Return the anchors GitHub gives a Markdown file's headings (lower case, punctuation dropped, - for spaces)."""
    found, seen = set(), {}
    for heading in _HEADING.findall(_FENCE.sub("", path.read_text("utf-8"))):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
        slug = re.sub(r"[^\w\- ]", "", text.lower().replace("`", "")).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a block is stale")
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: README.md, docs/, benchmarks/)")
    args = parser.parse_args(argv)
    paths = [path.resolve() for path in args.files] or markdown_files()
    stale = refresh(paths, check=args.check)
    if args.check:
        stale += broken_links(paths)
        for line in stale:
            print(line, file=sys.stderr)
        return 1 if stale else 0
    print(f"refreshed {len(stale)} block(s)" if stale else "every block was up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
