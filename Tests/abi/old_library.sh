#!/usr/bin/env bash
# Symbol versions at work: a program that calls a 1.1 function, linked against
# the built libckpt.so.1, refuses to start on a libckpt.so.1 that has only the
# LIBCKPT_1.0 node (as 1.0 would), and says which version is missing; a
# program that calls only 1.0 functions still starts there.
#
#   Tests/abi/old_library.sh [LIBDIR]     (default build/lib)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIBDIR=${1:-$ROOT/build/lib}
CC=${CC:-cc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: abi: $*"; exit 1; }

# The stand-in for 1.0: the same soname, ckpt_version at LIBCKPT_1.0, no 1.1 node.
mkdir -p "$tmp/old"
printf 'const char *ckpt_version(void) { return "1.0.0"; }\n' > "$tmp/old.c"
printf 'LIBCKPT_1.0 { global: ckpt_version; local: *; };\n' > "$tmp/old.map"
"$CC" -shared -fPIC -Wl,-soname,libckpt.so.1 -Wl,--version-script="$tmp/old.map" "$tmp/old.c" -o "$tmp/old/libckpt.so.1"

cat > "$tmp/uses_1_1.c" <<'C'
#include <stdio.h>
#include <ckpt.h>
int main(void) { printf("%s %d\n", ckpt_version(), ckpt_version_number()); return 0; }
C
cat > "$tmp/uses_1_0.c" <<'C'
#include <stdio.h>
#include <ckpt.h>
int main(void) { printf("%s\n", ckpt_version()); return 0; }
C
for p in uses_1_1 uses_1_0; do
  "$CC" -std=c99 -I"$ROOT/include" "$tmp/$p.c" -o "$tmp/$p" -L"$LIBDIR" -lckpt -ljansson
done

grep -qE 'LIBCKPT_1\.1\)? +ckpt_version_number$' <<<"$(objdump -T "$tmp/uses_1_1")" \
  || fail "the program does not record ckpt_version_number@LIBCKPT_1.1"
LD_LIBRARY_PATH=$LIBDIR "$tmp/uses_1_1" > /dev/null || fail "the 1.1 program does not run on the built library"
if LD_LIBRARY_PATH=$tmp/old "$tmp/uses_1_1" > "$tmp/out" 2>&1; then
  fail "the 1.1 program started on a 1.0 library: $(cat "$tmp/out")"
fi
grep -q "version \`LIBCKPT_1.1' not found" "$tmp/out" || fail "the loader said: $(cat "$tmp/out")"
[ "$(LD_LIBRARY_PATH=$tmp/old "$tmp/uses_1_0")" = 1.0.0 ] || fail "a 1.0 program does not run on the 1.0 library"
echo "abi: a 1.1 program fails to load on a 1.0 library (version \`LIBCKPT_1.1' not found); a 1.0 program runs there"
