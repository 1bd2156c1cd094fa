#!/usr/bin/env bash
# Account-directory catch-up between two release tetherd regions on loopback. Region a holds
# 10,000 accounts (inserted into its database; the start-up backfill lists them in its
# directory). Region b then starts empty and copies the directory: its summary is empty, so it
# fetches every record by prefix - the full copy. b goes down while a deletes 1 % of the
# accounts, and on restart catches up by range reconciliation. Prints one JSON line per
# catch-up: seconds from b's process start until both summary roots agree (b's start-up, about
# 0.1 s, included), records b applied, and body bytes of replication requests and answers
# (both regions' peer clients; HTTP headers aside). TETHER_DIRECTORY_ACCOUNTS sets the size.
set -euo pipefail
cd "$(dirname "$0")/.."
accounts="${TETHER_DIRECTORY_ACCOUNTS:-10000}"
changed=$((accounts / 100))
port_a="${TETHER_BENCH_PORT:-18101}"
port_b=$((port_a + 1))
scratch="${TETHER_RELEASE_SCRATCH:-.build-bench}"
export TETHER_BENCHMARKS=1
bin="${TETHER_BIN:-}" # a directory holding a built tetherd (e.g. .build/debug), to skip the release build
if [[ -z "$bin" ]]; then
    swift build -c release --scratch-path "$scratch" --product tetherd
    bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tether-directory-bench.XXXXXX")"
trap 'kill ${server_a:-} ${server_b:-} 2>/dev/null || true; rm -rf "$work"' EXIT
key="$(head -c 32 /dev/urandom | base64 -w0)"
token="tpr_$(printf 'tether peer v1' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(echo "$key" | base64 -d | xxd -p -c 64)" | awk '{ print $NF }')"
region() { echo "{\"id\": \"$1\", \"url\": \"http://127.0.0.1:$2\", \"group\": \"eu\", \"area\": {\"type\": \"FeatureCollection\", \"features\": []}}"; }
echo "{\"directory_key\": \"$key\", \"regions\": [$(region a "$port_a")]}" >"$work/alone.json"
echo "{\"directory_key\": \"$key\", \"regions\": [$(region a "$port_a"), $(region b "$port_b")]}" >"$work/regions.json"

start() { # region port regions-file
    "$bin/tetherd" --region "$1" --port "$2" --regions "$3" --data-dir "$work/$1" \
        --bcrypt-cost 4 --insecure-fast-password-hashing --log-level warning --directory-sync-interval 100ms &
}
wait_up() { for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return; sleep 0.1; done; exit 1; }
status() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$1/v1/directory/replication/status"; }
now() { date +%s.%N; }
password="correct horse battery"

echo "== region a: $accounts accounts"
start a "$port_a" "$work/alone.json"
server_a=$!
wait_up "$port_a"
curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$port_a/v1/accounts" \
    -d "{\"email\": \"person0@example.org\", \"password\": \"$password\", \"region\": \"a\"}" >/dev/null
kill "$server_a" && wait "$server_a" || true
hash="$(sqlite3 "$work/a/tether.sqlite" "SELECT password_hash FROM account LIMIT 1")"
seq 1 $((accounts - 1)) | awk -v hash="$hash" '
    BEGIN { print "BEGIN;" }
    { printf "INSERT INTO account (id, email, password_hash, home_region, created_at) VALUES (%c%s%c, %cperson%d@example.org%c, %c%s%c, %ca%c, %c2026-12-01 00:00:00.000%c);\n", 39, "acc_bench" $1, 39, 39, $1, 39, 39, hash, 39, 39, 39, 39, 39 }
    END { print "COMMIT;" }' | sqlite3 "$work/a/tether.sqlite"
start a "$port_a" "$work/regions.json"
server_a=$!
wait_up "$port_a"
until [[ "$(status "$port_a" | jq .records)" == "$accounts" ]]; do sleep 0.2; done

bytes() { jq '.bytes_sent + .bytes_received' <<<"$1"; }
catch_up() { # label
    local before_a started a b
    before_a="$(bytes "$(status "$port_a")")"
    started="$(now)"
    start b "$port_b" "$work/regions.json"
    server_b=$!
    wait_up "$port_b"
    while true; do
        a="$(status "$port_a")"
        b="$(status "$port_b")"
        [[ "$(jq -r .root_hash <<<"$a")" == "$(jq -r .root_hash <<<"$b")" ]] && break
        sleep 0.02
    done
    jq -nc --arg name "$1" --argjson seconds "$(echo "$(now) - $started" | bc)" \
        --argjson applied "$(jq .records_applied <<<"$b")" \
        --argjson bytes "$(($(bytes "$a") - before_a + $(bytes "$b")))" --argjson records "$accounts" \
        '{catch_up: $name, records: $records, applied: $applied, seconds: $seconds, bytes: $bytes}'
}

echo "== region b starts empty"
catch_up "full copy (empty replica)"
kill -9 "$server_b" && wait "$server_b" 2>/dev/null || true

echo "== region b down; a deletes $changed accounts"
for i in $(seq 1 "$changed"); do
    access="$(curl -sf -H 'Content-Type: application/json' "http://127.0.0.1:$port_a/v1/sessions" \
        -d "{\"email\": \"person$i@example.org\", \"password\": \"$password\"}" | jq -r .access_token)"
    curl -sf -X DELETE -H "Authorization: Bearer $access" "http://127.0.0.1:$port_a/v1/account" >/dev/null
done
catch_up "range reconciliation ($changed of $accounts changed)"
