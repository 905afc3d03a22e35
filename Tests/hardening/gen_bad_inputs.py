#!/usr/bin/env python3
"""Generates Tests/hardening/bad_inputs.json, the bad-input catalogue.

    python3 Tests/hardening/gen_bad_inputs.py > Tests/hardening/bad_inputs.json

The JSON file is the artefact the runner (bad_inputs.c) reads; this script is
how it is maintained.  The format is described in Tests/hardening/README.md.

Expectations follow include/ckpt.h and README.md, never the library's current
behaviour.  Every invalid request or argument is class "invalid", http_status
400, with BackupService.9900 - or CSBS.9001 when the call is a v1 operation
(policy.*, ckpt_policy_execute, checkpoint.wait with a provider_id): ckpt.h,
"Limits", says so for limit violations and for NULL and non-UTF-8 arguments.
A NULL or unknown operation and a bad configuration are BackupService.9900;
a store that cannot be opened is class "storage" with error_code "".  The
1.1 operations (section 9; SPEC 6) add: a schema violation names the field
(msg_contains), an unknown backup is not_found 404 BackupService.6200, an
unknown task 404 BackupService.6500, an unknown vault of backup.prune 404
BackupService.6105.  Part 2 of 1.1 (section 11: vault.list, .update,
.delete, .add_resources, .remove_resources, policy.checkpoint_list,
.checkpoint_delete, policy.execute's extra-info, ckpt_vault_list and
ckpt_vault_delete) adds: an unknown vault is 404 BackupService.6105 for
every vault operation, an unknown v1 checkpoint 404 CSBS.3001, and the
conflicts 6203, 6104, 6103, 6134 and CSBS.2003 (6135, not in the vault, is
invalid).  Cases the library gets wrong carry "bug": "<id>" (see the
README's list); they still fail unless CKPT_HARDENING_XFAIL=1.
"""
import json
import sys

CSBS_PROVIDER = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
OTHER_UUID = "0daac4c5-6707-4851-97ba-169e36266b66"     # a UUID that is not the CSBS provider
MISSING = "00000000-0000-4000-8000-00000000dead"        # exists nowhere
NEW_RES = "cccccccc-0000-4000-8000-000000000001"        # a resource id no fixture uses
NEW_RES2 = "cccccccc-0000-4000-8000-000000000002"

CBR = "BackupService.9900"
V1 = "CSBS.9001"
V1_OPS = {"policy.create", "policy.get", "policy.execute", "policy.checkpoint_get", "policy.checkpoint_list",
          "policy.checkpoint_delete"}

cases = []
names = set()


def fam(op, request=None):
    """The 9900-style code of an operation: CSBS.9001 for the v1 operations,
    and for checkpoint.wait on a v1 checkpoint (a request with provider_id)."""
    if op in V1_OPS:
        return V1
    if op == "checkpoint.wait" and request and '"provider_id"' in request:
        return V1
    return CBR


def raw(marker):
    """A generator marker placed unquoted into the JSON text (e.g. deep nesting)."""
    return "@@RAW:" + marker + "@@"


def text_of(req):
    if req is None or isinstance(req, str):
        return req
    t = json.dumps(req, ensure_ascii=False, separators=(",", ":"))
    while "@@RAW:" in t:
        i = t.index('"@@RAW:')
        j = t.index('@@"', i + 7)
        t = t[:i] + t[i + 7:j] + t[j + 3:]
    return t


def add(name, category, op, req, api="text", expect=None, **kw):
    assert name not in names, name
    names.add(name)
    if expect is None:
        expect = {"class": "invalid", "error_code": fam(op, text_of(req)) if op else CBR}
    elif isinstance(expect, str):
        expect = {"class": "invalid", "error_code": expect}
    c = {"name": name, "category": category, "operation": op, "api": api,
         "request": text_of(req), "expect": expect}
    for k, v in kw.items():
        if v is not None:
            c[k] = v
    if "setup" not in c:
        t = (c["request"] or "") + json.dumps(c.get("args", {}))
        need = [s for s, ph in (("vault", "{vault_id}"), ("vault", "{resource_id}"), ("policy", "{plan_id}"),
                                ("policy", "{policy_resource_id}"), ("checkpoint", "{checkpoint_id}"),
                                ("checkpoint", "{v1_checkpoint_id}"), ("backup", "{backup_id}"),
                                ("backup", "{old_backup_id}"), ("operation_log", "{operation_log_id}"),
                                ("vault", "{spare_vault_id}"), ("vault", "{vault_id2}"), ("vault", "{resource_id3}"),
                                ("vault", "{resource_id4}"), ("vault", "{busy_vault_id}"),
                                ("vault", "{busy_resource_id}"), ("backup", "{busy_backup_id}"),
                                ("checkpoint", "{spare_v1_checkpoint_id}"),
                                ("checkpoint", "{busy_v1_checkpoint_id}")) if ph in t]
        if need:
            c["setup"] = need[0] if len(set(need)) == 1 else sorted(set(need))
    cases.append(c)


def deep_copy(x):
    return json.loads(json.dumps(x))


def with_value(base, path, value):
    """base with the member at path (a list of keys / indexes) set to value;
    value DELETE removes it."""
    r = deep_copy(base)
    o = r
    for k in path[:-1]:
        o = o[k]
    if value is DELETE:
        del o[path[-1]]
    else:
        o[path[-1]] = value
    return r


DELETE = object()


def dotted(path):
    s = ""
    for k in path:
        s += "[%d]" % k if isinstance(k, int) else ("." if s else "") + k
    return s


# ---------------------------------------------------------------------------
# Valid base requests: every documented field present and valid, referencing
# the runner's fixtures, so a mutation that is wrongly accepted changes the
# store (and the fingerprint check catches it).
# ---------------------------------------------------------------------------
CC = {"checkpoint": {"vault_id": "{vault_id}", "parameters": {
    "auto_trigger": False, "description": "d", "incremental": False, "name": "n",
    "resources": ["{resource_id}"],
    "resource_details": [{"id": "{resource_id}", "type": "OS::Nova::Server", "name": "r1"}],
    "policy_id": "p1"}}}
PE = {"provider_id": CSBS_PROVIDER, "checkpoint": {"plan_id": "{plan_id}", "parameters": {
    "auto_trigger": False, "resources": ["{policy_resource_id}"]}}}
VC = {"vault": {
    "name": "v", "description": "d",
    "billing": {"size": 100, "consistent_level": "crash_consistent", "object_type": "server",
                "protect_type": "backup", "charging_mode": "post_paid", "cloud_type": "public",
                "spec_code": "vault.backup.server.normal", "period_type": "month", "period_num": 1,
                "is_auto_renew": False, "is_auto_pay": False, "console_url": "https://console.example.com",
                "extra_info": {}, "is_multi_az": False},
    "resources": [{"id": NEW_RES, "type": "OS::Nova::Server", "name": "r", "size": 1,
                   "extra_info": {"exclude_volumes": [NEW_RES2],
                                  "include_volumes": [{"id": NEW_RES2, "os_version": "x"}]}}],
    "backup_policy_id": "bp1", "tags": [{"key": "k", "value": "v"}], "enterprise_project_id": "0",
    "auto_bind": False, "bind_rules": {"tags": [{"key": "k", "value": "v"}]}, "auto_expand": False,
    "smn_notify": False, "threshold": 80}}
