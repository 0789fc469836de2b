#!/usr/bin/env bash
# The long variants of the reliability runs (the quick ones run in `swift test`).
#
#   Scripts/reliability/long-runs.sh hostile       # every hostile input through every importer, release build, 1 s CPU bound
#   Scripts/reliability/long-runs.sh kill9 [N]     # N (200) kill -9 at random moments of `aksposture import`
#   Scripts/reliability/long-runs.sh concurrency [S]  # collector every 200 ms + 3 readers for S (600) seconds
#   Scripts/reliability/long-runs.sh signals [N]   # N (10) runs per signal against `collect --every`
#   Scripts/reliability/long-runs.sh fuzz [RUNS]   # libFuzzer, RUNS (1000000) per importer entry (fuzz-importers.sh)
#   Scripts/reliability/long-runs.sh all
#
# Logs go to $RELIABILITY_LOGS (default /tmp/aksposture-reliability); each run prints the lines
# RELIABILITY.md quotes. Mounting tmpfs (disk-full, read-only tests) needs root; those tests
# skip with a message otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
LOGS="${RELIABILITY_LOGS:-/tmp/aksposture-reliability}"
mkdir -p "$LOGS"

quote() { grep -E "$1" "$2" | grep -v "^Test Case.*started" || true; }

run_test() {  # name filter env...
  local name="$1" filter="$2"; shift 2
  echo "== $name ($(date -u +%FT%TZ))"
  swift build --build-tests >/dev/null 2>&1
  set +e
  env "$@" swift test --skip-build --filter "$filter" >"$LOGS/$name.log" 2>&1
  local rc=$?
  set -e
  quote "kill -9:|reader:|writer:|run [0-9]+ at|disk full|passed \(|failed \(|error:" "$LOGS/$name.log"
  echo "== $name: exit $rc (log $LOGS/$name.log)"
  return $rc
}

hostile() {
  echo "== hostile inputs, release build"
  swift build -c release --product aksposture-fuzz-import >/dev/null
  .build/release/aksposture-fuzz-import hostile 1 | tee "$LOGS/hostile.log" | tail -12
}

case "${1:-all}" in
  hostile) hostile ;;
  kill9) run_test kill9 ReliabilityTests.StoreFaultTests/testKillNineDuringImportLeavesCompleteSnapshotsOnly AKSPOSTURE_KILL_RUNS="${2:-200}" ;;
  concurrency) run_test concurrency ReliabilityTests.ConcurrencyTests/testCollectorEvery200msWithThreeReaders AKSPOSTURE_CONCURRENCY_SECONDS="${2:-600}" ;;
  signals) run_test signals ReliabilityTests.CollectorSignalTests AKSPOSTURE_SIGNAL_RUNS="${2:-10}" ;;
  fuzz) Scripts/reliability/fuzz-importers.sh "${2:-1000000}" ;;
  all)
    status=0
    hostile || status=1
    "$0" kill9 || status=1
    "$0" concurrency || status=1
    "$0" signals || status=1
    "$0" fuzz || status=1
    exit $status ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
