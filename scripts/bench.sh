#!/usr/bin/env bash
# Runs the ordo-one/benchmark suites in Benchmarks/ (built in .build-bench, apart from the
# everyday build). Extra arguments go to the benchmark plugin, e.g. `--filter digest`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export TETHER_BENCHMARKS=1
swift package --scratch-path .build-bench --allow-writing-to-package-directory benchmark "$@"