PC = {"policy": {
    "name": "p", "description": "d", "provider_id": CSBS_PROVIDER, "parameters": {"common": {}},
    "scheduled_operations": [{"name": "s", "description": "", "enabled": True, "operation_type": "backup",
                              "operation_definition": {"max_backups": 5},
                              "trigger": {"properties": {"pattern": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=14;BYMINUTE=00\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"}}}],
    "resources": [{"id": NEW_RES, "type": "OS::Nova::Server", "name": "r"}],
    "tags": [{"key": "k", "value": "v"}]}}
WAIT = {"checkpoint_id": "{checkpoint_id}", "status": "available", "timeout_ms": 0, "interval_ms": 10}
GETS = [("checkpoint.get", {"checkpoint_id": "{checkpoint_id}"}, "checkpoint_id"),
        ("vault.get", {"vault_id": "{vault_id}"}, "vault_id"),
        ("policy.get", {"policy_id": "{plan_id}"}, "policy_id"),
        ("policy.checkpoint_get", {"provider_id": CSBS_PROVIDER, "checkpoint_id": "{v1_checkpoint_id}"},
         "checkpoint_id")]
LVS = {"vault_id": "{vault_id}", "status": "available"}
LCS = {"checkpoint_id": "{checkpoint_id}", "status": "available"}


def mutations(op, base, fields, category="wrong_type", api="text", names_field=False):
    """fields: (path, value, label[, extra kwargs]) tuples.  names_field: the
    error message must name the field (its dotted path), as SPEC 6.5 says of
    the 1.1 operations; a field's own "expect" overrides it."""
    for f in fields:
        path, value, label = f[:3]
        kw = dict(f[3]) if len(f) > 3 else {}
        if names_field and "expect" not in kw:
            kw["expect"] = {"class": "invalid", "error_code": fam(op), "msg_contains": dotted(path)}
        add("%s/%s/%s" % (op, dotted(path), label), category, op, with_value(base, path, value), api=api, **kw)


def ids(n, prefix="dddddddd"):
    return ["%s-0000-4000-8000-%012x" % (prefix, i) for i in range(n)]


def res_objs(n):
    return [{"id": i, "type": "OS::Nova::Server"} for i in ids(n, "eeeeeeee")]


# ===========================================================================
# 1. Malformed JSON (text entry point)
# ===========================================================================
malformed = [
    ("empty", ""), ("whitespace", "   \n\t "), ("open_brace", "{"), ("close_brace", "}"),
    ("open_bracket", "["), ("missing_value", '{"checkpoint_id":}'), ("missing_colon", '{"checkpoint_id" "x"}'),
    ("trailing_comma_object", '{"checkpoint_id":"{checkpoint_id}",}'),
    ("trailing_comma_array", '{"checkpoint_id":["a",]}'),
    ("single_quotes", "{'checkpoint_id':'{checkpoint_id}'}"), ("unquoted_key", '{checkpoint_id:"{checkpoint_id}"}'),
    ("comment", '{"checkpoint_id":"{checkpoint_id}" /* c */}'), ("two_documents", "{} {}"),
    ("trailing_garbage", '{"checkpoint_id":"{checkpoint_id}"} x'), ("nan", '{"checkpoint_id":NaN}'),
    ("infinity", '{"checkpoint_id":Infinity}'), ("leading_zero", '{"checkpoint_id":01}'),
    ("hex_number", '{"checkpoint_id":0x10}'), ("bare_word", "checkpoint"),
    ("unterminated_string", '{"checkpoint_id":"abc'), ("raw_newline_in_string", '{"checkpoint_id":"a\nb"}'),
    ("raw_tab_in_string", '{"checkpoint_id":"a\tb"}'), ("bad_escape", '{"checkpoint_id":"a\\xb"}'),
    ("short_unicode_escape", '{"checkpoint_id":"\\u12"}'), ("lone_high_surrogate", '{"checkpoint_id":"\\ud800"}'),
    ("lone_low_surrogate", '{"checkpoint_id":"\\udc00"}'),
    ("integer_overflow", '{"checkpoint_id":"{checkpoint_id}","x":99999999999999999999}'),
    ("duplicate_key", '{"checkpoint_id":"{checkpoint_id}","checkpoint_id":"{checkpoint_id}"}'),
    ("nul_in_key", '{"checkpoint_id\\u0000":"{checkpoint_id}"}'),
]
for label, text in malformed:
    add("malformed/%s" % label, "malformed_json", "checkpoint.get", text)
add("malformed/duplicate_nested_key/checkpoint.create", "malformed_json", "checkpoint.create",
    '{"checkpoint":{"vault_id":"{vault_id}","parameters":{"incremental":true,"incremental":false}}}')
add("malformed/duplicate_key/policy.execute", "malformed_json", "policy.execute",
    '{"checkpoint":{"plan_id":"{plan_id}","plan_id":"{plan_id}","parameters":{}}}')
add("malformed/utf8_bom", "malformed_json", "checkpoint.get", None,
    request_hex=("\ufeff" + '{"checkpoint_id":"%s"}' % MISSING).encode().hex())
add("malformed/truncated/vault.create", "malformed_json", "vault.create", text_of(VC)[:-3])
add("malformed/truncated/policy.create", "malformed_json", "policy.create", text_of(PC)[:-2])
# Not an object at the top.
for label, text in [("array", "[]"), ("null", "null"), ("number", "5"), ("string", '"x"'), ("true", "true")]:
    add("top_level/%s/checkpoint.create" % label, "wrong_type", "checkpoint.create", text)
    add("top_level/%s/policy.execute" % label, "wrong_type", "policy.execute", text)

# ===========================================================================
# 2. Wrong types, nulls, missing fields, empty strings, unknown fields, per operation
# ===========================================================================
P = ["checkpoint", "parameters"]
mutations("checkpoint.create", CC, [
    (["checkpoint"], "x", "string"), (["checkpoint"], [], "array"),
    (["checkpoint", "vault_id"], 5, "number"), (["checkpoint", "vault_id"], ["{vault_id}"], "array"),
    (P, "x", "string"), (P, [], "array"), (P, True, "boolean"),
    (P + ["auto_trigger"], "true", "string"), (P + ["auto_trigger"], 1, "number"),
    (P + ["description"], 123, "number"), (P + ["description"], ["d"], "array"),
    (P + ["incremental"], "false", "string"), (P + ["incremental"], 0, "number"),
    (P + ["name"], True, "boolean"), (P + ["name"], {"n": 1}, "object"),
    (P + ["resources"], "{resource_id}", "string"), (P + ["resources"], [1], "item_number"),
    (P + ["resources"], [["{resource_id}"]], "item_array"), (P + ["resources"], {"0": "{resource_id}"}, "object"),
    (P + ["resource_details"], {}, "object"), (P + ["resource_details"], ["{resource_id}"], "item_string"),
    (P + ["resource_details", 0, "id"], 1, "number"), (P + ["resource_details", 0, "type"], 5, "number"),
    (P + ["resource_details", 0, "name"], [], "array"),
    (P + ["resource_details", 0, "extra_info"], "x", "string", {"bug": "B2"}),
    (P + ["policy_id"], 42, "number"), (P + ["policy_id"], [], "array"),
])
mutations("checkpoint.create", CC, [
    (["checkpoint"], None, "null"), (["checkpoint", "vault_id"], None, "null"), (P, None, "null"),
    (P + ["auto_trigger"], None, "null"), (P + ["description"], None, "null"),
    (P + ["incremental"], None, "null"), (P + ["name"], None, "null"), (P + ["resources"], None, "null"),
    (P + ["resources"], [None], "item_null"), (P + ["resource_details"], None, "null"),
    (P + ["policy_id"], None, "null"),
], category="null")
mutations("checkpoint.create", CC, [
    (["checkpoint"], DELETE, "missing"), (["checkpoint", "vault_id"], DELETE, "missing"),
    (P + ["resource_details", 0, "id"], DELETE, "missing"), (P + ["resource_details", 0, "type"], DELETE, "missing"),
], category="missing")
mutations("checkpoint.create", CC, [
    (["checkpoint", "vault_id"], "", "empty"), (P + ["name"], "", "empty"), (P + ["resources"], [], "empty"),
    (P + ["resources"], [""], "item_empty"), (P + ["policy_id"], "", "empty"),
    (P + ["resource_details", 0, "id"], "", "empty"),
], category="empty")
mutations("checkpoint.create", CC, [
    (["bogus"], 1, "unknown_top"), (["checkpoint", "bogus"], 1, "unknown_body"),
    (P + ["incremantal"], True, "misspelt"), (P + ["resource_details", 0, "bogus"], 1, "unknown_detail", {"bug": "B2"}),
    (P + ["resource_details", 0, "type"], "OS::Bogus::Thing", "bad_enum"),
    (P + ["resources"], ["{resource_id}", "{resource_id}"], "duplicate"),
    (P + ["resources"], ["{resource_id}", "{resource_id_upper}"], "duplicate_case"),
    (P + ["resources"], [MISSING], "not_in_vault"),
    (P + ["resources"], ["{policy_resource_id}"], "other_containers_resource"),
], category="unknown_or_bad_value")
mutations("checkpoint.create", CC, [
    (P + ["name"], "n" * 65, "65_chars"), (P + ["name"], "\u00e9" * 65, "65_chars_2byte"),
    (P + ["description"], "d" * 256, "256_chars"), (P + ["description"], "\u4e2d" * 256, "256_chars_3byte"),
    (P + ["policy_id"], "p" * 65, "65_chars"), (P + ["resource_details", 0, "name"], "r" * 256, "256_chars"),
], category="too_long")
mutations("checkpoint.create", CC, [
    (P + ["resources"], ids(257), "257_items"), (P + ["resources"], raw("{uuid_array:20000}"), "20000_items"),
    (P + ["resource_details"], res_objs(257), "257_items"),
], category="huge_array")

# policy.execute
C = ["checkpoint"]
Q = ["checkpoint", "parameters"]
mutations("policy.execute", PE, [
    (["provider_id"], 5, "number"), (["provider_id"], [], "array"), (C, "x", "string"), (C, [], "array"),
    (C + ["plan_id"], 5, "number"), (C + ["plan_id"], {"id": "{plan_id}"}, "object"),
    (Q, "x", "string"), (Q, [], "array"), (Q + ["auto_trigger"], "yes", "string"),
    (Q + ["auto_trigger"], 1, "number"), (Q + ["resources"], "{policy_resource_id}", "string"),
    (Q + ["resources"], [5], "item_number"),
])
mutations("policy.execute", PE, [
    (["provider_id"], None, "null"), (C, None, "null"), (C + ["plan_id"], None, "null"), (Q, None, "null"),
    (Q + ["auto_trigger"], None, "null"), (Q + ["resources"], None, "null"),
], category="null")
mutations("policy.execute", PE, [
    (C, DELETE, "missing"), (C + ["plan_id"], DELETE, "missing"),
], category="missing")
mutations("policy.execute", PE, [
    (["provider_id"], "", "empty"), (C + ["plan_id"], "", "empty"), (Q + ["resources"], [], "empty"),
], category="empty")
mutations("policy.execute", PE, [
    (["provider_id"], OTHER_UUID, "other_provider"), (["provider_id"], "csbs", "not_uuid"),
    (["bogus"], 1, "unknown_top"), (C + ["bogus"], 1, "unknown_body"), (Q + ["incremental"], True, "unknown_param"),
    (Q + ["resources"], ["{policy_resource_id}", "{policy_resource_id}"], "duplicate"),
    (Q + ["resources"], [MISSING], "not_in_policy"), (Q + ["resources"], ["{resource_id}"], "other_containers_resource"),
    (C + ["plan_id"], MISSING, "missing_plan", {"expect": {"class": "not_found", "error_code": "CSBS.3002",
                                                           "http_status": 404}, "note": "control: valid, unknown plan"}),
], category="unknown_or_bad_value")
mutations("policy.execute", PE, [(Q + ["resources"], ids(257), "257_items")], category="huge_array")

# Get operations
for op, base, key in GETS:
    mutations(op, base, [([key], 5, "number"), ([key], ["x"], "array"), ([key], {"id": "x"}, "object"),
                         ([key], True, "boolean")])
    mutations(op, base, [([key], None, "null")], category="null")
    mutations(op, base, [([key], DELETE, "missing")], category="missing")
    mutations(op, base, [([key], "", "empty")], category="empty")
    mutations(op, base, [(["bogus"], 1, "unknown_field")], category="unknown_or_bad_value")
    add("%s/null_request_pointer" % op, "null_pointer", op, None)
    add("%s/empty_object" % op, "missing", op, "{}")
mutations("policy.checkpoint_get", GETS[3][1], [
    (["provider_id"], 5, "number"), (["provider_id"], None, "null"), (["provider_id"], "x", "not_uuid"),
    (["provider_id"], OTHER_UUID, "other_provider")])

# checkpoint.wait
mutations("checkpoint.wait", WAIT, [
    (["checkpoint_id"], 5, "number"), (["status"], 5, "number"), (["status"], ["available"], "array"),
    (["timeout_ms"], "100", "string"), (["timeout_ms"], 1.5, "fraction"), (["timeout_ms"], 0.0, "real_zero"),
    (["timeout_ms"], True, "boolean"), (["interval_ms"], "10", "string"), (["interval_ms"], 2.5, "fraction"),
    (["provider_id"], 5, "number"),
])
mutations("checkpoint.wait", WAIT, [
    (["checkpoint_id"], None, "null"), (["status"], None, "null"), (["timeout_ms"], None, "null"),
    (["interval_ms"], None, "null"), (["provider_id"], None, "null"),
], category="null")
mutations("checkpoint.wait", WAIT, [(["checkpoint_id"], DELETE, "missing")], category="missing")
mutations("checkpoint.wait", WAIT, [(["checkpoint_id"], "", "empty"), (["status"], "", "empty")], category="empty")
mutations("checkpoint.wait", WAIT, [
    (["status"], "bogus", "bad_enum"), (["status"], "AVAILABLE", "wrong_case"),
    (["timeout_ms"], -1, "negative"), (["timeout_ms"], 86400001, "over_max"),
    (["timeout_ms"], -9223372036854775808, "int64_min"), (["timeout_ms"], 9223372036854775807, "int64_max"),
    (["interval_ms"], 0, "zero"), (["interval_ms"], -5, "negative"), (["interval_ms"], 60001, "over_max"),
    (["provider_id"], "x", "not_uuid"), (["provider_id"], OTHER_UUID, "other_provider"),
    (["bogus"], 1, "unknown_field"),
], category="unknown_or_bad_value")

# vault.create
V = ["vault"]
B = ["vault", "billing"]
R0 = ["vault", "resources", 0]
mutations("vault.create", VC, [
    (V, "x", "string"), (V, [], "array"), (V + ["name"], 5, "number"), (V + ["description"], 5, "number"),
    (B, "x", "string"), (B, [], "array"), (B + ["size"], "100", "string"), (B + ["size"], 1.5, "fraction"),
    (B + ["size"], True, "boolean"), (B + ["consistent_level"], 5, "number"), (B + ["object_type"], [], "array"),
    (B + ["protect_type"], True, "boolean"), (B + ["charging_mode"], 5, "number"),
    (B + ["cloud_type"], 5, "number", {"bug": "B3"}), (B + ["spec_code"], 5, "number", {"bug": "B3"}),
    (B + ["period_type"], 5, "number", {"bug": "B3"}), (B + ["period_num"], "x", "string", {"bug": "B3"}),
    (B + ["is_auto_renew"], "yes", "string", {"bug": "B3"}), (B + ["is_auto_pay"], 1, "number", {"bug": "B3"}),
    (B + ["console_url"], 5, "number", {"bug": "B3"}), (B + ["extra_info"], "x", "string", {"bug": "B3"}),
    (B + ["is_multi_az"], "yes", "string", {"bug": "B3"}),
    (V + ["resources"], "x", "string"), (V + ["resources"], {}, "object"), (V + ["resources"], [1], "item_number"),
    (R0 + ["id"], 5, "number"), (R0 + ["type"], 5, "number"), (R0 + ["name"], 5, "number"),
    (R0 + ["size"], "1", "string"), (R0 + ["size"], 1.5, "fraction"), (R0 + ["extra_info"], "x", "string"),
    (R0 + ["extra_info", "exclude_volumes"], "x", "string"), (R0 + ["extra_info", "exclude_volumes"], [5], "item_number"),
    (R0 + ["extra_info", "include_volumes"], {}, "object"), (R0 + ["extra_info", "include_volumes", 0, "id"], 5, "number"),
    (R0 + ["extra_info", "include_volumes", 0, "os_version"], 5, "number"),
    (V + ["backup_policy_id"], 5, "number"), (V + ["tags"], "x", "string"), (V + ["tags"], {}, "object"),
    (V + ["tags"], [1], "item_number", {"bug": "B3"}),
    (V + ["enterprise_project_id"], 5, "number"), (V + ["auto_bind"], "true", "string"),
    (V + ["auto_expand"], 1, "number"), (V + ["smn_notify"], "no", "string"), (V + ["bind_rules"], "x", "string"),
    (V + ["bind_rules", "tags"], 5, "number", {"bug": "B3"}),
    (V + ["threshold"], "abc", "string", {"bug": "B3"}),
])
mutations("vault.create", VC, [
    (V, None, "null"), (V + ["name"], None, "null"), (V + ["description"], None, "null"), (B, None, "null"),
    (B + ["size"], None, "null"), (B + ["consistent_level"], None, "null"), (V + ["resources"], None, "null"),
    (R0, None, "null"), (R0 + ["id"], None, "null"), (R0 + ["size"], None, "null"),
    (R0 + ["extra_info"], None, "null"), (V + ["tags"], None, "null"), (V + ["auto_bind"], None, "null"),
], category="null")
mutations("vault.create", VC, [
    (V, DELETE, "missing"), (V + ["name"], DELETE, "missing"), (B, DELETE, "missing"), (B + ["size"], DELETE, "missing"),
    (V + ["resources"], DELETE, "missing"), (R0 + ["id"], DELETE, "missing"), (R0 + ["type"], DELETE, "missing"),
    (R0 + ["extra_info", "include_volumes", 0, "id"], DELETE, "missing"),
], category="missing")
mutations("vault.create", VC, [
    (V + ["name"], "", "empty"), (R0 + ["id"], "", "empty"), (R0 + ["type"], "", "empty"),
    (V + ["backup_policy_id"], "", "empty"), (V + ["enterprise_project_id"], "", "empty"),
], category="empty")
mutations("vault.create", VC, [
    (["bogus"], 1, "unknown_top"), (V + ["bogus"], 1, "unknown_body"), (B + ["bogus"], 1, "unknown_billing"),
    (R0 + ["bogus"], 1, "unknown_resource"), (R0 + ["extra_info", "bogus"], 1, "unknown_extra_info"),
    (R0 + ["extra_info", "include_volumes", 0, "bogus"], 1, "unknown_include_volume"),
    (B + ["size"], 0, "zero"), (B + ["size"], -1, "negative"), (B + ["size"], 10485761, "over_max"),
    (B + ["consistent_level"], "bogus", "bad_enum"), (B + ["object_type"], "Server", "wrong_case"),
    (B + ["protect_type"], "bogus", "bad_enum"), (B + ["charging_mode"], "free", "bad_enum"),
    (R0 + ["type"], "OS::Nova::server", "wrong_case"), (R0 + ["id"], "r1", "not_uuid"),
    (R0 + ["size"], -1, "negative"), (R0 + ["size"], 10485761, "over_max"),
    (R0 + ["extra_info", "exclude_volumes"], ["x"], "item_not_uuid"),
    (R0 + ["extra_info", "exclude_volumes"], [NEW_RES2, NEW_RES2], "duplicate"),
    (V + ["resources"], [{"id": NEW_RES, "type": "OS::Nova::Server"}, {"id": NEW_RES, "type": "OS::Cinder::Volume"}],
     "duplicate"),
    (V + ["resources"], [{"id": NEW_RES, "type": "OS::Nova::Server"}, {"id": NEW_RES.upper(), "type": "OS::Nova::Server"}],
     "duplicate_case"),
    (V + ["tags"], [{"key": "k%d" % i, "value": "v"} for i in range(11)], "11_tags"),
], category="unknown_or_bad_value")
mutations("vault.create", VC, [
    (V + ["name"], "v" * 65, "65_chars"), (V + ["description"], "d" * 256, "256_chars"),
    (R0 + ["name"], "r" * 256, "256_chars"), (V + ["backup_policy_id"], "b" * 65, "65_chars"),
    (V + ["enterprise_project_id"], "e" * 65, "65_chars"),
], category="too_long")
mutations("vault.create", VC, [(V + ["resources"], res_objs(257), "257_items")], category="huge_array")

# policy.create
PP = ["policy"]
PR0 = ["policy", "resources", 0]
mutations("policy.create", PC, [
    (PP, "x", "string"), (PP + ["name"], 5, "number"), (PP + ["description"], [], "array"),
    (PP + ["provider_id"], 5, "number"), (PP + ["parameters"], "x", "string"), (PP + ["parameters"], [], "array"),
    (PP + ["scheduled_operations"], "x", "string"), (PP + ["scheduled_operations"], [1], "item_number"),
    (PP + ["scheduled_operations", 0, "enabled"], "yes", "string", {"bug": "B4"}),
    (PP + ["resources"], "x", "string"), (PP + ["resources"], [True], "item_boolean"),
    (PR0 + ["id"], 5, "number"), (PR0 + ["type"], [], "array"), (PR0 + ["name"], 5, "number"),
    (PR0 + ["size"], "1", "string"), (PP + ["tags"], "x", "string"), (PP + ["tags"], [1], "item_number", {"bug": "B4"}),
])
mutations("policy.create", PC, [
    (PP, None, "null"), (PP + ["name"], None, "null"), (PP + ["description"], None, "null"),
    (PP + ["provider_id"], None, "null"), (PP + ["parameters"], None, "null"), (PP + ["resources"], None, "null"),
    (PP + ["tags"], None, "null"),
], category="null")
mutations("policy.create", PC, [
    (PP, DELETE, "missing"), (PP + ["name"], DELETE, "missing"), (PP + ["resources"], DELETE, "missing"),
    (PR0 + ["id"], DELETE, "missing"), (PR0 + ["type"], DELETE, "missing"),
], category="missing")
mutations("policy.create", PC, [(PP + ["name"], "", "empty"), (PP + ["provider_id"], "", "empty")], category="empty")
mutations("policy.create", PC, [
    (["bogus"], 1, "unknown_top"), (PP + ["bogus"], 1, "unknown_body"), (PR0 + ["bogus"], 1, "unknown_resource"),
    (PP + ["provider_id"], OTHER_UUID, "other_provider"), (PR0 + ["type"], "OS::Bogus", "bad_enum"),
    (PP + ["resources"], [{"id": NEW_RES, "type": "OS::Nova::Server"}, {"id": NEW_RES, "type": "OS::Nova::Server"}],
     "duplicate"),
    (PP + ["tags"], [{"key": "k%d" % i, "value": "v"} for i in range(11)], "11_tags"),
], category="unknown_or_bad_value")
mutations("policy.create", PC, [
    (PP + ["name"], "p" * 256, "256_chars"), (PP + ["description"], "d" * 256, "256_chars"),
], category="too_long")
mutations("policy.create", PC, [(PP + ["resources"], res_objs(257), "257_items")], category="huge_array")

# local test controls (CBR family)
mutations("local.vault.set_status", LVS, [
    (["vault_id"], 5, "number"), (["status"], 5, "number"), (["status"], "bogus", "bad_enum"),
    (["status"], DELETE, "missing"), (["vault_id"], "x", "not_uuid"), (["bogus"], 1, "unknown_field")],
    category="local_control")
mutations("local.checkpoint.set_status", LCS, [
    (["checkpoint_id"], None, "null"), (["status"], "frozen", "bad_enum"), (["status"], DELETE, "missing"),
    (["checkpoint_id"], "../x", "traversal")], category="local_control")

# ===========================================================================
# 3. Ids that are not UUIDs, path traversal, SQL
# ===========================================================================
bad_ids = [
    ("not_uuid", "not-a-uuid"), ("traversal", "../../../etc/passwd"), ("traversal_encoded", "..%2f..%2fetc%2fpasswd"),
    ("traversal_36", "../../../../../../../../../../../../x"), ("sql_quote", "' OR '1'='1"),
    ("sql_drop", "1; DROP TABLE checkpoints;--"), ("sql_36", "'); DELETE FROM checkpoints; --      "),
    ("braces", "{%s}" % MISSING), ("no_dashes", MISSING.replace("-", "")), ("37_chars", MISSING + "0"),
    ("35_chars", MISSING[:-1]), ("non_hex", "gggggggg-0000-4000-8000-000000000000"),
    ("dash_misplaced", "0000000-00000-4000-8000-00000000dead"), ("trailing_newline", MISSING[:-1] + "\n"),
    ("fullwidth_digits", "\uff10" * 8 + MISSING[8:]), ("spaces", " " * 36), ("glob", "*"), ("percent", "%"),
]
for label, bad in bad_ids:
    add("ids/checkpoint.get/%s" % label, "bad_id", "checkpoint.get", {"checkpoint_id": bad})
for label, bad in bad_ids[:8]:
    add("ids/checkpoint.create/vault_id/%s" % label, "bad_id", "checkpoint.create",
        with_value(CC, ["checkpoint", "vault_id"], bad))
    add("ids/policy.execute/plan_id/%s" % label, "bad_id", "policy.execute", with_value(PE, C + ["plan_id"], bad))
    add("ids/vault.get/%s" % label, "bad_id", "vault.get", {"vault_id": bad})
    add("ids/policy.get/%s" % label, "bad_id", "policy.get", {"policy_id": bad})
    add("ids/policy.checkpoint_get/%s" % label, "bad_id", "policy.checkpoint_get", {"checkpoint_id": bad})
    add("ids/checkpoint.wait/%s" % label, "bad_id", "checkpoint.wait", {"checkpoint_id": bad, "timeout_ms": 0})
    add("ids/checkpoint.create/resources/%s" % label, "bad_id", "checkpoint.create",
        with_value(CC, P + ["resources"], [bad]))

# ===========================================================================
# 4. Invalid UTF-8 and NUL characters
# ===========================================================================
bad_utf8 = [("overlong_slash", "c0af"), ("surrogate_d800", "eda080"), ("truncated_3byte", "e282"),
            ("bare_continuation", "80"), ("f5_lead", "f5808080"), ("ff_byte", "ff"), ("above_10ffff", "f4908080"),
            ("overlong_nul", "c080"), ("latin1_e9", "e9")]
for label, h in bad_utf8:
    pre = '{"checkpoint":{"vault_id":"{vault_id}","parameters":{"name":"'.encode()
    add("utf8/checkpoint.create/name/%s" % label, "invalid_utf8", "checkpoint.create", None,
        request_hex=(pre + bytes.fromhex(h) + b'"}}}').hex())
add("utf8/checkpoint.create/key", "invalid_utf8", "checkpoint.create", None,
    request_hex=(b'{"checkpoint":{"vault_id":"{vault_id}","parameters":{"na\xffme":"x"}}}').hex())
add("utf8/vault.create/name", "invalid_utf8", "vault.create", None,
    request_hex=text_of(VC).encode().replace(b'"name":"v"', b'"name":"v\xff"').hex())
add("utf8/policy.execute/plan_id", "invalid_utf8", "policy.execute", None,
    request_hex=text_of(PE).encode().replace(b"{plan_id}", b"\xc3\x28").hex())
add("utf8/operation", "invalid_utf8", None, '{"checkpoint_id":"{checkpoint_id}"}', operation_hex="636865636bff")
add("utf8/json_api/nocheck_value", "invalid_utf8", "checkpoint.create", CC, api="json",
    json_patch=[{"path": ["checkpoint", "parameters", "name"], "hex": "6e6fc328"}])
add("utf8/json_api/nocheck_key", "invalid_utf8", "checkpoint.create", CC, api="json",
    json_patch=[{"path": ["checkpoint", "parameters"], "key_hex": "6eff", "hex": "78"}])
add("utf8/json_api/nocheck_policy_name", "invalid_utf8", "policy.create", PC, api="json",
    json_patch=[{"path": ["policy", "name"], "hex": "eda080"}])
for label, field in [("vault_id", ["checkpoint", "vault_id"]), ("name", P + ["name"]),
                     ("description", P + ["description"]), ("policy_id", P + ["policy_id"])]:
    add("nul/checkpoint.create/%s" % label, "nul", "checkpoint.create", with_value(CC, field, "a\u0000b"))
add("nul/policy.create/name", "nul", "policy.create", with_value(PC, PP + ["name"], "p\u0000"))
add("nul/checkpoint.get/id_suffix", "nul", "checkpoint.get", '{"checkpoint_id":"{checkpoint_id}\\u0000"}')
add("nul/json_api/embedded_nul", "nul", "checkpoint.create", CC, api="json",
    json_patch=[{"path": ["checkpoint", "parameters", "name"], "hex": "610062"}])
add("nul/json_api/parsed_nul_escape", "nul", "vault.create", with_value(VC, V + ["name"], "v\u0000"), api="json")

# ===========================================================================
# 5. Oversized text, deep nesting, node counts
# ===========================================================================
add("oversize/request_1MiB_plus_1", "oversize", "checkpoint.get",
    '{"checkpoint_id":"%s"}{ws_to:1048577}' % MISSING)
add("oversize/request_exactly_1MiB", "oversize", "checkpoint.get", '{"checkpoint_id":"%s"}{ws_to:1048576}' % MISSING,
    expect={"class": "not_found", "error_code": "BackupService.6217", "http_status": 404},
    note="control: exactly CKPT_MAX_REQUEST_BYTES is accepted")
add("oversize/description_2MiB", "oversize", "checkpoint.create",
    with_value(CC, P + ["description"], "{pad:2097152}"))
add("oversize/description_2MiB/json_api", "oversize", "checkpoint.create",
    with_value(CC, P + ["description"], "{pad:2097152}"), api="json", expect={"class": "invalid", "error_code": CBR,
                                                                               "msg_contains": "longer than 255"})
add("oversize/vault.create_16MiB", "oversize", "vault.create", with_value(VC, V + ["name"], "{pad:16777216}"))
add("oversize/operation_1MiB_plus_1", "oversize", None, '{"checkpoint_id":"{checkpoint_id}"}',
    operation="{pad:1048577}", expect={"class": "invalid", "error_code": CBR, "msg_contains": "operation"})
add("oversize/json_api/100001_values", "oversize", "checkpoint.create",
    with_value(CC, P + ["resources"], raw("{int_array:100001}")), api="json")
add("oversize/json_api/key_1MiB", "oversize", "checkpoint.get", '{"{pad:1048576}":1}', api="json")
add("oversize/unknown_key_1MiB/text", "oversize", "checkpoint.get", '{"{pad:1048000}":1}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"})
# Error messages echo at most a short prefix of unknown keys and operation
# names (Fields.only and Operation.named cut at 64 *characters*; one grapheme
# cluster can be 200 KB).
add("oversize/unknown_key_one_grapheme", "oversize", "checkpoint.get", '{"{grapheme:100000}":1}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, bug="B5")
add("oversize/operation_one_grapheme", "oversize", "{grapheme:100000}", '{"checkpoint_id":"{checkpoint_id}"}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown operation"}, bug="B5")
add("config/open_text/unknown_key_one_grapheme", "config", None, None, api="open_text",
    config='{"path":"{tmpdir}/nx_config.db","{grapheme:100000}":1}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, bug="B5")
add("config/open_text/remote_unknown_key_one_grapheme", "config", None, None, api="open_text",
    config='{"backend":"remote","{grapheme:100000}":1}', expect={"class": "invalid", "error_code": CBR}, bug="B5")
# A 1 MiB request must be refused quickly: an object with ~95,000 members
# (the text limit allows it) takes seconds while JSONObject inserts by linear scan.
add("oversize/many_members_1MiB", "oversize", "checkpoint.get", "{{many_keys:95000}}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, max_ms=1000, bug="B6")
add("oversize/many_members_10000", "oversize", "checkpoint.get", "{{many_keys:10000}}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, max_ms=1000,
    note="control: 10,000 members stay well inside the budget even when quadratic")
for label, depth in [("33", 33), ("40", 40), ("1000", 1000), ("100000", 100000)]:
    add("deep/arrays_%s/checkpoint.create" % label, "deep_nesting", "checkpoint.create",
        with_value(CC, P + ["name"], raw("{deep_arr:%d}" % (depth - 3))))
add("deep/objects_33/vault.create", "deep_nesting", "vault.create",
    with_value(VC, B + ["extra_info"], raw("{deep_obj:30}")))
add("deep/arrays_40/json_api", "deep_nesting", "policy.create",
    with_value(PC, PP + ["parameters"], {"x": raw("{deep_arr:37}")}), api="json")
add("deep/cycle/json_api", "deep_nesting", "checkpoint.create", CC, api="json", special="cycle",
    note="a 2-cycle of arrays built with jansson; the walk must stop at the depth limit")
# Exactly CKPT_MAX_DEPTH levels must not be refused as too deep ("at most 32 levels").
add("deep/exactly_32/field", "deep_nesting", "checkpoint.get", '{"checkpoint_id":{deep_arr:31}}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "checkpoint_id: expected string"})
add("deep/exactly_32/top", "deep_nesting", "checkpoint.get", "{deep_arr:32}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "expected object"})
add("deep/exactly_31/field", "deep_nesting", "checkpoint.get", '{"checkpoint_id":{deep_arr:30}}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "checkpoint_id: expected string"})
add("deep/scalar_at_33", "deep_nesting", "checkpoint.get", '{"checkpoint_id":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "deeper"},
    note="the top value is level 1: the number is at level 33")
add("oversize/values_100001/text", "oversize", "checkpoint.get", '{"checkpoint_id":{int_array:99999}}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "100000"})
add("oversize/values_100001/policy.get", "oversize", "policy.get", '{"policy_id":{int_array:99999}}')
add("oversize/values_exactly_100000/text", "oversize", "checkpoint.get", '{"checkpoint_id":{int_array:99998}}',
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "checkpoint_id: expected string"},
    note="control: exactly CKPT_MAX_VALUES values pass the limit")
add("deep/33/top", "deep_nesting", "checkpoint.get", "{deep_arr:33}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "deeper"})

# Boundary controls: at the limit is accepted (a missing vault, 6105, proves validation passed).
CCM = with_value(CC, ["checkpoint", "vault_id"], MISSING)
del CCM["checkpoint"]["parameters"]["resource_details"]
VM = {"class": "invalid", "error_code": "BackupService.6105", "http_status": 400}
add("boundary/name_64", "boundary", "checkpoint.create", with_value(CCM, P + ["name"], "n" * 64), expect=VM)
add("boundary/name_64_4byte", "boundary", "checkpoint.create", with_value(CCM, P + ["name"], "\U0001f600" * 64),
    expect=VM)
add("boundary/description_255", "boundary", "checkpoint.create", with_value(CCM, P + ["description"], "d" * 255),
    expect=VM)
add("boundary/description_empty", "boundary", "checkpoint.create", with_value(CCM, P + ["description"], ""),
    expect=VM)
add("boundary/resources_256", "boundary", "checkpoint.create", with_value(CCM, P + ["resources"], ids(256)),
    expect=VM)
add("boundary/uuid_upper_case", "boundary", "checkpoint.get", {"checkpoint_id": MISSING.upper()},
    expect={"class": "not_found", "error_code": "BackupService.6217", "http_status": 404})

# ===========================================================================
# 6. Unknown operations
# ===========================================================================
for label, op in [("empty", ""), ("bogus", "bogus"), ("capitalised", "Checkpoint.create"),
                  ("upper", "CHECKPOINT.CREATE"), ("trailing_space", "checkpoint.create "),
                  ("leading_space", " checkpoint.create"), ("underscore", "checkpoint_create"),
                  ("trailing_newline", "checkpoint.create\n"), ("suffix", "checkpoint.create.x"),
                  ("prefix_only", "checkpoint"), ("slash_path", "/v3/checkpoints"), ("sql", "checkpoint.get';--"),
                  ("rest_verb", "POST checkpoint.create"), ("local_prefix", "local.checkpoint.create"),
                  ("long_100k", "{pad:100000}")]:
    add("operation/%s" % label, "unknown_operation", op, '{"checkpoint_id":"{checkpoint_id}"}',
        expect={"class": "invalid", "error_code": CBR})
add("operation/null_pointer", "null_pointer", None, '{"checkpoint_id":"{checkpoint_id}"}')
add("operation/null_pointer/json_api", "null_pointer", None, '{"checkpoint_id":"{checkpoint_id}"}', api="json")

# ===========================================================================
# 7. Configuration (ckpt_client_open / ckpt_client_open_text)
# ===========================================================================
def cfg(label, config, category="config", expect=None, api="open_text", **kw):
    add("config/%s/%s" % (api, label), category, None, None, api=api, config=config,
        expect=expect or {"class": "invalid", "error_code": CBR}, **kw)


ST = {"class": "storage", "error_code": ""}
S = "{tmpdir}/nx_config.db"   # must never be created
for api in ("open", "open_text"):
    cfg("unknown_key", {"path": S, "bogus": 1}, api=api, expect_no_file=S)
    cfg("unknown_key_case", {"Path": S}, api=api)
    cfg("misspelt_durability", {"path": S, "durabilty": "full"}, api=api, expect_no_file=S)
    cfg("remote_unknown_key", {"backend": "remote", "bogus": 1}, api=api)
    cfg("backend_number", {"path": S, "backend": 5}, api=api)
    cfg("backend_bogus", {"path": S, "backend": "sqlite"}, api=api)
    cfg("path_number", {"path": 5}, api=api)
    cfg("durability_bogus", {"path": S, "durability": "FULL"}, api=api, expect_no_file=S)
    cfg("not_object_array", [], api=api)
    cfg("missing_directory", {"path": "{tmpdir}/no/such/dir/store.db"}, api=api, expect=ST)
    cfg("path_is_directory", {"path": "{tmpdir}"}, api=api, expect=ST)
    cfg("not_a_database", {"path": "{garbage_store}"}, api=api, expect=ST, expect_unchanged_file="{garbage_store}")
    cfg("newer_schema", {"path": "{future_store}"}, api=api, expect=ST)
    cfg("unknown_key_on_real_store", {"path": "{store}", "bogus": True}, api=api)
for label, c in [
    ("backend_null", {"backend": None}), ("path_null", {"path": None}), ("path_empty", {"path": ""}),
    ("path_4097", {"path": "/tmp/" + "p" * 4092}), ("path_array", {"path": ["{store}"]}),
    ("project_traversal", {"path": S, "project_id": "../etc"}), ("project_empty", {"path": S, "project_id": ""}),
    ("project_65", {"path": S, "project_id": "p" * 65}), ("project_space", {"path": S, "project_id": "a b"}),
    ("project_sql", {"path": S, "project_id": "x' OR 1=1"}), ("project_number", {"path": S, "project_id": 5}),
    ("durability_off", {"path": S, "durability": "off"}), ("durability_bool", {"path": S, "durability": True}),
    ("simulate_string", {"path": S, "simulate": "x"}), ("simulate_array", {"path": S, "simulate": []}),
    ("simulate_unknown", {"path": S, "simulate": {"bogus": 1}}),
    ("simulate_ms_negative", {"path": S, "simulate": {"backup_ms_per_gb": -1}}),
    ("simulate_ms_over", {"path": S, "simulate": {"backup_ms_per_gb": 3600001}}),
    ("simulate_ms_string", {"path": S, "simulate": {"backup_ms_per_gb": "5"}}),
    ("simulate_fail_string", {"path": S, "simulate": {"fail_resources": "x"}}),
    ("simulate_fail_not_uuid", {"path": S, "simulate": {"fail_resources": ["x"]}}),
    ("simulate_fail_duplicate", {"path": S, "simulate": {"fail_resources": [NEW_RES, NEW_RES]}}),
    ("path_nul", {"path": "{tmpdir}/a\u0000b.db"}),
]:
    cfg(label, c, expect_no_file=S)
cfg("path_4096_too_long_for_os", {"path": "/tmp/" + "p" * 4091}, expect=ST,
    note="control: 4096 characters passes validation; the OS refuses it")
for label, text in [("null", "null"), ("number", "5"), ("string", '"path"'), ("true", "true"), ("empty", ""),
                    ("malformed", '{"path":'), ("trailing_garbage", '{"path":":memory:"} x'),
                    ("duplicate_key", '{"path":"{tmpdir}/nx_config.db","path":":memory:"}'),
                    ("deep_33", '{"simulate":{deep_obj:32}}'), ("deep_exactly_32", '{"x":{deep_arr:31}}'),
                    ("oversize", '{"path":":memory:"}{ws_to:1048577}'),
                    ("comment", '{"path":":memory:" // c\n}')]:
    cfg("text_" + label, text,
        expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}
        if label == "deep_exactly_32" else None)
cfg("path_invalid_utf8", None, config_hex=b'{"path":"/tmp/\xff.db"}'.hex())
cfg("path_overlong_utf8", None, config_hex=b'{"path":"/tmp/\xc0\xaf.db"}'.hex())
cfg("deep_40", json.loads('{"simulate":' + "[" * 39 + "]" * 39 + "}"), api="open")
add("config/open/cycle", "config", None, None, api="open", config={"simulate": {}}, special="cycle",
    expect={"class": "invalid", "error_code": CBR})

# ===========================================================================
# 8. NULL pointers for every argument of every function, and typed conveniences
# ===========================================================================
def nul(label, function, null, expect=None, **kw):
    op = kw.pop("operation", None)
    v1 = function == "ckpt_policy_execute" or (op in V1_OPS and "operation" not in null)
    add("null_args/%s/%s" % (function, label), "null_pointer", op, kw.pop("request", None),
        api="null_args", function=function, null=null,
        expect=expect or {"class": "invalid", "error_code": V1 if v1 else CBR}, **kw)


GOOD_CREATE = text_of(CC)
for fn in ("ckpt_call", "ckpt_call_text", "ckpt_call_ex", "ckpt_call_text_ex"):
    nul("client", fn, ["client"], operation="checkpoint.create", request=GOOD_CREATE,
        expect={"class": "invalid", "error_code": CBR, "msg_contains": "client"})
    nul("client/policy.execute", fn, ["client"], operation="policy.execute", request=text_of(PE))
    nul("operation", fn, ["operation"], operation="checkpoint.create", request=GOOD_CREATE)
    nul("response", fn, ["response"], operation="checkpoint.create", request=GOOD_CREATE,
        expect={"class": "invalid", "error_code": CBR, "msg_contains": "response"})
    nul("response/vault.create", fn, ["response"], operation="vault.create", request=text_of(VC))
    nul("response/policy.execute", fn, ["response"], operation="policy.execute", request=text_of(PE))
    nul("request/checkpoint.create", fn, ["request"], operation="checkpoint.create")
    nul("request/policy.execute", fn, ["request"], operation="policy.execute", expect=V1)
    nul("request/vault.create", fn, ["request"], operation="vault.create")
    nul("error/bad_request", fn, ["error"], operation="checkpoint.create", request='{"checkpoint":5}')
    nul("error/response", fn, ["error", "response"], operation="checkpoint.create", request=GOOD_CREATE)
    nul("all", fn, ["client", "operation", "request", "response", "error"])
    nul("client_and_response", fn, ["client", "response"], operation="checkpoint.get",
        request='{"checkpoint_id":"{checkpoint_id}"}')
    if fn.endswith("_ex"):
        # meta is optional: NULL meta with a bad request is the request's error
        nul("meta/bad_request", fn, ["meta"], operation="checkpoint.create", request='{"checkpoint":[]}')
        nul("meta_and_response", fn, ["meta", "response"], operation="vault.create", request=text_of(VC))
        nul("request/policy.create", fn, ["request"], operation="policy.create")
for fn in ("ckpt_client_open", "ckpt_client_open_text"):
    nul("out", fn, ["out"], config={"path": "{tmpdir}/nx_open_out.db"}, expect_no_file="{tmpdir}/nx_open_out.db")
    nul("out/real_store", fn, ["out"], config={"path": "{store}"})
    nul("out_and_error", fn, ["out", "error"], config={"path": "{tmpdir}/nx_open_out.db"},
        expect_no_file="{tmpdir}/nx_open_out.db")
    nul("out_and_config", fn, ["out", "config"], expect={"class": "invalid", "error_code": CBR, "msg_contains": "out"})
    nul("error/bad_config", fn, ["error"], config={"bogus": 1})

TYPED = {
    "ckpt_checkpoint_create": {"vault_id": "{vault_id}", "parameters": '{"incremental":false}'},
    "ckpt_checkpoint_get": {"checkpoint_id": "{checkpoint_id}"},
    "ckpt_checkpoint_wait": {"checkpoint_id": "{checkpoint_id}", "status": "available", "timeout_ms": 0},
    "ckpt_policy_execute": {"plan_id": "{plan_id}", "parameters": '{"auto_trigger":false}'},
}
ID_ARG = {"ckpt_checkpoint_create": "vault_id", "ckpt_checkpoint_get": "checkpoint_id",
          "ckpt_checkpoint_wait": "checkpoint_id", "ckpt_policy_execute": "plan_id"}
for fn, args in TYPED.items():
    nul("client", fn, ["client"], args=args)
    nul(ID_ARG[fn], fn, [ID_ARG[fn]], args=args,
        expect={"class": "invalid", "error_code": V1 if fn == "ckpt_policy_execute" else CBR,
                "msg_contains": ID_ARG[fn]})
    nul("response", fn, ["response"], args=args)
    nul("error_and_response", fn, ["error", "response"], args=args)
    nul("all", fn, ["client", ID_ARG[fn], "response", "error"] + (["parameters"] if "parameters" in args else [])
        + (["status"] if "status" in args else []), args=args)
# NULL optional arguments are defaults, not errors: pair them with an error elsewhere.
nul("parameters_null_bad_vault", "ckpt_checkpoint_create", ["parameters"], args={"vault_id": "x"})
nul("parameters_null_bad_plan", "ckpt_policy_execute", ["parameters"], args={"plan_id": "x"}, expect=V1)
nul("status_null_bad_timeout", "ckpt_checkpoint_wait", ["status"],
    args={"checkpoint_id": "{checkpoint_id}", "timeout_ms": -1}, expect={"class": "invalid", "error_code": CBR,
                                                                       "msg_contains": "timeout_ms"})


def typed(label, fn, args, expect=None, **kw):
    add("typed/%s/%s" % (fn, label), kw.pop("category", "typed"), None, None, api="typed", function=fn, args=args,
        expect=expect or {"class": "invalid", "error_code": V1 if fn == "ckpt_policy_execute" else CBR}, **kw)


# The *_ex twins: bad requests, with the meta out-parameter checked NULL.
for fn in ("ckpt_call_ex", "ckpt_call_text_ex"):
    for label, op, req in [("malformed", "checkpoint.get", '{"checkpoint_id":'),
                           ("wrong_type", "checkpoint.create", text_of(with_value(CC, P + ["incremental"], "no"))),
                           ("v1_wrong_type", "policy.execute", text_of(with_value(PE, Q + ["auto_trigger"], 1))),
                           ("v1_provider", "policy.checkpoint_get",
                            '{"provider_id":"%s","checkpoint_id":"{v1_checkpoint_id}"}' % OTHER_UUID),
                           ("unknown_operation", "checkpoint.delete", '{"checkpoint_id":"{checkpoint_id}"}'),
                           ("deep", "vault.get", '{"vault_id":{deep_arr:40}}'),
                           ("oversize", "checkpoint.get", '{"checkpoint_id":"{checkpoint_id}"}{ws_to:1048577}')]:
        if label in ("oversize", "malformed") and fn == "ckpt_call_ex":
            continue  # a json_t has neither text size nor syntax
        add("ex/%s/%s" % (fn, label), "typed", op, req, api="null_args", function=fn, null=[],
            expect={"class": "invalid", "error_code": fam(op, req) if op != "checkpoint.delete" else CBR})
    add("ex/%s/not_found_control" % fn, "typed", "checkpoint.get", '{"checkpoint_id":"%s"}' % MISSING,
        api="null_args", function=fn, null=[],
        expect={"class": "not_found", "error_code": "BackupService.6217", "http_status": 404},
        note="control: a failure that is not a bad input still leaves meta NULL")

typed("vault_id_not_uuid", "ckpt_checkpoint_create", {"vault_id": "../../x"})
typed("vault_id_sql", "ckpt_checkpoint_create", {"vault_id": "' OR 1=1 --"})
typed("vault_id_empty", "ckpt_checkpoint_create", {"vault_id": ""})
typed("vault_id_invalid_utf8", "ckpt_checkpoint_create", {"vault_id_hex": "c328"})
typed("vault_id_1MiB_plus_1", "ckpt_checkpoint_create", {"vault_id": "{pad:1048577}"},
      expect={"class": "invalid", "error_code": CBR, "msg_contains": "vault_id"})
typed("parameters_array", "ckpt_checkpoint_create", {"vault_id": "{vault_id}", "parameters": "[]"})
typed("parameters_string", "ckpt_checkpoint_create", {"vault_id": "{vault_id}", "parameters": '"x"'})
typed("parameters_incremental_string", "ckpt_checkpoint_create",
      {"vault_id": "{vault_id}", "parameters": '{"incremental":"no"}'})
typed("parameters_unknown", "ckpt_checkpoint_create", {"vault_id": "{vault_id}", "parameters": '{"bogus":1}'})
typed("parameters_vault_id_inside", "ckpt_checkpoint_create",
      {"vault_id": "{vault_id}", "parameters": '{"vault_id":"{vault_id}"}'})
typed("parameters_duplicate_resources", "ckpt_checkpoint_create",
      {"vault_id": "{vault_id}", "parameters": '{"resources":["{resource_id}","{resource_id}"]}'})
typed("parameters_deep", "ckpt_checkpoint_create", {"vault_id": "{vault_id}", "parameters": '{"name":{deep_arr:40}}'})
typed("id_traversal", "ckpt_checkpoint_get", {"checkpoint_id": "../../../../etc/passwd"})
typed("id_sql", "ckpt_checkpoint_get", {"checkpoint_id": "x'; DROP TABLE checkpoints; --"})
typed("id_invalid_utf8", "ckpt_checkpoint_get", {"checkpoint_id_hex": "eda080"})
typed("timeout_negative", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "timeout_ms": -1})
typed("timeout_over_max", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "timeout_ms": 86400001})
typed("timeout_llong_max", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "timeout_ms": "LLONG_MAX"})
typed("timeout_llong_min", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "timeout_ms": "LLONG_MIN"})
typed("status_bogus", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "status": "done", "timeout_ms": 0})
typed("status_empty", "ckpt_checkpoint_wait", {"checkpoint_id": "{checkpoint_id}", "status": "", "timeout_ms": 0})
typed("status_invalid_utf8", "ckpt_checkpoint_wait",
      {"checkpoint_id": "{checkpoint_id}", "status_hex": "617661696cff", "timeout_ms": 0})
typed("plan_id_not_uuid", "ckpt_policy_execute", {"plan_id": "plan-1"})
typed("plan_id_traversal", "ckpt_policy_execute", {"plan_id": "../{plan_id}"})
typed("parameters_array", "ckpt_policy_execute", {"plan_id": "{plan_id}", "parameters": "[]"})
typed("parameters_resources_string", "ckpt_policy_execute",
      {"plan_id": "{plan_id}", "parameters": '{"resources":"{policy_resource_id}"}'})
typed("parameters_unknown", "ckpt_policy_execute", {"plan_id": "{plan_id}", "parameters": '{"incremental":true}'})
typed("parameters_resources_not_in_policy", "ckpt_policy_execute",
      {"plan_id": "{plan_id}", "parameters": '{"resources":["{resource_id}"]}'})

# ===========================================================================
# 9. The lifecycle (1.1): backups, tasks, restore, retention (SPEC 6, ckpt.h
#    "Operations" and "The lifecycle").  Every schema violation is 9900 and
#    names the field (SPEC 6.5); an unknown backup is 404 6200, an unknown
#    task 404 6500.  Fixtures: {backup_id} is the backup of {checkpoint_id};
#    {old_backup_id} is an older backup of the same resource (a prune that
#    keeps the newest deletes it; the delete cases aim at it);
#    {operation_log_id} is the newest backup task of {resource_id}.
# ===========================================================================
NF_BACKUP = {"class": "not_found", "error_code": "BackupService.6200", "http_status": 404}
NF_TASK = {"class": "not_found", "error_code": "BackupService.6500", "http_status": 404}
NF_CHECKPOINT = {"class": "not_found", "error_code": "BackupService.6217", "http_status": 404}
NF_VAULT = {"class": "not_found", "error_code": "BackupService.6105", "http_status": 404}


def naming(field, op=None):
    """The expectation of a 1.1 schema violation: 9900 (CSBS.9001 for a v1
    operation) naming the field."""
    return {"class": "invalid", "error_code": fam(op) if op else CBR, "msg_contains": field}


T0, T1 = "2020-01-01T00:00:00Z", "2099-12-31T23:59:59Z"
# Valid base requests, every documented member present and matching the
# fixtures, so that a wrongly accepted mutation of a write changes the store.
BL = {"checkpoint_id": "{checkpoint_id}", "vault_id": "{vault_id}", "resource_id": "{resource_id}",
      "resource_name": "r1", "resource_type": "OS::Nova::Server", "status": ["available", "error"],
      "image_type": "backup", "start_time": T0, "end_time": T1, "incremental": True,
      "limit": 10, "offset": 0, "sort": "created_at:desc,id:asc"}
OL = {"operation_type": "backup", "status": "success", "vault_id": "{vault_id}", "vault_name": "hardening",
      "resource_id": "{resource_id}", "resource_name": "r1", "provider_id": OTHER_UUID,
      "start_time": T0, "end_time": T1, "limit": 10, "offset": 0, "sort": "created_at:desc,id:desc"}
BG = {"backup_id": "{backup_id}"}
OG = {"operation_log_id": "{operation_log_id}"}
BU = {"backup_id": "{backup_id}", "backup": {"name": "renamed"}}
BD = {"backup_id": "{old_backup_id}"}
RS = {"server_id": "{resource_id}", "power_on": True,
      "mappings": [{"backup_id": "{backup_id}", "volume_id": "{resource_id2}"}], "resource_id": "{resource_id}"}
BR = {"backup_id": "{backup_id}", "restore": RS}
BW = {"backup_id": "{backup_id}", "status": "available", "timeout_ms": 0, "interval_ms": 10}
OW = {"operation_log_id": "{operation_log_id}", "timeout_ms": 0, "interval_ms": 10}
BP = {"vault_id": "{vault_id}", "resource_id": "{resource_id}", "keep_last": 1, "keep_daily": 1,
      "keep_weekly": 1, "keep_monthly": 1, "dry_run": False}
KEEPS = ["keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_within_days"]
BP_NO_RULE = {k: v for k, v in BP.items() if k not in KEEPS}


def m11(op, base, fields, category="wrong_type", api="text"):
    """mutations() whose errors must name the field, with the op's family
    (CSBS.9001 for policy.*)."""
    mutations(op, base, fields, category=category, api=api, names_field=True)


# --- the lists: backup.list, operation_log.list -----------------------------
def list_cases(op, base, sort_ok, times=True, offset=True):
    """Paging, sort and time cases every list shares (SPEC 6.2).  times: the
    list has start_time/end_time; offset: it takes offset (Karbor's
    policy.checkpoint_list pages by marker only)."""
    dropped = (set() if times else {"start_time", "end_time"}) | (set() if offset else {"offset"})

    def m11(op, base, fields, category="wrong_type"):
        mutations(op, base, [f for f in fields if f[0][0] not in dropped], category=category, names_field=True)

    m11(op, base, [
        (["limit"], "10", "string"), (["limit"], 1.5, "fraction"), (["limit"], 10.0, "real"),
        (["limit"], True, "boolean"), (["limit"], [10], "array"),
        (["offset"], "0", "string"), (["offset"], 0.5, "fraction"), (["offset"], False, "boolean"),
        (["marker"], 5, "number"), (["marker"], ["{backup_id}"], "array"),
        (["sort"], 5, "number"), (["sort"], ["created_at"], "array"), (["sort"], {"created_at": "desc"}, "object"),
        (["start_time"], 1577836800, "number"), (["end_time"], ["2024-01-01T00:00:00Z"], "array"),
    ])
    m11(op, base, [
        (["limit"], None, "null"), (["offset"], None, "null"), (["marker"], None, "null"), (["sort"], None, "null"),
        (["start_time"], None, "null"), (["end_time"], None, "null"),
    ], category="null")
    m11(op, base, [(["sort"], "", "empty"), (["marker"], "", "empty"), (["start_time"], "", "empty")],
        category="empty")
    m11(op, base, [
        (["limit"], 0, "zero"), (["limit"], 1001, "1001"), (["limit"], -1, "negative"),
        (["limit"], 9223372036854775807, "int64_max"), (["limit"], -9223372036854775808, "int64_min"),
        (["offset"], -1, "negative"), (["offset"], -9223372036854775808, "int64_min"),
        (["marker"], "not-a-uuid", "not_uuid"), (["marker"], "../../etc/passwd", "traversal"),
        (["marker"], "' OR '1'='1", "sql"),
        (["marker"], MISSING, "not_in_list", {"note": "README: a marker not in the list is 9900"}),
        (["sort"], "bogus", "unknown_key"), (["sort"], "CREATED_AT", "key_wrong_case"),
        (["sort"], "resource_size", "field_not_a_sort_key"),
        (["sort"], "created_at:up", "bad_direction"), (["sort"], "created_at:DESC", "direction_wrong_case"),
        (["sort"], "created_at:", "empty_direction"), (["sort"], "created_at:asc:desc", "two_directions"),
        (["sort"], "created_at,created_at", "duplicate_key"),
        (["sort"], "created_at:asc,id,created_at:desc", "duplicate_key_other_direction"),
        (["sort"], "created_at,", "trailing_comma"), (["sort"], ",", "only_comma"),
        (["sort"], " created_at", "leading_space"), (["sort"], "created_at;id", "semicolon"),
        (["sort"], "created_at; DROP TABLE backups", "sql"),
        (["sort"], "created_at:desc" + " " * 241, "256_chars"), (["sort"], "x" * 256, "256_chars_unknown"),
        (["sort"], ",".join([sort_ok] * 40), "1000_chars_repeated"),
    ], category="paging")
    for key in ("start_time", "end_time") if times else ():
        m11(op, base, [
            ([key], "not a time", "not_a_time"), ([key], "2024-04-31T00:00:00Z", "31_april"),
            ([key], "2023-02-29T00:00:00Z", "29_feb_not_leap"), ([key], "2024-02-30T00:00:00Z", "30_feb"),
            ([key], "2024-13-01T00:00:00Z", "month_13"), ([key], "2024-00-10T00:00:00Z", "month_0"),
            ([key], "2024-01-00T00:00:00Z", "day_0"), ([key], "2024-01-32T00:00:00Z", "day_32"),
            ([key], "2024-01-01T24:00:00Z", "hour_24"), ([key], "2024-01-01T00:60:00Z", "minute_60"),
            ([key], "2024-01-01T00:00:61Z", "second_61"), ([key], "9999-99-99T99:99:99Z", "all_nines"),
            ([key], "2024-01-01", "date_only"), ([key], "2024-01-01 00:00:00Z", "space_separator"),
            ([key], "2024-1-1T0:0:0Z", "no_zero_padding"), ([key], "20240101T000000Z", "basic_format"),
            ([key], "2024-01-01T00:00:00+08:00", "offset_not_utc"), ([key], "2024-01-01T00:00:00.Z", "empty_fraction"),
            ([key], "\uff12\uff10\uff12\uff14-01-01T00:00:00Z", "fullwidth_digits"),
            ([key], "1704067200", "epoch_seconds_string"), ([key], "2024-01-01t00:00:00z", "lower_case_t_and_z"), ([key], "2024-01-01T00:00:00Z' OR '1'='1", "sql"),
        ], category="time")
    if times:
        add("%s/start_time/nul" % op, "nul", op, with_value(base, ["start_time"], "2024-01-01T00:00:00Z\u0000"))
    else:
        add("%s/sort/nul" % op, "nul", op, with_value(base, ["sort"], "created_at\u0000"))


list_cases("backup.list", BL, "id:asc")
m11("backup.list", BL, [
    (["checkpoint_id"], 5, "number"), (["vault_id"], ["{vault_id}"], "array"), (["resource_id"], {"id": "x"}, "object"),
    (["resource_name"], 5, "number"), (["resource_type"], 5, "number"), (["name"], True, "boolean"),
    (["status"], 5, "number"), (["status"], True, "boolean"), (["status"], {"0": "available"}, "object"),
    (["image_type"], 5, "number"), (["incremental"], "true", "string"), (["incremental"], 1, "number"),
])
m11("backup.list", BL, [
    (["checkpoint_id"], None, "null"), (["vault_id"], None, "null"), (["resource_id"], None, "null"),
    (["resource_name"], None, "null"), (["resource_type"], None, "null"), (["name"], None, "null"),
    (["status"], None, "null"), (["image_type"], None, "null"), (["incremental"], None, "null"),
], category="null")
m11("backup.list", BL, [
    (["checkpoint_id"], "", "empty"), (["resource_name"], "", "empty"), (["name"], "", "empty"),
    (["resource_type"], "", "empty"), (["status"], "", "empty_string"),
], category="empty")
m11("backup.list", BL, [
    (["status"], [], "empty_array"), (["status"], ["bogus"], "item_unknown"),
    (["status"], ["available", "bogus"], "second_item_unknown"), (["status"], [5], "item_number"),
    (["status"], [None], "item_null"), (["status"], [["available"]], "item_array"),
    (["status"], [{"status": "available"}], "item_object"), (["status"], "bogus", "unknown"),
    (["status"], "AVAILABLE", "wrong_case"), (["status"], "deleted", "wait_status_not_a_backup_status"),
    (["status"], "success", "task_status"), (["status"], ["available "], "item_trailing_space"),
    (["status"], "available,error", "comma_joined", {"note": "several statuses are an array (SPEC 6.2), not one string"}),
    (["resource_type"], "OS::Bogus::Thing", "bad_enum"), (["resource_type"], "os::nova::server", "wrong_case"),
    (["image_type"], "image", "bad_enum"),
    (["marker"], "{operation_log_id}", "task_id_not_a_backup", {"note": "README: a marker not in the list is 9900"}),
    (["bogus"], 1, "unknown_field"), (["Status"], "available", "unknown_field_case"),
    (["operation_type"], "backup", "task_filter"), (["project_id"], "0", "not_a_filter"),
    (["backup_id"], "{backup_id}", "not_a_filter"),
], category="unknown_or_bad_value")
m11("backup.list", BL, [(["resource_name"], "r" * 256, "256_chars"), (["name"], "n" * 256, "256_chars")],
    category="too_long")
add("backup.list/empty_text", "malformed_json", "backup.list", "")
add("backup.list/top_level_array", "wrong_type", "backup.list", "[]", expect=naming("expected object"))

list_cases("operation_log.list", OL, "id:asc")
m11("operation_log.list", OL, [
    (["operation_type"], 5, "number"), (["operation_type"], ["backup"], "array"), (["status"], 5, "number"),
    (["status"], ["success"], "array", {"note": "only backup.list's status takes an array (SPEC 6.1)"}),
    (["vault_id"], 5, "number"), (["vault_name"], True, "boolean"), (["resource_id"], ["{resource_id}"], "array"),
    (["resource_name"], 5, "number"), (["provider_id"], {"id": OTHER_UUID}, "object"),
])
m11("operation_log.list", OL, [
    (["operation_type"], None, "null"), (["status"], None, "null"), (["vault_id"], None, "null"),
    (["vault_name"], None, "null"), (["resource_id"], None, "null"), (["resource_name"], None, "null"),
    (["provider_id"], None, "null"),
], category="null")
m11("operation_log.list", OL, [
    (["operation_type"], "", "empty"), (["status"], "", "empty"), (["vault_id"], "", "empty"),
    (["vault_name"], "", "empty"), (["resource_name"], "", "empty"),
], category="empty")
m11("operation_log.list", OL, [
    (["operation_type"], "bogus", "bad_enum"), (["operation_type"], "Backup", "wrong_case"),
    (["status"], "bogus", "bad_enum"), (["status"], "available", "backup_status"),
    (["status"], "SUCCESS", "wrong_case"), (["sort"], "protected_at", "backup_only_sort_key"),
    (["marker"], "{backup_id}", "backup_id_not_a_task", {"note": "README: a marker not in the list is 9900"}),
    (["bogus"], 1, "unknown_field"), (["checkpoint_id"], "{checkpoint_id}", "backup_filter"),
    (["incremental"], True, "backup_filter_incremental"), (["operation_log_id"], "{operation_log_id}", "not_a_filter"),
], category="unknown_or_bad_value")
m11("operation_log.list", OL, [(["vault_name"], "v" * 256, "256_chars"), (["resource_name"], "r" * 256, "256_chars")],
    category="too_long")

# --- the gets ---------------------------------------------------------------
for op, base, key, nf in [("backup.get", BG, "backup_id", NF_BACKUP), ("operation_log.get", OG, "operation_log_id", NF_TASK)]:
    m11(op, base, [([key], 5, "number"), ([key], [base[key]], "array"), ([key], {"id": base[key]}, "object"),
                   ([key], True, "boolean")])
    m11(op, base, [([key], None, "null")], category="null")
    m11(op, base, [([key], DELETE, "missing")], category="missing")
    m11(op, base, [([key], "", "empty")], category="empty")
    m11(op, base, [(["bogus"], 1, "unknown_field"), (["limit"], 1, "paging_member")], category="unknown_or_bad_value")
    add("%s/null_request_pointer" % op, "null_pointer", op, None, expect=naming(key))
    add("%s/empty_object" % op, "missing", op, "{}", expect=naming(key))
    add("not_found/%s" % op, "not_found", op, {key: MISSING}, expect=nf, note="control: valid, unknown id")
    add("not_found/%s/upper_case" % op, "not_found", op, {key: MISSING.upper()}, expect=nf,
        note="control: ids in any case")
add("not_found/checkpoint.get", "not_found", "checkpoint.get", {"checkpoint_id": MISSING}, expect=NF_CHECKPOINT,
    note="control: an unknown checkpoint is 6217 (SPEC 6.5), not 6302")
add("not_found/backup.get/a_task_id", "not_found", "backup.get", {"backup_id": "{operation_log_id}"}, expect=NF_BACKUP,
    note="control: a task's id is not a backup's")
add("not_found/operation_log.get/a_backup_id", "not_found", "operation_log.get",
    {"operation_log_id": "{backup_id}"}, expect=NF_TASK, note="control: a backup's id is not a task's")
add("not_found/backup.get/a_checkpoint_id", "not_found", "backup.get", {"backup_id": "{checkpoint_id}"},
    expect=NF_BACKUP, note="control: a checkpoint's id is not a backup's")

# --- backup.update ------------------------------------------------------------
m11("backup.update", BU, [
    (["backup_id"], 5, "number"), (["backup_id"], ["{backup_id}"], "array"), (["backup"], "renamed", "string"),
    (["backup"], [], "array"), (["backup"], True, "boolean"), (["backup", "name"], 5, "number"),
    (["backup", "name"], ["renamed"], "array"), (["backup", "name"], {"name": "renamed"}, "object"),
])
m11("backup.update", BU, [(["backup_id"], None, "null"), (["backup"], None, "null"), (["backup", "name"], None, "null")],
    category="null")
m11("backup.update", BU, [(["backup_id"], DELETE, "missing"), (["backup"], DELETE, "missing"),
                          (["backup", "name"], DELETE, "missing")], category="missing")
m11("backup.update", BU, [(["backup_id"], "", "empty"), (["backup", "name"], "", "empty")], category="empty")
m11("backup.update", BU, [
    (["bogus"], 1, "unknown_top"), (["backup", "bogus"], 1, "unknown_body"),
    (["backup", "description"], "d", "description_not_updatable"), (["backup", "status"], "error", "not_updatable"),
    (["name"], "renamed", "name_at_top"),
], category="unknown_or_bad_value")
m11("backup.update", BU, [(["backup", "name"], "n" * 65, "65_chars"), (["backup", "name"], "\u00e9" * 65, "65_chars_2byte"),
                          (["backup", "name"], "\U0001f600" * 65, "65_chars_4byte")], category="too_long")
add("boundary/backup.update/name_64", "boundary", "backup.update",
    {"backup_id": MISSING, "backup": {"name": "\U0001f600" * 64}}, expect=NF_BACKUP,
    note="control: 64 characters pass validation; the unknown backup is 6200")
add("not_found/backup.update", "not_found", "backup.update", with_value(BU, ["backup_id"], MISSING), expect=NF_BACKUP,
    note="control: valid, unknown backup")

# --- backup.delete ------------------------------------------------------------
m11("backup.delete", BD, [(["backup_id"], 5, "number"), (["backup_id"], ["{old_backup_id}"], "array"),
                          (["backup_id"], {"id": "{old_backup_id}"}, "object"), (["backup_id"], True, "boolean")])
m11("backup.delete", BD, [(["backup_id"], None, "null")], category="null")
m11("backup.delete", BD, [(["backup_id"], DELETE, "missing")], category="missing")
m11("backup.delete", BD, [(["backup_id"], "", "empty")], category="empty")
m11("backup.delete", BD, [(["bogus"], 1, "unknown_field"), (["force"], True, "unknown_flag"),
                          (["backup_ids"], ["{old_backup_id}"], "backup_ids_plural")], category="unknown_or_bad_value")
add("backup.delete/null_request_pointer", "null_pointer", "backup.delete", None, expect=naming("backup_id"))
add("backup.delete/empty_object", "missing", "backup.delete", "{}", expect=naming("backup_id"))
add("not_found/backup.delete", "not_found", "backup.delete", {"backup_id": MISSING}, expect=NF_BACKUP,
    note="control: valid, unknown backup")
add("not_found/backup.delete/a_checkpoint_id", "not_found", "backup.delete", {"backup_id": "{checkpoint_id}"},
    expect=NF_BACKUP, note="control: deleting by a checkpoint's id deletes nothing")

# --- backup.restore -----------------------------------------------------------
R = ["restore"]
M0 = ["restore", "mappings", 0]
m11("backup.restore", BR, [
    (["backup_id"], 5, "number"), (["backup_id"], ["{backup_id}"], "array"),
    (R, "x", "string"), (R, [], "array"), (R, True, "boolean"),
    (R + ["server_id"], 5, "number"), (R + ["server_id"], ["{resource_id}"], "array"),
    (R + ["volume_id"], 5, "number"), (R + ["volume_id"], {}, "object"),
    (R + ["power_on"], "true", "string"), (R + ["power_on"], 1, "number"),
    (R + ["mappings"], "x", "string"), (R + ["mappings"], {}, "object"), (R + ["mappings"], [1], "item_number"),
    (R + ["mappings"], ["{backup_id}"], "item_string"), (R + ["mappings"], [[]], "item_array"),
    (M0 + ["backup_id"], 5, "number"), (M0 + ["volume_id"], True, "boolean"),
    (R + ["resource_id"], 5, "number"), (R + ["resource_id"], ["{resource_id}"], "array"),
])
m11("backup.restore", BR, [
    (["backup_id"], None, "null"), (R, None, "null"), (R + ["server_id"], None, "null"),
    (R + ["volume_id"], None, "null"), (R + ["power_on"], None, "null"), (R + ["mappings"], None, "null"),
    (R + ["mappings"], [None], "item_null"), (M0 + ["backup_id"], None, "null"), (M0 + ["volume_id"], None, "null"),
    (R + ["resource_id"], None, "null"),
], category="null")
m11("backup.restore", BR, [
    (["backup_id"], DELETE, "missing"), (R, DELETE, "missing"), (M0 + ["backup_id"], DELETE, "missing"),
    (M0 + ["volume_id"], DELETE, "missing"), (R + ["mappings"], [{}], "item_empty_object"),
], category="missing")
m11("backup.restore", BR, [
    (["backup_id"], "", "empty"), (R + ["server_id"], "", "empty"), (R + ["volume_id"], "", "empty"),
    (R + ["resource_id"], "", "empty"), (M0 + ["backup_id"], "", "empty"),
], category="empty")
m11("backup.restore", BR, [
    (["bogus"], 1, "unknown_top"), (R + ["bogus"], 1, "unknown_body"), (M0 + ["bogus"], 1, "unknown_mapping"),
    (["server_id"], "{resource_id}", "server_id_at_top"), (R + ["backup_id"], "{backup_id}", "backup_id_in_body"),
    (R + ["powerOn"], True, "camel_case"),
], category="unknown_or_bad_value")
# No target (SPEC 6.4: restore checks the body, 9900): the restore names
# neither server_id, volume_id nor resource_id.
NO_TARGET = naming("restore")
for label, body in [("empty_object", {}), ("power_on_only", {"power_on": True}),
                    ("mappings_only", {"mappings": RS["mappings"]}), ("power_on_and_mappings",
                                                                     {"power_on": False, "mappings": []})]:
    add("backup.restore/restore/no_target/%s" % label, "missing", "backup.restore",
        {"backup_id": "{backup_id}", "restore": body}, expect=NO_TARGET)
add("backup.restore/restore/volume_id_for_a_server_backup", "unknown_or_bad_value", "backup.restore",
    {"backup_id": "{backup_id}", "restore": {"volume_id": "{resource_id2}", "power_on": True}},
    expect=naming("server_id"), note="README: a server backup needs server_id or resource_id")
add("backup.restore/null_request_pointer", "null_pointer", "backup.restore", None, expect=naming("backup_id"))
add("backup.restore/empty_object", "missing", "backup.restore", "{}", expect=naming("backup_id"))
add("not_found/backup.restore", "not_found", "backup.restore", with_value(BR, ["backup_id"], MISSING),
    expect=NF_BACKUP, note="control: valid body, unknown backup")

# --- the waits -----------------------------------------------------------------
for op, base, key, nf in [("backup.wait", BW, "backup_id", NF_BACKUP),
                          ("operation_log.wait", OW, "operation_log_id", NF_TASK)]:
    m11(op, base, [
        ([key], 5, "number"), ([key], [base[key]], "array"), (["timeout_ms"], "100", "string"),
        (["timeout_ms"], 1.5, "fraction"), (["timeout_ms"], 0.0, "real_zero"), (["timeout_ms"], True, "boolean"),
        (["interval_ms"], "10", "string"), (["interval_ms"], 2.5, "fraction"), (["interval_ms"], [10], "array"),
    ])
    m11(op, base, [([key], None, "null"), (["timeout_ms"], None, "null"), (["interval_ms"], None, "null")],
        category="null")
    m11(op, base, [([key], DELETE, "missing")], category="missing")
    m11(op, base, [([key], "", "empty")], category="empty")
    m11(op, base, [
        (["timeout_ms"], -1, "negative"), (["timeout_ms"], 86400001, "over_max"),
        (["timeout_ms"], -9223372036854775808, "int64_min"), (["timeout_ms"], 9223372036854775807, "int64_max"),
        (["interval_ms"], 0, "zero"), (["interval_ms"], -5, "negative"), (["interval_ms"], 60001, "over_max"),
        (["bogus"], 1, "unknown_field"), (["provider_id"], CSBS_PROVIDER, "not_a_member"),
    ], category="unknown_or_bad_value")
    add("%s/empty_object" % op, "missing", op, "{}", expect=naming(key))
    add("not_found/%s" % op, "not_found", op, with_value(base, [key], MISSING), expect=nf,
        note="control: valid, unknown id")
m11("backup.wait", BW, [(["status"], 5, "number"), (["status"], ["available"], "array")])
m11("backup.wait", BW, [(["status"], None, "null")], category="null")
m11("backup.wait", BW, [(["status"], "", "empty")], category="empty")
m11("backup.wait", BW, [
    (["status"], "bogus", "bad_enum"), (["status"], "AVAILABLE", "wrong_case"),
    (["status"], "creating", "checkpoint_status"), (["status"], "success", "task_status"),
    (["status"], "gone", "gone_not_deleted"),
], category="unknown_or_bad_value")
m11("operation_log.wait", OW, [(["status"], "success", "status_not_a_member")], category="unknown_or_bad_value")

# --- backup.prune ----------------------------------------------------------------
m11("backup.prune", BP, [
    (["vault_id"], 5, "number"), (["vault_id"], ["{vault_id}"], "array"), (["resource_id"], 5, "number"),
    (["resource_id"], ["{resource_id}"], "array", {"note": "one resource, not a list"}),
    (["dry_run"], "false", "string"), (["dry_run"], 0, "number"),
] + [([k], v, label) for k in KEEPS
     for v, label in (("1", "string"), (1.5, "fraction"), (1.0, "real"), (True, "boolean"), ([1], "array"),
                      ({"n": 1}, "object"))])
m11("backup.prune", BP, [(["vault_id"], None, "null"), (["resource_id"], None, "null"), (["dry_run"], None, "null")]
    + [([k], None, "null") for k in KEEPS], category="null")
m11("backup.prune", BP, [(["vault_id"], DELETE, "missing")], category="missing")
m11("backup.prune", BP, [(["vault_id"], "", "empty"), (["resource_id"], "", "empty")], category="empty")
m11("backup.prune", BP, [([k], v, label) for k in KEEPS
                         for v, label in ((0, "zero"), (-1, "negative"), (-9223372036854775808, "int64_min"),
                                          (9223372036854775807, "int64_max"))]
    + [(["keep_last"], 1000001, "over_max"), (["keep_daily"], 1000001, "over_max"),
       (["keep_weekly"], 1000001, "over_max"), (["keep_monthly"], 1000001, "over_max"),
       (["keep_within_days"], 36501, "over_max"),
       (["bogus"], 1, "unknown_field"), (["keep_yearly"], 1, "unsupported_rule"), (["keep_hourly"], 1, "unsupported_rule"),
       (["keep-last"], 1, "hyphenated"), (["keep_tags"], ["x"], "unsupported_rule"),
       (["keep_within"], "7d", "restic_spelling")],
    category="unknown_or_bad_value")
# No keep rule: refused (9900), nothing deleted (the store check proves it).
NO_RULE = naming("keep")
add("backup.prune/no_rule", "missing", "backup.prune", BP_NO_RULE, expect=NO_RULE,
    note="SPEC 6.1: a prune with no keep rule is refused so that nothing is deleted by accident")
add("backup.prune/no_rule/dry_run", "missing", "backup.prune", dict(BP_NO_RULE, dry_run=True), expect=NO_RULE)
add("backup.prune/no_rule/vault_only", "missing", "backup.prune", {"vault_id": "{vault_id}"}, expect=NO_RULE)
add("backup.prune/no_rule/unknown_vault", "missing", "backup.prune", {"vault_id": MISSING}, expect=NO_RULE,
    note="the body is checked before the vault")
add("backup.prune/no_rule/all_zero", "unknown_or_bad_value", "backup.prune",
    dict(BP_NO_RULE, **{k: 0 for k in KEEPS}), expect=NO_RULE, note="0 is not 'no rule': it is out of range")
add("backup.prune/null_request_pointer", "null_pointer", "backup.prune", None, expect=naming("vault_id"))
add("backup.prune/empty_object", "missing", "backup.prune", "{}", expect=naming("vault_id"))
add("boundary/backup.prune/max_counts", "boundary", "backup.prune",
    {"vault_id": MISSING, "keep_last": 1000000, "keep_daily": 1000000, "keep_weekly": 1000000,
     "keep_monthly": 1000000, "keep_within_days": 36500, "dry_run": True}, expect=NF_VAULT,
    note="control: the largest counts pass validation; the unknown vault is 404 6105 (README)")
add("boundary/backup.prune/min_counts", "boundary", "backup.prune",
    {"vault_id": MISSING, "keep_last": 1, "keep_within_days": 1}, expect=NF_VAULT,
    note="control: 1 is a valid count")
add("not_found/backup.prune", "not_found", "backup.prune", with_value(BP, ["vault_id"], MISSING), expect=NF_VAULT,
    note="control: valid rules, unknown vault (README: 404 6105)")

# --- ids that are not UUIDs, traversal, SQL (bad_ids above) ---------------------
ID_FIELDS = [
    ("backup.get", BG, ["backup_id"]), ("backup.update", BU, ["backup_id"]), ("backup.delete", BD, ["backup_id"]),
    ("backup.restore", BR, ["backup_id"]), ("backup.restore", BR, R + ["server_id"]),
    ("backup.restore", BR, R + ["volume_id"]), ("backup.restore", BR, M0 + ["backup_id"]),
    ("backup.restore", BR, M0 + ["volume_id"]), ("backup.restore", BR, R + ["resource_id"]),
    ("operation_log.get", OG, ["operation_log_id"]), ("backup.wait", BW, ["backup_id"]),
    ("operation_log.wait", OW, ["operation_log_id"]), ("backup.prune", BP, ["vault_id"]),
    ("backup.prune", BP, ["resource_id"]),
    ("backup.list", BL, ["checkpoint_id"]), ("backup.list", BL, ["vault_id"]), ("backup.list", BL, ["resource_id"]),
    ("operation_log.list", OL, ["vault_id"]), ("operation_log.list", OL, ["resource_id"]),
    ("operation_log.list", OL, ["provider_id"]),
]
for op, base, path in ID_FIELDS:
    for label, bad in (bad_ids if op in ("backup.get", "operation_log.get") else bad_ids[:8]):
        add("ids/%s/%s/%s" % (op, dotted(path), label), "bad_id", op, with_value(base, path, bad),
            expect=naming(dotted(path)))

# --- invalid UTF-8, NUL, size, depth --------------------------------------------
for label, h in bad_utf8[:5]:
    add("utf8/backup.update/name/%s" % label, "invalid_utf8", "backup.update", None,
        request_hex=text_of(BU).encode().replace(b'"renamed"', b'"re' + bytes.fromhex(h) + b'"').hex())
add("utf8/backup.list/resource_name", "invalid_utf8", "backup.list", None,
    request_hex=text_of(BL).encode().replace(b'"r1"', b'"r\xff1"').hex())
add("utf8/backup.get/backup_id", "invalid_utf8", "backup.get", None,
    request_hex=b'{"backup_id":"{backup_id}\xc0\xaf"}'.hex())
add("utf8/backup.prune/key", "invalid_utf8", "backup.prune", None,
    request_hex=text_of(BP).encode().replace(b'"keep_last"', b'"keep_l\xe9st"').hex())
add("utf8/json_api/nocheck_backup_name", "invalid_utf8", "backup.update", BU, api="json",
    json_patch=[{"path": ["backup", "name"], "hex": "6eff"}])
add("utf8/json_api/nocheck_restore_key", "invalid_utf8", "backup.restore", BR, api="json",
    json_patch=[{"path": ["restore"], "key_hex": "736572766572c0af", "hex": "78"}])
add("nul/backup.update/name", "nul", "backup.update", with_value(BU, ["backup", "name"], "re\u0000named"))
add("nul/backup.restore/server_id", "nul", "backup.restore", with_value(BR, R + ["server_id"], "{resource_id}\u0000"))
add("nul/backup.list/resource_name", "nul", "backup.list", with_value(BL, ["resource_name"], "r1\u0000"))
add("nul/json_api/backup_id", "nul", "backup.delete", BD, api="json",
    json_patch=[{"path": ["backup_id"], "hex": "00"}])
add("oversize/backup.list/request_1MiB_plus_1", "oversize", "backup.list", text_of(BL) + "{ws_to:1048577}")
add("oversize/backup.prune/request_1MiB_plus_1", "oversize", "backup.prune", text_of(BP) + "{ws_to:1048577}")
add("oversize/backup.update/name_2MiB", "oversize", "backup.update", with_value(BU, ["backup", "name"], "{pad:2097152}"))
add("oversize/backup.update/name_2MiB/json_api", "oversize", "backup.update",
    with_value(BU, ["backup", "name"], "{pad:2097152}"), api="json", expect=naming("backup.name"))
add("oversize/backup.list/status_100001_values", "oversize", "backup.list",
    with_value(BL, ["status"], raw("{int_array:100001}")), api="json")
add("oversize/backup.list/status_20000_items", "huge_array", "backup.list",
    with_value(BL, ["status"], raw("{uuid_array:20000}")), expect=naming("status"))
add("oversize/backup.list/many_members", "oversize", "backup.list", "{{many_keys:10000}}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, max_ms=1000)
add("deep/arrays_40/backup.list", "deep_nesting", "backup.list", with_value(BL, ["name"], raw("{deep_arr:39}")))
add("deep/objects_33/backup.restore", "deep_nesting", "backup.restore",
    with_value(BR, M0 + ["volume_id"], raw("{deep_obj:30}")))
add("deep/cycle/json_api/backup.prune", "deep_nesting", "backup.prune", BP, api="json", special="cycle")

# --- unknown operations near the new ones ------------------------------------------
for label, op in [("backup_list_capitalised", "Backup.list"), ("backups_list", "backups.list"),
                  ("backup_purge", "backup.purge"), ("backup_forget", "backup.forget"),
                  ("backup_create", "backup.create"), ("operation_log_hyphen", "operation-log.list"),
                  ("operation_log_delete", "operation_log.delete"), ("task_wait", "task.wait"),
                  ("backup_prune_trailing_space", "backup.prune "), ("backup_restore_rest_path",
                                                                     "/v3/backups/{backup_id}/restore"),
                  ("local_backup_set_status", "local.backup.set_status"), ("backup_only", "backup")]:
    add("operation/%s" % label, "unknown_operation", op, text_of(BD), expect={"class": "invalid", "error_code": CBR})

# --- ckpt_call* with the new operations: NULL arguments, *_ex twins ------------------
for fn in ("ckpt_call", "ckpt_call_text", "ckpt_call_ex", "ckpt_call_text_ex"):
    # A NULL response must stop a write before it happens (the store check proves it).
    for op, req in [("backup.delete", BD), ("backup.prune", BP), ("backup.restore", BR), ("backup.update", BU)]:
        nul("response/%s" % op, fn, ["response"], operation=op, request=text_of(req),
            expect={"class": "invalid", "error_code": CBR, "msg_contains": "response"})
    nul("client/backup.delete", fn, ["client"], operation="backup.delete", request=text_of(BD),
        expect={"class": "invalid", "error_code": CBR, "msg_contains": "client"})
    nul("request/backup.delete", fn, ["request"], operation="backup.delete", expect=naming("backup_id"))
    nul("request/backup.prune", fn, ["request"], operation="backup.prune", expect=naming("vault_id"))
    nul("request/backup.restore", fn, ["request"], operation="backup.restore", expect=naming("backup_id"))
    nul("error/backup.prune_no_rule", fn, ["error"], operation="backup.prune", request=text_of(BP_NO_RULE))
    if fn.endswith("_ex"):
        nul("meta_and_response/backup.prune", fn, ["meta", "response"], operation="backup.prune", request=text_of(BP))
    for label, op, req, expect in [
            ("backup.list_limit_zero", "backup.list", text_of(with_value(BL, ["limit"], 0)), naming("limit")),
            ("backup.prune_no_rule", "backup.prune", text_of(BP_NO_RULE), NO_RULE),
            ("backup.restore_no_target", "backup.restore", text_of(with_value(BR, R, {})), NO_TARGET),
            ("backup.get_not_found", "backup.get", '{"backup_id":"%s"}' % MISSING, NF_BACKUP),
            ("operation_log.wait_not_found", "operation_log.wait",
             '{"operation_log_id":"%s","timeout_ms":0}' % MISSING, NF_TASK)]:
        if fn.endswith("_ex"):
            add("ex/%s/%s" % (fn, label), "typed", op, req, api="null_args", function=fn, null=[], expect=expect)

# --- the typed functions of 1.1: NULL for every pointer argument -----------------------
TYPED11 = {
    "ckpt_checkpoint_wait_ex": {"checkpoint_id": "{checkpoint_id}", "status": "available", "timeout_ms": 0,
                                "progress": "continue"},
    "ckpt_backup_list": {"filters": text_of(BL)},
    "ckpt_backup_get": {"backup_id": "{backup_id}"},
    "ckpt_backup_delete": {"backup_id": "{old_backup_id}"},
    "ckpt_backup_restore": {"backup_id": "{backup_id}", "restore": text_of(RS)},
    "ckpt_operation_log_wait": {"operation_log_id": "{operation_log_id}", "timeout_ms": 0},
    "ckpt_backup_prune": {"request": text_of(BP)},
}
ID_ARG11 = {"ckpt_checkpoint_wait_ex": "checkpoint_id", "ckpt_backup_get": "backup_id",
            "ckpt_backup_delete": "backup_id", "ckpt_backup_restore": "backup_id",
            "ckpt_operation_log_wait": "operation_log_id"}
JSON_ARG11 = {"ckpt_backup_list": "filters", "ckpt_backup_restore": "restore", "ckpt_backup_prune": "request"}
for fn, args in TYPED11.items():
    idarg, jarg = ID_ARG11.get(fn), JSON_ARG11.get(fn)
    has_response = fn != "ckpt_backup_delete"
    nul("client", fn, ["client"], args=args, expect=naming("client"))
    if idarg:
        nul(idarg, fn, [idarg], args=args, expect=naming(idarg))
    if has_response:
        nul("response", fn, ["response"], args=args, expect=naming("response"))
        nul("error_and_response", fn, ["error", "response"], args=args)
    nul("all", fn, ["client", "response", "error"] + ([idarg] if idarg else []) + ([jarg] if jarg else [])
        + (["status"] if "status" in args else []), args=args)
# NULL error with a bad argument: only the code comes back (and nothing is deleted).
nul("error/bad_id", "ckpt_backup_delete", ["error"], args={"backup_id": "../{old_backup_id}"})
nul("error/bad_id", "ckpt_backup_get", ["error"], args={"backup_id": "x"})
nul("error/no_rule", "ckpt_backup_prune", ["error"], args={"request": text_of(BP_NO_RULE)})
# A required json_t argument (restore, prune's request) must not be NULL.
nul("restore", "ckpt_backup_restore", ["restore"], args=TYPED11["ckpt_backup_restore"], expect=naming("restore"))
nul("request", "ckpt_backup_prune", ["request"], args=TYPED11["ckpt_backup_prune"], expect=naming("request"))
# NULL optional arguments are defaults, not errors: pair them with an error elsewhere.
nul("filters_and_response", "ckpt_backup_list", ["filters", "response"], args={}, expect=naming("response"))
nul("status_null_bad_timeout", "ckpt_checkpoint_wait_ex", ["status"],
    args={"checkpoint_id": "{checkpoint_id}", "timeout_ms": -1}, expect=naming("timeout_ms"),
    note="no progress callback either: both optional")
nul("status_null_bad_id", "ckpt_checkpoint_wait_ex", ["status"],
    args={"checkpoint_id": "../x", "timeout_ms": 0, "progress": "cancel"}, expect=naming("checkpoint_id"))

# --- the typed functions' own argument errors ------------------------------------
for prog in (None, "cancel"):
    sfx = "" if prog is None else "/progress_cancel"
    base = {"checkpoint_id": "{checkpoint_id}", "timeout_ms": 0}
    if prog:
        base["progress"] = prog
    for label, a in [("timeout_negative", {"timeout_ms": -1}), ("timeout_over_max", {"timeout_ms": 86400001}),
                     ("timeout_llong_max", {"timeout_ms": "LLONG_MAX"}),
                     ("timeout_llong_min", {"timeout_ms": "LLONG_MIN"}),
                     ("status_bogus", {"status": "done"}), ("status_empty", {"status": ""}),
                     ("status_invalid_utf8", {"status_hex": "617661696cff"}),
                     ("id_traversal", {"checkpoint_id": "../../../../etc/passwd"}),
                     ("id_sql", {"checkpoint_id": "x'; DROP TABLE checkpoints; --"}),
                     ("id_invalid_utf8", {"checkpoint_id_hex": "eda080"})]:
        typed(label + sfx, "ckpt_checkpoint_wait_ex", dict(base, **a),
              note="the progress callback must not be called for a refused request" if prog else None)
    typed("not_found" + sfx, "ckpt_checkpoint_wait_ex", dict(base, checkpoint_id=MISSING), expect=NF_CHECKPOINT,
          category="not_found")
# The callback's own outcomes (controls: not bad inputs, but the same checks).
typed("progress_cancel", "ckpt_checkpoint_wait_ex",
      {"checkpoint_id": "{checkpoint_id}", "status": "protecting", "timeout_ms": 10000, "progress": "cancel"},
      expect={"class": "canceled", "error_code": "", "error_member": "checkpoint"}, max_ms=5000,
      note="a non-zero progress answer stops the wait at once: CKPT_ECANCELED carrying the checkpoint")
typed("progress_continue_timeout", "ckpt_checkpoint_wait_ex",
      {"checkpoint_id": "{checkpoint_id}", "status": "protecting", "timeout_ms": 50, "progress": "continue"},
      expect={"class": "timeout", "error_code": "", "error_member": "checkpoint"}, max_ms=5000,
      note="control: a callback answering 0 lets the wait time out; it was called at least once")

for label, f in [("array", "[]"), ("string", '"x"'), ("json_null", "null"), ("number", "5"),
                 ("limit_zero", '{"limit":0}'), ("limit_string", '{"limit":"10"}'), ("offset_negative", '{"offset":-1}'),
                 ("unknown_filter", '{"bogus":1}'), ("sort_unknown_key", '{"sort":"size"}'),
                 ("marker_not_uuid", '{"marker":"../x"}'), ("marker_not_in_list", '{"marker":"%s"}' % MISSING),
                 ("status_empty_array", '{"status":[]}'), ("status_unknown_item", '{"status":["available","gone"]}'),
                 ("start_time_31_april", '{"start_time":"2024-04-31T00:00:00Z"}'),
                 ("deep", '{"name":{deep_arr:40}}')]:
    # A filters argument that is not an object is an error about filters (the
    # function has no argument named request).
    typed("filters_" + label, "ckpt_backup_list", {"filters": f},
          expect=naming("filters") if label in ("array", "string", "json_null", "number") else None)
for fn, idarg, nf in [("ckpt_backup_get", "backup_id", NF_BACKUP), ("ckpt_backup_delete", "backup_id", NF_BACKUP),
                      ("ckpt_operation_log_wait", "operation_log_id", NF_TASK)]:
    extra = {"timeout_ms": 0} if fn == "ckpt_operation_log_wait" else {}
    for label, a in [("id_not_uuid", {idarg: "backup-1"}), ("id_traversal", {idarg: "../../../../etc/passwd"}),
                     ("id_sql", {idarg: "x'; DELETE FROM backups; --"}), ("id_empty", {idarg: ""}),
                     ("id_invalid_utf8", {idarg + "_hex": "c328"}), ("id_dot_dot", {idarg: ".."}),
                     ("id_1MiB_plus_1", {idarg: "{pad:1048577}"})]:
        typed(label, fn, dict(extra, **a))
    typed("not_found", fn, dict(extra, **{idarg: MISSING}), expect=nf, category="not_found")
for label, t in [("timeout_negative", -1), ("timeout_over_max", 86400001), ("timeout_llong_max", "LLONG_MAX"),
                 ("timeout_llong_min", "LLONG_MIN")]:
    typed(label, "ckpt_operation_log_wait", {"operation_log_id": "{operation_log_id}", "timeout_ms": t},
          expect=naming("timeout_ms"))
typed("a_backup_id", "ckpt_operation_log_wait", {"operation_log_id": "{backup_id}", "timeout_ms": 0}, expect=NF_TASK,
      category="not_found", note="control: a backup's id is not a task's")
for label, rs in [("restore_array", "[]"), ("restore_string", '"{resource_id}"'), ("restore_json_null", "null"),
                  ("restore_empty_object", "{}"), ("restore_power_on_only", '{"power_on":true}'),
                  ("restore_unknown", '{"server_id":"{resource_id}","bogus":1}'),
                  ("restore_backup_id_inside", '{"server_id":"{resource_id}","backup_id":"{backup_id}"}'),
                  ("restore_server_id_not_uuid", '{"server_id":"server-1"}'),
                  ("restore_power_on_string", '{"server_id":"{resource_id}","power_on":"yes"}'),
                  ("restore_mappings_object", '{"server_id":"{resource_id}","mappings":{}}'),
                  ("restore_volume_id_for_a_server_backup", '{"volume_id":"{resource_id2}"}'),
                  ("restore_deep", '{"server_id":{deep_arr:40}}')]:
    typed(label, "ckpt_backup_restore", {"backup_id": "{backup_id}", "restore": rs})
for label, a in [("backup_id_not_uuid", {"backup_id": "b1"}), ("backup_id_traversal", {"backup_id": "../{backup_id}"}),
                 ("backup_id_invalid_utf8", {"backup_id_hex": "ff"}), ("backup_id_empty", {"backup_id": ""})]:
    typed(label, "ckpt_backup_restore", dict(a, restore=text_of(RS)))
typed("not_found", "ckpt_backup_restore", {"backup_id": MISSING, "restore": text_of(RS)}, expect=NF_BACKUP,
      category="not_found")
for label, rq in [("request_array", "[]"), ("request_string", '"{vault_id}"'), ("request_json_null", "null"),
                  ("request_empty_object", "{}"), ("no_rule", text_of(BP_NO_RULE)),
                  ("no_rule_dry_run", text_of(dict(BP_NO_RULE, dry_run=True))),
                  ("keep_last_zero", text_of(with_value(BP, ["keep_last"], 0))),
                  ("keep_daily_negative", text_of(with_value(BP, ["keep_daily"], -1))),
                  ("keep_weekly_over_max", text_of(with_value(BP, ["keep_weekly"], 1000001))),
                  ("keep_within_days_over_max", text_of(with_value(BP, ["keep_within_days"], 36501))),
                  ("keep_monthly_string", text_of(with_value(BP, ["keep_monthly"], "1"))),
                  ("keep_last_fraction", text_of(with_value(BP, ["keep_last"], 0.5))),
                  ("dry_run_string", text_of(with_value(BP, ["dry_run"], "yes"))),
                  ("keep_yearly_unsupported", text_of(with_value(BP, ["keep_yearly"], 1))),
                  ("vault_id_not_uuid", text_of(with_value(BP, ["vault_id"], "vault-1"))),
                  ("vault_id_traversal", text_of(with_value(BP, ["vault_id"], "../../{vault_id}"))),
                  ("resource_id_sql", text_of(with_value(BP, ["resource_id"], "' OR 1=1 --"))),
                  ("deep", '{"vault_id":"{vault_id}","keep_last":{deep_arr:40}}')]:
    typed(label, "ckpt_backup_prune", {"request": rq})
typed("unknown_vault", "ckpt_backup_prune", {"request": text_of(with_value(BP, ["vault_id"], MISSING))},
      expect=NF_VAULT, category="not_found", note="control: README, an unknown vault is 404 6105")

# ===========================================================================
# 11. The lifecycle, part 2 (1.1): vaults (vault.list, .update, .delete,
#     .add_resources, .remove_resources) and CSBS v1 checkpoints
#     (policy.checkpoint_list, .checkpoint_delete; policy.execute's
#     "extra-info").  SPEC 6.1-6.5, README "Vaults and CSBS checkpoints".
#     A schema violation is 9900 (CSBS.9001 for the policy.* ones) naming the
#     field; an unknown vault is 404 BackupService.6105, an unknown v1
#     checkpoint 404 CSBS.3001.  Fixtures (bad_inputs.c): {spare_vault_id} is
#     an empty vault, the target of every vault.delete case; {vault_id2}
#     holds {resource_id3} and {resource_id4} (the remove_resources cases
#     remove {resource_id4} from it; {resource_id3} added to {vault_id} is
#     6103); {busy_vault_id} has a backup ({busy_backup_id}) of
#     {busy_resource_id} being made for hours, and {busy_v1_checkpoint_id} is
#     a v1 checkpoint being made; {spare_v1_checkpoint_id} is a second v1
#     checkpoint of {plan_id}, the target of the policy.checkpoint_delete
#     cases.  Base requests of writes are valid and match the fixtures, so a
#     wrongly accepted mutation changes the store (and the runner sees it).
# ===========================================================================
NEW_RES3 = "cccccccc-0000-4000-8000-000000000003"   # a resource id no fixture uses (vault.add_resources)
CONFLICT_6203 = {"class": "conflict", "error_code": "BackupService.6203", "http_status": 400}
NF_V1_CHECKPOINT = {"class": "not_found", "error_code": "CSBS.3001", "http_status": 404}
NF_PLAN = {"class": "not_found", "error_code": "CSBS.3002", "http_status": 404}


VL = {"name": "hardening", "id": ["{vault_id}", "{vault_id2}"], "status": "available", "object_type": "server",
      "protect_type": "backup", "cloud_type": "public", "policy_id": "{plan_id}",
      "resource_ids": "{resource_id},{resource_id2}", "enterprise_project_id": "0",
      "limit": 10, "offset": 0, "sort": "created_at:desc,id:asc"}
VU = {"vault_id": "{vault_id}", "vault": {
    "name": "renamed", "billing": {"size": 1000, "consistent_level": "crash_consistent"},
    "auto_bind": False, "auto_expand": False, "smn_notify": False, "locked": False, "threshold": 80,
    "bind_rules": {"tags": [{"key": "k", "value": "v"}]}}}
VD = {"vault_id": "{spare_vault_id}"}
VA = {"vault_id": "{vault_id}", "resources": [{
    "id": NEW_RES3, "type": "OS::Nova::Server", "name": "r3", "size": 1,
    "extra_info": {"exclude_volumes": [NEW_RES2], "include_volumes": [{"id": NEW_RES2, "os_version": "x"}]}}]}
VR = {"vault_id": "{vault_id2}", "resource_ids": ["{resource_id4}"]}
PCL = {"provider_id": CSBS_PROVIDER, "plan_id": "{plan_id}", "start_date": "2020-01-01", "end_date": "2099-12-31",
       "limit": 10, "sort": "created_at:desc,id:asc"}
PCD = {"provider_id": CSBS_PROVIDER, "checkpoint_id": "{spare_v1_checkpoint_id}"}

# --- vault.list ----------------------------------------------------------------
list_cases("vault.list", VL, "id:asc", times=False)
m11("vault.list", VL, [
    (["name"], 5, "number"), (["name"], True, "boolean"), (["name"], ["hardening"], "array"),
    (["id"], 5, "number"), (["id"], True, "boolean"), (["id"], {"id": "{vault_id}"}, "object"),
    (["id"], [5], "item_number"), (["id"], [["{vault_id}"]], "item_array"), (["id"], [None], "item_null"),
    (["id"], [{"id": "{vault_id}"}], "item_object"),
    (["status"], 5, "number"), (["status"], ["available"], "array",
                                {"note": "only backup.list's status takes an array (SPEC 6.1)"}),
    (["status"], True, "boolean"), (["object_type"], 5, "number"), (["object_type"], ["server"], "array"),
    (["protect_type"], True, "boolean"), (["cloud_type"], 5, "number"),
    (["policy_id"], 5, "number"), (["policy_id"], ["{plan_id}"], "array"),
    (["resource_ids"], ["{resource_id}", "{resource_id2}"], "array",
     {"note": "UUIDs separated by commas in one string, as the service takes them"}),
    (["resource_ids"], 5, "number"), (["resource_ids"], {"id": "{resource_id}"}, "object"),
    (["enterprise_project_id"], 5, "number"), (["enterprise_project_id"], ["0"], "array"),
    (["enterprise_project_id"], {"id": "0"}, "object"),
])
m11("vault.list", VL, [([k], None, "null") for k in (
    "name", "id", "status", "object_type", "protect_type", "cloud_type", "policy_id", "resource_ids",
    "enterprise_project_id")], category="null")
m11("vault.list", VL, [
    (["name"], "", "empty"), (["id"], "", "empty"), (["id"], [], "empty_array"), (["id"], [""], "item_empty"),
    (["status"], "", "empty"), (["object_type"], "", "empty"), (["protect_type"], "", "empty"),
    (["cloud_type"], "", "empty"), (["policy_id"], "", "empty"), (["resource_ids"], "", "empty"),
], category="empty")
m11("vault.list", VL, [
    (["status"], "bogus", "bad_enum"), (["status"], "AVAILABLE", "wrong_case"),
    (["status"], "locked", "a_setting_not_a_status"), (["status"], "protecting", "backup_status"),
    (["status"], "success", "task_status"), (["status"], "available,error", "comma_joined"),
    (["object_type"], "Server", "wrong_case"), (["object_type"], "volume", "bad_enum"),
    (["object_type"], "OS::Nova::Server", "resource_type"), (["protect_type"], "bogus", "bad_enum"),
    (["cloud_type"], "private", "bad_enum"), (["cloud_type"], "PUBLIC", "wrong_case"),
    (["id"], "not-a-uuid", "not_uuid"), (["id"], ["{vault_id}", "x"], "second_item_not_uuid"),
    (["id"], "{vault_id},{vault_id2}", "comma_joined", {"note": "several ids are an array, not one string"}),
    (["resource_ids"], "x", "not_uuid"), (["resource_ids"], "{resource_id},", "trailing_comma"),
    (["resource_ids"], ",{resource_id}", "leading_comma"), (["resource_ids"], "{resource_id},,{resource_id2}",
                                                              "empty_item"),
    (["resource_ids"], ",", "only_comma"), (["resource_ids"], "{resource_id}, {resource_id2}", "space_after_comma"),
    (["resource_ids"], "{resource_id};{resource_id2}", "semicolon"),
    (["resource_ids"], "{resource_id} {resource_id2}", "space_separated"),
    (["resource_ids"], "{resource_id},../../etc/passwd", "second_item_traversal"),
    (["resource_ids"], "{resource_id},' OR '1'='1", "second_item_sql"),
    (["sort"], "updated_at", "not_a_vault_sort_key", {"note": "README: vaults sort over created_at, name, status, id"}),
    (["sort"], "protected_at", "backup_only_sort_key"), (["sort"], "size", "billing_field"),
    (["marker"], "{backup_id}", "backup_id_not_a_vault", {"note": "README: a marker not in the list is 9900"}),
    (["marker"], "{checkpoint_id}", "checkpoint_id_not_a_vault"),
    (["bogus"], 1, "unknown_field"), (["Name"], "hardening", "unknown_field_case"),
    (["vault_id"], "{vault_id}", "not_a_filter"), (["resource_id"], "{resource_id}", "backup_filter"),
    (["start_time"], "2024-01-01T00:00:00Z", "backup_filter_time"), (["ids"], ["{vault_id}"], "ids_plural"),
    (["project_id"], "0", "not_a_filter"), (["vault"], {}, "body_of_a_write"),
], category="unknown_or_bad_value")
m11("vault.list", VL, [
    (["name"], "v" * 65, "65_chars"), (["name"], "\u00e9" * 65, "65_chars_2byte"),
    (["resource_ids"], ",".join(ids(257, "eeeeeeee")), "257_ids"),
], category="too_long")
m11("vault.list", VL, [(["id"], raw("{uuid_array:20000}"), "20000_items")], category="huge_array")
# Controls: valid filters just inside a limit pass; the request fails on limit 0 (read after the filters).
for label, patch in [("name_64", {"name": "v" * 64}), ("name_64_4byte", {"name": "\U0001f600" * 64}),
                     ("id_one_string", {"id": "{vault_id}"}), ("id_256", {"id": ids(256, "eeeeeeee")}),
                     ("id_upper_case", {"id": ["{resource_id_upper}"]}),
                     ("resource_ids_256", {"resource_ids": ",".join(ids(256, "eeeeeeee"))}),
                     ("resource_ids_one", {"resource_ids": "{resource_id}"}),
                     ("enterprise_project_id_true", {"enterprise_project_id": True}),
                     ("enterprise_project_id_empty", {"enterprise_project_id": ""}),
                     ("enterprise_project_id_all", {"enterprise_project_id": "all_granted_eps"})] + [
                        ("status_%s" % st, {"status": st}) for st in ("lock", "frozen", "deleting", "error")]:
    add("boundary/vault.list/%s" % label, "boundary", "vault.list", dict(VL, limit=0, **patch), expect=naming("limit"),
        note="control: the filter passes validation; limit 0 is what is refused")
add("vault.list/empty_text", "malformed_json", "vault.list", "")
add("vault.list/top_level_array", "wrong_type", "vault.list", "[]", expect=naming("expected object"))

# --- vault.update --------------------------------------------------------------
UV = ["vault"]
UB = ["vault", "billing"]
UT0 = ["vault", "bind_rules", "tags", 0]
m11("vault.update", VU, [
    (["vault_id"], 5, "number"), (["vault_id"], ["{vault_id}"], "array"), (["vault_id"], {"id": "{vault_id}"}, "object"),
    (UV, "renamed", "string"), (UV, [], "array"), (UV, True, "boolean"),
    (UV + ["name"], 5, "number"), (UV + ["name"], ["renamed"], "array"), (UV + ["name"], {"name": "x"}, "object"),
    (UB, "x", "string"), (UB, [], "array"), (UB, 1000, "number"),
    (UB + ["size"], "1000", "string"), (UB + ["size"], 1.5, "fraction"), (UB + ["size"], 1000.0, "real"),
    (UB + ["size"], True, "boolean"), (UB + ["size"], [1000], "array"),
    (UB + ["consistent_level"], 5, "number"), (UB + ["consistent_level"], ["crash_consistent"], "array"),
    (UV + ["auto_bind"], "false", "string"), (UV + ["auto_bind"], 0, "number"),
    (UV + ["auto_expand"], 1, "number"), (UV + ["auto_expand"], "true", "string"),
    (UV + ["smn_notify"], "no", "string"), (UV + ["smn_notify"], [], "array"),
    (UV + ["locked"], "yes", "string"), (UV + ["locked"], 0, "number"),
    (UV + ["threshold"], "80", "string"), (UV + ["threshold"], 80.5, "fraction"), (UV + ["threshold"], True, "boolean"),
    (UV + ["bind_rules"], "x", "string"), (UV + ["bind_rules"], [], "array"),
    (UV + ["bind_rules", "tags"], "x", "string"), (UV + ["bind_rules", "tags"], {}, "object"),
    (UV + ["bind_rules", "tags"], 5, "number"), (UV + ["bind_rules", "tags"], [1], "item_number"),
    (UV + ["bind_rules", "tags"], ["k=v"], "item_string"),
    (UT0 + ["key"], 5, "number"), (UT0 + ["key"], ["k"], "array"), (UT0 + ["value"], 5, "number"),
    (UT0 + ["value"], True, "boolean"),
])
m11("vault.update", VU, [
    (["vault_id"], None, "null"), (UV, None, "null"), (UV + ["name"], None, "null"), (UB, None, "null"),
    (UB + ["size"], None, "null"), (UB + ["consistent_level"], None, "null"), (UV + ["auto_bind"], None, "null"),
    (UV + ["auto_expand"], None, "null"), (UV + ["smn_notify"], None, "null"), (UV + ["locked"], None, "null"),
    (UV + ["threshold"], None, "null"), (UV + ["bind_rules"], None, "null"),
    (UV + ["bind_rules", "tags"], None, "null"), (UV + ["bind_rules", "tags"], [None], "item_null"),
    (UT0 + ["key"], None, "null"), (UT0 + ["value"], None, "null"),
], category="null")
m11("vault.update", VU, [(["vault_id"], DELETE, "missing"), (UV, DELETE, "missing"), (UT0 + ["key"], DELETE, "missing")],
    category="missing")
m11("vault.update", VU, [(["vault_id"], "", "empty"), (UV + ["name"], "", "empty"),
                         (UB + ["consistent_level"], "", "empty"), (UT0 + ["key"], "", "empty")], category="empty")
m11("vault.update", VU, [
    (["bogus"], 1, "unknown_top"), (UV + ["bogus"], 1, "unknown_body"), (UB + ["bogus"], 1, "unknown_billing"),
    (UV + ["bind_rules", "bogus"], 1, "unknown_bind_rule"), (UT0 + ["bogus"], 1, "unknown_tag_member"),
    (UB + ["object_type"], "server", "create_only_billing"), (UB + ["cloud_type"], "public", "create_only_billing"),
    (UB + ["charging_mode"], "post_paid", "create_only_billing"), (UB + ["used"], 0, "read_only"),
    (UB + ["status"], "available", "read_only"),
    (UV + ["description"], "d", "not_updatable"), (UV + ["resources"], [], "not_updatable"),
    (UV + ["tags"], [], "not_updatable"), (UV + ["backup_policy_id"], "{plan_id}", "not_updatable"),
    (UV + ["id"], "{vault_id}", "read_only"), (UV + ["vault_id"], "{vault_id}", "vault_id_in_body"),
    (["name"], "renamed", "name_at_top"), (UV + ["autoBind"], True, "camel_case"),
    (UB + ["size"], 0, "zero"), (UB + ["size"], -1, "negative"), (UB + ["size"], 10485761, "over_max"),
    (UB + ["size"], 9223372036854775807, "int64_max"), (UB + ["size"], -9223372036854775808, "int64_min"),
    (UB + ["consistent_level"], "bogus", "bad_enum"), (UB + ["consistent_level"], "Crash_consistent", "wrong_case"),
    (UV + ["threshold"], 0, "zero"), (UV + ["threshold"], 101, "over_max"), (UV + ["threshold"], -1, "negative"),
    (UV + ["bind_rules", "tags"], [{"key": "k%d" % i, "value": "v"} for i in range(11)], "11_tags"),
], category="unknown_or_bad_value")
m11("vault.update", VU, [
    (UV + ["name"], "n" * 65, "65_chars"), (UV + ["name"], "\u00e9" * 65, "65_chars_2byte"),
    (UV + ["name"], "\U0001f600" * 65, "65_chars_4byte"), (UT0 + ["key"], "k" * 129, "129_chars"),
    (UT0 + ["value"], "v" * 256, "256_chars"),
], category="too_long")
# Below the capacity the vault uses (two 1 GB backups of {resource_id}): refused, nothing changes.
add("vault.update/vault.billing.size/below_used", "unknown_or_bad_value", "vault.update",
    with_value(VU, UB + ["size"], 1), expect=naming("vault.billing.size"),
    note="README: never below the vault's billing.used (9900 naming vault.billing.size)")
add("vault.update/vault.billing.size/below_used/busy_vault", "unknown_or_bad_value", "vault.update",
    {"vault_id": "{busy_vault_id}", "vault": {"billing": {"size": 9}}}, expect=naming("vault.billing.size"),
    note="a backup being made (10 GB) counts against the capacity")
add("vault.update/null_request_pointer", "null_pointer", "vault.update", None, expect=naming("vault_id"))
add("vault.update/empty_object", "missing", "vault.update", "{}", expect=naming("vault_id"))
for label, vault in [("name_64_4byte", {"name": "\U0001f600" * 64}), ("size_max", {"billing": {"size": 10485760}}),
                     ("size_1", {"billing": {"size": 1}}), ("threshold_1", {"threshold": 1}),
                     ("threshold_100", {"threshold": 100}), ("app_consistent", {"billing": {"consistent_level": "app_consistent"}}),
                     ("10_tags", {"bind_rules": {"tags": [{"key": "k%d" % i, "value": ""} for i in range(10)]}}),
                     ("tag_key_128", {"bind_rules": {"tags": [{"key": "k" * 128, "value": "v" * 255}]}})]:
    add("boundary/vault.update/%s" % label, "boundary", "vault.update", {"vault_id": MISSING, "vault": vault},
        expect=NF_VAULT, note="control: inside the limits passes validation; the unknown vault is 404 6105")
add("not_found/vault.update", "not_found", "vault.update", with_value(VU, ["vault_id"], MISSING), expect=NF_VAULT,
    note="control: valid, unknown vault")
add("not_found/vault.update/upper_case", "not_found", "vault.update", with_value(VU, ["vault_id"], MISSING.upper()),
    expect=NF_VAULT)
add("not_found/vault.update/a_backup_id", "not_found", "vault.update", with_value(VU, ["vault_id"], "{backup_id}"),
    expect=NF_VAULT, note="control: a backup's id is not a vault's")

# --- vault.delete --------------------------------------------------------------
m11("vault.delete", VD, [(["vault_id"], 5, "number"), (["vault_id"], ["{spare_vault_id}"], "array"),
                         (["vault_id"], {"id": "{spare_vault_id}"}, "object"), (["vault_id"], True, "boolean")])
m11("vault.delete", VD, [(["vault_id"], None, "null")], category="null")
m11("vault.delete", VD, [(["vault_id"], DELETE, "missing")], category="missing")
m11("vault.delete", VD, [(["vault_id"], "", "empty")], category="empty")
m11("vault.delete", VD, [(["bogus"], 1, "unknown_field"), (["force"], True, "unknown_flag"),
                         (["vault_ids"], ["{spare_vault_id}"], "vault_ids_plural"),
                         (["vault"], {"id": "{spare_vault_id}"}, "body")], category="unknown_or_bad_value")
add("vault.delete/null_request_pointer", "null_pointer", "vault.delete", None, expect=naming("vault_id"))
add("vault.delete/empty_object", "missing", "vault.delete", "{}", expect=naming("vault_id"))
add("not_found/vault.delete", "not_found", "vault.delete", {"vault_id": MISSING}, expect=NF_VAULT,
    note="control: valid, unknown vault")
add("not_found/vault.delete/upper_case", "not_found", "vault.delete", {"vault_id": MISSING.upper()}, expect=NF_VAULT)
add("not_found/vault.delete/a_backup_id", "not_found", "vault.delete", {"vault_id": "{backup_id}"}, expect=NF_VAULT,
    note="control: deleting by a backup's id deletes nothing")
add("not_found/vault.delete/a_checkpoint_id", "not_found", "vault.delete", {"vault_id": "{checkpoint_id}"},
    expect=NF_VAULT)
add("conflict/vault.delete/backup_in_progress", "conflict", "vault.delete", {"vault_id": "{busy_vault_id}"},
    expect=CONFLICT_6203, note="control: a vault with a backup being made is 6203 (SPEC 6.4); nothing changes")

# --- vault.add_resources ---------------------------------------------------------
AR0 = ["resources", 0]
m11("vault.add_resources", VA, [
    (["vault_id"], 5, "number"), (["vault_id"], ["{vault_id}"], "array"),
    (["resources"], "x", "string"), (["resources"], {}, "object"), (["resources"], NEW_RES3, "id_string"),
    (["resources"], [1], "item_number"), (["resources"], [NEW_RES3], "item_string"), (["resources"], [[]], "item_array"),
    (AR0 + ["id"], 5, "number"), (AR0 + ["id"], [NEW_RES3], "array"), (AR0 + ["type"], 5, "number"),
    (AR0 + ["type"], ["OS::Nova::Server"], "array"), (AR0 + ["name"], 5, "number"), (AR0 + ["name"], True, "boolean"),
    (AR0 + ["size"], "1", "string"), (AR0 + ["size"], 1.5, "fraction"), (AR0 + ["size"], True, "boolean"),
    (AR0 + ["extra_info"], "{}", "string", {"note": "a vault document's extra_info is an object (SPEC 6.3)"}),
    (AR0 + ["extra_info"], [], "array"), (AR0 + ["extra_info", "exclude_volumes"], "x", "string"),
    (AR0 + ["extra_info", "exclude_volumes"], [5], "item_number"),
    (AR0 + ["extra_info", "include_volumes"], {}, "object"),
    (AR0 + ["extra_info", "include_volumes", 0, "id"], 5, "number"),
    (AR0 + ["extra_info", "include_volumes", 0, "os_version"], 5, "number"),
])
m11("vault.add_resources", VA, [
    (["vault_id"], None, "null"), (["resources"], None, "null"), (["resources"], [None], "item_null"),
    (AR0 + ["id"], None, "null"), (AR0 + ["type"], None, "null"), (AR0 + ["name"], None, "null"),
    (AR0 + ["size"], None, "null"), (AR0 + ["extra_info"], None, "null"),
    (AR0 + ["extra_info", "exclude_volumes"], None, "null"),
], category="null")
m11("vault.add_resources", VA, [
    (["vault_id"], DELETE, "missing"), (["resources"], DELETE, "missing"), (AR0 + ["id"], DELETE, "missing"),
    (AR0 + ["type"], DELETE, "missing"), (AR0 + ["extra_info", "include_volumes", 0, "id"], DELETE, "missing"),
    (["resources"], [{}], "item_empty_object"),
], category="missing")
m11("vault.add_resources", VA, [
    (["vault_id"], "", "empty"), (["resources"], [], "empty", {"note": "1 to 256 resources"}),
    (AR0 + ["id"], "", "empty"), (AR0 + ["type"], "", "empty"),
], category="empty")
m11("vault.add_resources", VA, [
    (["bogus"], 1, "unknown_top"), (AR0 + ["bogus"], 1, "unknown_resource"),
    (AR0 + ["extra_info", "bogus"], 1, "unknown_extra_info"),
    (AR0 + ["extra_info", "include_volumes", 0, "bogus"], 1, "unknown_include_volume"),
    (AR0 + ["protect_status"], "available", "read_only_member"), (["resource_ids"], [NEW_RES3], "remove_member"),
    (["resource"], VA["resources"][0], "singular"), (["vault"], {"resources": VA["resources"]}, "create_body"),
    (AR0 + ["type"], "OS::Bogus::Thing", "bad_enum"), (AR0 + ["type"], "os::nova::server", "wrong_case"),
    (AR0 + ["type"], "server", "object_type_not_resource_type"),
    (AR0 + ["size"], -1, "negative"), (AR0 + ["size"], 10485761, "over_max"),
    (AR0 + ["extra_info", "exclude_volumes"], ["x"], "item_not_uuid"),
    (AR0 + ["extra_info", "exclude_volumes"], [NEW_RES2, NEW_RES2], "duplicate"),
    (["resources"], [{"id": NEW_RES3, "type": "OS::Nova::Server"}, {"id": NEW_RES3, "type": "OS::Cinder::Volume"}],
     "duplicate"),
    (["resources"], [{"id": NEW_RES3, "type": "OS::Nova::Server"}, {"id": NEW_RES3.upper(), "type": "OS::Nova::Server"}],
     "duplicate_case"),
    (["resources"], [{"id": NEW_RES3, "type": "OS::Nova::Server"}, {"id": "{resource_id}", "type": "OS::Nova::Server"},
                     {"id": "{resource_id}", "type": "OS::Nova::Server"}], "duplicate_of_a_held_one",
     {"note": "the duplicate is refused (9900) before the vault is read (6104)"}),
], category="unknown_or_bad_value")
m11("vault.add_resources", VA, [(AR0 + ["name"], "r" * 256, "256_chars")], category="too_long")
m11("vault.add_resources", VA, [(["resources"], res_objs(257), "257_items"),
                                (["resources"], [{"id": i, "type": "OS::Nova::Server"} for i in ids(2000, "eeeeeeee")],
                                 "2000_items")], category="huge_array")
add("vault.add_resources/null_request_pointer", "null_pointer", "vault.add_resources", None, expect=naming("vault_id"))
add("vault.add_resources/empty_object", "missing", "vault.add_resources", "{}", expect=naming("vault_id"))
add("boundary/vault.add_resources/256_items", "boundary", "vault.add_resources",
    {"vault_id": MISSING, "resources": res_objs(256)}, expect=NF_VAULT,
    note="control: 256 distinct resources pass validation; the unknown vault is 404 6105")
add("not_found/vault.add_resources", "not_found", "vault.add_resources", with_value(VA, ["vault_id"], MISSING),
    expect=NF_VAULT, note="control: valid, unknown vault")
add("conflict/vault.add_resources/in_this_vault", "conflict", "vault.add_resources",
    {"vault_id": "{vault_id}", "resources": [{"id": "{resource_id}", "type": "OS::Nova::Server"}]},
    expect={"class": "conflict", "error_code": "BackupService.6104", "http_status": 400},
    note="control: SPEC 6.4, a resource already in this vault is 6104; nothing changes")
add("conflict/vault.add_resources/in_this_vault_upper_case", "conflict", "vault.add_resources",
    {"vault_id": "{vault_id}", "resources": [{"id": "{resource_id_upper}", "type": "OS::Nova::Server"}]},
    expect={"class": "conflict", "error_code": "BackupService.6104", "http_status": 400},
    note="control: ids in any case")
add("conflict/vault.add_resources/in_another_vault", "conflict", "vault.add_resources",
    {"vault_id": "{vault_id}", "resources": [{"id": NEW_RES3, "type": "OS::Nova::Server"},
                                             {"id": "{resource_id3}", "type": "OS::Nova::Server"}]},
    expect={"class": "conflict", "error_code": "BackupService.6103", "http_status": 400},
    note="control: SPEC 6.4, a resource of another vault is 6103; the first, free one is not added either")

# --- vault.remove_resources ------------------------------------------------------
m11("vault.remove_resources", VR, [
    (["vault_id"], 5, "number"), (["vault_id"], ["{vault_id2}"], "array"),
    (["resource_ids"], "{resource_id4}", "string"), (["resource_ids"], "{resource_id4},{resource_id3}", "comma_joined"),
    (["resource_ids"], {"0": "{resource_id4}"}, "object"), (["resource_ids"], 5, "number"),
    (["resource_ids"], [5], "item_number"), (["resource_ids"], [["{resource_id4}"]], "item_array"),
    (["resource_ids"], [{"id": "{resource_id4}"}], "item_object"),
])
m11("vault.remove_resources", VR, [(["vault_id"], None, "null"), (["resource_ids"], None, "null"),
                                   (["resource_ids"], [None], "item_null")], category="null")
m11("vault.remove_resources", VR, [(["vault_id"], DELETE, "missing"), (["resource_ids"], DELETE, "missing")],
    category="missing")
m11("vault.remove_resources", VR, [(["vault_id"], "", "empty"), (["resource_ids"], [], "empty"),
                                   (["resource_ids"], [""], "item_empty")], category="empty")
m11("vault.remove_resources", VR, [
    (["bogus"], 1, "unknown_top"), (["resources"], [{"id": "{resource_id4}", "type": "OS::Nova::Server"}], "add_member"),
    (["resource_id"], "{resource_id4}", "singular"),
    (["resource_ids"], ["{resource_id4}", "{resource_id4}"], "duplicate"),
    (["resource_ids"], ["{resource_id4}", "AAAAAAAA-0000-4000-8000-000000000004"], "duplicate_case"),
    (["resource_ids"], ["{resource_id4}", "x"], "second_item_not_uuid"),
], category="unknown_or_bad_value")
m11("vault.remove_resources", VR, [(["resource_ids"], ids(257, "eeeeeeee"), "257_items"),
                                   (["resource_ids"], raw("{uuid_array:20000}"), "20000_items")], category="huge_array")
add("vault.remove_resources/null_request_pointer", "null_pointer", "vault.remove_resources", None,
    expect=naming("vault_id"))
add("vault.remove_resources/empty_object", "missing", "vault.remove_resources", "{}", expect=naming("vault_id"))
add("boundary/vault.remove_resources/256_items", "boundary", "vault.remove_resources",
    {"vault_id": MISSING, "resource_ids": ids(256, "eeeeeeee")}, expect=NF_VAULT,
    note="control: 256 distinct ids pass validation; the unknown vault is 404 6105")
add("not_found/vault.remove_resources", "not_found", "vault.remove_resources", with_value(VR, ["vault_id"], MISSING),
    expect=NF_VAULT, note="control: valid, unknown vault")
NOT_IN_VAULT = {"class": "invalid", "error_code": "BackupService.6135", "http_status": 400}
add("not_in_vault/vault.remove_resources/another_vaults_resource", "conflict", "vault.remove_resources",
    {"vault_id": "{vault_id2}", "resource_ids": ["{resource_id}"]}, expect=NOT_IN_VAULT,
    note="control: SPEC 6.4, a resource not in the vault is 6135 (invalid); nothing changes")
add("not_in_vault/vault.remove_resources/unknown_resource", "conflict", "vault.remove_resources",
    {"vault_id": "{vault_id2}", "resource_ids": [MISSING]}, expect=NOT_IN_VAULT)
add("not_in_vault/vault.remove_resources/second_item", "conflict", "vault.remove_resources",
    {"vault_id": "{vault_id2}", "resource_ids": ["{resource_id4}", MISSING]}, expect=NOT_IN_VAULT,
    note="the first, removable one stays too")
add("conflict/vault.remove_resources/being_backed_up", "conflict", "vault.remove_resources",
    {"vault_id": "{busy_vault_id}", "resource_ids": ["{busy_resource_id}"]},
    expect={"class": "conflict", "error_code": "BackupService.6134", "http_status": 400},
    note="control: SPEC 6.8, removing a resource being backed up is 6134 (conflict); nothing changes")
add("conflict/backup.delete/protecting", "conflict", "backup.delete", {"backup_id": "{busy_backup_id}"},
    expect=CONFLICT_6203, note="control: README, deleting a backup that is being made is 6203")

# --- policy.checkpoint_list (CSBS v1: CSBS.9001, marker paging, no offset) -------
list_cases("policy.checkpoint_list", PCL, "id:asc", times=False, offset=False)
m11("policy.checkpoint_list", PCL, [
    (["provider_id"], 5, "number"), (["provider_id"], [CSBS_PROVIDER], "array"),
    (["plan_id"], 5, "number"), (["plan_id"], ["{plan_id}"], "array"), (["plan_id"], {"id": "{plan_id}"}, "object"),
] + [([k], v, label) for k in ("start_date", "end_date")
     for v, label in ((20240101, "number"), (["2024-01-01"], "array"), (True, "boolean"),
                      ({"date": "2024-01-01"}, "object"))])
m11("policy.checkpoint_list", PCL, [([k], None, "null") for k in ("provider_id", "plan_id", "start_date", "end_date")],
    category="null")
m11("policy.checkpoint_list", PCL, [([k], "", "empty") for k in ("provider_id", "plan_id", "start_date", "end_date")],
    category="empty")
m11("policy.checkpoint_list", PCL, [
    (["provider_id"], OTHER_UUID, "other_provider"), (["provider_id"], "csbs", "not_uuid"),
    (["offset"], 0, "not_a_member", {"note": "Karbor pages by marker only"}), (["offset"], 10, "not_a_member_10"),
    (["marker"], "{checkpoint_id}", "v3_checkpoint_not_in_list", {"note": "README: a marker not in the list is 9001"}),
    (["marker"], "{backup_id}", "backup_id_not_in_list"),
    (["sort"], "name", "not_a_v1_sort_key"), (["sort"], "updated_at", "not_a_v1_sort_key_updated_at"),
    (["bogus"], 1, "unknown_field"), (["checkpoint_id"], "{v1_checkpoint_id}", "get_member"),
    (["vault_id"], "{vault_id}", "v3_filter"), (["status"], "available", "not_a_filter"),
    (["start_time"], "2024-01-01T00:00:00Z", "v3_time_filter"), (["project_id"], "0", "not_a_filter"),
    (["checkpoint"], {"plan_id": "{plan_id}"}, "execute_body"),
], category="unknown_or_bad_value")
for key in ("start_date", "end_date"):
    m11("policy.checkpoint_list", PCL, [
        ([key], "not a date", "not_a_date"), ([key], "2024-04-31", "31_april"), ([key], "2023-02-29", "29_feb_not_leap"),
        ([key], "2024-02-30", "30_feb"), ([key], "2024-13-01", "month_13"), ([key], "2024-00-10", "month_0"),
        ([key], "2024-01-00", "day_0"), ([key], "2024-01-32", "day_32"), ([key], "9999-99-99", "all_nines"),
        ([key], "2024-1-1", "no_zero_padding"), ([key], "2024-1-01", "no_zero_padding_month"),
        ([key], "20240101", "basic_format"), ([key], "2024/01/01", "slashes"), ([key], "01-01-2024", "day_first"),
        ([key], "2024-01-01 ", "trailing_space"), ([key], " 2024-01-01", "leading_space"),
        ([key], "2024-01", "month_only"), ([key], "2024", "year_only"), ([key], "+2024-01-01", "plus_sign"),
        ([key], "\uff12\uff10\uff12\uff14-01-01", "fullwidth_digits"), ([key], "2024-01-0\u0661", "arabic_indic_digit"),
        ([key], "1704067200", "epoch_seconds_string"), ([key], "2024-01-01' OR '1'='1", "sql"),
        ([key], "2024-01-01T24:00:00Z", "time_hour_24"), ([key], "2024-01-01T00:00:00+08:00", "time_offset_not_utc"),
        ([key], "2024-02-30T00:00:00Z", "time_30_feb"), ([key], "2024-01-01T", "time_empty"),
        ([key], "2024-01-01T00:00:00.000000000000Z", "33_chars"),
    ], category="time")
add("policy.checkpoint_list/start_date/nul", "nul", "policy.checkpoint_list",
    with_value(PCL, ["start_date"], "2024-01-01\u0000"))
# Controls: a date, a leap day and a full time pass; limit 0 (read after them) is what is refused.
for label, patch in [("date_leap_day", {"start_date": "2024-02-29", "end_date": "2024-02-29"}),
                     ("full_time", {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-12-31T23:59:59Z"}),
                     ("no_provider", {"provider_id": DELETE}), ("provider_upper_case", {"provider_id": CSBS_PROVIDER.upper()}),
                     ("unknown_plan", {"plan_id": MISSING})]:
    req = dict(PCL, limit=0)
    for k, v in patch.items():
        if v is DELETE:
            del req[k]
        else:
            req[k] = v
    add("boundary/policy.checkpoint_list/%s" % label, "boundary", "policy.checkpoint_list", req,
        expect=naming("limit", "policy.checkpoint_list"), note="control: valid up to limit 0")
add("policy.checkpoint_list/empty_text", "malformed_json", "policy.checkpoint_list", "")
add("policy.checkpoint_list/top_level_array", "wrong_type", "policy.checkpoint_list", "[]",
    expect=naming("expected object", "policy.checkpoint_list"))

# --- policy.checkpoint_delete ------------------------------------------------------
m11("policy.checkpoint_delete", PCD, [
    (["provider_id"], 5, "number"), (["provider_id"], [CSBS_PROVIDER], "array"),
    (["checkpoint_id"], 5, "number"), (["checkpoint_id"], ["{spare_v1_checkpoint_id}"], "array"),
    (["checkpoint_id"], {"id": "{spare_v1_checkpoint_id}"}, "object"), (["checkpoint_id"], True, "boolean"),
])
m11("policy.checkpoint_delete", PCD, [(["provider_id"], None, "null"), (["checkpoint_id"], None, "null")],
    category="null")
m11("policy.checkpoint_delete", PCD, [(["checkpoint_id"], DELETE, "missing")], category="missing")
m11("policy.checkpoint_delete", PCD, [(["provider_id"], "", "empty"), (["checkpoint_id"], "", "empty")],
    category="empty")
m11("policy.checkpoint_delete", PCD, [
    (["provider_id"], OTHER_UUID, "other_provider"), (["provider_id"], "csbs", "not_uuid"),
    (["bogus"], 1, "unknown_field"), (["checkpoint_items"], ["{backup_id}"], "checkpoint_items_not_taken",
                                      {"note": "README: CSBS's checkpoint_items query is not taken"}),
    (["plan_id"], "{plan_id}", "list_filter"), (["force"], True, "unknown_flag"),
    (["checkpoint_ids"], ["{spare_v1_checkpoint_id}"], "plural"),
], category="unknown_or_bad_value")
add("policy.checkpoint_delete/null_request_pointer", "null_pointer", "policy.checkpoint_delete", None,
    expect=naming("checkpoint_id", "policy.checkpoint_delete"))
add("policy.checkpoint_delete/empty_object", "missing", "policy.checkpoint_delete", "{}",
    expect=naming("checkpoint_id", "policy.checkpoint_delete"))
add("policy.checkpoint_delete/provider_only", "missing", "policy.checkpoint_delete",
    {"provider_id": CSBS_PROVIDER}, expect=naming("checkpoint_id", "policy.checkpoint_delete"))
add("not_found/policy.checkpoint_delete", "not_found", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], MISSING), expect=NF_V1_CHECKPOINT, note="control: valid, unknown v1 checkpoint")
add("not_found/policy.checkpoint_delete/upper_case", "not_found", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], MISSING.upper()), expect=NF_V1_CHECKPOINT)
add("not_found/policy.checkpoint_delete/no_provider", "not_found", "policy.checkpoint_delete",
    {"checkpoint_id": MISSING}, expect=NF_V1_CHECKPOINT, note="control: provider_id is optional")
add("not_found/policy.checkpoint_delete/a_backup_id", "not_found", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], "{backup_id}"), expect=NF_V1_CHECKPOINT,
    note="control: a backup's id is not a checkpoint's")
add("not_found/policy.checkpoint_delete/a_plan_id", "not_found", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], "{plan_id}"), expect=NF_V1_CHECKPOINT)
add("conflict/policy.checkpoint_delete/backup_in_progress", "conflict", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], "{busy_v1_checkpoint_id}"),
    expect={"class": "conflict", "error_code": "CSBS.2003", "http_status": 400},
    note="control: README, a v1 checkpoint with a backup being made is CSBS.2003; nothing changes")

