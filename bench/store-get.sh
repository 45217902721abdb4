#!/usr/bin/env bash
# Whole-system benchmark: starts a local cluster under a temporary home, stores a
# generated file with each given scheme, reads it back, checks the bytes, and prints
# MB/s for both directions. Node JVMs run with JEWEL_NODE_OPTS (default -Xmx256m), so a
# file larger than their heap shows that memory per transfer is bounded.
#
#   bench/store-get.sh [--peers N] [--mib SIZE] [SCHEME ...]
#   bench/store-get.sh --mib 512 "naive n=2" "reedsolomon k=3 n=5"
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd -P)"
peers=5
mib=512
schemes=()
while (($#)); do
  case "$1" in
    --peers) peers="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    *) schemes+=("$1"); shift ;;
  esac
done
((${#schemes[@]})) || schemes=("hosting" "naive n=2")

work="$(mktemp -d "${TMPDIR:-/tmp}/jewel-bench.XXXXXX")"
port=$((20000 + RANDOM % 12000))  # below the ephemeral ports (32768 and up)
jewel() { "$here/jewel" --home "$work/home" --port "$port" "$@"; }
cleanup() { jewel down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "generating ${mib} MiB of random bytes…" >&2
head -c "$((mib * 1024 * 1024))" /dev/urandom > "$work/input.bin"
jewel up "$peers" >&2

rate() { # bytes seconds -> MB/s
  awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'
}
bytes=$((mib * 1024 * 1024))
printf '%-28s %10s %10s %10s %10s\n' "scheme (${mib} MiB, ${peers} peers)" "store s" "store MB/s" "get s" "get MB/s"
i=0
for s in "${schemes[@]}"; do
  i=$((i + 1))
  name="bench-$i.bin"
  read -r -a words <<<"$s"
  t0=$(date +%s.%N)
  jewel store "$work/input.bin" --as "$name" --scheme "${words[@]}" >/dev/null
  t1=$(date +%s.%N)
  jewel get "$name" -o "$work/output-$i.bin" >/dev/null
  t2=$(date +%s.%N)
  cmp -s "$work/input.bin" "$work/output-$i.bin" || { echo "bench: $s returned different bytes" >&2; exit 1; }
  rm -f "$work/output-$i.bin"
  st=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  gt=$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')
  printf '%-28s %10.1f %10s %10.1f %10s\n' "$s" "$st" "$(rate "$bytes" "$st")" "$gt" "$(rate "$bytes" "$gt")"
done
echo "(times include the CLI's JVM start and cluster join, about 3-5 s per command)" >&2
