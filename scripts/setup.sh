#!/usr/bin/env bash
# Installs what building Tether needs on a Debian machine with Swift 6.3 already on PATH:
# the SQLite, libcurl and zlib development packages (GRDB, URLSession and gzip bodies link them).
set -euo pipefail

missing=()
for package in libsqlite3-dev libcurl4-openssl-dev zlib1g-dev curl; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    echo "==> installing ${missing[*]}"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
    echo "error: swift is not on PATH; install Swift 6.3 first (https://www.swift.org/install/)" >&2
    exit 1
fi