# --- policy.execute: Karbor's extra-info; parameters may be left out ------------------
EI = C + ["extra-info"]
m11("policy.execute", PE, [(EI, "x", "string"), (EI, 5, "number"), (EI, [], "array"), (EI, True, "boolean"),
                           (EI, "{}", "json_text"), (EI, [{}], "array_of_object")])
m11("policy.execute", PE, [
    (C + ["extra_info"], {}, "underscore_spelling"), (["extra-info"], {}, "extra_info_at_top"),
    (Q + ["extra-info"], {}, "extra_info_in_parameters"), (C + ["extra-Info"], {}, "extra_info_wrong_case"),
], category="unknown_or_bad_value")
add("deep/objects_33/policy.execute/extra-info", "deep_nesting", "policy.execute",
    with_value(PE, EI, raw("{deep_obj:31}")))
for label, patch in [("extra_info_object", {"extra-info": {"k": "v"}}), ("extra_info_null", {"extra-info": None}),
                     ("extra_info_empty_object", {"extra-info": {}}), ("no_parameters", {"parameters": DELETE}),
                     ("karbor_body", {"parameters": DELETE, "extra-info": None})]:
    req = with_value(PE, C + ["plan_id"], MISSING)
    for k, v in patch.items():
        if v is DELETE:
            del req["checkpoint"][k]
        else:
            req["checkpoint"][k] = v
    add("boundary/policy.execute/%s" % label, "boundary", "policy.execute", req, expect=NF_PLAN,
        note="control: README, extra-info is an object or null and parameters may be left out; the plan is unknown")

