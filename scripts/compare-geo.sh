#!/usr/bin/env bash
# Runs the shapely reference (../shared/bench) and tether-bench on the same workload files, in one
# run on this machine, and prints both JSON lines and the throughput ratios. Workloads are
# generated once into $TETHER_BENCH_DATA (default: the system's temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
bench_dir="$(cd ../shared/bench && pwd)"
data="${TETHER_BENCH_DATA:-${TMPDIR:-/tmp}/tether-bench-data}"

./scripts/setup.sh
python3 -c 'import shapely, numpy' 2>/dev/null || pip install -q 'shapely>=2' numpy
mkdir -p "$data"
[[ -f "$data/f1k_p1m/points.csv" ]] || python3 "$bench_dir/gen_workload.py" "$data/f1k_p1m" --fences 1000 --points 1000000 --seed 42
[[ -f "$data/f100k_p1m/points.csv" ]] || python3 "$bench_dir/gen_workload.py" "$data/f100k_p1m" --fences 100000 --points 1000000 --seed 42

swift build -c release --product tether-bench
bin="$(swift build -c release --show-bin-path)"

for workload in f1k_p1m f100k_p1m; do
    echo "== $workload"
    reference="$(python3 "$bench_dir/ref_shapely.py" "$data/$workload" --repeat 3 --threads 1 --write-expected)"
    ours="$("$bin/tether-bench" geo --workload "$data/$workload" --repeat 3 --threads 1)"
    echo "reference: $reference" | sed 's/^/  /'
    echo "tether:    $ours" | sed 's/^/  /'
    python3 - "$reference" "$ours" <<'PY'
import json, sys
def lines(text): return {d["bench"]: d for d in map(json.loads, filter(None, text.splitlines()))}
ref, ours = lines(sys.argv[1]), lines(sys.argv[2])
c_ref, c_us = ref["contains"], ours["contains"]
same = all(c_ref[k] == c_us[k] for k in ("total_matches", "pair_checksum", "circle_matches", "polygon_matches", "points_with_match"))
print(f"  contains:  {c_us['points_per_s'] / c_ref['points_per_s']:.2f}x the reference's points/s; counts and checksum {'equal' if same else 'DIFFER'}")
print(f"  index:     built in {c_us['index_build_s']:.3f} s against STRtree's {c_ref['index_build_s']:.3f} s; {c_us['index_bytes'] / 2**20:.1f} MiB")
h_ref, h_us = ref["haversine"], ours["haversine"]
same = h_ref["over_100m"] == h_us["over_100m"] and abs(h_ref["sum_m"] - h_us["sum_m"]) <= 0.1
print(f"  haversine: {h_us['pairs_per_s'] / h_ref['pairs_per_s']:.2f}x the reference's pairs/s; sum and count {'equal' if same else 'DIFFER'}")
PY
done
echo
echo "Pair-by-pair agreement (lists any difference and its distance to the boundary):"
echo "  swift build --build-tests && TETHER_BENCH_WORKLOAD=$data/f1k_p1m swift test --skip-build --filter ReferenceAgreement"
