#!/usr/bin/env bash
# Whole-system benchmark: starts a local cluster under a temporary home and, for each
# scheme, stores a file of fresh random bytes through a peer's HTTP API (the one-shot
# CLI), reads it back and checks the bytes. Then it SIGKILLs two holders of the last
# Reed-Solomon file, reads it again and repairs every file. Every figure stands beside `cp` + `sync` of the
# same file on the same disk. With the AWS CLI installed, it also copies a file up and down
# through a peer's S3 listener with `aws s3 cp`. Node JVMs run with JEWEL_NODE_OPTS (default -Xmx256m), so a
# file larger than their heap shows that memory per transfer is bounded. Nodes are servers
# that run for days, so before measuring, each scheme (and naive with a copy on every peer)
# stores, reads and deletes a 64 MiB file twice, so that every node's JIT has compiled the
# paths measured (--cold skips it).
#
#   bench/store-get.sh [--peers N] [--mib SIZE] [--cold] [SCHEME ...]
#   bench/store-get.sh --peers 6 --mib 512 "naive n=2" "reedsolomon k=4 n=6"
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd -P)"
peers=6
mib=512
schemes=()
warm=1
while (($#)); do
  case "$1" in
    --cold) warm=0; shift ;;
    --peers) peers="$2"; shift 2 ;;
    --mib) mib="$2"; shift 2 ;;
    *) schemes+=("$1"); shift ;;
  esac
done
((${#schemes[@]})) || schemes=("naive n=2" "reedsolomon k=4 n=6")

work="$(mktemp -d "${TMPDIR:-/tmp}/jewel-bench.XXXXXX")"
port=$((20000 + RANDOM % 11000))  # below the ephemeral ports (32768 and up), API ports at +1000
jewel() { "$here/jewel" --home "$work/home" --port "$port" "$@"; }
cleanup() { jewel down >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

bytes=$((mib * 1024 * 1024))
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
fresh() { head -c "$bytes" /dev/urandom > "$1"; }

fresh "$work/input.bin"
t=$(now); cp "$work/input.bin" "$work/copy.bin"; sync; cp_s=$(since "$t"); rm -f "$work/copy.bin"
cp_rate=$(rate "$cp_s")
row() { # what seconds
  printf '%-40s %8s %8s %7s\n' "$1" "$2" "$(rate "$2")" "$(awk -v r="$(rate "$2")" -v c="$cp_rate" 'BEGIN { printf "%.2f", r / c }')"
}

jewel up "$peers" >&2
if ((warm)); then
  # Twice, and first with a copy on every peer: a peer the measured store picks must not be
  # compiling its hot paths while it is measured (the JIT took 1 to 1.5 CPU-seconds of a
  # holder's 512 MiB store when only the warm-up's own holders had been warmed).
  head -c $((64 * 1024 * 1024)) /dev/urandom > "$work/warm.bin"
  for round in 1 2; do
    for s in "naive n=$peers" "${schemes[@]}"; do
      read -r -a words <<<"$s"
      jewel store "$work/warm.bin" --as warm.bin --scheme "${words[@]}" --quiet
      jewel get warm.bin -o "$work/warm.out" --quiet
      jewel delete warm.bin >/dev/null
      rm -f "$work/warm.out"
    done
  done
  rm -f "$work/warm.bin"
fi
printf '%-40s %8s %8s %7s\n' "${mib} MiB, ${peers} peers$( ((warm)) || echo ', cold')" "seconds" "MB/s" "× cp"
row "cp + sync" "$cp_s"
i=0
last_rs=""
for s in "${schemes[@]}"; do
  i=$((i + 1))
  name="bench-$i.bin"
  fresh "$work/input.bin"
  read -r -a words <<<"$s"
  t=$(now); jewel store "$work/input.bin" --as "$name" --scheme "${words[@]}" >/dev/null; row "store $s" "$(since "$t")"
  t=$(now); jewel get "$name" -o "$work/output.bin" >/dev/null; row "get $s" "$(since "$t")"
  cmp -s "$work/input.bin" "$work/output.bin" || { echo "bench: $s returned different bytes" >&2; exit 1; }
  rm -f "$work/output.bin"
  [[ "${words[0]}" == reedsolomon ]] && { last_rs="$name"; cp "$work/input.bin" "$work/rs.bin"; }
done

# The AWS CLI against peer-1's S3 listener (multipart above 8 MiB), with the last scheme.
if command -v aws >/dev/null; then
  read -r -a words <<<"${schemes[-1]}"
  eval "$(jewel s3 key create --label bench | sed 's/^/export /')"
  export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  s3_url=$(jewel peers --json | python3 -c '
import json, sys
print(next(p["s3"] for p in json.load(sys.stdin)["peers"] if p["name"] == "peer-1"))')
  aws_s3() { aws --endpoint-url "$s3_url" s3 "$@"; }
  aws_s3 mb s3://bench >/dev/null
  fresh "$work/input.bin"
  t=$(now); aws_s3 cp "$work/input.bin" s3://bench/input.bin --only-show-errors \
    --metadata "{\"jewel-scheme\":\"${words[*]}\"}"; row "aws s3 cp up (${words[*]})" "$(since "$t")"
  t=$(now); aws_s3 cp s3://bench/input.bin "$work/output.bin" --only-show-errors; row "aws s3 cp down" "$(since "$t")"
  cmp -s "$work/input.bin" "$work/output.bin" || { echo "bench: S3 returned different bytes" >&2; exit 1; }
  rm -f "$work/output.bin"
  aws_s3 rm s3://bench/input.bin >/dev/null
fi

if [[ -n "$last_rs" ]]; then
  # Two holders of the Reed-Solomon file's jewels, never the node the CLI talks to first is
  # known here, so the CLI fails over if it must.
  mapfile -t victims < <(jewel status "$last_rs" --json | python3 -c '
import json, sys
holders = []
for b in json.load(sys.stdin)["blocks"]:
    for h in b["holders"]:
        if h not in holders:
            holders.append(h)
print("\n".join(holders[:2]))')
  for v in "${victims[@]}"; do jewel kill "$v" >&2; done
  t=$(now); jewel get "$last_rs" -o "$work/output.bin" >/dev/null; row "get, ${victims[*]} killed" "$(since "$t")"
  cmp -s "$work/rs.bin" "$work/output.bin" || { echo "bench: the degraded read returned different bytes" >&2; exit 1; }
  # Repair: re-create, on the peers left, what the killed holders had; MB/s of re-created blocks.
  for ((n = 1; n <= i; n++)); do
    t=$(now)
    made=$(jewel repair "bench-$n.bin" --json | python3 -c '
import json, sys
print(sum(f["bytes"] for f in json.load(sys.stdin)["files"]))')
    s=$(since "$t")
    printf '%-40s %8s %8s\n' "repair bench-$n.bin ($((made / 1048576)) MiB new)" "$s" \
      "$(awk -v b="$made" -v s="$s" 'BEGIN { printf "%.0f", b / 1e6 / s }')"
  done
fi
echo "(each command is a one-shot CLI: JVM start plus one HTTP request to a peer)" >&2
