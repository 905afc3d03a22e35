#!/usr/bin/env bash
# make test-packages: the .debs and the wheel of build/packages/ on a fresh
# Debian 12 that has no Swift toolchain, then the shipped files themselves.
#
#   Tests/packages/run.sh
#
# The fresh machine is a minimal Debian 12 made by debootstrap into
# .build-debian/ (outside build/, so `make clean` keeps it).  It is made once
# and kept as a tarball, with the archives the test installs already
# downloaded; every run unpacks a new copy and throws it away afterwards, so a
# run never starts from a machine an earlier run changed.  The tarball is made
# again when it is a week old or when this script's base recipe changes.
#
# Needs root (debootstrap, chroot, mount), the network to Debian's archive,
# and `make deb wheel` first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=$ROOT/build/packages
CACHE=$ROOT/.build-debian
WORK=$ROOT/build/test-packages
PYTHON=${PYTHON:-python3}
SUITE=bookworm
# What the fresh machine has before the test: Python (for the wheel) and
# nothing of ours.  The test installs the rest with apt, as a user would.
BASE_INCLUDE=python3,python3-venv,ca-certificates
TEST_APT=(gcc pkg-config man-db)
MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

started=$(date +%s)
step() { echo "--- packages: $* ($(( $(date +%s) - started )) s)"; }
fail() { echo "FAIL: packages: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mount)"
version=$(sed -n 's/^#define CKPT_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' "$ROOT/include/ckpt.h" | paste -sd.)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
debs=(libckpt1 libckpt-dev ckpt libckpt1-dbgsym ckpt-dbgsym)
for p in "${debs[@]}"; do
  [ -f "$PKG/${p}_${version}_${arch}.deb" ] || fail "no $PKG/${p}_${version}_${arch}.deb: run make deb"
done
wheels=("$PKG"/ckpt-"$version"-py3-none-manylinux_*_x86_64.whl)
[ -f "${wheels[0]}" ] || fail "no $PKG/ckpt-$version-py3-none-manylinux_*.whl: run make wheel"
wheel=${wheels[0]}

# ---------------------------------------------------------------------------
# The shipped files (on this machine): contents, exports, debug symbols.
# ---------------------------------------------------------------------------
step "contents, exports and debug symbols of the .debs"
rm -rf "$WORK" && mkdir -p "$WORK/x"
for p in "${debs[@]}"; do dpkg-deb -x "$PKG/${p}_${version}_${arch}.deb" "$WORK/x"; done
lib=$WORK/x/usr/lib/$multiarch/libckpt.so.$version
contents() { dpkg-deb -c "$PKG/${1}_${version}_${arch}.deb" | awk '{print $6}' | sed 's|^\./|/|'; }
expect() { # package path...: each path is in the package
  local p=$1; shift
  local listing; listing=$(contents "$p")
  for f in "$@"; do grep -qxF "$f" <<<"$listing" || fail "$p does not ship $f"; done
}
expect libckpt1 "/usr/lib/$multiarch/libckpt.so.$version" "/usr/lib/$multiarch/libckpt.so.1" \
  /usr/share/doc/libckpt1/copyright
expect libckpt-dev /usr/include/ckpt.h "/usr/lib/$multiarch/libckpt.so" "/usr/lib/$multiarch/pkgconfig/ckpt.pc" \
  /usr/share/doc/libckpt-dev/copyright
expect ckpt /usr/bin/ckpt /usr/share/bash-completion/completions/ckpt /usr/share/man/man1/ckpt.1.gz \
  /usr/share/doc/ckpt/copyright
[ "$(readlink "$WORK/x/usr/lib/$multiarch/libckpt.so")" = libckpt.so.1 ] || fail "libckpt.so does not point at libckpt.so.1"
grep -qx 'prefix=/usr' "$WORK/x/usr/lib/$multiarch/pkgconfig/ckpt.pc" || fail "ckpt.pc: prefix is not /usr"
grep -qx "libdir=/usr/lib/$multiarch" "$WORK/x/usr/lib/$multiarch/pkgconfig/ckpt.pc" || fail "ckpt.pc: libdir is not multiarch"
dev_depends=$(dpkg-deb -f "$PKG/libckpt-dev_${version}_${arch}.deb" Depends)
grep -q "libckpt1 (= $version)" <<<"$dev_depends" && grep -q libjansson-dev <<<"$dev_depends" \
  || fail "libckpt-dev Depends: $dev_depends"
for dep in libjansson4 libsqlite3-0 libcurl4 libssl3; do
  grep -q "$dep" <<<"$(dpkg-deb -f "$PKG/libckpt1_${version}_${arch}.deb" Depends)" || fail "libckpt1 does not depend on $dep"
done
# (readelf exits 1 on .note.dlopen, a note type binutils 2.40 does not know)
build_id=$({ readelf -n "$lib" || true; } | sed -n 's/.*Build ID: //p')
debug_file=$WORK/x/usr/lib/debug/.build-id/${build_id:0:2}/${build_id:2}.debug
[ -f "$debug_file" ] || fail "libckpt1-dbgsym has no $debug_file for the library's build id $build_id"
"$PYTHON" "$ROOT/Tests/abi/check_exports.py" "$lib" --stripped --debug-file "$debug_file"
sections=$(readelf -S -W "$WORK/x/usr/bin/ckpt")
if grep -q '\] \.debug_' <<<"$sections"; then fail "/usr/bin/ckpt has debug sections"; fi
other=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ && $3 !~ /^(ckpt_[a-z_]+@@LIBCKPT_[0-9.]+|LIBCKPT_[0-9.]+)$/ {print $3}')
[ -z "$other" ] || fail "exports other than versioned ckpt_* symbols: $other"
echo "packages: the library exports $(nm -D --defined-only "$lib" | grep -c '@@LIBCKPT_') versioned ckpt_* functions, build id $build_id matches libckpt1-dbgsym"

step "lintian"
lintian --tag-display-limit 0 "$PKG/libckpt_${version}_${arch}.changes" > "$WORK/lintian.txt" 2>&1 || true
cat "$WORK/lintian.txt"
if grep -q '^E:' "$WORK/lintian.txt"; then fail "lintian reports errors"; fi

step "valgrind: the C API test against the packaged (stripped) library"
# test_api was linked against build/lib; LD_LIBRARY_PATH wins over its RUNPATH.
LD_LIBRARY_PATH=$WORK/x/usr/lib/$multiarch valgrind --quiet --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  "$ROOT/build/bin/test_api" --no-threads > "$WORK/valgrind.txt" 2>&1 \
  || { tail -n 40 "$WORK/valgrind.txt"; fail "valgrind: the C API test failed against the packaged library"; }
tail -n 1 "$WORK/valgrind.txt"

# ---------------------------------------------------------------------------
# The fresh machine.
# ---------------------------------------------------------------------------
recipe="suite=$SUITE include=$BASE_INCLUDE download=${TEST_APT[*]} libjansson-dev mirror=$MIRROR v1"
key=$(printf '%s' "$recipe" | sha256sum | cut -c1-12)
tarball=$CACHE/$SUITE-$key.tar
if [ -f "$tarball" ] && [ -n "$(find "$tarball" -mtime +7)" ]; then rm -f "$tarball"; fi
if [ ! -f "$tarball" ]; then
  step "debootstrap $SUITE (minbase + $BASE_INCLUDE) from $MIRROR into $CACHE"
  rm -rf "$CACHE" && mkdir -p "$CACHE"
  debootstrap --variant=minbase --include="$BASE_INCLUDE" "$SUITE" "$CACHE/root" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$CACHE/debootstrap.log"; fail "debootstrap failed"; }
  cp /etc/resolv.conf "$CACHE/root/etc/resolv.conf"
  # Download (not install) what the test installs, so that a run fetches
  # only what changed in the archive since.
  chroot "$CACHE/root" sh -c "apt-get update -qq && apt-get install -y -qq --download-only ${TEST_APT[*]} \
    libjansson-dev libjansson4 libsqlite3-0 libcurl4 libssl3 >/dev/null" || fail "apt-get --download-only failed"
  tar -C "$CACHE/root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" && rm -rf "$CACHE/root"
fi

step "a new copy of the fresh machine"
R=$WORK/root
mkdir -p "$R"
cleanup() {
  for m in "$R/proc" "$R/dev/pts" "$R/dev"; do mountpoint -q "$m" 2>/dev/null && umount -l "$m"; done
  rm -rf "$R"
}
trap cleanup EXIT
tar -C "$R" -xf "$tarball"
mount -t proc proc "$R/proc"
mount --bind /dev "$R/dev"
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir -p "$R/pkgs" "$R/src"
cp "$PKG"/{libckpt1,libckpt-dev,ckpt}_"${version}_${arch}".deb "$wheel" "$R/pkgs/"
cp "$ROOT/examples/quickstart.c" "$ROOT/examples/quickstart.sh" "$ROOT/Tests/packages/in_chroot.sh" \
  "$ROOT/Tests/packages/serve_smoke.sh" "$R/src/"
# A clean environment: none of this machine's variables (CKPT_LIBRARY,
# LD_LIBRARY_PATH, PATH with Swift) reach the fresh machine.
chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/bash /src/in_chroot.sh "$(basename "$wheel")" "$version" "$arch" \
  || fail "the fresh-machine test failed"
step "passed"
