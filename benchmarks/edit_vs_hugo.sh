#!/bin/sh
# A one-course edit rebuilt by coursegen (A) against a cold build of the same catalog by Hugo (B),
# side by side, as paired ratios (the issue's bar: A/B under 0.25).
#   benchmarks/edit_vs_hugo.sh 10000 [RUNS]      (needs `coursegen` on PATH and Debian's `hugo`)
#
# Each A run changes one course's description (its first heading) and rebuilds; before the runs,
# a cold build and two edits bring the output to where an editor's saves find it. The catalogs
# come from the shared bench kit (../shared/bench, or $BENCH_KIT) into $BENCH_DIR, as vs_hugo.sh
# makes them; coursegen edits a copy of its own.
set -eu
N=${1:-10000}; RUNS=${2:-5}
KIT=${BENCH_KIT:-$(cd "$(dirname "$0")/../../shared/bench" && pwd)}
W=${BENCH_DIR:-/tmp/coursegen-bench}
command -v hugo >/dev/null || { echo "hugo not found: apt-get install -y hugo" >&2; exit 2; }
command -v coursegen >/dev/null || { echo "coursegen not found on PATH" >&2; exit 2; }
if [ ! -d "$W/hugo-$N" ]; then
  mkdir -p "$W/hugo-$N" && cp -R "$KIT/peers/hugo/." "$W/hugo-$N/"
  python3 "$KIT/make_catalog.py" --n "$N" --out "$W/hugo-$N" --format hugo
fi
E="$W/edit-$N"
if [ ! -d "$E/content" ]; then
  mkdir -p "$E"
  python3 "$KIT/make_catalog.py" --n "$N" --out "$E/content" --format coursegen
fi
COURSE="$E/content/courses/$(ls "$E/content/courses" | sort | sed -n "$((N / 2))p")"
# The heading becomes "## About <name> (edited <nanoseconds>)": a new description every run.
cat > "$E/edit.sh" <<EOF
sed -i "s/^  ## About \(.*\)\( (edited [0-9]*)\)\?\$/  ## About \1 (edited \$(date +%N))/" "$COURSE"
EOF
BUILD="coursegen build --quiet --content $E/content --out $E/output --base-url https://courses.example.com/"
$BUILD && sh "$E/edit.sh" && $BUILD && sh "$E/edit.sh" && $BUILD
mkdir -p "$W/out"
python3 "$KIT/pair_bench.py" -n "$RUNS" \
  --a "sh $E/edit.sh && $BUILD" \
  --b "cd $W/hugo-$N && hugo --quiet -d \$(mktemp -d $W/out/hugo.XXXXXX)"
rm -rf "$W/out"
