# Sourced by the ingest comparisons (compare-ingest.sh, compare-stores.sh): sets `bench_dir`,
# `workload` (the shared workload's 1M wire-shaped events, seed 42, made once and kept under
# $TETHER_BENCH_DATA) and `bin` (release tether-bench and tetherd, built).
bench_dir="$(cd ../shared/bench && pwd)"
data="${TETHER_BENCH_DATA:-${TMPDIR:-/tmp}/tether-bench-data}"
workload="$data/f1k_p1m_e1m"

./scripts/setup.sh
python3 -c 'import numpy' 2>/dev/null || pip install -q numpy
mkdir -p "$data"
[[ -f "$workload/events.jsonl" ]] ||
    python3 "$bench_dir/gen_workload.py" "$workload" --fences 1000 --points 1000000 --events 1000000 --seed 42

swift build -c release --product tether-bench
swift build -c release --product tetherd
bin="$(swift build -c release --show-bin-path)"
