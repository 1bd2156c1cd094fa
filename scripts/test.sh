#!/usr/bin/env bash
# The test command: install build dependencies, check formatting, build every product and the
# tests, then run all tests (the CLI tests run the built `tether` and `tetherd` binaries).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# The settings-sync CLI tests run one client with its clock an hour ahead through faketime.
if ! command -v faketime >/dev/null; then
    echo "==> installing faketime"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq faketime
fi

sources=(Sources Tests)
[[ -d simulators ]] && sources+=(simulators)
echo "==> swift format lint --strict -r ${sources[*]}"
swift format lint --strict -r "${sources[@]}"

echo "==> swift build --build-tests"
swift build --build-tests

# TetherGeo's pair-by-pair agreement with shapely runs on a small workload of its own (seed 7,
# not the benchmark's) when ../shared/bench is beside the clone and Python can have shapely.
reference="../shared/bench"
if [[ -z "${TETHER_BENCH_WORKLOAD:-}" && -f "$reference/ref_shapely.py" ]] \
    && { python3 -c 'import shapely, numpy' 2>/dev/null || pip install -q 'shapely>=2' numpy >/dev/null 2>&1; }; then
    workload="$(mktemp -d -t tether-agreement.XXXXXX)/workload"
    if python3 "$reference/gen_workload.py" "$workload" --fences 300 --points 50000 --seed 7 >/dev/null \
        && python3 "$reference/ref_shapely.py" "$workload" --repeat 1 --write-expected >/dev/null; then
        export TETHER_BENCH_WORKLOAD="$workload"
        echo "==> shapely agreement workload: $workload"
    fi
fi

echo "==> swift test"
swift test --skip-build
