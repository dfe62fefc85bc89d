#!/bin/sh
# Cold build by coursegen (A) and by Hugo (B) of the same catalog with a syllabus in every course
# (issue 16's bar: 5–12 sections of 3–8 lessons), side by side, as paired medians and ratios.
#   benchmarks/syllabi_vs_hugo.sh 10000 [RUNS]   (needs `coursegen` on PATH and Debian's `hugo`)
# The catalogs are the shared kit's (../shared/bench, or $BENCH_KIT) with benchmarks/syllabi.py's
# syllabi added; Hugo's layout lists the syllabus too (benchmarks/peers/hugo-syllabus/).
set -eu
N=${1:-10000}; RUNS=${2:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
KIT=${BENCH_KIT:-$(cd "$HERE/../../shared/bench" && pwd)}
W=${BENCH_DIR:-/tmp/coursegen-bench}
command -v hugo >/dev/null || { echo "hugo not found: apt-get install -y hugo" >&2; exit 2; }
command -v coursegen >/dev/null || { echo "coursegen not found on PATH" >&2; exit 2; }
if [ ! -d "$W/cgs-$N" ] || [ ! -d "$W/hugos-$N" ]; then
  rm -rf "$W/cgs-$N" "$W/hugos-$N"
  mkdir -p "$W/hugos-$N" && cp -R "$KIT/peers/hugo/." "$W/hugos-$N/"
  python3 "$KIT/make_catalog.py" --n "$N" --out "$W/hugos-$N" --format hugo
  python3 "$KIT/make_catalog.py" --n "$N" --out "$W/cgs-$N" --format coursegen
  python3 "$HERE/syllabi.py" "$W/cgs-$N" "$W/hugos-$N"
fi
mkdir -p "$W/out"; rm -rf "$W/out"/*
python3 "$KIT/pair_bench.py" -n "$RUNS" \
  --a "coursegen build --content $W/cgs-$N --out \$(mktemp -d $W/out/cg.XXXXXX)/site --base-url https://courses.example.com/" \
  --b "cd $W/hugos-$N && hugo --quiet -d \$(mktemp -d $W/out/hugo.XXXXXX)"
rm -rf "$W/out"
