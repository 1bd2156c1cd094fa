#!/usr/bin/env bash
# The main job on the embedded default: build, start `tetherd` on SQLite with a local region,
# then walk through register → pair → claim → telemetry → anti-lost alert → list → rename → export with the `tether` CLI,
# restart the server and show the data is still there. Each step is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "==> building tetherd, tether and tether-sim (the first build takes several minutes)"
swift build --product tetherd
swift build --product tether
swift build --product tether-sim
bin="$(swift build --show-bin-path)"

work="$(mktemp -d -t tether-demo.XXXXXX)"
export XDG_CONFIG_HOME="$work/config"   # the demo's own CLI profile, not yours
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

start_server() { # data directory, then any extra tetherd flags
    : >"$work/tetherd.log"
    "$bin/tetherd" --host 127.0.0.1 --port 0 --region local --data-dir "$@" 2>"$work/tetherd.log" &
    server_pid=$!
    for _ in $(seq 1 600); do
        port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/tetherd.log" | head -n1)"
        if [[ -n "$port" ]]; then
            export TETHER_SERVER="http://127.0.0.1:$port"
            echo "    tetherd (pid $server_pid) serves $TETHER_SERVER, data in $1"
            return
        fi
        sleep 0.1
    done
    echo "tetherd did not start:" >&2
    cat "$work/tetherd.log" >&2
    exit 1
}

step() { printf '\n==> %s\n' "$*"; }

step "start tetherd (SQLite, region 'local')"
start_server "$work/data"
curl -fsS "$TETHER_SERVER/health" 2>/dev/null || true
echo

step "register an account from Berlin (the phone's location picks the home region)"
echo "correct horse battery staple" | "$bin/tether" account register --email ada@example.org --password-stdin --lat 52.52 --lon 13.405

step "who am I"
"$bin/tether" account whoami