# --- ids that are not UUIDs, traversal, SQL, in every id member of the new operations ----
ID_FIELDS2 = [
    ("vault.update", VU, ["vault_id"]), ("vault.delete", VD, ["vault_id"]),
    ("vault.add_resources", VA, ["vault_id"]), ("vault.add_resources", VA, AR0 + ["id"]),
    ("vault.add_resources", VA, AR0 + ["extra_info", "exclude_volumes", 0]),
    ("vault.add_resources", VA, AR0 + ["extra_info", "include_volumes", 0, "id"]),
    ("vault.remove_resources", VR, ["vault_id"]), ("vault.remove_resources", VR, ["resource_ids", 0]),
    ("vault.list", VL, ["id"]), ("vault.list", VL, ["id", 0]), ("vault.list", VL, ["policy_id"]),
    ("vault.list", VL, ["resource_ids"]),
    ("policy.checkpoint_list", PCL, ["plan_id"]), ("policy.checkpoint_list", PCL, ["provider_id"]),
    ("policy.checkpoint_delete", PCD, ["checkpoint_id"]), ("policy.checkpoint_delete", PCD, ["provider_id"]),
]
for op, base, path in ID_FIELDS2:
    which = bad_ids if path in (["vault_id"], ["checkpoint_id"]) and op in ("vault.delete", "policy.checkpoint_delete") \
        else bad_ids[:8]
    for label, bad in which:
        add("ids/%s/%s/%s" % (op, dotted(path), label), "bad_id", op, with_value(base, path, bad),
            expect=naming(dotted(path), op))

