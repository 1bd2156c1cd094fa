#!/usr/bin/env bash
# The test command: install build dependencies, check formatting, build every product and the
# tests, start a throwaway PostgreSQL cluster (installing Debian's postgresql when missing), then
# run all tests (the CLI tests run the built `tether` and `tetherd` binaries; the store
# conformance suite runs on SQLite and on PostgreSQL, and a run in which no PostgreSQL test ran
# fails), and last the fuzzed contract: schemathesis against protocols/openapi.yaml on the built tetherd for
# about 2 minutes (scripts/contract-fuzz.sh).
#
#   ./scripts/test.sh                 # once, as CI does
#   ./scripts/test.sh --repeat 5      # the whole suite five times, stopping at the first failure
#   ./scripts/test.sh --under-load    # beside a CPU hog on every core (at the lowest priority)
#   ./scripts/test.sh --skip-build --repeat 3 --under-load   # (flags combine; --skip-build reuses the last build)
#   ./scripts/test.sh --skip-contract-fuzz   # the Swift tests only
#
# Any other arguments go to `swift test` (e.g. --filter AlertDeliveryTests).
set -euo pipefail
cd "$(dirname "$0")/.."

repeat=1
under_load=false
skip_build=false
contract_fuzz=true
test_arguments=()
while (($#)); do
    case "$1" in
    --repeat)
        [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --repeat needs a count of 1 or more" >&2; exit 2; }
        repeat="$2"
        shift 2
        ;;
    --under-load) under_load=true; shift ;;
    --skip-build) skip_build=true; shift ;;
    --skip-contract-fuzz) contract_fuzz=false; shift ;;
    *) test_arguments+=("$1"); shift ;;
    esac
done

./scripts/setup.sh
# The settings-sync CLI tests run one client with its clock an hour ahead through faketime.
if ! command -v faketime >/dev/null; then
    echo "==> installing faketime"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq faketime
fi

if ! $skip_build; then
    sources=(Sources Tests)
    [[ -d simulators ]] && sources+=(simulators)
    [[ -d Fuzz ]] && sources+=(Fuzz)
    echo "==> swift format lint --strict -r ${sources[*]}"
    swift format lint --strict -r "${sources[@]}"

    echo "==> swift build --build-tests"
    swift build --build-tests
fi

# A throwaway PostgreSQL cluster for the run (scripts/postgres-test-cluster.sh): the conformance
# suite runs every store test on it too, and the end-to-end, crash and outage tests run tetherd
# on it. Each test gets a database of its own; the cluster is stopped and removed at the end.
cluster_dir=""
if [[ -z "${TETHER_TEST_POSTGRES_URL:-}" ]]; then
    eval "$(./scripts/postgres-test-cluster.sh start)"
    cluster_dir="$TETHER_TEST_POSTGRES_DIR"
    echo "==> PostgreSQL test cluster: $TETHER_TEST_POSTGRES_URL"
fi
export TETHER_TEST_POSTGRES_URL
TETHER_TEST_POSTGRES_USES="$(mktemp -t tether-postgres-uses.XXXXXX)"
export TETHER_TEST_POSTGRES_USES

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

built=$SECONDS
hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; }
cleanup() {
    stop_hogs
    if [[ -n "$cluster_dir" ]]; then ./scripts/postgres-test-cluster.sh stop "$cluster_dir"; fi
    rm -f "$TETHER_TEST_POSTGRES_USES"
}
trap cleanup EXIT
if $under_load; then
    # One busy loop per core at the lowest priority: the tests get the CPU first, but every
    # thread they wait on is scheduled later than on a quiet machine.
    for _ in $(seq 1 "$(nproc)"); do
        nice -n 19 bash -c 'while :; do :; done' &
        hogs+=($!)
    done
    echo "==> under load: ${#hogs[@]} CPU hogs at nice 19"
fi

for run in $(seq 1 "$repeat"); do
    ((repeat > 1)) && echo "==> run $run of $repeat"
    echo "==> swift test"
    : >"$TETHER_TEST_POSTGRES_USES"
    if ! swift test --skip-build ${test_arguments[@]+"${test_arguments[@]}"}; then
        echo "==> failed in run $run of $repeat" >&2
        exit 1
    fi
    # A run of the whole suite that made no PostgreSQL database ran no PostgreSQL test.
    uses=$(wc -l <"$TETHER_TEST_POSTGRES_USES")
    echo "==> PostgreSQL databases made by the tests: $uses"
    if ((${#test_arguments[@]} == 0 && uses == 0)); then
        echo "==> failed: the PostgreSQL conformance suite ran 0 tests" >&2
        exit 1
    fi
done
tested=$SECONDS
# Not with a --filter or other swift test arguments: those ask for some tests only.
if $contract_fuzz && ((${#test_arguments[@]} == 0)); then
    echo "==> contract fuzz"
    ./scripts/contract-fuzz.sh
fi
echo "==> times: setup, lint, build and workload ${built} s, tests $((tested - built)) s, contract fuzz $((SECONDS - tested)) s"
