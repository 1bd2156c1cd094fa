#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's postgresql 15 (installed when missing),
# initialised in a temporary directory of its own, listening on a free loopback port, with
# fsync and full_page_writes off (the tests kill tetherd, never PostgreSQL).
#
#   eval "$(scripts/postgres-test-cluster.sh start)"   # exports TETHER_TEST_POSTGRES_URL and
#                                                      # TETHER_TEST_POSTGRES_DIR
#   eval "$(scripts/postgres-test-cluster.sh start --durable)"   # fsync and full_page_writes on,
#                                                      # as a normally configured server (benchmarks)
#   eval "$(scripts/postgres-test-cluster.sh start --tls CERT KEY)"   # TLS only (plain TCP refused)
#   scripts/postgres-test-cluster.sh stop "$TETHER_TEST_POSTGRES_DIR"
#   scripts/postgres-test-cluster.sh pause|resume "$TETHER_TEST_POSTGRES_DIR"   # stop and start again, data kept
#
# initdb refuses to run as root, so the cluster runs as the `postgres` user the package creates.
set -euo pipefail

# The server runs on after this script, inheriting its descriptors: close every one a caller
# left open (a pipe or a socket it watches for the script's end would stay open with the server).
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if ((fd > 2 && fd < 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
done

bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

as_postgres() {
    if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

settings() {
    local port="$1" dir="$2"
    local durability="-c fsync=off -c full_page_writes=off"
    [[ -f "$dir/durable" ]] && durability="-c fsync=on -c full_page_writes=on"
    local tls=""
    [[ -f "$dir/server.key" ]] && tls="-c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key"
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir $durability $tls -c max_connections=300"
}

case "${1:-}" in
start)
    if [[ -z "$(bin_dir)" ]]; then
        echo "==> installing postgresql" >&2
        SUDO=""
        if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
        $SUDO apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
    fi
    bin=$(bin_dir)
    dir=$(mktemp -d -t tether-postgres.XXXXXX)
    chmod 755 "$dir"
    chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    shift
    while (($#)); do
        case "$1" in
        --durable) touch "$dir/durable"; shift ;;
        --tls)
            install -o postgres -m 644 "$2" "$dir/server.pem"
            install -o postgres -m 600 "$3" "$dir/server.key"
            # Plain TCP is refused, so a client that does not speak TLS cannot connect at all.
            sed -i '1i hostnossl all all 0.0.0.0/0 reject' "$dir/data/pg_hba.conf"
            shift 3
            ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
        esac
    done
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start -o "$(settings "$port" "$dir")" \
        >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "export TETHER_TEST_POSTGRES_DIR=$dir"
    mode=disable
    [[ -f "$dir/server.key" ]] && mode=require
    echo "export TETHER_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$port/postgres?sslmode=$mode'"
    ;;
stop)
    dir="${2:?usage: $0 stop DIR}"
    [[ -d "$dir/data" ]] || exit 0
    as_postgres "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
pause)
    # Stops the server but keeps its data, for the tests that take the database away.
    dir="${2:?usage: $0 pause DIR}"
    as_postgres "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    dir="${2:?usage: $0 resume DIR}"
    as_postgres "$(bin_dir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start -o \
        "$(settings "$(cat "$dir/port")" "$dir")" >/dev/null
    ;;
*)
    echo "usage: $0 start [--durable] [--tls CERT KEY] | stop DIR | pause DIR | resume DIR" >&2
    exit 2
    ;;
esac