# --- invalid UTF-8, NUL, size, depth --------------------------------------------
for label, h in bad_utf8[:5]:
    add("utf8/vault.update/name/%s" % label, "invalid_utf8", "vault.update", None,
        request_hex=text_of(VU).encode().replace(b'"renamed"', b'"re' + bytes.fromhex(h) + b'"').hex())
add("utf8/vault.list/name", "invalid_utf8", "vault.list", None,
    request_hex=text_of(VL).encode().replace(b'"hardening"', b'"harden\xffing"').hex())
add("utf8/vault.list/resource_ids", "invalid_utf8", "vault.list", None,
    request_hex=text_of(VL).encode().replace(b'{resource_id},', b'{resource_id}\xc0\xac').hex())
add("utf8/vault.delete/vault_id", "invalid_utf8", "vault.delete", None,
    request_hex=b'{"vault_id":"{spare_vault_id}\xed\xa0\x80"}'.hex())
add("utf8/vault.add_resources/key", "invalid_utf8", "vault.add_resources", None,
    request_hex=text_of(VA).encode().replace(b'"name"', b'"na\xe9me"').hex())
add("utf8/vault.remove_resources/resource_id", "invalid_utf8", "vault.remove_resources", None,
    request_hex=text_of(VR).encode().replace(b'{resource_id4}', b'{resource_id4}\x80').hex())
