"""Fuzzing: mutated course files and settings, built after a good build, never end in a traceback or a damaged output.

Every example takes one file of a valid catalog (a course file, site.yaml, users.yaml or
categories.yaml), mutates it (a value or a key replaced by a hostile YAML snippet, a line
added, dropped or repeated, the file cut short, random bytes written into it) and builds.
Whatever the input, the build exits 0, 1 or 2 and prints no traceback; when it fails it leaves
the output byte-identical, and when it succeeds it makes exactly what a cold build makes. CI runs a few hundred examples, derandomised; for a longer run with
new examples each time:

    COURSEGEN_FUZZ_EXAMPLES=10000 COURSEGEN_FUZZ_RANDOM=1 .venv/bin/python -m pytest tests/test_fuzz.py

A failure can depend on what the examples before it left (the output's two copies, the cache).
With COURSEGEN_FUZZ_LOG=FILE every example is logged, and `python -m tests.replay_fuzz FILE`
replays them in one project, stopping at the first rebuild that differs from a cold build.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursegen.cli import main
from tests.test_hostile import BASE, _image

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("COURSEGEN_FUZZ_EXAMPLES", "300"))
RANDOM = bool(os.environ.get("COURSEGEN_FUZZ_RANDOM"))
LOG = os.environ.get("COURSEGEN_FUZZ_LOG")  # a file: every example is appended to it
FILES = ("content/courses/open-one.yaml", "content/courses/private-two.yaml", "content/courses/secret-three.yaml",
         "content/courses/draft-four.yaml", "content/site.yaml", "content/users.yaml", "content/categories.yaml")

# YAML that content files may not hold, or that YAML reads in surprising ways, to put where a value or a key was.
SNIPPETS = [
    "on", "no", "yes", "~", "null", "1", "-1", "0", "010", "0x1F", "0b101", "1_000", "1:20", "1:30.5", "1.0", "24.0",
    "1e400", "-.inf", ".nan", str(2**63), str(-2**63 - 1), str(10**30), "!!binary aGVsbG8=", "!!set {a, b}",
    "!!timestamp 2025-01-01", "!!python/object/apply:os.system ['true']", "!local x", "!!str 12", "!!int '7'",
    "&a [1, *a]", "*nowhere", "<<: {privacy: secret}", "{<<: {a: 1}}", "[" * 40 + "]" * 40, "[" * 2000 + "]" * 2000,
    "{a: {b: {c: {d: {e: {f: 1}}}}}}", "? [a, b]\n: x", "'quoted'", '"\\x9b\\x1b[31m"', '"\\u202e"', '"\\0"',
    '"\\ud800"', "\u2028", "\x85", "|\n  block\n  text", ">-\n  folded", "- a\n- b", "{}", "[]", '""', "''",
    "https://user:pass@host.test/", "javascript:alert(1)", "images/../../etc/passwd", "/etc/passwd", "x" * 5000,
    "2025-01-02T03:04:05Z", "2025-13-45T99:99:99Z", "open", "private", "secret", '""', "self-paced", "zqdraft",
]
# SPEC §7's keys: the seed files carry each of them, so that a mutation edits one rather than only adds it.
SYLLABUS_KEYS = ["sections", "lessons", "drip_delay", "dripped_at", "status", "enforce_lessons_order", "level",
                 "workload", "paywalls", "payment_prices", "unit_amount", "currency", "recurring_interval"]
KEYS = ["id", "name", "slug", "type", "privacy", "created_at", "created_by", "categories", "description",
        "image_original", "og_image", "member_count", "hide_member_count", "title", "base_url", "language",
        "page_size", "image_sizes", "default_image", "username", "avatar", "on", "1", "~", "<<", "? [a]", "nom",
        "join_url", *SYLLABUS_KEYS]


def mutations():
    value = st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=40),
                      st.integers(min_value=-2**70, max_value=2**70).map(str),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr))
    return st.one_of(
        # Text that passes the schema, to reach rendering: a name, a title, a Markdown description.
        st.tuples(st.just("text"), st.sampled_from(["name", "meta_title", "og_description", "description", "workload"]),
                  st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=300)),
        st.tuples(st.just("value"), st.sampled_from(KEYS), value),
        st.tuples(st.just("key"), st.text(max_size=12) | st.sampled_from(KEYS), value),
        st.tuples(st.just("cut"), st.floats(0, 1), st.just("")),
        st.tuples(st.just("bytes"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
        st.tuples(st.just("line"), st.floats(0, 1), st.sampled_from(["drop", "repeat", "indent", "dedent"])),
    )


def mutate(data: bytes, mutation: tuple) -> bytes:
    kind, where, what = mutation
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if kind == "text":  # written as JSON's string, which YAML reads as a double-quoted scalar
        what = json.dumps(what, ensure_ascii=False)
        kind = "value"
    if kind == "value":  # the key's value replaced, or the key added with it
        for index, line in enumerate(lines):
            if line.lstrip("- {").startswith(f"{where}:"):
                lines[index] = line[:line.index(":") + 1] + f" {what}\n"
                break
        else:
            lines.append(f"{where}: {what}\n")
        return "".join(lines).encode("utf-8", "surrogatepass")
    if kind == "key":
        return (text + f"{where}: {what}\n").encode("utf-8", "surrogatepass")
    if kind == "cut":
        return data[:int(len(data) * where)]
    if kind == "bytes":
        at = int(len(data) * where)
        return data[:at] + what + data[at + len(what):]
    at = min(int(len(lines) * where), len(lines) - 1)
    line = lines[at]
    lines[at:at + 1] = {"drop": [], "repeat": [line, line], "indent": ["  " + line], "dedent": [line.lstrip()]}[what]
    return "".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A valid project, built once: every example mutates one of its files and builds again."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(BASE / "content", root / "content")
    _image(root, {"path": "content/images/pic.png", "color": [200, 40, 40]})
    _image(root, {"path": "content/images/secret.png", "color": [17, 171, 3]})
    assert build(root)[0] == 0
    shutil.copyfile(root / "output/restricted/manifest.json", root / "first-manifest.json")
    return root


def build(root: Path, out: str = "output", *extra: str) -> tuple[int, str]:
    """Build, always against the first build's history: a mutation that published a draft must not make every
    later example fail the back-to-draft rule."""
    printed, errors = io.StringIO(), io.StringIO()
    history = ["--previous", str(root / "first-manifest.json")] if (root / "first-manifest.json").exists() else []
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        status = main(["build", "--quiet", "--jobs", "1", "--content", str(root / "content"), "--out", str(root / out),
                       *history, *extra])
    return status, printed.getvalue() + errors.getvalue()


def cold_build(root: Path) -> dict[str, bytes]:
    """Return what a build from nothing makes of the same files: an incremental build must make exactly that."""
    status, printed = build(root, "cold", "--no-cache")
    assert status == 0, printed
    try:
        return snapshot(root / "cold")
    finally:
        shutil.rmtree(root / "cold")
        shutil.rmtree(root / ".cold.spare", ignore_errors=True)


def differences(rebuilt: dict[str, bytes], cold: dict[str, bytes]) -> str:
    """Return which files differ and how, in a few lines each: a failure that does not repeat must still say what it saw."""
    lines = []
    for path in sorted(set(rebuilt) | set(cold)):
        if rebuilt.get(path) != cold.get(path):
            old = (rebuilt.get(path) or b"").decode("utf-8", "replace").splitlines()
            new = (cold.get(path) or b"").decode("utf-8", "replace").splitlines()
            lines += [f"== {path}", *list(difflib.unified_diff(old, new, "rebuilt", "cold", lineterm="", n=1))[2:24]]
    return "\n".join(lines)


def manifest_disagreements(output: dict[str, bytes]) -> list[str]:
    """Return the files of an output (a snapshot) whose bytes its manifest does not vouch for, and files it omits.

    `coursegen diff` and later builds trust the manifest's sha256s without reading the files. A
    comparison with a cold build misses a wrong one that the cold build makes too, and says only
    that the manifests differ; checked against the bytes, after every build, it names the file.
    """
    files = json.loads(output["restricted/manifest.json"])["files"]
    shas = {path: hashlib.sha256(data).hexdigest() for path, data in output.items() if path != "restricted/manifest.json"}
    return sorted(path for path in shas.keys() | files.keys() if shas.get(path) != files.get(path, {}).get("sha256"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@settings(max_examples=EXAMPLES, derandomize=not RANDOM, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), mutations())
def test_a_mutated_file_never_ends_in_a_traceback_or_a_damaged_output(built, target, mutation):
    path = built / target
    original = path.read_bytes()
    before = snapshot(built / "output")
    try:
        path.write_bytes(mutate(original, mutation))
        status, printed = build(built)
        if LOG:  # a long run's examples, in order, for tests/replay_fuzz.py to replay a failure that depends on them
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(f"{(target, mutation, status)!r}\n")
        assert status in (0, 1, 2), printed
        assert "Traceback" not in printed and "internal error" not in printed, printed
        after = snapshot(built / "output")
        wrong = manifest_disagreements(after)
        assert not wrong, f"the live manifest vouches for other bytes than these files hold: {wrong}\n{printed}"
        if status != 0:
            assert after == before, f"a failed build changed the output:\n{printed}"
        else:
            cold = cold_build(built)
            assert after == cold, f"the rebuild made other bytes than a cold build:\n{differences(after, cold)}"
    finally:
        path.write_bytes(original)


def test_the_seed_files_carry_the_syllabus_keys():
    """A value mutation edits the first line with its key: the seed files must have one for each of §7's keys."""
    lines = [line.lstrip("- {") for target in FILES for line in (BASE / target).read_text("utf-8").splitlines()]
    assert [key for key in SYLLABUS_KEYS if not any(line.startswith(f"{key}:") for line in lines)] == []


def test_the_mutations_change_the_file():
    """The fuzzer is only as good as its mutations: each kind changes the bytes it is given."""
    data = (BASE / "content/courses/open-one.yaml").read_bytes()
    for mutation in [("text", "name", "Ünïcödé"), ("value", "privacy", "secret"), ("key", "on", "1"), ("cut", 0.5, ""),
                     ("bytes", 0.3, b"\xff\xfe"),
                     ("line", 0.5, "drop"), ("line", 0.1, "repeat")]:
        assert mutate(data, mutation) != data, mutation
