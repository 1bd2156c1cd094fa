#!/usr/bin/env bash
# libFuzzer over the parsers that read untrusted bytes: the telemetry batch decoder, the GeoJSON
# fence parser and the backup pack parser (the targets in Fuzz/, built only with TETHER_FUZZ set,
# with AddressSanitizer and libFuzzer's coverage, in .build-fuzz apart from the everyday build).
#
#   ./scripts/fuzz.sh                         # every target for 60 s
#   ./scripts/fuzz.sh --seconds 10            # a quick smoke
#   ./scripts/fuzz.sh --seconds 600 TetherFuzzGeoJSON
#
# Each target starts from the seeds in Fuzz/corpus/<target> and keeps what it finds in
# .build-fuzz/corpus/<target> between runs. A crash stops that target, leaves its input in
# .build-fuzz/artifacts/<target>/ and fails the run; that input becomes a regression test in
# Tests/ (the parser's own tests: TelemetryDecodingTests, the GeoJSON and backup pack tests).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while (($#)); do
    case "$1" in
    --seconds)
        [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --seconds needs a number of seconds" >&2; exit 2; }
        seconds="$2"
        shift 2
        ;;
    TetherFuzz*) targets+=("$1"); shift ;;
    *) echo "error: unknown argument '$1' (targets: TetherFuzzTelemetryBatch, TetherFuzzGeoJSON, TetherFuzzBackupPack)" >&2; exit 2 ;;
    esac
done
((${#targets[@]})) || targets=(TetherFuzzTelemetryBatch TetherFuzzGeoJSON TetherFuzzBackupPack)

export TETHER_FUZZ=1
scratch=.build-fuzz
# One -sanitize=fuzzer,address for the compiler: of two separate -sanitize flags the driver hands
# the compiler only the last, and objects without coverage leave libFuzzer blind. SwiftPM's own
# --sanitize fuzzer is there for the link (libFuzzer's main instead of the target's).
build=(swift build --scratch-path "$scratch" -c debug --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address)
bin="$("${build[@]}" --show-bin-path)"
status=0
for target in "${targets[@]}"; do
    echo "==> ${build[*]} --product $target"
    "${build[@]}" --product "$target"
    sections="$(readelf -SW "$bin/$target")"
    if [[ "$sections" != *__sancov_cntrs* ]]; then
        echo "error: $target is built without the coverage libFuzzer steers by" >&2
        exit 1
    fi
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    echo "==> $target for ${seconds} s"
    if ! "$bin/$target" "$corpus" "Fuzz/corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$artifacts/" -print_final_stats=1; then
        echo "==> $target crashed; the input is in $artifacts/" >&2
        status=1
    fi
done
exit "$status"
