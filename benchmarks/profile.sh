#!/usr/bin/env bash
# profile.sh - callgrind profile of one libckpt workload; prints the top
# functions by inclusive cost (instructions), Swift names demangled.
#
#   benchmarks/profile.sh create|create-text|get|get-text [N]     (N default 2000)
#
# Only the measured operation is collected (--toggle-collect on do_create or
# do_get in benchmarks/bench.c), not the set-up.  valgrind 3.19 cannot read
# the DWARF 5 the Swift toolchain emits, so the library is profiled from a
# copy with its debug info stripped (symbols kept).  Needs build/lib (make lib).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-create}; n=${2:-2000}
work=$root/build/bench/profile; mkdir -p "$work"
cc -std=c99 -O2 -g -pthread -I"$root/include" "$root/benchmarks/bench.c" -o "$work/bench" \
   -L"$root/build/lib" -lckpt -ljansson -lsqlite3 -Wl,-rpath,"$root/build/lib"
strip --strip-debug -o "$work/libckpt.so.1" "$(readlink -f "$root/build/lib/libckpt.so.1")"
case $what in
  create)      fn=do_create; args=(json "$n" 1) ;;
  create-text) fn=do_create; args=(text "$n" 1) ;;
  get)         fn=do_get;    args=(json 1000 "$n") ;;
  get-text)    fn=do_get;    args=(text 1000 "$n") ;;
  *) echo "usage: $0 create|create-text|get|get-text [N]" >&2; exit 2 ;;
esac
rm -f "$work"/store.db*
out=$work/callgrind.$what.out
LD_LIBRARY_PATH=$work valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$fn" \
  "$work/bench" crud "$work/store.db" normal "${args[@]}" >/dev/null 2>"$work/valgrind.log"
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
callgrind_annotate --inclusive=yes --threshold=99 "$out" > "$out.txt" 2>/dev/null || true
total=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$out.txt")
echo "callgrind, $what, N=$n: $total instructions in $fn, $((total / n)) per operation"
awk '/^-+$/ {sep++; next} sep >= 4 && NF' "$out.txt" \
  | grep -vE "PROGRAM TOTALS|libc_start|below main|ld-linux-x86-64|bench.c:main" \
  | demangle | cut -c1-180 | head -n "${TOP:-40}" || true
echo "(full profile: $out; callgrind_annotate --inclusive=yes --tree=calling $out)"