add("utf8/policy.checkpoint_list/start_date", "invalid_utf8", "policy.checkpoint_list", None,
    request_hex=text_of(PCL).encode().replace(b'"2020-01-01"', b'"2020-01-0\xff"').hex())
add("utf8/policy.checkpoint_delete/checkpoint_id", "invalid_utf8", "policy.checkpoint_delete", None,
    request_hex=text_of(PCD).encode().replace(b'{spare_v1_checkpoint_id}', b'{spare_v1_checkpoint_id}\xc3\x28').hex())
add("utf8/policy.execute/extra-info_key", "invalid_utf8", "policy.execute", None,
    request_hex=text_of(with_value(PE, EI, {"k": "v"})).encode().replace(b'"k"', b'"\xf5\x80\x80\x80"').hex())
add("utf8/json_api/nocheck_vault_name", "invalid_utf8", "vault.update", VU, api="json",
    json_patch=[{"path": ["vault", "name"], "hex": "72ff"}])
add("utf8/json_api/nocheck_resource_name", "invalid_utf8", "vault.add_resources", VA, api="json",
    json_patch=[{"path": ["resources", 0, "name"], "hex": "eda080"}])
add("utf8/json_api/nocheck_tag_key", "invalid_utf8", "vault.update", VU, api="json",
    json_patch=[{"path": ["vault", "bind_rules", "tags", 0], "key_hex": "6bc0af", "hex": "76"}])