step "ask for a one-time pairing code"
code="$("$bin/tether" pair start --no-wait --json | sed -n 's/.*"code":"\([^"]*\)".*/\1/p')"
echo "    code: $code"

step "the tracker claims the code and receives its device credential"
claim="$("$bin/tether" device claim "$code" --serial TAG-0001 --model TAG-1 --kind tracker --json)"
echo "    $claim"
credential="$(echo "$claim" | sed -n 's/.*"credential":"\([^"]*\)".*/\1/p')"

step "the tracker checks in with its credential (sets last_seen)"
curl -fsS -H "Authorization: Bearer $credential" "$TETHER_SERVER/v1/device"; echo

step "the tracker sends a telemetry batch; one event has a bad latitude and is rejected alone"
tracker_id="$(echo "$claim" | sed -n 's/.*"device_id":"\([^"]*\)".*/\1/p')"
# Device times run in the past: this batch 15 minutes ago, the walks after it, all before the
# owner reads and acknowledges anything, as a real tracker's queued uploads would.
now="$(( $(date +%s%3N) - 900000 ))"
batch="{\"events\":[
 {\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$((now - 3000)),\"kind\":\"properties\",\"model\":\"TAG-1\",\"hw_version\":\"1.2\",\"sw_version\":\"3.4.1\",\"signal_dbm\":-67,\"battery_pct\":81},
 {\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$((now - 2000)),\"kind\":\"location\",\"lat\":52.52,\"lon\":13.405,\"accuracy_m\":8.0,\"source\":\"gnss\"},
 {\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$((now - 1000)),\"kind\":\"connection\",\"state\":\"connected\"},
 {\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$((now - 900)),\"kind\":\"usage\",\"function\":\"find\",\"operation\":\"ring\",\"start_ms\":$((now - 900)),\"duration_ms\":4000},
 {\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$now,\"kind\":\"location\",\"lat\":95.0,\"lon\":13.4,\"accuracy_m\":8.0,\"source\":\"gnss\"}]}"
post_batch() {
    curl -fsS -X POST "$TETHER_SERVER/v1/telemetry" -H "Authorization: Bearer $credential" \
        -H 'Content-Type: application/json' -d "$batch"
    echo
}
post_batch

step "the tracker resends the same batch (say, after a timeout): nothing is stored twice"
post_batch

step "what the owner sees: the device with its telemetry, its history and its usage"
"$bin/tether" devices show "$tracker_id"
"$bin/tether" telemetry history "$tracker_id" --since 1h
"$bin/tether" usage "$tracker_id" --days 1

step "the owner's phone pairs too"
code="$("$bin/tether" pair start --no-wait --json | sed -n 's/.*"code":"\([^"]*\)".*/\1/p')"
phone_claim="$("$bin/tether" device claim "$code" --serial PHONE-0001 --model "Pixel 9" --kind phone --json)"
echo "    $phone_claim"
phone_credential="$(echo "$phone_claim" | sed -n 's/.*"credential":"\([^"]*\)".*/\1/p')"

step "anti-lost rules: alert beyond 30 m, and a safe place at the office"
"$bin/tether" rules set --distance 30m --dwell 30s
"$bin/tether" fences add circle --name Office --lat 52.5301 --lon 13.3849 --radius 150m --safe
"$bin/tether" fences list

watch_alerts() { # starts `tether alerts watch --count 1` in the background, once it is listening
    "$bin/tether" alerts watch --count 1 --timeout 60s >"$work/watch.txt" 2>"$work/watch.err" &
    watch_pid=$!
    for _ in $(seq 1 600); do grep -q "Watching" "$work/watch.err" 2>/dev/null && return; sleep 0.1; done
    echo "tether alerts watch did not start:" >&2
    cat "$work/watch.err" >&2
    exit 1
}
location() { # device credential, time, metres east of the tracker
    local lon
    lon="$(awk -v east="$3" 'BEGIN { printf "%.7f", 13.405 + east / (111320 * cos(52.52 * 3.14159265 / 180)) }')"
    curl -fsS -o /dev/null -X POST "$TETHER_SERVER/v1/telemetry" -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/json' \
        -d "{\"events\":[{\"event_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"ts\":$2,\"kind\":\"location\",\"lat\":52.52,\"lon\":$lon,\"accuracy_m\":5.0,\"source\":\"gnss\"}]}"
}
walk_away() { # device time of the first fix: both report every 15 s; the phone leaves after 30 s
    for step_index in $(seq 0 10); do
        t=$(( $1 + step_index * 15000 ))
        east=$(( step_index > 2 ? (step_index - 2) * 25 : 0 ))
        location "$credential" "$t" 0
        location "$phone_credential" "$t" "$east"
        printf '    t+%3ss  phone %4s m east of the tracker\n' "$(( step_index * 15 ))" "$east"
    done
}

step "watch alerts live (in the background) while the owner walks away and leaves the tracker behind"
watch_alerts
walk_away "$(( now + 60000 ))"   # after the batch above, so the walk is the newest news
wait "$watch_pid" || true
cat "$work/watch.txt"

step "the alert, and why it was raised"
"$bin/tether" alerts list
alert="$("$bin/tether" alerts list --json | sed -n 's/^\[{"id":"\([^"]*\)".*/\1/p')"
[[ -n "$alert" ]] || alert="$("$bin/tether" alerts list --json | grep -o '"id":"[^"]*"' | head -n1 | cut -d'"' -f4)"
"$bin/tether" alerts why "$alert"

step "acknowledge it: no more repeats"
"$bin/tether" alerts ack "$alert"

step "quiet hours from an hour ago to an hour from now (Europe/Berlin): the owner comes back, then walks away again"
"$bin/tether" dnd add --days daily --from "$(TZ=Europe/Berlin date -d '-1 hour' +%H:%M)" \
    --to "$(TZ=Europe/Berlin date -d '+1 hour' +%H:%M)" --tz Europe/Berlin
back="$(( now + 300000 ))"
for step_index in 0 1 2; do
    location "$credential" "$(( back + step_index * 15000 ))" 0
    location "$phone_credential" "$(( back + step_index * 15000 ))" 0
done
echo "    t+  0s  back with the tracker (the first alert's episode ends)"
watch_alerts
walk_away "$(( back + 60000 ))"
wait "$watch_pid" || true
cat "$work/watch.txt"
echo "    the second alert is stored and streamed, marked suppressed by the quiet window: no sound"
"$bin/tether" alerts list

step "list devices"
"$bin/tether" devices list

step "rename the tracker"
tracker="$("$bin/tether" devices list --json | sed -n 's/.*"id":"\([^"]*\)","kind":"tracker".*/\1/p')"
"$bin/tether" devices rename "$tracker" "Keys"

step "reusing a code fails with a clear error (and changes nothing)"
"$bin/tether" device claim "$code" --serial TAG-0002 --model TAG-1 || echo "    (exit status $?, as expected)"

step "remove the phone: its credential stops working at once"
phone="$("$bin/tether" devices list --json | sed -n 's/.*"id":"\([^"]*\)","kind":"phone".*/\1/p')"
"$bin/tether" devices remove "$phone"

step "export everything stored for the account"
"$bin/tether" account export --output "$work/export.json"
head -c 400 "$work/export.json"; echo " …"

step "restart tetherd (it comes back on a new port): the data is on disk"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
start_server "$work/data"
echo "correct horse battery staple" | "$bin/tether" account login --email ada@example.org --password-stdin
"$bin/tether" devices list

step "the device simulator: a scenario on a second region server (event-time clock, any device time)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
start_server "$work/sim-data" --clock event-time --ts-max-past off --ts-max-future off \
    --bcrypt-cost 4 --insecure-fast-password-hashing --pairing-rate-limit 100000
# Progress (pairing, telemetry, each alert as it arrives) on stderr, then the pass/fail table.
"$bin/tether-sim" run walk-away safe-place sos-during-dnd --server "$TETHER_SERVER" \
    --scenarios-directory simulators/scenarios 2>&1

step "done"
echo "The whole scenario suite: tether-sim run --all; a load run: tether-sim load (see the README)."
echo "Run the tests with: ./scripts/test.sh"
