#!/usr/bin/env bash
# Registry scale benchmark: starts a local cluster (a seed, the registry node, and N peers)
# under a temporary home and, through peer-1's HTTP API with T client threads (the command
# line's own HttpJewelClient, driven by benchmarks/…/RegistryScale.java), stores F files of
# 1 KiB of distinct bytes each with `hosting`. It reports:
#   - store latency p50 and p99, and stores per second, over the 1,000 stores that completed
#     before each of 1,000, 10,000, 100,000 and F files, and over all F;
#   - ls of all F files: the client's ls() (every page), twice, and the one-shot `./jewel ls`;
#   - the registry node's collections during the stores (jstat), and its heap after a full GC (jcmd GC.class_histogram's total: live objects),
#     before the stores, after them, and after the recovery below;
#   - recovery: SIGKILL of the seed (`jewel kill seed`), `jewel revive seed`, and the time from
#     the kill until ls lists every file again; from the seed's node.log, when the new JVM logged
#     its start, started the registry singleton and logged "registry … recovered".
# One table at the end (Markdown); progress on stderr. The registry's journal is LevelDB on the
# seed's disk, or PostgreSQL with --journal (give it an empty database: the files are named
# scale-0000000 …, and a database that has them already makes every store a conflict).
# Node JVMs run with JEWEL_NODE_OPTS (default -Xmx256m -XX:+UseSerialGC).
#
#   bench/registry-scale.sh [--files F] [--threads T] [--peers N] [--port P] [--journal URL]
#   bench/registry-scale.sh --files 100000 --journal 'jdbc:postgresql://127.0.0.1:5432/b1?user=postgres'
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd -P)"
files=100000
threads=8
peers=3
port=""
journal=""
while (($#)); do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --peers) peers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --journal) journal="$2"; shift 2 ;;
    *) echo "usage: bench/registry-scale.sh [--files F] [--threads T] [--peers N] [--port P] [--journal URL]" >&2; exit 2 ;;
  esac
done

# The driver's jar (the benchmarks module's, with the command line in it), built when missing or
# older than its sources; offline first, as the dependencies are usually all there.
bench_jar="$here/benchmarks/target/benchmarks.jar"
stale() {
  [[ -f "$bench_jar" ]] || return 0
  [[ -n "$(find "$here/pom.xml" "$here"/{api,codec,persistence,cli,benchmarks}/pom.xml \
    "$here"/{api,codec,persistence,cli,benchmarks}/src/main -newer "$bench_jar" -type f -print -quit)" ]]
}
if stale; then
  echo "building benchmarks/target/benchmarks.jar…" >&2
  mvn_package() { (cd "$here" && mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -pl benchmarks -am "$@" package); }
  mvn_package -o >/dev/null 2>&1 || mvn_package >&2
fi

# A port whose cluster ports (port .. port+N) and API ports (+1000) nobody listens on.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free() {
  local p
  for ((p = $1; p <= $1 + peers; p++)); do
    listening "$p" && return 1
    listening $((p + 1000)) && return 1
  done
  return 0
}
if [[ -z "$port" ]]; then
  for _ in {1..50}; do
    port=$((20000 + RANDOM % 11000))  # below the ephemeral ports (32768 and up), API ports at +1000
    free "$port" && break
  done
