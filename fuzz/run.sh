#!/usr/bin/env bash
# Builds every fuzz target (cached, see build.sh), replays the saved crashing
# inputs of fuzz/regressions/<target>/, then fuzzes each target for SECONDS
# (default 60) and prints, per target: execs/s, total execs, and the result.
#
# Usage: fuzz/run.sh [SECONDS]
# Env:   FUZZ_TARGETS="a b"  only these targets
#        FUZZ_RUNS=N         stop a target after N executions, if that comes
#                            before SECONDS (a long run: 1800 s or 10M)
#        FUZZ_SKIP="name ..." named findings the targets only warn about
#                            (known bugs awaiting a fix: secret-whole,
#                            secret-prefix, remote-internal, libcurl-11101,
#                            jsontext-accepts-more);
#                            regressions ignore it
#        FUZZ_BUILD          build directory (default .build-fuzz); the
#                            growing corpus lives in $FUZZ_BUILD/corpus/<target>
#
# A finding (crash, failed property, leak, timeout, out-of-memory) leaves its
# input in fuzz/artifacts/<target>/ (git-ignored) and makes the script exit 1.
# To reproduce one:  SWIFT_BACKTRACE=enable=no .build-fuzz/bin/<target> <file>
# Keep it as a regression test: copy it to fuzz/regressions/<target>/.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_EACH=${1:-60}
B=${FUZZ_BUILD:-$ROOT/.build-fuzz}
export FUZZ_BUILD=$B

"$ROOT/fuzz/build.sh" || { echo "FAIL: the fuzz targets do not build"; exit 1; }

if [ -n "${FUZZ_TARGETS:-}" ]; then read -r -a targets <<< "$FUZZ_TARGETS"; else
  mapfile -t targets < <(ls fuzz/targets/*.swift | xargs -n1 basename | sed 's/\.swift$//' | grep -vx Support)
fi

# Swift's own crash handler would print a backtrace and slow every crash down;
# libFuzzer and ASan report them.  Leaks are checked by libFuzzer after each
# input that allocated more than it freed.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1:handle_abort=1:allocator_may_return_null=1}
export FUZZ_TMPDIR=$B/tmp
mkdir -p "$FUZZ_TMPDIR"

failed=()
printf '%-18s %10s %12s %8s  %s\n' target "execs/s" "total execs" corpus result
for t in "${targets[@]}"; do
  bin=$B/bin/$t
  art=$ROOT/fuzz/artifacts/$t
  mkdir -p "$art" "$B/corpus/$t"
  log=$B/logs/$t.log
  mkdir -p "$B/logs"
  rm -f "$B/logs/$t.regressions.log"

  # 1. The regressions: every saved crash must now pass.
  regressions=()
  [ -d "fuzz/regressions/$t" ] && mapfile -t regressions < <(find "fuzz/regressions/$t" -type f ! -name '*.md' | sort)
  if [ ${#regressions[@]} -gt 0 ]; then
    bad=()
    for r in "${regressions[@]}"; do
      if ! env -u FUZZ_SKIP timeout 120 "$bin" -runs=1 "$r" >> "$B/logs/$t.regressions.log" 2>&1; then
        bad+=("$(basename "$r")")
      fi
    done
    if [ ${#bad[@]} -gt 0 ]; then
      printf '%-18s %10s %12s %8s  %s\n' "$t" - - - \
        "FAIL: ${#bad[@]} of ${#regressions[@]} regressions still fail: ${bad[*]} (log: $B/logs/$t.regressions.log)"
      failed+=("$t")
    else
      printf '%-18s %10s %12s %8s  %s\n' "$t" - - - "regressions: ${#regressions[@]} pass"
    fi
  fi

  # 2. Fuzz.  New inputs go to the build directory's corpus; fuzz/corpus/<t>
  # (the seeds) is only read.
  flags=()
  [ -f "fuzz/dict/$t.dict" ] && flags=(-dict="fuzz/dict/$t.dict")
  [ -n "${FUZZ_RUNS:-}" ] && flags+=(-runs="$FUZZ_RUNS")
  before=$(find "$art" -type f | wc -l)
  timeout $((SECONDS_EACH + 300)) "$bin" -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$art/" "${flags[@]}" \
    "$B/corpus/$t" "fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  if [ -z "$execs" ]; then   # a crash ends the run before the final stats
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  fi
  corpus=$(find "$B/corpus/$t" -type f | wc -l)
  after=$(find "$art" -type f | wc -l)
  if [ $rc -eq 0 ] && [ "$after" -eq "$before" ]; then
    result=OK
  else
    kind=$(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-z -]+|==FUZZ FINDING== .*' "$log" | sed -n 1p)
    newest=$(ls -t "$art" 2>/dev/null | sed -n 1p)
    result="FINDING (exit $rc): ${kind:-see $log} -> fuzz/artifacts/$t/$newest (log: $log)"
    failed+=("$t")
  fi
  if grep -q "FUZZ: skipping known finding" "$log"; then
    result="$result (skipped known: $(grep -oE 'skipping known finding [a-z0-9-]+' "$log" | awk '{print $4}' | sort -u | tr '\n' ' '))"
  fi
  printf '%-18s %10s %12s %8s  %s\n' "$t" "${rate:-?}" "${execs:-?}" "$corpus" "$result"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAIL ($(printf '%s\n' "${failed[@]}" | sort -u | paste -sd ' ' -))"
  exit 1
fi
echo "fuzz: PASS (${#targets[@]} targets, ${SECONDS_EACH}s each, no crash, leak or timeout)"
