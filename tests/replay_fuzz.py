"""Replay a sequence of fuzz examples in one project, as tests/test_fuzz.py ran them, and stop at the first
rebuild that makes other bytes than a cold build.

    .venv/bin/python -m tests.replay_fuzz tests/cases/fuzz-replays/rebuild-unlike-cold.txt

A sequence file has one example a line, `(target, mutation, status it gave)`, as a long fuzz run
logs them. The state that makes a rebuild go wrong is left by the examples before it (the output's
two copies, their records, the cache), so a failure is replayed from the whole sequence, not from
its last example. Not a test: a known failure is kept here until it is found and fixed (see the
note of stop 20 on issue 14).
"""

from __future__ import annotations

import ast
import shutil
import sys
import tempfile
from pathlib import Path

from tests.test_fuzz import BASE, build, cold_build, differences, manifest_disagreements, mutate, snapshot
from tests.test_hostile import _image


def replay(sequence: Path) -> int:
    steps = [ast.literal_eval(line) for line in sequence.read_text("utf-8").splitlines() if line.strip()]
    root = Path(tempfile.mkdtemp(prefix="coursegen-replay-"))
    shutil.copytree(BASE / "content", root / "content")
    _image(root, {"path": "content/images/pic.png", "color": [200, 40, 40]})
    _image(root, {"path": "content/images/secret.png", "color": [17, 171, 3]})
    assert build(root)[0] == 0
    shutil.copyfile(root / "output/restricted/manifest.json", root / "first-manifest.json")
    for number, (target, mutation, _) in enumerate(steps):
        path = root / target
        original = path.read_bytes()
        path.write_bytes(mutate(original, mutation))
        status = build(root)[0]
        wrong = manifest_disagreements(snapshot(root / "output"))
        if wrong:
            print(f"step {number} of {len(steps)}: {target} {mutation}: the manifest vouches for other bytes than "
                  f"{wrong} hold (project left in {root})")
            return 1
        if status == 0:
            rebuilt, cold = snapshot(root / "output"), cold_build(root)
            if rebuilt != cold:
                print(f"step {number} of {len(steps)}: {target} {mutation}: the rebuild differs from a cold build "
                      f"(project left in {root})\n{differences(rebuilt, cold)}")
                return 1
        path.write_bytes(original)
    print(f"replayed {len(steps)} examples: every rebuild made what a cold build makes")
    shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(replay(Path(sys.argv[1])))
