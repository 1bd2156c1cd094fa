#!/usr/bin/env bash
# Telemetry ingest and history reads on SQLite and on PostgreSQL, in one run on this machine, on
# the shared workload's events.jsonl (1M wire-shaped events, seed 42): tether-bench in-process and
# over HTTP against a release tetherd, SQLite with process-crash and power-loss durability, and a
# normally configured PostgreSQL cluster (fsync and full_page_writes on) started for the run.
# Prints the JSON lines, then a table of events/s, acknowledgement p50/p99, history-read p50/p99
# and PostgreSQL's ratio to SQLite power-loss over HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${TETHER_BENCH_PORT:-18091}"
# shellcheck source=scripts/ingest-workload.sh
source ./scripts/ingest-workload.sh

eval "$(./scripts/postgres-test-cluster.sh start --durable)"
cluster="$TETHER_TEST_POSTGRES_DIR"
pg_port=$(cat "$cluster/port")
server=""
server_data=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null
    [[ -n "$server_data" ]] && rm -rf "$server_data"
    ./scripts/postgres-test-cluster.sh stop "$cluster"
}
trap cleanup EXIT

# A new empty database on the cluster; prints its URL.
fresh_database() {
    local name="bench_$RANDOM$RANDOM"
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE $name" >/dev/null
    echo "postgres://postgres@127.0.0.1:$pg_port/$name?sslmode=disable"
}

lines=""
run() {
    local line
    line="$("$@")"
    echo "  $line"
    lines+="$line"$'\n'
}

echo "== in-process (tether-bench ingest, 500-event batches, 16 in flight)"
run "$bin/tether-bench" ingest --workload "$workload" --durability process-crash
run "$bin/tether-bench" ingest --workload "$workload" --durability power-loss
run "$bin/tether-bench" ingest --workload "$workload" --database "$(fresh_database)"

echo "== HTTP (tether-bench ingest-http against tetherd on 127.0.0.1:$port, 16 in flight)"
for store in sqlite:process-crash sqlite:power-loss postgres:power-loss; do
    server_data="$(mktemp -d)"
    database=()
    [[ "$store" == postgres:* ]] && database=(--database "$(fresh_database)")
    "$bin/tetherd" --port "$port" --data-dir "$server_data" --bcrypt-cost 4 --insecure-fast-password-hashing \
        --ts-max-past off --ts-max-future off --pairing-rate-limit 100000 --log-level warning \
        --durability "${store#*:}" ${database[@]+"${database[@]}"} &
    server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
    line="$("$bin/tether-bench" ingest-http --workload "$workload" --server "http://127.0.0.1:$port" --concurrency 16)"
    line="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["store"]=sys.argv[2]; print(json.dumps(d, sort_keys=True))' "$line" "$store")"
    echo "  $line"
    lines+="$line"$'\n'
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    rm -rf "$server_data"
    server_data=""
done

python3 - "$lines" <<'PY'
import json, sys
rows = [json.loads(line) for line in sys.argv[1].splitlines() if line.strip()]
print("\n| run | events/s | ack p50 | ack p99 | history (1,000 events) p50 | p99 |")
print("|---|---|---|---|---|---|")
http = {}
for r in rows:
    if r["bench"] == "ingest":
        name = f"in-process, {r['store']}" + (f" {r['durability']}" if r["store"] == "sqlite" else "")
        print(f"| {name} | {r['rows_per_s']:,} | {r['p50_ms']} ms | {r['p99_ms']} ms |"
              f" {r['history_p50_ms']} ms | {r['history_p99_ms']} ms |")
    else:
        http[r["store"]] = r
        print(f"| HTTP, {r['store']} | {r['events_per_s']:,} | {r['p50_ms']} ms | {r['p99_ms']} ms | | |")
if "postgres:power-loss" in http and "sqlite:power-loss" in http:
    ratio = http["postgres:power-loss"]["events_per_s"] / http["sqlite:power-loss"]["events_per_s"]
    print(f"\nPostgreSQL over HTTP: {ratio:.2f}x SQLite power-loss over HTTP (target 0.7x)")
PY
