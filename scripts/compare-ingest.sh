#!/usr/bin/env bash
# Telemetry ingest on the shared workload's events.jsonl (1M wire-shaped events, 2% replays, seed
# 42), in one run on this machine: the Python sqlite3 reference (../shared/bench), tether-bench
# in-process (decode, validate, group commit, derived state) with both durability settings, and
# over HTTP on loopback against a release tetherd. Prints the JSON lines and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${TETHER_BENCH_PORT:-18090}"
# shellcheck source=scripts/ingest-workload.sh
source ./scripts/ingest-workload.sh

echo "== reference (Python sqlite3, batch 1000, INSERT OR IGNORE)"
reference="$(python3 "$bench_dir/ref_sqlite_ingest.py" "$workload")"
echo "  $reference"
echo "== tether-bench ingest (in-process, 500-event batches)"
normal="$("$bin/tether-bench" ingest --workload "$workload")"
echo "  $normal"
full="$("$bin/tether-bench" ingest --workload "$workload" --durability power-loss)"
echo "  $full"

echo "== tether-bench ingest-http (tetherd on 127.0.0.1:$port)"
server_data="$(mktemp -d)"
"$bin/tetherd" --port "$port" --data-dir "$server_data" --bcrypt-cost 4 --insecure-fast-password-hashing \
    --ts-max-past off --ts-max-future off --pairing-rate-limit 100000 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$server_data"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
http=""
for concurrency in 4 16; do
    line="$("$bin/tether-bench" ingest-http --workload "$workload" --server "http://127.0.0.1:$port" --concurrency "$concurrency")"
    echo "  $line"
    http+="$line"$'\n'
done

python3 - "$reference" "$normal" "$full" "$http" <<'PY'
import json, sys
ref, normal, full = (json.loads(a) for a in sys.argv[1:4])
print(f"in-process, process-crash durability: {normal['rows_per_s'] / ref['rows_per_s']:.2f}x the reference's rows/s"
      f" (stored {normal['rows_stored']} vs {ref['rows_stored']})")
print(f"in-process, power-loss durability:    {full['rows_per_s'] / ref['rows_per_s']:.2f}x"
      f" ({full['rows_per_s'] / normal['rows_per_s']:.2f}x of process-crash)")
for line in filter(None, sys.argv[4].splitlines()):
    h = json.loads(line)
    print(f"HTTP, {h['concurrency']} in flight: {h['events_per_s']} events/s, p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms,"
          f" {h['events_per_s'] / ref['rows_per_s']:.2f}x the reference")
PY
