"""Benchmark coursegen builds on synthetic catalogs: cold, no change, one-course edits, a template edit.

    python benchmarks/run.py --sizes 1000 10000 [--runs 3] [--jobs N] [--json results.json]

Catalogs come from the shared generator (`make_catalog.py --format coursegen`); each figure is
the median of --runs whole-process runs: wall seconds, CPU seconds (user+sys of the build and
its workers), peak RSS of the largest process, and courses per second.

"one course edited" is the first rebuild after a cold build: it also makes the spare copy of
the output (a hard link per unchanged file; see the double-buffered output in
docs/user/project.md); "one course edited again" is every save after that, what an editor
running builds meets. The figures and the method are in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_MAKER = HERE.parent.parent / "shared" / "bench" / "make_catalog.py"


def timed(command: list[str]) -> dict:
    """Run one command to completion; return its wall, CPU and peak-memory figures."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {' '.join(command)}\n{errors[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def make_catalog(maker: Path, size: int, work: Path) -> Path:
    project = work / f"catalog-{size}"
    content = project / "content"
    if not (content / "site.yaml").exists():
        subprocess.run([sys.executable, str(maker), "--n", str(size), "--out", str(content),
                        "--format", "coursegen"], check=True, stderr=subprocess.DEVNULL)
    shutil.rmtree(project / "templates", ignore_errors=True)
    return project


def edit_one_course(content: Path, round_number: int) -> None:
    """Change one course's description, as an editor would: its first heading gets a new ending.

    The synthetic descriptions start with "## About <name>"; a catalog without one fails here
    rather than timing a rebuild of a file whose content did not change.
    """
    paths = sorted((content / "courses").glob("*.yaml"))
    path = paths[len(paths) // 2]
    text = path.read_text("utf-8")
    edited, count = re.subn(r"^(\s*## About .*?)(?: \(edited [0-9]+\))?$", rf"\1 (edited {round_number})", text,
                            count=1, flags=re.MULTILINE)
    if count != 1 or edited == text:
        raise SystemExit(f"cannot edit {path}: no '## About' heading in its description")
    path.write_text(edited, "utf-8")


def edit_template(project: Path, round_number: int) -> None:
    """Override the course template with a one-line change, as a designer would."""
    builtin = HERE.parent / "coursegen" / "site" / "templates" / "course.html"
    target = project / "templates" / "course.html"
    target.parent.mkdir(exist_ok=True)
    target.write_text(builtin.read_text("utf-8") + f"{{# edit {round_number} #}}\n", "utf-8")


def bench_size(size: int, args) -> dict:
    project = make_catalog(args.maker, size, args.work)
    scenarios = ("cold", "no change", "one course edited", "one course edited again", "template edited")
    results: dict[str, list[dict]] = {scenario: [] for scenario in scenarios}
    outputs = []
    for round_number in range(args.runs):
        # Each round builds into a folder of its own and nothing is deleted until the end:
        # on an ext4 file system without a journal (as here), files created within a minute or
        # more of a mass deletion cost several times their usual time, and a cold build that
        # followed `rm -rf output` would measure the deletion, not the build.
        out = project / f"output-{round_number}"
        outputs.append(out)
        build = [sys.executable, "-m", "coursegen", "build", "--quiet", "--content", str(project / "content"),
                 "--out", str(out), "--base-url", "https://courses.example.com/"]
        if args.jobs:
            build += ["--jobs", str(args.jobs)]
        shutil.rmtree(project / "templates", ignore_errors=True)
        results["cold"].append(timed(build))
        results["no change"].append(timed(build))
        edit_one_course(project / "content", 2 * round_number)  # the first rebuild makes the spare copy
        results["one course edited"].append(timed(build))
        edit_one_course(project / "content", 2 * round_number + 1)  # an editor's every later save
        results["one course edited again"].append(timed(build))
        edit_template(project, round_number)
        results["template edited"].append(timed(build))
    for out in outputs:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / f".{out.name}.spare", ignore_errors=True)
    shutil.rmtree(project / ".coursegen-cache", ignore_errors=True)
    table = {}
    for scenario, runs in results.items():
        wall = statistics.median(r["wall"] for r in runs)
        table[scenario] = {"wall_s": round(wall, 3), "cpu_s": round(statistics.median(r["cpu"] for r in runs), 3),
                           "peak_mib": round(max(r["peak_mib"] for r in runs), 1),
                           "courses_per_s": round(size / wall)}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="passed to build --jobs (default: its own default)")
    parser.add_argument("--maker", type=Path, default=DEFAULT_MAKER, help="path to make_catalog.py")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "coursegen-bench")
    parser.add_argument("--json", type=Path, help="also save the table as JSON here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    report = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
              "runs": args.runs, "sizes": {}}
    print(f"{'courses':>8} {'scenario':<24} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'courses/s':>10}")
    for size in args.sizes:
        table = bench_size(size, args)
        report["sizes"][str(size)] = table
        for scenario, row in table.items():
            print(f"{size:>8} {scenario:<24} {row['wall_s']:>8.3f} {row['cpu_s']:>8.3f} {row['peak_mib']:>9.1f} "
                  f"{row['courses_per_s']:>10}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
