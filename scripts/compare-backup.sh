#!/usr/bin/env bash
# Backup push of a generated 1 GiB tree (256 files of 4 MiB random bytes, in the system's
# temporary directory) to a local release tetherd, then a second push after one 64-byte edit in
# 1 % of the files, side by side with restic backing up the same tree to a local repository.
# Prints the JSON lines: throughput (chunk + hash + upload, server verifies + seals + syncs)
# and bytes transferred and read (tether) or repository growth (restic) by the second run,
# which for both tools reads only the files whose metadata changed; then the latest snapshot
# restored into an empty directory and a deep verify (`tether backup verify --deep` beside
# `restic check --read-data`), with restic's time over tether's as ratios (above 1: tether faster).
# Skips with a message when the disk has less than 4 GiB free. TETHER_BACKUP_MIB sets the size.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="${TMPDIR:-/tmp}"
mib="${TETHER_BACKUP_MIB:-1024}"
port="${TETHER_BENCH_PORT:-18091}"
free_kib="$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')"
if (( free_kib < 4 * 1024 * 1024 )); then
    echo "skipped: $tmp has $((free_kib / 1024)) MiB free, the comparison needs 4 GiB"
    exit 0
fi
command -v restic >/dev/null || apt-get install -y -q restic
scratch="${TETHER_RELEASE_SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product tetherd
swift build -c release --scratch-path "$scratch" --product tether
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)"

work="$(mktemp -d "$tmp/tether-backup-bench.XXXXXX")"
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$tree"
files=$((mib / 4))
echo "== generating $mib MiB in $files files"
for i in $(seq 1 "$files"); do
    mkdir -p "$tree/d$((i % 16))"
    head -c $((4 << 20)) /dev/urandom >"$tree/d$((i % 16))/f$i.bin"
done
sync

echo "== tether (release tetherd on 127.0.0.1:$port)"
"$bin/tetherd" --port "$port" --data-dir "$work/server" --bcrypt-cost 4 --insecure-fast-password-hashing --log-level warning &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
export XDG_CONFIG_HOME="$work/cli" TETHER_SERVER="http://127.0.0.1:$port"
echo "correct horse battery" | "$bin/tether" account register --email bench@example.org --password-stdin >/dev/null
now() { date +%s.%N; }
start="$(now)"
first="$("$bin/tether" backup push "$tree" --json)"
first_s="$(echo "$(now) - $start" | bc)"

echo "== restic $(restic version | awk '{ print $2 }') on the same tree"
export RESTIC_PASSWORD=bench RESTIC_REPOSITORY="$work/restic"
restic init -q
sync  # neither tool pays for the other's writeback
start="$(now)"
restic backup -q "$tree" >/dev/null
restic_first_s="$(echo "$(now) - $start" | bc)"
repo_first="$(du -sb "$RESTIC_REPOSITORY" | cut -f1)"

edits=$(( files / 100 > 0 ? files / 100 : 1 ))
echo "== one 64-byte edit in each of $edits files (1 %)"
find "$tree" -name '*.bin' | sort | awk -v n="$files" -v e="$edits" 'NR % int(n / e) == 1' | head -n "$edits" |
    while read -r f; do
        offset=$(( (RANDOM * 32768 + RANDOM) % ((4 << 20) - 64) ))
        head -c 64 /dev/urandom | dd of="$f" bs=1 seek="$offset" conv=notrunc status=none
    done

sync
start="$(now)"
second="$("$bin/tether" backup push "$tree" --json)"
second_s="$(echo "$(now) - $start" | bc)"
sync
start="$(now)"
restic backup -q "$tree" >/dev/null
restic_second_s="$(echo "$(now) - $start" | bc)"
repo_second="$(du -sb "$RESTIC_REPOSITORY" | cut -f1)"

# Restore the latest snapshot into an empty directory, each tool from a cold page cache where
# the system lets us drop it; then a deep verify (every chunk read and checked) beside restic's
# check --read-data. Each restore is compared with the tree.
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
snapshot="$(echo "$second" | python3 -c 'import json, sys; print(json.load(sys.stdin)["snapshot_id"])')"
echo "== restore into an empty directory"
drop_caches
start="$(now)"
"$bin/tether" backup restore "$snapshot" --to "$work/restored-tether" --json >/dev/null
restore_s="$(echo "$(now) - $start" | bc)"
drop_caches
start="$(now)"
restic restore -q latest --target "$work/restored-restic"
restic_restore_s="$(echo "$(now) - $start" | bc)"
diff -r "$tree" "$work/restored-tether/tree" >/dev/null || { echo "tether's restore differs from the tree" >&2; exit 1; }
diff -r "$tree" "$work/restored-restic$tree" >/dev/null || { echo "restic's restore differs from the tree" >&2; exit 1; }
rm -rf "$work/restored-tether" "$work/restored-restic"
echo "== deep verify"
drop_caches
start="$(now)"
"$bin/tether" backup verify --deep --json >/dev/null
verify_s="$(echo "$(now) - $start" | bc)"
drop_caches
start="$(now)"
restic check -q --read-data
restic_verify_s="$(echo "$(now) - $start" | bc)"

bytes=$((mib << 20))
python3 - "$bytes" "$first" "$first_s" "$second" "$second_s" "$restic_first_s" "$restic_second_s" "$repo_first" "$repo_second" \
    "$restore_s" "$restic_restore_s" "$verify_s" "$restic_verify_s" <<'PY'
import json, sys
total, first, first_s, second, second_s, r1, r2, repo1, repo2, restore_s, r_restore, verify_s, r_verify = sys.argv[1:]
total = int(total); first = json.loads(first); second = json.loads(second)
mb = total / 1e6
print(json.dumps({"tool": "tether", "bytes": total, "first_s": round(float(first_s), 2),
                  "mb_per_s": round(mb / float(first_s), 1), "first_transferred": first["transferred_bytes"],
                  "second_s": round(float(second_s), 2), "second_transferred": second["transferred_bytes"],
                  "second_read": second["read_bytes"],
                  "second_pct": round(100 * second["transferred_bytes"] / total, 3),
                  "restore_s": round(float(restore_s), 2), "restore_mb_per_s": round(mb / float(restore_s), 1),
                  "verify_s": round(float(verify_s), 2), "verify_mb_per_s": round(mb / float(verify_s), 1)}))
print(json.dumps({"tool": "restic", "bytes": total, "first_s": round(float(r1), 2),
                  "mb_per_s": round(mb / float(r1), 1), "second_s": round(float(r2), 2),
                  "repo_growth": int(repo2) - int(repo1),
                  "second_pct": round(100 * (int(repo2) - int(repo1)) / total, 3),
                  "restore_s": round(float(r_restore), 2), "restore_mb_per_s": round(mb / float(r_restore), 1),
                  "verify_s": round(float(r_verify), 2), "verify_mb_per_s": round(mb / float(r_verify), 1)}))
print(json.dumps({"restore_ratio": round(float(r_restore) / float(restore_s), 2),
                  "verify_ratio": round(float(r_verify) / float(verify_s), 2)}))
PY