add("utf8/json_api/nocheck_v1_checkpoint_id", "invalid_utf8", "policy.checkpoint_delete", PCD, api="json",
    json_patch=[{"path": ["checkpoint_id"], "hex": "ff"}])
add("nul/vault.update/name", "nul", "vault.update", with_value(VU, UV + ["name"], "re\u0000named"))
add("nul/vault.update/tag_value", "nul", "vault.update", with_value(VU, UT0 + ["value"], "v\u0000"))
add("nul/vault.list/name", "nul", "vault.list", with_value(VL, ["name"], "hardening\u0000"))
add("nul/vault.list/resource_ids", "nul", "vault.list", with_value(VL, ["resource_ids"], "{resource_id}\u0000"))
add("nul/vault.add_resources/name", "nul", "vault.add_resources", with_value(VA, AR0 + ["name"], "r\u00003"))
add("nul/vault.remove_resources/resource_id", "nul", "vault.remove_resources",
    with_value(VR, ["resource_ids", 0], "{resource_id4}\u0000"))
add("nul/policy.checkpoint_delete/checkpoint_id", "nul", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], "{spare_v1_checkpoint_id}\u0000"))
add("nul/json_api/vault_id", "nul", "vault.delete", VD, api="json", json_patch=[{"path": ["vault_id"], "hex": "00"}])
add("nul/json_api/extra-info_value", "nul", "policy.execute", with_value(PE, EI, {"k": "v"}), api="json",
    json_patch=[{"path": ["checkpoint", "extra-info", "k"], "hex": "7600"}])
