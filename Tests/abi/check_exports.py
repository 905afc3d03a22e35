#!/usr/bin/env python3
"""The ABI of a built or packaged libckpt.so.1, checked against its sources.

    Tests/abi/check_exports.py LIBRARY [--stripped] [--debug-file FILE] [--allow PREFIX ...]

Sources of truth, which must agree with each other and with LIBRARY:
  include/ckpt.h               the declared functions
  libckpt.map                  the version script: each function's version node
  debian/libckpt1.symbols      the Debian symbols file: name@NODE and the
                               package version that introduced it

Checked on LIBRARY (readelf and nm from binutils):
  - soname libckpt.so.1, a GNU build id, no Swift runtime in NEEDED, no Regex
    engine linked in;
  - the global defined dynamic symbols are exactly the map's functions, each
    at its own node as the default version (name@@NODE), plus the node names;
  - the version definitions are the map's nodes, in order;
  - no DWARF 5 unit (valgrind 3.19 gives up on one), when it has debug info;
  - --stripped: no .debug_* section at all;
  - --debug-file FILE: FILE holds the debug info and has the same build id.
--allow PREFIX lets through extra global symbols (a sanitizer's hooks).
Prints one line per finding and exits 1 on any; "abi: ok ..." otherwise.
"""

import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SONAME = "libckpt.so.1"


def run(*argv: str) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def header_functions(path: str) -> set:
    text = open(path, encoding="utf-8").read()
    return set(re.findall(r"^[a-z][^;(]*\b(ckpt_[a-z_]+)\(", text, re.M))


def map_nodes(path: str) -> list:
    """[(node, [functions])] in file order, comments and `local: *;` aside."""
    text = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    nodes = []
    for m in re.finditer(r"(LIBCKPT_[0-9.]+)\s*\{(.*?)\}\s*(LIBCKPT_[0-9.]+)?\s*;", text, re.S):
        body = re.sub(r"\blocal:\s*\*\s*;", "", m.group(2))
        body = re.sub(r"\bglobal:", "", body)
        names = [n.strip() for n in body.split(";") if n.strip()]
        nodes.append((m.group(1), names))
    return nodes


def symbols_file(path: str) -> dict:
    """{name@NODE: minimal version} from a dpkg symbols file."""
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith(" "):
            fields = line.split()
            out[fields[0]] = fields[1]
    return out


def notes(path: str) -> str:
    # binutils 2.40's readelf exits 1 on a note type it does not know, such
    # as .note.dlopen's; what it printed is still right.
    return subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout


