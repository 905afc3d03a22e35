#!/usr/bin/env python3
"""`make bench`: build libckpt and the ckpt CLI in release mode, run every
benchmark workload in one run, print a table, and write
benchmarks/results.json and benchmarks/results.md.

    python3 benchmarks/run.py [--quick] [--skip-build] [--reps N] [--scale-n N] ...

The machine is assumed shared and noisy: every comparison is measured side
by side in the same run (the two sides interleaved, repetition by
repetition), the value reported is the median over repetitions, and the
CPU time other processes used during each workload is recorded beside it.

Workloads (see benchmarks/README.md):
  1 create        embedded store, durability normal and full, ckpt_call (json_t)
  2 get           random ids over that store: ops/s, p50, p99
  3 text API      1 and 2 through ckpt_call_text
  4 shared handle 2 threads on one handle, 20% create / 80% get
  5 scale         get p50/p99 at 1,000 and 1,000,000 checkpoints; bytes per checkpoint
  6 floor         benchmarks/floor.c (jansson + SQLite, least work): library/floor ratios
  7 Python        ckpt.Client vs the same work in C through ckpt_call_text
  8 HTTP client   remote backend vs the official huaweicloudsdkcbr, against `ckpt serve`
  9 CLI           `ckpt call checkpoint.get ...` wall time vs /bin/true
 10 library file  stripped size; dlopen + first ckpt_version() time, and the ratio to a
                  .so that needs only jansson and sqlite3 (benchmarks/dlopen_floor.c)
 11 backups       backup.list at scale
 12 group commit  creates/s of 8 threads on one handle at full vs 1 thread at normal
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_SRC = os.path.join(ROOT, "benchmarks")
BUILD = os.path.join(ROOT, "build")
BUILT_LIB = os.path.join(BUILD, "lib", "libckpt.so.1")
BUILT_CLI = os.path.join(BUILD, "bin", "ckpt")
WORK = os.path.join(BUILD, "bench")          # binaries and stores (ext4, not tmpfs: fsync is real)
# Every workload uses a private snapshot of the library and the CLI: a
# `make lib` elsewhere rewrites build/lib/libckpt.so.MAJOR.MINOR.PATCH (cp),
# which crashes (SIGBUS) any process that has it mapped, and would mix two
# libraries in one run.
LIBDIR = os.path.join(WORK, "lib")
LIB = os.path.join(LIBDIR, "libckpt.so.1")
DLOPEN_FLOOR = os.path.join(WORK, "libdlopen_floor.so")  # workload 10's floor
CLI_FLOOR = os.path.join(WORK, "cli_floor")                # workload 9's floor
CLI = os.path.join(WORK, "ckpt")
VENV = os.path.join(BUILD, "bench-venv")     # the official SDK lives here, not in the system Python
PYTHON = sys.executable
AK, SK = "BENCHAKEXAMPLE0000000", "bench-secret-key-not-a-real-one-0000000000"
LOAD_TOKEN = "bench-token-not-a-real-one-00000000"
PROJECT = "0" * 32

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# Machine state: load, and the CPU that processes other than ours used
# ---------------------------------------------------------------------------

def loadavg() -> List[float]:
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def _proc_table() -> Dict[Tuple[int, int], Tuple[int, float, str]]:
    """(pid, starttime) -> (ppid, cpu seconds so far, command line)."""
    out: Dict[Tuple[int, int], Tuple[int, float, str]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            rest = stat[stat.rindex(")") + 2:].split()
            ppid, utime, stime, start = int(rest[1]), int(rest[11]), int(rest[12]), int(rest[19])
            try:
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            except OSError:
                cmd = ""
            if not cmd:
                cmd = "[" + stat[stat.index("(") + 1:stat.rindex(")")] + "]"
            out[(int(name), start)] = (ppid, (utime + stime) / CLK_TCK, cmd)
        except (OSError, ValueError, IndexError):
            continue
    return out


def _system_busy_seconds() -> float:
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def _own_cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class CpuMonitor:
    """Samples /proc every `interval` seconds in a thread: which processes
    outside this run's process tree used CPU, and how much."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.first: Dict[Tuple[int, int], float] = {}
        self.last: Dict[Tuple[int, int], Tuple[float, str]] = {}
        self.ours: set = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        table = _proc_table()
        me = os.getpid()
        parent = {k[0]: v[0] for k, v in table.items()}
        for key, (_, cpu, cmd) in table.items():
            pid, chain = key[0], 0
            p = pid
            while p and p != me and chain < 64:
                p = parent.get(p, 0)
                chain += 1
            if p == me or pid == me:
                self.ours.add(key)
            self.first.setdefault(key, cpu)
            self.last[key] = (cpu, cmd)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> None:
        self._sample()
        self._thread.start()

    def stop(self) -> List[Dict[str, Any]]:
        self._stop.set()
        self._thread.join()
        self._sample()
        rows = []
        for key, (cpu, cmd) in self.last.items():
            if key in self.ours:
                continue
            used = cpu - self.first.get(key, cpu)
            if used >= 0.5:
                rows.append({"pid": key[0], "cpu_seconds": round(used, 1), "command": cmd[:160]})
        rows.sort(key=lambda r: -r["cpu_seconds"])
        return rows[:10]


class Window:
    """CPU used by other processes during one workload, in cores on average."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.busy0 = _system_busy_seconds()
        self.own0 = _own_cpu_seconds()

    def close(self) -> Dict[str, float]:
        dt = max(time.monotonic() - self.t0, 1e-6)
        busy = _system_busy_seconds() - self.busy0
        own = _own_cpu_seconds() - self.own0
        return {"seconds": round(dt, 1), "other_cores_busy": round(max(busy - own, 0.0) / dt, 2)}


def top_consumers_now(seconds: float = 1.0) -> List[Dict[str, Any]]:
    """Processes other than this one that used CPU over `seconds`, busiest first."""
    a = _proc_table()
    time.sleep(seconds)
    b = _proc_table()
    rows = []
    for key, (_, cpu, cmd) in b.items():
        if key[0] == os.getpid() or key not in a:
            continue
        pct = (cpu - a[key][1]) / seconds * 100
        if pct >= 2:
            rows.append({"pid": key[0], "cpu_percent": round(pct), "command": cmd[:160]})
    rows.sort(key=lambda r: -r["cpu_percent"])
    return rows[:10]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sh(cmd: List[str], *, env: Optional[Dict[str, str]] = None, timeout: Optional[float] = None,
       cwd: str = ROOT) -> str:
    """Runs a command; returns stdout; raises with stderr's tail on failure."""
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if p.returncode != 0:
        tail = (p.stderr or p.stdout).strip().splitlines()[-15:]
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {p.returncode}:\n  " + "\n  ".join(tail))
    return p.stdout


def run_json(cmd: List[str], **kw: Any) -> Dict[str, Any]:
    out = sh(cmd, **kw).strip().splitlines()
    return json.loads(out[-1])