add("oversize/vault.list/request_1MiB_plus_1", "oversize", "vault.list", text_of(VL) + "{ws_to:1048577}")
add("oversize/vault.update/request_1MiB_plus_1", "oversize", "vault.update", text_of(VU) + "{ws_to:1048577}")
add("oversize/vault.add_resources/request_1MiB_plus_1", "oversize", "vault.add_resources",
    text_of(VA) + "{ws_to:1048577}")
add("oversize/policy.checkpoint_list/request_1MiB_plus_1", "oversize", "policy.checkpoint_list",
    text_of(PCL) + "{ws_to:1048577}")
add("oversize/policy.checkpoint_delete/request_1MiB_plus_1", "oversize", "policy.checkpoint_delete",
    text_of(PCD) + "{ws_to:1048577}")
add("oversize/policy.execute/extra-info_1MiB_plus_1", "oversize", "policy.execute",
    with_value(PE, EI, {"k": "{pad:1048577}"}))
add("oversize/vault.update/name_2MiB", "oversize", "vault.update", with_value(VU, UV + ["name"], "{pad:2097152}"))
add("oversize/vault.update/name_2MiB/json_api", "oversize", "vault.update", with_value(VU, UV + ["name"], "{pad:2097152}"),
    api="json", expect=naming("vault.name"))
add("oversize/vault.add_resources/20000_items", "huge_array", "vault.add_resources",
    with_value(VA, ["resources"], raw("{uuid_array:20000}")), expect=naming("resources"))
add("oversize/vault.list/id_100001_values", "oversize", "vault.list", with_value(VL, ["id"], raw("{int_array:100001}")),
    api="json")
add("oversize/vault.remove_resources/100001_values", "oversize", "vault.remove_resources",
    with_value(VR, ["resource_ids"], raw("{int_array:100001}")))
add("oversize/vault.list/many_members", "oversize", "vault.list", "{{many_keys:10000}}",
    expect={"class": "invalid", "error_code": CBR, "msg_contains": "unknown field"}, max_ms=1000)
add("oversize/policy.checkpoint_list/many_members", "oversize", "policy.checkpoint_list", "{{many_keys:10000}}",
    expect={"class": "invalid", "error_code": V1, "msg_contains": "unknown field"}, max_ms=1000)
add("oversize/policy.execute/extra-info_many_members", "boundary", "policy.execute",
    with_value(with_value(PE, C + ["plan_id"], MISSING), EI, raw("{{many_keys:10000}}")), expect=NF_PLAN, max_ms=1000,
    note="control: extra-info is taken as given, 10,000 members stay inside the time budget")
add("deep/arrays_40/vault.list", "deep_nesting", "vault.list", with_value(VL, ["name"], raw("{deep_arr:39}")))
add("deep/objects_33/vault.update", "deep_nesting", "vault.update",
    with_value(VU, UT0 + ["value"], raw("{deep_obj:29}")))
add("deep/arrays_40/vault.add_resources", "deep_nesting", "vault.add_resources",
    with_value(VA, AR0 + ["extra_info", "exclude_volumes"], raw("{deep_arr:36}")))
add("deep/arrays_40/policy.checkpoint_list", "deep_nesting", "policy.checkpoint_list",
    with_value(PCL, ["plan_id"], raw("{deep_arr:39}")))
add("deep/arrays_40/policy.checkpoint_delete", "deep_nesting", "policy.checkpoint_delete",
    with_value(PCD, ["checkpoint_id"], raw("{deep_arr:39}")))
add("deep/cycle/json_api/vault.add_resources", "deep_nesting", "vault.add_resources", VA, api="json", special="cycle")
add("deep/cycle/json_api/vault.update", "deep_nesting", "vault.update", VU, api="json", special="cycle")
add("deep/cycle/json_api/policy.checkpoint_delete", "deep_nesting", "policy.checkpoint_delete", PCD, api="json",
    special="cycle")

# --- unknown operations near the new ones ------------------------------------------
for label, op in [("vault_list_capitalised", "Vault.list"), ("vaults_list", "vaults.list"),
                  ("vault_remove", "vault.remove"), ("vault_add_resource", "vault.add_resource"),
                  ("vault_addresources", "vault.addresources"), ("vault_set_resources", "vault.set_resources"),
                  ("vault_delete_trailing_space", "vault.delete "), ("vault_rest_path", "/v3/vaults/{spare_vault_id}"),
                  ("rest_verb_delete", "DELETE vault.delete"), ("local_vault_delete", "local.vault.delete"),
                  ("policy_checkpoint_update", "policy.checkpoint_update"),
                  ("policy_checkpoints_list", "policy.checkpoints_list"),
                  ("policy_checkpoint_remove", "policy.checkpoint_remove"), ("checkpoint_delete", "checkpoint.delete"),
                  ("checkpoint_list", "checkpoint.list"), ("policy_list", "policy.list"), ("vault_only", "vault")]:
    add("operation/%s" % label, "unknown_operation", op, text_of(VD), expect={"class": "invalid", "error_code": CBR})

# --- ckpt_call* with the new operations: NULL arguments, *_ex twins ------------------
for fn in ("ckpt_call", "ckpt_call_text", "ckpt_call_ex", "ckpt_call_text_ex"):
    # A NULL response must stop a write before it happens (the store check proves it).
    for op, req in [("vault.update", VU), ("vault.delete", VD), ("vault.add_resources", VA),
                    ("vault.remove_resources", VR), ("policy.checkpoint_delete", PCD)]:
        nul("response/%s" % op, fn, ["response"], operation=op, request=text_of(req),
            expect={"class": "invalid", "error_code": fam(op), "msg_contains": "response"})
    nul("response/vault.list", fn, ["response"], operation="vault.list", request=text_of(VL),
        expect=naming("response"))
    nul("response/policy.checkpoint_list", fn, ["response"], operation="policy.checkpoint_list", request=text_of(PCL),
        expect=naming("response", "policy.checkpoint_list"))
    nul("client/vault.delete", fn, ["client"], operation="vault.delete", request=text_of(VD), expect=naming("client"))
    nul("client/policy.checkpoint_delete", fn, ["client"], operation="policy.checkpoint_delete", request=text_of(PCD),
        expect=naming("client", "policy.checkpoint_delete"))
    for op in ("vault.update", "vault.delete", "vault.add_resources", "vault.remove_resources"):
        nul("request/%s" % op, fn, ["request"], operation=op, expect=naming("vault_id"))
    nul("request/policy.checkpoint_delete", fn, ["request"], operation="policy.checkpoint_delete",
        expect=naming("checkpoint_id", "policy.checkpoint_delete"))
    nul("request_and_response/vault.list", fn, ["request", "response"], operation="vault.list",
        expect=naming("response"), note="a NULL request of a list is no filters: the NULL response is the error")
    nul("error/vault.delete_bad_id", fn, ["error"], operation="vault.delete", request='{"vault_id":"../{spare_vault_id}"}')
    nul("error/policy.checkpoint_delete_busy", fn, ["error"], operation="policy.checkpoint_delete",
        request=text_of(with_value(PCD, ["checkpoint_id"], "{busy_v1_checkpoint_id}")),
        expect={"class": "conflict", "error_code": "CSBS.2003", "http_status": 400})
    if fn.endswith("_ex"):
        nul("meta_and_response/vault.delete", fn, ["meta", "response"], operation="vault.delete", request=text_of(VD))
        for label, op, req, expect in [
                ("vault.list_limit_zero", "vault.list", text_of(with_value(VL, ["limit"], 0)), naming("limit")),
                ("vault.update_below_used", "vault.update", text_of(with_value(VU, UB + ["size"], 1)),
                 naming("vault.billing.size")),
                ("vault.delete_busy", "vault.delete", '{"vault_id":"{busy_vault_id}"}', CONFLICT_6203),
                ("vault.delete_not_found", "vault.delete", '{"vault_id":"%s"}' % MISSING, NF_VAULT),
                ("vault.add_resources_in_this_vault", "vault.add_resources",
                 '{"vault_id":"{vault_id}","resources":[{"id":"{resource_id}","type":"OS::Nova::Server"}]}',
                 {"class": "conflict", "error_code": "BackupService.6104", "http_status": 400}),
                ("vault.remove_resources_not_in_vault", "vault.remove_resources",
                 '{"vault_id":"{vault_id2}","resource_ids":["{resource_id}"]}', NOT_IN_VAULT),
                ("policy.checkpoint_list_offset", "policy.checkpoint_list", text_of(dict(PCL, offset=0)),
                 naming("offset", "policy.checkpoint_list")),
                ("policy.checkpoint_delete_not_found", "policy.checkpoint_delete",
                 text_of(with_value(PCD, ["checkpoint_id"], MISSING)), NF_V1_CHECKPOINT),
                ("policy.execute_extra_info_string", "policy.execute", text_of(with_value(PE, EI, "x")),
                 naming("checkpoint.extra-info", "policy.execute"))]:
            add("ex/%s/%s" % (fn, label), "typed", op, req, api="null_args", function=fn, null=[], expect=expect)


# --- the typed functions of part 2: ckpt_vault_list, ckpt_vault_delete ---------------
def typed_nulls(fn, args, idarg, jarg, has_response):
    """NULL for every pointer argument of a typed function, as for the 1.1 part-1 ones."""
    nul("client", fn, ["client"], args=args, expect=naming("client"))
    if idarg:
        nul(idarg, fn, [idarg], args=args, expect=naming(idarg))
    if has_response:
        nul("response", fn, ["response"], args=args, expect=naming("response"))
        nul("error_and_response", fn, ["error", "response"], args=args)
    nul("all", fn, ["client", "error"] + (["response"] if has_response else []) + ([idarg] if idarg else [])
        + ([jarg] if jarg else []), args=args)


typed_nulls("ckpt_vault_list", {"filters": text_of(VL)}, None, "filters", True)
typed_nulls("ckpt_vault_delete", {"vault_id": "{spare_vault_id}"}, "vault_id", None, False)
nul("client_and_vault_id", "ckpt_vault_delete", ["client", "vault_id"], args={"vault_id": "{spare_vault_id}"},
    expect=naming("client"))
nul("filters_and_response", "ckpt_vault_list", ["filters", "response"], args={}, expect=naming("response"),
    note="NULL filters are the first page of all: the NULL response is the error")
nul("client_and_filters", "ckpt_vault_list", ["client", "filters"], args={}, expect=naming("client"))
# NULL error with a bad argument or a refused delete: only the code comes back, nothing is deleted.
nul("error/bad_id", "ckpt_vault_delete", ["error"], args={"vault_id": "../{spare_vault_id}"})
nul("error/busy", "ckpt_vault_delete", ["error"], args={"vault_id": "{busy_vault_id}"}, expect=CONFLICT_6203)
nul("error/not_found", "ckpt_vault_delete", ["error"], args={"vault_id": MISSING}, expect=NF_VAULT)
nul("error/bad_filters", "ckpt_vault_list", ["error"], args={"filters": '{"limit":0}'})
for label, f in [("array", "[]"), ("string", '"x"'), ("json_null", "null"), ("number", "5"), ("true", "true"),
                 ("limit_zero", '{"limit":0}'), ("limit_string", '{"limit":"10"}'), ("offset_negative", '{"offset":-1}'),
                 ("unknown_filter", '{"bogus":1}'), ("backup_filter", '{"checkpoint_id":"{checkpoint_id}"}'),
                 ("sort_unknown_key", '{"sort":"size"}'), ("sort_updated_at", '{"sort":"updated_at"}'),
                 ("marker_not_uuid", '{"marker":"../x"}'), ("marker_not_in_list", '{"marker":"%s"}' % MISSING),
                 ("marker_a_backup_id", '{"marker":"{backup_id}"}'),
                 ("status_array", '{"status":["available"]}'), ("status_bogus", '{"status":"locked"}'),
                 ("id_not_uuid", '{"id":"x"}'), ("id_empty_array", '{"id":[]}'), ("id_item_number", '{"id":[5]}'),
                 ("resource_ids_array", '{"resource_ids":["{resource_id}"]}'),
                 ("resource_ids_trailing_comma", '{"resource_ids":"{resource_id},"}'),
                 ("policy_id_sql", '{"policy_id":"\' OR 1=1 --"}'), ("name_65", '{"name":"%s"}' % ("v" * 65)),
                 ("enterprise_project_id_number", '{"enterprise_project_id":0}'),
                 ("deep", '{"name":{deep_arr:40}}')]:
    typed("filters_" + label, "ckpt_vault_list", {"filters": f},
          expect=naming("filters") if label in ("array", "string", "json_null", "number", "true") else None)
typed("filters_limit_zero_after_valid", "ckpt_vault_list", {"filters": text_of(dict(VL, limit=0))},
      expect=naming("limit"), note="control: every filter of the base request is valid")
for label, a in [("id_not_uuid", {"vault_id": "vault-1"}), ("id_traversal", {"vault_id": "../../../../etc/passwd"}),
                 ("id_traversal_of_a_fixture", {"vault_id": "../{spare_vault_id}"}),
                 ("id_sql", {"vault_id": "x'; DELETE FROM vaults; --"}), ("id_empty", {"vault_id": ""}),
                 ("id_invalid_utf8", {"vault_id_hex": "c328"}), ("id_surrogate", {"vault_id_hex": "eda080"}),
                 ("id_dot_dot", {"vault_id": ".."}), ("id_glob", {"vault_id": "*"}),
                 ("id_braces", {"vault_id": "{%s}" % MISSING}), ("id_37_chars", {"vault_id": MISSING + "0"}),
                 ("id_1MiB_plus_1", {"vault_id": "{pad:1048577}"})]:
    typed(label, "ckpt_vault_delete", a, expect=naming("vault_id") if label == "id_1MiB_plus_1" else None)
typed("not_found", "ckpt_vault_delete", {"vault_id": MISSING}, expect=NF_VAULT, category="not_found")
typed("not_found_upper_case", "ckpt_vault_delete", {"vault_id": MISSING.upper()}, expect=NF_VAULT,
      category="not_found")
typed("a_backup_id", "ckpt_vault_delete", {"vault_id": "{backup_id}"}, expect=NF_VAULT, category="not_found",
      note="control: a backup's id is not a vault's")
typed("backup_in_progress", "ckpt_vault_delete", {"vault_id": "{busy_vault_id}"}, expect=CONFLICT_6203,
      category="conflict", note="control: ckpt.h, 6203 while a backup of it is being made; nothing changes")

# ===========================================================================
# 10. The json entry point for a sample of the text cases (same expectations)
# ===========================================================================
for c in list(cases):
    if c["api"] != "text" or c["request"] is None or c["operation"] is None:
        continue
    if c["category"] not in ("wrong_type", "null", "missing", "empty", "too_long", "huge_array", "bad_id", "paging",
                             "time"):
        continue
    if "{pad:" in c["request"] or "bug" in c:
        continue
    try:
        json.loads(c["request"])
    except ValueError:
        continue
    # one in three, so both entry points are covered without doubling the file
    if sum(c["name"].encode()) % 3:
        continue
    j = dict(c)
    j["name"] = c["name"] + "/json_api"
    j["api"] = "json"
    assert j["name"] not in names
    names.add(j["name"])
    cases.append(j)

# ===========================================================================
# Known library bugs found by cases whose expectation is written above (the
# README lists them).  B7: ckpt_call* convert the request with the CBR family,
# so failures of a policy.* request's text are BackupService.9900.  B8: NULL
# client/response of a v1 call are BackupService.9900 (plan_id is CSBS.9001).
# ===========================================================================
KNOWN = {
    "B7": ["malformed/duplicate_key/policy.execute", "malformed/truncated/policy.create",
           "utf8/policy.execute/plan_id", "utf8/json_api/nocheck_policy_name", "nul/policy.create/name",
           "deep/arrays_40/json_api", "oversize/values_100001/policy.get"],
    "B8": ["null_args/%s/%s/policy.execute" % (fn, arg)
           for fn in ("ckpt_call", "ckpt_call_text", "ckpt_call_ex", "ckpt_call_text_ex")
           for arg in ("client", "response")]
          + ["null_args/ckpt_policy_execute/client", "null_args/ckpt_policy_execute/response"],
}
# B9: backup.restore reads restore.resource_id as any string of 1-64
# characters, while ids are UUIDs (README, "Limits") and server_id and
# volume_id beside it are checked as UUIDs: a traversal or SQL text is
# accepted and becomes the restore task's target_resource_id.
KNOWN["B9"] = [c["name"] for c in cases if c["name"].startswith("ids/backup.restore/restore.resource_id/")]
# B10: ckpt_backup_list with filters that are not an object answers
# "request: expected object, got ...": it names no argument of the function
# (a too deep filters object is "filters: ...", and ckpt_checkpoint_create's
# parameters are named "checkpoint.parameters").
KNOWN["B10"] = ["typed/ckpt_backup_list/filters_%s" % k for k in ("array", "string", "json_null", "number")]
# B11: policy.checkpoint_list with a marker that names no v1 checkpoint of
# the project (an unknown id, a v3 checkpoint's, a backup's) answers
# BackupService.9900 "marker: no item with id ...", not CSBS.9001: the
# embedded backend's ListQuery throws .parameter(.cbr, ...) whatever the
# list's family (the v1 list's other errors, a bad marker text included, are
# CSBS.9001).
KNOWN["B11"] = [n for n in (c["name"] for c in cases) if n.startswith("policy.checkpoint_list/marker/") and
                n.split("/")[2] in ("not_in_list", "v3_checkpoint_not_in_list", "backup_id_not_in_list")]
by_name = {c["name"]: c for c in cases}
for bug, which in KNOWN.items():
    for n in which:
        by_name[n]["bug"] = bug

# Fixed in the library (commit "Fix hardening findings B2-B8"; B9 and B10 in
# the lifecycle commit: restore.resource_id is a UUID, and ckpt_backup_list
# names its filters argument; B11 in the lifecycle part 2 change: a list's
# marker error takes the list's family): their cases
# are ordinary expectations now.  A new bug gets a new id and stays tagged
# until it is fixed.
FIXED = {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11"}
for c in cases:
    if c.get("bug") in FIXED:
        del c["bug"]

json.dump({"version": 1, "cases": cases}, sys.stdout, indent=1, ensure_ascii=True)
sys.stdout.write("\n")
print("%d cases" % len(cases), file=sys.stderr)
