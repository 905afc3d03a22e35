"""The operation table (`ckpt operations`) against everything that lists the
operations by hand: the Python binding's OPERATIONS and its methods, the
README's operation table, the fuzz seeds of call_text, and `ckpt call
--help`.  None of them can drift from the table while these pass.

    CKPT_BIN=/path/to/ckpt python3 -m pytest Tests/cli -q
"""

import ast
import json
import os
import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("CKPT_BIN", str(REPO / "build" / "bin" / "ckpt"))


@pytest.fixture(scope="module")
def table():
    out = subprocess.run([BIN, "operations"], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def names(table):
    return [op["name"] for op in table["operations"]]


def test_table_is_well_formed(table):
    ops = table["operations"]
    assert len(set(names(table))) == len(ops), "operation names are unique"
    served = set()
    for op in ops:
        assert re.fullmatch(r"(local\.)?[a-z_]+\.[a-z_]+", op["name"]), op["name"]
        assert op["family"] in ("cbr_v3", "csbs_v1")
        assert op["kind"] in ("service", "client", "local")
        assert op["summary"]
        if op["kind"] == "service":
            prefix = "/v3/{project_id}/" if op["family"] == "cbr_v3" else "/v1/{project_id}/"
            assert op["path"].startswith(prefix), op
            assert op["method"] in ("GET", "POST", "PUT", "DELETE")
            assert op["success"] in (200, 202, 204)
            # Only a read may be sent twice (SPEC 6.6).
            assert op["retry_safe"] == (op["method"] == "GET"), op
            served.add((op["method"], op["path"]))
        else:
            assert "path" not in op and op["retry_safe"] is False, op
        assert op["name"].startswith("local.") == (op["kind"] == "local"), op
    assert len(served) == len([o for o in ops if o["kind"] == "service"]), "one operation per route"
    unserved = {(u["method"], u["path"]) for u in table["unserved"]}
    assert len(unserved) == len(table["unserved"]), "unserved routes are unique"
    assert not served & unserved, f"served and listed as unserved: {served & unserved}"


def test_version_is_the_headers(table):
    header = (REPO / "include" / "ckpt.h").read_text()
    parts = [re.search(r"^#define CKPT_VERSION_%s (\d+)$" % p, header, re.M).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    assert table["version"] == ".".join(parts)
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == table["version"]


def test_the_python_binding_has_a_method_per_operation(table):
    tree = ast.parse((REPO / "bindings" / "python" / "ckpt" / "client.py").read_text())
    operations = None
    methods = set()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "OPERATIONS":
            operations = ast.literal_eval(node.value)
        if isinstance(node, ast.ClassDef) and node.name == "Client":
            methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    assert operations is not None, "client.py defines OPERATIONS"
    assert list(operations) == names(table)
    missing = {op: m for op, m in operations.items() if m not in methods}
    assert not missing, f"OPERATIONS names methods that Client lacks: {missing}"


def test_the_readme_table_is_the_operation_table(table):
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Operations\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([a-z_.]+)` \| (.*?) \|", line)
        if m:
            rows[m.group(1)] = m.group(2)
    assert list(rows) == names(table), "the README lists every operation, in the table's order"
    for op in table["operations"]:
        cell = rows[op["name"]]
        if op["kind"] == "service":
            assert f"`{op['method']} {op['path']}`" in cell, (op["name"], cell)
        elif op["kind"] == "client":
            assert cell.startswith("client-side"), (op["name"], cell)
        else:
            assert cell == "embedded only", (op["name"], cell)


def test_the_fuzz_seeds_cover_every_operation(table):
    tree = ast.parse((REPO / "fuzz" / "make_seeds.py").read_text())
    call_ops = next(ast.literal_eval(n.value) for n in tree.body
                    if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "CALL_OPS")
    # call_text.swift indexes Operation.all, then its unknown names.
    assert call_ops == names(table) + ["bogus.operation"]
    seeded = set()
    for seed in (REPO / "fuzz" / "corpus" / "call_text").glob("seed_*"):
        data = seed.read_bytes()
        if data:
            seeded.add((data[0] & 0x7F) % (len(call_ops) + 3))
    missing = [n for i, n in enumerate(names(table)) if i not in seeded]
    assert not missing, f"no call_text seed for {missing}: run fuzz/make_seeds.py"


def test_the_emulator_fuzz_seeds_cover_every_route(table):
    """fuzz/corpus/emulator_request has a request for every route served."""
    requests = []
    for seed in (REPO / "fuzz" / "corpus" / "emulator_request").glob("seed_*"):
        line = seed.read_bytes()[1:].split(b"\r\n", 1)[0].decode()
        method, target = line.split(" ")[:2]
        requests.append((method, target.split("?")[0].split("/")))

    def covered(op):
        template = op["path"].split("/")
        return any(m == op["method"] and len(p) == len(template)
                   and all(t.startswith("{") or t == s for t, s in zip(template, p))
                   for m, p in requests)

    missing = [op["name"] for op in table["operations"] if op["kind"] == "service" and not covered(op)]
    assert not missing, f"no emulator_request seed for {missing}: run fuzz/make_seeds.py"


def test_ckpt_call_help_lists_every_operation(table):
    out = subprocess.run([BIN, "call", "--help"], capture_output=True, text=True, timeout=60, check=True)
    text = " ".join(out.stdout.split())
    for name in names(table):
        assert name in text, name


def test_every_rest_path_is_spelled_in_one_swift_file(table):
    # The remote backend, the emulator and the CLI all read routes from the
    # table; a path spelled again elsewhere would be a second place to change.
    sources = {p: p.read_text() for p in (REPO / "Sources").rglob("*.swift")}
    paths = {op["path"] for op in table["operations"] if "path" in op}
    paths |= {u["path"] for u in table["unserved"]}
    for path in sorted(paths):
        quoted = '"%s"' % path
        holders = sorted(str(p.relative_to(REPO)) for p, text in sources.items() if quoted in text)
        assert holders == ["Sources/CkptCore/Operations/Operation+Table.swift"], (path, holders)