def median(xs: List[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


METRICS = ("wall", "quiet", "cpu")


def rates(ph: Dict[str, Any]) -> Dict[str, float]:
    """A phase's throughput three ways: wall (ops/s over the timed calls),
    quiet (wall minus the time this process sat preempted on a run queue:
    what a quiet machine would show, fsync waits included), and CPU (ops per
    CPU-second of the process)."""
    # Never faster than the CPU time itself (schedstat is accounted at
    # context switches, so a short phase can see a wait that began before it).
    quiet_s = max(ph["wall_seconds"] - ph.get("runqueue_wait_seconds", 0.0), ph["cpu_seconds"], 1e-9)
    return {"wall": ph["ops_per_s"], "quiet": ph["n"] / quiet_s, "cpu": ph["ops_per_cpu_s"]}


def summarize_pair(runs_a: List[Dict[str, Any]], runs_b: List[Dict[str, Any]], phase: str) -> Dict[str, float]:
    """Median of a/b ratios of runs made side by side, for each metric."""
    out = {}
    for m in METRICS:
        out[m] = median([rates(a[phase])[m] / rates(b[phase])[m] for a, b in zip(runs_a, runs_b)])
    return out


def fresh_store(name: str) -> str:
    path = os.path.join(WORK, name)
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    return path


def remove_store(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def atomic_copy(src: str, dst: str) -> None:
    """Copy, then rename over dst: a process still running the old file keeps it."""
    tmp = f"{dst}.tmp{os.getpid()}"
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def py_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["CKPT_LIBRARY"] = LIB
    env["PYTHONPATH"] = os.path.join(ROOT, "bindings", "python")
    return env


def git_commit() -> Dict[str, Any]:
    try:
        head = sh(["git", "rev-parse", "HEAD"]).strip()
        dirty = bool(sh(["git", "status", "--porcelain", "--untracked-files=no"]).strip())
        return {"commit": head, "dirty": dirty}
    except Exception as e:  # noqa: BLE001 - not a git checkout
        return {"commit": None, "error": str(e)}


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------

CFLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra"]


def build(args: argparse.Namespace, results: Dict[str, Any]) -> None:
    os.makedirs(WORK, exist_ok=True)
    info: Dict[str, Any] = {}
    if not args.skip_build:
        t0 = time.monotonic()
        log("build: make lib (release)")
        sh(["make", "--no-print-directory", "lib"])
        info["lib_seconds"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        try:
            if subprocess.run(["make", "-n", "cli"], cwd=ROOT, capture_output=True).returncode == 0:
                log("build: make cli (swift build -c release --product ckpt-cli -Xswiftc -static-stdlib)")
                sh(["make", "--no-print-directory", "cli"])
            else:
                log("build: swift build -c release --product ckpt-cli -Xswiftc -static-stdlib")
                sh(["swift", "build", "-c", "release", "--product", "ckpt-cli", "-Xswiftc", "-static-stdlib"])
                binpath = sh(["swift", "build", "-c", "release", "--show-bin-path"]).strip()
                os.makedirs(os.path.dirname(BUILT_CLI), exist_ok=True)
                atomic_copy(os.path.join(binpath, "ckpt-cli"), BUILT_CLI)
            info["cli"] = "built"
        except Exception as e:  # noqa: BLE001 - the CLI is another engineer's work in progress
            info["cli"] = f"not built: {e}"
            log(f"build: the CLI did not build; workloads 8 and 9 will be skipped\n{e}")
        info["cli_seconds"] = round(time.monotonic() - t0, 1)
    if not os.path.exists(BUILT_LIB):
        raise SystemExit(f"{BUILT_LIB} is missing: run `make lib` first")
    os.makedirs(LIBDIR, exist_ok=True)
    sh(["cc", *CFLAGS, os.path.join(BENCH_SRC, "dlopen.c"), "-o", os.path.join(WORK, "dlopen_bench"), "-ldl"])
    sh(["cc", *CFLAGS, "-shared", "-fPIC", os.path.join(BENCH_SRC, "dlopen_floor.c"), "-o", DLOPEN_FLOOR,
        "-ljansson", "-lsqlite3"])
    sh(["cc", *CFLAGS, os.path.join(BENCH_SRC, "cli_floor.c"), "-o", CLI_FLOOR, "-ljansson", "-lsqlite3"])
    for attempt in range(10):
        # Another engineer's `make lib` may be half-way through its cp: take a
        # copy that loads, twice the same.
        atomic_copy(os.path.realpath(BUILT_LIB), LIB)
        probe = subprocess.run([os.path.join(WORK, "dlopen_bench"), LIB], capture_output=True, text=True)
        if probe.returncode == 0 and file_sha256(LIB) == file_sha256(os.path.realpath(BUILT_LIB)):
            break
        log(f"build: the library snapshot does not load yet ({probe.stderr.strip()}); retrying")
        time.sleep(3)
    else:
        raise SystemExit(f"{BUILT_LIB} does not load: {probe.stderr.strip()}")
    if not os.path.islink(os.path.join(LIBDIR, "libckpt.so")):
        os.symlink("libckpt.so.1", os.path.join(LIBDIR, "libckpt.so"))
    if args.cli:
        if os.path.exists(args.cli):
            atomic_copy(args.cli, CLI)
            # `ckpt serve` runs the ckpt-serve beside it (workload 8).
            server = os.path.join(os.path.dirname(args.cli), "ckpt-serve")
            if os.path.exists(server):
                atomic_copy(server, os.path.join(WORK, "ckpt-serve"))
        elif os.path.exists(CLI):
            os.remove(CLI)
    link = ["-I" + os.path.join(ROOT, "include"), "-L" + LIBDIR, "-lckpt", "-ljansson",
            "-Wl,-rpath," + LIBDIR]
    sh(["cc", *CFLAGS, "-pthread", os.path.join(BENCH_SRC, "bench.c"), "-o", os.path.join(WORK, "bench"),
        *link, "-lsqlite3"])
    sh(["cc", *CFLAGS, os.path.join(BENCH_SRC, "floor.c"), "-o", os.path.join(WORK, "floor"),
        "-ljansson", "-lsqlite3"])
    sh(["cc", *CFLAGS, "-pthread", os.path.join(BENCH_SRC, "load.c"), "-o", LOAD, "-ljansson"])
    info["library_sha256"] = file_sha256(LIB)
    info["library_snapshot"] = os.path.relpath(LIB, ROOT)
    info["cli_snapshot"] = os.path.relpath(CLI, ROOT) if os.path.exists(CLI) else None
    info["cli_source"] = os.path.relpath(args.cli, ROOT) if args.cli.startswith(ROOT) else args.cli
    results["build"] = info


BENCH = os.path.join(WORK, "bench")
FLOOR = os.path.join(WORK, "floor")
LOAD = os.path.join(WORK, "load")


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------

def w_crud(args: argparse.Namespace) -> Dict[str, Any]:
    """Workloads 1, 2, 3 and 6: the library (json_t and text) and the floor,
    interleaved repetition by repetition, at durability normal and full."""
    out: Dict[str, Any] = {}
    for durability, ncreate, nget in (("normal", args.n, args.n), ("full", args.n_full, args.n)):
        runs: Dict[str, List[Dict[str, Any]]] = {"json": [], "text": [], "floor": []}
        for rep in range(args.reps):
            order = ["json", "text", "floor"]
            order = order[rep % 3:] + order[:rep % 3]  # rotate who goes first
            for kind in order:
                store = fresh_store(f"crud-{durability}-{kind}.db")
                log(f"  {durability} rep {rep + 1}/{args.reps}: {kind} ({ncreate} creates, {nget} gets)")
                if kind == "floor":
                    r = run_json([FLOOR, "crud", store, durability, str(ncreate), str(nget)])
                else:
                    r = run_json([BENCH, "crud", store, durability, kind, str(ncreate), str(nget)])
                runs[kind].append(r)
                remove_store(store)
        summary: Dict[str, Any] = {"n_create": ncreate, "n_get": nget, "reps": args.reps, "runs": runs}
        for kind, rs in runs.items():
            for phase in ("create", "get"):
                for m in METRICS:
                    summary[f"{kind}_{phase}_{m}_ops_per_s"] = median([rates(r[phase])[m] for r in rs])
                summary[f"{kind}_{phase}_p50_us"] = median([r[phase]["p50_us"] for r in rs])
                summary[f"{kind}_{phase}_p99_us"] = median([r[phase]["p99_us"] for r in rs])
                summary[f"{kind}_{phase}_runqueue_wait_share"] = median(
                    [r[phase]["runqueue_wait_seconds"] / r[phase]["wall_seconds"] for r in rs])
        for kind in ("json", "text"):
            for phase in ("create", "get"):
                for m, v in summarize_pair(runs[kind], runs["floor"], phase).items():
                    summary[f"{kind}_over_floor_{phase}_{m}"] = v
        out[durability] = summary
    return out


def w_shared(args: argparse.Namespace) -> Dict[str, Any]:
    rs = []
    for rep in range(args.reps):
        store = fresh_store("shared.db")
        log(f"  rep {rep + 1}/{args.reps}")
        rs.append(run_json([BENCH, "shared", store, str(args.shared_seed), str(args.shared_ops)]))
        remove_store(store)
    return {
        "runs": rs,
        "ops_per_thread": args.shared_ops,
        "seed_checkpoints": args.shared_seed,
        "two_threads_ops_per_s": median([r["two_threads_ops_per_s"] for r in rs]),
        "one_thread_ops_per_s": median([r["one_thread_ops_per_s"] for r in rs]),
        "two_over_one": median([r["two_over_one"] for r in rs]),
    }


def w_group(args: argparse.Namespace) -> Dict[str, Any]:
    """Workload 12: group commit.  creates/s of 8 threads on one handle at
    durability full, against 1 thread at normal, in the same run (issue 15:
    >= 0.8)."""
    rs = []
    for rep in range(args.reps):
        normal, full = fresh_store("group-normal.db"), fresh_store("group-full.db")
        log(f"  rep {rep + 1}/{args.reps}: {args.group_creates} creates, 1 thread at normal, 8 at full")
        rs.append(run_json([BENCH, "group", normal, full, str(args.group_creates)]))
        remove_store(normal)
        remove_store(full)
    return {
        "runs": rs,
        "creates": args.group_creates,
        "normal_1_thread_per_s": median([r["normal_1_thread_per_s"] for r in rs]),
        "full_8_threads_per_s": median([r["full_8_threads_per_s"] for r in rs]),
        "full8_over_normal1": median([r["full8_over_normal1"] for r in rs]),
    }


def warm_file(path: str) -> None:
    """Reads a store file once, so that its pages are in the OS page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


def reusable_store(args: argparse.Namespace, store: str, lib_hash: str) -> Tuple[Dict[str, Any], bool]:
    """The stamp of a kept store (`store`.json: which library built it, and
    how fast), and whether it can be measured again: kept, and built by this
    same library.  A store that cannot is removed."""
    built: Dict[str, Any] = {}
    try:
        with open(store + ".json") as f:
            built = json.load(f)
    except (OSError, ValueError):
        pass
    reuse = args.reuse_scale and os.path.exists(store) and built.get("library_sha256") == lib_hash
    if not reuse:
        remove_store(store)
    return built, reuse


def w_scale(args: argparse.Namespace) -> Dict[str, Any]:
    """Builds (or reuses) the two stores, then measures gets on them side by
    side, repetition by repetition, each after reading its store file once:
    both sizes are then measured from the OS page cache, as a long-running
    service would have them (this VM's proactive reclaim evicts idle file
    pages within minutes, which would make the large figure measure the
    disk instead)."""
    out: Dict[str, Any] = {}
    lib_hash = file_sha256(LIB)
    sizes = (1000, args.scale_n)
    stores = {n: os.path.join(WORK, f"scale-{n}.db") for n in sizes}
    for n in sizes:
        store = stores[n]
        stamp = store + ".json"   # which library built it, and how fast
        built, reuse = reusable_store(args, store, lib_hash)
        log(f"  {n:,} checkpoints ({'reusing the store this same library built' if reuse else 'building'})")
        r = run_json([BENCH, "scale", store, str(n), "100"], timeout=3600)
        if reuse:
            r["build_seconds"] = built.get("build_seconds")
            r["build_creates_per_s"] = built.get("build_creates_per_s")
            r["note"] = f"store reused; built {built.get('built_at')} by the same library"
        else:
            built = {"library_sha256": lib_hash, "build_seconds": r["build_seconds"],
                     "build_creates_per_s": r["build_creates_per_s"],
                     "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
            with open(stamp, "w") as f:
                json.dump(built, f)
            if n != 1000 and args.keep_scale:
                r["note"] = f"store kept for the next run: {os.path.relpath(store, ROOT)}"
        r["reused_store"] = reuse
        del r["get"]  # the 100 gets of the build step; measured below
        out[str(n)] = r
    runs: Dict[int, List[Dict[str, Any]]] = {n: [] for n in sizes}
    ratios: List[float] = []
    for rep in range(args.reps):
        for n in (sizes if rep % 2 == 0 else sizes[::-1]):
            log(f"  rep {rep + 1}/{args.reps}: gets at {n:,} checkpoints")
            warm_file(stores[n])
            runs[n].append(run_json([BENCH, "scale", stores[n], str(n), str(args.scale_gets)])["get"])
        ratios.append(runs[sizes[1]][-1]["p50_us"] / runs[sizes[0]][-1]["p50_us"])
    for n in sizes:
        out[str(n)]["get_runs"] = runs[n]
        out[str(n)]["get"] = {"p50_us": median([g["p50_us"] for g in runs[n]]),
                              "p99_us": median([g["p99_us"] for g in runs[n]]),
                              "ops_per_s": median([g["ops_per_s"] for g in runs[n]])}
    out["p50_large_over_small"] = median(ratios)
    for n in sizes:
        if n == 1000 or not args.keep_scale:
            remove_store(stores[n])
            try:
                os.remove(stores[n] + ".json")
            except OSError:
                pass
    return out


def w_backups(args: argparse.Namespace) -> Dict[str, Any]:
    """backup.list at scale (issue 11): a vault of 50 resources, with 1,000
    and with args.backups_n backups, built once (the large store is kept
    for the next run of the same library, as workload 5's is), then measured
    with the page cache warm, both stores in one process, call by call in
    turn (bench.c cmd_lists):
    a checkpoint's backups (50 a page), the first page of 100 of the
    vault's, and a checkpoint's within the vault with a status (selective
    filters: the count must cost what the matches cost, not the vault)."""
    out: Dict[str, Any] = {}
    lib_hash = file_sha256(LIB)
    resources = 50
    sizes = (1000, args.backups_n)
    stores = {n: os.path.join(WORK, f"backups-{n}.db") for n in sizes}
    for n in sizes:
        store, stamp = stores[n], stores[n] + ".json"
        built, reuse = reusable_store(args, store, lib_hash)
        log(f"  {n:,} backups ({'reusing the store this same library built' if reuse else 'building'})")
        r = run_json([BENCH, "backups", store, str(resources), str(n // resources), "100"], timeout=7200)
        if reuse:
            r["build_seconds"] = built.get("build_seconds")
        else:
            with open(stamp, "w") as f:
                json.dump({"library_sha256": lib_hash, "build_seconds": r["build_seconds"]}, f)
        r["reused_store"] = reuse
        for phase in ("by_checkpoint", "vault_first_page", "selective_filters"):
            del r[phase]
        out[str(n)] = r
    phases = ("by_checkpoint", "vault_first_page", "selective_filters")
    runs: Dict[int, Dict[str, List[Dict[str, Any]]]] = {n: {p: [] for p in phases} for n in sizes}
    ratios: Dict[str, List[float]] = {p: [] for p in phases}
    for rep in range(args.reps):
        # Both stores in one process, call by call in turn (bench.c
        # cmd_lists): this VM's speed changes within a second, and a
        # process per store made the ratio that change.
        log(f"  rep {rep + 1}/{args.reps}: lists at {sizes[0]:,} and {sizes[1]:,} backups, in turn")
        for n in sizes:
            warm_file(stores[n])
        r = run_json([BENCH, "lists", stores[sizes[0]], stores[sizes[1]], str(args.backups_lists)])
        for p in phases:
            runs[sizes[0]][p].append(r[p]["small"])
            runs[sizes[1]][p].append(r[p]["large"])
            ratios[p].append(r[p]["large"]["p50_us"] / r[p]["small"]["p50_us"])
    for n in sizes:
        for p in phases:
            out[str(n)][p] = {"p50_us": median([g["p50_us"] for g in runs[n][p]]),
                              "p99_us": median([g["p99_us"] for g in runs[n][p]]), "runs": runs[n][p]}
    out["p50_large_over_small"] = {p: median(ratios[p]) for p in phases}
    for n in sizes:
        if n == 1000 or not args.keep_scale:
            remove_store(stores[n])
            try:
                os.remove(stores[n] + ".json")
            except OSError:
                pass
    return out


def w_python(args: argparse.Namespace) -> Dict[str, Any]:
    runs: Dict[str, List[Dict[str, Any]]] = {"python": [], "c_text": []}
    for rep in range(args.reps):
        for kind in (("python", "c_text") if rep % 2 == 0 else ("c_text", "python")):
            store = fresh_store(f"py-{kind}.db")
            log(f"  rep {rep + 1}/{args.reps}: {kind}")
            if kind == "python":
                r = run_json([PYTHON, os.path.join(BENCH_SRC, "py_bench.py"), "crud", store, "normal",
                              str(args.py_n_create), str(args.py_n_get)], env=py_env())
            else:
                r = run_json([BENCH, "crud", store, "normal", "text", str(args.py_n_create), str(args.py_n_get)])
            runs[kind].append(r)
            remove_store(store)
    out: Dict[str, Any] = {"runs": runs, "n_create": args.py_n_create, "n_get": args.py_n_get}
    for phase in ("create", "get"):
        for m in METRICS:
            out[f"python_{phase}_{m}_ops_per_s"] = median([rates(r[phase])[m] for r in runs["python"]])
            out[f"c_text_{phase}_{m}_ops_per_s"] = median([rates(r[phase])[m] for r in runs["c_text"]])
        for m, v in summarize_pair(runs["python"], runs["c_text"], phase).items():
            out[f"python_over_c_{phase}_{m}"] = v
    return out


def ensure_sdk() -> Optional[str]:
    """The official SDK in build/bench-venv; returns its python, or None."""
    py = os.path.join(VENV, "bin", "python")
    probe = [py, "-c", "import huaweicloudsdkcbr.v1, huaweicloudsdkcore"]
    if os.path.exists(py) and subprocess.run(probe, capture_output=True).returncode == 0:
        return py
    try:
        log("  installing huaweicloudsdkcbr into build/bench-venv")
        sh([PYTHON, "-m", "venv", VENV])
        sh([os.path.join(VENV, "bin", "pip"), "install", "-q", "huaweicloudsdkcbr"], timeout=600)
        sh(probe)
        return py
    except Exception as e:  # noqa: BLE001
        log(f"  cannot install the official SDK: {e}")
        return None


def start_server(store: str) -> Tuple[subprocess.Popen, str]:
    env = dict(os.environ)
    env["CKPT_SERVE_CREDENTIALS"] = json.dumps({"tokens": [LOAD_TOKEN], "keys": [{"ak": AK, "sk": SK}]})
    proc = subprocess.Popen([CLI, "serve", "--listen", "127.0.0.1:0", "--store", store],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    found: List[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"listening on (http://\S+)", line)
            if m and not found:
                found.append(m.group(1).rstrip("/"))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 20
    while not found and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if not found:
        proc.kill()
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"ckpt serve did not print 'listening on http://...': {err.strip()[-500:]}")
    return proc, found[0]


def w_http(args: argparse.Namespace) -> Dict[str, Any]:
    if not os.path.exists(CLI):
        return {"skipped": "ckpt serve not built (build/bin/ckpt is missing)"}
    help_text = subprocess.run([CLI, "serve", "--help"], capture_output=True, text=True)
    if help_text.returncode != 0 or "--listen" not in help_text.stdout + help_text.stderr:
        return {"skipped": "ckpt serve not built (`ckpt serve --help` does not offer --listen)"}
    store = fresh_store("http.db")
    prep = run_json([BENCH, "prep", store, "10"])
    cid = prep["checkpoint_id"]
    proc, endpoint = start_server(store)
    out: Dict[str, Any] = {"endpoint": endpoint, "n": args.http_n}
    try:
        clients: Dict[str, Callable[[], Dict[str, Any]]] = {}
        common = [endpoint, PROJECT, AK, SK, cid, str(args.http_n)]
        clients["c"] = lambda: run_json([BENCH, "remote", *common])
        clients["python"] = lambda: run_json([PYTHON, os.path.join(BENCH_SRC, "py_bench.py"), "remote", *common],
                                             env=py_env())
        sdk_py = ensure_sdk()
        if sdk_py:
            clients["sdk"] = lambda: run_json([sdk_py, os.path.join(BENCH_SRC, "py_bench.py"), "sdk", *common])
        else:
            out["sdk_skipped"] = "huaweicloudsdkcbr could not be installed"
        runs: Dict[str, List[Dict[str, Any]]] = {k: [] for k in clients}
        errors: Dict[str, str] = {}
        for rep in range(args.http_reps):
            names = list(clients)
            names = names[rep % len(names):] + names[:rep % len(names)]
            for name in names:
                if name in errors:
                    continue
                log(f"  rep {rep + 1}/{args.http_reps}: {name} ({args.http_n} calls)")
                try:
                    runs[name].append(clients[name]())
                except Exception as e:  # noqa: BLE001 - e.g. the remote backend is not wired yet
                    errors[name] = str(e)[-600:]
                    log(f"  {name} failed: {errors[name]}")
        out["runs"] = runs
        if errors:
            out["errors"] = errors
        for name, rs in runs.items():
            if rs:
                out[f"{name}_calls_per_s"] = median([r["calls_per_s"] for r in rs])
                out[f"{name}_cpu_us_per_call"] = median([r["cpu_us_per_call"] for r in rs])
                out[f"{name}_p50_us"] = median([r["p50_us"] for r in rs])
        for name in ("c", "python"):
            if runs.get(name) and runs.get("sdk"):
                out[f"{name}_cpu_over_sdk"] = median([a["cpu_us_per_call"] / b["cpu_us_per_call"]
                                                      for a, b in zip(runs[name], runs["sdk"])])
    finally:
        stop_server(proc)
        remove_store(store)
    return out


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def w_emulator(args: argparse.Namespace) -> Dict[str, Any]:
    """Workload 13: `ckpt serve` under 32 keep-alive clients (20% create / 80%
    get on 8 vaults) for --emulator-seconds, beside the same mix called
    in-process through the library (32 threads on one handle), one after
    the other."""
    if not os.path.exists(CLI):
        return {"skipped": "ckpt serve not built (build/bin/ckpt is missing)"}
    out: Dict[str, Any] = {"clients": args.emulator_clients, "seconds": args.emulator_seconds}
    store = fresh_store("emulator.db")
    proc, endpoint = start_server(store)
    try:
        port = endpoint.rsplit(":", 1)[1]
        log(f"  emulator: {args.emulator_clients} clients for {args.emulator_seconds} s")
        out["served"] = run_json([LOAD, port, "benchload", LOAD_TOKEN, str(args.emulator_seconds),
                                  str(args.emulator_clients)])
    finally:
        stop_server(proc)
        remove_store(store)
    store = fresh_store("emulator-inprocess.db")
    try:
        log(f"  in-process: {args.emulator_clients} threads for {args.emulator_seconds} s")
        out["in_process"] = run_json([BENCH, "mix", store, str(args.emulator_seconds),
                                      str(min(args.emulator_clients, 64))])
    finally:
        remove_store(store)
    out["served_over_in_process"] = out["served"]["requests_per_s"] / out["in_process"]["requests_per_s"]
    return out


def w_cli(args: argparse.Namespace) -> Dict[str, Any]:
    if not os.path.exists(CLI):
        return {"skipped": "the ckpt CLI is not built (build/bin/ckpt is missing)"}
    store = fresh_store("cli.db")
    cid = run_json([BENCH, "prep", store, "10"])["checkpoint_id"]
    cmd = [CLI, "call", "checkpoint.get", json.dumps({"checkpoint_id": cid}), "--store", store]
    first = subprocess.run(cmd, capture_output=True, text=True)  # warm: page cache, store opened once
    if first.returncode != 0 or cid not in first.stdout:
        remove_store(store)
        return {"skipped": f"`ckpt call checkpoint.get` failed ({first.returncode}): {first.stderr.strip()[-400:]}"}
    cli_t: List[float] = []
    true_t: List[float] = []
    floor_t: List[float] = []
    floor_cmd = [CLI_FLOOR, store, cid]
    for _ in range(args.cli_runs):
        for which, argv, acc in (("cli", cmd, cli_t), ("true", ["/bin/true"], true_t),
                                 ("floor", floor_cmd, floor_t)):
            t0 = time.perf_counter()
            p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            acc.append(time.perf_counter() - t0)
            if p.returncode != 0:
                raise RuntimeError(f"{which} exited {p.returncode}")
    remove_store(store)
    return {
        "runs": args.cli_runs,
        "cli_ms_median": median(cli_t) * 1e3,
        "cli_ms_min": min(cli_t) * 1e3,
        "true_ms_median": median(true_t) * 1e3,
        "cli_minus_true_ms": (median(cli_t) - median(true_t)) * 1e3,
        "floor_ms_median": median(floor_t) * 1e3,
        "cli_over_floor": median([a / b for a, b in zip(cli_t, floor_t)]),
        "method": "time.perf_counter around subprocess.run, CLI, /bin/true and the floor interleaved",
    }


def size_by_origin(path: str) -> List[Dict[str, Any]]:
    """Defined symbols' bytes grouped by where they come from: a Swift module
    (from the mangled name), the Swift runtime, or plain C."""
    agg: Dict[str, int] = {}
    for line in sh(["nm", "-S", "--defined-only", path]).splitlines():
        p = line.split()
        if len(p) < 4 or p[2].lower() not in ("t", "w", "r", "d", "b", "v"):
            continue
        size, name = int(p[1], 16), p[3]
        m = re.match(r"^\$s(\d+)([A-Za-z_]\w*)", name)
        if name.startswith("$ss") or (name.startswith("$sS") and not m):
            origin = "Swift standard library"
        elif m:
            origin = m.group(2)[:int(m.group(1))]
        elif name.startswith(("swift_", "_swift", "__swift", "_Z")):
            origin = "Swift runtime (C++)"
        elif name.startswith("$s"):
            origin = "Swift, other"
        else:
            origin = "C"
        agg[origin] = agg.get(origin, 0) + size
    return [{"origin": k, "bytes": v} for k, v in sorted(agg.items(), key=lambda kv: -kv[1])[:12]]


def w_library(args: argparse.Namespace) -> Dict[str, Any]:
    real = os.path.realpath(LIB)
    stripped = os.path.join(WORK, "libckpt.so.1.stripped")
    sh(["strip", "--strip-all", "-o", stripped, real])
    sizes = {"unstripped_bytes": os.path.getsize(real), "stripped_bytes": os.path.getsize(stripped)}
    # libckpt and the floor (jansson and sqlite3 only) in turn, a fresh process each.
    runs, floor_runs = [], []
    for _ in range(args.dlopen_runs):
        runs.append(run_json([os.path.join(WORK, "dlopen_bench"), LIB]))
        floor_runs.append(run_json([os.path.join(WORK, "dlopen_bench"), DLOPEN_FLOOR]))
    for r in runs:
        if r["version"] != runs[0]["version"]:
            raise RuntimeError("ckpt_version changed between runs")
    # What an idle machine would show: wall time less the time spent preempted.
    quiet = lambda r: max(r["total_us"] - r.get("runq_wait_us", 0.0), 0.0)  # noqa: E731
    return {
        **sizes,
        "stripped_mb": sizes["stripped_bytes"] / 1e6,
        "stripped_mib": sizes["stripped_bytes"] / 2**20,
        "symbol_bytes_by_origin": size_by_origin(real),
        "dlopen_runs": args.dlopen_runs,
        "dlopen_first_call_ms_median": median([r["total_us"] for r in runs]) / 1e3,
        "dlopen_first_call_quiet_ms_median": median([quiet(r) for r in runs]) / 1e3,
        "dlopen_ms_min": min(r["total_us"] for r in runs) / 1e3,
        "dlopen_floor_quiet_ms_median": median([quiet(r) for r in floor_runs]) / 1e3,
        "dlopen_floor_ratio": median([quiet(a) / max(quiet(b), 1.0) for a, b in zip(runs, floor_runs)]),
        "version": runs[0]["version"],
        "needed": re.findall(r"\[([^\]]+)\]", "\n".join(
            line for line in sh(["readelf", "-d", real]).splitlines() if "NEEDED" in line)),
    }


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

def fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if abs(v) >= 1000:
            s = f"{v:,.0f}"
        elif abs(v) >= 100:
            s = f"{v:.0f}"
        elif abs(v) >= 10:
            s = f"{v:.1f}"
        else:
            s = f"{v:.2f}"
    else:
        s = str(v)
    return f"{s} {unit}".strip()


def table_rows(res: Dict[str, Any]) -> List[Tuple[str, str, str, str]]:
    """(measure, value, target, status) rows."""
    rows: List[Tuple[str, str, str, str]] = []
    W = res["workloads"]

    def add(measure: str, value: str, target: str = "", status: str = "") -> None:
        rows.append((measure, value, target, status))

    def check(ok: bool) -> str:
        return "met" if ok else "MISSED"

    def err(name: str) -> bool:
        if name not in W:
            return True  # not run (--only)
        w = W[name]
        if "error" in w:
            add(f"{name}", "error: " + w["error"].splitlines()[0][:90], "", "ERROR")
            return True
        if "skipped" in w:
            add(f"{name}", "skipped: " + w["skipped"], "", "skipped")
            return True
        return False

    def three(prefix: str) -> str:
        return (f"{fmt(W_[prefix + '_quiet'])} (wall {fmt(W_[prefix + '_wall'])}, "
                f"CPU {fmt(W_[prefix + '_cpu'])})")

    if not err("crud"):
        for d in ("normal", "full"):
            c = W_ = W["crud"][d]
            tag = f"[{d}, N={c['n_create']}, seed 000's request]"
            for kind, label in (("json", "ckpt_call json_t"), ("text", "ckpt_call_text"), ("floor", "floor.c")):
                num = {"json": ("1", "2"), "text": ("3", "3"), "floor": ("6", "6")}[kind]
                if d == "full":
                    # fsync waits: on this VM they show up as run-queue wait, so
                    # no "quiet" correction here; wall is the figure.
                    add(f"{num[0]} create, {label} {tag}", fmt(c[f"{kind}_create_wall_ops_per_s"], "ops/s")
                        + f" (wall; per CPU-s {fmt(c[f'{kind}_create_cpu_ops_per_s'])})")
                else:
                    add(f"{num[0]} create, {label} {tag}", fmt(c[f"{kind}_create_quiet_ops_per_s"], "ops/s")
                        + f" (wall {fmt(c[f'{kind}_create_wall_ops_per_s'])}, per CPU-s {fmt(c[f'{kind}_create_cpu_ops_per_s'])})")
                add(f"{num[1]} get, {label} {tag}", fmt(c[f"{kind}_get_quiet_ops_per_s"], "ops/s")
                    + f" (wall {fmt(c[f'{kind}_get_wall_ops_per_s'])}, per CPU-s {fmt(c[f'{kind}_get_cpu_ops_per_s'])})")
                add(f"{num[1]} get latency p50 / p99, {label} {tag}",
                    f"{fmt(c[f'{kind}_get_p50_us'])} / {fmt(c[f'{kind}_get_p99_us'])} us")
            target = d == "normal"
            for kind, label in (("json", "json_t"), ("text", "text")):
                # The text API is the one that converts once (issue 15): its
                # goal is 0.8 of the floor; json_t's stays 0.5.
                goal = 0.8 if kind == "text" else 0.5
                for phase in ("create", "get"):
                    r = c[f"{kind}_over_floor_{phase}_quiet"]
                    if d == "full" and phase == "create":
                        value = (f"{fmt(c[f'{kind}_over_floor_{phase}_wall'])} (wall; "
                                 f"CPU {fmt(c[f'{kind}_over_floor_{phase}_cpu'])})")
                    else:
                        value = three(f"{kind}_over_floor_{phase}")
                    add(f"6 library/floor, {phase} ({label}) {tag}", value,
                        f">= {goal}" if target else "", check(r >= goal) if target else "")
    if not err("shared"):
        s = W["shared"]
        add("4 shared handle, 2 threads, 20% create / 80% get", fmt(s["two_threads_ops_per_s"], "ops/s"))
        add("4 same mix, 1 thread (side by side); 2-thread/1-thread",
            f"{fmt(s['one_thread_ops_per_s'], 'ops/s')}; {fmt(s['two_over_one'])}")
    if not err("group"):
        g = W["group"]
        add("12 creates/s, 8 threads on one handle at full (group commit)", fmt(g["full_8_threads_per_s"], "ops/s"))
        add("12 creates/s, 1 thread at normal (side by side); full-8 / normal-1",
            f"{fmt(g['normal_1_thread_per_s'], 'ops/s')}; {g['full8_over_normal1']:.2f}", ">= 0.8",
            check(g["full8_over_normal1"] >= 0.8))
    if not err("scale"):
        for n, r in W["scale"].items():
            if not n.isdigit():
                continue
            add(f"5 get p50 / p99 at {int(n):,} checkpoints",
                f"{fmt(r['get']['p50_us'])} / {fmt(r['get']['p99_us'])} us")
            per = float(r["bytes_per_checkpoint"])
            add(f"5 store bytes per checkpoint at {int(n):,}", fmt(per, "B"), "<= 1 KiB", check(per <= 1024))
            own = float(r.get("checkpoint_table_bytes_per_checkpoint", -1))
            if own >= 0:
                add(f"5 of which the checkpoints table and its indexes at {int(n):,} (the rest: "
                    "each checkpoint's backup and its task, since 1.1)", fmt(own, "B"))
        ratio = W["scale"].get("p50_large_over_small")
        if ratio is not None:
            add(f"5 get p50 at {int(res['config']['scale_n']):,} / at 1,000 (side by side, page cache warm)",
                fmt(ratio), "<= 1.5", check(ratio <= 1.5))
        big = W["scale"].get(str(res["config"]["scale_n"]))
        if big and big.get("build_seconds") and big.get("build_creates_per_s"):
            add(f"5 building {int(res['config']['scale_n']):,} checkpoints (creates, normal)"
                + (" [store reused]" if big.get("reused_store") else ""),
                f"{fmt(float(big['build_seconds']), 's')} ({fmt(float(big['build_creates_per_s']), 'creates/s')})")
    if not err("backups"):
        b = W["backups"]
        big_n = int(res["config"]["backups_n"])
        small, big = b.get("1000"), b.get(str(big_n))
        ratio = b.get("p50_large_over_small", {})
        if small and big:
            add("11 backup.list by checkpoint_id (50 a page) p50 / p99 at 1,000 backups",
                f"{fmt(small['by_checkpoint']['p50_us'])} / {fmt(small['by_checkpoint']['p99_us'])} us")
            add(f"11 the same at {big_n:,} backups",
                f"{fmt(big['by_checkpoint']['p50_us'])} / {fmt(big['by_checkpoint']['p99_us'])} us")
            r = ratio.get("by_checkpoint")
            add(f"11 by checkpoint_id, p50 at {big_n:,} / at 1,000 (side by side)", fmt(r), "<= 1.5", check(r <= 1.5))
            add(f"11 first page of 100 of one vault's backups at {big_n:,}: p50 / p99",
                f"{fmt(big['vault_first_page']['p50_us'])} / {fmt(big['vault_first_page']['p99_us'])} us")
            r = ratio.get("selective_filters")
            add(f"11 vault + checkpoint + status filters: p50 at {big_n:,} / at 1,000 (count covers only the matches)",
                f"{fmt(r)} ({fmt(big['selective_filters']['p50_us'])} vs {fmt(small['selective_filters']['p50_us'])} us)",
                "<= 1.5", check(r <= 1.5))
            per = float(big["backup_bytes_per_backup"])
            add(f"11 store bytes per backup at {big_n:,} (backups and their indexes)", fmt(per, "B"), "<= 512 B",
                check(0 < per <= 512))
            add(f"11 beside them, per backup: its task, and the whole store (checkpoints of 50 resources included)",
                f"{fmt(float(big['task_bytes_per_backup']), 'B')}; {fmt(float(big['store_bytes_per_backup']), 'B')}")
            if big.get("build_seconds"):
                add(f"11 building {big_n:,} backups ({big_n // 50:,} checkpoints of 50 resources)"
                    + (" [store reused]" if big.get("reused_store") else ""),
                    f"{fmt(float(big['build_seconds']), 's')} ({fmt(big_n / float(big['build_seconds']), 'backups/s')})")
    if not err("python"):
        p = W_ = W["python"]
        for phase in ("create", "get"):
            add(f"7 Python ckpt.Client {phase} vs C ckpt_call_text",
                f"{fmt(p[f'python_{phase}_quiet_ops_per_s'])} vs {fmt(p[f'c_text_{phase}_quiet_ops_per_s'])} ops/s")
            r = p[f"python_over_c_{phase}_quiet"]
            add(f"7 Python/C, {phase}", three(f"python_over_c_{phase}"), ">= 0.5", check(r >= 0.5))
    if not err("http"):
        h = W["http"]
        for name, label in (("c", "libckpt remote, from C"), ("python", "libckpt remote, from Python"),
                            ("sdk", "huaweicloudsdkcbr (official SDK)")):
            if f"{name}_calls_per_s" in h:
                add(f"8 HTTP get: {label}",
                    f"{fmt(h[f'{name}_calls_per_s'], 'calls/s')}, {fmt(h[f'{name}_cpu_us_per_call'], 'us CPU/call')}")
            elif name in h.get("errors", {}):
                add(f"8 HTTP get: {label}", "error: " + h["errors"][name].strip().splitlines()[-1][:90], "", "ERROR")
        for name, label in (("c", "C"), ("python", "Python")):
            if f"{name}_cpu_over_sdk" in h:
                r = h[f"{name}_cpu_over_sdk"]
                add(f"8 client CPU/call, libckpt ({label}) / SDK", fmt(r), "<= 0.10", check(r <= 0.10))
        if "sdk_skipped" in h:
            add("8 official SDK", "skipped: " + h["sdk_skipped"], "", "skipped")
    if not err("emulator"):
        e = W["emulator"]
        sv, ip = e["served"], e["in_process"]
        add(f"13 ckpt serve: {e['clients']} keep-alive clients, 20% create / 80% get on 8 vaults, "
            f"{e['seconds']:g} s", f"{fmt(sv['requests_per_s'], 'req/s')}; p50 / p99 {fmt(sv['p50_us'] / 1000)} / "
            f"{fmt(sv['p99_us'] / 1000)} ms")
        bad = sv["status_5xx"] + sv["dropped"] + sv["status_other"]
        add("13 of its answers: 5xx, dropped connections, other", f"{sv['status_5xx']}, {sv['dropped']}, "
            f"{sv['status_other']}", "0", check(bad == 0))
        add(f"13 the same mix in-process ({ip['threads']} threads on one handle, ckpt_call_text)",
            f"{fmt(ip['requests_per_s'], 'req/s')}; p50 / p99 {fmt(ip['p50_us'] / 1000)} / "
            f"{fmt(ip['p99_us'] / 1000)} ms")
        add("13 served / in-process (requests/s, one after the other)", fmt(e["served_over_in_process"]))
    if not err("cli"):
        c = W["cli"]
        add(f"9 `ckpt call checkpoint.get` wall, median of {c['runs']}", fmt(c["cli_ms_median"], "ms"),
            "<= 20 ms", check(c["cli_ms_median"] <= 20))
        add("9 /bin/true wall, median (side by side)", fmt(c["true_ms_median"], "ms"))
        if "cli_over_floor" in c:
            add("9 the same / C that opens the store read-only, selects, parses and prints "
                f"(floor {fmt(c['floor_ms_median'], 'ms')}), median of per-run ratios",
                f"{c['cli_over_floor']:.1f}x", "<= 3x", check(c["cli_over_floor"] <= 3))
    if not err("library"):
        lib = W["library"]
        add("10 libckpt.so.1 stripped size", f"{fmt(lib['stripped_mb'], 'MB')} ({fmt(lib['stripped_mib'], 'MiB')})",
            "<= 8 MB", check(lib["stripped_mb"] <= 8))
        top = ", ".join(f"{o['origin']} {o['bytes'] / 1e6:.2f}" for o in lib["symbol_bytes_by_origin"][:6])
        add("10 symbol bytes by origin (MB)", top)
        add("10 libckpt.so.1 unstripped size", fmt(lib["unstripped_bytes"] / 1e6, "MB"))
        add(f"10 dlopen + first ckpt_version(), median of {lib['dlopen_runs']}",
            f"{fmt(lib['dlopen_first_call_quiet_ms_median'], 'ms')} (wall {fmt(lib['dlopen_first_call_ms_median'], 'ms')}, "
            f"min {fmt(lib['dlopen_ms_min'], 'ms')})")
        if "dlopen_floor_ratio" in lib:
            add("10 the same / a .so needing only jansson and sqlite3 (floor "
                f"{fmt(lib['dlopen_floor_quiet_ms_median'], 'ms')}), median of per-pair ratios",
                f"{lib['dlopen_floor_ratio']:.1f}x", "<= 3x", check(lib["dlopen_floor_ratio"] <= 3))
    return rows


def print_table(rows: List[Tuple[str, str, str, str]]) -> None:
    w = [max(len(r[i]) for r in rows + [("measure", "value", "target", "status")]) for i in range(4)]
    line = "  ".join("-" * x for x in w)
    print(line)
    print("  ".join(h.ljust(w[i]) for i, h in enumerate(("measure", "value", "target", "status"))))
    print(line)
    for r in rows:
        print("  ".join(r[i].ljust(w[i]) for i in range(4)))
    print(line)


def markdown(res: Dict[str, Any], rows: List[Tuple[str, str, str, str]]) -> str:
    m = res["machine"]
    out = [
        f"Benchmarks (`make bench`), {res['timestamp']}, commit {str(res['git'].get('commit'))[:12]}"
        f"{' (dirty tree)' if res['git'].get('dirty') else ''}: {m['nproc']} cores ({m['cpu']}), "
        f"load average {m['loadavg_before'][0]:.2f} before and {m['loadavg_after'][0]:.2f} after; "
        f"other processes kept {m['other_cores_busy_during_run']:.2f} cores busy on average during the run. "
        f"Values are medians of {res['config']['reps']} repetitions; ratios compare runs made side by side.",
        "",
        "Throughputs are *quiet* ops/s: wall time minus the time the benchmark sat preempted on a run "
        "queue (`/proc/thread-self/schedstat`), i.e. what an idle machine would show; raw wall-clock and "
        "per-CPU-second figures are given beside them. Targets are judged on the quiet figure. Creates at "
        "durability full are given as wall figures (their fsync waits show up as run-queue wait on this VM).",
    ]
    busy = m.get("busy_processes_during_run", [])[:3]
    if busy:
        out.append("")
        out.append("Busiest other processes during the run: " + "; ".join(
            f"`{p['command'] if p['command'].startswith('[') else os.path.basename(p['command'].split()[0])}` "
            f"({p['cpu_seconds']:.0f} s CPU)" for p in busy) + ".")
    b = res.get("build", {})
    if b.get("cli_source") and b["cli_source"] != os.path.relpath(BUILT_CLI, ROOT):
        out.append(f"The CLI measured (workloads 8, 9) is `{b['cli_source']}`.")
    out += [
        "",
        "| measure | value | target | status |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        out.append("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small N everywhere (a smoke test, minutes less)")
    ap.add_argument("--skip-build", action="store_true", help="use build/lib and build/bin as they are")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each comparison (median reported)")
    ap.add_argument("--n", type=int, default=20000, help="creates and gets per run at durability normal")
    ap.add_argument("--n-full", type=int, default=1000, help="creates and gets per run at durability full")
    ap.add_argument("--group-creates", type=int, default=8000, help="creates per side of workload 12")
    ap.add_argument("--shared-seed", type=int, default=2000)
    ap.add_argument("--shared-ops", type=int, default=10000, help="operations per thread in workload 4")
    ap.add_argument("--scale-n", type=int, default=1_000_000, help="checkpoints in the large scale store")
    ap.add_argument("--scale-gets", type=int, default=20000)
    ap.add_argument("--backups-n", type=int, default=1_000_000, help="backups in the large store of workload 11")
    ap.add_argument("--backups-lists", type=int, default=2000, help="list calls per run of workload 11")
    ap.add_argument("--no-reuse-scale", dest="reuse_scale", action="store_false",
                    help="rebuild the scale store even when this same library built it before")
    ap.add_argument("--no-keep-scale", dest="keep_scale", action="store_false",
                    help="delete the large scale store afterwards (kept by default, for the next run)")
    ap.add_argument("--py-n-create", type=int, default=5000)
    ap.add_argument("--py-n-get", type=int, default=10000)
    ap.add_argument("--http-n", type=int, default=2000)
    ap.add_argument("--http-reps", type=int, default=3)
    ap.add_argument("--cli-runs", type=int, default=30)
    ap.add_argument("--emulator-seconds", type=float, default=20.0, help="length of each side of workload 13")
    ap.add_argument("--emulator-clients", type=int, default=32)
    ap.add_argument("--dlopen-runs", type=int, default=20)
    ap.add_argument("--only", default="", help="comma-separated subset: crud,shared,group,scale,python,http,emulator,cli,library,backups")
    ap.add_argument("--cli", default=BUILT_CLI, help="the ckpt binary for workloads 8 and 9 (default: build/bin/ckpt)")
    ap.add_argument("--output", default=os.path.join(BENCH_SRC, "results.json"))
    args = ap.parse_args()
    args.cli = os.path.abspath(args.cli)
    if args.quick:
        args.n, args.n_full, args.shared_seed, args.shared_ops = 2000, 200, 500, 2000
        args.scale_n, args.scale_gets, args.py_n_create, args.py_n_get = 20000, 5000, 1000, 2000
        args.backups_n, args.backups_lists = 20000, 400
        args.group_creates = 1600
        args.http_n, args.http_reps, args.cli_runs = 300, 2, 20
        args.emulator_seconds = 3.0

    started = time.monotonic()
    results: Dict[str, Any] = {
        "timestamp": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "git": git_commit(),
        "config": {k: v for k, v in vars(args).items() if k != "output"},
        "machine": {
            "nproc": os.cpu_count(),
            "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), ""),
            "kernel": platform.release(),
            "python": platform.python_version(),
            "loadavg_before": loadavg(),
            "busy_processes_before": top_consumers_now(1.0),
        },
        "workloads": {},
    }
    monitor = CpuMonitor()
    monitor.start()
    run_window = Window()

    build(args, results)

    workloads: List[Tuple[str, str, Callable[[argparse.Namespace], Dict[str, Any]]]] = [
        ("crud", "workloads 1, 2, 3, 6: create/get, json_t and text, vs the floor", w_crud),
        ("shared", "workload 4: shared handle", w_shared),
        ("group", "workload 12: group commit, 8 threads at full vs 1 at normal", w_group),
        ("scale", "workload 5: scale", w_scale),
        ("python", "workload 7: Python binding vs C", w_python),
        ("http", "workload 8: HTTP client vs the official SDK", w_http),
        ("emulator", "workload 13: ckpt serve under 32 keep-alive clients vs the mix in-process", w_emulator),
        ("cli", "workload 9: CLI wall time", w_cli),
        ("library", "workload 10: the library file", w_library),
        ("backups", "workload 11: backup.list at scale", w_backups),
    ]
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    for name, title, fn in workloads:
        if only and name not in only:
            continue
        log(f"{title}")
        win = Window()
        try:
            r = fn(args)
        except Exception as e:  # noqa: BLE001 - record it, run the rest
            r = {"error": str(e)}
            log(f"  failed: {e}")
        r["cpu_window"] = win.close()
        results["workloads"][name] = r

    results["machine"]["loadavg_after"] = loadavg()
    results["machine"]["busy_processes_during_run"] = monitor.stop()
    win = run_window.close()
    results["machine"]["other_cores_busy_during_run"] = win["other_cores_busy"]
    results["machine"]["busy_processes_after"] = top_consumers_now(1.0)
    results["total_seconds"] = round(time.monotonic() - started, 1)

    rows = table_rows(results)
    results["table"] = [dict(zip(("measure", "value", "target", "status"), r)) for r in rows]
    with open(args.output, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    md = markdown(results, rows)
    with open(os.path.join(os.path.dirname(args.output), "results.md"), "w") as f:
        f.write(md)

    m = results["machine"]
    print(f"\nlibckpt benchmarks: {m['nproc']} cores, load {m['loadavg_before']} -> {m['loadavg_after']}, "
          f"other processes {m['other_cores_busy_during_run']:.2f} cores busy on average; "
          f"{results['total_seconds']:.0f} s total")
    for p in m["busy_processes_during_run"][:5]:
        print(f"  busy meanwhile: {p['cpu_seconds']:>7.1f} s CPU  pid {p['pid']}  {p['command'][:100]}")
    print_table(rows)
    print(f"wrote {os.path.relpath(args.output, ROOT)} and {os.path.relpath(os.path.join(os.path.dirname(args.output), 'results.md'), ROOT)}")
    missed = [r for r in rows if r[3] in ("MISSED", "ERROR")]
    if missed:
        print(f"{len(missed)} target(s) missed or failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
