#!/usr/bin/env bash
# `ckpt serve` as installed: it must run its ckpt-serve, listen, answer a
# request and stop cleanly on SIGTERM.  Needs bash only (its /dev/tcp), so it
# runs on the fresh machine too.
#
#   Tests/packages/serve_smoke.sh CKPT STORE
set -euo pipefail
ckpt=$1 store=$2
out=$(mktemp) err=$(mktemp)
"$ckpt" serve --listen 127.0.0.1:0 --store "$store" > "$out" 2> "$err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out" "$err"' EXIT
for _ in $(seq 200); do grep -q '^listening on ' "$out" && break; sleep 0.05; done
port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\)$|\1|p' "$out")
[ -n "$port" ] || { cat "$err"; echo "FAIL: serve: $ckpt serve did not listen"; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /v3/0123456789abcdef0123456789abcdef/vaults HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
status=$(head -n 1 <&3 | tr -d '\r')
exec 3<&-
[ "$status" = "HTTP/1.1 200 OK" ] || { echo "FAIL: serve: GET vaults answered '$status'"; exit 1; }
server=$(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -d' ' -f1)
kill -TERM "$pid"
wait "$pid" || { echo "FAIL: serve: exit status $? after SIGTERM"; exit 1; }
echo "serve: $ckpt serve ran $server, answered GET vaults, stopped on SIGTERM"
