#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/targets/ into .build-fuzz/bin/.
#
# The library's modules (CkptCore, CkptWire, CkptEmbedded, CkptRemote,
# CkptClient, Ckpt), the emulator's core (CkptEmulator, which has no SwiftNIO)
# and the C shims are compiled here with swiftc/clang, instrumented with
# -sanitize=fuzzer,address, one whole-module object each; every target is one
# Swift file (plus targets/Support.swift) linked against those objects.  Each
# step is skipped when the hash of its inputs and flags has not changed, so a
# second run only relinks what changed.
#
# Usage: fuzz/build.sh [target...]      (default: every targets/*.swift)
# Env:   FUZZ_BUILD (default .build-fuzz), SWIFTC, CLANG, FUZZ_OPT (-O)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=${FUZZ_BUILD:-$ROOT/.build-fuzz}
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFTC")")/clang}
OPT=${FUZZ_OPT:--O}
SAN="-sanitize=fuzzer,address"
mkdir -p "$B/Modules" "$B/obj" "$B/bin" "$B/stamps"

# One package name for every module compiled here, so the targets can use
# `package` declarations (any name works: nothing here is mixed with SwiftPM's
# objects).
PKG=libckpt

# The C targets (Sources/C*/include), as SwiftPM would map them: ckpt.h as a
# module (CCkptABI) and the two shims.
C_TARGETS=(CCkptABI CSQLiteShim CLazyLibs)
for t in "${C_TARGETS[@]}"; do
  mkdir -p "$B/$t"
  cat > "$B/$t/module.modulemap.new" <<MAP
module $t {
    umbrella "$ROOT/Sources/$t/include"
    export *
}
MAP
  cmp -s "$B/$t/module.modulemap.new" "$B/$t/module.modulemap" 2>/dev/null \
    || mv "$B/$t/module.modulemap.new" "$B/$t/module.modulemap"
  rm -f "$B/$t/module.modulemap.new"
done

MAPS=(-Xcc "-fmodule-map-file=$ROOT/Sources/CJansson/module.modulemap"
      -Xcc "-fmodule-map-file=$ROOT/Sources/CSQLite/module.modulemap"
      -Xcc "-fmodule-map-file=$ROOT/Sources/CCurl/module.modulemap"
      -Xcc "-fmodule-map-file=$B/CCkptABI/module.modulemap"
      -Xcc "-fmodule-map-file=$B/CSQLiteShim/module.modulemap"
      -Xcc "-fmodule-map-file=$B/CLazyLibs/module.modulemap")
PKG_CFLAGS=$(pkg-config --cflags jansson sqlite3 libcurl libcrypto)
LIBS=$(pkg-config --libs jansson sqlite3 libcurl libcrypto)
COMMON_FLAGS=(-parse-as-library $OPT -g $SAN -package-name "$PKG"
             -module-cache-path "$B/ModuleCache" -I "$B/Modules" "${MAPS[@]}" -Xcc -fno-omit-frame-pointer)
SWIFT_FLAGS=(-swift-version 6 "${COMMON_FLAGS[@]}")
# The targets are test harnesses: Swift 5 mode spares them strict-concurrency
# ceremony around stderr and their global state.
TARGET_FLAGS=(-swift-version 5 "${COMMON_FLAGS[@]}")

stamp_ok() { # name hash output...
  local name=$1 hash=$2; shift 2
  [ -f "$B/stamps/$name" ] && [ "$(cat "$B/stamps/$name")" = "$hash" ] || return 1
  for f in "$@"; do [ -e "$f" ] || return 1; done
}
hash_of() { # words-to-hash file...
  local words=$1; shift
  { printf '%s\n' "$words" "$@"; cat "$@"; } | sha256sum | cut -c1-32
}

# The C shims (CCkptABI has only inline functions: nothing to compile).
shim_srcs=(Sources/CSQLiteShim/*.c Sources/CLazyLibs/*.c)
shim_hash=$(hash_of "$CLANG $PKG_CFLAGS" "${shim_srcs[@]}" Sources/C*/include/*.h include/ckpt.h)
shim_objs=()
for c in "${shim_srcs[@]}"; do shim_objs+=("$B/obj/shim-$(basename "$c" .c).o"); done
if ! stamp_ok shims "$shim_hash" "${shim_objs[@]}"; then
  echo "build: C shims"
  rm -f "$B"/obj/shim-*.o
  for c in "${shim_srcs[@]}"; do
    "$CLANG" -c -O1 -g -fPIC -fsanitize=fuzzer-no-link,address -fno-omit-frame-pointer \
      -I"$(dirname "$c")/include" $PKG_CFLAGS "$c" -o "$B/obj/shim-$(basename "$c" .c).o"
  done
  echo "$shim_hash" > "$B/stamps/shims"
fi

# The Swift modules of libckpt.so, in dependency order (Package.swift); each
# hash folds in the previous one.  A new module of the library goes here.
MODULES=(CkptCore CkptWire CkptEmbedded CkptRemote CkptClient Ckpt CkptEmulator)
prev=$shim_hash
for m in "${MODULES[@]}"; do
  mapfile -t srcs < <(find "Sources/$m" -name '*.swift' | sort)
  h=$(hash_of "$prev ${SWIFT_FLAGS[*]}" "${srcs[@]}")
  if ! stamp_ok "$m" "$h" "$B/obj/$m.o" "$B/Modules/$m.swiftmodule"; then
    echo "build: $m (${#srcs[@]} files)"
    "$SWIFTC" -module-name "$m" -wmo -num-threads 0 -c "${srcs[@]}" \
      -emit-module -emit-module-path "$B/Modules/$m.swiftmodule" -o "$B/obj/$m.o" \
      "${SWIFT_FLAGS[@]}" -Xcc -fPIC
    echo "$h" > "$B/stamps/$m"
  fi
  prev=$h
done
OBJS=("${shim_objs[@]}")
for m in "${MODULES[@]}"; do OBJS+=("$B/obj/$m.o"); done

# The targets.
if [ $# -gt 0 ]; then targets=("$@"); else
  mapfile -t targets < <(ls fuzz/targets/*.swift | xargs -n1 basename | sed 's/\.swift$//' | grep -vx Support)
fi
for t in "${targets[@]}"; do
  h=$(hash_of "$prev $LIBS" "fuzz/targets/$t.swift" fuzz/targets/Support.swift)
  if ! stamp_ok "target-$t" "$h" "$B/bin/$t"; then
    echo "build: fuzz target $t"
    "$SWIFTC" -module-name "fuzz_$t" "fuzz/targets/$t.swift" fuzz/targets/Support.swift \
      "${TARGET_FLAGS[@]}" -use-ld=lld "${OBJS[@]}" $LIBS -o "$B/bin/$t"
    echo "$h" > "$B/stamps/target-$t"
  fi
done
