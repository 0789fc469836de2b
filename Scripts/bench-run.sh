#!/usr/bin/env bash
# Builds the benchmark harness and the aksposture executable (row 5 drives it under a
# pseudo-terminal), then runs the suite. Arguments go to `aksposture-bench run`, e.g.
#   Scripts/bench-run.sh --quick
#   Scripts/bench-run.sh --scales S,M --rows 1,2 --out-table /tmp/table.txt
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product aksposture-bench
swift build -c release --product aksposture
exec "$(swift build -c release --show-bin-path)/aksposture-bench" run "$@"
