#!/usr/bin/env bash
# Long fuzz run over every importer entry point with libFuzzer + AddressSanitizer.
#
#   Scripts/reliability/fuzz-importers.sh [RUNS] [ENTRY…]
#
# RUNS defaults to 1000000 executions per entry; ENTRY defaults to all (see
# `aksposture-fuzz-import entries`). Seeds are generated at run time from $AKSPOSTURE_CORPUS
# (default ../shared/corpus) and snapshots/, into $FUZZ_WORK (default /tmp/aksposture-fuzz);
# nothing is copied into the repository. A crash, a hang over 1 s (-timeout=1), an OOM or a
# contract violation (an error that is not an ImportError naming the file and a JSON path)
# stops that entry and leaves the input in $FUZZ_WORK/artifacts/<entry>/.
# The summary table for RELIABILITY.md is written to $FUZZ_WORK/summary.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-1000000}"; shift || true
WORK="${FUZZ_WORK:-/tmp/aksposture-fuzz}"
FUZZ_BUILD=".build-fuzz"
mkdir -p "$WORK"

echo "== building the seed tool and the libFuzzer binary"
swift build --product aksposture-fuzz-import >/dev/null
swift build -c release --build-path "$FUZZ_BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    --product aksposture-fuzz-import 2>&1 | grep -E "error|Compiling|complete" || true
FUZZER="$FUZZ_BUILD/release/aksposture-fuzz-import"
[ -x "$FUZZER" ] || { echo "fuzz build failed" >&2; exit 1; }

rm -rf "$WORK/seeds"
.build/debug/aksposture-fuzz-import seeds "$WORK/seeds"

if [ $# -gt 0 ]; then ENTRIES=("$@"); else mapfile -t ENTRIES < <(.build/debug/aksposture-fuzz-import entries); fi

SUMMARY="$WORK/summary.md"
{
  echo "| entry | executions | seeds | corpus after | crashes / hangs / OOMs / violations | peak RSS | wall time | result |"
  echo "|---|---:|---:|---:|---|---:|---:|---|"
} > "$SUMMARY"

status=0
for entry in "${ENTRIES[@]}"; do
  corpus="$WORK/corpus/$entry"; artifacts="$WORK/artifacts/$entry/"; log="$WORK/$entry.log"
  mkdir -p "$corpus" "$artifacts"
  maxlen=65536; [ "$entry" = bundle ] && maxlen=131072
  seeds=$(ls "$WORK/seeds/$entry" | wc -l)
  echo "== $entry: $RUNS runs, $seeds seeds, max_len $maxlen"
  start=$(date +%s)
  set +e
  AKSPOSTURE_FUZZ_ENTRY="$entry" SWIFT_BACKTRACE=enable=no \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1" \
    "$FUZZER" -runs="$RUNS" -timeout=1 -max_len="$maxlen" -rss_limit_mb=4096 -malloc_limit_mb=4096 \
      -dict=Fuzz/json.dict -print_final_stats=1 -artifact_prefix="$artifacts" \
      "$corpus" "$WORK/seeds/$entry" >"$log" 2>&1
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(ls "$artifacts" | grep -c '^crash-' || true)
  hangs=$(ls "$artifacts" | grep -c '^timeout-' || true)
  ooms=$(ls "$artifacts" | grep -c '^oom-\|^leak-' || true)
  violations=$(grep -c 'contract violation' "$log" || true)
  kept=$(ls "$corpus" | wc -l)
  result="held"
  if [ "$rc" -ne 0 ] || [ "$crashes$hangs$ooms$violations" != "0000" ]; then result="FAILED (exit $rc, see $log)"; status=1; fi
  echo "| $entry | $execs | $seeds | $kept | $crashes / $hangs / $ooms / $violations | ${rss} MB | ${secs} s | $result |" >> "$SUMMARY"
  tail -1 "$SUMMARY"
done
echo "== summary ($SUMMARY)"
cat "$SUMMARY"
exit $status
