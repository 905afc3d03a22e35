#!/bin/bash
# Runs inside the fresh Debian 12 of Tests/packages/run.sh, as a new user of
# libckpt would: the wheel first, then the .debs, then C, shell and docs.
#
#   /src/in_chroot.sh WHEEL VERSION ARCH      (packages in /pkgs, sources in /src)
set -euo pipefail
wheel=$1 version=$2 arch=$3
fail() { echo "FAIL: fresh machine: $*"; exit 1; }
ok() { echo "fresh machine: ok: $*"; }

# Nothing of ours, and no Swift, is here yet.
# (Output is captured before grep -q reads it: grep -q stops at the first
# match, and the writer's SIGPIPE would turn the pipeline's status, under
# pipefail, into a failure, or under `!` into a pass.)
! command -v swift >/dev/null || fail "a Swift toolchain is installed"
libs=$(ldconfig -p)
! grep -q libckpt <<<"$libs" || fail "a libckpt is installed before the packages"
! grep -q libcurl <<<"$libs" || fail "libcurl is installed before the packages"
[ -z "${CKPT_LIBRARY:-}${LD_LIBRARY_PATH:-}" ] || fail "CKPT_LIBRARY or LD_LIBRARY_PATH is set"

# 1. The wheel, in a venv, before any .deb: the library inside it, and the
#    C libraries auditwheel bundled, are all it needs.
python3 -m venv /opt/venv
/opt/venv/bin/pip install -q --no-index "/pkgs/$wheel"
cd /tmp
/opt/venv/bin/python - "$version" <<'PY'
import sys
import ckpt
from ckpt import _ffi

assert ckpt.__version__ == sys.argv[1], ckpt.__version__
path = _ffi.library_path
assert "/site-packages/ckpt/" in path, f"loaded {path}, not the packaged library"
assert _ffi.library_version() == sys.argv[1], _ffi.library_version()
with ckpt.Client(path=":memory:") as client:
    server = {"id": "11111111-2222-4333-8444-555555555555", "type": "OS::Nova::Server", "name": "web-1", "size": 40}
    vault = client.create_vault("wheel", size_gb=100, resources=[server])
    created = client.create_checkpoint(vault["vault"]["id"], name="wheel", incremental=False)
    checkpoint_id = created["checkpoint"]["id"]
    client.wait_checkpoint(checkpoint_id, timeout=60)
    got = client.get_checkpoint(checkpoint_id)
    assert got["checkpoint"]["status"] == "available", got
    assert got["checkpoint"]["vault"]["id"] == vault["vault"]["id"], got
    try:
        client.get_checkpoint("00000000-0000-4000-8000-000000000000")
    except ckpt.NotFoundError:
        pass
    else:
        raise AssertionError("an unknown checkpoint was found")
print(f"wheel: checkpoint round trip through {path}")

# The remote backend: libckpt loads libcurl and libcrypto on first use, and
# this machine has no libcurl: the wheel's own copies must be the ones found.
# Nothing listens on port 1, so the call fails, class network, after the
# libraries loaded.
with ckpt.Client(backend="remote", endpoint="http://127.0.0.1:1", project_id="p1", ak="AK", sk="SK",
                 retries=0) as remote:
    try:
        remote.get_checkpoint("00000000-0000-4000-8000-000000000000")
    except ckpt.NetworkError as e:
        assert "could not be loaded" not in str(e), e
    else:
        raise AssertionError("a remote call to a closed port succeeded")
print("wheel: the remote backend loads the bundled libcurl and libcrypto")
PY
ok "pip install of the wheel, a checkpoint round trip in memory, the remote backend's libraries"

# 2. The .debs, with what the quick starts need.
apt-get update -qq
apt-get install -y -qq "/pkgs/libckpt1_${version}_${arch}.deb" "/pkgs/libckpt-dev_${version}_${arch}.deb" \
  "/pkgs/ckpt_${version}_${arch}.deb" gcc pkg-config man-db > /tmp/apt.log 2>&1 \
  || { tail -n 30 /tmp/apt.log; fail "apt-get install of the .debs"; }
[ "$(dpkg-query -W -f '${Version}' libckpt1)" = "$version" ] || fail "libckpt1 is not installed at $version"
libs=$(ldconfig -p)
grep -q 'libckpt.so.1 ' <<<"$libs" || fail "ldconfig does not know libckpt.so.1"
ok "apt-get install ./libckpt1 ./libckpt-dev ./ckpt gcc pkg-config man-db"

# 3. The C quick start, built with pkg-config against the installed package.
cc /src/quickstart.c -o /tmp/quickstart $(pkg-config --cflags --libs ckpt)
/tmp/quickstart /tmp/store-c.db > /tmp/quickstart.out
grep -q '^status: available$' /tmp/quickstart.out || { cat /tmp/quickstart.out; fail "the C quick start"; }
# (merged /usr: the loader may name /lib/<multiarch>/ for /usr/lib/<multiarch>/)
linked=$(ldd /tmp/quickstart)
grep -qE "libckpt.so.1 => (/usr)?/lib/[a-z0-9_-]+/libckpt.so.1 " <<<"$linked" \
  || { echo "$linked"; fail "the C quick start did not link the packaged library"; }
ok "cc quickstart.c \$(pkg-config --cflags --libs ckpt) builds and runs"

# 4. The shell quick start with the packaged ckpt.
[ "$(command -v ckpt)" = /usr/bin/ckpt ] || fail "ckpt is not /usr/bin/ckpt"
CKPT=ckpt bash /src/quickstart.sh /tmp/shell > /tmp/quickstart-sh.out 2>&1 \
  || { tail -n 30 /tmp/quickstart-sh.out; fail "the shell quick start"; }
ok "the shell quick start with the packaged ckpt"

# 5. --help and the man page.
help=$(ckpt --help)
grep -q 'checkpoint' <<<"$help" || fail "ckpt --help names no checkpoint command"
[ "$(ckpt --version)" = "$version" ] || fail "ckpt --version is $(ckpt --version)"
MANPAGER=cat MANWIDTH=80 man ckpt > /tmp/man.txt 2>/tmp/man.err || { cat /tmp/man.err; fail "man ckpt"; }
grep -q 'ckpt .*Create and query backup checkpoints' /tmp/man.txt || fail "man ckpt has no NAME line"
grep -qi 'warning' /tmp/man.err && { cat /tmp/man.err; fail "man ckpt warns"; }
ok "ckpt --help, ckpt --version and man ckpt"

# 5b. ckpt serve (it runs /usr/libexec/ckpt/ckpt-serve), answering a real request.
smoke=$(bash /src/serve_smoke.sh ckpt /tmp/serve.db)
grep -q 'ran /usr/libexec/ckpt/ckpt-serve' <<<"$smoke" || fail "ckpt serve: $smoke"
ok "ckpt serve (/usr/libexec/ckpt/ckpt-serve) answers GET /v3/{project}/vaults"

# 6. The bash completion completes `ckpt chec` to `checkpoint`.
completion=$(bash -c '
  source /usr/share/bash-completion/completions/ckpt
  spec=$(complete -p ckpt); fn=${spec##*-F }; fn=${fn%% *}
  COMP_WORDS=(ckpt chec); COMP_CWORD=1; COMP_LINE="ckpt chec"; COMP_POINT=${#COMP_LINE}
  "$fn" ckpt chec ckpt
  printf "%s\n" "${COMPREPLY[@]}"')
[ "$completion" = checkpoint ] || fail "ckpt chec<TAB> completes to '$completion'"
ok "bash completion: ckpt chec<TAB> -> checkpoint"
