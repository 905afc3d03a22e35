#!/usr/bin/env bash
# libcurl alone: two transfers on one reused easy handle; the second answer's
# first header line is folded.  Prints an AddressSanitizer heap-use-after-free
# with the libcurl of Debian 12 (7.88.1); clean with libcurl >= 8.1.0.
set -eu
cd "$(dirname "$0")"
out=${TMPDIR:-/tmp}/libcurl-11101-repro
"${CLANG:-clang}" -fsanitize=address -g repro.c -o "$out" -lcurl
port=$((20000 + RANDOM % 20000))
python3 server.py "$port" & server=$!
sleep 0.5
ASAN_OPTIONS=detect_leaks=0 "$out" "http://127.0.0.1:$port/" || true
wait "$server" 2>/dev/null || true