fi
free "$port" || { echo "bench: ports $port to $((port + peers)) (or +1000) are taken" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/regbench-XXXXXX")"
home="$work/home"
jewel() { "$here/jewel" --home "$home" --port "$port" "$@"; }
cleanup() { jewel down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
driver() { java -XX:+UseSerialGC -cp "$bench_jar" jewel.benchmarks.RegistryScale "$@"; }

rows="$work/rows"
: >"$rows"
row() { printf '%s\t%s\n' "$1" "$2" >>"$rows"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# Live objects on the registry node's heap: the histogram is taken after a full GC.
heap() {
  jcmd "$(cat "$home/seed/pid")" GC.class_histogram | awk '$1 == "Total" { printf "%.1f MiB", $3 / 1048576 }'
}
# Seconds from clock time $1 (HH:MM:SS.fraction) to clock time $2, across midnight too.
clock_diff() {
  awk -v a="$1" -v b="$2" 'function s(t, p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
    BEGIN { d = s(b) - s(a); if (d < 0) d += 86400; printf "%.1f", d }'
}

load_start="$(load)"
if [[ -n "$journal" ]]; then
  jewel up "$peers" --journal "$journal" >&2
else
  jewel up "$peers" >&2
fi
api="$(cat "$home/peer-1/api")"
# The driver's clients send the admin token up wrote into the home.
JEWEL_TOKEN="$(cat "$home/admin-token")"
export JEWEL_TOKEN
row "registry heap after full GC, empty" "$(heap)"

echo "storing $files files through $api with $threads threads…" >&2
driver store --api "$api" --files "$files" --threads "$threads" >>"$rows"
load_stored="$(load)"
# What the collector cost the registry node so far (jstat reads counters, it stops nothing).
row "registry node's GC, start to end of the stores" \
  "$(jstat -gcutil "$(cat "$home/seed/pid")" | awk 'NR == 2 { printf "%d full GCs (%.1f s), %d young (%.1f s)", $9, $10, $7, $8 }')"
driver ls --api "$api" --files "$files" >>"$rows"
t=$(now)
listed=$(jewel ls | wc -l)
row "ls of $files files (one-shot ./jewel ls, $listed lines)" "$(since "$t") s"
row "registry heap after full GC, $files files" "$(heap)"
[[ -z "$journal" ]] && row "registry LevelDB on disk (journal + snapshots)" "$(du -sh "$home/seed/registry" | cut -f1)"

# Recovery: SIGKILL the registry node, start it again, ask until ls lists every file.
echo "killing the seed…" >&2
kill_ms=$(date +%s%3N)
kill_clock=$(date +%T.%N)
jewel kill seed >&2
driver wait --api "$api" --files "$files" --since "$kill_ms" --timeout 900 >"$work/wait" &
waiter=$!
jewel revive seed >&2
revived_s=$(awk -v a="$kill_ms" -v b="$(date +%s%3N)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
wait "$waiter"
row "kill seed -> revive seed returned" "$revived_s s"
# The new incarnation's lines in node.log (the file is appended to): its first, the registry
# singleton's start, and the recovery.
log="$home/seed/node.log"
mark() { grep -F "$1" "$log" | tail -1 | cut -d' ' -f1; }
started=$(mark "Slf4jLogger started")
singleton=$(mark "starting singleton actor [pekko://jewel/system/singletonManagerregistry/registry]")
recovered_line=$(grep -F "recovered:" "$log" | tail -1)
[[ -n "$started" ]] && row "kill seed -> new seed JVM logs its start" "$(clock_diff "$kill_clock" "$started") s"
[[ -n "$singleton" ]] && row "kill seed -> registry singleton starts" "$(clock_diff "$kill_clock" "$singleton") s"
if [[ -n "$recovered_line" ]]; then
  replay=""
  [[ -n "$singleton" ]] && replay=" ($(clock_diff "$singleton" "${recovered_line%% *}") s after the singleton's start)"
  row "kill seed -> \"recovered\" in node.log" "$(clock_diff "$kill_clock" "${recovered_line%% *}") s$replay"
fi
cat "$work/wait" >>"$rows"
row "registry heap after full GC, recovered" "$(heap)"

echo
echo "Registry scale: $files files (hosting, 1 KiB each), $threads client threads, 1 seed + $peers peers," \
  "journal $([[ -n "$journal" ]] && echo PostgreSQL || echo LevelDB), nodes ${JEWEL_NODE_OPTS:--Xmx256m -XX:+UseSerialGC}"
echo "$(nproc) cores; load average at the start $load_start, after the stores $load_stored, at the end $(load)"
echo "node.log: ${recovered_line:-no \"recovered\" line}"
echo
echo "| measure | value |"
echo "|---|---|"
awk -F'\t' '{ printf "| %s | %s |\n", $1, $2 }' "$rows"
