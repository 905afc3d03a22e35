#!/usr/bin/env bash
# The C test suite (Tests/c/test_api.c) against sanitizer builds of libckpt.
#
#   Tests/sanitizers/run.sh [asan] [tsan] [valgrind]     (default: asan tsan)
#
#   asan      libckpt built with AddressSanitizer (+ LeakSanitizer), in
#             .build-asan; test_api (every test, threads and processes too)
#             built with clang -fsanitize=address and run with leak detection.
#   tsan      libckpt built with ThreadSanitizer, in .build-tsan; test_api
#             built with clang -fsanitize=thread and run with its thread tests.
#   valgrind  memcheck on test_api --no-threads against the normal build in
#             build/lib (what `make test-valgrind` does; `make lib` first).
#
# Each library is built like the shipping one (`make lib`): SwiftPM, the
# Swift runtime linked in statically, soname libckpt.so.1, and the version
# script that exports exactly the functions of ckpt.h.  Builds are incremental
# (SwiftPM's own cache in each scratch path).
#
# Prints "PASS: ..." or "FAIL: ..." per mode and exits 1 on any sanitizer
# report, test failure or build failure.  Logs: .build-{asan,tsan}/test_api.log.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
HERE=Tests/sanitizers
SWIFT=${SWIFT:-swift}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFT")")/clang}
SWIFT_CONFIG=${SANITIZER_SWIFT_CONFIG:-debug}   # debug: exact stacks; release: faster
modes=("$@")
[ ${#modes[@]} -eq 0 ] && modes=(asan tsan)

# No Swift backtracer: the sanitizers print the stacks, and the backtracer
# would hold a crashing process for seconds.
export SWIFT_BACKTRACE=enable=no

fails=()
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails+=("$1"); }

# build_lib SANITIZER SCRATCH: libckpt.so.1 with the sanitizer, in SCRATCH/lib.
build_lib() {
  local sanitizer=$1 scratch=$2
  echo "--- building libckpt with --sanitize=$sanitizer in $scratch ($SWIFT_CONFIG)"
  if ! "$SWIFT" build -c "$SWIFT_CONFIG" --scratch-path "$scratch" --product ckpt --sanitize="$sanitizer" \
      -Xswiftc -static-stdlib -Xlinker -soname=libckpt.so.1 -Xlinker --version-script="$ROOT/libckpt.map" \
      > "$scratch/build.log" 2>&1; then
    tail -n 30 "$scratch/build.log"
    return 1
  fi
  mkdir -p "$scratch/lib"
  cp "$scratch/$SWIFT_CONFIG/libckpt.so" "$scratch/lib/libckpt.so.1"
  ln -sf libckpt.so.1 "$scratch/lib/libckpt.so"
  # The same ABI checks as `make check-exports`: no Swift runtime needed,
  # the soname, and nothing exported beyond ckpt.h (sanitizer hooks aside).
  local so=$scratch/lib/libckpt.so.1
  "${PYTHON:-python3}" Tests/abi/check_exports.py "$so" --allow __asan --allow __tsan --allow __sanitizer \
    --allow __lsan --allow __ubsan || return 1
}

# build_test SANITIZER SCRATCH: test_api against SCRATCH/lib.
build_test() {
  local sanitizer=$1 scratch=$2 extra=()
  if [ "$sanitizer" = thread ]; then
    # The toolchain's TSan runtime carries libdispatch interceptors, which
    # need libdispatch (shipped with the toolchain) at link and load time.
    local rt
    rt=$(dirname "$(command -v "$SWIFT")")/../lib/swift/linux
    extra=(-L"$rt" -ldispatch -lBlocksRuntime -Wl,-rpath,"$(cd "$rt" && pwd)")
  fi
  "$CLANG" -fsanitize="$sanitizer" -g -O1 -fno-omit-frame-pointer -fuse-ld=lld -std=c99 -pthread \
    -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude -ITests/c Tests/c/test_api.c -o "$scratch/test_api" \
    -L"$scratch/lib" -lckpt -ljansson -lsqlite3 -Wl,-rpath,"$ROOT/$scratch/lib" "${extra[@]}"
}

# canary SANITIZER SCRATCH: Tests/sanitizers/canary.c against SCRATCH/lib.
build_canary() {
  local sanitizer=$1 scratch=$2 extra=()
  if [ "$sanitizer" = thread ]; then
    local rt
    rt=$(dirname "$(command -v "$SWIFT")")/../lib/swift/linux
    extra=(-L"$rt" -ldispatch -lBlocksRuntime -Wl,-rpath,"$(cd "$rt" && pwd)")
  fi
  "$CLANG" -fsanitize="$sanitizer" -g -O1 -fno-omit-frame-pointer -fuse-ld=lld -std=c99 -pthread -Iinclude \
    "$HERE/canary.c" -o "$scratch/canary" -L"$scratch/lib" -lckpt -ljansson -Wl,-rpath,"$ROOT/$scratch/lib" "${extra[@]}"
}

# check_log NAME LOG RC: the verdict of one run.
check_log() {
  local name=$1 log=$2 rc=$3 reports
  reports=$(grep -cE '^(==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|==[0-9]+==ERROR: ThreadSanitizer|SUMMARY: (Address|Leak|Thread)Sanitizer)' "$log")
  local summary
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  if [ "$reports" -gt 0 ]; then
    fail "$name" "$(grep -E '^SUMMARY: ' "$log" | sort | uniq -c | sort -rn | head -5 | tr -s ' ' | paste -sd ';' -)" \
      "(${summary:-no summary}; exit $rc; log $log)"
  elif [ "$rc" -ne 0 ]; then
    fail "$name" "exit $rc, ${summary:-no summary} (log $log)"
    grep -E '^(FAIL|not ok)|: FAIL' "$log" | head -10
  else
    pass "$name: $summary, no reports (log $log)"
  fi
}

run_asan() {
  local scratch=.build-asan
  mkdir -p "$scratch/tmp"
  build_lib address "$scratch" || { fail asan "the ASan library does not build"; return; }
  build_test address "$scratch" || { fail asan "test_api does not build with -fsanitize=address"; return; }
  build_canary address "$scratch" || { fail asan "the canary does not build"; return; }
  # The canary: a leak planted through the library must be reported.
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$ROOT/$HERE/lsan.supp "$scratch/canary" leak \
    > "$scratch/canary.log" 2>&1
  if grep -q 'ERROR: LeakSanitizer' "$scratch/canary.log" && grep -q 'ckpt_call_text' "$scratch/canary.log"; then
    echo "    canary: LeakSanitizer reports the planted leak inside libckpt"
  else
    fail asan "the canary's planted leak was not reported: the sanitizer is not working (log $scratch/canary.log)"
    return
  fi
  echo "--- test_api under AddressSanitizer + LeakSanitizer"
  local log=$scratch/test_api.log rc
  TMPDIR=$ROOT/$scratch/tmp \
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=0:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=0:symbolize=1:print_suppressions=0 \
  LSAN_OPTIONS=suppressions=$ROOT/$HERE/lsan.supp:print_suppressions=1 \
    "$scratch/test_api" > "$log" 2>&1
  rc=$?
  # Which suppressions matched, and how often (they are Swift-runtime caches).
  grep -A20 'Suppressions used:' "$log" | grep -E '^ +[0-9]+ +[0-9]+ ' | sed 's/^/    suppressed: /' || true
  check_log "asan (test_api, all tests)" "$log" $rc
}

run_tsan() {
  local scratch=.build-tsan
  mkdir -p "$scratch/tmp"
  build_lib thread "$scratch" || { fail tsan "the TSan library does not build"; return; }
  build_test thread "$scratch" || { fail tsan "test_api does not build with -fsanitize=thread"; return; }
  build_canary thread "$scratch" || { fail tsan "the canary does not build"; return; }
  # The canary: concurrent first calls into libckpt must be clean, and the
  # race planted in canary.c must be the one report.
  TSAN_OPTIONS=suppressions=$ROOT/$HERE/tsan.supp "$scratch/canary" race > "$scratch/canary.log" 2>&1
  local planted others
  planted=$(grep -c '^SUMMARY: ThreadSanitizer: data race .* in canary_racer' "$scratch/canary.log")
  others=$(grep '^SUMMARY: ThreadSanitizer' "$scratch/canary.log" | grep -vc 'in canary_racer')
  if [ "$planted" -ge 1 ] && [ "$others" -eq 0 ]; then
    echo "    canary: ThreadSanitizer reports the planted race, and nothing in concurrent first calls into libckpt"
  elif [ "$planted" -eq 0 ]; then
    fail tsan "the canary's planted race was not reported: the sanitizer is not working (log $scratch/canary.log)"
    return
  else
    fail tsan "concurrent first calls into libckpt: $others report(s) (log $scratch/canary.log)"
    grep '^SUMMARY: ThreadSanitizer' "$scratch/canary.log" | grep -v 'in canary_racer' | sort | uniq -c | head
  fi
  echo "--- test_api under ThreadSanitizer"
  local log=$scratch/test_api.log rc
  TMPDIR=$ROOT/$scratch/tmp \
  TSAN_OPTIONS=halt_on_error=0:second_deadlock_stack=1:history_size=4:suppressions=$ROOT/$HERE/tsan.supp:print_suppressions=1 \
    "$scratch/test_api" > "$log" 2>&1
  rc=$?
  check_log "tsan (test_api with threads and processes)" "$log" $rc
}

run_valgrind() {
  local so=build/lib/libckpt.so.1 scratch=.build-valgrind
  if [ ! -f "$so" ]; then fail valgrind "no $so: run make lib first"; return; fi
  mkdir -p "$scratch"
  # As `make test-valgrind`: the library without debug info (valgrind reads
  # the statically linked runtime's DWARF slowly), test_api built normally.
  objcopy --strip-debug "$so" "$scratch/libckpt.so.1"
  ${CC:-cc} -O2 -g -std=c99 -pthread -Iinclude -ITests/c Tests/c/test_api.c -o "$scratch/test_api" \
    -L"$scratch" -l:libckpt.so.1 -ljansson || { fail valgrind "test_api does not build"; return; }
  echo "--- test_api --no-threads under valgrind memcheck"
  local log=$scratch/test_api.log rc
  LD_LIBRARY_PATH=$scratch valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    "$scratch/test_api" --no-threads > "$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then pass "valgrind: $(grep -E '^[0-9]+ passed' "$log" | tail -1), no memcheck errors (log $log)"
  elif [ $rc -eq 99 ]; then fail valgrind "memcheck errors (log $log)"; grep -E '^==[0-9]+== (Invalid|Conditional|.*definitely|.*indirectly)' "$log" | head
  else fail valgrind "exit $rc (log $log)"; fi
}

for m in "${modes[@]}"; do
  case $m in
    asan) run_asan ;;
    tsan) run_tsan ;;
    valgrind) run_valgrind ;;
    *) echo "unknown mode $m (asan, tsan, valgrind)"; exit 2 ;;
  esac
done

if [ ${#fails[@]} -gt 0 ]; then
  echo "sanitizers: FAIL (${fails[*]})"
  exit 1
fi
echo "sanitizers: PASS (${modes[*]})"
