#!/usr/bin/env bash
# The fuzzed contract: schemathesis against protocols/openapi.yaml on a live tetherd.
#
#   ./scripts/contract-fuzz.sh                     # about 2 minutes, as scripts/test.sh runs it
#   ./scripts/contract-fuzz.sh --max-time 600      # longer
#   ./scripts/contract-fuzz.sh --seed 42           # replay one run's generated data
#
# It starts the built tetherd on 127.0.0.1 (a free port, a temporary data directory), registers
# an account, pairs a device and makes an operator token, then runs schemathesis (pinned below)
# with scripts/schemathesis_hooks.py, which gives each operation the credential its security
# scheme names. The checks, and what each allows, are in scripts/schemathesis.toml:
#   not_a_server_error            no 5xx, whatever was sent
#   response_schema_conformance   every answer matches the contract (problem documents included)
#   positive_data_acceptance      a request the contract calls valid is not rejected
#   unsupported_method            a method a path does not declare answers 405 with Allow
# Left out: the operations that end the fuzzed account, session or device (deleteAccount,
# signOut, moveAccount, removeDevice), the alert stream (it never ends) and the peer-only
# operations (peerToken: they need a region directory with peers).
# Any other arguments go to `st run`. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version="4.32.5"
max_time=120
seed=""
extra=()
while (($#)); do
    case "$1" in
    --max-time)
        [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --max-time needs seconds" >&2; exit 2; }
        max_time="$2"
        shift 2
        ;;
    --seed)
        [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "error: --seed needs a number" >&2; exit 2; }
        seed="$2"
        shift 2
        ;;
    *) extra+=("$1"); shift ;;
    esac
done

if [[ "$(st --version 2>/dev/null || true)" != *"$schemathesis_version"* ]]; then
    echo "==> installing schemathesis $schemathesis_version"
    python3 -m pip install -q "schemathesis==$schemathesis_version"
fi

# TETHERD names another tetherd binary; by default the one `swift build` made (built if missing).
tetherd="${TETHERD:-}"
if [[ -z "$tetherd" ]]; then
    tetherd="$(swift build --show-bin-path)/tetherd"
    if [[ ! -x "$tetherd" ]]; then
        echo "==> swift build --product tetherd"
        swift build --product tetherd
    fi
fi

work="$(mktemp -d -t tether-contract-fuzz.XXXXXX)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Cost 4 keeps each of the many registrations and sign-ins schemathesis sends cheap (a tetherd
# that refuses costs below 10 without it is told so). Webhook targets may be any address: the
# hooks point every generated webhook at 127.0.0.1, so nothing is posted off this machine.
# Pairing codes are not rate limited here, so asking for one is tested past the first ten.
server_flags=(
    --host 127.0.0.1 --port 0 --data-dir "$work/data" --log-level info
    --bcrypt-cost 4 --webhook-targets any --pairing-rate-limit 1000000
)
serve_help="$("$tetherd" serve --help 2>&1 || true)"
if [[ "$serve_help" == *"--insecure-fast-password-hashing"* ]]; then
    server_flags+=(--insecure-fast-password-hashing)
fi

echo "==> operator token"
operator_token="$("$tetherd" operator-token --data-dir "$work/data")"

"$tetherd" serve "${server_flags[@]}" >"$work/tetherd.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 600); do
    url="$(grep -o 'tether.url=[^ ]*' "$work/tetherd.log" | head -1 | cut -d= -f2 || true)"
    [[ -n "$url" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/tetherd.log" >&2; echo "error: tetherd exited" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$url" ]] || { cat "$work/tetherd.log" >&2; echo "error: tetherd logged no URL" >&2; exit 1; }
echo "==> tetherd at $url"

# One JSON field of a response, by Python so no jq is needed.
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
post() {
    local path="$1" body="$2" token="${3:-}"
    local auth=()
    [[ -n "$token" ]] && auth=(-H "Authorization: Bearer $token")
    curl -fsS -X POST "$url$path" -H "Content-Type: application/json" ${auth[@]+"${auth[@]}"} -d "$body"
}

echo "==> account, device and credentials"
account_token="$(post /v1/accounts '{"email":"fuzz@example.com","password":"correct horse battery"}' | field access_token)"
pairing_code="$(post /v1/pairing-codes '' "$account_token" | field code)"
device_credential="$(
    post /v1/devices/claim "{\"code\":\"$pairing_code\",\"serial\":\"FUZZ-0001\",\"model\":\"Fuzz Tag\"}" | field credential
)"
export TETHER_FUZZ_ACCOUNT_TOKEN="$account_token"
export TETHER_FUZZ_DEVICE_CREDENTIAL="$device_credential"
export TETHER_FUZZ_OPERATOR_TOKEN="$operator_token"
export SCHEMATHESIS_HOOKS="schemathesis_hooks"
export PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"

arguments=(
    run protocols/openapi.yaml
    --url "$url"
    --checks not_a_server_error,response_schema_conformance,positive_data_acceptance,unsupported_method
    --max-time "$max_time"
    --workers 1
    --exclude-operation-id deleteAccount
    --exclude-operation-id signOut
    --exclude-operation-id moveAccount
    --exclude-operation-id removeDevice
    --exclude-operation-id streamAlerts
    --exclude-tag Directory
    --exclude-tag Replication
    --report junit
    --report-junit-path "$work/junit.xml"
)
[[ -n "$seed" ]] && arguments+=(--seed "$seed")

echo "==> st ${arguments[*]}"
status=0
st --config-file scripts/schemathesis.toml "${arguments[@]}" ${extra[@]+"${extra[@]}"} || status=$?
# A 5xx fails a check above; an unexpected error the server logged without one is shown too.
if grep -q "request failed unexpectedly" "$work/tetherd.log"; then
    echo "==> tetherd logged unexpected errors:" >&2
    grep "request failed unexpectedly" "$work/tetherd.log" | head -20 >&2
    status=1
fi
exit "$status"
