#!/usr/bin/env bash
# The test command: install build dependencies, check formatting, build every product and the
# tests, then run all tests (the CLI tests run the built `tether` and `tetherd` binaries).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

sources=(Sources Tests)
[[ -d simulators ]] && sources+=(simulators)
echo "==> swift format lint --strict -r ${sources[*]}"
swift format lint --strict -r "${sources[@]}"

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> swift test"
swift test --skip-build