def build_id(path: str) -> str:
    m = re.search(r"Build ID: ([0-9a-f]+)", notes(path))
    return m.group(1) if m else ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--stripped", action="store_true")
    ap.add_argument("--debug-file")
    ap.add_argument("--allow", action="append", default=[])
    args = ap.parse_args()
    so = args.library
    bad = []

    declared = header_functions(os.path.join(ROOT, "include", "ckpt.h"))
    nodes = map_nodes(os.path.join(ROOT, "libckpt.map"))
    versioned = {f"{name}@{node}": node for node, names in nodes for name in names}
    in_map = {k.split("@")[0] for k in versioned}
    if not nodes or nodes[0][0] != "LIBCKPT_1.0":
        bad.append("libckpt.map: the first node is not LIBCKPT_1.0")
    for name in sorted(declared - in_map):
        bad.append(f"{name}: declared in ckpt.h, not in libckpt.map")
    for name in sorted(in_map - declared):
        bad.append(f"{name}: in libckpt.map, not declared in ckpt.h")
    if len(in_map) != len(versioned):
        bad.append("libckpt.map names a function in two nodes")

    symbols = symbols_file(os.path.join(ROOT, "debian", "libckpt1.symbols"))
    expected_symbols = dict(versioned)
    expected_symbols.update({f"{node}@{node}": node for node, _ in nodes})
    for key in sorted(set(expected_symbols) ^ set(symbols)):
        where = "libckpt.map" if key in expected_symbols else "debian/libckpt1.symbols"
        bad.append(f"{key}: only in {where}")
    for key, version in symbols.items():
        node = expected_symbols.get(key)
        if node and not (version + ".").startswith(node[len("LIBCKPT_"):] + "."):
            bad.append(f"debian/libckpt1.symbols: {key} {version} is not a {node} version")

    dynamic = run("readelf", "-d", so)
    if f"Library soname: [{SONAME}]" not in dynamic:
        bad.append(f"soname is not {SONAME}")
    if re.search(r"NEEDED.*swift", dynamic, re.I):
        bad.append("NEEDED names a Swift runtime library")
    if not build_id(so):
        bad.append("no GNU build id")
    # libcurl and libcrypto are loaded on first use (CLazyLibs), not linked.
    for lib in ("libcurl", "libcrypto", "libssl"):
        if re.search(rf"NEEDED.*\[{lib}\.", dynamic):
            bad.append(f"NEEDED names {lib}: it must be loaded on first use, not linked")
    undefined = run("nm", "-D", "--undefined-only", so)
    for sym in re.findall(r"\b((?:curl_|EVP_|HMAC_|CRYPTO_)\w+)", undefined):
        bad.append(f"calls {sym} directly: libcurl and libcrypto go through CLazyLibs' table")
    dlopen_note = run("readelf", "-p", ".note.dlopen", so) if ".note.dlopen" in run("readelf", "-S", "-W", so) else ""
    for soname in ("libcurl.so.4", "libcrypto.so.3"):
        if soname not in dlopen_note:
            bad.append(f".note.dlopen does not name {soname}")

    exported = set()
    node_symbols = set()
    for line in run("nm", "-D", "--defined-only", so).splitlines():
        fields = line.split()
        if len(fields) < 3 or not fields[1].isupper():
            continue  # local: the gold linker keeps some in .dynsym; nothing binds to them
        if fields[1] == "A":
            node_symbols.add(fields[2].split("@")[0])
        elif not any(fields[2].startswith(p) for p in args.allow):
            exported.add(fields[2])
    want = {f"{name}@@{node}" for node, names in nodes for name in names}
    for sym in sorted(exported - want):
        bad.append(f"exported but not in libckpt.map at that node: {sym}")
    for sym in sorted(want - exported):
        bad.append(f"not exported: {sym}")
    if node_symbols != {node for node, _ in nodes}:
        bad.append(f"version nodes exported: {sorted(node_symbols)}")
    defined = re.findall(r"Name: (LIBCKPT_[0-9.]+)", run("readelf", "-V", so))
    if defined != [node for node, _ in nodes]:
        bad.append(f"version definitions {defined}, not the map's nodes")

    sections = run("readelf", "-S", "-W", so)
    debug_sections = re.findall(r"\] (\.debug_\w+)", sections)
    if args.stripped and debug_sections:
        bad.append(f"debug sections left in a stripped library: {' '.join(debug_sections)}")
    if ".debug_info" in debug_sections:
        if re.search(r"^\s+Version:\s+5$", run("readelf", "--debug-dump=info", so), re.M):
            bad.append("a DWARF 5 unit is in the debug info (valgrind 3.19 cannot read it)")
    symtab = run("nm", so) if ".symtab" in sections else ""
    if "12_RegexParser" in symtab or "17_StringProcessing" in symtab:
        bad.append("links the Regex engine (_StringProcessing: String.contains/split/firstRange of a string?)")

    if args.debug_file:
        if build_id(args.debug_file) != build_id(so):
            bad.append(f"{args.debug_file}: build id differs from the library's")
        if ".debug_info" not in run("readelf", "-S", "-W", args.debug_file):
            bad.append(f"{args.debug_file}: no .debug_info")

    for line in bad:
        print(f"abi: FAIL: {so}: {line}")
    if bad:
        return 1
    print(f"abi: ok: {so}: {len(want)} functions in {len(nodes)} version nodes "
          f"({', '.join(f'{n} {len(f)}' for n, f in nodes)}), matching ckpt.h and debian/libckpt1.symbols"
          + ("; no debug sections" if args.stripped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
