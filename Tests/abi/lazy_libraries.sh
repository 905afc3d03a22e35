#!/usr/bin/env bash
# libcurl and libcrypto are loaded when the first remote client opens, not
# with libckpt, and a missing one is a clean error of class network.
#
#   Tests/abi/lazy_libraries.sh [LIBDIR]     (default build/lib)
#
# The missing-library cases hide the real file behind /dev/null in a private
# mount namespace (unshare -m, as root); elsewhere they are skipped, said so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIBDIR=${1:-$ROOT/build/lib}
CC=${CC:-cc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$CC" -std=c99 -Wall -Wextra -Werror -I"$ROOT/include" "$ROOT/Tests/abi/lazy_libraries.c" -o "$tmp/lazy" \
  -L"$LIBDIR" -lckpt -ljansson -Wl,-rpath,"$LIBDIR"
"$tmp/lazy" embedded "$tmp/store.db"
"$tmp/lazy" remote

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
  echo "lazy libraries: SKIP the missing-library cases (they need root and unshare -m)"
  exit 0
fi
for soname in libcurl.so.4 libcrypto.so.3; do
  # awk reads to the end: after an early exit, ldconfig, if still writing,
  # dies of SIGPIPE, which pipefail turns into a failure (it did, in CI).
  file=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && f == "" {f = $NF} END {print f}')
  [ -n "$file" ] || { echo "FAIL: lazy libraries: ldconfig does not know $soname"; exit 1; }
  unshare -m sh -c 'mount --bind /dev/null "$(readlink -f "$1")" && exec "$2" missing "$3"' \
    sh "$file" "$tmp/lazy" "$soname"
done
